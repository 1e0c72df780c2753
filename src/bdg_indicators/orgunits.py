"""Org units: the country, provinces, districts, communes and agencies that report, over time.

An [`OrgUnitTree`][bdg_indicators.OrgUnitTree] holds org units by key, with Vietnamese names
normalised to Unicode NFC (so a name typed in decomposed form still matches), a level, a parent,
and attributes that milestones may depend on (e.g. ``commune_group: mountain_island``).

Org units have a history. Each has a validity (``valid_from``, ``valid_until``: from its first
day to the first day it no longer exists), and [`OrgUnitLink`][bdg_indicators.OrgUnitLink]s say
what passed from a unit to its successors on a date (the whole of it, or a part, with a weight
where one is known). A code is resolved with a date: the same code at two dates may be two org
units (Viet Nam's statistics office reused many codes on 1 July 2025), so a unit's *key* is its
code, followed by ``@`` and its first day when it has one (``51`` was Quảng Ngãi until 1 July
2025; ``51@2025-07-01`` is the Quảng Ngãi made that day from it and Kon Tum). A parent is
always a unit of the same time: a unit whose parent changes is a new unit.

The models know nothing of files; [`load_org_units`][bdg_indicators.load_org_units] reads them
(module [`orgunit_files`][bdg_indicators.orgunit_files]).
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from collections.abc import Iterator, Mapping
from fractions import Fraction

import attrs

__all__ = ["LEVELS", "LINK_KINDS", "OrgUnit", "OrgUnitLink", "OrgUnitTree", "fold"]

LEVELS = ("country", "province", "district", "commune", "agency")
"""The levels an org unit may have, from the top."""


LINK_KINDS = ("whole", "part")
"""What a link passes: the ``whole`` org unit (all of its territory and people: "nhập toàn bộ"),
or a ``part`` of it ("một phần")."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """``text`` for searching: NFC, without diacritics, đ as d, case-folded (``"Quảng Nam"`` and
    ``"quang nam"`` both give ``"quang nam"``)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


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
    valid_from: datetime.date | None = None
    """Its first day (``None``: it existed before any date the tree knows)."""
    valid_until: datetime.date | None = None
    """The first day it no longer exists (``None``: it still exists)."""
    kind: str | None = None
    """Its type in words, where known: ``tỉnh``, ``thành phố``, ``xã``, ``phường``, ``đặc khu``…"""

    @property
    def key(self) -> str:
        """Its key in a tree: the code, or ``code@first-day`` for a unit that begins on a date."""
        return self.code if self.valid_from is None else f"{self.code}@{self.valid_from}"

    def attribute(self, name: str) -> str | None:
        """The value of an attribute, or ``None``."""
        return dict(self.attributes).get(name)

    def exists_on(self, day: datetime.date) -> bool:
        """Whether it exists on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


@attrs.frozen(kw_only=True)
class OrgUnitLink:
    """What passed from one org unit to another on a date ("sáp nhập", "nhập một phần")."""

    old: str
    """The key of the unit that passed it on."""
    new: str
    """The key of the unit that received it."""
    on: datetime.date
    """The day the change took effect (the new unit's first day)."""
    kind: str = "whole"
    """One of [`LINK_KINDS`][bdg_indicators.orgunits.LINK_KINDS]."""
    weight: Fraction | None = None
    """For a ``part``: the share of the old unit's figures that passed, where known."""
    weight_of: str | None = None
    """What ``weight`` is a share of (a data item, or ``population``), where stated."""
    note: str | None = None
    """The wording of the source ("một phần diện tích, toàn bộ dân số")."""


@attrs.frozen
class OrgUnitTree:
    """Org units by key, with their parent-child links and, over time, the links from each unit
    to its successors."""

    org_units: Mapping[str, OrgUnit]
    """Every org unit by key ([`OrgUnit.key`][bdg_indicators.OrgUnit.key])."""
    links: tuple[OrgUnitLink, ...] = ()
    """What passed from unit to unit, in the order given."""

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
                stack.append(child.key)
        return tuple(result)

    def find(self, name: str) -> tuple[OrgUnit, ...]:
        """Org units whose name matches ``name`` (NFC-normalised, case-insensitive)."""
        wanted = _nfc(name).casefold()
        return tuple(u for u in self.org_units.values() if u.name.casefold() == wanted)

    def search(self, text: str) -> tuple[OrgUnit, ...]:
        """Org units whose name or code contains ``text``, without regard to diacritics or case
        (``quang nam`` finds Tỉnh Quảng Nam)."""
        wanted = fold(text)
        return tuple(
            u for u in self.org_units.values() if wanted in fold(u.name) or wanted == u.code
        )

    @functools.cached_property
    def _versions(self) -> dict[str, tuple[OrgUnit, ...]]:
        index: dict[str, list[OrgUnit]] = {}
        for unit in self.org_units.values():
            index.setdefault(unit.code, []).append(unit)
        never = datetime.date.min
        return {c: tuple(sorted(v, key=lambda u: u.valid_from or never)) for c, v in index.items()}

    def versions(self, code: str) -> tuple[OrgUnit, ...]:
        """Every org unit that has had ``code``, oldest first."""
        return self._versions.get(code, ())

    def resolve(self, code: str, day: datetime.date) -> OrgUnit | None:
        """The org unit ``code`` names on ``day`` (``None`` if none existed then)."""
        return next((u for u in self.versions(code) if u.exists_on(day)), None)

    def at(self, day: datetime.date) -> OrgUnitTree:
        """The tree of ``day``: the org units that exist on it, without links."""
        return OrgUnitTree({k: u for k, u in self.org_units.items() if u.exists_on(day)})

    @functools.cached_property
    def _links(self) -> tuple[dict[str, list[OrgUnitLink]], dict[str, list[OrgUnitLink]]]:
        before: dict[str, list[OrgUnitLink]] = {}
        after: dict[str, list[OrgUnitLink]] = {}
        for link in self.links:
            after.setdefault(link.old, []).append(link)
            before.setdefault(link.new, []).append(link)
        return before, after

    def predecessors(self, key: str) -> tuple[OrgUnitLink, ...]:
        """The links into the unit ``key``: what it was made from."""
        return tuple(self._links[0].get(key, ()))

    def successors(self, key: str) -> tuple[OrgUnitLink, ...]:
        """The links out of the unit ``key``: where it went."""
        return tuple(self._links[1].get(key, ()))

    @property
    def has_history(self) -> bool:
        """Whether any org unit has a validity or a link."""
        return bool(self.links) or any(
            u.valid_from is not None or u.valid_until is not None for u in self.org_units.values()
        )
