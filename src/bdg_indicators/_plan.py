"""Evaluation plans: which series of data each target needs, shared by both evaluation paths.

A *series* is one data item restricted to breakdown values (``literate[sex=female]``, or the
total ``literate``). A *variant* is an indicator restricted by a target's breakdown (the literacy
rate of rural areas): its formula, with every indicator it uses inlined, reads series only.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .formulas import BinaryOp, BoolOp, Call, Compare, Formula, Negate, Node, Not, Number, Reference
from .spec import DataItem, Indicator, Spec, Target

Selector = tuple[tuple[str, str], ...]

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
"""Formula comparison operators, shared by the exact and the columnar paths."""


@attrs.frozen
class Series:
    """A data item restricted to breakdown values (empty selector: the total)."""

    item: str
    selector: Selector = ()

    def __str__(self) -> str:
        if not self.selector:
            return self.item
        return self.item + "[" + ", ".join(f"{k}={v}" for k, v in self.selector) + "]"


@attrs.frozen
class Variant:
    """An indicator as a target evaluates it: restriction applied, indicators inlined."""

    indicator: Indicator
    restriction: Selector
    root: PlanNode
    """The formula tree: references to data items are ``SeriesRef``s; other indicators are
    inlined as their formula times their factor."""
    criteria: tuple[Series, ...] = ()
    """For score rules: the series of each criterion."""

    @property
    def key(self) -> tuple[str, Selector]:
        """Identifies the variant."""
        return (self.indicator.id, self.restriction)

    def series(self) -> tuple[Series, ...]:
        """Every series the variant reads, in order of first use, criteria included."""
        seen: dict[Series, None] = {}
        for node in _walk(self.root):
            if isinstance(node, SeriesRef):
                seen.setdefault(node.series)
        for series in self.criteria:
            seen.setdefault(series)
        return tuple(seen)


@attrs.frozen
class SeriesRef:
    """A reference to a series inside a plan tree."""

    series: Series
    text: str
    """How the formula wrote it."""


@attrs.frozen
class PlanShare:
    """``share(condition, among=..., level=...)`` with series references."""

    condition: PlanNode
    among: PlanNode | None
    level: str


@attrs.frozen
class PlanOp:
    """An operator or function over plan nodes (mirrors the formula tree)."""

    kind: str
    """``+ - * /``, ``neg``, a comparison, ``and``, ``or``, ``not``, ``min``, ``max``."""
    operands: tuple[PlanNode, ...]
    text: str = ""
    """For divisions: the denominator as written (for "zero denominator" reasons)."""


PlanNode = Number | SeriesRef | PlanShare | PlanOp


def _walk(node: PlanNode) -> Iterator[PlanNode]:
    yield node
    if isinstance(node, PlanOp):
        for operand in node.operands:
            yield from _walk(operand)
    elif isinstance(node, PlanShare):
        yield from _walk(node.condition)
        if node.among is not None:
            yield from _walk(node.among)


def _text(formula: Formula, node: Node) -> str:
    """Best-effort source text of a sub-expression (for messages)."""
    if isinstance(node, Reference):
        if node.selector:
            return node.name + "[" + ", ".join(f"{k}={v}" for k, v in node.selector) + "]"
        return node.name
    if isinstance(node, Number):
        return str(node.value)
    return formula.text


def plan_variant(spec: Spec, indicator: Indicator, restriction: Selector) -> Variant:
    """Inline an indicator's formula for a restriction."""
    items = {d.id: d for d in spec.data_items}
    indicators = {i.id: i for i in spec.indicators}

    def series_for(ref: Reference) -> Series:
        item: DataItem = items[ref.name]
        selector = dict(ref.selector)
        for key, value in restriction:
            if key in item.breakdowns and key not in selector:
                selector[key] = value
        return Series(ref.name, tuple(sorted(selector.items())))

    def convert(node: Node | str, formula: Formula) -> PlanNode:
        assert not isinstance(node, str)
        if isinstance(node, Number):
            return node
        if isinstance(node, Reference):
            if node.name in items:
                return SeriesRef(series_for(node), _text(formula, node))
            other = indicators[node.name]
            inner = convert(other.formula.root, other.formula)
            return PlanOp(kind="*", operands=(inner, Number(value=other.factor, offset=0)))
        if isinstance(node, Negate):
            return PlanOp(kind="neg", operands=(convert(node.operand, formula),))
        if isinstance(node, BinaryOp):
            return PlanOp(
                kind=node.op,
                operands=(convert(node.left, formula), convert(node.right, formula)),
                text=_text(formula, node.right) if node.op == "/" else "",
            )
        if isinstance(node, Compare):
            return PlanOp(
                kind=node.op, operands=(convert(node.left, formula), convert(node.right, formula))
            )
        if isinstance(node, BoolOp):
            return PlanOp(kind=node.op, operands=tuple(convert(o, formula) for o in node.operands))
        if isinstance(node, Not):
            return PlanOp(kind="not", operands=(convert(node.operand, formula),))
        assert isinstance(node, Call)
        if node.function in ("min", "max"):
            return PlanOp(
                kind=node.function, operands=tuple(convert(a, formula) for a in node.args)
            )
        kwargs = dict(node.kwargs)
        among = kwargs.get("among")
        level = kwargs["level"]
        assert isinstance(level, str)
        return PlanShare(
            condition=convert(node.args[0], formula),
            among=convert(among, formula) if among is not None else None,
            level=level,
        )

    root = convert(indicator.formula.root, indicator.formula)
    criteria = tuple(series_for(Reference(name=c, offset=0)) for c in indicator.criteria)
    return Variant(indicator=indicator, restriction=restriction, root=root, criteria=criteria)


def variants_for(spec: Spec, targets: tuple[Target, ...]) -> dict[tuple[str, Selector], Variant]:
    """The variants the targets need, by key."""
    result: dict[tuple[str, Selector], Variant] = {}
    for target in targets:
        key = (target.indicator, target.breakdown)
        if key not in result:
            result[key] = plan_variant(spec, spec.indicator(target.indicator), target.breakdown)
    return result
