"""Comparisons: what "từ … trở lên", "trên", "không vượt quá", "dưới", "khoảng", "từ … đến …"
mean, decided in exactly one place.

A comparison holds or not according to the **sign of value − threshold**: "từ 35% trở lên"
(``at_least``) allows the signs 0 and +1, "trên 35%" (``more_than``) only +1. The table
[`COMPARATORS`][bdg_indicators.rules.comparisons.COMPARATORS] gives, for each operator of the
spec format, the signs it allows and its Vietnamese and English wording; the operators of
formulas (``>=``, ``<`` ...) are in
[`FORMULA_SIGNS`][bdg_indicators.rules.comparisons.FORMULA_SIGNS].
``about`` and ``between`` are two bounds each. [`holds`][bdg_indicators.rules.comparisons.holds]
tests a sign against an allowed set, for one value or for a whole column.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from bdg_indicators.spec import Better, Comparison, ComparisonOp

from .rational import Ratio, difference, is_expression, where

__all__ = [
    "COMPARATORS",
    "FORMULA_SIGNS",
    "Bound",
    "Comparator",
    "attainment",
    "bounds",
    "compare",
    "holds",
    "margin",
    "mask",
]

BELOW, EQUAL, ABOVE = 1, 2, 4
"""Bits of a sign mask: value below, equal to or above the threshold."""


def mask(*signs: int) -> int:
    """The sign mask allowing ``signs`` (each -1, 0 or 1)."""
    return sum({-1: BELOW, 0: EQUAL, 1: ABOVE}[s] for s in set(signs))


@attrs.frozen(kw_only=True)
class Comparator:
    """One operator of the spec format."""

    op: ComparisonOp
    mask: int
    """The signs of value − threshold that meet it (``BELOW | EQUAL | ABOVE`` bits)."""
    symbol: str
    """The mathematical symbol."""
    vi: str
    """Vietnamese wording, ``{v}`` standing for the threshold."""
    en: str
    """English wording."""


COMPARATORS: dict[ComparisonOp, Comparator] = {
    c.op: c
    for c in (
        Comparator(
            op=ComparisonOp.AT_LEAST,
            mask=EQUAL | ABOVE,
            symbol="≥",
            vi="từ {v} trở lên",
            en="at least {v}",
        ),
        Comparator(
            op=ComparisonOp.MORE_THAN, mask=ABOVE, symbol=">", vi="trên {v}", en="more than {v}"
        ),
        Comparator(
            op=ComparisonOp.AT_MOST,
            mask=BELOW | EQUAL,
            symbol="≤",
            vi="không vượt quá {v}",
            en="at most {v}",
        ),
        Comparator(
            op=ComparisonOp.LESS_THAN, mask=BELOW, symbol="<", vi="dưới {v}", en="less than {v}"
        ),
        Comparator(
            op=ComparisonOp.ABOUT,
            mask=EQUAL,
            symbol="≈",
            vi="khoảng {v} (± {t})",
            en="about {v} (± {t})",
        ),
        Comparator(
            op=ComparisonOp.BETWEEN,
            mask=EQUAL,
            symbol="∈",
            vi="từ {v} đến {u}",
            en="between {v} and {u}",
        ),
        Comparator(op=ComparisonOp.EQUALS, mask=EQUAL, symbol="=", vi="{v}", en="{v}"),
    )
}
"""Every comparison of the spec format. ``about`` and ``between`` are decided by their two
[`bounds`][bdg_indicators.rules.comparisons.bounds]; their mask here is unused."""

FORMULA_SIGNS: dict[str, int] = {
    "<": BELOW,
    "<=": BELOW | EQUAL,
    ">": ABOVE,
    ">=": EQUAL | ABOVE,
    "==": EQUAL,
    "!=": BELOW | ABOVE,
}
"""The comparison operators of formulas, as sign masks."""


@attrs.frozen
class Bound:
    """One side of a comparison: the threshold and the signs of value − threshold allowed."""

    threshold: Fraction
    mask: int


def bounds(comparison: Comparison, attribute_value: str | None = None) -> tuple[Bound, ...] | None:
    """The bounds a value must meet, all of them; ``None`` when the comparison has no threshold
    for this attribute value. ``about t ± tol`` is ``[t − tol, t + tol]``, or only its lower
    (upper) end where a higher (lower) value is welcome; ``between`` both ends included; a
    yes/no threshold is 1 (yes) or 0 (no)."""
    threshold = comparison.threshold.for_attribute(attribute_value)
    if threshold is None:
        return None
    t = Fraction(int(threshold)) if isinstance(threshold, bool) else threshold
    op = comparison.op
    if op is ComparisonOp.ABOUT:
        assert comparison.tolerance is not None
        tol = comparison.tolerance
        low, high = Bound(t - tol, EQUAL | ABOVE), Bound(t + tol, BELOW | EQUAL)
        if comparison.welcome is Better.HIGHER:
            return (low,)
        if comparison.welcome is Better.LOWER:
            return (high,)
        return (low, high)
    if op is ComparisonOp.BETWEEN:
        assert comparison.upper is not None
        upper = comparison.upper.for_attribute(attribute_value)
        if upper is None or isinstance(upper, bool):
            return None
        return (Bound(t, EQUAL | ABOVE), Bound(upper, BELOW | EQUAL))
    return (Bound(t, COMPARATORS[op].mask),)


def holds(allowed: Any, diff: Any) -> Any:
    """Whether the sign of ``diff`` is allowed by the mask ``allowed``; both may be Python
    integers or integer expressions (a null ``diff`` gives null)."""
    below, equal, above = ((allowed // bit) % 2 for bit in (BELOW, EQUAL, ABOVE))
    if not is_expression(diff):
        chosen = below if diff < 0 else equal if diff == 0 else above
        return bool(chosen)
    import narwhals as nw

    allowed_sign = where(diff < 0, below, where(diff == 0, equal, above))
    return nw.when(~diff.is_null()).then(allowed_sign == 1)


def attainment(value: Any, threshold: Any) -> Any:
    """The value as a percentage of an at-least threshold ("đạt 275% kế hoạch"), for reading."""
    return value / threshold * 100


def margin(value: Any, goal: Any) -> Any:
    """The value minus the value the milestone asks for, in the indicator's unit."""
    return value - goal


def compare(
    value: Fraction | bool, comparison: Comparison, attribute_value: str | None = None
) -> bool:
    """Whether ``value`` meets ``comparison`` exactly ("từ 29% trở lên" is met by 29%, "trên
    35%" is not met by 35%). Raises ``ValueError`` when there is no threshold for
    ``attribute_value``."""
    found = bounds(comparison, attribute_value)
    if found is None:
        raise ValueError(f"no threshold for attribute value {attribute_value!r}")
    x = Ratio.of(int(value)) if isinstance(value, bool) else Ratio.of(value)
    return all(holds(b.mask, difference(x, Ratio.of(b.threshold))) for b in found)
