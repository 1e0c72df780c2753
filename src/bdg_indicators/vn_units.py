"""Viet Nam's administrative units, shipped with the package: the 63 provinces with their
districts and communes until 30 June 2025, the 34 provinces and their communes from 1 July 2025,
and the links between them (Nghị quyết 202/2025/QH15; the Standing Committee's resolutions
1654–1687/NQ-UBTVQH15 on communes).

The data lie in ``data/vn/`` (``SOURCE.yaml`` names the sources, their licences and versions;
``scripts/vn_admin_units.py`` regenerates them). Read them as an org-unit tree with
``load_org_units("vn")`` (every unit, with its history) or ``load_org_units("vn@2025-07-01")``
(the units of that day), or ``bdg orgunits``.

Old units end the day before 1 July 2025 (``valid_until: 2025-07-01``); new units begin that day
and their keys carry it (``48@2025-07-01`` is the Đà Nẵng made of old Đà Nẵng, ``48``, and Quảng
Nam, ``49``), because the statistics office reused most codes for other units.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
from functools import cache
from importlib import resources
from typing import Any

from .orgunits import OrgUnit, OrgUnitLink, OrgUnitTree

__all__ = ["REORGANISED", "VN", "vn_tree"]

VN = "vn"
"""The name of the shipped tree (``--org-units vn``, ``vn@2025-07-01``)."""
REORGANISED = datetime.date(2025, 7, 1)
"""The day the 34 provinces and their communes took effect, and districts ended."""


def _rows(name: str) -> list[dict[str, str]]:
    data = resources.files("bdg_indicators").joinpath("data", "vn", name).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _old(row: dict[str, str]) -> OrgUnit:
    number = row["code"]
    return OrgUnit(
        code=number,
        name=row["name"],
        level=row["level"],
        parent=row["parent"] or "vn",
        valid_until=REORGANISED,
        kind=row["type"] or None,
    )


def _new(row: dict[str, str]) -> OrgUnit:
    parent = f"{row['parent']}@{REORGANISED}" if row["parent"] else "vn"
    number = row["code"]
    return OrgUnit(
        code=number,
        name=row["name"],
        level=row["level"],
        parent=parent,
        valid_from=REORGANISED,
        kind=row["type"] or None,
    )


def _link(row: dict[str, str]) -> OrgUnitLink:
    from fractions import Fraction

    return OrgUnitLink(
        old=row["old_code"],
        new=f"{row['new_code']}@{REORGANISED}",
        on=REORGANISED,
        kind="whole" if row["kind"] == "whole" else "part",
        weight=Fraction(row["weight"]) if row.get("weight") else None,
        note=row.get("note") or None,
    )


@cache
def vn_tree() -> OrgUnitTree:
    """Every unit before and after 1 July 2025, under the country ``vn``, with the links."""
    country = OrgUnit(code=VN, name="Việt Nam", level="country")
    units: dict[str, Any] = {VN: country}
    for row in _rows("units-2025-06-30.csv.gz"):
        unit = _old(row)
        units[unit.key] = unit
    for row in _rows("units-2025-07-01.csv.gz"):
        unit = _new(row)
        units[unit.key] = unit
    links = tuple(_link(row) for row in _rows("transitions-2025-07-01.csv.gz"))
    return OrgUnitTree(units, links)
