"""Org units: the country, provinces, districts, communes and agencies that report.

An [`OrgUnitTree`][bdg_indicators.OrgUnitTree] holds org units by code (the General Statistics
Office's administrative codes where known), with Vietnamese names normalised to Unicode NFC (so a
name typed in decomposed form still matches), a level, a parent, and attributes that milestones
may depend on (e.g. ``commune_group: mountain_island``).

The models know nothing of files; [`load_org_units`][bdg_indicators.load_org_units] reads them
(module [`orgunit_files`][bdg_indicators.orgunit_files]).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Mapping

import attrs

__all__ = ["LEVELS", "OrgUnit", "OrgUnitTree"]

LEVELS = ("country", "province", "district", "commune", "agency")
"""The levels an org unit may have, from the top."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@attrs.frozen(kw_only=True)
class OrgUnit:
    """Something that reports: a country, province, district, commune or agency."""

    code: str
    """Its code, e.g. ``62`` for Kon Tum province."""
    name: str = attrs.field(converter=_nfc)
    """Its Vietnamese name, in NFC form."""
    level: str
    """One of [`LEVELS`][bdg_indicators.orgunits.LEVELS]."""
    parent: str | None = None
    """The code of its parent, ``None`` for the root."""
    attributes: tuple[tuple[str, str], ...] = ()
    """Attributes targets may depend on, as sorted (name, value) pairs."""

    def attribute(self, name: str) -> str | None:
        """The value of an attribute, or ``None``."""
        return dict(self.attributes).get(name)


@attrs.frozen
class OrgUnitTree:
    """Org units by code, with their parent-child links."""

    org_units: Mapping[str, OrgUnit]
    """Every org unit by code."""

    def __getitem__(self, code: str) -> OrgUnit:
        return self.org_units[code]

    def __contains__(self, code: object) -> bool:
        return code in self.org_units

    def __iter__(self) -> Iterator[OrgUnit]:
        return iter(self.org_units.values())

    def __len__(self) -> int:
        return len(self.org_units)

    @functools.cached_property
    def _children(self) -> dict[str, tuple[OrgUnit, ...]]:
        index: dict[str, list[OrgUnit]] = {}
        for unit in self.org_units.values():
            if unit.parent is not None:
                index.setdefault(unit.parent, []).append(unit)
        return {code: tuple(units) for code, units in index.items()}

    def children(self, code: str) -> tuple[OrgUnit, ...]:
        """The direct children of an org unit."""
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[OrgUnit, ...]:
        """The parent, grandparent, ... of an org unit, nearest first."""
        result = []
        unit = self.org_units[code]
        while unit.parent is not None:
            unit = self.org_units[unit.parent]
            result.append(unit)
        return tuple(result)

    def descendants(self, code: str) -> tuple[OrgUnit, ...]:
        """Every org unit below ``code``."""
        result: list[OrgUnit] = []
        stack = [code]
        while stack:
            for child in self.children(stack.pop()):
                result.append(child)
                stack.append(child.code)
        return tuple(result)

    def find(self, name: str) -> tuple[OrgUnit, ...]:
        """Org units whose name matches ``name`` (NFC-normalised, case-insensitive)."""
        wanted = _nfc(name).casefold()
        return tuple(u for u in self.org_units.values() if u.name.casefold() == wanted)
