"""An independent, slow and obviously correct oracle for ``bdg.evaluate``.

Written from the rules of evaluation alone (never from the engine's code): every value is an exact
[`Fraction`][fractions.Fraction], every org unit, period and series is computed one at a time with
plain dictionaries, and the Open SDG growth figures, which involve irrational roots, are decided
with 100-digit decimals. ``Oracle(spec, rows, tree, ...).rows()`` gives, for every target, org unit
and period, the columns the engine's result table must hold.
"""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bdg_indicators import formulas as fm
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.periods import Period, PeriodKind, parse_period
from bdg_indicators.spec import (
    Aggregation,
    Better,
    Change,
    ChangeKind,
    Comparison,
    ComparisonOp,
    Coverage,
    Direction,
    Indicator,
    Milestone,
    Spec,
    Target,
    Threshold,
    ValueKind,
    When,
    WhenKind,
)
from bdg_indicators.units import ONE, UnitInfo, dimension_of, unit_info

__all__ = ["OneOf", "Oracle", "Series"]

PRECISION = 100
"""Decimal digits for the growth figures of the Open SDG methods."""
TIE = Decimal("1e-70")
"""Differences smaller than this are exact ties (rational cases computed to 100 digits)."""
UP, DOWN, EITHER = 1, 2, 3
"""A figure's bound: the true value may be above it, below it, or either."""
BOUND_CODES = {UP: "above", DOWN: "below", EITHER: "about"}
FINER = {
    PeriodKind.YEAR: (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH),
    PeriodKind.HALF: (PeriodKind.QUARTER, PeriodKind.MONTH),
}
"""The kinds of part a year or half-year can be built from, coarsest first."""


@dataclasses.dataclass(frozen=True)
class OneOf:
    """An expected column for which several values are accepted."""

    options: tuple[Any, ...]


# ---------------------------------------------------------------- series and expressions


@dataclasses.dataclass(frozen=True)
class Series:
    """A data item restricted to breakdown values (``()``: the total row)."""

    item: str
    selector: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if not self.selector:
            return self.item
        return self.item + "[" + ",".join(f"{k}={v}" for k, v in self.selector) + "]"


@dataclasses.dataclass(frozen=True)
class Lit:
    """A number."""

    value: Fraction


@dataclasses.dataclass(frozen=True)
class Ser:
    """A series' value; a yes/no series is a condition (true when not 0)."""

    series: Series
    boolean: bool


@dataclasses.dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Expr


@dataclasses.dataclass(frozen=True)
class Scale:
    """A value times an exact unit factor."""

    operand: Expr
    factor: Fraction


@dataclasses.dataclass(frozen=True)
class Arith:
    """``+ - * /``; ``subject`` names the denominator of a division."""

    op: str
    left: Expr
    right: Expr
    subject: str = ""


@dataclasses.dataclass(frozen=True)
class Cmp:
    """A comparison."""

    op: str
    left: Expr
    right: Expr


@dataclasses.dataclass(frozen=True)
class Logic:
    """``and`` / ``or`` (Kleene)."""

    op: str
    operands: tuple[Expr, ...]


@dataclasses.dataclass(frozen=True)
class Inv:
    """``not`` (Kleene)."""

    operand: Expr


@dataclasses.dataclass(frozen=True)
class Extreme:
    """``min`` / ``max``."""

    function: str
    operands: tuple[Expr, ...]


@dataclasses.dataclass(frozen=True)
class ShareOf:
    """``share(condition, among=..., level=...)`` with its own scope."""

    condition: Expr
    among: Expr | None
    level: str
    scope: tuple[Series, ...]


Expr = Lit | Ser | Neg | Scale | Arith | Cmp | Logic | Inv | Extreme | ShareOf
Value = Fraction | bool | None


class ZeroDenominator(Exception):
    """A division by zero in a formula (outside shares)."""

    def __init__(self, subject: str) -> None:
        super().__init__(subject)
        self.subject = subject


def _is_literal(node: fm.Node | str) -> bool:
    if isinstance(node, fm.Negate):
        return _is_literal(node.operand)
    return isinstance(node, fm.Number)


def _written(node: fm.Node | str) -> str:
    if isinstance(node, fm.Reference):
        return str(Series(node.name, node.selector))
    return "(…)"


def _converted(expr: Expr, unit: UnitInfo | None, target: UnitInfo) -> Expr:
    if unit is None or unit.factor == target.factor:
        return expr
    return Scale(expr, unit.factor / target.factor)


class Compiler:
    """Turns an indicator's formula into an oracle expression: inlined indicators, breakdown
    restrictions and exact unit conversions."""

    def __init__(self, spec: Spec, breakdown: Mapping[str, str]) -> None:
        self.spec = spec
        self.breakdown = dict(breakdown)
        self.indicators = {i.id: i for i in spec.indicators}
        self.items = {i.id: i for i in spec.data_items}

    def indicator(self, indicator: Indicator) -> Expr:
        """The indicator's value: its formula times its factor (1 or 0 when yes/no)."""
        expr, unit = self.node(indicator.formula.root)
        if unit is None:
            return expr
        return Scale(expr, indicator.factor)

    def node(self, node: fm.Node | str) -> tuple[Expr, UnitInfo | None]:
        """The expression and unit of a formula node (``None``: a condition)."""
        assert not isinstance(node, str)
        if isinstance(node, fm.Number):
            return Lit(node.value), ONE
        if isinstance(node, fm.Reference):
            return self.reference(node)
        if isinstance(node, fm.Negate):
            expr, unit = self.node(node.operand)
            return Neg(expr), unit
        if isinstance(node, fm.BinaryOp):
            return self.binary(node)
        if isinstance(node, fm.Compare):
            left, right = self.aligned((node.left, node.right))[0]
            return Cmp(node.op, left, right), None
        if isinstance(node, fm.BoolOp):
            return Logic(node.op, tuple(self.node(o)[0] for o in node.operands)), None
        if isinstance(node, fm.Not):
            return Inv(self.node(node.operand)[0]), None
        assert isinstance(node, fm.Call)
        if node.function in ("min", "max"):
            operands, unit = self.aligned(node.args)
            return Extreme(node.function, tuple(operands)), unit
        return self.share(node), ONE

    def reference(self, node: fm.Reference) -> tuple[Expr, UnitInfo | None]:
        """A data item (restricted to the target's breakdown) or an inlined indicator."""
        if node.name in self.indicators:
            indicator = self.indicators[node.name]
            expr, unit = self.node(indicator.formula.root)
            if unit is None:
                return expr, None
            return Scale(expr, indicator.factor), unit_info(indicator.unit)
        item = self.items[node.name]
        pairs = dict(node.selector)
        for key, value in self.breakdown.items():
            if key in item.breakdowns and key not in pairs:
                pairs[key] = value
        series = Series(item.id, tuple(sorted(pairs.items())))
        if item.kind is ValueKind.BOOLEAN:
            return Ser(series, True), None
        return Ser(series, False), unit_info(item.unit)

    def binary(self, node: fm.BinaryOp) -> tuple[Expr, UnitInfo | None]:
        """Arithmetic; sums convert their operands to the first non-literal's unit."""
        if node.op in ("+", "-"):
            (left, right), unit = self.aligned((node.left, node.right))
            return Arith(node.op, left, right), unit
        left, lunit = self.node(node.left)
        right, runit = self.node(node.right)
        assert lunit is not None
        assert runit is not None
        if node.op == "*":
            return Arith("*", left, right), lunit * runit
        return Arith("/", left, right, _written(node.right)), lunit / runit

    def aligned(self, nodes: Sequence[fm.Node | str]) -> tuple[list[Expr], UnitInfo]:
        """Operands converted to the unit of the first non-literal one."""
        compiled = [self.node(n) for n in nodes]
        units = [
            u
            for n, (_, u) in zip(nodes, compiled, strict=True)
            if not _is_literal(n) and u is not None
        ]
        target = units[0] if units else ONE
        operands = [
            expr if _is_literal(n) else _converted(expr, unit, target)
            for n, (expr, unit) in zip(nodes, compiled, strict=True)
        ]
        return operands, target

    def share(self, node: fm.Call) -> ShareOf:
        """A share of org units, with the series of its condition and ``among`` as scope."""
        condition = self.node(node.args[0])[0]
        kwargs = dict(node.kwargs)
        among_node = kwargs.get("among")
        among = None if among_node is None else self.node(among_node)[0]
        level = kwargs["level"]
        assert isinstance(level, str)
        scope = _scope(condition) + (() if among is None else _scope(among))
        return ShareOf(condition, among, level, tuple(dict.fromkeys(scope)))


def _children_of(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Neg | Scale | Inv):
        return (expr.operand,)
    if isinstance(expr, Arith | Cmp):
        return (expr.left, expr.right)
    if isinstance(expr, Logic | Extreme):
        return expr.operands
    return ()


def _scope(expr: Expr) -> tuple[Series, ...]:
    """The series an expression reads, in order of first appearance, outside shares."""
    if isinstance(expr, Ser):
        return (expr.series,)
    found: list[Series] = []
    for child in _children_of(expr):
        found.extend(_scope(child))
    return tuple(dict.fromkeys(found))


def _shares(expr: Expr) -> tuple[ShareOf, ...]:
    """The shares of an expression, in evaluation order."""
    if isinstance(expr, ShareOf):
        return (expr,)
    return tuple(s for child in _children_of(expr) for s in _shares(child))


# ---------------------------------------------------------------- exact evaluation


def _kleene(op: str, values: Sequence[Value]) -> Value:
    if op == "and":
        if any(v is False for v in values):
            return False
        return None if any(v is None for v in values) else True
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


COMPARE: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def evaluate(
    expr: Expr,
    values: Mapping[Series, Fraction],
    share: Callable[[ShareOf], Fraction],
    *,
    strict: bool,
) -> Value:
    """The exact value of an expression: a number, a condition, or ``None`` (unknown).

    ``strict``: a zero denominator raises ``ZeroDenominator``; otherwise it is unknown.
    """

    def ev(e: Expr) -> Value:
        return evaluate(e, values, share, strict=strict)

    if isinstance(expr, Lit):
        return expr.value
    if isinstance(expr, Ser):
        value = values[expr.series]
        return value != 0 if expr.boolean else value
    if isinstance(expr, ShareOf):
        return share(expr)
    if isinstance(expr, Logic):
        return _kleene(expr.op, [ev(o) for o in expr.operands])
    if isinstance(expr, Inv):
        inner = ev(expr.operand)
        return None if inner is None else not inner
    operands = [ev(c) for c in _children_of(expr)]
    if any(o is None for o in operands):
        return None
    numbers = [o for o in operands if isinstance(o, Fraction)]
    assert len(numbers) == len(operands)
    if isinstance(expr, Neg):
        return -numbers[0]
    if isinstance(expr, Scale):
        return numbers[0] * expr.factor
    if isinstance(expr, Cmp):
        return COMPARE[expr.op](numbers[0], numbers[1])
    if isinstance(expr, Extreme):
        return min(numbers) if expr.function == "min" else max(numbers)
    assert isinstance(expr, Arith)
    left, right = numbers
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    if right == 0:
        if strict:
            raise ZeroDenominator(expr.subject)
        return None
    return left / right


# ---------------------------------------------------------------- time behaviour

STOCK, RATE, FLOW = "stock", "rate", "flow"
MIXED = None


class Behaviour:
    """Whether an indicator behaves as a stock, a rate or a flow over time."""

    def __init__(self, spec: Spec) -> None:
        self.indicators = {i.id: i for i in spec.indicators}
        self.items = {i.id: i for i in spec.data_items}
        self.sums = 0

    def of(self, indicator: Indicator) -> str:
        """STOCK, RATE or FLOW."""
        self.sums = 0
        degree = self.degree(indicator.formula.root)
        if self.sums == 0:
            return STOCK
        return RATE if degree == 0 else FLOW

    def degree(self, node: fm.Node | str) -> int | None:
        """Degree of a formula node: per-period sums count 1; ``None`` is mixed."""
        assert not isinstance(node, str)
        if isinstance(node, fm.Number):
            return 0
        if isinstance(node, fm.Reference):
            if node.name in self.indicators:
                return self.degree(self.indicators[node.name].formula.root)
            if self.items[node.name].aggregation is Aggregation.SUM:
                self.sums += 1
                return 1
            return 0
        if isinstance(node, fm.Negate):
            return self.degree(node.operand)
        if isinstance(node, fm.BinaryOp):
            left, right = self.degree(node.left), self.degree(node.right)
            if node.op in ("+", "-"):
                return self.equal([(node.left, left), (node.right, right)])
            if left is MIXED or right is MIXED:
                return MIXED
            return left + right if node.op == "*" else left - right
        if isinstance(node, fm.Compare):
            self.degree(node.left)
            self.degree(node.right)
            return 0
        if isinstance(node, fm.BoolOp):
            for operand in node.operands:
                self.degree(operand)
            return 0
        if isinstance(node, fm.Not):
            self.degree(node.operand)
            return 0
        assert isinstance(node, fm.Call)
        if node.function == "share":  # degree 0, but its series count ("no sum series at all")
            for argument in (*node.args, *(v for _, v in node.kwargs)):
                if not isinstance(argument, str):
                    self.degree(argument)
            return 0
        return self.equal([(a, self.degree(a)) for a in node.args])

    @staticmethod
    def equal(operands: Sequence[tuple[fm.Node | str, int | None]]) -> int | None:
        """The common degree of the non-number operands, or mixed."""
        degrees = {d for n, d in operands if not _is_literal(n)}
        if MIXED in degrees or len(degrees) > 1:
            return MIXED
        return degrees.pop() if degrees else 0


# ---------------------------------------------------------------- results per scope


@dataclasses.dataclass(frozen=True)
class ScopeValue:
    """The values of every series of a scope at one org unit and period."""

    values: Mapping[Series, Fraction]
    how: str
    """``reported``, ``derived`` or ``summed``."""
    used: int
    bounds: Mapping[Series, int] = dataclasses.field(default_factory=dict)
    """Each series' bound (missing: exact)."""


@dataclasses.dataclass(frozen=True)
class Outcome:
    """A variant's value at one org unit and period, or why there is none."""

    value: Fraction | None
    reason: str | None = None
    subject: str | None = None
    partial: bool = False
    used: Any = 0
    expected: Any = 0
    value_from: Any = "missing"
    bound: int = 0
    """The value's bound (UP, DOWN, EITHER; 0 exact)."""
    criteria_bound: int = 0
    """Whether a criterion of a score rule is a bound."""
    most: Fraction | None = None
    """For an indicator that is one share with unknown members: the most it can be (they all
    meeting the condition); the value is the least."""


@dataclasses.dataclass(frozen=True)
class Variant:
    """A target's indicator restricted to its breakdown, compiled."""

    indicator: Indicator
    expr: Expr
    scope: tuple[Series, ...]
    behaviour: str
    yes_no: bool
    share_only: bool

    @property
    def every_series(self) -> tuple[Series, ...]:
        """The series of the scope and of every share."""
        inside = [s for share in _shares(self.expr) for s in share.scope]
        return tuple(dict.fromkeys([*self.scope, *inside]))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Status and reason of a row, with what decided it."""

    status: str
    reason: str | None = None
    subject: str | None = None
    milestone: int | None = None
    due: bool | None = None
    goal: Fraction | None = None
    governing: int | None = None
    """The milestone chosen for the period, even when it is not applicable there."""


def _power(x: Fraction, exponent: Fraction) -> Decimal:
    """x ** exponent for x ≥ 0, to PRECISION digits."""
    if x == 0:
        return Decimal(0)
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        return _dec(x) ** _dec(exponent)


def _dec(q: Fraction) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(q.numerator) / Decimal(q.denominator)


def _at_least(a: Decimal, b: Decimal) -> bool:
    """a ≥ b, counting differences below TIE as ties."""
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        return a - b >= -TIE


def _sign(q: Fraction) -> int:
    return (q > 0) - (q < 0)


def _months_end(period: Period) -> int:
    return period.last + 1


class Oracle:
    """Expected result rows for one evaluation, computed one case at a time."""

    def __init__(
        self,
        spec: Spec,
        rows: Iterable[tuple[Any, ...]],
        tree: OrgUnitTree | None,
        *,
        method: str = "linear",
        base: str | None = None,
    ) -> None:
        self.spec = spec
        self.tree = tree
        self.method = method
        self.base = None if base is None else parse_period(base)
        self.items = {i.id: i for i in spec.data_items}
        self.data: dict[tuple[str, Period, Series], Fraction] = {}
        self.bounds: dict[tuple[str, Period, Series], int] = {}
        for row in rows:  # (org unit, period, item, selector, value[, bound])
            unit, period, item, selector, value = row[:5]
            key = (unit, parse_period(period), Series(item, selector))
            self.data[key] = Fraction(value)
            if len(row) > 5 and row[5]:
                self.bounds[key] = row[5]
        if tree is not None:
            self.units = [u.code for u in tree]
        else:
            self.units = list(dict.fromkeys(u for u, _, _ in self.data))
        self.periods = self.catalogue()
        self._scope_cache: dict[tuple[str, Period, tuple[Series, ...]], ScopeValue | None] = {}
        self._expected_cache: dict[tuple[str, tuple[Series, ...]], int] = {}
        self._outcomes: dict[tuple[int, str, Period], Outcome] = {}
        self._counts: dict[tuple[int, str, str], tuple[int, int, int]] = {}
        self._variants: dict[tuple[str, tuple[tuple[str, str], ...]], Variant] = {}

    # ------------------------------------------------------------ periods

    def catalogue(self) -> list[Period]:
        """Periods with observations, and years and half-years built from parts."""
        periods = {p for _, p, _ in self.data}
        for unit, period, series in list(self.data):
            for kind in (PeriodKind.YEAR, PeriodKind.HALF):
                for whole in _enclosing(period, kind):
                    built = self.own(unit, whole, series)
                    if built is not None and built[1]:
                        periods.add(whole)
        return sorted(periods)

    # ------------------------------------------------------------ values per series and scope

    def own(self, unit: str, period: Period, series: Series) -> tuple[Fraction, bool] | None:
        """The unit's own value of a series (and whether it was built from parts)."""
        found = self.data.get((unit, period, series))
        if found is not None:
            return found, False
        aggregation = self.items[series.item].aggregation
        if aggregation is Aggregation.NONE:
            return None
        for kind in FINER.get(period.kind, ()):
            parts = [self.data.get((unit, part, series)) for part in period.subperiods(kind)]
            if aggregation is Aggregation.SUM and all(v is not None for v in parts):
                return sum((v for v in parts if v is not None), Fraction(0)), True
            if aggregation is Aggregation.STOCK and parts[-1] is not None:
                return parts[-1], True
        return None

    def own_bound(self, unit: str, period: Period, series: Series) -> int:
        """The bound of the unit's own value of a series: its row's; made of parts, the bounds
        of the parts summed taken together, or the last part's for a stock."""
        if (unit, period, series) in self.data:
            return self.bounds.get((unit, period, series), 0)
        aggregation = self.items[series.item].aggregation
        for kind in FINER.get(period.kind, ()):
            parts = list(period.subperiods(kind))
            present = [(unit, part, series) in self.data for part in parts]
            if aggregation is Aggregation.SUM and all(present):
                found = 0
                for part in parts:
                    found |= self.bounds.get((unit, part, series), 0)
                return found
            if aggregation is Aggregation.STOCK and present[-1]:
                return self.bounds.get((unit, parts[-1], series), 0)
        return 0

    def children(self, unit: str) -> list[str]:
        """The codes of the unit's children in the tree."""
        if self.tree is None or unit not in self.tree:
            return []
        return [c.code for c in self.tree.children(unit)]

    def level(self, unit: str) -> str | None:
        """The unit's level, if the tree knows it."""
        if self.tree is None or unit not in self.tree:
            return None
        return self.tree[unit].level

    def expected(self, unit: str, scope: tuple[Series, ...]) -> int:
        """How many org units a complete value at ``unit`` covers."""
        if self.tree is None:
            return 1
        key = (unit, scope)
        if key not in self._expected_cache:
            levels = {self.level(u) for u, _, s in self.data if s in scope}
            below = sum(self.expected(c, scope) for c in self.children(unit))
            self._expected_cache[key] = below if below > 0 else int(self.level(unit) in levels)
        return self._expected_cache[key]

    def scope_value(
        self, unit: str, period: Period, scope: tuple[Series, ...]
    ) -> ScopeValue | None:
        """Own (or derived) values of every series, else the sum over complete children."""
        key = (unit, period, scope)
        if key not in self._scope_cache:
            self._scope_cache[key] = self._scope_value(unit, period, scope)
        return self._scope_cache[key]

    def _scope_value(
        self, unit: str, period: Period, scope: tuple[Series, ...]
    ) -> ScopeValue | None:
        own = [self.own(unit, period, s) for s in scope]
        if all(o is not None for o in own):
            values = {s: o[0] for s, o in zip(scope, own, strict=True) if o is not None}
            derived = any(o[1] for o in own if o is not None)
            how = "derived" if derived else "reported"
            bounds = {s: self.own_bound(unit, period, s) for s in scope}
            return ScopeValue(values, how, self.expected(unit, scope), bounds)
        summable = all(self.items[s.item].aggregation is not Aggregation.NONE for s in scope)
        if not summable:
            return None
        complete = [
            v for c in self.children(unit) if (v := self.scope_value(c, period, scope)) is not None
        ]
        if not complete:
            return None
        values = {s: sum((v.values[s] for v in complete), Fraction(0)) for s in scope}
        bounds = dict.fromkeys(scope, 0)
        for v in complete:  # a sum may be above (below) its figure if a part may be
            for s in scope:
                bounds[s] |= v.bounds.get(s, 0)
        return ScopeValue(values, "summed", sum(v.used for v in complete), bounds)

    def missing(self, unit: str, period: Period, scope: tuple[Series, ...]) -> tuple[str, str]:
        """The reason and subject for a scope without values."""
        for series in scope:
            if self.own(unit, period, series) is None:
                none = self.items[series.item].aggregation is Aggregation.NONE
                code = "not-summed" if none and self.children(unit) else "missing-series"
                return code, str(series)
        raise AssertionError("a scope without values lacks a series")  # pragma: no cover

    # ------------------------------------------------------------ variants and their values

    def variant(self, target: Target) -> Variant:
        """The target's indicator restricted to its breakdown."""
        key = (target.indicator, target.breakdown)
        if key not in self._variants:
            indicator = self.spec.indicator(target.indicator)
            expr = Compiler(self.spec, dict(target.breakdown)).indicator(indicator)
            yes_no = indicator.formula_unit == "boolean" or unit_info(indicator.unit).name in (
                "boolean",
            )
            root = indicator.formula.root
            share_only = isinstance(root, fm.Call) and root.function == "share"
            self._variants[key] = Variant(
                indicator=indicator,
                expr=expr,
                scope=_scope(expr),
                behaviour=Behaviour(self.spec).of(indicator),
                yes_no=yes_no,
                share_only=share_only,
            )
        return self._variants[key]

    def outcome(self, variant: Variant, unit: str, period: Period) -> Outcome:
        """The variant's value at an org unit and period (memoised)."""
        key = (id(variant), unit, period)
        if key not in self._outcomes:
            self._outcomes[key] = self._outcome(variant, unit, period)
        return self._outcomes[key]

    def _outcome(self, variant: Variant, unit: str, period: Period) -> Outcome:
        scope = variant.scope
        expected = self.expected(unit, scope)
        row = self.scope_value(unit, period, scope)
        if row is None:
            reason, subject = self.missing(unit, period, scope)
            return Outcome(None, reason, subject, expected=OneOf((expected, 0)))
        shares: dict[int, tuple[Fraction | None, str | None, str | None, int, int]] = {}
        for share in _shares(variant.expr):
            shares[id(share)] = self.share(share, unit, period)
        used, expected_now = row.used, expected
        how: Any = row.how
        if variant.share_only:
            _, _, _, used, expected_now = shares[id(_shares(variant.expr)[0])]
            level = _shares(variant.expr)[0].level
            how = "reported" if self.level(unit) == level else "summed"

        def nothing(reason: str | None, subject: str | None) -> Outcome:
            # no value although every series is there: coverage as computed, or 0
            used_or_0, expected_or_0 = OneOf((used, 0)), OneOf((expected_now, 0))
            return Outcome(
                None,
                reason,
                subject,
                used=used_or_0,
                expected=expected_or_0,
                value_from="missing" if variant.share_only else how,
            )

        for share_value, share_reason, share_subject, _, _ in shares.values():
            if share_value is None:
                return nothing(share_reason, share_subject)
        try:
            result = evaluate(
                variant.expr, row.values, lambda s: _share_value(shares[id(s)]), strict=True
            )
        except ZeroDenominator as zero:
            return nothing("zero-denominator", zero.subject)
        assert result is not None
        value = Fraction(int(result)) if isinstance(result, bool) else result
        partial = used < expected_now
        if partial and variant.indicator.coverage is Coverage.COMPLETE:
            return nothing("incomplete-coverage", f"{used}/{expected_now}")
        bound, criteria = self.value_bound(variant, row, unit, period)
        most = None
        if variant.share_only and bound == UP:
            (share,) = _shares(variant.expr)
            hits, counted, unknown = self._counts[(id(share), unit, str(period))]
            if unknown:
                top = Fraction(hits + unknown, counted)
                most = evaluate(variant.expr, row.values, lambda _: top, strict=True)
        return Outcome(value, None, None, partial, used, expected_now, how, bound, criteria, most)

    def value_bound(
        self, variant: Variant, row: ScopeValue, unit: str, period: Period
    ) -> tuple[int, int]:
        """The bound of a variant's value, and whether a criterion is a bound: each input's bound
        through the formula's sign in it (kept where the value increases with the input, turned
        over where it decreases, either way where the sign is unknown)."""
        signs = _signs(variant.expr, self.items)
        found = 0
        for series in variant.scope:
            bits = row.bounds.get(series, 0)
            if bits and series in signs:
                found |= _turned(bits, signs[series])
        for share in _shares(variant.expr):
            if self.share_bound(share, unit, period):
                found |= _turned(EITHER, signs.get(share, 0))
            _, _, _, known, members = self.share(share, unit, period)
            if 0 < known < members:  # unknown members counted as not meeting: a least value
                found |= _turned(UP, signs.get(share, 0))
        criteria = 0
        for criterion in variant.indicator.criteria:
            series = next(s for s in variant.scope if s.item == criterion)
            criteria |= row.bounds.get(series, 0)
        return found, criteria

    def share_bound(self, share: ShareOf, unit: str, period: Period) -> bool:
        """Whether some member a share decides reads a bound."""
        if self.tree is None:
            return False
        codes = [unit, *(u.code for u in self.tree.descendants(unit))]
        for member in (c for c in codes if self.level(c) == share.level):
            row = self.scope_value(member, period, share.scope)
            if row is None:
                continue
            written = (share.condition,) if share.among is None else (share.condition, share.among)
            if _zero_divisions(written, row.values):
                continue
            if any(row.bounds.get(s, 0) for s in share.scope):
                return True
        return False

    def share(
        self, share: ShareOf, unit: str, period: Period
    ) -> tuple[Fraction | None, str | None, str | None, int, int]:
        """(value, reason, subject, known, members) of a share at an org unit and period."""
        if self.tree is None:
            return None, "share-needs-tree", share.level, 0, 0
        codes = [unit, *(u.code for u in self.tree.descendants(unit))]
        members = [c for c in codes if self.level(c) == share.level]
        if not members:
            return None, "share-empty", share.level, 0, 0
        known = hits = among_true = 0
        unknown: list[tuple[int, str, str]] = []  # why each unknown member is unknown
        for member in members:
            row = self.scope_value(member, period, share.scope)
            if row is None:
                code, subject = self.missing(member, period, share.scope)
                index = [str(s) for s in share.scope].index(subject)
                unknown.append((index, "missing-series", subject))
                continue
            written = (share.condition,) if share.among is None else (share.condition, share.among)
            zeros = _zero_divisions(written, row.values)
            if zeros:  # unknown, even where an `or` or `and` would decide without it
                unknown.append((len(share.scope) + zeros[0][0], "zero-denominator", zeros[0][1]))
                continue
            among = (
                True
                if share.among is None
                else evaluate(share.among, row.values, _no_share, strict=False)
            )
            meets = evaluate(share.condition, row.values, _no_share, strict=False)
            if among is None:
                continue
            if among is False:
                known += 1
                continue
            if meets is None:
                continue
            known += 1
            among_true += 1
            hits += bool(meets)
        if known == 0:  # the first reason (series, then divisions as written) of any member
            _, code, subject = min(unknown)
            return None, code, subject, 0, len(members)
        # a member whose status is unknown stays in the denominator, as not meeting the condition
        counted = among_true + len(members) - known
        if counted == 0:
            return None, "share-empty", share.level, known, len(members)
        self._counts[(id(share), unit, str(period))] = (hits, counted, len(members) - known)
        return Fraction(hits, counted), None, None, known, len(members)

    # ------------------------------------------------------------ milestones and verdicts

    def choose(self, milestones: Sequence[Milestone], period: Period, behaviour: str) -> Any:
        """(index, due) of the milestone that governs the period, or ``None``."""
        for index, milestone in enumerate(milestones):
            if _covers(milestone.when, period, behaviour):
                return index, True
        ahead = [
            (_first_due(m.when), i)
            for i, m in enumerate(milestones)
            if _first_due(m.when).last >= period.last
        ]
        if not ahead:
            return None
        return min(ahead)[1], False

    def goal(
        self, variant: Variant, milestone: Milestone, unit: str, period: Period
    ) -> tuple[Fraction | None, str | None, str | None]:
        """The goal of a milestone at an org unit and period, or why there is none."""
        condition = milestone.condition
        if isinstance(condition, Change):
            base_period = _base_of(condition, period)
            base = self.outcome(variant, unit, base_period).value
            if base is None:
                return None, "base-missing", str(base_period)
            step = (
                condition.amount if condition.direction is Direction.INCREASE else -condition.amount
            )
            if condition.kind is ChangeKind.RELATIVE:
                return base * (1 + step), None, None
            return base + step, None, None
        low, reason, subject = self.threshold(condition.threshold, unit)
        if low is None:
            return None, reason, subject
        if condition.op is ComparisonOp.BETWEEN:
            assert condition.upper is not None
            high, reason, subject = self.threshold(condition.upper, unit)
            if high is None:
                return None, reason, subject
            return (low + high) / 2, None, None
        if condition.op is ComparisonOp.ABOUT and condition.welcome is not None:
            assert condition.tolerance is not None  # one-sided: the end that decides
            side = -1 if condition.welcome is Better.HIGHER else 1
            return low + side * condition.tolerance, None, None
        return low, None, None

    def threshold(
        self, threshold: Threshold, unit: str
    ) -> tuple[Fraction | None, str | None, str | None]:
        """A threshold's value at an org unit, or why there is none."""
        if threshold.attribute is None:
            value = threshold.value
        else:
            name = threshold.attribute
            if self.tree is None:
                return None, "attribute-unknown", name
            found = self.tree[unit].attribute(name) if unit in self.tree else None
            if found is None:
                return None, "attribute-missing", name
            value = threshold.for_attribute(found)
            if value is None:
                return None, "no-threshold", f"{name} = {found}"
        assert value is not None
        return Fraction(int(value)) if isinstance(value, bool) else value, None, None

    def met(self, milestone: Milestone, value: Fraction, unit: str) -> bool:
        """Whether a value meets a milestone's condition (its goal is known)."""
        condition = milestone.condition
        if isinstance(condition, Change):
            return False  # pragma: no cover - change milestones are judged on their goal
        low = self.threshold(condition.threshold, unit)[0]
        assert low is not None
        return _compare(condition, value, low, self.threshold_upper(condition, unit))

    def threshold_upper(self, condition: Comparison, unit: str) -> Fraction | None:
        """The upper bound of ``between``."""
        if condition.upper is None:
            return None
        return self.threshold(condition.upper, unit)[0]

    def failing_criterion(
        self, variant: Variant, milestone: Milestone, unit: str, period: Period
    ) -> str | None:
        """The first criterion series failing ``each_criterion``, if any."""
        each = milestone.each_criterion
        if each is None or not variant.indicator.criteria:
            return None
        row = self.scope_value(unit, period, variant.scope)
        assert row is not None
        limit = each.threshold.value
        assert isinstance(limit, Fraction)
        for criterion in variant.indicator.criteria:
            series = next(s for s in variant.scope if s.item == criterion)
            if not _compare(each, row.values[series], limit, None):
                return str(series)
        return None

    # ------------------------------------------------------------ rows

    def rows(self) -> dict[tuple[str, str, str], dict[str, Any]]:
        """Every expected result row, by (target, org unit, period)."""
        result: dict[tuple[str, str, str], dict[str, Any]] = {}
        for _, target in self.spec.targets():
            for unit in self.units:
                for period in self.periods:
                    result[(target.id, unit, str(period))] = self.row(target, unit, period)
        return result

    def row(self, target: Target, unit: str, period: Period) -> dict[str, Any]:
        """The expected columns of one result row."""
        variant = self.variant(target)
        outcome = self.outcome(variant, unit, period)
        value = outcome.value
        milestones = target.milestones_at(period)
        verdict = self.verdict(target, variant, outcome, unit, period)
        milestone = None if verdict.milestone is None else milestones[verdict.milestone]
        chosen = verdict.milestone if verdict.governing is None else verdict.governing
        governing = None if chosen is None else milestones[chosen]
        row: dict[str, Any] = {
            "target": target.id,
            "org_unit": unit,
            "period": str(period),
            "value": value,
            "status": verdict.status,
            "reason_code": verdict.reason,
            "reason_subject": verdict.subject,
            "partial": outcome.partial,
            "coverage_used": outcome.used,
            "coverage_expected": outcome.expected,
            "value_from": outcome.value_from,
            "due": verdict.due,
            "milestone": verdict.milestone,
            "threshold": verdict.goal,
            "bound": BOUND_CODES.get(outcome.bound) if value is not None else None,
        }
        row.update(self.progress(variant, verdict, milestone, unit, period, value))
        row.update(self.baseline_columns(variant, unit, period))
        row.update(self.changes(variant, governing, unit, period, value))
        if verdict.governing is not None and self.base is None:
            # a milestone chosen but not applicable: whether it "governs" the base is open
            without = self.changes(variant, None, unit, period, value)
            for column, other in without.items():
                if other != row[column]:
                    row[column] = OneOf((row[column], other))
        row.update(_attainment(milestone, verdict.goal, value))
        return row

    def verdict(
        self, target: Target, variant: Variant, outcome: Outcome, unit: str, period: Period
    ) -> Verdict:
        """The status ladder."""
        milestones = target.milestones_at(period)
        chosen = self.choose(milestones, period, variant.behaviour)
        if chosen is None:
            return Verdict("not_applicable", "no-milestone")
        index, due = chosen
        milestone = milestones[index]
        if variant.behaviour == FLOW:
            months = milestone.when.period.months if milestone.when.kind is WhenKind.BY else 12
            if period.months != months:
                return Verdict("not_applicable", "period-length", str(months), governing=index)
        condition = milestone.condition
        if (
            isinstance(condition, Change)
            and variant.behaviour == FLOW
            and _base_of(condition, period).months != period.months
        ):
            months = str(_base_of(condition, period).months)
            return Verdict("not_applicable", "period-length", months, governing=index)
        if isinstance(condition, Change) and period.last <= _base_of(condition, period).last:
            base_text = str(_base_of(condition, period))
            return Verdict("not_applicable", "base-period", base_text, governing=index)
        goal, goal_reason, goal_subject = self.goal(variant, milestone, unit, period)
        if outcome.value is None:
            return Verdict("no_data", outcome.reason, outcome.subject, index, due, goal)
        if goal is None:
            return Verdict("no_data", goal_reason, goal_subject, index, due)
        value = outcome.value
        open_bound = self.open_bound(variant, milestone, outcome, goal, unit, period, due)
        if open_bound is not None:
            return Verdict("no_data", "bound-undecided", open_bound, index, due, goal)
        if due:
            return self.judged(variant, milestone, outcome, goal, unit, period, index)
        if variant.yes_no:
            if self.settled(milestone, value, goal, unit, outcome.bound):
                return Verdict("on_track", None, None, index, False, goal)
            return Verdict("off_track", "not-yet", None, index, False, goal)
        on_track = self.progress_decision(variant, milestone, unit, period, value, goal)[0]
        return Verdict("on_track" if on_track else "off_track", None, None, index, False, goal)

    def open_bound(
        self,
        variant: Variant,
        milestone: Milestone,
        outcome: Outcome,
        goal: Fraction,
        unit: str,
        period: Period,
        due: bool,
    ) -> str | None:
        """What is a bound that leaves the verdict open (the value's direction, ``base``,
        ``baseline``), or ``None`` when nothing does."""
        value, bound = outcome.value, outcome.bound
        assert value is not None
        condition = milestone.condition
        base = 0
        if isinstance(condition, Change):
            base = self.outcome(variant, unit, _base_of(condition, period)).bound
        baseline = 0
        found = self.baseline(variant, unit, period)
        if found is not None:
            baseline = self.outcome(variant, unit, found[0]).bound

        def named() -> str:
            return BOUND_CODES[bound] if bound else "base" if base else "baseline"

        if not due and not variant.yes_no:  # progress: any bound leaves it open
            return named() if bound or base or baseline else None
        if isinstance(condition, Change):
            return named() if bound or base else None
        met = self.settled(milestone, value, goal, unit, bound, outcome.most)
        if met is None:
            return named()
        if due and met and milestone.each_criterion is not None and outcome.criteria_bound:
            return named()
        return None

    def settled(
        self,
        milestone: Milestone,
        value: Fraction,
        goal: Fraction,
        unit: str,
        bound: int,
        most: Fraction | None = None,
    ) -> bool | None:
        """Whether the true value meets the milestone, when the figure is ``value`` with
        ``bound``: tried at every point where the answer may change (the thresholds, just
        around them, far beyond) that the bound allows; ``None`` when the points disagree."""
        if not bound:
            return self.meets_goal(milestone, value, goal, unit)
        condition = milestone.condition
        assert isinstance(condition, Comparison)
        ends = [self.threshold(condition.threshold, unit)[0]]
        if condition.upper is not None:
            ends.append(self.threshold_upper(condition, unit))
        if condition.tolerance is not None:
            ends += [e + d for e in list(ends) for d in (-condition.tolerance, condition.tolerance)]
        known = [e for e in ends if e is not None] + [value] + ([most] if most is not None else [])
        gaps = [abs(a - b) for a in known for b in known if a != b]
        step = min(gaps) / 3 if gaps else Fraction(1)
        far = 1 + sum(abs(k) for k in known)
        points = [k + d for k in known for d in (-step, Fraction(0), step)] + [-far, far]
        allowed = [x for x in points if (x >= value or bound & DOWN) and (x <= value or bound & UP)]
        if most is not None:  # a share with unknown members: between its least and its most
            allowed = [x for x in allowed if x <= most]
        answers = {self.met(milestone, x, unit) for x in allowed}
        return answers.pop() if len(answers) == 1 else None

    def judged(
        self,
        variant: Variant,
        milestone: Milestone,
        outcome: Outcome,
        goal: Fraction,
        unit: str,
        period: Period,
        index: int,
    ) -> Verdict:
        """A due milestone: achieved or not (with the failing criterion)."""
        value = outcome.value
        assert value is not None
        if not self.settled(milestone, value, goal, unit, outcome.bound, outcome.most):
            return Verdict("not_achieved", None, None, index, True, goal)
        failing = self.failing_criterion(variant, milestone, unit, period)
        if failing is not None:
            return Verdict("not_achieved", "criterion-failed", failing, index, True, goal)
        return Verdict("achieved", None, None, index, True, goal)

    def meets_goal(self, milestone: Milestone, value: Fraction, goal: Fraction, unit: str) -> bool:
        """Whether a value meets the milestone (a change milestone: its goal)."""
        condition = milestone.condition
        if isinstance(condition, Change):
            if condition.direction is Direction.INCREASE:
                return value >= goal
            return value <= goal
        return self.met(milestone, value, unit)

    def higher(self, variant: Variant, milestone: Milestone) -> bool:
        """Whether higher values are better for this milestone."""
        condition = milestone.condition
        if isinstance(condition, Change):
            return condition.direction is Direction.INCREASE
        if condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN):
            return True
        if condition.op in (ComparisonOp.AT_MOST, ComparisonOp.LESS_THAN):
            return False
        return variant.indicator.better is not Better.LOWER

    # ------------------------------------------------------------ baseline and progress

    def baseline(
        self, variant: Variant, unit: str, period: Period
    ) -> tuple[Period, Fraction] | None:
        """The baseline of a row: the earliest same-kind period with a value, ending before."""
        for earlier in self.periods:
            if earlier.kind is not period.kind or earlier.months != period.months:
                continue
            value = self.outcome(variant, unit, earlier).value
            if value is not None:
                return (earlier, value) if earlier.last < period.last else None
        return None

    def baseline_columns(self, variant: Variant, unit: str, period: Period) -> dict[str, Any]:
        """``baseline_period`` and ``baseline_value``."""
        found = self.baseline(variant, unit, period)
        if found is None:
            return {"baseline_period": None, "baseline_value": None}
        return {"baseline_period": str(found[0]), "baseline_value": found[1]}

    def progress_decision(
        self,
        variant: Variant,
        milestone: Milestone,
        unit: str,
        period: Period,
        value: Fraction,
        goal: Fraction,
    ) -> tuple[bool, dict[str, Any]]:
        """On track or not, with the progress columns."""
        higher = self.higher(variant, milestone)
        end_goal = _months_end(_first_due(milestone.when))
        now = _months_end(period)
        found = self.baseline(variant, unit, period)
        if found is None:
            on = value >= goal if higher else value <= goal
            return on, _progress_columns("bdg-linear/2", note="no-baseline")
        start, b0 = _months_end(found[0]), found[1]
        note = None
        if self.method == "cagr":
            note = _growth_undefined(b0, value, goal, now - start)
            if note is None:
                return self.cagr_ratio(value, goal, b0, now - start, end_goal - start, higher)
        expected = (b0 * (end_goal - now) + goal * (now - start)) / (end_goal - start)
        on = value >= expected if higher else value <= expected
        return on, _progress_columns("bdg-linear/2", note=note, expected=expected)

    def cagr_ratio(
        self, value: Fraction, goal: Fraction, b0: Fraction, elapsed: int, total: int, higher: bool
    ) -> tuple[bool, dict[str, Any]]:
        """Open SDG method 2: the ratio of actual to required growth."""
        x, z = value / b0, goal / b0
        c = _sign(b0) * (1 if higher else -1)
        with decimal.localcontext() as ctx:
            ctx.prec = PRECISION
            actual = c * (_power(x, Fraction(12, elapsed)) - 1)
            required = abs(_power(z, Fraction(12, total)) - 1)
            ratio = actual / required
            if value >= goal if higher else value <= goal:
                category = "target_achieved"
            elif _at_least(actual, Decimal("0.95") * required):
                category = "substantial_progress"
            elif _at_least(actual, Decimal("0.60") * required):
                category = "moderate_progress"
            elif c * (x - 1) >= 0:
                category = "limited_progress"
            else:
                category = "deterioration"
        on = category in ("target_achieved", "substantial_progress")
        return on, _progress_columns("open-sdg-cagr-ratio/3", category=category, value=ratio)

    def progress(
        self,
        variant: Variant,
        verdict: Verdict,
        milestone: Milestone | None,
        unit: str,
        period: Period,
        value: Fraction | None,
    ) -> dict[str, Any]:
        """The progress columns of a row."""
        decided = verdict.status in ("on_track", "off_track")
        if (
            milestone is not None
            and verdict.due is False
            and (decided or verdict.reason == "bound-undecided")
            and not variant.yes_no
        ):
            assert value is not None
            assert verdict.goal is not None
            return self.progress_decision(variant, milestone, unit, period, value, verdict.goal)[1]
        if milestone is not None and verdict.due is False and not variant.yes_no:
            return self.undecided(variant, milestone, unit, period, value, verdict.goal)
        if (
            self.method == "cagr"
            and verdict.reason == "no-milestone"
            and value is not None
            and variant.indicator.better is not Better.NEITHER
        ):
            found = self.baseline(variant, unit, period)
            if found is not None:
                return self.growth(variant, value, found, period)
        return _progress_columns(None)

    def undecided(
        self,
        variant: Variant,
        milestone: Milestone,
        unit: str,
        period: Period,
        value: Fraction | None,
        goal: Fraction | None,
    ) -> dict[str, Any]:
        """Progress columns of an ahead row that progress did not decide (no value or no goal):
        the rules leave open whether the method and the linear trajectory are shown there, but
        nothing that needs the value or the goal can be."""
        columns = _progress_columns(None)
        methods = (None, "bdg-linear/2", "open-sdg-cagr-ratio/3" if value is None else None)
        columns["progress_method"] = OneOf(methods)
        found = self.baseline(variant, unit, period)
        if found is None:
            columns["progress_note"] = OneOf((None, "no-baseline"))
        if value is None and found is not None and goal is not None:
            start, b0 = _months_end(found[0]), found[1]
            end_goal, now = _months_end(_first_due(milestone.when)), _months_end(period)
            expected = (b0 * (end_goal - now) + goal * (now - start)) / (end_goal - start)
            columns["expected"] = OneOf((None, expected))
        return columns

    def growth(
        self, variant: Variant, value: Fraction, found: tuple[Period, Fraction], period: Period
    ) -> dict[str, Any]:
        """Open SDG method 1: growth per year against fixed thresholds."""
        b0 = found[1]
        elapsed = _months_end(period) - _months_end(found[0])
        note = _growth_undefined(b0, value, None, elapsed)
        if note is not None:
            columns = _progress_columns(None)
            columns["progress_method"] = OneOf((None, "open-sdg-cagr/1"))
            columns["progress_note"] = OneOf((None, note))
            return columns
        higher = variant.indicator.better is Better.HIGHER
        c = _sign(b0) * (1 if higher else -1)
        coefficient = _coefficient(abs(b0), variant.indicator.limit)
        with decimal.localcontext() as ctx:
            ctx.prec = PRECISION
            growth = c * (_power(value / b0, Fraction(12, elapsed)) - 1)
            if _at_least(growth, Decimal("0.015") * coefficient):
                category = "substantial_progress"
            elif _at_least(growth, Decimal("0.005") * coefficient):
                category = "moderate_progress"
            elif c * (value / b0 - 1) >= 0:
                category = "limited_progress"
            else:
                category = "deterioration"
        return _progress_columns("open-sdg-cagr/1", category=category, value=growth)

    # ------------------------------------------------------------ changes

    def changes(
        self,
        variant: Variant,
        milestone: Milestone | None,
        unit: str,
        period: Period,
        value: Fraction | None,
    ) -> dict[str, Any]:
        """Changes since the previous period, the same period a year before and the base."""
        previous = period.previous()
        previous_year = period.same_period_previous_year()
        base = self.base
        if base is None and milestone is not None and isinstance(milestone.condition, Change):
            base = _base_of(milestone.condition, period)
        if base is not None and variant.behaviour == FLOW and base.months != period.months:
            base = None  # a half's cases are not compared with a year's
        columns: dict[str, Any] = {}
        columns.update(self.change("previous", "previous", variant, unit, previous, value))
        parts = (PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH)
        year = previous_year if period.kind in parts else None  # for a year: the previous
        columns.update(self.change("previous_year", "previous_year", variant, unit, year, value))
        columns.update(self.change("base", "base", variant, unit, base, value))
        return columns

    def change(
        self,
        prefix: str,
        suffix: str,
        variant: Variant,
        unit: str,
        earlier: Period | None,
        value: Fraction | None,
    ) -> dict[str, Any]:
        """``{prefix}_period``, ``{prefix}_value``, ``change_{suffix}``, ``change_{suffix}_pct``."""
        names = (f"{prefix}_period", f"{prefix}_value", f"change_{suffix}", f"change_{suffix}_pct")
        if earlier is None:
            return dict.fromkeys(names)
        before = self.outcome(variant, unit, earlier).value
        text: Any = str(earlier)
        change = None if before is None or value is None else value - before
        pct = None if change is None or not before else change / abs(before) * 100
        return dict(zip(names, (text, before, change, pct), strict=True))


# ---------------------------------------------------------------- helpers


def _turned(bound: int, sign: int) -> int:
    """An input's bound seen through a value's sign in it."""
    if sign == 1:
        return bound
    if sign == -1:
        return (UP if bound & DOWN else 0) | (DOWN if bound & UP else 0)
    return EITHER


def _never_negative(expr: Expr, items: Mapping[str, Any]) -> bool:
    """Whether an expression is never negative: counts, shares, yes/no and their sums,
    products, quotients, minima and maxima (reading rejects negative counts)."""
    if isinstance(expr, Lit):
        return expr.value >= 0
    if isinstance(expr, Ser):
        return expr.boolean or dimension_of(items[expr.series.item].unit) == (("[count]", 1),)
    if isinstance(expr, ShareOf | Cmp | Logic | Inv):
        return True
    if isinstance(expr, Neg):
        return False
    if isinstance(expr, Scale):
        return expr.factor >= 0 and _never_negative(expr.operand, items)
    if isinstance(expr, Arith) and expr.op == "-":
        return False
    return all(_never_negative(c, items) for c in _children_of(expr))


def _signs(expr: Expr, items: Mapping[str, Any]) -> dict[Any, int]:
    """How an expression moves with each series and share it reads: 1 (never down as it
    grows), -1 (never up), 0 (either)."""
    if isinstance(expr, Ser):
        return {expr.series: 1}
    if isinstance(expr, ShareOf):
        return {expr: 1}
    if isinstance(expr, Lit):
        return {}
    if isinstance(expr, Cmp | Logic | Inv):
        return {key: 0 for c in _children_of(expr) for key in _signs(c, items)}

    def sign_of(factor: Expr) -> int:
        if isinstance(factor, Lit):
            return (factor.value > 0) - (factor.value < 0)
        return 1 if _never_negative(factor, items) else 0

    if isinstance(expr, Neg):
        parts = [(expr.operand, -1)]
    elif isinstance(expr, Scale):
        parts = [(expr.operand, (expr.factor > 0) - (expr.factor < 0))]
    elif isinstance(expr, Extreme):
        parts = [(o, 1) for o in expr.operands]
    else:
        assert isinstance(expr, Arith)
        if expr.op == "+":
            parts = [(expr.left, 1), (expr.right, 1)]
        elif expr.op == "-":
            parts = [(expr.left, 1), (expr.right, -1)]
        elif expr.op == "*":
            parts = [(expr.left, sign_of(expr.right)), (expr.right, sign_of(expr.left))]
        else:  # a / b: up with a where b > 0, down with b where a >= 0
            parts = [(expr.left, sign_of(expr.right)), (expr.right, -sign_of(expr.left))]
    found: dict[Any, int] = {}
    for operand, outer in parts:
        for key, inner in _signs(operand, items).items():
            sign = outer * inner
            found[key] = sign if key not in found or found[key] == sign else 0
    return found


def _zero_divisions(
    exprs: Sequence[Expr], values: Mapping[Series, Fraction]
) -> list[tuple[int, str]]:
    """The divisions of expressions, numbered as written (operands before the division), that
    divide by exactly zero: (number, subject)."""
    found: list[tuple[int, str]] = []
    count = 0

    def visit(e: Expr) -> None:
        nonlocal count
        for child in _children_of(e):
            visit(child)
        if isinstance(e, Arith) and e.op == "/":
            if evaluate(e.right, values, _no_share, strict=False) == 0:
                found.append((count, e.subject))
            count += 1

    for expr in exprs:
        visit(expr)
    return found


def _share_value(found: tuple[Fraction | None, str | None, str | None, int, int]) -> Fraction:
    assert found[0] is not None
    return found[0]


def _no_share(share: ShareOf) -> Fraction:  # pragma: no cover - shares do not nest
    raise AssertionError("a share inside a share")


def _enclosing(period: Period, kind: PeriodKind) -> list[Period]:
    if period.kind not in FINER.get(kind, ()):
        return []
    size = 12 if kind is PeriodKind.YEAR else 6
    first = period.first - period.first % size
    return [Period(kind, first, first + size - 1)]


def _covers(when: When, period: Period, behaviour: str) -> bool:
    target = when.period
    if when.kind is WhenKind.BY:
        if behaviour == STOCK:
            return target.contains(period) and period.last == target.last
        same = (period.first, period.last) == (target.first, target.last)
        return same or (behaviour == FLOW and target.contains(period))
    if when.kind is WhenKind.EVERY:
        return target.contains(period)
    if period < target and not target.contains(period):
        return False
    return when.until is None or period.last <= when.until.last


def _first_due(when: When) -> Period:
    if when.kind is WhenKind.EVERY:
        years = list(when.period.years())
        return years[0] if years else when.period
    return when.period


def _base_of(condition: Change, period: Period) -> Period:
    """The period a change at ``period`` is measured from: the stated base, or for ``base:
    previous`` the period just before (a year for a year, a half for a half)."""
    if condition.previous:
        return period.previous()
    assert condition.base is not None
    return condition.base


def _compare(condition: Comparison, value: Fraction, low: Fraction, high: Fraction | None) -> bool:
    op = condition.op
    if op is ComparisonOp.AT_LEAST:
        return value >= low
    if op is ComparisonOp.MORE_THAN:
        return value > low
    if op is ComparisonOp.AT_MOST:
        return value <= low
    if op is ComparisonOp.LESS_THAN:
        return value < low
    if op is ComparisonOp.EQUALS:
        return value == low
    if op is ComparisonOp.ABOUT:
        assert condition.tolerance is not None
        above = low - condition.tolerance <= value
        below = value <= low + condition.tolerance
        if condition.welcome is Better.HIGHER:
            return above
        if condition.welcome is Better.LOWER:
            return below
        return above and below
    assert high is not None
    return low <= value <= high


def _growth_undefined(
    b0: Fraction, value: Fraction, goal: Fraction | None, elapsed: int
) -> str | None:
    if b0 == 0:
        return "growth-zero-baseline"
    if value * b0 < 0 or (goal is not None and goal * b0 < 0):
        return "growth-signs"
    if elapsed < 12:
        return "growth-short"
    if goal is not None and goal == b0:
        return "growth-no-change"
    return None


def _coefficient(b: Fraction, limit: Fraction | None) -> Decimal:
    if limit is None or limit == 0:
        return Decimal(1)
    cap = abs(limit)
    with decimal.localcontext() as ctx:
        ctx.prec = PRECISION
        if b <= cap:
            return 1 - _dec(b / cap) ** Decimal("4.44")
        if b < 2 * cap:
            return 1 - _dec((2 * cap - b) / cap) ** Decimal("4.44")
        return Decimal(1)


def _progress_columns(
    method: str | None,
    *,
    note: str | None = None,
    category: str | None = None,
    expected: Fraction | None = None,
    value: Decimal | None = None,
) -> dict[str, Any]:
    return {
        "progress_method": method,
        "progress_category": category,
        "progress_note": note,
        "expected": expected,
        "progress_value": value,
    }


def _attainment(
    milestone: Milestone | None, goal: Fraction | None, value: Fraction | None
) -> dict[str, Any]:
    if goal is None or value is None or milestone is None:
        return {"attainment_pct": None, "margin": None}
    condition = milestone.condition
    # a one-sided "khoảng" is its one end: a floor where a higher value is welcome
    one_sided = isinstance(condition, Comparison) and condition.welcome is not None
    floor = isinstance(condition, Comparison) and (
        condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN)
        or (one_sided and condition.welcome is Better.HIGHER)
    )
    attainment = value / goal * 100 if floor and goal > 0 else None
    ranged = isinstance(condition, Comparison) and (
        condition.op is ComparisonOp.BETWEEN
        or (condition.op is ComparisonOp.ABOUT and not one_sided)
        or isinstance(condition.threshold.value, bool)
    )
    return {"attainment_pct": attainment, "margin": None if ranged else value - goal}
