"""Figures that are bounds: "trên 200.000 trẻ em", "gần 35%", "khoảng 1.000".

A reported figure may be exact or a bound. A bound is kept as two bits: the true value **may be
above** the figure (``ABOVE``: "trên", "hơn", "ít nhất", "từ … trở lên") or **may be below** it
(``BELOW``: "dưới", "gần", "chưa đến", "không quá"); ``ABOUT`` ("khoảng", "xấp xỉ") is both, and
``EXACT`` neither. The table [`DIRECTIONS`][bdg_indicators.rules.bounds.DIRECTIONS] gives each
direction's code, its words in Vietnamese and English and the words a file may use for it.

A bound is read as *non-strict*: "trên 200.000" says the true value is at or above 200,000. What
follows from bounds:

- a **sum** may be above its figure when some part may be, below when some part may be: the
  bits of the parts are OR-ed ([`union`][bdg_indicators.rules.bounds.union]);
- a **formula** is monotonic in some of its inputs: ``a / b`` increases with ``a`` and decreases
  with ``b`` (both not negative), ``a − b`` decreases with ``b``, ``min`` and ``max`` increase
  with every operand, and comparisons and ``share()`` have no sign
  ([`operand_signs`][bdg_indicators.rules.bounds.operand_signs]). The sign of a formula in each
  input is found once per formula, at plan time; an input used with both signs has none. An
  input's bound carries through its sign
  ([`through`][bdg_indicators.rules.bounds.through]): kept where the formula increases with it,
  turned over where it decreases, both ways where the sign is unknown;
- a **verdict** is given only when the bound settles it: every value the true value may take
  meets the milestone, or none does ([`settles`][bdg_indicators.rules.bounds.settles]);
- a bound is **shown** rounded toward its safe side
  ([`shown`][bdg_indicators.rules.bounds.shown]), so that "tối đa 13,9%" stays true of every
  value the figure allows.

Functions take Python integers (one value) or Narwhals integer expressions (every row).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from .comparisons import ABOVE as SIGN_ABOVE
from .comparisons import BELOW as SIGN_BELOW
from .comparisons import EQUAL as SIGN_EQUAL
from .rational import is_expression, where

__all__ = [
    "ABOUT",
    "ABOVE",
    "BELOW",
    "DIRECTIONS",
    "EXACT",
    "Direction",
    "accepted_words",
    "code_of",
    "direction_of",
    "has",
    "merge_signs",
    "operand_signs",
    "read_bound",
    "settles",
    "shown",
    "through",
    "union",
    "unknown_members",
    "word",
]

EXACT, ABOVE, BELOW, ABOUT = 0, 1, 2, 3
"""Bound bits: the true value may be above the figure (1), below it (2), either (3)."""


@attrs.frozen(kw_only=True)
class Direction:
    """One direction a figure may be off in."""

    bits: int
    id: str
    """The stable identifier (``bound`` column of the results)."""
    vi: str
    """The Vietnamese word shown before the figure."""
    en: str
    """The English words shown before the figure."""
    meaning_vi: str
    """What the bound says of the true value, in Vietnamese."""
    meaning_en: str
    """The same in English."""
    names: tuple[str, ...]
    """Names accepted in the ``bound`` column of observations (besides ``id``)."""
    words: tuple[str, ...]
    """Vietnamese words accepted there too."""


DIRECTIONS: dict[int, Direction] = {
    d.bits: d
    for d in (
        Direction(
            bits=ABOVE,
            id="above",
            vi="ít nhất",  # read non-strictly, so shown so: "trên 200.000" is at least 200,000
            en="at least",
            meaning_vi="giá trị thực không nhỏ hơn giá trị này",
            meaning_en="the true value is at or above it",
            names=("more_than", "at_least"),
            words=("trên", "hơn", "ít nhất", "từ … trở lên"),
        ),
        Direction(
            bits=BELOW,
            id="below",
            vi="tối đa",
            en="at most",
            meaning_vi="giá trị thực không lớn hơn giá trị này",
            meaning_en="the true value is at or below it",
            names=("less_than", "at_most"),
            words=("dưới", "gần", "chưa đến", "không quá"),
        ),
        Direction(
            bits=ABOUT,
            id="about",
            vi="khoảng",
            en="about",
            meaning_vi="giá trị thực có thể lớn hơn hoặc nhỏ hơn giá trị này",
            meaning_en="the true value may be above or below it",
            names=(),
            words=("khoảng", "xấp xỉ"),
        ),
    )
}
"""Every direction a bound may have."""


def _normal(text: str) -> str:
    """Lower case, NFC, single spaces, ``từ … trở lên`` without its dots."""
    text = unicodedata.normalize("NFC", text).lower().replace("…", " ").replace("...", " ")
    return re.sub(r"\s+", " ", text).strip()


_SPELLED: dict[str, int] = {
    _normal(spelling): d.bits
    for d in DIRECTIONS.values()
    for spelling in (d.id, *d.names, *d.words)
}


def read_bound(text: str | None) -> int | None:
    """The bits of a ``bound`` cell: ``EXACT`` when blank, ``None`` when not a known word."""
    if text is None or not _normal(text):
        return EXACT
    return _SPELLED.get(_normal(text))


def accepted_words() -> str:
    """The words a ``bound`` cell may hold, for hints."""
    return "; ".join(
        " or ".join(d.names or (d.id,)) + " (" + ", ".join(d.words) + ")"
        for d in DIRECTIONS.values()
    )


def code_of(bits: int) -> str | None:
    """The direction's code (``None``: exact)."""
    return None if bits == EXACT else DIRECTIONS[bits].id


def direction_of(code: str | None) -> int:
    """The bits of a direction's code (``None``: exact)."""
    if code is None:
        return EXACT
    return next(d.bits for d in DIRECTIONS.values() if d.id == code)


def word(bits: int, lang: str) -> str:
    """The word shown before a bounded figure (``""``: exact)."""
    if bits == EXACT:
        return ""
    found = DIRECTIONS[bits]
    return found.vi if lang == "vi" else found.en


# ---------------------------------------------------------------- bits, on any carrier


def has(bits: Any, flag: int) -> Any:
    """Whether ``bits`` has ``flag`` (``ABOVE`` or ``BELOW``)."""
    return (bits // flag) % 2 == 1


def union(*bits: Any) -> Any:
    """The bits of a sum of parts: may be above if some part may be, below likewise."""
    if not any(is_expression(b) for b in bits):
        result = 0
        for b in bits:
            result |= b
        return result
    import narwhals as nw

    above = nw.max_horizontal(*[(b // ABOVE) % 2 for b in bits])
    below = nw.max_horizontal(*[(b // BELOW) % 2 for b in bits])
    return above * ABOVE + below * BELOW


def through(bits: Any, sign: int) -> Any:
    """The bound an input's ``bits`` give a value with sign ``sign`` in it (+1 increasing, −1
    decreasing, 0 unknown)."""
    if sign == 1:
        return bits
    if sign == -1:  # above and below trade places
        return (bits // ABOVE) % 2 * BELOW + (bits // BELOW) % 2 * ABOVE
    if not is_expression(bits):
        return ABOUT if bits else EXACT
    return where(bits == 0, 0, ABOUT)


# ---------------------------------------------------------------- signs of formulas


def operand_signs(
    kind: str, nonnegative: Sequence[bool], constants: Sequence[Fraction | None]
) -> tuple[int, ...]:
    """How an operation's value moves with each operand: +1 increasing, −1 decreasing, 0 unknown.

    ``nonnegative[i]``: operand ``i`` is never negative; ``constants[i]``: its value when it is a
    constant. ``a * b`` increases with ``a`` where ``b`` is not negative; ``a / b`` increases with
    ``a`` where ``b`` is not negative (and not 0: else there is no value) and decreases with ``b``
    where ``a`` is not negative."""

    def sign_of(i: int) -> int:
        constant = constants[i]
        if constant is not None:
            return (constant > 0) - (constant < 0)
        return 1 if nonnegative[i] else 0

    if kind == "+":
        return (1, 1)
    if kind == "-":
        return (1, -1)
    if kind == "neg":
        return (-1,)
    if kind in ("min", "max"):
        return tuple(1 for _ in nonnegative)
    if kind == "*":
        return (sign_of(1), sign_of(0))
    if kind == "/":
        return (sign_of(1), -sign_of(0))
    return tuple(0 for _ in nonnegative)  # comparisons, and, or, not: no sign


def merge_signs(a: int | None, b: int | None) -> int | None:
    """The sign of a value in an input it reads in two places (``None``: does not read it)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if a == b else 0


# ---------------------------------------------------------------- verdicts


def _attainable(diff: Any, bits: Any) -> tuple[Any, Any, Any]:
    """Whether the true value minus a threshold may be below 0, 0, above 0, when the figure
    minus the threshold is ``diff`` and the figure's bound is ``bits``."""
    up, down = has(bits, ABOVE), has(bits, BELOW)
    below = (diff < 0) | down
    equal = (diff == 0) | ((diff < 0) & up) | ((diff > 0) & down)
    above = (diff > 0) | up
    return below, equal, above


def settles(allowed: Any, diff: Any, bits: Any) -> tuple[Any, Any]:
    """(surely met, surely not met) of a comparison allowing the signs ``allowed`` (a mask of
    [`comparisons`][bdg_indicators.rules.comparisons] bits), for a figure with ``diff`` = figure −
    threshold and bound ``bits``. Both are false when the bound leaves it open; for an exact
    figure, exactly one is true."""
    may = _attainable(diff, bits)
    allows = [(allowed // bit) % 2 == 1 for bit in (SIGN_BELOW, SIGN_EQUAL, SIGN_ABOVE)]
    if not is_expression(diff) and not is_expression(bits) and not is_expression(allowed):
        sure = all(a or not m for m, a in zip(may, allows, strict=True))
        never = all(not (a and m) for m, a in zip(may, allows, strict=True))
        return sure, never
    sure = (allows[0] | ~may[0]) & (allows[1] | ~may[1]) & (allows[2] | ~may[2])
    never = ~(allows[0] & may[0]) & ~(allows[1] & may[1]) & ~(allows[2] & may[2])
    return sure, never


# ---------------------------------------------------------------- display


def shown(value: Fraction, decimals: int, bits: int) -> Fraction:
    """The value rounded to ``decimals`` for display: toward its safe side for a bound (up when
    the true value may be below only, down when above only), so that "tối đa 13,9%" is true of
    every value the figure allows; unchanged otherwise (formatting rounds it half away from
    zero)."""
    scale = Fraction(10) ** decimals
    if bits == BELOW:
        return Fraction(math.ceil(value * scale)) / scale
    if bits == ABOVE:
        return Fraction(math.floor(value * scale)) / scale
    return value


def unknown_members(bits: Any, unknown: Any) -> Any:
    """The bound of a share counted over members some of which are unknown (no value, no
    verdict): they stay in its denominator as not meeting the condition, so the share shown is
    the least it can be and the true share **may be above** it; ``bits`` are the share's bounds
    from its members' own figures."""
    if not is_expression(unknown):
        return bits | ABOVE if unknown > 0 else bits
    return where(unknown > 0, bits | ABOVE, bits)
