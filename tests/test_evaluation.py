"""Evaluation: values, verdicts, change and progress, exact at thresholds; explanations read the
engine's own tables (the independent oracle is in test_oracle.py)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bdg_indicators as bdg
from bdg_indicators import evaluate, load_spec, load_spec_text
from bdg_indicators.describe import format_number
from bdg_indicators.explain import explanation_dict, explanation_text
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree

FIXTURES = Path(__file__).parent / "fixtures"

TREE = OrgUnitTree(
    {
        "VN": OrgUnit(code="VN", name="Việt Nam", level="country"),
        "P1": OrgUnit(code="P1", name="Tỉnh Một", level="province", parent="VN"),
        "P2": OrgUnit(code="P2", name="Tỉnh Hai", level="province", parent="VN"),
        "C1": OrgUnit(code="C1", name="Xã Một", level="commune", parent="P1"),
        "C2": OrgUnit(code="C2", name="Xã Hai", level="commune", parent="P1"),
        "C3": OrgUnit(code="C3", name="Xã Ba", level="commune", parent="P2"),
    }
)
COMMUNES = ("C1", "C2", "C3")

SPEC_TEXT = """\
bdg_spec: 1
id: test.eval
title: T
data_items:
  num: {label: Tử số, unit: person, breakdowns: [sex]}
  den: {label: Mẫu số, unit: person, breakdowns: [sex], aggregation: stock}
  deaths: {label: Tử vong, unit: death}
  births: {label: Sinh, unit: birth}
  fund: {label: Quỹ, unit: triệu đồng}
  leaders: {label: Lãnh đạo nữ, unit: person}
  staff_women: {label: Nữ, unit: person}
  staff: {label: Tổng, unit: person}
indicators:
  ratio: {label: Tỷ lệ, formula: num / den, unit: percent, decimals: 1, better: higher}
  ratio_f: {label: Tỷ lệ nữ, formula: "num[sex=female] / den[sex=female]", unit: percent,
            better: higher}
  rate: {label: Tử suất, formula: deaths / births, unit: per_1000, better: lower}
  amount: {label: Quỹ, formula: fund, unit: tỷ đồng, decimals: 3, better: higher}
  gap: {label: Chênh lệch, formula: "max(num, den) - min(num, den)", unit: person, better: lower}
  with_leader: {label: Có lãnh đạo nữ, unit: percent, better: higher,
                formula: "share(leaders >= 1, among=staff_women / staff >= 30%, level=commune)"}
goals:
  - id: "1"
    targets:
      - {id: "1.1", indicator: ratio, source: {clause: a, verification: paraphrase},
         milestones: [{every: 2018/2022, at_least: 29}]}
      - {id: "1.2", indicator: ratio, source: {clause: a, verification: paraphrase},
         milestones: [{every: 2018/2022, more_than: 35}]}
      - {id: "1.3", indicator: rate, source: {clause: a, verification: paraphrase},
         milestones: [{by: 2022, at_most: 2.5}]}
      - {id: "1.4", indicator: amount, source: {clause: a, verification: unverified},
         milestones: [{every: 2018/2022, at_least: 0.35}]}
      - {id: "1.5", indicator: ratio, source: {clause: a, verification: paraphrase},
         milestones: [{by: 2021, reduce_by: 10 percent, change: relative, base: 2019}]}
      - {id: "1.6", indicator: ratio_f, source: {clause: a, verification: paraphrase},
         milestones: [{from: 2020, less_than: 80}]}
      - {id: "1.7", indicator: gap, source: {clause: a, verification: paraphrase},
         milestones: [{by: 2022, at_most: 10}]}
      - {id: "1.8", indicator: with_leader, source: {clause: a, verification: paraphrase},
         milestones: [{every: 2018/2022, at_least: 50}]}
"""
SPEC = load_spec_text(SPEC_TEXT)
ITEMS = ("num", "den", "deaths", "births", "fund", "leaders", "staff_women", "staff")


def frame(rows: list[tuple[str, str, str, str | None, int]]) -> pl.DataFrame:
    """An observations dataframe from (org_unit, period, item, sex, value) rows."""
    return pl.DataFrame(
        rows,
        schema={
            "org_unit": pl.String,
            "period": pl.String,
            "data_item": pl.String,
            "sex": pl.String,
            "value": pl.Int64,
        },
        orient="row",
    )


def by_key(result: bdg.EvaluationResult) -> dict[tuple[str, str, str], dict[str, object]]:
    """Result rows by (target, org unit, period)."""
    return {(r["target"], r["org_unit"], r["period"]): r for r in result.to_dicts()}


# ---------------------------------------------------------------- the shipped example


def test_ngoc_hoi_example_gives_the_reported_figures() -> None:
    """97.9 and 97.2 come out of the bundled data rows of report 419/BC-UBND."""
    result = evaluate("vn.examples.ngoc-hoi-literacy-2020")
    rows = by_key(result)
    literacy = rows[("3.1", "ngoc-hoi", "2020-S1")]
    minority = rows[("3.2", "ngoc-hoi", "2020-S1")]
    assert format_number(Fraction(literacy["value"]), 1, "vi") == "97,9"  # type: ignore[arg-type]
    assert format_number(Fraction(minority["value"]), 1, "vi") == "97,2"  # type: ignore[arg-type]
    case = result.explain("3.1", "ngoc-hoi", "2020-S1")
    assert case.value == Fraction(17101 * 100, 17471)
    assert (literacy["status"], minority["status"]) == ("off_track", "on_track")
    assert result.observations.rows_read == 4
    assert result.observations.rows_rejected == 0
    rows_used = {(r.file.rsplit("/", 1)[-1], r.row) for r in case.rows}
    assert rows_used == {("ngoc-hoi-literacy-2020.csv", 2), ("ngoc-hoi-literacy-2020.csv", 3)}
    assert all("419/BC-UBND" in (r.source or "") for r in case.rows)


# ---------------------------------------------------------------- semantics


def test_ratios_aggregate_by_summing_numerators_and_denominators() -> None:
    """A province's rate is Σ numerators / Σ denominators, not the mean of its communes' rates."""
    data = frame(
        [
            ("C1", "2020", "num", None, 1),
            ("C1", "2020", "den", None, 2),
            ("C2", "2020", "num", None, 99),
            ("C2", "2020", "den", None, 100),
        ]
    )
    rows = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.1"]))
    province = rows[("1.1", "P1", "2020")]["value"]
    assert province == pytest.approx(100 / 102 * 100, rel=1e-12)
    assert province != pytest.approx((50 + 99) / 2)
    assert rows[("1.1", "VN", "2020")]["value"] == province
    assert rows[("1.1", "P2", "2020")]["status"] == "no_data"


def test_zero_denominator_is_no_value_with_reason() -> None:
    """0/0 is no value, with its reason, never 0%."""
    data = frame([("C1", "2020", "num", None, 0), ("C1", "2020", "den", None, 0)])
    row = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.1"]))[("1.1", "C1", "2020")]
    assert row["value"] is None
    assert row["status"] == "no_data"
    assert row["reason"] == "zero denominator: den = 0"


def test_unit_conversion_in_formula() -> None:
    """A fund reported in triệu đồng shows in tỷ đồng (factor 1/1000), exactly."""
    data = frame([("C1", "2020", "fund", None, 350)])
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.4"])
    row = by_key(result)[("1.4", "C1", "2020")]
    assert row["value"] == pytest.approx(0.35)
    assert row["status"] == "achieved"
    assert row["attainment_pct"] == pytest.approx(100.0)
    assert row["verification"] == "unverified"


def test_change_target_relative() -> None:
    """A relative reduction is judged against the base period's value."""
    data = frame(
        [
            ("C1", "2019", "num", None, 50),
            ("C1", "2019", "den", None, 100),
            ("C1", "2021", "num", None, 45),
            ("C1", "2021", "den", None, 100),
            ("C2", "2019", "num", None, 50),
            ("C2", "2019", "den", None, 100),
            ("C2", "2021", "num", None, 46),
            ("C2", "2021", "den", None, 100),
        ]
    )
    rows = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.5"]))
    assert rows[("1.5", "C1", "2021")]["status"] == "achieved"  # 45 = 50 * 0.9 exactly
    assert rows[("1.5", "C2", "2021")]["status"] == "not_achieved"
    assert rows[("1.5", "C1", "2021")]["change_base_pct"] == pytest.approx(-10)
    assert rows[("1.5", "C1", "2021")]["base_period"] == "2019"


def test_progress_linear_and_cagr() -> None:
    """Before a milestone is due, progress is judged on a trajectory; the method is recorded."""
    data = frame(
        [
            ("C1", "2020", "deaths", None, 5),
            ("C1", "2020", "births", None, 1000),
            ("C1", "2021", "deaths", None, 4),
            ("C1", "2021", "births", None, 1000),
        ]
    )
    linear = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.3"]))
    row = linear[("1.3", "C1", "2021")]
    # baseline 5 per 1000 in 2020, goal 2.5 by 2022: expected 3.75 in 2021; 4 is behind
    assert row["expected"] == pytest.approx(3.75)
    assert row["status"] == "off_track"
    assert row["method"] == "bdg-linear/2"
    assert linear[("1.3", "C1", "2020")]["status"] == "off_track"  # no earlier value: 5 > 2.5
    cagr = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.3"], method="cagr"))
    row = cagr[("1.3", "C1", "2021")]
    expected_ratio = -((4 / 5) - 1) / abs((2.5 / 5) ** 0.5 - 1)
    assert row["progress_value"] == pytest.approx(expected_ratio)
    assert row["status"] == ("on_track" if expected_ratio >= 0.95 else "off_track")
    assert row["method"] == "open-sdg-cagr-ratio/3"


def test_share_of_org_units() -> None:
    """share() counts the communes meeting a condition among those meeting another."""
    rows = []
    for code, leaders, women, staff in (("C1", 1, 4, 10), ("C2", 0, 5, 10), ("C3", 2, 1, 10)):
        rows += [
            (code, "2020", "leaders", None, leaders),
            (code, "2020", "staff_women", None, women),
            (code, "2020", "staff", None, staff),
        ]
    result = by_key(evaluate(SPEC, frame(rows), org_units=TREE, targets=["1.8"]))
    # C3 has too few women to count; of C1 and C2, one has a female leader
    assert result[("1.8", "P1", "2020")]["value"] == pytest.approx(50)
    assert result[("1.8", "VN", "2020")]["value"] == pytest.approx(50)
    assert result[("1.8", "P2", "2020")]["value"] is None
    assert result[("1.8", "P1", "2020")]["status"] == "achieved"


def test_breakdown_selector_and_from_milestone() -> None:
    """Selectors read the breakdown rows; `from` applies from its period on."""
    data = frame(
        [
            ("C1", "2019", "num", "female", 70),
            ("C1", "2019", "den", "female", 100),
            ("C1", "2020", "num", "female", 80),
            ("C1", "2020", "den", "female", 100),
            ("C1", "2020", "num", None, 1),
            ("C1", "2020", "den", None, 1),
        ]
    )
    rows = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.6"]))
    assert rows[("1.6", "C1", "2020")]["value"] == pytest.approx(80)
    assert rows[("1.6", "C1", "2020")]["status"] == "not_achieved"  # 80 is not less than 80
    assert rows[("1.6", "C1", "2019")]["status"] == "on_track"
    assert rows[("1.6", "C1", "2020")]["change_previous"] == pytest.approx(10)


def test_summary_counts_targets() -> None:
    """The roll-up counts achieved out of assessed targets per goal and for the framework."""
    data = frame(
        [
            ("C1", "2020", "num", None, 30),
            ("C1", "2020", "den", None, 100),
            ("C1", "2020", "fund", None, 100),
        ]
    )
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.1", "1.2", "1.4"])
    summary = result.summary().to_polars().filter(pl.col("org_unit") == "C1")
    goal = summary.filter(pl.col("goal") == "1").row(0, named=True)
    assert (goal["achieved"], goal["assessed"]) == (1, 3)  # 30 ≥ 29; 30 ≤ 35; 0.1 < 0.35


def test_amendment_governs_periods_after_its_date(fixtures: Path) -> None:
    """A 2015 result is judged against the 2010 text, a 2019 one against the 2018 amendment."""
    spec = load_spec(fixtures / "specs" / "full.yaml")
    target = spec.target("3.1")
    assert [
        m.condition.threshold.value for m in target.milestones_at(bdg.parse_period("2015"))
    ] == [
        90,
        95,
    ]
    assert [
        m.condition.threshold.value for m in target.milestones_at(bdg.parse_period("2019"))
    ] == [98]
    data = frame([]).vstack(
        pl.DataFrame(
            {
                "org_unit": ["C1", "C1"],
                "period": ["2015", "2015"],
                "data_item": ["literate_15_40", "population_15_40"],
                "sex": [None, None],
                "value": [91, 100],
            },
            schema=frame([]).schema,
        )
    )
    data = data.with_columns(pl.lit("rural").alias("area"))
    row = by_key(evaluate(spec, data, targets=["3.1"]))[("3.1", "C1", "2015")]
    assert (row["status"], row["threshold"], row["verification"]) == ("achieved", 90, "unverified")


def test_attribute_thresholds_and_criteria(fixtures: Path) -> None:
    """The child-friendly rule: threshold by commune group, and no criterion may score zero."""
    result = evaluate(
        fixtures / "specs" / "full.yaml",
        fixtures / "data" / "full.csv",
        org_units=fixtures / "data" / "org-units.yaml",
        targets=["3.4"],
        periods=["2021"],
    )
    rows = by_key(result)
    assert rows[("3.4", "C1", "2021")]["status"] == "achieved"  # 900 ≥ 900 (ward of a city)
    assert rows[("3.4", "C2", "2021")]["status"] == "not_achieved"  # 800 but a criterion is 0
    assert rows[("3.4", "C3", "2021")]["status"] == "achieved"  # 850, default group


def test_filters_and_unknown_target() -> None:
    """Results can be filtered; an unknown target is a located problem."""
    data = frame([("C1", "2020", "num", None, 1), ("C1", "2020", "den", None, 2)])
    result = evaluate(SPEC, data, org_units=TREE, org_unit="P1", periods=["2020"])
    assert set(result.to_polars()["org_unit"]) == {"P1"}
    with pytest.raises(bdg.BdgError) as info:
        evaluate(SPEC, data, targets=["9.9"])
    assert info.value.problems[0].code == "unknown-target"


def test_pandas_in_pandas_out() -> None:
    """A pandas dataframe in gives the same results; results convert to pandas and dicts."""
    data = frame([("C1", "2020", "num", None, 1), ("C1", "2020", "den", None, 2)])
    from_polars = evaluate(SPEC, data, org_units=TREE, targets=["1.1"])
    from_pandas = evaluate(SPEC, data.to_pandas(), org_units=TREE, targets=["1.1"])
    assert from_polars.to_polars().equals(from_pandas.to_polars())
    as_pandas = from_pandas.to_pandas()
    values = [r["value"] for r in from_pandas.to_dicts()]
    assert [None if math.isnan(v) else v for v in as_pandas["value"]] == values
    assert len(from_polars) == 6  # every org unit of the tree, with or without data


def test_pandas_results_stay_exact() -> None:
    """In pandas, numerators beyond 2**53 stay exact integers beside rows without a value
    (never floats), and yes/no columns with nulls are nullable booleans."""
    big = 2**54 + 1
    data = frame(
        [
            ("C1", "2020", "num", None, big),
            ("C1", "2020", "den", None, big * 2),
            ("C2", "2020", "num", None, 1),
        ]
    )
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.1"])
    table = result.to_pandas()
    row = table[table["org_unit"] == "C1"].iloc[0]
    exact = {r["org_unit"]: r for r in result.to_dicts()}["C1"]
    assert Fraction(int(row["value_num"]), int(row["value_den"])) == Fraction(
        exact["value_num"], exact["value_den"]
    )
    assert table["value_num"].isna().any()
    assert str(table["value_num"].dtype) in ("Int64", "object")
    assert str(table["due"].dtype) in ("boolean", "bool")


def test_explanation_trace() -> None:
    """An explanation lists the formula, the rows summed up the tree with the org units they
    cover, and the verdict: read from the engine's tables, the same numbers as the result row."""
    data = frame(
        [
            ("C1", "2020", "num", None, 1),
            ("C1", "2020", "den", None, 2),
            ("C2", "2020", "num", None, 99),
            ("C2", "2020", "den", None, 100),
        ]
    )
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.1"])
    case = result.explain("1.1", "P1", "2020")
    assert case.value == Fraction(100 * 100, 102)
    row = by_key(result)[("1.1", "P1", "2020")]
    assert Fraction(row["value_num"], row["value_den"]) == case.value
    sums = {s.series: s for s in case.inputs}
    assert sums["num"].how == "summed"
    assert [r.row for r in sums["num"].rows] == [1, 3]
    assert [(c.org_unit, c.contributed) for c in case.children] == [("C1", True), ("C2", True)]
    assert (case.used, case.expected, case.partial) == (2, 2, False)
    data_json = explanation_dict(case)
    assert data_json["status"] == "achieved"
    assert data_json["exact_value"] == "5000/51"
    assert data_json["displayed_value"] == "98.0"
    assert data_json["milestone"]["threshold"] == 29
    text = explanation_text(case, "en")
    assert "num @ P1 (2020) = 100 (sum of 2 of 2 org units below)" in text
    assert "Verdict: ACHIEVED" in text
    assert "Tỷ lệ" in explanation_text(case, "vi")


# ---------------------------------------------------------------- exactness (Hypothesis)

OPS = {
    "at_least": Fraction.__ge__,
    "more_than": Fraction.__gt__,
    "at_most": Fraction.__le__,
    "less_than": Fraction.__lt__,
}


def _threshold_spec(threshold: str) -> bdg.Spec:
    targets = "\n".join(
        f"      - {{id: '{op}', indicator: ratio, source: {{clause: a, verification: paraphrase}}, "
        f"milestones: [{{by: 2020, {op}: {threshold}}}]}}"
        for op in OPS
    )
    return load_spec_text(
        "bdg_spec: 1\nid: t\ntitle: T\n"
        "data_items:\n  num: {label: N, unit: person}\n  den: {label: D, unit: person}\n"
        "indicators:\n  ratio: {label: R, formula: num / den, unit: percent, better: higher}\n"
        "goals:\n  - id: g\n    targets:\n" + targets + "\n"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 10**6),
    st.sampled_from([1, 2, 3, 4, 5, 7, 8, 10, 16, 20, 25, 40, 100, 1000, 3000]),
    st.integers(0, 4),
    st.data(),
)
def test_verdicts_are_exact_at_the_boundary(
    den: int, scale: int, decimals: int, data: st.DataObject
) -> None:
    """Integer data judged against decimal thresholds get the verdict exact arithmetic gives,
    including when the value equals the threshold (29/100 meets "at least 29%")."""
    num = data.draw(st.integers(0, den))
    value = Fraction(num * 100, den)
    on_boundary = data.draw(st.booleans())
    if on_boundary and (value * 10**decimals).denominator == 1:
        threshold = value
    else:
        threshold = Fraction(data.draw(st.integers(0, 100 * 10**decimals)), 10**decimals)
    text = format(threshold.numerator / threshold.denominator, f".{decimals}f")
    if Fraction(text) != threshold:
        threshold = Fraction(text)
    spec = _threshold_spec(text)
    obs = frame([("X", "2020", "num", None, num * scale), ("X", "2020", "den", None, den * scale)])
    rows = by_key(evaluate(spec, obs))
    for op, compare in OPS.items():
        expected = "achieved" if compare(value, threshold) else "not_achieved"
        assert rows[(op, "X", "2020")]["status"] == expected, (op, value, threshold)


def test_classic_boundaries() -> None:
    """29/100 meets at least 29%; 979/1000 meets at least 97.9%; 35/100 is not more than 35%."""
    for num, den, threshold, op, status in (
        (29, 100, "29", "at_least", "achieved"),
        (979, 1000, "97.9", "at_least", "achieved"),
        (35, 100, "35", "more_than", "not_achieved"),
        (1, 3, "33.3333333333333", "at_least", "achieved"),
        (1, 3, "33.33333333333334", "at_least", "not_achieved"),
    ):
        spec = _threshold_spec(threshold)
        rows = by_key(
            evaluate(
                spec, frame([("X", "2020", "num", None, num), ("X", "2020", "den", None, den)])
            )
        )
        assert rows[(op, "X", "2020")]["status"] == status, (num, den, threshold)


values = st.integers(0, 500)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(COMMUNES),
            st.sampled_from(["2019", "2020", "2021"]),
            st.sampled_from(ITEMS),
            st.sampled_from([None, "female", "male"]),
        ),
        values,
        max_size=60,
    )
)
def test_explain_agrees_with_the_table(cells: dict[tuple[str, str, str, str | None], int]) -> None:
    """For every row, the explanation gives the table's exact value, status, threshold and
    expected value: both read the engine's tables."""
    rows = [(u, p, i, s if i in ("num", "den") else None, v) for (u, p, i, s), v in cells.items()]
    unique: dict[tuple[str, str, str, str | None], int] = {}
    for u, p, i, s, v in rows:
        unique[(u, p, i, s)] = v
    data = frame([(*k, v) for k, v in unique.items()])
    result = evaluate(SPEC, data, org_units=TREE)
    for row in result.to_dicts():
        case = result.explain(row["target"], row["org_unit"], row["period"])
        exact = None if row["value_num"] is None else Fraction(row["value_num"], row["value_den"])
        assert case.value == exact, row
        assert case.status == row["status"], row
        threshold = None if case.threshold is None else float(case.threshold)
        assert threshold == pytest.approx(row["threshold"]), row
        expected = case.progress.expected if case.progress else None
        assert (None if expected is None else float(expected)) == pytest.approx(row["expected"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(COMMUNES), st.tuples(values, values), min_size=1))
def test_aggregation_identities(cells: dict[str, tuple[int, int]]) -> None:
    """Sums up the tree: the country's count is the sum of its communes' counts, and its ratio
    is the ratio of the sums."""
    rows = []
    for code, (num, den) in cells.items():
        rows += [(code, "2020", "num", None, num), (code, "2020", "den", None, num + den)]
    result = by_key(evaluate(SPEC, frame(rows), org_units=TREE, targets=["1.1", "1.7"]))
    total_num = sum(n for n, _ in cells.values())
    total_den = sum(n + d for n, d in cells.values())
    country = result[("1.1", "VN", "2020")]["value"]
    if total_den == 0:
        assert country is None
    else:
        assert country == pytest.approx(total_num / total_den * 100, rel=1e-12)
    gap = result[("1.7", "VN", "2020")]["value"]
    assert gap == pytest.approx(total_den - total_num)


def test_cagr_is_not_defined_on_a_zero_baseline() -> None:
    """Where Open SDG would replace a zero baseline by 0.001 (an answer that depends on the unit),
    the growth method is not defined: the linear method answers, and the note says why."""
    data = frame(
        [
            ("C1", "2019", "num", None, 0),
            ("C1", "2019", "den", None, 100),
            ("C1", "2020", "num", None, 10),
            ("C1", "2020", "den", None, 100),
        ]
    )
    spec = load_spec_text(
        SPEC_TEXT.replace("[{every: 2018/2022, at_least: 29}]", "[{by: 2025, at_least: 29}]")
    )
    rows = by_key(evaluate(spec, data, org_units=TREE, targets=["1.1"], method="cagr"))
    first, second = rows[("1.1", "C1", "2019")], rows[("1.1", "C1", "2020")]
    assert first["progress_value"] is None
    assert first["progress_note"] == "no-baseline"
    assert second["progress_note"] == "growth-zero-baseline"
    assert second["progress_method"] == "bdg-linear/2"
    assert second["expected"] == pytest.approx(29 * 12 / 72)  # the straight line 0% -> 29%
    assert second["status"] == "on_track"  # 10% ahead of the line's 4.83%


def test_a_rate_of_flows_is_due_only_at_its_own_period() -> None:
    """ "By 2022" for a rate of flows (deaths per 1,000 births) is judged at 2022 itself, which is
    built from its halves; the halves are progress toward it (the second half's rate is not the
    year's rate)."""
    data = frame(
        [
            ("C1", period, item, None, value)
            for period in ("2022-S1", "2022-S2")
            for item, value in (("deaths", 2), ("births", 1000))
        ]
    )
    rows = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.3"]))
    assert rows[("1.3", "C1", "2022-S1")]["status"] == "on_track"
    assert rows[("1.3", "C1", "2022-S2")]["status"] == "on_track"
    assert rows[("1.3", "C1", "2022-S2")]["due"] is False
    year = rows[("1.3", "C1", "2022")]
    assert (year["status"], year["value_from"], year["value"]) == ("achieved", "derived", 2.0)


def test_a_stock_is_due_in_the_last_part_of_its_period() -> None:
    """For a stock (people literate, population), the value at the end of 2022-S2 is the value at
    the end of 2022: "by 2022" is due at its last part, and the year is built from it."""
    spec = load_spec_text(
        SPEC_TEXT.replace(
            "num: {label: Tử số, unit: person, breakdowns: [sex]}",
            "num: {label: Tử số, unit: person, breakdowns: [sex], aggregation: stock}",
        ).replace(
            "[{by: 2021, reduce_by: 10 percent, change: relative, base: 2019}]",
            "[{by: 2022, at_least: 50}]",
        )
    )
    data = frame(
        [
            ("C1", period, item, None, value)
            for period, num in (("2022-S1", 40), ("2022-S2", 60))
            for item, value in (("num", num), ("den", 100))
        ]
    )
    rows = by_key(evaluate(spec, data, org_units=TREE, targets=["1.5"]))
    assert rows[("1.5", "C1", "2022-S1")]["status"] == "off_track"
    assert rows[("1.5", "C1", "2022-S2")]["status"] == "achieved"
    year = rows[("1.5", "C1", "2022")]
    assert (year["status"], year["value_from"], year["value"]) == ("achieved", "derived", 60.0)


def test_partial_sums_are_flagged_with_their_coverage() -> None:
    """A sum is partial when fewer reporting org units below have every series than the tree
    has at the reporting level; the row gives used of expected."""
    data = frame(
        [
            ("C1", "2019", "num", None, 1),
            ("C1", "2019", "den", None, 2),
            ("C3", "2019", "num", None, 1),
            ("C3", "2019", "den", None, 2),
            ("C1", "2020", "num", None, 1),
            ("C1", "2020", "den", None, 2),
        ]
    )
    rows = by_key(evaluate(SPEC, data, org_units=TREE, targets=["1.1"]))
    coverage = {
        (u, p): (rows[("1.1", u, p)]["coverage_used"], rows[("1.1", u, p)]["coverage_expected"])
        for u in ("VN", "P1", "P2")
        for p in ("2019", "2020")
    }
    assert coverage[("VN", "2019")] == (2, 3)  # C2 never reports: the tree has three communes
    assert coverage[("VN", "2020")] == (1, 3)
    assert coverage[("P2", "2019")] == (1, 1)
    assert rows[("1.1", "VN", "2020")]["partial"] is True
    assert rows[("1.1", "P2", "2019")]["partial"] is False
    assert rows[("1.1", "VN", "2020")]["value"] == pytest.approx(50)


@pytest.mark.parametrize(
    ("base_num", "base_den", "num", "den"), [(1, 7, 19, 140), (4, 7, 19, 35), (6, 7, 57, 70)]
)
def test_progress_ties_on_change_milestones_are_exact(
    base_num: int, base_den: int, num: int, den: int
) -> None:
    """On a change milestone still ahead, a value exactly on the trajectory is on track, however
    floating point rounds the expected value (regression: such rows were not settled)."""
    data = frame(
        [
            ("C1", "2019", "num", None, base_num),
            ("C1", "2019", "den", None, base_den),
            ("C1", "2020", "num", None, num),
            ("C1", "2020", "den", None, den),
        ]
    )
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.5"])
    row = by_key(result)[("1.5", "C1", "2020")]
    case = result.explain("1.5", "C1", "2020")
    assert case.progress is not None
    assert case.value == case.progress.expected  # exactly on the trajectory
    assert row["status"] == case.status == "on_track"


def test_large_scopes_are_explained_by_their_childrens_sums(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above BIG_SCOPE org units below, an explanation lists the children's exact sums (as the
    engine computed them) instead of every row, with the same value and verdict."""
    from bdg_indicators.explain import trace_module

    data = frame(
        [
            (code, "2020", item, None, value)
            for code, values in (("C1", (1, 2)), ("C2", (99, 100)), ("C3", (5, 10)))
            for item, value in zip(("num", "den"), values, strict=True)
        ]
    )
    result = evaluate(SPEC, data, org_units=TREE, targets=["1.1"])
    small = result.explain("1.1", "VN", "2020")
    monkeypatch.setattr(trace_module, "BIG_SCOPE", 0)
    large = result.explain("1.1", "VN", "2020")
    assert large.value == small.value == Fraction(105 * 100, 112)
    assert large.status == small.status
    assert len(small.rows) == 6
    assert large.rows == ()
    assert [(c.org_unit, c.values, c.used) for c in large.children] == [
        ("P1", (100, 102), 2),
        ("P2", (5, 10), 1),
    ]
    assert "P1: 100, 102" in explanation_text(large, "en")
