"""Open SDG's growth methods in columns: the ratio of growth rates toward a milestone ahead
(method 2) and the growth rate where there is no target value (method 1).

Each comparison with a threshold is the sign of a sum of powers
([`ratio_test`][bdg_indicators.rules.progress.ratio_test],
[`growth_test`][bdg_indicators.rules.progress.growth_test]) computed in floating point with a
bound on its error; rows where the bound does not settle the sign are flagged ``growth_check``
and decided exactly afterwards ([`settle`][bdg_indicators.engine.progress.settle]).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import narwhals as nw

from bdg_indicators.rules.progress import (
    CATEGORIES,
    GROWTH_THRESHOLDS,
    LIMIT_EXPONENT,
    RATIO_THRESHOLDS,
    Term,
    exact_test,
    float_test,
    growth_test,
    limit_proximity,
    ratio_test,
)
from bdg_indicators.rules.rational import sign

__all__ = ["growth_columns", "settle", "trend_columns"]


def _float(n: str, d: str) -> nw.Expr:
    return nw.col(n).cast(nw.Float64) / nw.col(d).cast(nw.Float64)


def _sign(column: str) -> nw.Expr:
    result: nw.Expr = sign(nw.col(column))
    return result


def growth_columns(rows: nw.LazyFrame[Any], wanted_on_track: nw.Expr) -> nw.LazyFrame[Any]:
    """Method 2 on progress rows: ``growth_value`` (R), ``growth_category``, ``growth_on_track``,
    ``growth_note`` (why it is not defined, where it is not) and ``growth_check``."""
    x = _float("vn", "vd") / _float("b0n", "b0d")
    z = _float("gn", "gd") / _float("b0n", "b0d")
    months_o = nw.col("end") - nw.col("t0")
    months_r = nw.col("t_goal") - nw.col("t0")
    e_o, e_r = 12 / months_o.cast(nw.Float64), 12 / months_r.cast(nw.Float64)
    base_sign = _sign("b0n")
    direction = nw.when(nw.col("higher")).then(1).otherwise(-1)
    c = (base_sign * direction).cast(nw.Float64)
    sigma = (nw.col("goal_vs_base") * base_sign).cast(nw.Float64)
    eligible = (
        nw.col("progress_row")
        & nw.col("has_baseline")
        & ~nw.col("vn").is_null()
        & ~nw.col("gn").is_null()
    ).fill_null(False)
    note = (
        nw.when(~eligible)
        .then(nw.lit(None, nw.String))
        .when(nw.col("b0n") == 0)
        .then(nw.lit("growth-zero-baseline"))
        .when((_sign("vn") * base_sign < 0) | (_sign("gn") * base_sign < 0))
        .then(nw.lit("growth-signs"))
        .when(months_o < 12)
        .then(nw.lit("growth-short"))
        .when(nw.col("goal_vs_base") == 0)
        .then(nw.lit("growth-no-change"))
        .otherwise(nw.lit(None, nw.String))
    )
    rows = rows.with_columns(note.alias("growth_note"))
    tests = {}
    for theta in RATIO_THRESHOLDS[:2]:
        value, error = float_test(ratio_test(float(theta), c, sigma, x, z, e_o, e_r))
        tests[theta] = (value >= 0, value.abs() > error)
    above_zero = (nw.col("value_vs_base") * direction) >= 0
    high, medium = tests[RATIO_THRESHOLDS[0]], tests[RATIO_THRESHOLDS[1]]
    category = (
        nw.when(nw.col("met_goal"))
        .then(nw.lit("target_achieved"))
        .when(high[0])
        .then(nw.lit(CATEGORIES[0]))
        .when(medium[0])
        .then(nw.lit(CATEGORIES[1]))
        .when(above_zero)
        .then(nw.lit(CATEGORIES[2]))
        .otherwise(nw.lit(CATEGORIES[3]))
    )
    uncertain = ~nw.col("met_goal") & (~high[1] | (~high[0] & ~medium[1]))
    defined = eligible & nw.col("growth_note").is_null()
    power = (x**e_o - 1) * c / (z**e_r - 1).abs()
    return rows.with_columns(
        nw.when(defined).then(power).alias("growth_value"),
        nw.when(defined).then(category).alias("growth_category"),
        nw.when(defined)
        .then(nw.col("met_goal") | high[0])
        .otherwise(wanted_on_track)
        .alias("growth_on_track"),
        (defined & uncertain).fill_null(False).alias("growth_check"),
        nw.when(defined).then(nw.lit("ratio")).alias("growth_kind"),
    )


def trend_columns(rows: nw.LazyFrame[Any], limits: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Method 1 where no milestone is due or ahead (no target value): the growth rate since the
    baseline and its category, with the thresholds lowered near the indicator's limit."""
    rows = rows.join(limits, on="xid", how="left")
    x = _float("vn", "vd") / _float("b0n", "b0d")
    months_o = nw.col("end") - nw.col("t0")
    e_o = 12 / months_o.cast(nw.Float64)
    base_sign = _sign("b0n")
    c = (base_sign * nw.col("trend_direction")).cast(nw.Float64)
    # |b0| and |limit| over the same denominator, so that they are compared exactly
    near = limit_proximity(
        nw.col("b0n").abs() * nw.col("lim_d"), nw.col("lim_n").abs() * nw.col("b0d")
    )
    reduced = ~nw.col("lim_n").is_null() & ~near.is_null() & (nw.col("lim_n") != 0)
    tests = []
    for theta in GROWTH_THRESHOLDS[:2]:
        plain, plain_error = float_test(growth_test(float(theta), c, x, e_o, None))
        low, low_error = float_test(
            growth_test(float(theta), c, x, e_o, Term(float(theta), near, float(LIMIT_EXPONENT)))
        )
        value = nw.when(reduced).then(low).otherwise(plain)
        error = nw.when(reduced).then(low_error).otherwise(plain_error)
        tests.append((value >= 0, value.abs() > error))
    above_zero = (nw.col("value_vs_base") * nw.col("trend_direction")) >= 0
    category = (
        nw.when(tests[0][0])
        .then(nw.lit(CATEGORIES[0]))
        .when(tests[1][0])
        .then(nw.lit(CATEGORIES[1]))
        .when(above_zero)
        .then(nw.lit(CATEGORIES[2]))
        .otherwise(nw.lit(CATEGORIES[3]))
    )
    defined = (
        (nw.col("na_code") == "no-milestone")
        & nw.col("has_baseline")
        & ~nw.col("vn").is_null()
        & (nw.col("trend_direction") != 0)
        & (nw.col("b0n") != 0)
        & (_sign("vn") * base_sign >= 0)
        & (months_o >= 12)
    ).fill_null(False)
    uncertain = ~tests[0][1] | (~tests[0][0] & ~tests[1][1])
    return rows.with_columns(
        nw.when(defined)
        .then((x**e_o - 1) * c)
        .otherwise(nw.col("growth_value"))
        .alias("growth_value"),
        nw.when(defined)
        .then(category)
        .otherwise(nw.col("growth_category"))
        .alias("growth_category"),
        (nw.col("growth_check") | (defined & uncertain)).fill_null(False).alias("growth_check"),
        nw.when(defined)
        .then(nw.lit("trend"))
        .otherwise(nw.col("growth_kind"))
        .alias("growth_kind"),
    )


def settle(results: Any, limits: dict[str, list[Any]]) -> Any:
    """Decide exactly the growth categories the floating-point filter left uncertain (a Polars
    frame with ``growth_check``): category (and, for method 2, status) of those rows;
    ``limits``: each variant's limit and direction (``lim_n``, ``lim_d``, ``trend_direction``,
    indexed by variant id)."""
    import polars as pl

    check = results.filter(pl.col("growth_check"))
    if check.height == 0:
        return results
    fixes: dict[str, list[Any]] = {"_row": [], "_category": [], "_status": []}
    for row in check.iter_rows(named=True):
        trend = row["growth_kind"] == "trend"
        if trend:
            row.update({k: limits[k][row["xid"]] for k in ("lim_n", "lim_d", "trend_direction")})
        category = _exact_trend(row) if trend else _exact_category(row, RATIO_THRESHOLDS)
        fixes["_row"].append(row["_row"])
        fixes["_category"].append(category)
        on_track = "on_track" if category == CATEGORIES[0] else "off_track"
        progress = row["status"] in ("on_track", "off_track")  # not one the ladder left open
        fixes["_status"].append(on_track if progress and not trend else row["status"])
    patch = pl.DataFrame(
        fixes, schema={"_row": pl.UInt32, "_category": pl.String, "_status": pl.String}
    )
    return (
        results.join(patch, on="_row", how="left")
        .with_columns(
            pl.coalesce("_category", "growth_category").alias("growth_category"),
            pl.coalesce("_status", "status").alias("status"),
        )
        .drop("_category", "_status")
    )


def _exact_category(row: dict[str, Any], thresholds: tuple[Fraction, ...]) -> str:
    value = Fraction(int(row["vn"]), int(row["vd"]))
    base = Fraction(int(row["b0n"]), int(row["b0d"]))
    goal = Fraction(int(row["gn"]), int(row["gd"]))
    x, z = value / base, goal / base
    e_o = Fraction(12, row["end"] - row["t0"])
    e_r = Fraction(12, row["t_goal"] - row["t0"])
    c = (1 if base > 0 else -1) * (1 if row["higher"] else -1)
    sigma = 1 if z > 1 else -1
    for theta, category in zip(thresholds[:2], CATEGORIES, strict=False):
        if exact_test(ratio_test(theta, c, sigma, x, z, e_o, e_r)) >= 0:
            return category
    return CATEGORIES[2] if c * (x - 1) >= 0 else CATEGORIES[3]


def _exact_trend(row: dict[str, Any]) -> str:
    value = Fraction(int(row["vn"]), int(row["vd"]))
    base = Fraction(int(row["b0n"]), int(row["b0d"]))
    x = value / base
    e_o = Fraction(12, row["end"] - row["t0"])
    c = (1 if base > 0 else -1) * row["trend_direction"]
    reduction = None
    if row["lim_n"] is not None and row["lim_n"] != 0:
        reduction = limit_proximity(abs(base), abs(Fraction(int(row["lim_n"]), int(row["lim_d"]))))
    for theta, category in zip(GROWTH_THRESHOLDS[:2], CATEGORIES, strict=False):
        term = None if reduction is None else Term(theta, reduction, LIMIT_EXPONENT)
        if exact_test(growth_test(theta, c, x, e_o, term)) >= 0:
            return category
    return CATEGORIES[2] if c * (x - 1) >= 0 else CATEGORIES[3]
