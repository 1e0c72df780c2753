"""Earlier values of each variant: the previous period, the same period of the previous year,
and the baseline for progress (the earliest value of the same kind and length of period).

Every lookup is a join on integer ids (variant, org unit, period); the periods' order and links
come from a small table built once.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from .backend import Backend
from .catalogue import Catalogue

__all__ = ["baselines", "earlier", "period_table"]


def period_table(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    """One row per period: its end and first month (counted from the catalogue's origin), length
    class, previous period, same period of the previous year (-1 when not in the catalogue)."""
    periods = cat.periods
    rows: dict[str, list[int]] = {
        "per": [],
        "first": [],
        "end": [],
        "lclass": [],
        "prev_per": [],
        "prev_year_per": [],
    }
    for pid, period in enumerate(periods.periods):
        rows["per"].append(pid)
        rows["first"].append(period.first - cat.origin)
        rows["end"].append(period.last + 1 - cat.origin)
        rows["lclass"].append(periods.length_class(period))
        rows["prev_per"].append(periods.id(period.previous()))
        rows["prev_year_per"].append(cat.prev_year_period(pid))
    return backend.table(
        rows,
        {
            "per": nw.Int32,
            "first": nw.Int64,
            "end": nw.Int64,
            "lclass": nw.Int64,
            "prev_per": nw.Int32,
            "prev_year_per": nw.Int32,
        },
    )


def earlier(
    rows: nw.LazyFrame[Any],
    values: nw.LazyFrame[Any],
    periods: int,
    column: str,
    prefix: str,
    bits: bool = False,
) -> nw.LazyFrame[Any]:
    """``rows`` with the value (``{prefix}n``, ``{prefix}d``; and its bound ``{prefix}b`` when
    ``bits``) of the same variant and org unit at the period in ``column`` (rows and values
    carry ``g``, the variant and org unit's key, and values ``k = g * periods + per``)."""
    key = f"k_{prefix}"
    lookup = values.select(
        nw.col("k").alias(key),
        nw.col("vn").alias(f"{prefix}n"),
        nw.col("vd").alias(f"{prefix}d"),
        *([nw.col("vb").alias(f"{prefix}b")] if bits else []),
    )
    keyed = rows.with_columns(
        nw.when(nw.col(column) >= 0).then(nw.col("g") * periods + nw.col(column)).alias(key)
    )
    return keyed.join(lookup, on=key, how="left").drop(key)


def baselines(
    values: nw.LazyFrame[Any], periods: nw.LazyFrame[Any], bits: bool = False
) -> nw.LazyFrame[Any]:
    """For each variant, org unit and length class (key ``gl``): the earliest period with a value
    (``b0_per``), its value (``b0n``, ``b0d``; its bound ``b0b`` when ``bits``) and its end
    (``t0``)."""
    valued = (
        values.filter(~nw.col("vn").is_null())
        .join(periods.select("per", "first", "end", "lclass"), on="per")
        .with_columns((nw.col("g") * LENGTH_CLASSES + nw.col("lclass")).alias("gl"))
    )
    earliest = valued.group_by("gl").agg(nw.col("first").min())
    return valued.join(earliest, on=["gl", "first"], how="inner").select(
        "gl",
        nw.col("per").alias("b0_per"),
        nw.col("vn").alias("b0n"),
        nw.col("vd").alias("b0d"),
        *([nw.col("vb").alias("b0b")] if bits else []),
        nw.col("end").alias("t0"),
    )


LENGTH_CLASSES = 100_000
"""Above every length class (kind × 10,000 + months)."""
