"""Our figures, for the claims: the recomputed value of a target, an indicator or a data item,
its attainment, its milestone and the chỉ tiêu counts, exactly, from one evaluation."""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.errors import did_you_mean
from bdg_indicators.rules.bounds import EXACT, direction_of
from bdg_indicators.spec import Change, ChangeKind
from bdg_indicators.units import unit_info

from .file import Claim

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult
    from bdg_indicators.explain.trace import Explanation

__all__ = ["Figure", "Missing", "Results"]


@attrs.frozen(kw_only=True)
class Figure:
    """One of our figures: exact, in its unit, with its bound and verdict."""

    value: Fraction
    unit: str
    """The unit of ``value`` (the indicator's or data item's, ``percent`` for attainment)."""
    bound: int = EXACT
    """Bits of [`rules.bounds`][bdg_indicators.rules.bounds]: whether ``value`` is a bound."""
    status: str | None = None
    """Our verdict (a status code), for a target's value."""
    target: str | None = None
    """The target whose explanation gives this figure."""
    denominator: int | None = None
    """For a count ``a/b``: ``b`` (``value`` is ``a``)."""


@attrs.frozen(kw_only=True)
class Missing:
    """Why we have no figure to compare: a reason code of
    [`REASONS`][bdg_indicators.claims.check.REASONS] and what it is about."""

    reason: str
    detail: str
    target: str | None = None


def dimensionless(unit: str) -> bool:
    """Whether a unit is a pure number (percent, ‰, yes/no, ...)."""
    return _info(unit)[1] == ()


def _info(unit: str) -> tuple[Fraction, tuple[tuple[str, int], ...]]:
    if unit in ("boolean", "dimensionless", "item"):
        return Fraction(1), ()
    try:
        info = unit_info(unit)
    except Exception:  # a unit the registry does not know: compared as written
        return Fraction(1), (("unit:" + unit, 1),)
    return info.factor, info.dimensionality


def factor(unit: str) -> Fraction:
    """The exact factor of a unit to its base units."""
    return _info(unit)[0]


def same_dimension(a: str, b: str) -> bool:
    """Whether two units measure the same thing."""
    return _info(a)[1] == _info(b)[1]


@attrs.define
class Results:
    """One evaluation, indexed for the claims."""

    result: EvaluationResult

    @cached_property
    def rows(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        return {(r["target"], r["org_unit"], r["period"]): r for r in self.result.to_dicts()}

    @cached_property
    def summary(self) -> list[dict[str, Any]]:
        return list(self.result.summary().iter_rows(named=True))

    def explain(self, target: str, claim: Claim) -> Explanation:
        return self.result.explain(target, claim.org_unit, claim.period)

    def target_row(self, claim: Claim, target: str) -> dict[str, Any] | Missing:
        spec = self.result.spec
        known = [t.id for _, t in spec.targets()]
        if target not in known:
            hint = did_you_mean(target, known)
            return Missing(
                reason="unknown-subject",
                detail=f"no target `{target}` in {spec.id}" + (f" ({hint})" if hint else ""),
            )
        row = self.rows.get((target, claim.org_unit, str(claim.period)))
        if row is None:
            return self._no_result(claim, f"target {target}")
        return row

    def _no_result(self, claim: Claim, what: str) -> Missing:
        periods = sorted({p for _, o, p in self.rows if o == claim.org_unit})
        where = f"periods with results there: {', '.join(periods)}" if periods else "none there"
        return Missing(
            reason="no-result",
            detail=f"no result for {what} at {claim.org_unit}, {claim.period} ({where})",
        )

    def value(self, claim: Claim) -> Figure | Missing:
        """The figure a value claim is compared with."""
        name, subject = claim.subject
        assert subject is not None
        if name == "data_item":
            return self.reported(claim, subject)
        if name == "indicator":
            return self.indicator_value(claim, subject)
        row = self.target_row(claim, subject)
        return row if isinstance(row, Missing) else _row_figure(row)

    def indicator_value(self, claim: Claim, indicator: str) -> Figure | Missing:
        spec = self.result.spec
        if indicator not in {i.id for i in spec.indicators}:
            return Missing(reason="unknown-subject", detail=f"no indicator `{indicator}`")
        rows = [
            r
            for (_, o, p), r in self.rows.items()
            if r["indicator"] == indicator and o == claim.org_unit and p == str(claim.period)
        ]
        figures = [_row_figure(r) for r in rows]
        found = [f for f in figures if isinstance(f, Figure)]
        if not found:
            return figures[0] if figures else self._no_result(claim, f"indicator {indicator}")
        if len({(f.value, f.bound) for f in found}) > 1:
            return Missing(
                reason="several-values",
                detail=f"the targets on {indicator} give different values (breakdowns): name "
                "the target",
            )
        return attrs.evolve(found[0], status=None)

    def reported(self, claim: Claim, item: str) -> Figure | Missing:
        """The org unit's own row of a data item (the total, no breakdown)."""
        import polars as pl

        spec, observations = self.result.spec, self.result.observations
        try:
            data_item = spec.data_item(item)
        except KeyError:
            hint = did_you_mean(item, [d.id for d in spec.data_items])
            return Missing(
                reason="unknown-subject",
                detail=f"no data item `{item}`" + (f" ({hint})" if hint else ""),
            )
        table = observations.table.filter(
            (pl.col("data_item") == item)
            & (pl.col("org_unit") == claim.org_unit)
            & (pl.col("period") == str(claim.period)),
            *[pl.col(b).is_null() for b in observations.breakdowns],
        )
        if table.height != 1:
            if table.height == 0:
                return self._no_result(claim, f"data item {item}")
            return Missing(reason="several-values", detail=f"{table.height} rows of {item}")
        row = table.row(0, named=True)
        return Figure(
            value=observations.value(item, int(row["num"])),
            unit=data_item.unit,
            bound=direction_of(row.get("bound")),
        )

    def attainment(self, claim: Claim) -> Figure | Missing:
        """The value as a percentage of the milestone's threshold, exactly."""
        target = claim.target
        if target is None:
            return Missing(reason="no-milestone", detail="an attainment claim names a target")
        row = self.target_row(claim, target)
        if isinstance(row, Missing):
            return row
        case = self.explain(target, claim)
        if case.value is None:
            return Missing(reason="no-value", detail=str(row["reason"]), target=target)
        if not case.threshold:
            return Missing(
                reason="no-milestone", detail=f"target {target} has no threshold", target=target
            )
        bound = direction_of(row["bound"])
        return Figure(
            value=case.value / case.threshold * 100, unit="percent", bound=bound, target=target
        )

    def milestone(self, claim: Claim) -> Figure | Missing:
        """The threshold (or the change asked for) of the milestone that applies."""
        target = claim.target
        if target is None:
            return Missing(reason="no-milestone", detail="a milestone claim names a target")
        row = self.target_row(claim, target)
        if isinstance(row, Missing):
            return row
        case = self.explain(target, claim)
        condition = case.milestone.condition if case.milestone else None
        if isinstance(condition, Change):
            relative = condition.kind is ChangeKind.RELATIVE
            amount = condition.amount * 100 if relative else condition.amount
            unit = "percent" if relative else case.indicator.unit
            return Figure(value=amount, unit=unit, target=target)
        value = condition.threshold.value if condition is not None else None
        if not isinstance(value, Fraction):
            return Missing(
                reason="no-milestone",
                detail=f"no single threshold for target {target} at {claim.period}",
                target=target,
            )
        return Figure(value=value, unit=case.indicator.unit, target=target)

    def count(self, claim: Claim) -> Figure | Missing:
        """The chỉ tiêu count of the framework or a goal (``a/b``: ``counts`` over ``assessed``)."""
        goals = {g.id for g in self.result.spec.goals}
        if claim.goal is not None and claim.goal not in goals:
            return Missing(reason="unknown-subject", detail=f"no goal `{claim.goal}`")
        for row in self.summary:
            if (row["org_unit"], row["period"], row["goal"]) == (
                claim.org_unit,
                str(claim.period),
                claim.goal,
            ):
                return Figure(
                    value=Fraction(int(row[claim.counts])),
                    unit="item",
                    denominator=int(row["assessed"]),
                )
        return self._no_result(claim, f"goal {claim.goal}" if claim.goal else "the framework")


def _row_figure(row: dict[str, Any]) -> Figure | Missing:
    if row["value_num"] is None:
        return Missing(
            reason="no-value", detail=str(row["reason"] or row["status"]), target=row["target"]
        )
    return Figure(
        value=Fraction(int(row["value_num"]), int(row["value_den"])),
        unit=row["unit"],
        bound=direction_of(row["bound"]),
        status=row["status"],
        target=row["target"],
    )
