from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from villagedesk.economy.apportion import split_by_shares


def test_a_dividend_that_does_not_divide_evenly_goes_to_the_largest_remainders():
    parts = split_by_shares(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)})
    assert parts == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


def test_parts_follow_the_shares():
    parts = split_by_shares(Decimal("1000.00"), {1: Decimal(3), 2: Decimal(1), 3: Decimal("0.5")})
    assert parts == {1: Decimal("666.67"), 2: Decimal("222.22"), 3: Decimal("111.11")}
    assert sum(parts.values()) == Decimal("1000.00")


def test_a_key_without_shares_gets_nothing():
    parts = split_by_shares(Decimal("0.05"), {"a": Decimal(2), "b": Decimal(0), "c": Decimal(1)})
    assert parts["b"] == 0
    assert sum(parts.values()) == Decimal("0.05")


@pytest.mark.parametrize(
    "total, shares",
    [
        (Decimal("-1.00"), {"a": Decimal(1)}),
        (Decimal("1.005"), {"a": Decimal(1)}),
        (Decimal(1), {}),
    ],
)
def test_a_split_that_cannot_be_made_is_refused(total, shares):
    with pytest.raises(ValueError):
        split_by_shares(total, shares)


@given(
    fen=st.integers(min_value=0, max_value=10**10),
    shares=st.lists(
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
        min_size=1,
        max_size=40,
    ).filter(lambda s: sum(s) > 0),
)
def test_parts_are_whole_fen_summing_to_the_total_and_within_a_fen_of_exact(fen, shares):
    total = Decimal(fen) / 100
    keyed = dict(enumerate(shares))
    parts = split_by_shares(total, keyed)
    assert sum(parts.values()) == total
    whole = sum(shares)
    for key, part in parts.items():
        assert part == part.quantize(Decimal("0.01"))
        assert abs(part - total * keyed[key] / whole) < Decimal("0.01")
