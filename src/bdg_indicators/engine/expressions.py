"""A variant's formula as column expressions over exact integers, with the reason for every
missing value and a bound on every integer, so that 64-bit columns become 128-bit ones before
they could overflow and no value ever wraps around.

A compiled node is a constant, an exact number (a numerator and a positive denominator, both
integer expressions, with their [`Magnitude`][bdg_indicators.rules.rational.Magnitude]s) or a
condition (a boolean expression). Reasons are collected in evaluation order: the first that
holds is the reason of a missing value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import attrs
import narwhals as nw

from bdg_indicators.errors import BdgError, Location, Problem
from bdg_indicators.rules.comparisons import FORMULA_SIGNS, holds
from bdg_indicators.rules.rational import Magnitude, Ratio, difference, where

from .plan import Node, Num, Op, ShareOf, Slot

__all__ = ["Compiler", "Condition", "Exact", "Reason"]

LIMIT_64, LIMIT_128 = 2**63 - 1, 2**127 - 1


@attrs.frozen
class Exact:
    """An exact number in columns: ``value`` and its ``bound``, both
    [`Ratio`][bdg_indicators.rules.rational.Ratio]s."""

    value: Ratio
    bound: Ratio
    wide: bool = False
    """Whether the integers are 128-bit."""
    nonnegative: bool = False
    """Whether the value is known never to be negative (a count, a sum of counts)."""

    @classmethod
    def constant(cls, value: Fraction) -> Exact:
        ratio = Ratio.of(value)
        return cls(ratio, Ratio(Magnitude(ratio.n), Magnitude(ratio.d)), nonnegative=value >= 0)


@attrs.frozen
class Condition:
    """A yes/no value in a column (null when unknown)."""

    expr: nw.Expr


@attrs.frozen
class Reason:
    """Where a value is missing, and why."""

    when: nw.Expr
    code: str
    subject: str


def _widen(ratio: Ratio) -> Ratio:
    def cast(part: Any) -> Any:
        if isinstance(part, int):
            return part
        return part.cast(nw.Int128)

    return Ratio(cast(ratio.n), cast(ratio.d))


def combine(rule: Callable[..., Ratio], operands: Sequence[Exact], what: str) -> Exact:
    """Apply a rule (written with [`Ratio`][bdg_indicators.rules.rational.Ratio] operators) to
    exact numbers: its bound first, then 64-bit or 128-bit integers as the bound requires."""
    bound = rule(*[o.bound for o in operands])
    largest = max(
        bound.n.m if isinstance(bound.n, Magnitude) else abs(bound.n),
        bound.d.m if isinstance(bound.d, Magnitude) else abs(bound.d),
    )
    if largest > LIMIT_128:
        raise BdgError(
            [
                Problem(
                    code="value-too-large",
                    message=f"{what}: the exact integers could exceed 128 bits "
                    f"(up to {largest.bit_length()} bits)",
                    location=Location(),
                    hint="values this large cannot be judged exactly; check the data's units "
                    "(amounts in đồng rather than tỷ đồng?)",
                )
            ]
        )
    wide = largest > LIMIT_64 or any(o.wide for o in operands)
    values = [_widen(o.value) if wide and not o.wide else o.value for o in operands]
    return Exact(rule(*values), bound, wide)


def sign_difference(a: Exact, b: Exact, what: str) -> Any:
    """An integer expression with the sign of ``a - b``, wide enough not to overflow."""
    result = combine(lambda x, y: Ratio(difference(x, y)), (a, b), what)
    return result.value.n


@attrs.define
class Compiler:
    """Compiles plan nodes of one scope into expressions over its columns."""

    slots: Sequence[Exact]
    """The value of each slot (``x{j}`` over ``10**scale``)."""
    shares: Sequence[Exact]
    """The value of each share."""
    names: Sequence[str]
    """The text of each slot's series, for reasons."""
    what: str
    """What is compiled (for the value-too-large message)."""
    boolean_slots: frozenset[int] = frozenset()
    reasons: list[Reason] = attrs.Factory(list)

    def value(self, node: Node) -> Exact | Condition:
        if isinstance(node, Num):
            return Exact.constant(node.value)
        if isinstance(node, Slot):
            return self.slots[node.index]
        if isinstance(node, ShareOf):
            return self.shares[node.index]
        if node.kind in FORMULA_SIGNS:
            left, right = (self.number(o) for o in node.operands)
            return Condition(
                holds(FORMULA_SIGNS[node.kind], sign_difference(left, right, self.what))
            )
        if node.kind in ("and", "or", "not"):
            conditions = [self.condition(o) for o in node.operands]
            if node.kind == "not":
                return Condition(~conditions[0])
            result = conditions[0]
            for other in conditions[1:]:
                result = result & other if node.kind == "and" else result | other
            return Condition(result)
        operands = [self.number(o) for o in node.operands]
        return self.arithmetic(node, operands)

    def arithmetic(self, node: Op, operands: list[Exact]) -> Exact:
        kind = node.kind
        positive = all(o.nonnegative for o in operands)
        if kind == "neg":
            return combine(lambda a: -a, operands, self.what)
        if kind in ("+", "-", "*"):
            rule = {"+": Ratio.__add__, "-": Ratio.__sub__, "*": Ratio.__mul__}[kind]
            made = combine(rule, operands, self.what)
            return attrs.evolve(made, nonnegative=positive and kind != "-")
        if kind == "/":
            return self.divide(node, operands, positive)
        return self.extreme(kind, operands, positive)

    def divide(self, node: Op, operands: list[Exact], positive: bool) -> Exact:
        """A quotient; a zero denominator is no value, with its reason."""
        right = operands[1]
        if not isinstance(right.value.n, int):
            zero = right.value.n == 0
        elif right.value.n == 0:
            raise BdgError(  # pragma: no cover - a formula dividing by the constant 0
                [Problem(code="formula-arguments", message="division by zero in the formula")]
            )
        else:
            zero = None
        rule = Ratio.divided_by_nonnegative if right.nonnegative else Ratio.__truediv__
        quotient = combine(rule, operands, self.what)
        if zero is None:
            return attrs.evolve(quotient, nonnegative=positive)
        self.reasons.append(Reason(zero, "zero-denominator", node.text))
        value = Ratio(where(~zero, quotient.value.n, None), where(~zero, quotient.value.d, None))
        return Exact(value, quotient.bound, quotient.wide, positive)

    def extreme(self, kind: str, operands: list[Exact], positive: bool) -> Exact:
        """``min`` or ``max``, by the sign of differences."""
        result = operands[0]
        for other in operands[1:]:
            diff = sign_difference(result, other, self.what)
            keep = diff <= 0 if kind == "min" else diff >= 0
            chosen = combine(lambda a, b: a, (result, other), self.what)
            alternative = combine(lambda a, b: b, (result, other), self.what)
            value = Ratio(
                where(keep, chosen.value.n, alternative.value.n),
                where(keep, chosen.value.d, alternative.value.d),
            )
            bound = Ratio(
                Magnitude(max(chosen.bound.n.m, alternative.bound.n.m)),
                Magnitude(max(chosen.bound.d.m, alternative.bound.d.m)),
            )
            result = Exact(value, bound, chosen.wide, positive)
        return result

    def number(self, node: Node) -> Exact:
        value = self.value(node)
        assert isinstance(value, Exact)
        return value

    def condition(self, node: Node) -> nw.Expr:
        """A condition; a yes/no data item (1 = yes) counts as one."""
        value = self.value(node)
        if isinstance(value, Condition):
            return value.expr
        result: nw.Expr = value.value.n != 0
        return result
