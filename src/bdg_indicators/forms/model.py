"""The form model: which rows (org units) and columns (series) a data-entry form has.

Columns: the org unit's code and name, then for every data item of the spec (in the spec's
order; not the verdict series of ``achieved()``, which nobody reports) its total, followed by
each restriction to breakdown values that some target reads (``literate[age_group=15_60,
sex=female]`` for "tỷ lệ biết chữ của phụ nữ 15-60 tuổi"), as the evaluation plans it. Not
every combination of breakdown values: the national gender-equality spec would need 274
columns, and the 66 its targets read are the ones that change a result. Other combinations can
still be reported in the long CSV format.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import attrs

from bdg_indicators import units as units_mod
from bdg_indicators.errors import Location, OrgUnitError, Problem
from bdg_indicators.observations.form_cells import series_id
from bdg_indicators.orgunit_files import load_org_units
from bdg_indicators.orgunits import LEVELS, OrgUnitTree
from bdg_indicators.periods import Period
from bdg_indicators.spec import DataItem, Label, Spec, ValueKind

__all__ = ["Form", "FormColumn", "FormRow", "ValueRule", "build_form", "org_units_for"]

Selector = tuple[tuple[str, str], ...]


class ValueRule:
    """What a column accepts (the data validation of the workbook, and the reader's checks)."""

    COUNT = "count"
    """Whole numbers, 0 or more (people, communes, cases)."""
    NUMBER = "number"
    """Numbers, decimals allowed (amounts, scores, hours)."""
    YES_NO = "yes_no"
    """Có or không."""


@attrs.frozen(kw_only=True)
class FormColumn:
    """One column of figures: a data item, restricted to breakdown values or not."""

    id: str
    """The column id, as the reader reads it (``literate[sex=female]``)."""
    item: DataItem
    """The data item."""
    selector: Selector = ()
    """Its breakdown values (empty: the total)."""
    breakdown: Label
    """The breakdown values in words (``Nữ · 15-60 tuổi``; ``Tổng số`` for the total)."""
    rule: str
    """A [`ValueRule`][bdg_indicators.forms.model.ValueRule]."""
    maximum: Fraction | None = None
    """The largest value allowed, if the data item has one."""
    uses: tuple[str, ...] = ()
    """The ids of the targets whose indicators read the data item."""

    @property
    def label(self) -> Label:
        """The data item's label."""
        return self.item.label


@attrs.frozen(kw_only=True)
class FormRow:
    """One org unit of the form."""

    code: str
    name: str


@attrs.frozen(kw_only=True)
class Form:
    """A data-entry form: one row per org unit of a level, one column per series, one period."""

    spec: Spec
    level: str
    period: Period
    rows: tuple[FormRow, ...]
    columns: tuple[FormColumn, ...]


def _rule(item: DataItem) -> str:
    if item.kind is ValueKind.BOOLEAN:
        return ValueRule.YES_NO
    if units_mod.dimension_of(item.unit) == (("[count]", 1),):
        return ValueRule.COUNT
    return ValueRule.NUMBER


def _read_series(spec: Spec) -> set[tuple[str, Selector]]:
    """Every series (data item and breakdown values) some target reads, shares included."""
    from bdg_indicators.engine.plan import Scope, plan

    found: set[tuple[str, Selector]] = set()

    def visit(scope: Scope) -> None:
        found.update((s.item, s.selector) for s in scope.series)
        for share in scope.shares:
            visit(share.scope)

    for _, target in spec.targets():
        visit(plan(spec, target).scope)
    return found


def _users(spec: Spec) -> dict[str, tuple[str, ...]]:
    """The targets whose indicator (or population condition) reads each data item, through
    other indicators too."""
    items = {d.id for d in spec.data_items}
    reads: dict[str, set[str]] = {}

    def closure(indicator: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if indicator in reads:
            return reads[indicator]
        found: set[str] = set()
        for name in spec.indicator(indicator).formula.names:
            if name in items:
                found.add(name)
            elif name not in seen:
                found |= closure(name, seen | {indicator})
        reads[indicator] = found
        return found

    users: dict[str, list[str]] = {}
    for _, target in spec.targets():
        where = target.applies_to.where if target.applies_to else None
        read = closure(target.indicator) | (closure(where) if where else set())
        for item in sorted(read):
            users.setdefault(item, []).append(target.id)
    return {k: tuple(v) for k, v in users.items()}


def _words(spec: Spec, selector: Selector) -> Label:
    if not selector:
        return Label(vi="Tổng số", en="Total")
    chosen = dict(selector)
    labels = []
    for breakdown in spec.breakdowns:  # in the spec's order, as a person reads them
        if breakdown.id in chosen:
            value = next(v for v in breakdown.values if v.id == chosen[breakdown.id])
            labels.append(value.label)
    return Label(vi=" · ".join(x.vi for x in labels), en=" · ".join(x.text("en") for x in labels))


def _order(spec: Spec, selector: Selector) -> tuple[tuple[int, int], ...]:
    positions = []
    for index, breakdown in enumerate(spec.breakdowns):
        for key, value in selector:
            if key == breakdown.id:
                positions.append((index, breakdown.value_ids().index(value)))
    return tuple(positions)


def _columns(spec: Spec) -> Iterator[FormColumn]:
    read = _read_series(spec)
    users = _users(spec)
    for item in spec.data_items:
        if item.verdicts_of is not None:
            continue
        selectors = sorted(
            {s for i, s in read if i == item.id and s}, key=lambda s: _order(spec, s)
        )
        for selector in ((), *selectors):
            yield FormColumn(
                id=series_id(item.id, selector),
                item=item,
                selector=selector,
                breakdown=_words(spec, selector),
                rule=_rule(item),
                maximum=item.maximum,
                uses=users.get(item.id, ()),
            )


def org_units_for(spec: Spec, org_units: OrgUnitTree | str | Path | None) -> OrgUnitTree:
    """The org units of a form: the tree given, or the one the spec ships (as the bundled
    example data does). Raises [`OrgUnitError`][bdg_indicators.OrgUnitError] (code
    ``no-org-units``) when there is none."""
    if isinstance(org_units, OrgUnitTree):
        return org_units
    if org_units is not None:
        return load_org_units(org_units)
    shipped = [p for p in spec.example_data if Path(p).name.startswith(("org-units", "org_units"))]
    if not shipped:
        raise OrgUnitError(
            [
                Problem(
                    code="no-org-units",
                    message=f"spec {spec.id} ships no org units, and none were given",
                    location=Location(file=spec.id),
                    hint="give the org units of the form: --org-units FILE (YAML or CSV)",
                )
            ]
        )
    return load_org_units(shipped[0])


def build_form(
    spec: Spec, org_units: OrgUnitTree | str | Path | None, level: str, period: Period
) -> Form:
    """The form of ``spec`` for the org units of ``level`` at ``period``.

    Raises [`OrgUnitError`][bdg_indicators.OrgUnitError] (code ``no-org-units``) when there
    are no org units at that level, and ``ValueError`` for a level that does not exist.
    """
    if level not in LEVELS:
        raise ValueError(f"level is one of {', '.join(LEVELS)}")
    tree = org_units_for(spec, org_units)
    rows = tuple(FormRow(code=u.code, name=u.name) for u in tree if u.level == level)
    if not rows:
        levels = [x for x in LEVELS if any(u.level == x for u in tree)]
        raise OrgUnitError(
            [
                Problem(
                    code="no-org-units",
                    message=f"the org units have no {level}",
                    location=Location(file=spec.id),
                    hint="their levels: " + ", ".join(levels) if levels else None,
                )
            ]
        )
    return Form(spec=spec, level=level, period=period, rows=rows, columns=tuple(_columns(spec)))
