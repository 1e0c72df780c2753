"""Org-unit files: YAML (``bdg_org_units: 1`` and a list ``org_units`` of mappings with ``code``,
``name``, ``level``, ``parent``, ``attributes``) or CSV (columns ``code,name,level,parent`` and
one column ``attr.NAME`` per attribute), read into an [`OrgUnitTree`][bdg_indicators.OrgUnitTree]
with located problems.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from ._document import OrgUnitDoc, OrgUnitLinkDoc, structure
from ._yaml import Document, decode_text, read_yaml
from .errors import Location, OrgUnitError, Problem
from .orgunits import LEVELS, LINK_KINDS, OrgUnit, OrgUnitLink, OrgUnitTree
from .vn_units import VN, vn_tree

__all__ = ["load_org_units", "read_org_units"]


def _day(text: Any, location: Location, problems: list[Problem]) -> datetime.date | None:
    """An ISO date (``2025-07-01``); ``None`` with a problem if it is not one."""
    try:
        return datetime.date.fromisoformat(str(text).strip())
    except ValueError:
        problems.append(
            Problem(
                code="invalid-value",
                message=f"`{text}` is not a date",
                location=location,
                hint="write the day as 2025-07-01",
            )
        )
        return None


def _unit(row: dict[str, Any], location: Location, problems: list[Problem]) -> OrgUnit | None:
    """One org unit as written (its parent still a code), or ``None`` with its problems."""
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
        return None
    if level not in LEVELS:
        problems.append(
            Problem(
                code="invalid-value",
                message=f"`{level}` is not a level",
                location=location,
                hint="use one of " + ", ".join(LEVELS),
            )
        )
        return None
    days = {k: row.get(k) or None for k in ("valid_from", "valid_until")}
    dates = {k: _day(v, location, problems) if v else None for k, v in days.items()}
    if any(days[k] and dates[k] is None for k in days):
        return None
    attributes = tuple(
        sorted(
            (str(k), str(v)) for k, v in row.get("attributes", {}).items() if v not in (None, "")
        )
    )
    return OrgUnit(
        code=str(code),
        name=str(name),
        level=str(level),
        parent=str(row["parent"]) if row.get("parent") else None,
        attributes=attributes,
        valid_from=dates["valid_from"],
        valid_until=dates["valid_until"],
        kind=str(row["type"]) if row.get("type") else None,
    )


def _overlap(unit: OrgUnit, others: list[OrgUnit]) -> OrgUnit | None:
    """Another unit of the same code that exists on a day ``unit`` exists."""
    for other in others:
        starts = max(unit.valid_from or datetime.date.min, other.valid_from or datetime.date.min)
        ends = min(unit.valid_until or datetime.date.max, other.valid_until or datetime.date.max)
        if starts < ends:
            return other
    return None


def _units(rows: Rows, problems: list[Problem]) -> tuple[dict[str, OrgUnit], dict[str, Location]]:
    """The units of the rows by key, each code's versions without overlap."""
    units: dict[str, OrgUnit] = {}
    where: dict[str, Location] = {}
    by_code: dict[str, list[OrgUnit]] = {}
    for row, location in rows:
        unit = _unit(row, location, problems)
        if unit is None:
            continue
        other = _overlap(unit, by_code.get(unit.code, []))
        if other is not None:
            first = where[other.key]
            problems.append(
                Problem(
                    code="duplicate-org-unit",
                    message=f"org unit `{unit.code}` is listed twice for the same days "
                    f"(first at {first})",
                    location=location,
                    hint="a code may name two units at two times: give each its valid_from "
                    "and valid_until",
                )
            )
            continue
        units[unit.key] = unit
        where[unit.key] = location
        by_code.setdefault(unit.code, []).append(unit)
    return units, where


def _parents(
    units: dict[str, OrgUnit], where: dict[str, Location], problems: list[Problem]
) -> dict[str, OrgUnit]:
    """The units with their parent's code resolved to the parent of their first day."""
    versions = OrgUnitTree(units)
    resolved: dict[str, OrgUnit] = {}
    for key, unit in units.items():
        parent = None
        if unit.parent is not None:
            day = unit.valid_from or datetime.date.min
            found = (
                versions.org_units.get(unit.parent)
                if "@" in unit.parent
                else versions.resolve(unit.parent, day)
            )
            if found is None:
                problems.append(
                    Problem(
                        code="unknown-parent",
                        message=f"org unit `{unit.code}` has parent `{unit.parent}`, which is "
                        "not in the file"
                        + ("" if not versions.versions(unit.parent) else " on its first day"),
                        location=where[key],
                    )
                )
                continue
            parent = found.key
        resolved[key] = attrs.evolve(unit, parent=parent)
    return resolved


def _cycles(units: dict[str, OrgUnit], where: dict[str, Location], problems: list[Problem]) -> None:
    for key in units:
        seen = {key}
        unit = units[key]
        while unit.parent is not None and unit.parent in units:
            if unit.parent in seen:
                problems.append(
                    Problem(
                        code="org-unit-cycle",
                        message=f"org unit `{units[key].code}` is its own ancestor",
                        location=where[key],
                    )
                )
                break
            seen.add(unit.parent)
            unit = units[unit.parent]


def _build(rows: Rows, problems: list[Problem], links: Rows | None = None) -> OrgUnitTree:
    """The tree of the rows, and its links, with every problem located."""
    units, where = _units(rows, problems)
    units = _parents(units, where, problems)
    _cycles(units, where, problems)
    tree = OrgUnitTree(units)
    found = [_link(tree, row, location, problems) for row, location in links or []]
    return OrgUnitTree(units, tuple(link for link in found if link is not None))


def _link(
    tree: OrgUnitTree, row: dict[str, Any], location: Location, problems: list[Problem]
) -> OrgUnitLink | None:
    """A link with its units resolved: the old one on the day before, the new one on the day."""
    on = _day(row["on"], location, problems)
    if on is None:
        return None
    if row.get("kind", "whole") not in LINK_KINDS:
        problems.append(
            Problem(
                code="invalid-value",
                message=f"`{row['kind']}` is not a kind of link",
                location=location,
                hint="use whole or part",
            )
        )
        return None
    old = tree.resolve(str(row["old"]), on - datetime.timedelta(days=1))
    new = tree.resolve(str(row["new"]), on)
    for code, unit, day in ((row["old"], old, "the day before"), (row["new"], new, "on")):
        if unit is None:
            problems.append(
                Problem(
                    code="unknown-org-unit",
                    message=f"no org unit `{code}` exists {day} {on}",
                    location=location,
                    hint="a link joins the unit as it was the day before `on` to the unit of `on`",
                )
            )
    if old is None or new is None:
        return None
    return OrgUnitLink(
        old=old.key,
        new=new.key,
        on=on,
        kind=str(row.get("kind", "whole")),
        weight=row.get("weight"),
        weight_of=row.get("weight_of"),
        note=row.get("note"),
    )


Rows = list[tuple[dict[str, Any], Location]]


def _csv_rows(text: str, display: str, problems: list[Problem]) -> tuple[Rows, Rows]:
    """Rows of a CSV file: columns ``code,name,level,parent`` (and ``valid_from``,
    ``valid_until``, ``type``) and ``attr.NAME``; no links."""
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
    if any(p.is_error for p in problems):
        return [], []
    rows: Rows = []
    for number, raw in enumerate(reader, start=2):
        row: dict[str, Any] = {
            k: (v or "").strip() for k, v in raw.items() if k and not k.startswith("attr.")
        }
        row["attributes"] = {
            k[5:]: (v or "").strip() for k, v in raw.items() if k and k.startswith("attr.")
        }
        rows.append((row, Location(file=display, line=number)))
    return rows, []


def _yaml_item(
    doc: Document, index: int, item: Any, problems: list[Problem]
) -> dict[str, Any] | None:
    """One entry of ``org_units``, or ``None`` (with its problems).

    Entries are structured by the converter that structures spec files, so that a wrong type, an
    unknown or a missing key is reported with the same code, location and hint.
    """
    unit, found = structure(item, OrgUnitDoc, ("org_units", index), doc)
    problems.extend(found)
    if unit is None:
        return None
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "parent": unit.parent,
        "attributes": dict(unit.attributes or {}),
        "valid_from": unit.valid_from,
        "valid_until": unit.valid_until,
        "type": unit.type,
    }


def _weight(raw: Any, location: Location, problems: list[Problem]) -> Fraction | bool | None:
    """A link's weight, a share from 0 to 1; ``False`` (with a problem) if it is not one."""
    if raw is None:
        return None
    try:
        value = Fraction(str(getattr(raw.value, "text", raw.value)))
    except (ValueError, ZeroDivisionError):
        value = Fraction(-1)
    if not 0 < value <= 1:
        problems.append(
            Problem(
                code="invalid-value",
                message=f"a link's weight is a share above 0 and at most 1, not `{raw.value}`",
                location=location,
                hint="write the share that passed, e.g. 0.4",
            )
        )
        return False
    return value


def _yaml_links(doc: Document, problems: list[Problem]) -> Rows:
    """The ``links`` of a YAML org-unit file, structured and located."""
    rows: Rows = []
    for index, item in enumerate(doc.value.get("links") or []):
        link, found = structure(item, OrgUnitLinkDoc, ("links", index), doc)
        problems.extend(found)
        if link is None:
            continue
        location = doc.locate(("links", index))
        weight = _weight(link.weight, location, problems)
        if weight is False:
            continue
        row = {k: getattr(link, k) for k in ("old", "new", "on", "kind", "weight_of", "note")}
        rows.append(({**row, "weight": weight}, location))
    return rows


def _yaml_rows(text: str, display: str, problems: list[Problem]) -> tuple[Rows, Rows]:
    """Rows of a YAML file: ``bdg_org_units: 1``, a list ``org_units`` and, over time, a list
    ``links``."""
    doc = read_yaml(text, display)
    problems.extend(doc.problems)
    value = doc.value
    if not (isinstance(value, dict) and isinstance(value.get("org_units"), list)):
        if not any(p.is_error for p in problems):
            problems.append(
                Problem(
                    code="wrong-type",
                    message="an org-unit file has a list `org_units`",
                    location=doc.locate(()),
                )
            )
        return [], []
    rows: Rows = []
    for index, item in enumerate(value["org_units"]):
        row = _yaml_item(doc, index, item, problems)
        if row is not None:
            rows.append((row, doc.locate(("org_units", index))))
    return rows, _yaml_links(doc, problems)


def read_org_units(path: str | os.PathLike[str]) -> tuple[OrgUnitTree | None, tuple[Problem, ...]]:
    """Read org units from a YAML or CSV file, or the shipped tree of Viet Nam (``vn``: every unit
    with its history; ``vn@2025-07-01``: the units of that day); return the tree (``None`` on
    errors) and problems."""
    display = os.fspath(path)
    if display == VN or display.startswith(VN + "@"):
        return _shipped(display)
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
    problems = list(decode_problems)
    if text is None:
        return None, tuple(problems)
    read = _csv_rows if display.lower().endswith(".csv") else _yaml_rows
    rows, links = read(text, display, problems)
    tree = _build(rows, problems, links)
    if any(p.is_error for p in problems):
        return None, tuple(problems)
    return tree, tuple(problems)


def _shipped(name: str) -> tuple[OrgUnitTree | None, tuple[Problem, ...]]:
    tree = vn_tree()
    if "@" not in name:
        return tree, ()
    day = name.partition("@")[2]
    problems: list[Problem] = []
    on = _day(day, Location(file=name), problems)
    return (None, tuple(problems)) if on is None else (tree.at(on), ())


def load_org_units(path: str | os.PathLike[str]) -> OrgUnitTree:
    """Load org units from a YAML or CSV file.

    Raises [`OrgUnitError`][bdg_indicators.OrgUnitError].
    """
    tree, problems = read_org_units(path)
    if tree is None:
        raise OrgUnitError(problems)
    return tree
