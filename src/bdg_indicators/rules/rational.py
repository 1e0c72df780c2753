"""Exact rational numbers as a numerator and a positive denominator, over two carriers.

Every rule of the library is written once, with the operators below, and works on three
carriers: Python integers (one value, exactly), Narwhals column expressions of integers (every
row at once, still exactly: the engine keeps values as integer columns), and
[`Magnitude`][bdg_indicators.rules.rational.Magnitude]s, upper bounds of absolute values, with
which the engine finds before computing how wide its integer columns must be (64 or 128 bits)
so that nothing ever overflows. A comparison is the sign of a cross-multiplication,
``sign(a.n * b.d - b.n * a.d)``, so no floating-point number ever decides anything.

```python
>>> from fractions import Fraction
>>> a = Ratio.of(Fraction(29, 100)) * Ratio.of(Fraction(100))
>>> difference(a, Ratio.of(Fraction(29)))  # 29/100 x 100 is exactly 29
0
```
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

__all__ = ["Magnitude", "Ratio", "choose", "difference", "is_expression", "sign", "where"]

Carrier = Any
"""A Python ``int`` (or ``bool``) or a Narwhals expression of integers (or booleans)."""


class _Unknown:
    """The truth of a comparison of magnitudes: unknown, so both branches count."""


UNKNOWN = _Unknown()


class Magnitude:
    """An upper bound of the absolute value of every integer a carrier may hold.

    Sums and products of bounds bound sums and products, so a rule evaluated on magnitudes
    bounds the integers it makes, intermediate ones included."""

    __slots__ = ("m",)

    def __init__(self, m: int) -> None:
        self.m = abs(m)

    def __add__(self, other: Any) -> Magnitude:
        return Magnitude(self.m + _magnitude(other))

    __radd__ = __add__
    __sub__ = __add__
    __rsub__ = __add__

    def __mul__(self, other: Any) -> Magnitude:
        return Magnitude(self.m * _magnitude(other))

    __rmul__ = __mul__

    def __neg__(self) -> Magnitude:
        return self

    def abs(self) -> Magnitude:
        """The same bound."""
        return self

    def _compare(self, other: Any) -> _Unknown:
        return UNKNOWN

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __repr__(self) -> str:
        return f"Magnitude({self.m})"


def _magnitude(value: Any) -> int:
    return value.m if isinstance(value, Magnitude) else abs(int(value))


def is_expression(value: Any) -> bool:
    """Whether ``value`` is a column expression (or a magnitude) rather than a Python number."""
    return not isinstance(value, int | Fraction)


def where(condition: Any, yes: Any, no: Any) -> Any:
    """``yes`` where ``condition`` holds, else ``no``: Python's ``if`` for Python values, a
    ``when/then/otherwise`` for expressions (nulls in the condition give ``no``), the larger
    bound for magnitudes."""
    if isinstance(condition, bool):
        return yes if condition else no
    if condition is UNKNOWN or isinstance(yes, Magnitude) or isinstance(no, Magnitude):
        return Magnitude(max(_magnitude(yes), _magnitude(no)))
    import narwhals as nw

    return nw.when(condition).then(_literal(yes)).otherwise(_literal(no))


def sign(value: Any) -> Any:
    """-1, 0 or 1 (null for a null expression)."""
    if isinstance(value, Magnitude):
        return Magnitude(1)
    if not is_expression(value):
        return (value > 0) - (value < 0)
    import narwhals as nw

    return where(value > 0, 1, where(value < 0, -1, nw.when(value == 0).then(0)))


_WIDE = 2**62


def _literal(value: Any) -> Any:
    """Python integers too wide for a 64-bit literal become 128-bit literals."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _WIDE:
        import narwhals as nw

        return nw.lit(value, nw.Int128)
    return value


def _mul(a: Any, b: Any) -> Any:
    if isinstance(a, int) and a == 1:
        return b
    if isinstance(b, int) and b == 1:
        return a
    if is_expression(a) != is_expression(b):
        a, b = _literal(a), _literal(b)
    return a * b


def _negate(a: Any) -> Any:
    """``-a`` (Polars cannot negate 128-bit integers, but multiplies them by -1)."""
    if is_expression(a) and not isinstance(a, Magnitude):
        return a * -1
    return -a


def _add(a: Any, b: Any) -> Any:
    if is_expression(a) != is_expression(b):
        a, b = _literal(a), _literal(b)
    return a + b


@attrs.frozen
class Ratio:
    """``n / d`` with ``d > 0``; ``n`` and ``d`` are Python integers or integer expressions."""

    n: Carrier
    """The numerator."""
    d: Carrier = 1
    """The denominator, always positive."""

    @classmethod
    def of(cls, value: Fraction | int) -> Ratio:
        """A constant."""
        value = Fraction(value)
        return cls(value.numerator, value.denominator)

    @property
    def is_constant(self) -> bool:
        """Whether both parts are Python integers."""
        return not is_expression(self.n) and not is_expression(self.d)

    def fraction(self) -> Fraction:
        """The value of a constant."""
        return Fraction(self.n, self.d)

    def __add__(self, other: Ratio) -> Ratio:
        if self.is_constant and other.is_constant:
            return Ratio.of(self.fraction() + other.fraction())
        if not is_expression(self.d) and not is_expression(other.d) and self.d == other.d:
            return Ratio(_add(self.n, other.n), self.d)
        return Ratio(_add(_mul(self.n, other.d), _mul(other.n, self.d)), _mul(self.d, other.d))

    def __neg__(self) -> Ratio:
        return Ratio(_negate(self.n), self.d)

    def __sub__(self, other: Ratio) -> Ratio:
        return self + (-other)

    def __mul__(self, other: Ratio) -> Ratio:
        if self.is_constant and other.is_constant:
            return Ratio.of(self.fraction() * other.fraction())
        return Ratio(_mul(self.n, other.n), _mul(self.d, other.d))

    def __truediv__(self, other: Ratio) -> Ratio:
        """The quotient; the caller makes sure ``other`` is not zero (a zero denominator is no
        value, with its reason, decided before)."""
        if self.is_constant and other.is_constant:
            return Ratio.of(self.fraction() / other.fraction())
        n, d = _mul(self.n, other.d), _mul(self.d, other.n)
        if not is_expression(other.n):
            return Ratio(n, d) if other.n > 0 else Ratio(_negate(n), _negate(d))
        negative = other.n < 0
        return Ratio(where(negative, _negate(n), n), where(negative, _negate(d), d))

    def divided_by_nonnegative(self, other: Ratio) -> Ratio:
        """The quotient by a number known not to be negative (counts, sums of counts): no sign
        to normalise; the caller makes sure it is not zero."""
        return Ratio(_mul(self.n, other.d), _mul(self.d, other.n))

    def scaled(self, factor: Fraction) -> Ratio:
        """Times a constant."""
        return self * Ratio.of(factor)

    def abs(self) -> Ratio:
        """The absolute value."""
        if not is_expression(self.n):
            return Ratio(abs(self.n), self.d)
        return Ratio(self.n.abs(), self.d)

    def over(self, positive: Carrier) -> Ratio:
        """Divided by a carrier known to be positive."""
        return Ratio(self.n, _mul(self.d, positive))


def choose(condition: Any, yes: Ratio, no: Ratio) -> Ratio:
    """``yes`` where ``condition`` holds, else ``no``."""
    return Ratio(where(condition, yes.n, no.n), where(condition, yes.d, no.d))


def difference(a: Ratio, b: Ratio) -> Carrier:
    """An integer with the sign of ``a - b`` (denominators are positive)."""
    return _add(_mul(a.n, b.d), _negate(_mul(b.n, a.d)))
