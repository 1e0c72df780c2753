"""Figures rebuilt across the reorganisation of 1 July 2025, at national scale: every old commune
of the shipped tree reports two series for 2020 and every new commune for 2025; the 3,321 new
communes' 2020 baselines (and the old units' 2025 figures) are rebuilt.

    python benchmarks/reorganisation.py

Prints the rows read, the rows rebuilt and the wall time of reading and of evaluating.
"""

from __future__ import annotations

import random
import time

import polars as pl

import bdg_indicators as bdg


def _data(tree: bdg.OrgUnitTree) -> pl.DataFrame:
    rng = random.Random(2025)
    rows = []
    for unit in tree:
        if unit.level != "commune":
            continue
        period = "2020" if unit.valid_until else "2025"
        children = rng.randint(500, 5000)
        rows.append((unit.code, period, "children_under16", children))
        rows.append((unit.code, period, "children_poor_households", rng.randint(0, children // 4)))
    return pl.DataFrame(rows, schema=["org_unit", "period", "data_item", "value"], orient="row")


def main() -> None:
    spec = bdg.load_spec("vn.examples.quang-ngai-2025")
    tree = bdg.load_org_units("vn")
    data = _data(tree)
    start = time.perf_counter()
    observations = bdg.read_observations(data, spec, org_units=tree)
    read = time.perf_counter() - start
    start = time.perf_counter()
    result = bdg.evaluate(spec, observations, org_units=tree)
    evaluated = time.perf_counter() - start
    print(
        f"rows read {observations.rows_read:,}, used {observations.rows_used:,}, "
        f"rebuilt {observations.rows_derived:,}; results {len(result):,}; "
        f"read {read:.2f} s, evaluate {evaluated:.2f} s"
    )


if __name__ == "__main__":
    main()
