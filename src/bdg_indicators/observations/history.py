"""Observations across a reorganisation: the rows of an org unit at a period when it did not
exist, derived from the units that stand for it then
([`rules.reorganisation`][bdg_indicators.rules.reorganisation]).

A derived row is an observation like any other, of a pseudo-file named
[`DERIVED`][bdg_indicators.observations.history.DERIVED], whose source says which units and links
made it and what each gave, so that `bdg explain` shows the links used. A sum that used a weight
is an estimate: its bound is "khoảng" (either way). A unit that cannot be stood for gets a note
with the reason, never a guessed figure. A reported row always wins over a derived one.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bdg_indicators.errors import Location, Problem, Severity
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.periods import parse_period
from bdg_indicators.rules.bounds import ABOUT
from bdg_indicators.rules.reorganisation import Standing, after, before, end_day

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DERIVED", "derive"]

DERIVED = "<tổ chức lại đơn vị hành chính>"
"""The file name of derived rows, in messages and explanations."""


class _Standings:
    """Who stands for each unit before it existed and after it ended, worked out once."""

    def __init__(self, tree: OrgUnitTree) -> None:
        self.tree = tree
        self.known: dict[tuple[str, bool], Standing | None] = {}

    def of(self, key: str, period: str) -> Standing | None:
        unit = self.tree[key]
        day = end_day(parse_period(period).last)
        if unit.exists_on(day):
            return None
        early = unit.valid_from is not None and day < unit.valid_from
        if (key, early) not in self.known:
            self.known[key, early] = (before if early else after)(self.tree, key)
        return self.known[key, early]


def _words(tree: OrgUnitTree, standing: Standing) -> str:
    kinds = {"whole": "nhập toàn bộ", "part": "một phần"}
    shown = []
    for link in standing.links:
        old, new = tree[link.old], tree[link.new]
        weight = f", trọng số {link.weight}" if link.weight is not None else ""
        shown.append(
            f"{old.name} ({old.code}) → {new.name} ({new.code}): {kinds[link.kind]}{weight}"
        )
    return "; ".join(shown)


def _note(tree: OrgUnitTree, standing: Standing, period: str) -> Problem:
    unit = tree[standing.unit]
    why = {
        "part-without-weight": "a part of a unit passed to it with no stated weight",
        "not-wholly-mapped": "its territory did not pass wholly to units made only of it",
    }[standing.reason or ""]
    return Problem(
        code="not-comparable",
        message=f"{unit.name} ({unit.code}) cannot be rebuilt for {period}: {why}",
        location=Location(file=DERIVED, path=(unit.key, period)),
        severity=Severity.WARNING,
        hint="give the weight of each part (`weight:` on the link), or report the unit's figures",
    )


def _sum(rows: list[dict[str, Any]], factors: dict[int, Fraction]) -> tuple[int, bool]:
    """Σ factor × num, rounded half away from zero to the stored scale; whether it was rounded."""
    total = sum((factors[r["org_unit"]] * r["num"] for r in rows), Fraction(0))
    if total.denominator == 1:
        return int(total), False
    rounded = math.floor(abs(total) + Fraction(1, 2))
    return (rounded if total >= 0 else -rounded), True


def _derived_rows(
    table: pl.DataFrame,
    series: list[str],
    ids: dict[str, int],
    standing: Standing,
    period: int,
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The derived rows of one unit at one period: one per series every part reports."""
    import polars as pl

    factors = {ids[k]: f for k, f in standing.parts if k in ids}
    if len(factors) < len(standing.parts):
        return []
    rows = table.filter(pl.col("period") == period, pl.col("org_unit").is_in(list(factors)))
    made = []
    for _, group in rows.group_by(series, maintain_order=True):
        members = group.to_dicts()
        if len({r["org_unit"] for r in members}) < len(factors):
            continue  # a part without this series: the sum would miss it
        num, rounded = _sum(members, factors)
        bits = 0
        for r in members:
            bits |= int(r.get("bound") or 0)
        if standing.estimated or rounded:
            bits = ABOUT
        first = members[0]
        made.append(({**{c: first[c] for c in series}, "num": num, "bound": bits}, members))
    return made


def derive(
    table: pl.DataFrame,
    tree: OrgUnitTree,
    org_units: tuple[str, ...],
    periods: tuple[str, ...],
    file_id: int,
) -> tuple[pl.DataFrame, list[Problem], dict[tuple[str, str], str]]:
    """``table`` with the derived rows of every unit at every period it did not exist and
    others stand for it (file ``file_id``); notes for those of the units the data are about that
    cannot be rebuilt; and every (key, period) that cannot be, with why."""

    if not tree.has_history or table.is_empty():
        return table, [], {}
    ids = {key: i for i, key in enumerate(org_units)}
    series = ["data_item", *[c for c in table.columns if c not in _NOT_SERIES]]
    present = set(table.select("org_unit", "period").unique().iter_rows())
    reporting = {unit for unit, _ in present}
    made: list[dict[str, Any]] = []
    notes: list[Problem] = []
    refused: dict[tuple[str, str], str] = {}
    standings = _Standings(tree)
    for period_id, period in enumerate(periods):
        for key, unit_id in ids.items():
            if (unit_id, period_id) in present:
                continue  # reported: a derived row never replaces it
            standing = standings.of(key, period)
            if standing is None:
                continue
            if standing.reason is not None:
                linked = {ids.get(k) for link in standing.links for k in (link.old, link.new)}
                if any((i, period_id) in present for i in linked):
                    refused[key, period] = standing.reason
                    if unit_id in reporting:  # said only of units the data are about
                        notes.append(_note(tree, standing, period))
                continue
            for row, members in _derived_rows(table, series, ids, standing, period_id):
                made.append(
                    _row(row, members, tree, standing, unit_id, period_id, file_id, len(made))
                )
    return _joined(table, made), notes, refused


def _joined(table: pl.DataFrame, made: list[dict[str, Any]]) -> pl.DataFrame:
    """``table`` and the derived rows, with a ``bound`` column only if some row is a bound."""
    import polars as pl

    if not made:
        return table
    bounded = "bound" in table.columns or any(r["bound"] for r in made)
    base = table
    if bounded and "bound" not in table.columns:
        base = table.with_columns(pl.lit(0, pl.Int8).alias("bound"))
    extra = pl.DataFrame(made).select(base.columns)
    return pl.concat([base, extra.cast(base.schema)])


_NOT_SERIES = ("file", "row", "org_unit", "period", "data_item", "num", "source", "bound")


def _row(
    row: dict[str, Any],
    members: list[dict[str, Any]],
    tree: OrgUnitTree,
    standing: Standing,
    unit_id: int,
    period_id: int,
    file_id: int,
    index: int,
) -> dict[str, Any]:
    return {
        **row,
        "file": file_id,
        "row": index + 1,
        "org_unit": unit_id,
        "period": period_id,
        "source": ("ước tính" if standing.estimated else "cộng")
        + f" từ {len(members)} đơn vị: "
        + _words(tree, standing),
    }
