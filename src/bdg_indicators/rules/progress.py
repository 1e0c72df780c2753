"""Progress toward a milestone still ahead: the linear trajectory and Open SDG's growth methods.

Times are counted in months, each period at its end (the end of 2018 is month 12 of 2018); the
**baseline** is the earliest earlier value of the same kind of period, at ``t0``; the current
value is at ``t``; the milestone's goal ``g`` is due at ``T``.

**Linear** (``bdg-linear/2``, the default): on track when the value is at least as good as the
straight line from the baseline to the goal expects at ``t``:
``expected = (b0 · (T − t) + g · (t − t0)) / (T − t0)``, exactly. Without an earlier value, the
value is judged against the goal itself.

**Open SDG, method 2** (``open-sdg-cagr-ratio/3``, with a target): the ratio of the observed
compound annual growth rate to the rate required,
``R = s · dir · ((v / b0)^(1/y_o) − 1) / |(g / b0)^(1/y_r) − 1|``, with ``y_o = (t − t0) / 12``,
``y_r = (T − t0) / 12`` years, ``s = −1`` for a negative baseline and ``dir = −1`` when lower is
better. On track when the goal is already met or ``R ≥ 0.95``; categories at 0.95, 0.60 and 0.

**Open SDG, method 1** (``open-sdg-cagr/1``, no target value): the observed growth rate
``s · dir · ((v / b0)^(1/y_o) − 1)`` against 0.015, 0.005 and 0, the two upper thresholds scaled
down near the indicator's ``limit``.

Roots are irrational in general, so the growth methods are decided by a verified floating-point
filter: each value comes with a rigorous bound on its rounding error, and where the bound does not
settle the comparison, [`exact_sign`][bdg_indicators.rules.progress.exact_sign] decides it with
exact integer roots. Where Open SDG substitutes 0.001 for a zero baseline, takes a root of a
negative ratio, has less than a year of data or divides by a zero required rate, the growth
methods are not defined: method 2 gives the linear method's answer instead, with the reason, and
method 1 no category.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from .rational import Ratio

__all__ = [
    "CATEGORIES",
    "GROWTH_THRESHOLDS",
    "LINEAR",
    "METHODS",
    "OPEN_SDG_1",
    "OPEN_SDG_2",
    "RATIO_THRESHOLDS",
    "Affine",
    "Method",
    "Power",
    "Term",
    "exact_sign",
    "exact_test",
    "float_test",
    "growth_test",
    "limit_proximity",
    "linear_expected",
    "ratio_test",
]


@attrs.frozen(kw_only=True)
class Method:
    """A progress method, recorded by name and version with every result."""

    name: str
    version: int
    source: str
    """Where the method comes from."""

    @property
    def id(self) -> str:
        """``name/version``, as recorded in results."""
        return f"{self.name}/{self.version}"


LINEAR = Method(name="bdg-linear", version=2, source="bdg_indicators")
OPEN_SDG_2 = Method(
    name="open-sdg-cagr-ratio",
    version=3,
    source="Open SDG, sdg-build sdg/ProgressMeasure.py, methodology_2 (with a target)",
)
OPEN_SDG_1 = Method(
    name="open-sdg-cagr",
    version=1,
    source="Open SDG, sdg-build sdg/ProgressMeasure.py, methodology_1 (no target value)",
)
METHODS = {"linear": LINEAR, "cagr": OPEN_SDG_2}
"""The methods ``evaluate(method=...)`` accepts; ``cagr`` uses method 1 where there is no
target value."""

RATIO_THRESHOLDS = (Fraction(95, 100), Fraction(60, 100), Fraction(0))
"""Method 2: the ratio R at or above which progress is substantial, moderate, limited."""
GROWTH_THRESHOLDS = (Fraction(15, 1000), Fraction(5, 1000), Fraction(0))
"""Method 1: the growth rate at or above which progress is substantial, moderate, limited."""
CATEGORIES = ("substantial_progress", "moderate_progress", "limited_progress", "deterioration")
"""Open SDG's categories, best first; ``target_achieved`` comes before them all."""
LIMIT_EXPONENT = Fraction(111, 25)
"""Open SDG's exponent (4.44) of the threshold reduction near a limit."""


def limit_proximity(base: Any, limit: Any) -> Any:
    """Open SDG's closeness ``w`` of a baseline to the indicator's limit (both as absolute
    values), from which method 1 lowers its thresholds: ``base / limit`` up to the limit,
    ``(2·limit − base) / limit`` up to twice it, none beyond. Fractions give a Fraction (or
    ``None``); integer expressions are compared exactly and give a float expression (null
    beyond)."""
    from .rational import is_expression

    if not is_expression(base) and not is_expression(limit):
        if base <= limit:
            return Fraction(base) / limit
        return (2 * limit - base) / Fraction(limit) if base < 2 * limit else None
    import narwhals as nw

    b, lim = base.cast(nw.Float64), limit.cast(nw.Float64)
    return nw.when(base <= limit).then(b / lim).when(base < 2 * limit).then((2 * lim - b) / lim)


def linear_expected(baseline: Ratio, goal: Ratio, t0: Any, t: Any, t_goal: Any) -> Ratio:
    """The value the straight line from ``baseline`` (at ``t0``) to ``goal`` (at ``t_goal``)
    expects at ``t``; ``t0 < t <= t_goal``, times in months (integers or integer columns)."""
    before, after, span = t_goal - t, t - t0, t_goal - t0
    weighted = Ratio(baseline.n * before, baseline.d) + Ratio(goal.n * after, goal.d)
    return Ratio(weighted.n, weighted.d * span)


# ---------------------------------------------------------------- exact roots


def iroot(n: int, k: int) -> int:
    """The integer part of the ``k``-th root of ``n >= 0``."""
    if n < 2:
        return n
    x = 1 << ((n.bit_length() + k - 1) // k)  # above the root
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


@attrs.frozen
class Power:
    """``base ** exponent`` for a rational ``base >= 0`` and a rational ``exponent > 0``."""

    base: Fraction
    exponent: Fraction

    def exact(self) -> Fraction | None:
        """The value when it is rational, else ``None``."""
        p, q = self.exponent.numerator, self.exponent.denominator
        x = self.base**p
        a, b = iroot(x.numerator, q), iroot(x.denominator, q)
        if a**q == x.numerator and b**q == x.denominator:
            return Fraction(a, b)
        return None

    def bounds(self, bits: int) -> tuple[Fraction, Fraction]:
        """Lower and upper bounds ``2**-bits`` apart."""
        p, q = self.exponent.numerator, self.exponent.denominator
        x = self.base**p
        low = iroot(x.numerator * 2 ** (bits * q) // x.denominator, q)
        return Fraction(low, 2**bits), Fraction(low + 1, 2**bits)


def exact_sign(constant: Fraction, terms: Sequence[tuple[Fraction, Power]]) -> int:
    """The sign of ``constant + Σ coefficient × power``, exactly.

    When every power is rational the sum is computed exactly; otherwise the powers are bounded
    ever more tightly until the sign is certain. This ends: a sum of irrational roots of
    rationals and a non-zero rational is never zero (the roots are linearly independent over
    the rationals unless rational multiples of each other)."""
    values = [power.exact() for _, power in terms]
    if all(v is not None for v in values):
        total = constant + sum(c * v for (c, _), v in zip(terms, values, strict=True) if v)
        return (total > 0) - (total < 0)
    bits = 64
    while bits <= 1 << 16:
        low = high = constant
        for coefficient, power in terms:
            lo, hi = power.bounds(bits)
            low += min(coefficient * lo, coefficient * hi)
            high += max(coefficient * lo, coefficient * hi)
        if low > 0:
            return 1
        if high < 0:
            return -1
        bits *= 4
    raise ArithmeticError("the sign could not be decided")  # pragma: no cover


# ---------------------------------------------------------------- the tests, as sums of powers


@attrs.frozen
class Term:
    """``coefficient × base ** exponent``: Fractions (exact) or floats and float columns."""

    coefficient: Any
    base: Any
    exponent: Any


@attrs.frozen
class Affine:
    """``constant + Σ terms``: the quantity whose sign decides a progress test."""

    constant: Any
    terms: tuple[Term, ...]


def ratio_test(theta: Any, c: Any, sigma: Any, x: Any, z: Any, e_o: Any, e_r: Any) -> Affine:
    """Method 2: ``R ≥ θ`` exactly when this is ≥ 0, with ``R = c (x^e_o − 1) / |z^e_r − 1|``,
    ``c = s · dir``, ``σ`` the sign of ``z − 1`` (never 0): ``c (x^e_o − 1) − θ σ (z^e_r − 1)``."""
    return Affine(
        constant=theta * sigma - c,
        terms=(Term(c, x, e_o), Term(-theta * sigma, z, e_r)),
    )


def growth_test(theta: Any, c: Any, x: Any, e_o: Any, reduction: Term | None) -> Affine:
    """Method 1: the growth rate ``c (x^e_o − 1)`` reaches ``θ × coefficient`` exactly when this
    is ≥ 0; near a limit the coefficient is ``1 − w^4.44`` (``reduction`` is ``w^4.44``)."""
    if reduction is None:
        return Affine(constant=-c - theta, terms=(Term(c, x, e_o),))
    return Affine(
        constant=-c - theta,
        terms=(Term(c, x, e_o), Term(theta, reduction.base, reduction.exponent)),
    )


def exact_test(test: Affine) -> int:
    """The sign of a test with Fraction inputs, exactly."""
    return exact_sign(
        Fraction(test.constant),
        [
            (Fraction(t.coefficient), Power(Fraction(t.base), Fraction(t.exponent)))
            for t in test.terms
        ],
    )


# ---------------------------------------------------------------- floating-point filter

UNIT_ROUNDOFF = 2.0**-53
SAFETY = 16.0
"""How many times the first-order error bound is taken, for higher-order terms."""


def float_power(x: Any, exponent: Any) -> tuple[Any, Any]:
    """``x ** exponent`` in floating point and a bound on its absolute error, for ``x`` computed
    from exact integers with at most 3 roundings and ``exponent`` with 1 (columns or floats).
    ``x == 0`` gives exactly 0."""
    u = UNIT_ROUNDOFF
    value = x**exponent
    log = _abs(_log(x))
    eta = (3 * u + log * u) * exponent + 4 * u
    return value, value * eta * SAFETY


def _abs(x: Any) -> Any:
    return x.abs() if hasattr(x, "abs") else abs(x)


def _log(x: Any) -> Any:
    if isinstance(x, float):
        return math.log(x) if x > 0 else 0.0
    import narwhals as nw

    return nw.when(x > 0).then(x.log()).otherwise(0.0)


def float_test(test: Affine) -> tuple[Any, Any]:
    """A test in floating point (floats or float columns): its value and a bound on its error.
    Its sign is certain where ``|value| > error``; elsewhere the exact test decides."""
    u = UNIT_ROUNDOFF
    value: Any = test.constant
    error: Any = 0.0
    size: Any = _abs(test.constant)
    for term in test.terms:
        power, power_error = float_power(term.base, term.exponent)
        coefficient = _abs(term.coefficient)
        value = value + term.coefficient * power
        error = error + coefficient * power_error
        size = size + coefficient * power
    return value, (error + 8 * u * size) * SAFETY
