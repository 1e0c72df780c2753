"""Plans: what each target computes, in terms of series of data, planned once per indicator.

A **series** is one data item restricted to breakdown values (``literate[sex=female]``, or the
total ``literate``). A **scope** is the list of series a computation reads (its *slots*) and the
shares it counts. A **variant** is an indicator as a target evaluates it: the target's breakdown
applied, every indicator it uses inlined (times its unit factor), and operands of sums and
comparisons converted to one unit, so that its tree reads slots and shares only.

```text
Variant ── scope: Scope ── series: (Series, ...)      the slots, rolled up the org-unit tree
   │                   └── shares: (Share, ...)       share(): a condition over member org units
   └── root: Node  (Num | Slot | ShareOf | Op)
```
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import attrs

from bdg_indicators import units as units_mod
from bdg_indicators.formulas import (
    BinaryOp,
    BoolOp,
    Call,
    Compare,
    Formula,
    Negate,
    Not,
    Number,
    Reference,
)
from bdg_indicators.formulas import Node as FormulaNode
from bdg_indicators.rules.bounds import merge_signs, operand_signs
from bdg_indicators.rules.milestones import TimeBehaviour
from bdg_indicators.spec import Aggregation, DataItem, Indicator, Spec, Target

__all__ = [
    "Node",
    "Num",
    "Op",
    "Scope",
    "Series",
    "Share",
    "ShareOf",
    "Slot",
    "Variant",
    "monotonic",
    "plan",
]

Selector = tuple[tuple[str, str], ...]


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
class Num:
    """A constant (a number of the formula, a unit factor)."""

    value: Fraction


@attrs.frozen
class Slot:
    """The value of the scope's series number ``index``."""

    index: int


@attrs.frozen
class ShareOf:
    """The value of the scope's share number ``index``."""

    index: int


@attrs.frozen
class Op:
    """An operation: ``+ - * /``, ``neg``, ``min``, ``max``, a comparison (``< <= > >= == !=``),
    ``and``, ``or``, ``not``."""

    kind: str
    operands: tuple[Node, ...]
    text: str = ""
    """For ``/``: the denominator as written (for "zero denominator" reasons)."""


Node = Num | Slot | ShareOf | Op

_CONDITIONS = frozenset({"<", "<=", ">", ">=", "==", "!=", "and", "or", "not"})


def is_condition(node: Node) -> bool:
    """Whether the node gives yes/no rather than a number."""
    return isinstance(node, Op) and node.kind in _CONDITIONS


@attrs.frozen
class Share:
    """``share(condition, among=..., level=...)``: the share of org units of ``level`` below
    (and including) the org unit evaluated that meet ``condition``, among those meeting
    ``among``, both evaluated at each member over ``scope``."""

    scope: Scope
    condition: Node
    among: Node | None
    level: str
    text: str


@attrs.frozen
class Scope:
    """What a computation reads: series (its slots) and shares."""

    series: tuple[Series, ...]
    shares: tuple[Share, ...] = ()


@attrs.frozen
class Variant:
    """An indicator as a target evaluates it."""

    indicator: Indicator
    restriction: Selector
    scope: Scope
    root: Node
    criteria: tuple[int, ...] = ()
    """For score rules: the slots of the criteria."""
    behaviour: TimeBehaviour = TimeBehaviour.STOCK
    """How the value relates to the length of its period."""

    @property
    def key(self) -> tuple[str, Selector]:
        """Identifies the variant."""
        return (self.indicator.id, self.restriction)

    @property
    def boolean(self) -> bool:
        """Whether the indicator is yes/no."""
        return self.indicator.unit == "boolean"


def walk(node: Node) -> Iterator[Node]:
    """The node and every node below it (shares are not entered)."""
    yield node
    if isinstance(node, Op):
        for operand in node.operands:
            yield from walk(operand)


@attrs.define
class _Builder:
    """Turns formula trees into plan trees for one scope."""

    spec: Spec
    restriction: Selector
    series: dict[Series, int] = attrs.Factory(dict)
    shares: list[Share] = attrs.Factory(list)

    def scope(self) -> Scope:
        return Scope(series=tuple(self.series), shares=tuple(self.shares))

    def slot(self, ref: Reference) -> Slot:
        item: DataItem = self.spec.data_item(ref.name)
        selector = dict(ref.selector)
        for key, value in self.restriction:
            if key in item.breakdowns and key not in selector:
                selector[key] = value
        series = Series(ref.name, tuple(sorted(selector.items())))
        return Slot(self.series.setdefault(series, len(self.series)))

    def convert(self, node: FormulaNode | str, formula: Formula) -> tuple[Node, units_mod.UnitInfo]:
        """The plan node and its unit."""
        assert not isinstance(node, str)
        if isinstance(node, Number):
            return Num(node.value), units_mod.ONE
        if isinstance(node, Reference):
            return self.reference(node)
        if isinstance(node, Negate):
            inner, unit = self.convert(node.operand, formula)
            return Op("neg", (inner,)), unit
        if isinstance(node, BinaryOp):
            return self.binary(node, formula)
        if isinstance(node, Compare):
            (left, right), _ = self.same_unit((node.left, node.right), formula)
            return Op(node.op, (left, right)), units_mod.ONE
        if isinstance(node, BoolOp):
            operands = tuple(self.convert(o, formula)[0] for o in node.operands)
            return Op(node.op, operands), units_mod.ONE
        if isinstance(node, Not):
            return Op("not", (self.convert(node.operand, formula)[0],)), units_mod.ONE
        assert isinstance(node, Call)
        if node.function in ("min", "max"):
            operands, unit = self.same_unit(node.args, formula)
            return Op(node.function, operands), unit
        return self.share(node, formula), units_mod.ONE

    def reference(self, node: Reference) -> tuple[Node, units_mod.UnitInfo]:
        if node.name in {d.id for d in self.spec.data_items}:
            item = self.spec.data_item(node.name)
            return self.slot(node), units_mod.unit_info(item.unit)
        other = self.spec.indicator(node.name)
        inner, _ = self.convert(other.formula.root, other.formula)
        if other.unit == "boolean":
            return inner, units_mod.ONE
        unit = units_mod.unit_info(other.unit)
        return _times(inner, other.factor), unit

    def binary(self, node: BinaryOp, formula: Formula) -> tuple[Node, units_mod.UnitInfo]:
        if node.op in "+-":
            (left, right), unit = self.same_unit((node.left, node.right), formula)
            return Op(node.op, (left, right)), unit
        left, left_unit = self.convert(node.left, formula)
        right, right_unit = self.convert(node.right, formula)
        if node.op == "*":
            return Op("*", (left, right)), left_unit * right_unit
        return Op("/", (left, right), _text(node.right)), left_unit / right_unit

    def same_unit(
        self, nodes: tuple[FormulaNode | str, ...], formula: Formula
    ) -> tuple[tuple[Node, ...], units_mod.UnitInfo]:
        """Operands of a sum, comparison, ``min`` or ``max`` in the first operand's unit (bare
        numbers take the unit of the others)."""
        converted = [self.convert(n, formula) for n in nodes]
        literal = [_is_literal(n) for n in nodes]
        units = [u for (_, u), lit in zip(converted, literal, strict=True) if not lit]
        if not units:
            return tuple(n for n, _ in converted), units_mod.ONE
        target = units[0]
        result = []
        for (plan_node, unit), lit in zip(converted, literal, strict=True):
            factor = Fraction(1) if lit else units_mod.factor_between(unit, target)
            result.append(_times(plan_node, factor))
        return tuple(result), target

    def share(self, node: Call, formula: Formula) -> Node:
        inner = _Builder(spec=self.spec, restriction=self.restriction)
        condition, _ = inner.convert(node.args[0], formula)
        kwargs = dict(node.kwargs)
        among_node = kwargs.get("among")
        among = inner.convert(among_node, formula)[0] if among_node is not None else None
        level = kwargs["level"]
        assert isinstance(level, str)
        share = Share(
            scope=inner.scope(), condition=condition, among=among, level=level, text=formula.text
        )
        if share not in self.shares:
            self.shares.append(share)
        return ShareOf(self.shares.index(share))


def _is_literal(node: FormulaNode | str) -> bool:
    if isinstance(node, Negate):
        return _is_literal(node.operand)
    return isinstance(node, Number)


def _times(node: Node, factor: Fraction) -> Node:
    if factor == 1:
        return node
    if isinstance(node, Num):
        return Num(node.value * factor)
    return Op("*", (node, Num(factor)))


def _text(node: FormulaNode | str) -> str:
    if isinstance(node, Reference):
        if node.selector:
            return node.name + "[" + ", ".join(f"{k}={v}" for k, v in node.selector) + "]"
        return node.name
    if isinstance(node, Number):
        return str(node.value)
    return "(…)"


def _degree(node: Node, scope: Scope, spec: Spec) -> int | None:
    """How the node's value grows with the length of the period: 1 for a flow, 0 for a stock or
    a rate; ``None`` when flows and stocks are mixed in a sum."""
    if isinstance(node, Num | ShareOf) or is_condition(node):
        return 0
    if isinstance(node, Slot):
        item = spec.data_item(scope.series[node.index].item)
        return 1 if item.aggregation is Aggregation.SUM else 0
    degrees = [_degree(o, scope, spec) for o in node.operands if not isinstance(o, Num)]
    if any(d is None for d in degrees):
        return None
    if node.kind == "*":
        return sum(d for d in degrees if d is not None)
    if node.kind == "/" and len(node.operands) == 2:
        left = _degree(node.operands[0], scope, spec)
        right = _degree(node.operands[1], scope, spec)
        return None if left is None or right is None else left - right
    return degrees[0] if degrees and len(set(degrees)) == 1 else (0 if not degrees else None)


def behaviour(root: Node, scope: Scope, spec: Spec) -> TimeBehaviour:
    """Stock, rate or flow: see [`TimeBehaviour`][bdg_indicators.rules.milestones.TimeBehaviour].

    A share behaves as the condition it counts: counting communes where a rate of flows meets a
    threshold is a rate, where a count of cases does, a flow."""
    inner = [behaviour(sh.condition, sh.scope, spec) for sh in scope.shares]
    if TimeBehaviour.FLOW in inner:
        return TimeBehaviour.FLOW
    flows = TimeBehaviour.RATE in inner or any(
        spec.data_item(s.item).aggregation is Aggregation.SUM for s in scope.series
    )
    if not flows:
        return TimeBehaviour.STOCK
    return TimeBehaviour.RATE if _degree(root, scope, spec) == 0 else TimeBehaviour.FLOW


Signs = dict[tuple[str, int], int]
"""The sign of a value in each input it reads: (``"slot"`` or ``"share"``, index) → +1, −1, 0."""


def _nonnegative(node: Node, scope: Scope, spec: Spec) -> bool:
    """Whether the node's value is never negative: counts (which reading keeps non-negative),
    shares, yes/no, and sums, products, quotients, minima and maxima of such."""
    if isinstance(node, Num):
        return node.value >= 0
    if isinstance(node, Slot):
        unit = spec.data_item(scope.series[node.index].item).unit
        return units_mod.dimension_of(unit) == (("[count]", 1),)
    if isinstance(node, ShareOf) or is_condition(node):
        return True
    if node.kind in ("-", "neg"):
        return False
    return all(_nonnegative(o, scope, spec) for o in node.operands)


def monotonic(root: Node, scope: Scope, spec: Spec) -> Signs:
    """How the value of ``root`` moves with each slot and share it reads, by the rule of
    [`operand_signs`][bdg_indicators.rules.bounds.operand_signs]; found once per variant."""
    if isinstance(root, Num):
        return {}
    if isinstance(root, Slot):
        return {("slot", root.index): 1}
    if isinstance(root, ShareOf):
        return {("share", root.index): 1}
    nonnegative = [_nonnegative(o, scope, spec) for o in root.operands]
    constants = [o.value if isinstance(o, Num) else None for o in root.operands]
    outer = operand_signs(root.kind, nonnegative, constants)
    found: dict[tuple[str, int], int | None] = {}
    for sign, operand in zip(outer, root.operands, strict=True):
        for key, inner in monotonic(operand, scope, spec).items():
            found[key] = merge_signs(found.get(key), sign * inner)
    return {key: sign for key, sign in found.items() if sign is not None}


def plan(spec: Spec, target: Target) -> Variant:
    """The variant a target evaluates."""
    indicator = spec.indicator(target.indicator)
    builder = _Builder(spec=spec, restriction=target.breakdown)
    root, _ = builder.convert(indicator.formula.root, indicator.formula)
    criteria = tuple(builder.slot(Reference(name=c, offset=0)).index for c in indicator.criteria)
    scope = builder.scope()
    return Variant(
        indicator=indicator,
        restriction=target.breakdown,
        scope=scope,
        root=root,
        criteria=criteria,
        behaviour=behaviour(root, scope, spec),
    )
