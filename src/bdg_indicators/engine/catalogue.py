"""The catalogue: integer ids for everything the plan joins on, and the small tables around them.

Org units, periods, series, input scopes, variants and targets each get dense integer ids once,
when the plan is made; the plan joins and groups on those ids only, and codes come back as text
when the results are labelled.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import attrs

from bdg_indicators.observations import Observations
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.periods import Period, PeriodKind, parse_period
from bdg_indicators.spec import Change, Spec, Target

from .plan import Scope, Series, Share, Variant, plan

__all__ = ["Catalogue", "OrgUnitIds", "PeriodIds"]


@attrs.frozen
class OrgUnitIds:
    """Org units by id: codes, parents, depth, level (``None`` without a tree)."""

    codes: tuple[str, ...]
    parents: tuple[int, ...]
    """The parent's id, -1 for a root."""
    depths: tuple[int, ...]
    levels: tuple[str | None, ...]
    tree: OrgUnitTree | None

    @classmethod
    def build(cls, observations: Observations, tree: OrgUnitTree | None) -> OrgUnitIds:
        if tree is None:
            codes = observations.org_units
            return cls(codes, (-1,) * len(codes), (0,) * len(codes), (None,) * len(codes), None)
        codes = tuple(tree.org_units)
        index = {code: i for i, code in enumerate(codes)}
        parents = tuple(index[u.parent] if u.parent else -1 for u in tree)
        depths: list[int] = []
        for unit in tree:
            depths.append(len(tree.ancestors(unit.key)))
        return cls(codes, parents, tuple(depths), tuple(u.level for u in tree), tree)

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    @functools.cached_property
    def children(self) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for unit, parent in enumerate(self.parents):
            if parent >= 0:
                found.setdefault(parent, []).append(unit)
        return {k: tuple(v) for k, v in found.items()}

    def ancestors(self, unit: int) -> list[int]:
        """The unit's ancestors, nearest first."""
        result = []
        parent = self.parents[unit]
        while parent >= 0:
            result.append(parent)
            parent = self.parents[parent]
        return result

    def expected(self, levels: frozenset[str]) -> list[int]:
        """For each org unit, how many org units at or below it report when org units of
        ``levels`` report: the deepest such units, counted once (an org unit reporting for its
        whole territory covers its children)."""
        counts = [0] * len(self.codes)
        for unit in sorted(range(len(self.codes)), key=lambda u: -self.depths[u]):
            below = sum(counts[c] for c in self.children.get(unit, ()))
            counts[unit] = below if below else int(self.levels[unit] in levels or not self.tree)
        return counts


PARTS = (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH)
"""Kinds of periods that are parts of a year."""


@attrs.frozen
class PeriodIds:
    """Periods by id: those of the observations, then years and half-years made of their
    parts, then periods only named: base periods of milestones, and the previous periods that
    changes are shown against."""

    periods: tuple[Period, ...]
    observed: int
    """How many of them come from the observations (ids below this)."""
    derived: int
    """How many years and half-years follow, made of parts."""

    @classmethod
    def build(cls, observations: Observations, extra: Sequence[Period]) -> PeriodIds:
        found = [parse_period(text) for text in observations.periods]
        known = set(found)
        derived: list[Period] = []
        for period in found:
            if period.kind in PARTS:
                wholes = [Period.year(period.start_year)]
                if period.kind is not PeriodKind.HALF:
                    wholes.append(period_containing(period, PeriodKind.HALF))
                for whole in wholes:
                    if whole not in known:
                        known.add(whole)
                        derived.append(whole)
        # the periods changes are shown against, named even where nothing was reported
        earlier = [p.previous() for p in (*found, *derived)]
        earlier += [p.same_period_previous_year() for p in (*found, *derived) if p.kind in PARTS]
        others = [p for p in dict.fromkeys([*extra, *earlier]) if p not in known]
        return cls((*found, *derived, *others), len(found), len(derived))

    @functools.cached_property
    def index(self) -> dict[Period, int]:
        return {p: i for i, p in enumerate(self.periods)}

    @functools.cached_property
    def has_parts(self) -> bool:
        """Whether any observed period is part of a year (a half, quarter or month), so that
        wholes may be made of parts (also wholes that other org units report)."""
        return any(p.kind in PARTS for p in self.periods[: self.observed])

    @property
    def with_data(self) -> range:
        """Ids of the periods that can have values (observed or made of parts)."""
        return range(self.observed + self.derived)

    def id(self, period: Period | None) -> int:
        """The id of a period, -1 when it is not in the catalogue."""
        return -1 if period is None else self.index.get(period, -1)

    def length_class(self, period: Period) -> int:
        """Periods are compared for change and progress within one class: kind and length."""
        return list(PeriodKind).index(period.kind) * 10_000 + period.months


def period_containing(period: Period, kind: PeriodKind) -> Period:
    """The period of ``kind`` (year or half) containing ``period``."""
    size = 12 if kind is PeriodKind.YEAR else 6
    first = period.first - period.first % size
    return Period(kind, first, first + size - 1)


@attrs.frozen
class Catalogue:
    """Ids of everything the plan needs."""

    spec: Spec
    targets: tuple[Target, ...]
    variants: tuple[Variant, ...]
    """Distinct variants; ``target_variant[i]`` is target i's."""
    target_variant: tuple[int, ...]
    scopes: tuple[Scope, ...]
    """Distinct input scopes (a variant's, a share's); rolled up together."""
    shares: tuple[tuple[Share, int], ...]
    """Every share with the id of its scope, innermost first."""
    org_units: OrgUnitIds
    periods: PeriodIds
    grid: tuple[int, ...] = ()
    """Ids of the periods results are given for: those observed and those made of parts."""

    @property
    def result_periods(self) -> tuple[int, ...]:
        """Ids of the periods results are given for."""
        return self.grid or tuple(self.periods.with_data)

    @functools.cached_property
    def absent(self) -> tuple[tuple[int, int], ...]:
        """The (org unit, period) ids when the unit did not exist, at the period's last day
        (none without a history): worked out once, for roll-ups and verdicts alike."""
        from bdg_indicators.rules.reorganisation import end_day

        tree = self.org_units.tree
        if tree is None or not tree.has_history:
            return ()
        days = [end_day(period.last) for period in self.periods.periods]
        pairs: list[tuple[int, int]] = []
        for ou, key in enumerate(self.org_units.codes):
            unit = tree[key]
            if unit.valid_from is None and unit.valid_until is None:
                continue
            pairs += [(ou, per) for per, day in enumerate(days) if not unit.exists_on(day)]
        return tuple(pairs)

    @classmethod
    def build(
        cls,
        spec: Spec,
        targets: Sequence[Target],
        observations: Observations,
        tree: OrgUnitTree | None,
        extra_periods: Sequence[Period] = (),
    ) -> Catalogue:
        variants: dict[tuple[str, tuple[tuple[str, str], ...]], Variant] = {}
        target_variant = []
        for target in targets:
            key = (target.indicator, target.breakdown)
            if key not in variants:
                variants[key] = plan(spec, target)
            target_variant.append(list(variants).index(key))
        scopes: dict[Scope, None] = {}
        shares: dict[Share, Scope] = {}

        def visit(scope: Scope) -> None:
            for share in scope.shares:
                visit(share.scope)
                shares.setdefault(share, share.scope)
            scopes.setdefault(scope)

        for variant in variants.values():
            visit(variant.scope)
        bases = [
            m.condition.base
            for t in targets
            for m in (*t.milestones, *(m for a in t.amendments for m in a.milestones))
            if isinstance(m.condition, Change) and m.condition.base is not None
        ]
        order = list(scopes)
        return cls(
            spec=spec,
            targets=tuple(targets),
            variants=tuple(variants.values()),
            target_variant=tuple(target_variant),
            scopes=tuple(order),
            shares=tuple((share, order.index(scope)) for share, scope in shares.items()),
            org_units=OrgUnitIds.build(observations, tree),
            periods=PeriodIds.build(observations, [*bases, *extra_periods]),
        )

    @property
    def origin(self) -> int:
        """Months are counted from here in the plan (the first month of the earliest period),
        so that the integers the trajectory multiplies stay small."""
        return min((p.first for p in self.periods.periods), default=0)

    def prev_year_period(self, pid: int) -> int:
        """The id of the same period of the previous year ("cùng kỳ năm trước"), for a part of
        a year (a half, quarter or month; for a year it is the previous period), else -1."""
        period = self.periods.periods[pid]
        if period.kind not in PARTS:
            return -1
        return self.periods.id(period.same_period_previous_year())

    def prev_year_periods(self) -> list[int]:
        """For each result period, :meth:`prev_year_period`."""
        return [self.prev_year_period(pid) for pid in self.result_periods]

    def spec_attribute_values(self, attribute: str) -> tuple[str, ...]:
        """The values the spec lists for an org-unit attribute."""
        for found in self.spec.attributes:
            if found.id == attribute:
                return found.value_ids()
        return ()

    def scope_id(self, scope: Scope) -> int:
        """The id of a scope."""
        return self.scopes.index(scope)

    def series(self) -> tuple[Series, ...]:
        """Every series any scope reads."""
        return tuple(dict.fromkeys(s for scope in self.scopes for s in scope.series))

    @property
    def max_slots(self) -> int:
        """The most series one scope reads."""
        return max((len(s.series) for s in self.scopes), default=0)
