"""Frame helpers of the import that keep a county's frames from being copied whole."""

import polars as pl


def attach(frame: pl.DataFrame, other: pl.DataFrame, on: str | list[str]) -> pl.DataFrame:
    """A left join of `other` (one row per key) onto `frame`, computed on the key columns only:
    the frame's own columns are kept as they are instead of being gathered into a new frame."""
    keys = [on] if isinstance(on, str) else on
    found = frame.select(keys).join(
        other, on=keys, how="left", validate="m:1", maintain_order="left"
    )
    return frame.hstack(found.drop(keys))
