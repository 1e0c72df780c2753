"""A figure as a report prints it: ``97,9%``, ``17.101/17.471``, ``20.000.000 đ``, ``96,245 tỷ
đồng``, ``12/14``, ``trên 200.000``, read exactly, with the interval its printed precision implies.

A printed number stands for every value that rounds to it, half away from zero, as
`bdg_indicators.describe.format_number` rounds: ``97,9`` covers 97.85 (which
rounds up to 97,9) up to but not including 97.95 (which rounds to 98,0), the half-open interval
``[97.85, 97.95)``; for a negative figure the interval is open at its lower end. The last digit
printed sets the precision, trailing zeros included: ``20.000.000 đ`` covers
``[19.999.999,5; 20.000.000,5)``. A fraction ``a/b`` is two whole numbers: it is exact.

Numbers follow the claims file's locale: ``vi`` (the default: ``,`` decimal, ``.`` thousands),
``en`` (``.`` decimal, ``,`` thousands) or ``machine`` (``.`` decimal, no thousands). A number that
is malformed in the declared locale but reads in another (``97.9`` in a ``vi`` file) is not
guessed: it is [`Unreadable`][bdg_indicators.claims.printed.Unreadable], ``ambiguous-number``.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

import attrs

from bdg_indicators.rules.bounds import EXACT, read_bound

__all__ = ["LOCALES", "SCALES", "Printed", "Unreadable", "parse_printed", "rounded"]

LOCALES = ("vi", "en", "machine")
"""The number notations a claims file may declare."""

SCALES: dict[str, int] = {"nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9}
"""Scale words and their powers of ten (``96,245 tỷ`` is 96.245 × 10⁹)."""

_NUMBER = {
    "vi": re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?"),
    "en": re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"),
    "machine": re.compile(r"(\d+)(?:\.(\d+))?"),
}
_GROUPS = {"vi": ".", "en": ",", "machine": ""}
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SHAPE = re.compile(r"(?P<sign>[-+−]?)(?P<num>\d[\d.,]*)(?:\s*/\s*(?P<den>\d[\d.,]*))?(?P<rest>.*)")
_UNITS = {
    "%": "percent",
    "‰": "per_1000",
    "đ": "dong",
    "đồng": "dong",
    "vnd": "dong",
    "vnđ": "dong",
}
_BOUND_WORDS = (
    "chưa đến",
    "không quá",
    "ít nhất",
    "xấp xỉ",
    "khoảng",
    "trên",
    "hơn",
    "dưới",
    "gần",
)


@attrs.frozen(kw_only=True)
class Printed:
    """A printed figure, read exactly."""

    text: str
    """The figure as printed."""
    number: Fraction
    """The number as printed (96,245 is 96.245), or the numerator of a fraction ``a/b``."""
    decimals: int
    """How many decimals were printed: the precision."""
    denominator: int | None = None
    """The denominator of a fraction ``a/b`` (``None``: a plain number)."""
    scale: int = 0
    """The power of ten of a scale word (``tỷ``: 9)."""
    unit: str | None = None
    """The unit printed, as the registry names it (``percent``, ``per_1000``, ``dong``), or
    ``None``: none, or a noun (``em``, ``chỉ tiêu``) read as the compared figure's own unit."""
    noun: str = ""
    """What follows the number, as printed (``%``, ``tỷ đồng``, ``chỉ tiêu``)."""
    bound: int = EXACT
    """A bound word before the number (``trên``, ``gần``, ``khoảng``): bits of
    [`rules.bounds`][bdg_indicators.rules.bounds]."""

    @property
    def is_fraction(self) -> bool:
        """Whether it is a fraction ``a/b`` (two whole numbers, exact)."""
        return self.denominator is not None

    @property
    def low(self) -> Fraction:
        """The lower end of the values it stands for."""
        return self.number if self.is_fraction else self.number - self.half_unit

    @property
    def high(self) -> Fraction:
        """The upper end of the values it stands for."""
        return self.number if self.is_fraction else self.number + self.half_unit

    @property
    def half_unit(self) -> Fraction:
        """Half a unit of the last printed digit (0,05 for ``97,9``)."""
        return Fraction(1, 2 * 10**self.decimals)

    def covers(self, value: Fraction) -> bool:
        """Whether ``value`` (in the printed unit and scale) prints as this figure: it rounds,
        half away from zero, to the printed number (for a fraction: equals ``a/b``)."""
        if self.denominator is not None:
            return value == self.number / self.denominator
        return rounded(value, self.decimals) == self.number

    def interval(self) -> str:
        """The interval in machine notation: ``[97.85, 97.95)``, ``(-97.95, -97.85]``, a
        single value ``[17101/17471]`` for a fraction."""
        if self.denominator is not None:
            return f"[{self.number}/{self.denominator}]"
        low, high = _plain(self.low, self.decimals + 1), _plain(self.high, self.decimals + 1)
        left = "[" if self.number > 0 else "("
        right = ")" if self.number >= 0 else "]"
        return f"{left}{low}, {high}{right}"


@attrs.frozen(kw_only=True)
class Unreadable:
    """A printed figure that cannot be read as the file's locale declares."""

    text: str
    reason: str
    """``ambiguous-number`` (it reads in another notation) or ``bad-number``."""
    message: str


def rounded(value: Fraction, decimals: int) -> Fraction:
    """``value`` rounded half away from zero to ``decimals``, as
    `bdg_indicators.describe.format_number` rounds."""
    scaled = abs(value) * 10**decimals
    whole = int(scaled + Fraction(1, 2))
    return Fraction(whole if value >= 0 else -whole, 10**decimals)


def _plain(value: Fraction, decimals: int) -> str:
    """An exact decimal in machine notation, trailing zeros dropped."""
    text = f"{abs(value) * 10**decimals // 1:0{decimals + 1}d}"
    whole, frac = text[: len(text) - decimals], text[len(text) - decimals :].rstrip("0")
    sign = "-" if value < 0 else ""
    return sign + whole + (f".{frac}" if frac else "")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def _split_bound(text: str) -> tuple[int, str]:
    lower = text.lower()
    for word in _BOUND_WORDS:
        if lower.startswith(word + " "):
            bits = read_bound(word)
            assert bits is not None
            return bits, text[len(word) :].strip()
    return EXACT, text


def _number(text: str, locale: str) -> tuple[Fraction, int] | None:
    """An unsigned number in ``locale``: its value and decimals, or ``None``."""
    match = _NUMBER[locale].fullmatch(text)
    if match is None:
        return None
    whole, frac = match.group(1), match.group(2) or ""
    if _GROUPS[locale]:
        whole = whole.replace(_GROUPS[locale], "")
    return Fraction(int(whole + frac), 10 ** len(frac)), len(frac)


def _read(text: str, locale: str) -> tuple[Fraction, int] | Unreadable:
    """An unsigned number in the declared locale, or why it cannot be read."""
    found = _number(text, locale)
    if locale == "machine" and _DOTTED.fullmatch(text):
        return Unreadable(
            text=text,
            reason="ambiguous-number",
            message=f"`{text}` is {text} in machine notation but "
            f"{text.replace('.', '')} in `vi` notation: not guessed",
        )
    if found is not None:
        return found
    others = [other for other in LOCALES if other != locale and _number(text, other)]
    if others:
        other = others[0]
        value = _number(text, other)
        assert value is not None
        return Unreadable(
            text=text,
            reason="ambiguous-number",
            message=f"`{text}` is not a number in `{locale}` notation; in `{other}` notation "
            f"it would be {_plain(value[0], value[1])}: not guessed",
        )
    return Unreadable(text=text, reason="bad-number", message=f"`{text}` is not a number")


def _unit(rest: str) -> tuple[int, str | None] | None:
    """The scale word and unit after the number (``None``: not a unit this module reads)."""
    words = rest.split(" ", 1)
    scale = SCALES.get(words[0].lower(), 0)
    unit_text = (words[1] if len(words) > 1 else "") if scale else rest
    if unit_text.lower() in _UNITS:
        return scale, _UNITS[unit_text.lower()]
    if unit_text and not unit_text[0].isalpha():
        return None
    return scale, None


def parse_printed(text: str, locale: str = "vi") -> Printed | Unreadable:
    """Read a printed figure in ``locale`` (``vi``, ``en`` or ``machine``)."""
    if locale not in LOCALES:
        raise ValueError(f"locale is one of {', '.join(LOCALES)}")
    clean = _normal(text)
    bound, body = _split_bound(clean)
    shape = _SHAPE.fullmatch(body)
    if shape is None:
        return Unreadable(text=clean, reason="bad-number", message=f"`{clean}` is not a number")
    number = _read(shape["num"], locale)
    if isinstance(number, Unreadable):
        return attrs.evolve(number, text=clean)
    rest = shape["rest"].strip()
    unit = _unit(rest)
    if unit is None:
        return Unreadable(
            text=clean, reason="bad-number", message=f"`{rest}` after the number is not a unit"
        )
    sign = -1 if shape["sign"] in ("-", "−") else 1
    denominator = None
    if shape["den"] is not None:
        den = _read(shape["den"], locale)
        if isinstance(den, Unreadable):
            return attrs.evolve(den, text=clean)
        if number[1] or den[1] or den[0] == 0:
            return Unreadable(
                text=clean,
                reason="bad-number",
                message=f"`{clean}`: a fraction is two whole numbers, the second not 0",
            )
        denominator = int(den[0])
    return Printed(
        text=clean,
        number=sign * number[0],
        decimals=number[1],
        denominator=denominator,
        scale=unit[0],
        unit=unit[1],
        noun=rest,
        bound=bound,
    )
