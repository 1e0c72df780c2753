"""Chỉ tiêu verdicts and the x/y summary, from the result table.

Each group of entries of one chỉ tiêu, org unit and period is reduced to the set of statuses
present (a bit mask); the few distinct (set, rule) pairs are decided by
[`rules.tally.combine`][bdg_indicators.rules.tally.combine], the one place the rule is written,
and joined back. Counting per goal and for the framework is then a group-by.
"""

from __future__ import annotations

from typing import Any

from bdg_indicators.rules.statuses import Status
from bdg_indicators.rules.tally import COUNTED, combine
from bdg_indicators.spec import Spec, TargetRule

__all__ = ["legal_verdicts", "summary"]

_ORDER = list(Status)
_KEYS = ["framework", "goal", "legal_target", "org_unit", "period"]


def _legal_frame(spec: Spec, evaluated: frozenset[str] | None) -> Any:
    """(entry, chỉ tiêu, rule, order) of every chỉ tiêu whose entries were all evaluated: a
    chỉ tiêu is never judged on some of its entries only."""
    import polars as pl

    whole = [
        legal
        for goal in spec.goals
        for legal in goal.chi_tieu()
        if evaluated is None or set(legal.entries) <= evaluated
    ]
    rows = [
        (entry, legal.id, legal.rule.value, position)
        for position, legal in enumerate(whole)
        for entry in legal.entries
    ]
    return pl.DataFrame(
        rows,
        schema={
            "target": pl.String,
            "legal_target": pl.String,
            "rule": pl.String,
            "order": pl.Int64,
        },
        orient="row",
    )


def legal_verdicts(spec: Spec, table: Any, evaluated: frozenset[str] | None = None) -> Any:
    """One row per chỉ tiêu, org unit and period of ``table`` (a Polars result table): its
    ``status`` (a status, or ``undetermined``), ``reason_code``, and how many of its entries
    were evaluated and achieved. With ``evaluated`` (the ids of the targets evaluated), only
    the chỉ tiêu all of whose entries were."""
    import polars as pl

    bits = {s.value: 1 << i for i, s in enumerate(_ORDER)}
    grouped = (
        table.select("framework", "goal", "target", "org_unit", "period", "status")
        .join(_legal_frame(spec, evaluated), on="target", how="inner")
        .with_columns(pl.col("status").replace_strict(bits, return_dtype=pl.Int64).alias("bit"))
        .group_by([*_KEYS, "rule", "order"], maintain_order=True)
        .agg(
            pl.col("bit").unique().sum().alias("mask"),
            pl.len().cast(pl.Int64).alias("entries"),
            (pl.col("status") == Status.ACHIEVED.value)
            .sum()
            .cast(pl.Int64)
            .alias("entries_achieved"),
        )
    )
    pairs = grouped.select("mask", "rule").unique()
    decided = [
        (mask, rule, *combine(_statuses(mask), TargetRule(rule)))
        for mask, rule in pairs.iter_rows()
    ]
    verdicts = pl.DataFrame(
        decided,
        schema={"mask": pl.Int64, "rule": pl.String, "status": pl.String, "reason_code": pl.String},
        orient="row",
    )
    return (
        grouped.join(verdicts, on=["mask", "rule"], how="left")
        .join(_places(table), on=["org_unit", "period"], how="left")
        .sort("order", "place", maintain_order=True)
        .select(*_KEYS, "rule", "status", "reason_code", "entries", "entries_achieved")
    )


def _places(table: Any) -> Any:
    """Each (org unit, period) of ``table`` numbered in the table's order (org units, then
    periods in time order)."""
    return table.select("org_unit", "period").unique(maintain_order=True).with_row_index("place")


def _statuses(mask: int) -> list[str]:
    return [s.value for i, s in enumerate(_ORDER) if mask >> i & 1]


def summary(spec: Spec, table: Any, evaluated: frozenset[str] | None = None) -> Any:
    """Per org unit and period, for each goal and for the framework (``goal`` null): the chỉ
    tiêu a milestone applies to (``targets``), those ``assessed`` (due and judged: achieved or
    not achieved), and how many are achieved, not achieved, on track, off track, without data
    and undetermined."""
    import polars as pl

    verdicts = legal_verdicts(spec, table, evaluated).filter(
        pl.col("status") != Status.NOT_APPLICABLE.value
    )
    judged = pl.col("status").is_in([Status.ACHIEVED.value, Status.NOT_ACHIEVED.value])
    counts = [
        pl.len().cast(pl.Int64).alias("targets"),
        judged.sum().cast(pl.Int64).alias("assessed"),
        *((pl.col("status") == s).sum().cast(pl.Int64).alias(s) for s in COUNTED),
    ]
    keys = ["framework", "org_unit", "period"]
    per_goal = verdicts.group_by([*keys, "goal"], maintain_order=True).agg(*counts)
    total = verdicts.group_by(keys, maintain_order=True).agg(*counts)
    goal_order = {g.id: i for i, g in enumerate(spec.goals)}
    both = pl.concat(
        [per_goal, total.with_columns(pl.lit(None, pl.String).alias("goal"))], how="diagonal"
    )
    rank = pl.col("goal").replace_strict(goal_order, default=len(goal_order), return_dtype=pl.Int64)
    return (
        both.join(_places(table), on=["org_unit", "period"], how="left")
        .sort(pl.col("place"), rank)
        .select(*keys, "goal", "targets", "assessed", *COUNTED)
    )
