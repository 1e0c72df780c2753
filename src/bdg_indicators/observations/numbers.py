"""Numbers in observations: machine notation (``97.9``) or Vietnamese (``97,9``; ``17.101``),
read exactly as scaled integers, never guessed.

A value becomes ``num`` (an integer) and ``dec`` (its decimals): 97,9 is 979 with 1 decimal.
[`parse_values`][bdg_indicators.observations.numbers.parse_values] adds those columns and a
``state`` column: ``OK``, or why the value cannot be used.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = ["MAX_DECIMALS", "State", "parse_values"]

MAX_DECIMALS = 9
"""Most decimals a value may have."""

TRUE_WORDS = ("true", "1", "có", "yes", "đúng")
FALSE_WORDS = ("false", "0", "không", "no", "sai")


class State:
    """Why a value cannot be used (``OK``: it can)."""

    OK = 0
    MISSING = 1
    BAD = 2
    AMBIGUOUS = 3
    FRACTION = 4
    """A count that is not a whole number."""
    NOT_YES_NO = 5
    """A yes/no value that is neither yes (1) nor no (0)."""
    TOO_LONG = 6
    """A number whose digits (decimals included) make more than a 64-bit integer holds."""


def _text_values(
    frame: pl.DataFrame, locale: str, is_bool: pl.Expr, is_count: pl.Expr
) -> pl.DataFrame:
    import polars as pl

    v = pl.col("value").cast(pl.String).str.strip_chars()
    lower = v.str.to_lowercase()
    if locale == "vi":
        ok = v.str.contains(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
        norm = v.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        ambiguous = pl.lit(False)
    else:
        ok = v.str.contains(r"^[+-]?\d+(\.\d+)?$")
        norm = v
        ambiguous = v.str.contains(r"^[+-]?\d{1,3}(\.\d{3})+$") & is_count
    dec = norm.str.split(".").list.get(1, null_on_oob=True).str.len_chars().fill_null(0)
    digits = norm.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)
    bool_num = pl.when(lower.is_in(TRUE_WORDS)).then(1).when(lower.is_in(FALSE_WORDS)).then(0)
    return frame.with_columns(
        pl.when(is_bool)
        .then(bool_num)
        .otherwise(pl.when(ok & (dec <= MAX_DECIMALS)).then(digits))
        .cast(pl.Int64)
        .alias("num"),
        pl.when(is_bool).then(0).otherwise(dec).cast(pl.Int64).alias("dec"),
        pl.when(v.is_null() | (v == ""))
        .then(State.MISSING)
        .when(ambiguous)
        .then(State.AMBIGUOUS)
        .when(~is_bool & ok & (dec <= MAX_DECIMALS) & digits.is_null())
        .then(State.TOO_LONG)
        .otherwise(State.OK)
        .cast(pl.Int8)
        .alias("state"),
    )


def _float_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Floats (as Excel stores numbers) read back as the decimals they were typed with."""
    import polars as pl

    x = pl.col("value").cast(pl.Float64)
    dec: pl.Expr = pl.lit(None, pl.Int64)
    for k in reversed(range(MAX_DECIMALS + 1)):
        scaled = x * 10**k
        dec = (
            pl.when((scaled - scaled.round()).abs() < 1e-6 * (1 + scaled.abs() * 1e-9))
            .then(pl.lit(k, pl.Int64))
            .otherwise(dec)
        )
    frame = frame.with_columns(dec.alias("dec"))
    num = (x * pl.lit(10.0) ** pl.col("dec")).round().cast(pl.Int64, strict=False)
    return frame.with_columns(
        num.alias("num"),
        pl.when(x.is_null() | x.is_nan())
        .then(State.MISSING)
        .when(~x.is_finite() | pl.col("dec").is_null())
        .then(State.BAD)
        .when(num.is_null())
        .then(State.TOO_LONG)
        .otherwise(State.OK)
        .cast(pl.Int8)
        .alias("state"),
    ).with_columns(pl.col("dec").fill_null(0))


def parse_values(
    frame: pl.DataFrame, locale: str, booleans: Collection[int], counts: Collection[int]
) -> pl.DataFrame:
    """Add ``num``, ``dec`` and ``state`` from the ``value`` column; ``booleans`` and
    ``counts`` are the ids (column ``data_item``) of yes/no and count data items."""
    import polars as pl

    is_bool = pl.col("data_item").is_in(list(booleans))
    is_count = pl.col("data_item").is_in(list(counts))
    dtype = frame.schema["value"]
    if dtype == pl.String or dtype == pl.Null:
        frame = _text_values(frame, locale, is_bool, is_count)
    elif dtype == pl.Boolean or dtype.is_integer():
        num = pl.col("value").cast(pl.Int64, strict=False)  # UInt64 above 2**63: too long
        frame = frame.with_columns(
            num.alias("num"),
            pl.lit(0, pl.Int64).alias("dec"),
            pl.when(pl.col("value").is_null())
            .then(State.MISSING)
            .when(num.is_null())
            .then(State.TOO_LONG)
            .otherwise(State.OK)
            .cast(pl.Int8)
            .alias("state"),
        )
    elif dtype.is_float():
        frame = _float_values(frame)
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Int64).alias("num"),
            pl.lit(0, pl.Int64).alias("dec"),
            pl.lit(State.BAD, pl.Int8).alias("state"),
        )
    whole = pl.lit(10, pl.Int64) ** pl.col("dec")
    return frame.with_columns(
        pl.when(pl.col("state") != State.OK)
        .then(pl.col("state"))
        .when(is_bool & (~((pl.col("num") == 0) | (pl.col("num") == whole))).fill_null(True))
        .then(State.NOT_YES_NO)
        .when(pl.col("num").is_null())
        .then(State.BAD)
        .when(is_count & (pl.col("dec") > 0) & (pl.col("num") % whole != 0))
        .then(State.FRACTION)
        .otherwise(State.OK)
        .cast(pl.Int8)
        .alias("state")
    )
