"""The result table people and programs read: codes as text, exact values beside the numbers
shown, reasons in words.

Decisions were all made on exact integers; the floating-point columns here (``value``,
``threshold``, changes, ...) are for display and charts only, and ``value_num / value_den`` is the
exact value.
"""

from __future__ import annotations

from typing import Any

from bdg_indicators.rules.bounds import DIRECTIONS
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
    "bound",
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
    "parts_value",
    "parts_num",
    "parts_den",
    "parts_differ",
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
    """Ids in ``column`` (0 ... n - 1; -1 or null for none) as the names they stand for."""
    import polars as pl

    ids = pl.col(column)
    return pl.lit(pl.Series(names, dtype=pl.String)).gather(pl.when(ids >= 0).then(ids))


def _labels(cat: Catalogue) -> dict[str, Any]:
    """The columns that name things: framework, goal, target, indicator, org unit, period."""
    import polars as pl

    goals = {t.id: g.id for g, t in cat.spec.targets()}
    targets = [t.id for t in cat.targets]
    indicators = [cat.variants[x].indicator for x in cat.target_variant]
    return {
        "framework": pl.lit(cat.spec.id),
        "goal": _names("tid", [goals[t] for t in targets]),
        "target": _names("tid", targets),
        "indicator": _names("tid", [i.id for i in indicators]),
        "org_unit": _names("ou", list(cat.org_units.codes)),
        "period": _names("per", [str(p) for p in cat.periods.periods]),
        "unit": _names("tid", [i.unit for i in indicators]),
        "decimals": pl.lit(pl.Series([i.decimals for i in indicators], dtype=pl.Int64)).gather(
            pl.col("tid")
        ),
    }


def _verification(cat: Catalogue) -> Any:
    """How far the milestone that governs each row was checked: its own level, else its
    source's (without a milestone: the source of the milestones in force at the period)."""
    import polars as pl

    periods = len(cat.periods.periods)
    levels: dict[int, str] = {}
    for tid, t in enumerate(cat.targets):
        for per in cat.result_periods:
            period = cat.periods.periods[per]
            key = (tid * periods + per) * _MAX_MILESTONES
            levels[key - 1] = t.source_at(period).verification.value
            for index, milestone in enumerate(t.milestones_at(period)):
                levels[key + index] = t.verification_of(milestone).value
    row = (pl.col("tid").cast(pl.Int64) * periods + pl.col("per")) * _MAX_MILESTONES
    return (row + pl.col("mindex").cast(pl.Int64).fill_null(-1)).replace_strict(
        list(levels), list(levels.values()), default=None, return_dtype=pl.String
    )


_MAX_MILESTONES = 1024
"""More milestones than any target has, to number (target, period, milestone) in one integer."""


def _figures(cat: Catalogue, method_ids: dict[str, str], method: str) -> dict[str, Any]:
    """The columns of figures, reasons and progress."""
    import polars as pl

    periods = [str(p) for p in cat.periods.periods]
    templates = {code: reason.en for code, reason in REASONS.items()}
    subject: Any = pl.col("reason_subject")
    for code, reason in REASONS.items():  # subjects that are codes, in words
        if reason.subjects:
            words = {key: en for key, (_, en) in reason.subjects.items()}
            subject = (
                pl.when(pl.col("reason_code") == code)
                .then(subject.replace_strict(words, default=subject, return_dtype=pl.String))
                .otherwise(subject)
            )
    return {
        "value": pl.col("value_f"),
        "value_num": pl.col("vn"),
        "value_den": pl.col("vd"),
        "reason": pl.when(pl.col("reason_code").is_not_null()).then(
            pl.col("reason_code")
            .replace_strict(templates, default=None, return_dtype=pl.String)
            .str.replace("{s}", subject.fill_null(""), literal=True)
        ),
        "coverage_used": pl.col("used"),
        "coverage_expected": pl.col("expected"),
        "value_from": _names("how", [HOW[i] for i in range(len(HOW))]),
        "parts_value": pl.col("pn").cast(pl.Float64) / pl.col("pd").cast(pl.Float64),
        "parts_num": pl.col("pn"),
        "parts_den": pl.col("pd"),
        "parts_differ": pl.when(pl.col("pn").is_not_null()).then(_differ()),
        "milestone": pl.col("mindex").cast(pl.Int64),
        "expected": pl.col("expected_f"),
        "progress_method": pl.col("progress").replace_strict(
            method_ids, default=None, return_dtype=pl.String
        ),
        "progress_value": pl.col("growth_value"),
        "progress_category": pl.col("growth_category"),
        "baseline_period": _names("b0_per", periods),
        "previous_period": _names("prev_per", periods),
        "previous_year_period": _names("prev_year_per", periods),
        "base_period": _names("show_base", periods),
        "method": pl.lit(method_ids[method]),
        "verification": _verification(cat),
    }


def _differ() -> Any:
    """Whether the sum of the parts differs from the reported value: ``pn·vd ≠ vn·pd``, in
    128-bit integers (exact; a missing reported value differs)."""
    import polars as pl

    def wide(name: str) -> Any:
        return pl.col(name).cast(pl.Int128)

    same = wide("pn") * wide("vd") == wide("vn") * wide("pd")
    return ~same.fill_null(False)


def order_key(cat: Catalogue) -> Any:
    """The order of results: the spec's order of targets, then org units, then periods in
    time order (one integer per row)."""
    import polars as pl

    order = sorted(range(len(cat.periods.periods)), key=lambda p: cat.periods.periods[p])
    position = {p: i for i, p in enumerate(order)}
    rank = pl.Series([position[p] for p in range(len(order))], dtype=pl.Int64)
    units, periods = len(cat.org_units.codes), len(order)
    return (pl.col("tid").cast(pl.Int64) * units + pl.col("ou")) * periods + pl.lit(rank).gather(
        pl.col("per")
    )


def public_table(cat: Catalogue, results: Any, method_ids: dict[str, str], method: str) -> Any:
    """The labelled result table (a Polars frame) from the engine's results, in their order;
    columns the results already have are shared, not copied."""
    import polars as pl

    made = {**_labels(cat), **_figures(cat, method_ids, method), "bound": _bound(results)}
    return results.select([made[c].alias(c) if c in made else pl.col(c) for c in COLUMNS])


def _bound(results: Any) -> Any:
    """The value's bound: ``above``, ``below``, ``about``; null when exact (and when no
    observation was a bound, without computing anything)."""
    import polars as pl

    if "vb" not in results.columns:
        return pl.lit(None, pl.String)
    codes = {bits: d.id for bits, d in DIRECTIONS.items()}
    return pl.col("vb").replace_strict(codes, default=None, return_dtype=pl.String)
