"""Data items and indicators: ids and labels, formulas (parsed, references resolved, cycles found)
and units (derived once from the formula, with the factor to the indicator's unit)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs

from bdg_indicators import units as units_mod
from bdg_indicators._document import DataItemDoc, IndicatorDoc
from bdg_indicators.errors import BdgError, FormulaError, Location, did_you_mean
from bdg_indicators.formulas import (
    Call,
    Formula,
    Reference,
    achieved_name,
    achieved_target,
    applies_name,
    applies_target,
    derive_units,
    parse_formula,
)
from bdg_indicators.orgunits import LEVELS
from bdg_indicators.spec import (
    Aggregation,
    Better,
    Coverage,
    DataItem,
    Indicator,
    Label,
    ValueKind,
)

from .context import Context, to_label
from .merge import Located
from .quantities import number

BOOLEAN_UNITS = frozenset({"boolean", "yes_no"})


def data_item(ctx: Context, key: str, entry: Located) -> DataItem | None:
    doc: DataItemDoc = entry.value
    ok = ctx.check_id(key, entry.at(key=True), "data item")
    kind = ValueKind(doc.type or "number")
    ok &= ctx.require(doc.label, "label", entry, f"data item `{key}`")
    unit: str | None = "dimensionless"
    if kind is ValueKind.NUMBER:
        ok &= ctx.require(doc.unit, "unit", entry, f"data item `{key}`")
    if doc.unit is not None:
        unit = ctx.unit(doc.unit, entry.at("unit"))
    for i, name in enumerate(doc.breakdowns or ()):
        if name not in ctx.breakdowns:
            ok = False
            ctx.unknown(name, ctx.breakdowns, entry.at("breakdowns", i), "breakdown")
    if doc.part_of is not None and doc.part_of not in ctx.merged.data_items:
        ok = False
        ctx.unknown(doc.part_of, ctx.merged.data_items, entry.at("part_of"), "data item")
    maximum = None
    if doc.maximum is not None and unit is not None:
        maximum = number(ctx, doc.maximum, entry.at("maximum"), unit, None)
        ok &= maximum is not None
    if not ok or unit is None or doc.label is None:
        ctx.failed.add(key)
        return None
    return DataItem(
        id=key,
        label=to_label(doc.label),
        unit=unit,
        breakdowns=tuple(doc.breakdowns or ()),
        aggregation=Aggregation(
            doc.aggregation or ("none" if kind is ValueKind.BOOLEAN else "sum")
        ),
        kind=kind,
        part_of=doc.part_of,
        description=to_label(doc.description) if doc.description else None,
        maximum=maximum,
    )


def indicator(ctx: Context, key: str, stack: tuple[str, ...]) -> Indicator | None:
    """The compiled indicator ``key`` (compiled on first use); ``stack`` finds cycles."""
    entry = ctx.merged.indicators[key]
    if key in stack:
        cycle = " → ".join((*stack[stack.index(key) :], key))
        ctx.error(
            "formula-cycle",
            f"indicators refer to each other in a cycle: {cycle}",
            entry.at("formula"),
        )
        ctx.failed.add(key)
        return None
    if key in ctx.compiled:
        return ctx.compiled[key]
    ctx.compiled[key] = None  # provisional, replaced below
    result = _indicator(ctx, key, entry, (*stack, key))
    ctx.compiled[key] = result
    if result is None:
        ctx.failed.add(key)
    return result


def _indicator(ctx: Context, key: str, entry: Located, stack: tuple[str, ...]) -> Indicator | None:
    doc: IndicatorDoc = entry.value
    ok = _check_keys(ctx, key, entry)
    parsed = _formula(ctx, key, entry)
    if parsed is None or doc.unit is None:
        return None
    formula, where = parsed
    if doc.decimals is not None and not 0 <= doc.decimals <= 6:
        ctx.error("invalid-value", "`decimals` must be between 0 and 6", entry.at("decimals"))
        ok = False
    boolean = doc.unit in BOOLEAN_UNITS
    unit = "boolean" if boolean else ctx.unit(doc.unit, entry.at("unit"))
    if not references(ctx, formula, where, stack) or unit is None or not ok:
        return None
    units = _formula_unit(ctx, key, (doc.unit, unit, boolean), formula, where)
    if units is None:
        return None
    formula_unit, factor = units
    assert doc.label is not None
    assert doc.better is not None
    limit = None
    if doc.limit is not None and unit != "boolean":
        limit = number(ctx, doc.limit, entry.at("limit"), unit, None)
    return Indicator(
        id=key,
        label=to_label(doc.label),
        formula=formula,
        unit=unit,
        formula_unit=formula_unit,
        factor=factor,
        decimals=1 if doc.decimals is None else doc.decimals,
        better=Better(doc.better),
        criteria=tuple(doc.criteria or ()),
        coverage=Coverage(doc.coverage or "partial"),
        limit=limit,
        description=to_label(doc.description) if doc.description else None,
    )


def _check_keys(ctx: Context, key: str, entry: Located) -> bool:
    """Check the id, the required keys and the criteria of an indicator."""
    doc: IndicatorDoc = entry.value
    what = f"indicator `{key}`"
    ok = ctx.check_id(key, entry.at(key=True), "indicator")
    ok &= ctx.require(doc.label, "label", entry, what)
    ok &= ctx.require(doc.unit, "unit", entry, what)
    ok &= ctx.require(doc.better, "better", entry, what)
    for i, name in enumerate(doc.criteria or ()):
        if name not in ctx.merged.data_items:
            ok = False
            ctx.unknown(name, ctx.merged.data_items, entry.at("criteria", i), "data item")
    return ok


def _formula(ctx: Context, key: str, entry: Located) -> tuple[Formula, Location] | None:
    """The parsed formula (the sum of the criteria by default) and where it was written."""
    doc: IndicatorDoc = entry.value
    text = doc.formula
    if text is None and doc.criteria:
        text = " + ".join(doc.criteria)
    if text is None:
        ctx.error(
            "missing-key",
            f"indicator `{key}` needs `formula` (or `criteria`)",
            entry.at(key=True),
        )
        return None
    where = entry.at("formula") if doc.formula is not None else entry.at("criteria")
    try:
        return parse_formula(text), where
    except FormulaError as exc:
        formula_problems(ctx, exc, where)
        return None


def _formula_unit(
    ctx: Context, key: str, units: tuple[str, str, bool], formula: Formula, where: Location
) -> tuple[str, Fraction] | None:
    """The unit the formula gives and the factor from it to the indicator's unit.

    ``units`` is the indicator's unit as written, as compiled, and whether it is yes/no.
    """
    written, unit, boolean = units
    booleans = frozenset(k for k, i in ctx.items.items() if i.kind is ValueKind.BOOLEAN)
    booleans |= frozenset(
        k for k, i in ctx.compiled.items() if i is not None and i.unit == "boolean"
    )
    units_of = _units_of(ctx)
    try:
        derived = derive_units(
            formula, units_of, units_mod.ONE, booleans=booleans, condition=boolean
        )
    except FormulaError as exc:
        if boolean and exc.problems[0].code == "formula-type":
            ctx.error(
                "formula-type",
                f"indicator `{key}` has unit `{written}`, so its formula must "
                "be a condition or a yes/no data item",
                where,
            )
        else:
            formula_problems(ctx, exc, where)
        return None
    if boolean:
        return "boolean", Fraction(1)
    formula_unit = str(derived) or "dimensionless"
    try:
        return formula_unit, units_mod.factor_between(derived, units_mod.unit_info(unit))
    except BdgError:
        ctx.error(
            "unit-mismatch",
            f"the formula gives `{formula_unit}`, which cannot be "
            f"expressed in the indicator's unit `{written}`",
            where,
            "check the formula (a ratio needs a division) and the units of its data items",
        )
        return None


def formula_problems(ctx: Context, exc: BdgError, where: Location) -> None:
    """Report a formula's problems at their column inside the formula's text."""
    for p in exc.problems:
        column = where.column
        if column is not None and p.location.column is not None:
            column += p.location.column - 1
        ctx.error(p.code, p.message, attrs.evolve(where, column=column), p.hint)


def references(ctx: Context, formula: Formula, where: Location, stack: tuple[str, ...]) -> bool:
    """Check every name a formula refers to (compiling the indicators it uses)."""
    ok = True
    for ref in formula.references:
        at = attrs.evolve(where, column=(where.column or 1) + ref.offset)
        if ref.name in ctx.merged.data_items:
            ok &= _item_reference(ctx, ref, at)
        elif ref.name in ctx.merged.indicators:
            if ref.selector:
                ok = False
                ctx.error(
                    "formula-syntax",
                    f"`{ref.name}` is an indicator; breakdowns are selected on data items",
                    at,
                )
            if indicator(ctx, ref.name, stack) is None:
                ok = False
        elif ref.name in ctx.merged.dropped:
            ok = False
        elif (target := achieved_target(ref.name)) is not None:
            ok &= _verdicts_item(ctx, target, at)
        elif (target := applies_target(ref.name)) is not None:
            ok &= _verdicts_item(ctx, target, at, applies=True)
        else:
            ok = False
            known = [*ctx.merged.data_items, *ctx.merged.indicators]
            ctx.error(
                "formula-unknown-name",
                f"`{ref.name}` is neither a data item nor an indicator",
                at,
                did_you_mean(ref.name, known) or "declare it under `data_items` or `indicators`",
            )
    for level in _share_levels(formula):
        if level not in LEVELS:
            ok = False
            ctx.unknown(level, LEVELS, where, "org-unit level")
    return ok


def _verdicts_item(ctx: Context, target: str, at: Location, applies: bool = False) -> bool:
    """``achieved("target")``: the target must exist; its verdicts become a yes/no series
    (a data item no file may report, named by ``achieved_name``); with ``applies``, whether it
    applies at all (``applies_name``)."""
    known = [tid for goal in ctx.merged.goals.values() for tid in goal.targets]
    if target not in known and applies:  # written with its achieved(), which says so
        return False
    if target not in known:
        ctx.error(
            "formula-unknown-name",
            f"`achieved` names no target: `{target}`",
            at,
            did_you_mean(target, known) or "name a target of this spec by its id",
        )
        return False
    name = applies_name(target) if applies else achieved_name(target)
    label = (
        Label(vi=f"Chỉ tiêu {target} áp dụng", en=f"Target {target} applies")
        if applies
        else Label(vi=f"Đạt chỉ tiêu {target}", en=f"Target {target} achieved")
    )
    ctx.items.setdefault(
        name,
        DataItem(
            id=name,
            label=label,
            unit="dimensionless",
            aggregation=Aggregation.NONE,
            kind=ValueKind.BOOLEAN,
            verdicts_of=target,
        ),
    )
    return True


def _item_reference(ctx: Context, ref: Reference, at: Location) -> bool:
    """Check a reference to a data item and its breakdown selectors."""
    if ref.name in ctx.failed or ref.name not in ctx.items:
        return False
    ok = True
    item = ctx.items[ref.name]
    for dim, value in ref.selector:
        if dim not in item.breakdowns:
            ok = False
            ctx.error(
                "unknown-reference",
                f"data item `{ref.name}` has no breakdown `{dim}`",
                at,
                "declare it under the data item's `breakdowns`",
            )
        elif value not in ctx.breakdowns[dim].value_ids():
            ok = False
            values = ctx.breakdowns[dim].value_ids()
            ctx.unknown(value, values, at, f"value of breakdown `{dim}`")
    return ok


def _units_of(ctx: Context) -> Callable[[Reference], units_mod.UnitInfo]:
    def units_of(ref: Reference) -> units_mod.UnitInfo:
        if ref.name in ctx.items:
            return units_mod.unit_info(ctx.items[ref.name].unit)
        compiled = ctx.compiled[ref.name]
        assert compiled is not None
        if compiled.unit == "boolean":
            return units_mod.ONE
        return units_mod.unit_info(compiled.unit)

    return units_of


def depends_on(ctx: Context, compiled: Indicator) -> set[str]:
    """The data items an indicator uses, directly or through other indicators."""
    result: set[str] = set()
    for name in compiled.formula.names:
        if name in ctx.items:
            result.add(name)
        elif (other := ctx.compiled.get(name)) is not None:
            result |= depends_on(ctx, other)
    return result


def _share_levels(formula: Formula) -> list[str]:
    levels: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Call):
            for key, value in node.kwargs:
                if key == "level" and isinstance(value, str):
                    levels.append(value)
                elif not isinstance(value, str):
                    walk(value)
            for arg in node.args:
                walk(arg)
        for attribute in ("left", "right", "operand"):
            if hasattr(node, attribute):
                walk(getattr(node, attribute))
        for operand in getattr(node, "operands", ()):
            walk(operand)

    walk(formula.root)
    return levels
