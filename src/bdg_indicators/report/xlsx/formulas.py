"""An indicator's plan tree as an Excel expression, each translation carrying the exact value
it must give (a ``Fraction``, computed from the engine's own inputs) and whether Excel computes
it exactly (integers below 2**53 all the way).

A translation is refused (``None``) where Excel has no exact form: a ``share()``, a missing
slot, a comparison floating point might decide wrongly. The caller then writes the engine's
number instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from bdg_indicators.engine.plan import Node, Num, Op, ShareOf, Slot
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL

__all__ = [
    "EXACT_LIMIT",
    "OPERATORS",
    "Expression",
    "decimal_literal",
    "far_apart",
    "scale_text",
    "translate",
]

EXACT_LIMIT = 2**53
"""Integers up to this size are exact in a spreadsheet's floating point."""
OPERATORS = {
    EQUAL | ABOVE: ">=",
    ABOVE: ">",
    BELOW | EQUAL: "<=",
    BELOW: "<",
    EQUAL: "=",
    BELOW | ABOVE: "<>",
}
"""The Excel operator of each sign mask of
[`rules.comparisons`][bdg_indicators.rules.comparisons]."""
_FORMULA_MASKS = {
    "<": BELOW,
    "<=": BELOW | EQUAL,
    ">": ABOVE,
    ">=": EQUAL | ABOVE,
    "==": EQUAL,
    "!=": BELOW | ABOVE,
}


@attrs.frozen(kw_only=True)
class Expression:
    """An Excel expression and the exact value it stands for."""

    text: str
    value: Fraction | bool
    integral: bool
    """Whether a spreadsheet computes it exactly: integers (and yes/no) all the way."""


def decimal_literal(value: Fraction) -> str:
    """A number for a formula: exact decimals when it has at most 15 digits, else the nearest
    double (``repr``)."""
    for decimals in range(16):
        scaled = value * 10**decimals
        if scaled.denominator == 1:
            whole = abs(scaled.numerator)
            digits = str(whole).rjust(decimals + 1, "0")
            text = digits[: len(digits) - decimals] + ("." + digits[-decimals:] if decimals else "")
            return ("-" if value < 0 else "") + text
    return repr(float(value))


def _small(value: Fraction | bool) -> bool:
    return isinstance(value, bool) or (value.denominator == 1 and abs(value) < EXACT_LIMIT)


def _number(node: Num) -> Expression:
    literal = decimal_literal(node.value)
    return Expression(
        text=f"({literal})" if node.value < 0 else literal,
        value=node.value,
        integral=_small(node.value),
    )


def _arithmetic(op: str, left: Expression, right: Expression) -> Expression | None:
    a, b = left.value, right.value
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if op == "/":
        if b == 0:
            return None
        return Expression(text=f"({left.text}/{right.text})", value=a / b, integral=False)
    value = a + b if op == "+" else a - b if op == "-" else a * b
    integral = left.integral and right.integral and _small(value)
    if op == "*":
        # a product of exact integers below 2**53 is exact only when it also is
        integral = integral and abs(a) < EXACT_LIMIT and abs(b) < EXACT_LIMIT
    return Expression(text=f"({left.text}{op}{right.text})", value=value, integral=integral)


def _compare(op: str, left: Expression, right: Expression) -> Expression | None:
    """A comparison inside a formula: exact when both sides are; otherwise only when the two
    sides are far enough apart for floating point not to matter."""
    a, b = left.value, right.value
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if not (left.integral and right.integral) and not far_apart(a, b):
        return None
    diff = a - b
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    holds = bool(_FORMULA_MASKS[op] & sign)
    text = f"({left.text}{OPERATORS[_FORMULA_MASKS[op]]}{right.text})"
    return Expression(text=text, value=holds, integral=True)


def far_apart(a: Fraction, b: Fraction) -> bool:
    """Whether a floating-point comparison of ``a`` and ``b`` is safe: they differ by more
    than a millionth of a millionth of their size, far beyond the rounding of a few steps."""
    return abs(a - b) * 10**12 > max(abs(a), abs(b), Fraction(1))


def _logic(op: str, operands: list[Expression]) -> Expression | None:
    values = [o.value for o in operands]
    if not all(isinstance(v, bool) for v in values):
        return None
    if op == "not":
        return Expression(text=f"NOT({operands[0].text})", value=not values[0], integral=True)
    value = all(values) if op == "and" else any(values)
    name = "AND" if op == "and" else "OR"
    text = f"{name}({','.join(o.text for o in operands)})"
    return Expression(text=text, value=value, integral=True)


def translate(node: Node, slots: Sequence[Expression | None]) -> Expression | None:
    """The Excel expression of a plan tree over the given slot expressions; ``None`` where it
    has none (a ``share()``, a missing slot, a comparison floating point might decide
    wrongly)."""
    if isinstance(node, Num):
        return _number(node)
    if isinstance(node, Slot):
        return slots[node.index] if node.index < len(slots) else None
    if isinstance(node, ShareOf):
        return None
    operands = [translate(o, slots) for o in node.operands]
    if any(o is None for o in operands):
        return None
    known = [o for o in operands if o is not None]
    return _operation(node, known)


def _operation(node: Op, operands: list[Expression]) -> Expression | None:
    kind = node.kind
    if kind in ("+", "-", "*", "/"):
        return _arithmetic(kind, operands[0], operands[1])
    if kind == "neg":
        value = operands[0].value
        if isinstance(value, bool):
            return None
        return Expression(
            text=f"(-{operands[0].text})", value=-value, integral=operands[0].integral
        )
    if kind in ("min", "max"):
        values = [o.value for o in operands]
        if any(isinstance(v, bool) for v in values):
            return None
        chosen = min(values) if kind == "min" else max(values)
        text = f"{kind.upper()}({','.join(o.text for o in operands)})"
        return Expression(text=text, value=chosen, integral=all(o.integral for o in operands))
    if kind in _FORMULA_MASKS:
        return _compare(kind, operands[0], operands[1])
    if kind in ("and", "or", "not"):
        return _logic(kind, operands)
    return None


def scale_text(scale: Fraction) -> str:
    """``× scale`` in a formula (``*100``, ``/100``, nothing for 1)."""
    if scale == 1:
        return ""
    if scale.denominator == 1:
        return f"*{scale.numerator}"
    if scale.numerator == 1:
        return f"/{scale.denominator}"
    return f"*{scale.numerator}/{scale.denominator}"
