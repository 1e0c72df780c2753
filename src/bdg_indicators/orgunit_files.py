"""Org-unit files: YAML (``bdg_org_units: 1`` and a list ``org_units`` of mappings with ``code``,
``name``, ``level``, ``parent``, ``attributes``) or CSV (columns ``code,name,level,parent`` and
one column ``attr.NAME`` per attribute), read into an [`OrgUnitTree`][bdg_indicators.OrgUnitTree]
with located problems.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from ._document import OrgUnitDoc, structure
from ._yaml import Document, decode_text, read_yaml
from .errors import Location, OrgUnitError, Problem
from .orgunits import LEVELS, OrgUnit, OrgUnitTree

__all__ = ["load_org_units", "read_org_units"]


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


Rows = list[tuple[dict[str, Any], Location]]


def _csv_rows(text: str, display: str, problems: list[Problem]) -> Rows:
    """Rows of a CSV file: columns ``code,name,level,parent`` and ``attr.NAME``."""
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
        return []
    rows: Rows = []
    for number, raw in enumerate(reader, start=2):
        row: dict[str, Any] = {
            k: (v or "").strip() for k, v in raw.items() if k and not k.startswith("attr.")
        }
        row["attributes"] = {
            k[5:]: (v or "").strip() for k, v in raw.items() if k and k.startswith("attr.")
        }
        rows.append((row, Location(file=display, line=number)))
    return rows


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
    }


def _yaml_rows(text: str, display: str, problems: list[Problem]) -> Rows:
    """Rows of a YAML file: ``bdg_org_units: 1`` and a list ``org_units``."""
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
        return []
    rows: Rows = []
    for index, item in enumerate(value["org_units"]):
        row = _yaml_item(doc, index, item, problems)
        if row is not None:
            rows.append((row, doc.locate(("org_units", index))))
    return rows


def read_org_units(path: str | os.PathLike[str]) -> tuple[OrgUnitTree | None, tuple[Problem, ...]]:
    """Read org units from a YAML or CSV file; return the tree (``None`` on errors) and problems."""
    display = os.fspath(path)
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
    tree = _build(read(text, display, problems), problems)
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
