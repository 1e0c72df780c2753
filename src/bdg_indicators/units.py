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

Speed: importing pint and building a registry takes a third of a second, more than everything
else ``bdg validate`` does. So every unit name and spelling of the definitions file is also
stored, as pint computes it (canonical name, factor to base units, dimension), in
``data/units-table.json``; pint is imported only for units not in that table (compound units
such as ``child / year``). A test regenerates the table with pint and fails if it differs, and
``python -m bdg_indicators.units`` rewrites it after the definitions change.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import attrs

from .errors import Problem, UnitError, did_you_mean

__all__ = [
    "ONE",
    "Dimension",
    "UnitInfo",
    "canonical_unit",
    "conversion_factor",
    "difference_unit",
    "dimension_of",
    "is_percent",
    "registry",
    "unit_info",
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


@attrs.frozen
class UnitInfo:
    """A unit as the library uses it: a name, its exact factor to base units, its dimension.

    Products and quotients of units (as formulas form them) are ``UnitInfo`` too, so a
    formula's unit is derived without pint once its inputs' units are known.
    """

    name: str
    """The registry's name (``percent``, ``ty_dong``) or a product such as ``person / year``."""
    factor: Fraction
    """Exact factor to the base units (0.01 for percent, 10**9 for tỷ đồng)."""
    dimensionality: Dimension
    """The dimension, as sorted (base dimension, exponent) pairs; ``()`` is a pure number."""

    def __mul__(self, other: UnitInfo) -> UnitInfo:
        return _combine(self, other, 1, f"{self.name} * {other.name}")

    def __truediv__(self, other: UnitInfo) -> UnitInfo:
        return _combine(self, other, -1, f"{self.name} / {other.name}")

    def __str__(self) -> str:
        return self.name


def _combine(left: UnitInfo, right: UnitInfo, sign: int, name: str) -> UnitInfo:
    dims = dict(left.dimensionality)
    for key, power in right.dimensionality:
        dims[key] = dims.get(key, 0) + sign * power
    dimension = tuple(sorted((k, v) for k, v in dims.items() if v))
    factor = left.factor * right.factor if sign > 0 else left.factor / right.factor
    if not dimension and factor == 1:
        name = "dimensionless"
    return UnitInfo(name=name, factor=factor, dimensionality=dimension)


ONE = UnitInfo(name="dimensionless", factor=Fraction(1), dimensionality=())
"""The unit of pure numbers."""


@cache
def registry() -> Any:
    """The library's one pint ``UnitRegistry`` (built on first use, then shared)."""
    import pint  # imported lazily: a heavy module, needed only for units not in the table

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
def _table() -> dict[str, UnitInfo]:
    raw = resources.files("bdg_indicators").joinpath("data/units-table.json").read_text("utf-8")
    return {
        key: UnitInfo(
            name=v["name"],
            factor=Fraction(v["factor"]),
            dimensionality=tuple((d, int(p)) for d, p in v["dimension"]),
        )
        for key, v in json.loads(raw).items()
    }


def _with_pint(normalised: str, text: str) -> UnitInfo:
    reg = registry()
    if not normalised:
        return ONE
    try:
        units = reg.parse_units(normalised)
    except Exception as exc:  # pint raises several types for unknown or malformed units
        raise UnitError(
            [Problem(code="unknown-unit", message=f"unknown unit `{text}`", hint=_unit_hint(text))]
        ) from exc
    base = reg.Quantity(Fraction(1), units).to_base_units()
    dimension = tuple(sorted((str(k), int(v)) for k, v in units.dimensionality.items()))
    name = str(units) or "dimensionless"
    return UnitInfo(name=name, factor=Fraction(base.magnitude), dimensionality=dimension)


@cache
def unit_info(text: str) -> UnitInfo:
    """The unit written ``text``, in any accepted spelling (raises ``UnitError``)."""
    normalised = _normalise(text)
    found = _table().get(normalised)
    if found is not None:
        return found
    return _with_pint(normalised, text)


def _unit_hint(text: str) -> str:
    names = sorted(set(_table()) | {src for src, _ in _ALIASES})
    hint = did_you_mean(text.strip(), names)
    return hint or "see the units reference in the docs for the names the library knows"


def canonical_unit(text: str) -> str:
    """The registry's name for a unit written in any accepted spelling (raises ``UnitError``)."""
    return unit_info(text).name


def dimension_of(text: str) -> Dimension:
    """The dimension of a unit, as sorted (base dimension, exponent) pairs."""
    return unit_info(text).dimensionality


def factor_between(source: UnitInfo, target: UnitInfo) -> Fraction:
    """Exact factor from ``source`` to ``target`` (raises ``UnitError`` if dimensions differ)."""
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            [Problem(code="unit-mismatch", message=f"`{source}` cannot be converted to `{target}`")]
        )
    return source.factor / target.factor


@cache
def conversion_factor(source: str, target: str) -> Fraction:
    """Exact factor ``f`` such that a value in ``source`` times ``f`` is the value in ``target``.

    Raises ``UnitError`` when the dimensions differ.
    """
    src, dst = unit_info(source), unit_info(target)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            [Problem(code="unit-mismatch", message=f"`{source}` cannot be converted to `{target}`")]
        )
    return src.factor / dst.factor


def is_percent(text: str) -> bool:
    """Whether the unit is percent (so its differences are percentage points)."""
    return canonical_unit(text) in _PERCENT_NAMES


def difference_unit(text: str) -> str:
    """The unit of the difference of two values in ``text``: percentage points for percent."""
    return "percentage_point" if is_percent(text) else canonical_unit(text)


def _names() -> Iterator[str]:
    """Every unit name and symbol of the definitions file, and every alias target."""
    reg = registry()
    seen: set[str] = set()
    for name, definition in reg._units.items():
        for key in (name, getattr(definition, "symbol", None), *getattr(definition, "aliases", ())):
            if key and key != "_" and key not in seen:
                seen.add(key)
                yield key
    for _, target in _ALIASES:
        if target not in seen:
            seen.add(target)
            yield target


def build_table() -> dict[str, dict[str, Any]]:
    """The unit table as pint computes it from the definitions file."""
    table = {}
    for name in sorted(_names()):
        info = _with_pint(name, name)
        table[name] = {
            "name": info.name,
            "factor": str(info.factor),
            "dimension": [list(pair) for pair in info.dimensionality],
        }
    return table


def table_path() -> str:
    """Where the shipped unit table lives."""
    return str(resources.files("bdg_indicators").joinpath("data/units-table.json"))


def write_table() -> None:  # pragma: no cover - maintenance command
    """Rewrite the shipped unit table after ``data/units.txt`` changed::

    python -c "from bdg_indicators.units import write_table; write_table()"
    """
    table = build_table()
    lines = [
        f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
        for k, v in table.items()
    ]
    with open(table_path(), "w", encoding="utf-8") as handle:
        handle.write("{\n" + ",\n".join(lines) + "\n}\n")
