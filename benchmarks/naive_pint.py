"""The naive way: one pint ``Quantity`` and one Python object per value, Python loops throughout.

Each observation becomes an ``Observation`` holding a ``Quantity`` of the library's registry
(``bdg_indicators.units.registry()``, exact ``Fraction`` magnitudes); sums per series and org
unit are built by walking each value up the tree with pint additions; each target's value is a
pint quotient converted to the indicator's unit (``percent``, ``per_1000``) or a pint sum (counts),
compared with a threshold ``Quantity``; progress and change use pint arithmetic too.

Run on a sample of communes (all their rows), in two timed phases so each can be extrapolated by
what it is proportional to: phase ``load`` (objects and roll-up) to the number of observations,
phase ``judge`` (values, verdicts, changes) to the number of results.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import polars as pl
from handwritten_polars import _higher, _milestone, _series
from national_data import INDICATOR, PAIRS, TARGETS, UNITS, YEARS


class Observation:
    """One reported value."""

    __slots__ = ("item", "org_unit", "period", "quantity", "sex")

    def __init__(self, org_unit: str, period: str, item: str, sex: str, quantity: Any) -> None:
        self.org_unit = org_unit
        self.period = period
        self.item = item
        self.sex = sex
        self.quantity = quantity


def _unit_of(item: str) -> str:
    return UNITS.get(item, "person")


def load(rows: Sequence[tuple[Any, ...]], parent: dict[str, str | None]) -> dict[tuple, Any]:
    """Objects for every row, then sums per (org unit, year, item, sex) up the tree."""
    from bdg_indicators.units import registry

    ureg = registry()
    units = {p.part: _unit_of(p.part) for p in PAIRS} | {p.whole: _unit_of(p.whole) for p in PAIRS}
    observations = [
        Observation(org_unit, period, item, sex, ureg.Quantity(value, units[item]))
        for org_unit, period, item, sex, value in rows
    ]
    sums: dict[tuple, Any] = {}
    for obs in observations:
        unit: str | None = obs.org_unit
        while unit is not None:
            key = (unit, obs.period, obs.item + "|" + obs.sex)
            earlier = sums.get(key)
            sums[key] = obs.quantity if earlier is None else earlier + obs.quantity
            unit = parent[unit]
    return sums


def judge(sums: dict[tuple, Any], org_units: Sequence[str]) -> list[dict[str, Any]]:
    """Values, verdicts and change against the previous year, with pint arithmetic."""
    from bdg_indicators.units import registry

    ureg = registry()
    results = []
    for target in TARGETS:
        ind = INDICATOR[target.indicator]
        num_keys, den_keys, _ = _series(target)
        unit = ind.unit if ind.kind == "ratio" else _unit_of(PAIRS[ind.pair].part)
        for org_unit in org_units:
            values: dict[int, Any] = {}
            for year in YEARS:
                num = None
                for key in num_keys:
                    part = sums.get((org_unit, str(year), key))
                    num = part if num is None else num + part
                if den_keys is None:
                    values[year] = num
                    continue
                den = None
                for key in den_keys:
                    part = sums.get((org_unit, str(year), key))
                    den = part if den is None else den + part
                values[year] = None if den.magnitude == 0 else (num / den).to(unit)
            baseline = next(((y, v) for y, v in values.items() if v is not None), None)
            for year in YEARS:
                value = values[year]
                status, threshold = _verdict(target, year, value, values, baseline, unit, ureg)
                previous = values.get(year - 1)
                change = None if value is None or previous is None else value - previous
                results.append(
                    {
                        "target": target.id,
                        "org_unit": org_unit,
                        "period": str(year),
                        "value": None if value is None else float(value.magnitude),
                        "status": status,
                        "threshold": None if threshold is None else float(threshold.magnitude),
                        "change_previous": None if change is None else float(change.magnitude),
                    }
                )
    return results


def _verdict(
    target: Any,
    year: int,
    value: Any,
    values: dict[int, Any],
    baseline: tuple[int, Any] | None,
    unit: str,
    ureg: Any,
) -> tuple[str, Any]:
    m, due = _milestone(target, year)
    if m is None:
        return "not_applicable", None
    if m.op is None:
        base = values.get(m.base) if m.base else None
        if base is None:
            return "no_data", None
        sign = 1 if m.direction == "increase" else -1
        if m.change == "relative":
            goal = base * (1 + sign * m.amount)
        else:
            goal = base + ureg.Quantity(sign * m.amount, unit)
    else:
        goal = ureg.Quantity(m.threshold, unit)
    if value is None:
        return "no_data", goal
    higher = _higher(m)
    if due:
        met = {
            "at_least": lambda: value >= goal,
            "more_than": lambda: value > goal,
            "at_most": lambda: value <= goal,
            "less_than": lambda: value < goal,
            None: lambda: value >= goal if higher else value <= goal,
        }[m.op]()
        return ("achieved" if met else "not_achieved"), goal
    aim = goal
    if baseline is not None and baseline[0] < year:
        y0, b0 = baseline
        aim = b0 + (goal - b0) * Fraction(year - y0, m.start - y0)
    ok = value >= aim if higher else value <= aim
    return ("on_track" if ok else "off_track"), goal


def run(
    observations: pl.DataFrame, units: Sequence[tuple[str, str, str, str | None]], every: int
) -> dict[str, Any]:
    """Time the naive approach on every ``every``-th commune; return timings and results."""
    communes = [code for code, _, level, _ in units if level == "commune"]
    sample = communes[::every]
    parent = {code: p for code, _, _, p in units}
    rows = (
        observations.filter(pl.col("org_unit").is_in(sample))
        .select("org_unit", "period", "data_item", "sex", "value")
        .rows()
    )
    start = time.perf_counter()
    sums = load(rows, parent)
    load_seconds = time.perf_counter() - start
    touched = sorted({key[0] for key in sums})
    start = time.perf_counter()
    results = judge(sums, touched)
    judge_seconds = time.perf_counter() - start
    return {
        "sample_communes": len(sample),
        "sample_rows": len(rows),
        "sample_org_units": len(touched),
        "sample_results": len(results),
        "load_seconds": load_seconds,
        "judge_seconds": judge_seconds,
        "results": results,
        "sample": sample,
    }
