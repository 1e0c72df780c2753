"""The result table people and programs read: codes as text, exact values beside the numbers
shown, reasons in words.

Decisions were all made on exact integers; the floating-point columns here (``value``,
``threshold``, changes, ...) are for display and charts only, and ``value_num / value_den`` is the
exact value.
"""

from __future__ import annotations

from typing import Any

from bdg_indicators.rules.statuses import REASONS

from .catalogue import Catalogue
from .rollup import HOW

__all__ = ["COLUMNS", "public_table"]

COLUMNS = (
    "framework",
    "goal",
    "target",
    "indicator",
    "org_unit",
    "period",
    "value",
    "value_num",
    "value_den",
    "unit",
    "decimals",
    "status",
    "reason_code",
    "reason_subject",
    "reason",
    "partial",
    "coverage_used",
    "coverage_expected",
    "value_from",
    "due",
    "milestone",
    "threshold",
    "expected",
    "progress_method",
    "progress_value",
    "progress_category",
    "progress_note",
    "baseline_period",
    "baseline_value",
    "previous_period",
    "previous_value",
    "change_previous",
    "change_previous_pct",
    "previous_year_period",
    "previous_year_value",
    "change_previous_year",
    "change_previous_year_pct",
    "base_period",
    "base_value",
    "change_base",
    "change_base_pct",
    "annual_rate_pct",
    "attainment_pct",
    "margin",
    "method",
    "verification",
)
"""The columns of [`EvaluationResult.table`][bdg_indicators.EvaluationResult.table], in order."""


def _names(column: str, names: list[str]) -> Any:
    import polars as pl

    return pl.col(column).replace_strict(
        list(range(len(names))), names, default=None, return_dtype=pl.String
    )


def public_table(cat: Catalogue, results: Any, method_ids: dict[str, str], method: str) -> Any:
    """The labelled result table (a Polars frame) from the engine's results."""
    import polars as pl

    goals = {t.id: g.id for g, t in cat.spec.targets()}
    targets = [t.id for t in cat.targets]
    indicators = [cat.variants[x].indicator for x in cat.target_variant]
    periods = [str(p) for p in cat.periods.periods]
    verification = {
        (tid, per): t.source_at(cat.periods.periods[per]).verification.value
        for tid, t in enumerate(cat.targets)
        for per in cat.result_periods
    }
    keys = list(verification)
    templates = {code: reason.en for code, reason in REASONS.items()}
    table = results.select(
        pl.lit(cat.spec.id).alias("framework"),
        _names("tid", [goals[t] for t in targets]).alias("goal"),
        _names("tid", targets).alias("target"),
        _names("tid", [i.id for i in indicators]).alias("indicator"),
        _names("ou", list(cat.org_units.codes)).alias("org_unit"),
        _names("per", periods).alias("period"),
        pl.col("value_f").alias("value"),
        pl.col("vn").alias("value_num"),
        pl.col("vd").alias("value_den"),
        _names("tid", [i.unit for i in indicators]).alias("unit"),
        pl.col("tid")
        .replace_strict(list(range(len(targets))), [i.decimals for i in indicators])
        .cast(pl.Int64)
        .alias("decimals"),
        "status",
        "reason_code",
        "reason_subject",
        pl.col("reason_code")
        .replace_strict(templates, default=None, return_dtype=pl.String)
        .str.replace("{s}", pl.col("reason_subject").fill_null(""), literal=True)
        .alias("reason"),
        "partial",
        pl.col("used").alias("coverage_used"),
        pl.col("expected").alias("coverage_expected"),
        pl.col("how").replace_strict(HOW, default=None, return_dtype=pl.String).alias("value_from"),
        "due",
        pl.col("mindex").cast(pl.Int64).alias("milestone"),
        "threshold",
        pl.col("expected_f").alias("expected"),
        pl.col("progress")
        .replace_strict(method_ids, default=None, return_dtype=pl.String)
        .alias("progress_method"),
        pl.col("growth_value").alias("progress_value"),
        pl.col("growth_category").alias("progress_category"),
        "progress_note",
        _names("b0_per", periods).alias("baseline_period"),
        "baseline_value",
        _names("prev_per", periods).alias("previous_period"),
        "previous_value",
        "change_previous",
        "change_previous_pct",
        _names("prev_year_per", periods).alias("previous_year_period"),
        "previous_year_value",
        "change_previous_year",
        "change_previous_year_pct",
        _names("show_base", periods).alias("base_period"),
        "base_value",
        "change_base",
        "change_base_pct",
        "annual_rate_pct",
        "attainment_pct",
        "margin",
        pl.lit(method_ids[method]).alias("method"),
        (pl.col("tid").cast(pl.Int64) * len(periods) + pl.col("per"))
        .replace_strict(
            [t * len(periods) + p for t, p in keys],
            [verification[k] for k in keys],
            default=None,
            return_dtype=pl.String,
        )
        .alias("verification"),
        pl.col("tid").alias("_t"),
        pl.col("ou").alias("_u"),
        pl.col("per").alias("_p"),
    )
    order = sorted(range(len(periods)), key=lambda p: cat.periods.periods[p])
    rank = {p: i for i, p in enumerate(order)}
    return (
        table.with_columns(pl.col("_p").replace_strict(rank, return_dtype=pl.Int32))
        .sort("_t", "_u", "_p")
        .drop("_t", "_u", "_p")
        .select(COLUMNS)
    )
