"""Who a target applies to: the levels it is judged at and the condition an org unit must meet.

A target's ``applies_to`` names the org-unit levels it is judged at and, in ``where``, a yes/no
indicator ("cơ quan có từ 30% nữ trở lên"). The condition is evaluated over the same
observations as a target of its own ("met at every period"), on each org unit's own figures
(a yes/no condition is never judged on sums: at an org unit whose figures are summed from
below it is unknown, so no data), and its verdicts decide, through
[`rules.verdicts.population_step`][bdg_indicators.rules.verdicts.population_step], whether each
result stands, is not applicable (another level; condition not met) or has no data (condition
unknown). The values are kept, so an auditor sees what an org unit outside the population had.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import narwhals as nw

from bdg_indicators.periods import parse_period
from bdg_indicators.rules.statuses import Status
from bdg_indicators.rules.verdicts import population_step
from bdg_indicators.spec import (
    Comparison,
    ComparisonOp,
    Milestone,
    Target,
    Threshold,
    When,
    WhenKind,
)

from .catalogue import Catalogue
from .rollup import DERIVED, REPORTED

__all__ = ["condition_target", "with_population"]

MEMBER, OUTSIDE, NO_TREE, NOT_RECORDED = 0, 1, 2, 3
"""Whether an org unit's attributes put it in a target's population (or why not, or unknown)."""

_ALWAYS = When(kind=WhenKind.FROM, period=parse_period("1900"))


def condition_target(target: Target) -> Target:
    """The condition of ``target``'s population as a target of its own: its ``where``
    indicator, met at every period."""
    assert target.applies_to is not None
    assert target.applies_to.where is not None
    met = Comparison(op=ComparisonOp.EQUALS, threshold=Threshold(value=True, text="true"))
    return Target(
        id=f"{target.id} (applies_to)",
        label=target.label,
        indicator=target.applies_to.where,
        milestones=(Milestone(when=_ALWAYS, condition=met),),
        source=target.source,
    )


def with_population(
    cat: Catalogue, results: Any, evaluate: Callable[[Sequence[Target]], Any]
) -> Any:
    """``results`` (Polars, by ids) with each target's population applied."""
    import polars as pl

    scoped = [(tid, t) for tid, t in enumerate(cat.targets) if t.applies_to is not None]
    if not scoped:
        return results
    units = len(cat.org_units.codes)
    levels_ok, membership = _static(cat, scoped)
    texts = {tid: _texts(t) for tid, t in scoped}

    def text(index: int) -> Any:
        mapping = {tid: t[index] for tid, t in texts.items()}
        return pl.col("tid").replace_strict(mapping, default=None, return_dtype=pl.String)

    key = pl.col("tid").cast(pl.Int64) * units + pl.col("ou")
    frame = results.join(_inside(cat, scoped, evaluate), on=["tid", "ou", "per"], how="left")
    frame = nw.from_native(
        frame.with_columns(
            key.is_in(levels_ok).alias("_level"),
            key.replace_strict(membership, default=MEMBER, return_dtype=pl.Int8).alias("_member"),
            text(0).alias("_levels"),
            text(1).alias("_members"),
            text(2).alias("_attributes"),
            text(3).alias("_where"),
        ),
        eager_only=True,
    )
    status, code, subject = population_step(
        nw.col("status"),
        nw.col("reason_code"),
        nw.col("reason_subject"),
        level_ok=nw.col("_level"),
        member=nw.col("_member"),
        inside=nw.col("_inside"),
        names=(nw.col("_levels"), nw.col("_members"), nw.col("_attributes"), nw.col("_where")),
    )
    scoped_rows = nw.col("tid").is_in([tid for tid, _ in scoped])
    updated = frame.with_columns(
        nw.when(scoped_rows).then(status).otherwise(nw.col("status")).alias("status"),
        nw.when(scoped_rows).then(code).otherwise(nw.col("reason_code")).alias("reason_code"),
        nw.when(scoped_rows)
        .then(subject)
        .otherwise(nw.col("reason_subject"))
        .alias("reason_subject"),
    )
    helpers = ("_level", "_member", "_inside", "_levels", "_members", "_attributes", "_where")
    return updated.drop(*helpers).to_native()


def _static(cat: Catalogue, scoped: list[tuple[int, Target]]) -> tuple[list[int], dict[int, int]]:
    """The keys ``tid * units + ou`` whose level the target is judged at (an org unit without a
    level, outside a tree, passes), and for the keys not simply members by their attributes,
    why: ``OUTSIDE``, ``NO_TREE`` (attributes unknown) or ``NOT_RECORDED``."""
    units = cat.org_units
    tree = units.tree
    levels_ok: list[int] = []
    membership: dict[int, int] = {}
    for tid, target in scoped:
        population = target.applies_to
        assert population is not None
        for ou, level in enumerate(units.levels):
            key = tid * len(units.codes) + ou
            if not population.levels or level is None or level in population.levels:
                levels_ok.append(key)
            if not population.attributes:
                continue
            if tree is None:
                membership[key] = NO_TREE
                continue
            unit = tree.org_units[units.codes[ou]]
            found = [unit.attribute(name) for name, _ in population.attributes]
            if any(value is None for value in found):
                membership[key] = NOT_RECORDED
            elif not all(
                v in values for v, (_, values) in zip(found, population.attributes, strict=True)
            ):
                membership[key] = OUTSIDE
    return levels_ok, membership


def _texts(target: Target) -> tuple[str, str, str, str | None]:
    """How the population is named in reasons: its levels, its attribute values, its condition."""
    population = target.applies_to
    assert population is not None
    members = "; ".join(f"{name}: {', '.join(values)}" for name, values in population.attributes)
    names = ", ".join(name for name, _ in population.attributes)
    return ", ".join(population.levels), members, names, population.where


def _inside(cat: Catalogue, scoped: list[tuple[int, Target]], evaluate: Any) -> Any:
    """(tid, ou, per, _inside) for the targets with a condition: whether it is met."""
    import polars as pl

    with_where = [(tid, t) for tid, t in scoped if t.applies_to and t.applies_to.where]
    schema = {"tid": pl.Int32, "ou": pl.Int32, "per": pl.Int32, "_inside": pl.Boolean}
    if not with_where:
        return pl.DataFrame(schema=schema)
    conditions = {condition_target(t).id: tid for tid, t in with_where}
    found = evaluate([condition_target(t) for _, t in with_where])
    periods = {str(p): i for i, p in enumerate(cat.periods.periods)}
    units = cat.org_units.index
    judged = found.filter(  # a condition of an org unit's own figures, never of sums
        pl.col("status").is_in([Status.ACHIEVED.value, Status.NOT_ACHIEVED.value])
        & pl.col("how").is_in([REPORTED, DERIVED])
        & pl.col("org_unit").is_in(list(units))
        & pl.col("period").is_in(list(periods))
    )
    return judged.select(
        pl.col("target").replace_strict(conditions, return_dtype=pl.Int32).alias("tid"),
        pl.col("org_unit").replace_strict(units, return_dtype=pl.Int32).alias("ou"),
        pl.col("period").replace_strict(periods, return_dtype=pl.Int32).alias("per"),
        (pl.col("status") == Status.ACHIEVED.value).alias("_inside"),
    )
