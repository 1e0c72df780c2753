"""Verdicts for every target, org unit and period: the value against its milestone, exactly,
with change and progress.

Each result row joins its variant's value with the target's schedule, the org unit's attribute
(for thresholds that depend on one), the base period's value, earlier values and the baseline,
then the rules decide: comparisons by the sign of a cross-multiplication, the change goal, the
linear trajectory, the status ladder. Floating-point columns are made last, for display only.

When some observation is a bound, a value that is a bound is judged only where the bound settles
the milestone ([`settles`][bdg_indicators.rules.bounds.settles]); a change or progress with a
bound (the value, the base value, the baseline) is left to the ladder as ``bound-undecided``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs
import narwhals as nw

from bdg_indicators.rules.bounds import ABOVE as MAY_BE_ABOVE
from bdg_indicators.rules.bounds import DIRECTIONS, settles
from bdg_indicators.rules.change import (
    absolute_change,
    annual_rate,
    goal_from_base,
    relative_change,
)
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL, attainment, holds, margin
from bdg_indicators.rules.progress import linear_expected
from bdg_indicators.rules.rational import Magnitude, Ratio, choose, sign
from bdg_indicators.rules.verdicts import Case, ladder

from .backend import Backend
from .catalogue import Catalogue
from .expressions import Exact, combine, sign_difference
from .history import LENGTH_CLASSES, baselines, earlier, period_table
from .progress import growth_columns, trend_columns
from .schedule import OTHER, Schedule

__all__ = ["judge"]


def _column(n: str, d: str, bound: Ratio, wide: bool = False) -> Exact:
    return Exact(Ratio(nw.col(n), nw.col(d)), bound, wide)


def _bound(values: list[Any]) -> Magnitude:
    return Magnitude(max((abs(v) for v in values if v is not None), default=1))


def _units_attributes(cat: Catalogue, attributes: list[str], backend: Backend) -> nw.LazyFrame[Any]:
    """The attribute value code of each org unit (key ``ou * attributes + index``)."""
    rows: dict[str, list[Any]] = {"ua": [], "code": []}
    tree = cat.org_units.tree
    if tree is not None:
        for index, name in enumerate(attributes):
            values = cat.spec_attribute_values(name)
            for ou, code in enumerate(cat.org_units.codes):
                value = tree[code].attribute(name)
                if value is not None:
                    rows["ua"].append(ou * max(len(attributes), 1) + index)
                    rows["code"].append(values.index(value) if value in values else OTHER)
    return backend.table(rows, {"ua": nw.Int64, "code": nw.Int32})


def _history(
    cat: Catalogue, values: nw.LazyFrame[Any], backend: Backend, bounded: bool = False
) -> nw.LazyFrame[Any]:
    """Each variant's values with their period's place in time, the previous period's value,
    the same period of the previous year's and the baseline: joins on the narrow table of
    variant values, before the targets' columns are added."""
    periods = period_table(cat, backend)
    n_periods = len(cat.periods.periods)
    rows = values.join(periods, on="per")
    rows = earlier(rows, values, n_periods, "prev_per", "p")
    if any(p >= 0 for p in cat.prev_year_periods()):
        rows = earlier(rows, values, n_periods, "prev_year_per", "y")
    else:
        rows = rows.with_columns(
            nw.lit(None, nw.Int64).alias("yn"), nw.lit(None, nw.Int64).alias("yd")
        )
    return rows.with_columns((nw.col("g") * LENGTH_CLASSES + nw.col("lclass")).alias("gl")).join(
        baselines(values, periods, bounded), on="gl", how="left"
    )


def judge(
    cat: Catalogue,
    values: nw.LazyFrame[Any],
    value_bound: Exact,
    schedule: Schedule,
    backend: Backend,
    method: str = "linear",
    bounded: bool = False,
) -> nw.LazyFrame[Any]:
    """One row per target, org unit and period with data: status, reason and every figure
    (``bounded``: some observation is a bound, and the values carry ``vb``)."""
    head, levels = schedule.frames(backend)
    n_periods = len(cat.periods.periods)
    history = _history(cat, values, backend, bounded)
    if list(cat.target_variant) == list(range(len(cat.targets))):
        # each target its own variant, numbered alike (the catalogue numbers variants in the
        # order of their targets): no join needed to give the rows their target
        rows = history.with_columns(nw.col("xid").alias("tid"))
    else:
        targets = backend.table(
            {"tid": list(range(len(cat.targets))), "xid": list(cat.target_variant)},
            {"tid": nw.Int32, "xid": nw.Int32},
        )
        rows = targets.join(history, on="xid")
    rows = rows.with_columns(
        (nw.col("tid").cast(nw.Int64) * n_periods + nw.col("per")).alias("hk")
    ).join(head, on="hk", how="inner")
    attributes = sorted(schedule.attributes)
    rows = _attribute_codes(cat, rows, attributes, backend)
    if levels is not None:  # thresholds by attribute value
        rows = rows.with_columns(
            (nw.col("hk") * schedule.codes + nw.col("code") + 3).alias("lk")
        ).join(levels, on="lk", how="left")
    if any(schedule.head["is_change"]):
        rows = earlier(rows, values, n_periods, "base_per", "b", bounded)
    else:
        rows = rows.with_columns(
            nw.lit(None, nw.Int64).alias("bn"),
            nw.lit(None, nw.Int64).alias("bd"),
            *([nw.lit(0, nw.Int64).alias("bb")] if bounded else []),
        )
    if schedule.base is not None:
        rows = earlier(rows, values, n_periods, "show_base", "sb")
    else:
        shown = nw.col("show_base") >= 0  # the change's base, where it is comparable
        rows = rows.with_columns(
            nw.when(shown).then(nw.col("bn")).alias("sbn"),
            nw.when(shown).then(nw.col("bd")).alias("sbd"),
        )
    return _decide(cat, rows, value_bound, schedule, method, backend, bounded)


def _attribute_codes(
    cat: Catalogue, rows: nw.LazyFrame[Any], attributes: list[str], backend: Backend
) -> nw.LazyFrame[Any]:
    """The code of the org unit's value of the attribute a threshold depends on: -1 when it
    depends on none, -2 when the value is not recorded, -3 without an org-unit tree."""
    if not attributes:
        return rows.with_columns(nw.lit(-1, nw.Int32).alias("code"))
    rows = rows.with_columns(
        nw.when(nw.col("attr_index") >= 0)
        .then(nw.col("ou").cast(nw.Int64) * len(attributes) + nw.col("attr_index"))
        .alias("ua")
    ).join(_units_attributes(cat, attributes, backend), on="ua", how="left")
    return rows.with_columns(
        nw.when(nw.col("attr_index") < 0)
        .then(nw.lit(-1))
        .when(nw.lit(cat.org_units.tree is None))
        .then(nw.lit(-3))
        .otherwise(nw.col("code").fill_null(-2))
        .cast(nw.Int32)
        .alias("code")
    )


def _stored(n: str, d: str, exact: Exact) -> Exact:
    """An exact value computed into columns ``n``, ``d``, with the bound it was computed with."""
    return Exact(Ratio(nw.col(n), nw.col(d)), exact.bound, exact.wide)


@attrs.frozen
class _Bounds:
    """Bounds of every integer the verdicts compute from, so that each comparison is made in
    integers wide enough."""

    value: Exact
    thresholds: Ratio
    steps: Ratio
    months: Magnitude
    changes: bool
    """Whether some milestone is a change (its goal comes from a base value)."""
    comparisons: bool
    """Whether some milestone is a comparison with a threshold."""

    @classmethod
    def of(cls, cat: Catalogue, schedule: Schedule, value: Exact) -> _Bounds:
        levels, head = schedule.levels, schedule.head
        return cls(
            value=value,
            thresholds=Ratio(
                _bound(levels["p1"] + levels["p2"] + levels["pg"]),
                _bound(levels["q1"] + levels["q2"] + levels["qg"]),
            ),
            steps=Ratio(_bound(head["step_n"]), _bound(head["step_d"])),
            months=Magnitude(
                max(
                    [p.last + 1 - cat.origin for p in cat.periods.periods]
                    + [t for t in head["t_goal"] if t is not None],
                    default=1,
                )
            ),
            changes=any(head["is_change"]),
            comparisons=any(c is False for c in head["is_change"]),
        )

    def exact(self, n: str, d: str) -> Exact:
        """A value of the variant (or of an earlier period) in columns ``n``, ``d``."""
        return _stored(n, d, self.value)

    def threshold(self, n: str, d: str) -> Exact:
        """A threshold of the schedule in columns ``n``, ``d``."""
        return _column(n, d, self.thresholds)


_WHAT = "a comparison with a milestone"
_WANTED = nw.when(nw.col("higher")).then(nw.lit(EQUAL | ABOVE)).otherwise(nw.lit(BELOW | EQUAL))


def _goals(rows: nw.LazyFrame[Any], bounds: _Bounds) -> tuple[nw.LazyFrame[Any], Exact, Exact]:
    """The goal (from the base value for a change target) and the linear trajectory."""
    change_goal = combine(
        lambda b, s: goal_from_base(b, s, nw.col("relative")),
        (bounds.exact("bn", "bd"), _column("step_n", "step_d", bounds.steps)),
        _WHAT,
    )
    comparison_goal = bounds.threshold("pg", "qg")
    if bounds.changes and bounds.comparisons:
        goal = combine(
            lambda c, g: choose(nw.col("is_change"), c, g),
            (change_goal, comparison_goal),
            _WHAT,
        )
    else:  # one kind of goal only: its bound alone sizes the integers
        goal = change_goal if bounds.changes else comparison_goal
    times = [Exact(Ratio(nw.col(c)), Ratio(bounds.months)) for c in ("t0", "end", "t_goal")]
    expected = combine(
        lambda b0, g, a, b, c: linear_expected(b0, g, a.n, b.n, c.n),
        (bounds.exact("b0n", "b0d"), _stored("gn", "gd", goal), *times),
        _WHAT,
    )
    rows = rows.with_columns(
        goal.value.n.alias("gn"),
        goal.value.d.alias("gd"),
        (nw.col("t0") < nw.col("end")).fill_null(False).alias("has_baseline"),
    ).with_columns(expected.value.n.alias("en"), expected.value.d.alias("ed"))
    return rows, _stored("gn", "gd", goal), _stored("en", "ed", expected)


def _comparisons(
    cat: Catalogue,
    rows: nw.LazyFrame[Any],
    bounds: _Bounds,
    goal: Exact,
    expected: Exact,
    bounded: bool,
) -> nw.LazyFrame[Any]:
    """Whether the value meets the milestone due, and keeps pace with the one ahead."""
    value = bounds.exact("vn", "vd")
    aim = combine(lambda e, g: choose(nw.col("has_baseline"), e, g), (expected, goal), _WHAT)
    first = sign_difference(value, bounds.threshold("p1", "q1"), _WHAT)
    second = sign_difference(value, bounds.threshold("p2", "q2"), _WHAT)
    met_change = holds(nw.col("cmask"), sign_difference(value, goal, _WHAT))
    undecided: list[nw.Expr] = []
    if bounded:  # met only where every value the bound allows meets it
        sure_1, never_1 = settles(nw.col("m1"), first, nw.col("vb"))
        sure_2, never_2 = settles(nw.col("m2"), second, nw.col("vb"))
        most = Exact(Ratio(nw.col("un"), nw.col("ud")), value.bound)
        sure_1, never_1 = _between_ends(sure_1, never_1, nw.col("m1"), first, most, bounds, 1)
        sure_2, never_2 = _between_ends(sure_2, never_2, nw.col("m2"), second, most, bounds, 2)
        met_comparison = sure_1 & sure_2
        undecided = [(~met_comparison & ~never_1 & ~never_2).alias("comparison_open")]
    else:
        met_comparison = holds(nw.col("m1"), first) & holds(nw.col("m2"), second)
    return rows.with_columns(
        *undecided,
        nw.when(nw.col("is_change")).then(met_change).otherwise(met_comparison).alias("met"),
        holds(_WANTED, sign_difference(value, aim, _WHAT)).alias("on_track"),
        _criteria(cat, rows).alias("criterion_failed"),
        (~nw.col("due").fill_null(True) & ~nw.col("boolean_target").fill_null(True)).alias(
            "progress_row"
        ),
    )


def _between_ends(
    sure: nw.Expr,
    never: nw.Expr,
    allowed: nw.Expr,
    least: nw.Expr,
    most: Exact,
    bounds: _Bounds,
    side: int,
) -> tuple[nw.Expr, nw.Expr]:
    """(surely met, surely not met) of one end of a comparison for a share some of whose members
    are unknown, whose true value lies between its least (``least`` = value − threshold) and its
    most (``most``): settled where both ends agree; other rows keep ``sure`` and ``never``."""
    threshold = bounds.threshold(f"p{side}", f"q{side}")
    high = sign_difference(most, threshold, _WHAT)
    low_met, high_met = holds(allowed, least), holds(allowed, high)
    interval = ~nw.col("un").is_null() & (nw.col("vb") == MAY_BE_ABOVE)
    return (
        nw.when(interval).then(low_met & high_met).otherwise(sure),
        nw.when(interval).then(~low_met & ~high_met).otherwise(never),
    )


def _growth(
    cat: Catalogue, rows: nw.LazyFrame[Any], bounds: _Bounds, goal: Exact, backend: Backend
) -> nw.LazyFrame[Any]:
    """Open SDG's methods: method 2 toward milestones ahead, method 1 where none is."""
    value, baseline = bounds.exact("vn", "vd"), bounds.exact("b0n", "b0d")
    rows = rows.with_columns(
        holds(_WANTED, sign_difference(value, goal, _WHAT)).alias("met_goal"),
        sign(sign_difference(goal, baseline, _WHAT)).alias("goal_vs_base"),
        sign(sign_difference(value, baseline, _WHAT)).alias("value_vs_base"),
    )
    rows = growth_columns(rows, nw.col("on_track")).with_columns(
        nw.col("growth_on_track").alias("on_track")
    )
    return trend_columns(rows, _limits(cat, backend))


def _no_growth(rows: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    return rows.with_columns(
        nw.lit(None, nw.Float64).alias("growth_value"),
        nw.lit(None, nw.String).alias("growth_category"),
        nw.lit(None, nw.String).alias("growth_note"),
        nw.lit(False).alias("growth_check"),
        nw.lit(None, nw.String).alias("growth_kind"),
    )


def _bound_case(cat: Catalogue) -> tuple[nw.Expr, nw.Expr]:
    """Whether a bound leaves the verdict open, and what is a bound: a comparison the value's
    bound does not settle; a change whose value or base value is a bound; progress whose value,
    baseline or base value is a bound; a score rule with a criterion that is a bound, judged
    criterion by criterion."""
    value = nw.col("vb").fill_null(0) != 0
    base = nw.col("is_change") & (nw.col("bb").fill_null(0) != 0)
    baseline = nw.col("has_baseline") & (nw.col("b0b").fill_null(0) != 0)
    progress = ~nw.col("due").fill_null(True) & ~nw.col("boolean_target").fill_null(True)
    comparison = ~nw.col("is_change") & nw.col("comparison_open").fill_null(False)
    if any(v.criteria for v in cat.variants):
        criteria = (
            nw.col("due").fill_null(False)
            & ~nw.col("is_change")
            & nw.col("met").fill_null(False)
            & ~nw.col("me").is_null()
            & (nw.col("cb") != 0)
        )
        comparison = comparison | criteria
    open_ = (
        nw.when(progress)
        .then(value | baseline | base)
        .otherwise((nw.col("is_change") & (value | base)) | comparison)
    )
    direction: Any = nw.lit("baseline")
    direction = nw.when(base).then(nw.lit("base")).otherwise(direction)
    for bits, found in DIRECTIONS.items():
        direction = nw.when(nw.col("vb") == bits).then(nw.lit(found.id)).otherwise(direction)
    return open_, direction


def _verdicts(rows: nw.LazyFrame[Any], cat: Catalogue, bounded: bool) -> nw.LazyFrame[Any]:
    """The status ladder, and the figures the table and explanations keep."""
    bound_open, bound_subject = _bound_case(cat) if bounded else (None, None)
    status, code, subject = ladder(
        Case(
            not_applicable=nw.col("na_code"),
            not_applicable_subject=nw.col("na_subject"),
            value_missing=nw.col("vn").is_null(),
            value_code=nw.col("reason_code"),
            value_subject=nw.col("reason_subject"),
            attribute_unknown=nw.col("code") == -3,
            attribute_missing=nw.col("code") == -2,
            attribute=nw.col("attr"),
            threshold_missing=~nw.col("is_change") & nw.col("p1").is_null(),
            threshold_subject=nw.col("threshold_subject"),
            base_missing=nw.col("is_change") & nw.col("bn").is_null(),
            base_period=nw.col("base_text"),
            due=nw.col("due").fill_null(False),
            met=nw.col("met").fill_null(False),
            criterion_failed=nw.col("criterion_failed"),
            boolean_target=nw.col("boolean_target").fill_null(False),
            on_track=nw.col("on_track").fill_null(False),
            bound_undecided=bound_open,
            bound_subject=bound_subject,
        )
    )
    progress_row = nw.col("progress_row")
    applies = nw.col("na_code").is_null()
    trajectory = progress_row & nw.col("has_baseline") & nw.col("growth_category").is_null()
    method = (
        nw.when(nw.col("growth_kind") == "trend")
        .then(nw.lit("growth"))
        .when(progress_row)
        .then(
            nw.when(~nw.col("growth_category").is_null())
            .then(nw.lit("cagr"))
            .otherwise(nw.lit("linear"))
        )
    )
    return (
        _figures(rows)
        .with_columns(
            status.alias("status"),
            code.alias("reason_code"),
            subject.alias("reason_subject"),
            nw.when(applies).then(nw.col("gn")).alias("gn"),
            nw.when(applies).then(nw.col("gd")).alias("gd"),
            nw.when(trajectory).then(nw.col("en")).alias("en"),
            nw.when(trajectory).then(nw.col("ed")).alias("ed"),
            nw.when(nw.col("has_baseline")).then(nw.col("b0_per")).alias("b0_per"),
            method.alias("progress"),
            nw.when(progress_row & ~nw.col("has_baseline"))
            .then(nw.lit("no-baseline"))
            .otherwise(nw.col("growth_note"))
            .alias("progress_note"),
        )
        .pipe(_readings)
        .select(*KEPT, *(("vb",) if bounded else ()))
    )


def _decide(
    cat: Catalogue,
    rows: nw.LazyFrame[Any],
    value_bound: Exact,
    schedule: Schedule,
    method: str,
    backend: Backend,
    bounded: bool = False,
) -> nw.LazyFrame[Any]:
    bounds = _Bounds.of(cat, schedule, value_bound)
    rows, goal, expected = _goals(rows, bounds)
    rows = _comparisons(cat, rows, bounds, goal, expected, bounded)
    rows = _growth(cat, rows, bounds, goal, backend) if method == "cagr" else _no_growth(rows)
    return _verdicts(rows, cat, bounded)


KEPT = (
    "tid",
    "xid",
    "ou",
    "per",
    "vn",
    "vd",
    "reason_code",
    "reason_subject",
    "how",
    "used",
    "expected",
    "children",
    "partial",
    "status",
    "mindex",
    "due",
    "attr",
    "gn",
    "gd",
    "en",
    "ed",
    "b0_per",
    "b0n",
    "b0d",
    "base_per",
    "show_base",
    "prev_per",
    "prev_year_per",
    "progress",
    "progress_note",
    "growth_value",
    "growth_category",
    "growth_check",
    "growth_kind",
    "higher",
    "t0",
    "end",
    "t_goal",
    "value_f",
    "threshold",
    "expected_f",
    "previous_value",
    "change_previous",
    "change_previous_pct",
    "previous_year_value",
    "change_previous_year",
    "change_previous_year_pct",
    "base_value",
    "change_base",
    "change_base_pct",
    "attainment_pct",
    "margin",
    "annual_rate_pct",
    "baseline_value",
)
"""The columns of the results the table and explanations read."""


def as_float(n: str, d: str) -> nw.Expr:
    """An exact value in floating point, for display."""
    return nw.when(~nw.col(n).is_null()).then(
        nw.col(n).cast(nw.Float64) / nw.col(d).cast(nw.Float64)
    )


def _figures(rows: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Figures for reading, in floating point: the value, earlier values, changes."""
    value = as_float("vn", "vd")
    figures = [value.alias("value_f")]
    for prefix, name in (("p", "previous"), ("y", "previous_year"), ("sb", "base")):
        earlier = as_float(f"{prefix}n", f"{prefix}d")
        figures += [
            earlier.alias(f"{name}_value"),
            absolute_change(value, earlier).alias(f"change_{name}"),
            nw.when(earlier != 0).then(relative_change(value, earlier)).alias(f"change_{name}_pct"),
        ]
    return rows.with_columns(*figures)


def _readings(rows: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Threshold, attainment, margin and annual rate, for reading."""
    value, goal, base = nw.col("value_f"), as_float("gn", "gd"), nw.col("base_value")
    years = (nw.col("end") - nw.col("base_end")) / 12
    single = nw.col("m2") == (BELOW | EQUAL | ABOVE)
    at_least = single & nw.col("m1").is_in([EQUAL | ABOVE, ABOVE]) & ~nw.col("is_change")
    return rows.with_columns(
        goal.alias("threshold"),
        as_float("en", "ed").alias("expected_f"),
        nw.when(at_least & (nw.col("pg") > 0))
        .then(attainment(value, goal))
        .alias("attainment_pct"),
        # a margin from one goal only: none within a range (between, about) or for yes/no
        nw.when((single | nw.col("is_change")) & ~nw.col("boolean_target"))
        .then(margin(value, goal))
        .alias("margin"),
        nw.when((years >= 1) & (value > 0) & (base > 0))
        .then(annual_rate(value, base, years))
        .alias("annual_rate_pct"),
        nw.when(~nw.col("b0_per").is_null()).then(as_float("b0n", "b0d")).alias("baseline_value"),
    )


def variant_limits(cat: Catalogue) -> dict[str, list[Any]]:
    """Each variant's indicator limit (method 1) and direction (+1 higher, -1 lower, 0), as
    columns indexed by variant id."""
    from bdg_indicators.spec import Better

    columns: dict[str, list[Any]] = {"xid": [], "lim_n": [], "lim_d": [], "trend_direction": []}
    for xid, variant in enumerate(cat.variants):
        limit = variant.indicator.limit
        better = variant.indicator.better
        columns["xid"].append(xid)
        columns["lim_n"].append(None if limit is None else limit.numerator)
        columns["lim_d"].append(None if limit is None else limit.denominator)
        columns["trend_direction"].append(
            1 if better is Better.HIGHER else -1 if better is Better.LOWER else 0
        )
    return columns


def _limits(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    return backend.table(
        variant_limits(cat),
        {"xid": nw.Int32, "lim_n": nw.Int64, "lim_d": nw.Int64, "trend_direction": nw.Int64},
    )


def _criteria(cat: Catalogue, rows: nw.LazyFrame[Any]) -> nw.Expr:
    """The name of the first criterion failing the score rule's per-criterion condition."""
    count = max((len(v.criteria) for v in cat.variants), default=0)
    if not count:
        return nw.lit(None, nw.String)
    what = "a criterion of a score rule"
    limit = Exact(Ratio(nw.col("pe"), nw.col("qe")), Ratio(Magnitude(10**12), Magnitude(10**12)))
    result: Any = nw.lit(None, nw.String)
    names = _criterion_names(cat)
    for i in reversed(range(count)):
        value = Exact(
            Ratio(nw.col(f"c{i}_n"), nw.col(f"c{i}_d")), Ratio(Magnitude(10**12), Magnitude(10**12))
        )
        fails = ~holds(nw.col("me"), sign_difference(value, limit, what))
        applies = ~nw.col("me").is_null() & ~nw.col(f"c{i}_n").is_null()
        name: Any = nw.lit(None, nw.String)
        for xid, found in names.items():
            if i < len(found):
                name = nw.when(nw.col("xid") == xid).then(nw.lit(found[i])).otherwise(name)
        result = nw.when((applies & fails).fill_null(False)).then(name).otherwise(result)
    named: nw.Expr = result
    return named


def _criterion_names(cat: Catalogue) -> dict[int, list[str]]:
    return {
        xid: [str(v.scope.series[j]) for j in v.criteria]
        for xid, v in enumerate(cat.variants)
        if v.criteria
    }


_ = Fraction
