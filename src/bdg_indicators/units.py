"""Units of measure: one pint registry for the whole library, with the domain's units.

The registry is built once, lazily, from ``data/units.txt`` (shipped with the package), and holds
only the domain's units, so it builds in milliseconds. Count nouns (person, child, household,
commune, agency, case, birth, ...) share one dimension, so ``literate / population`` is a pure
ratio that can be shown as a percent. Vietnamese spellings are accepted: ``tỷ đồng`` (also ``tỉ
đồng``), ``triệu đồng``, ``nghìn đồng``, ``người``, ``trẻ em``, ``lần``, ``giờ``, ``điểm``.

A difference of two percentages is in *percentage points*;
[`difference_unit`][bdg_indicators.units.difference_unit] names it so, where pint alone would
print "percent".

Conversion factors are exact [`Fraction`][fractions.Fraction]s, computed once per unit pair.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from .errors import Problem, UnitError

__all__ = [
    "Dimension",
    "canonical_unit",
    "conversion_factor",
    "difference_unit",
    "dimension_of",
    "is_percent",
    "registry",
]

Dimension = tuple[tuple[str, int], ...]
"""A dimension as sorted (base dimension, exponent) pairs; ``()`` is a pure number."""

# Vietnamese and multi-word spellings -> registry names. Longest first.
_ALIASES: tuple[tuple[str, str], ...] = (
    ("điểm phần trăm", "percentage_point"),
    ("phần trăm", "percent"),
    ("percentage points", "percentage_point"),
    ("percentage point", "percentage_point"),
    ("nghìn đồng", "nghin_dong"),
    ("ngàn đồng", "nghin_dong"),
    ("triệu đồng", "trieu_dong"),
    ("tỷ đồng", "ty_dong"),
    ("tỉ đồng", "ty_dong"),
    ("trẻ em", "child"),
    ("trẻ", "child"),
    ("người", "person"),
    ("hộ", "household"),
    ("xã", "commune"),
    ("vụ", "case"),
    ("lượt", "lot"),
    ("lần", "times"),
    ("giờ", "hour"),
    ("ngày", "day"),
    ("năm", "year"),
    ("điểm", "point"),
    ("đồng", "dong"),
    ("per 100,000", "per_100000"),
    ("per 100000", "per_100000"),
    ("per 1,000", "per_1000"),
    ("per 1000", "per_1000"),
    ("per 100", "per_100"),
    ("‰", "per_1000"),
)
_ALIAS_RE = re.compile(
    "|".join(rf"(?<![\w]){re.escape(src)}(?![\w])" for src, _ in _ALIASES), re.IGNORECASE
)
_ALIAS_MAP = {src.lower(): dst for src, dst in _ALIASES}

_PERCENT_NAMES = frozenset({"percent"})


@cache
def registry() -> Any:
    """The library's one pint ``UnitRegistry`` (built on first use, then shared)."""
    import pint  # imported lazily: a heavy module, needed only when units are checked

    definitions = resources.files("bdg_indicators").joinpath("data/units.txt")
    with resources.as_file(definitions) as path:
        return pint.UnitRegistry(
            str(path),
            non_int_type=Fraction,
            autoconvert_offset_to_baseunit=False,
            cache_folder=None,
        )


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    return _ALIAS_RE.sub(lambda m: _ALIAS_MAP[m.group(0).lower()], text)


@cache
def _parse(text: str) -> Any:
    reg = registry()
    normalised = _normalise(text)
    if not normalised:
        return reg.dimensionless
    try:
        return reg.parse_units(normalised)
    except Exception as exc:  # pint raises several types for unknown or malformed units
        raise UnitError(
            [Problem(code="unknown-unit", message=f"unknown unit `{text}`", hint=_unit_hint(text))]
        ) from exc


def _unit_hint(text: str) -> str:
    import difflib

    names = sorted(set(registry()._units) | {src for src, _ in _ALIASES})
    close = difflib.get_close_matches(text.strip(), names, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return "see the units reference in the docs for the names the library knows"


def canonical_unit(text: str) -> str:
    """The registry's name for a unit written in any accepted spelling (raises ``UnitError``)."""
    return str(_parse(text))


def dimension_of(text: str) -> Dimension:
    """The dimension of a unit, as sorted (base dimension, exponent) pairs."""
    units = _parse(text)
    return tuple(sorted((str(k), int(v)) for k, v in units.dimensionality.items()))


@cache
def conversion_factor(source: str, target: str) -> Fraction:
    """Exact factor ``f`` such that a value in ``source`` times ``f`` is the value in ``target``.

    Raises ``UnitError`` when the dimensions differ.
    """
    reg = registry()
    src, dst = _parse(source), _parse(target)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            [Problem(code="unit-mismatch", message=f"`{source}` cannot be converted to `{target}`")]
        )
    magnitude = reg.Quantity(Fraction(1), src).to(dst).magnitude
    return Fraction(magnitude)


def is_percent(text: str) -> bool:
    """Whether the unit is percent (so its differences are percentage points)."""
    return canonical_unit(text) in _PERCENT_NAMES


def difference_unit(text: str) -> str:
    """The unit of the difference of two values in ``text``: percentage points for percent."""
    return "percentage_point" if is_percent(text) else canonical_unit(text)
