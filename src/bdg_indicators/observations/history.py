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

import datetime
import math
from typing import TYPE_CHECKING, Any

import attrs

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

    def of(self, key: str, day: datetime.date) -> Standing | None:
        """Who stands for ``key`` on ``day`` (``None``: it exists then, or nothing can)."""
        unit = self.tree[key]
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


@attrs.frozen
class _Plan:
    """Which parts each unit is summed from at each period, with their factors as integers
    (``scaled / scale``), and the words of each sum."""

    rows: list[dict[str, Any]] = attrs.field(factory=list)
    words: dict[tuple[int, int], str] = attrs.field(factory=dict)

    def add(self, standing: Standing, unit: int, period: int, ids: dict[str, int]) -> None:
        scale = math.lcm(*(f.denominator for _, f in standing.parts))
        for key, factor in standing.parts:
            self.rows.append(
                {
                    "unit": unit,
                    "part": ids[key],
                    "period": period,
                    "scaled": int(factor * scale),
                    "scale": scale,
                    "parts": len(standing.parts),
                    "estimated": standing.estimated,
                }
            )


def _sums(table: pl.DataFrame, plan: _Plan, series: list[str], file_id: int) -> pl.DataFrame:
    """The derived rows, in one plan: per unit, period and series that every part reports, the
    parts' values times their factors, summed, rounded half away from zero to the stored scale
    where a weight made it a fraction (an estimate, as is every sum that used a weight)."""
    import polars as pl

    wide = pl.Int128
    parts = pl.DataFrame(plan.rows).cast(
        {"part": table.schema["org_unit"], "period": table.schema["period"]}
    )
    bound = pl.col("bound") if "bound" in table.columns else pl.lit(0, pl.Int8)
    summed = (
        table.join(parts, left_on=["org_unit", "period"], right_on=["part", "period"])
        .group_by("unit", "period", *series)
        .agg(
            pl.col("org_unit").n_unique().alias("found"),
            pl.first("parts"),
            pl.first("scale"),
            pl.first("estimated"),
            (pl.col("num").cast(wide) * pl.col("scaled").cast(wide)).sum().alias("total"),
            (bound // 1 % 2).max().alias("above"),
            (bound // 2 % 2).max().alias("below"),
        )
        .filter(pl.col("found") == pl.col("parts"))  # a part without the series: no sum
        .sort("unit", "period", *series)
    )
    scale = pl.col("scale").cast(wide)
    magnitude = (pl.col("total").abs() * 2 + scale) // (scale * 2)
    inexact = pl.col("estimated") | (pl.col("total") % scale != 0)
    words = pl.DataFrame(
        {
            "unit": [u for u, _ in plan.words],
            "period": [p for _, p in plan.words],
            "source": list(plan.words.values()),
        }
    ).cast({"unit": summed.schema["unit"], "period": summed.schema["period"]})
    return (
        summed.with_columns(
            pl.when(pl.col("total") < 0).then(-magnitude).otherwise(magnitude).alias("num"),
            pl.when(inexact)
            .then(pl.lit(ABOUT))
            .otherwise(pl.col("above") + 2 * pl.col("below"))
            .alias("bound"),
        )
        .join(words, on=["unit", "period"])
        .with_row_index("row", offset=1)
        .with_columns(pl.lit(file_id).alias("file"), pl.col("unit").alias("org_unit"))
    )


def _source(tree: OrgUnitTree, standing: Standing) -> str:
    """The source of a derived row: how it was made, and from which links."""
    how = "ước tính" if standing.estimated else "cộng"
    return f"{how} từ {len(standing.parts)} đơn vị: {_words(tree, standing)}"


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
    plan, notes, refused = _Plan(), [], {}
    standings = _Standings(tree)
    for period_id, period in enumerate(periods):
        day = end_day(parse_period(period).last)
        for key, unit_id in ids.items():
            if (unit_id, period_id) in present:
                continue  # reported: a derived row never replaces it
            standing = standings.of(key, day)
            if standing is None:
                continue
            if standing.reason is not None:
                linked = {ids.get(k) for link in standing.links for k in (link.old, link.new)}
                if any((i, period_id) in present for i in linked):
                    refused[key, period] = standing.reason
                    if unit_id in reporting:  # said only of units the data are about
                        notes.append(_note(tree, standing, period))
            elif all(k in ids for k, _ in standing.parts):
                plan.add(standing, unit_id, period_id, ids)
                plan.words[unit_id, period_id] = _source(tree, standing)
    if not plan.rows:
        return table, notes, refused
    return _joined(table, _sums(table, plan, series, file_id)), notes, refused


_NOT_SERIES = ("file", "row", "org_unit", "period", "data_item", "num", "source", "bound")


def _joined(table: pl.DataFrame, made: pl.DataFrame) -> pl.DataFrame:
    """``table`` and the derived rows, with a ``bound`` column only if some row is a bound."""
    import polars as pl

    if made.is_empty():
        return table
    bounded = "bound" in table.columns or bool((made.get_column("bound") != 0).any())
    base = table
    if bounded and "bound" not in table.columns:
        base = table.with_columns(pl.lit(0, pl.Int8).alias("bound"))
    return pl.concat([base, made.select(base.columns).cast(base.schema)])
