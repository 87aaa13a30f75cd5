"""Splitting a sum of money over shares to the fen (分), so that the parts add up to the sum."""

from collections.abc import Hashable
from decimal import ROUND_FLOOR, Decimal

FEN = Decimal("0.01")


def split_by_shares(total: Decimal, shares: dict[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Each key's part of `total` in proportion to its shares, in whole fen, the parts summing
    exactly to the total (the largest-remainder method: every part is first rounded down, and
    the fen left over go one each to the largest remainders, ties to the earlier key).

    Keys with no shares get nothing; raises ValueError when no key has shares or the total is
    negative or not in whole fen."""
    if total < 0 or total != total.quantize(FEN):
        raise ValueError("The total is a non-negative amount in whole fen.")
    whole = sum(shares.values(), Decimal(0))
    if whole <= 0 or any(s < 0 for s in shares.values()):
        raise ValueError("Shares are non-negative and some are positive.")
    fen = int(total / FEN)
    exact = {key: Decimal(fen) * s / whole for key, s in shares.items()}
    parts = {key: int(value.to_integral_value(ROUND_FLOOR)) for key, value in exact.items()}
    left = fen - sum(parts.values())
    order = {key: i for i, key in enumerate(shares)}
    by_remainder = sorted(shares, key=lambda key: (parts[key] - exact[key], order[key]))
    for key in by_remainder[:left]:
        parts[key] += 1
    return {key: (Decimal(part) * FEN).quantize(FEN) for key, part in parts.items()}
