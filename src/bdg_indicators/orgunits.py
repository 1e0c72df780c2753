"""Org units: the country, provinces, districts, communes and agencies that report.

An [`OrgUnitTree`][bdg_indicators.OrgUnitTree] holds org units by code (the General Statistics
Office's administrative codes where known), with Vietnamese names normalised to Unicode NFC (so a
name typed in decomposed form still matches), a level, a parent, and attributes that milestones
may depend on (e.g. ``commune_group: mountain_island``).

Files: YAML (``bdg_org_units: 1`` and a list ``org_units`` of mappings with ``code``, ``name``,
``level``, ``parent``, ``attributes``) or CSV (columns ``code,name,level,parent`` and one column
``attr.NAME`` per attribute).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ._yaml import YamlNumber, decode_text, read_yaml
from .errors import Location, OrgUnitError, Problem

__all__ = ["LEVELS", "OrgUnit", "OrgUnitTree", "load_org_units", "read_org_units"]

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

    units: Mapping[str, OrgUnit]
    """Every org unit by code."""

    def __getitem__(self, code: str) -> OrgUnit:
        return self.units[code]

    def __contains__(self, code: object) -> bool:
        return code in self.units

    def __iter__(self) -> Iterator[OrgUnit]:
        return iter(self.units.values())

    def __len__(self) -> int:
        return len(self.units)

    @functools.cached_property
    def _children(self) -> dict[str, tuple[OrgUnit, ...]]:
        index: dict[str, list[OrgUnit]] = {}
        for unit in self.units.values():
            if unit.parent is not None:
                index.setdefault(unit.parent, []).append(unit)
        return {code: tuple(units) for code, units in index.items()}

    def children(self, code: str) -> tuple[OrgUnit, ...]:
        """The direct children of an org unit."""
        return self._children.get(code, ())

    def ancestors(self, code: str) -> tuple[OrgUnit, ...]:
        """The parent, grandparent, ... of an org unit, nearest first."""
        result = []
        unit = self.units[code]
        while unit.parent is not None:
            unit = self.units[unit.parent]
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
        return tuple(u for u in self.units.values() if u.name.casefold() == wanted)


def _build(rows: list[tuple[dict[str, Any], Location]], problems: list[Problem]) -> OrgUnitTree:
    units: dict[str, OrgUnit] = {}
    where: dict[str, Location] = {}
    for row, location in rows:
        code, name, level = row.get("code"), row.get("name"), row.get("level")
        missing = [k for k, v in (("code", code), ("name", name), ("level", level)) if not v]
        if missing:
            problems.append(
                Problem(
                    code="missing-key",
                    message="org unit needs " + ", ".join(f"`{m}`" for m in missing),
                    location=location,
                )
            )
            continue
        if level not in LEVELS:
            problems.append(
                Problem(
                    code="invalid-value",
                    message=f"`{level}` is not a level",
                    location=location,
                    hint="use one of " + ", ".join(LEVELS),
                )
            )
            continue
        if code in units:
            problems.append(
                Problem(
                    code="duplicate-org-unit",
                    message=f"org unit `{code}` is listed twice (first at {where[code]})",
                    location=location,
                )
            )
            continue
        attributes = tuple(
            sorted(
                (str(k), str(v))
                for k, v in row.get("attributes", {}).items()
                if v not in (None, "")
            )
        )
        units[str(code)] = OrgUnit(
            code=str(code),
            name=str(name),
            level=str(level),
            parent=str(row["parent"]) if row.get("parent") else None,
            attributes=attributes,
        )
        where[str(code)] = location
    for code, unit in units.items():
        if unit.parent is not None and unit.parent not in units:
            problems.append(
                Problem(
                    code="unknown-parent",
                    message=f"org unit `{code}` has "
                    f"parent `{unit.parent}`, which is not in the file",
                    location=where[code],
                )
            )
    for code in units:
        seen = {code}
        unit = units[code]
        while unit.parent is not None and unit.parent in units:
            if unit.parent in seen:
                problems.append(
                    Problem(
                        code="org-unit-cycle",
                        message=f"org unit `{code}` is its own ancestor",
                        location=where[code],
                    )
                )
                break
            seen.add(unit.parent)
            unit = units[unit.parent]
    return OrgUnitTree(units)


def _is_nested(value: Any) -> bool:
    return isinstance(value, dict | list)


def _scalar(value: Any) -> Any:
    return value.text if isinstance(value, YamlNumber) else value


def read_org_units(path: str | os.PathLike[str]) -> tuple[OrgUnitTree | None, tuple[Problem, ...]]:
    """Read org units from a YAML or CSV file; return the tree (``None`` on errors) and problems."""
    display = os.fspath(path)
    problems: list[Problem] = []
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, (
            Problem(
                code="file-not-found",
                message=str(exc.strerror or exc),
                location=Location(file=display),
            ),
        )
    text, decode_problems = decode_text(data, display)
    problems.extend(decode_problems)
    if text is None:
        return None, tuple(problems)
    rows: list[tuple[dict[str, Any], Location]] = []
    if display.lower().endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        fields = reader.fieldnames or []
        for needed in ("code", "name", "level"):
            if needed not in fields:
                problems.append(
                    Problem(
                        code="csv-format",
                        message=f"missing column `{needed}`",
                        location=Location(file=display, line=1),
                    )
                )
        if not problems or all(not p.is_error for p in problems):
            for number, raw in enumerate(reader, start=2):
                row: dict[str, Any] = {
                    k: (v or "").strip() for k, v in raw.items() if k and not k.startswith("attr.")
                }
                row["attributes"] = {
                    k[5:]: (v or "").strip() for k, v in raw.items() if k and k.startswith("attr.")
                }
                rows.append((row, Location(file=display, line=number)))
    else:
        doc = read_yaml(text, display)
        problems.extend(doc.problems)
        value = doc.value
        if isinstance(value, dict) and isinstance(value.get("org_units"), list):
            for index, item in enumerate(value["org_units"]):
                at = doc.locate(("org_units", index))
                if not isinstance(item, dict):
                    problems.append(
                        Problem(code="wrong-type", message="expected a mapping", location=at)
                    )
                    continue
                unknown = set(item) - {"code", "name", "level", "parent", "attributes"}
                for key in sorted(unknown):
                    problems.append(
                        Problem(
                            code="unknown-key",
                            message=f"unknown key `{key}`",
                            location=doc.locate(("org_units", index, key), key=True),
                        )
                    )
                attributes = item.get("attributes") or {}
                # code, name, level and parent are text; attributes a mapping of text
                nested: list[tuple[str, ...]] = [
                    (k,) for k, v in item.items() if k != "attributes" and _is_nested(v)
                ]
                if not isinstance(attributes, dict):
                    nested.append(("attributes",))
                else:
                    nested += [("attributes", k) for k, v in attributes.items() if _is_nested(v)]
                for sub in nested:
                    problems.append(
                        Problem(
                            code="wrong-type",
                            message=f"`{'.'.join(sub)}` must be "
                            + ("a mapping" if sub == ("attributes",) else "text"),
                            location=doc.locate(("org_units", index, *sub)),
                        )
                    )
                if nested:
                    continue
                rows.append(
                    (
                        {
                            **{k: _scalar(v) for k, v in item.items() if k != "attributes"},
                            "attributes": {k: _scalar(v) for k, v in attributes.items()},
                        },
                        at,
                    )
                )
        elif not any(p.is_error for p in problems):
            problems.append(
                Problem(
                    code="wrong-type",
                    message="an org-unit file has a list `org_units`",
                    location=doc.locate(()),
                )
            )
    tree = _build(rows, problems)
    if any(p.is_error for p in problems):
        return None, tuple(problems)
    return tree, tuple(problems)


def load_org_units(path: str | os.PathLike[str]) -> OrgUnitTree:
    """Load org units from a YAML or CSV file.

    Raises [`OrgUnitError`][bdg_indicators.OrgUnitError].
    """
    tree, problems = read_org_units(path)
    if tree is None:
        raise OrgUnitError(problems)
    return tree
