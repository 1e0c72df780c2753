"""Figures that are bounds ("trên 200.000", "gần 35%", "khoảng"): reading the `bound` column,
bounds carried through sums and formulas, verdicts a bound settles (and those it leaves open),
explanations, the CLI, and the Kon Tum example whose figures are bounds."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import polars as pl
import pytest

import bdg_indicators as bdg
from bdg_indicators import cli
from bdg_indicators.explain.text import explanation_dict, explanation_text
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree
from bdg_indicators.rules import bounds
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL
from bdg_indicators.rules.statuses import reason_text

KON_TUM = "vn.examples.kon-tum-children-2023"

SPEC = """\
bdg_spec: 1
id: test.bounds
title: Bounds
data_items:
  a: {label: A, unit: person}
  b: {label: B, unit: person}
  score: {label: Điểm, unit: point, aggregation: none}
  flag: {label: Có, type: boolean}
indicators:
  ratio: {label: Tỷ lệ, formula: a / b, unit: percent, decimals: 1, better: higher}
  total: {label: Tổng, formula: a + b, unit: person, better: higher}
  gap: {label: Chênh lệch, formula: a - b, unit: person, better: lower}
  lowest: {label: Nhỏ nhất, formula: "min(a, b)", unit: person, better: higher}
  above: {label: Đạt, formula: "a / b >= 50%", unit: boolean, better: higher}
  score_value: {label: Điểm, formula: score, unit: point, better: higher}
goals:
  - id: "1"
    targets:
{targets}
"""


def spec_with(*targets: str) -> bdg.Spec:
    """The test spec with targets given as flow mappings (``indicator``, ``milestones``)."""
    lines = [
        f'      - {{id: "{n}", source: {{clause: t, verification: unverified}}, {t}}}'
        for n, t in enumerate(targets, start=1)
    ]
    return bdg.load_spec_text(SPEC.replace("{targets}", "\n".join(lines)))


def data(*rows: tuple[Any, ...]) -> pl.DataFrame:
    """Observations: (org unit, period, data item, value[, bound])."""
    return pl.DataFrame(
        {
            "org_unit": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "data_item": [r[2] for r in rows],
            "value": [str(r[3]) for r in rows],
            "bound": [r[4] if len(r) > 4 else None for r in rows],
        },
        schema={
            "org_unit": pl.String,
            "period": pl.String,
            "data_item": pl.String,
            "value": pl.String,
            "bound": pl.String,
        },
    )


def only(result: bdg.EvaluationResult, target: str = "1", unit: str = "x", period: str = "2022"):
    """The one row of a target, org unit and period."""
    found = [
        r
        for r in result.to_dicts()
        if (r["target"], r["org_unit"], r["period"]) == (target, unit, period)
    ]
    assert len(found) == 1
    return found[0]


def exact(row: dict[str, Any]) -> Fraction:
    return Fraction(row["value_num"], row["value_den"])


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("written", "bits"),
    [
        ("", bounds.EXACT),
        ("more_than", bounds.ABOVE),
        ("at_least", bounds.ABOVE),
        ("Trên", bounds.ABOVE),
        ("hơn", bounds.ABOVE),
        ("ít nhất", bounds.ABOVE),
        ("từ … trở lên", bounds.ABOVE),
        ("từ ... trở lên", bounds.ABOVE),
        ("less_than", bounds.BELOW),
        ("at_most", bounds.BELOW),
        ("dưới", bounds.BELOW),
        ("GẦN", bounds.BELOW),
        ("chưa  đến", bounds.BELOW),
        ("không quá", bounds.BELOW),
        ("about", bounds.ABOUT),
        ("khoảng", bounds.ABOUT),
        ("xấp xỉ", bounds.ABOUT),
    ],
)
def test_bound_words_are_read(written: str, bits: int) -> None:
    """Every spelling of a bound, in any case, decomposed or not, is read as its bits."""
    assert bounds.read_bound(written) == bits
    assert bounds.read_bound(written.upper()) == bits


def test_bounds_are_encoded_and_labelled() -> None:
    """The `bound` column is read as bits in `encoded` and as codes in `table`."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    obs = bdg.read_observations(
        data(("x", "2022", "a", 5, "trên"), ("x", "2022", "b", 10), ("x", "2021", "a", 1, "gần")),
        spec,
    )
    assert obs.bounded
    assert obs.encoded.get_column("bound").to_list() == [1, 0, 2]
    assert obs.table.get_column("bound").to_list() == ["above", None, "below"]
    assert obs.rows_read == obs.rows_used + obs.rows_rejected == 3


def test_without_bounds_nothing_changes() -> None:
    """No `bound` column, or one that is blank, adds no column and no result bound."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    rows = data(("x", "2022", "a", 5), ("x", "2022", "b", 10))
    for frame in (rows, rows.drop("bound")):
        obs = bdg.read_observations(frame, spec)
        assert not obs.bounded
        assert "bound" not in obs.encoded.columns
        result = bdg.evaluate(spec, frame)
        assert only(result)["bound"] is None
        assert "vb" not in result.engine.results.columns


def test_unknown_bound_words_are_rejected_where_they_are() -> None:
    """A bound that is not a known word rejects its row at file, row and column, with a hint
    listing the words; a yes/no value cannot be a bound."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    frame = data(
        ("x", "2022", "a", 5, "vượt"), ("x", "2022", "b", 10), ("x", "2022", "flag", 1, "trên")
    )
    obs = bdg.read_observations(frame, spec)
    assert obs.rows_read == 3
    assert obs.rows_used == 1
    assert obs.rows_rejected == 2
    word, flag = obs.rejected
    assert word.code == "invalid-bound"
    assert (word.location.line, word.location.column) == (1, frame.columns.index("bound") + 1)
    assert "`vượt` is not a bound" in word.message
    assert word.hint is not None
    for listed in ("more_than", "at_least", "trên", "từ … trở lên", "gần", "khoảng", "xấp xỉ"):
        assert listed in word.hint
    assert flag.code == "invalid-bound"
    assert flag.location.line == 3
    assert "yes/no" in flag.message


def test_a_bound_part_over_its_whole_is_rejected_only_when_settled() -> None:
    """ "Trên 300" of a whole of 200 cannot be; "dưới 300", or a whole "trên 200", can."""
    spec = bdg.load_spec_text(
        SPEC.replace(
            "  a: {label: A, unit: person}", "  a: {label: A, unit: person, part_of: b}"
        ).replace(
            "{targets}",
            '      - {id: "1", indicator: ratio, milestones: [], '
            "source: {clause: t, verification: unverified}}",
        )
    )
    rows = data(
        ("x", "2022", "a", 300, "trên"),
        ("x", "2022", "b", 200),
        ("y", "2022", "a", 300, "dưới"),
        ("y", "2022", "b", 200),
        ("z", "2022", "a", 300),
        ("z", "2022", "b", 200, "trên"),
    )
    obs = bdg.read_observations(rows, spec)
    assert [(p.code, p.location.line) for p in obs.rejected] == [("part-exceeds-whole", 1)]


def test_the_same_figure_with_another_bound_conflicts() -> None:
    """200 and "trên 200" for the same thing are two different statements: both rejected."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    rows = data(("x", "2022", "b", 200), ("x", "2022", "b", 200, "trên"))
    obs = bdg.read_observations(rows, spec)
    assert [p.code for p in obs.rejected] == ["conflicting-rows", "conflicting-rows"]
    assert "at least 200" in obs.rejected[0].message


# ---------------------------------------------------------------- rules


def test_formula_signs() -> None:
    """a/b rises with a and falls with b (both not negative); a−b falls with b; min and max rise
    with every operand; a comparison has no sign."""
    assert bounds.operand_signs("/", [True, True], [None, None]) == (1, -1)
    assert bounds.operand_signs("/", [False, True], [None, None]) == (1, 0)
    assert bounds.operand_signs("-", [True, True], [None, None]) == (1, -1)
    assert bounds.operand_signs("*", [True, False], [None, Fraction(-2)]) == (-1, 1)
    assert bounds.operand_signs("min", [False, False], [None, None]) == (1, 1)
    assert bounds.operand_signs(">=", [True, True], [None, None]) == (0, 0)
    assert bounds.merge_signs(1, -1) == 0
    assert bounds.merge_signs(None, -1) == -1


def test_settles_is_exact_at_the_boundary() -> None:
    """A value at or above 10 meets "at least 10" even when shown as exactly 10, but not "more
    than 10"; an exact value is always settled."""
    at_least, more_than, at_most = EQUAL | ABOVE, ABOVE, BELOW | EQUAL
    assert bounds.settles(at_least, 0, bounds.ABOVE) == (True, False)
    assert bounds.settles(more_than, 0, bounds.ABOVE) == (False, False)
    assert bounds.settles(at_most, 0, bounds.BELOW) == (True, False)
    assert bounds.settles(at_most, 1, bounds.ABOVE) == (False, True)
    assert bounds.settles(at_least, 0, bounds.ABOUT) == (False, False)
    for diff in (-1, 0, 1):
        sure, never = bounds.settles(at_least, diff, bounds.EXACT)
        assert sure is (diff >= 0)
        assert never is (diff < 0)


def test_bounds_are_shown_rounded_to_their_safe_side() -> None:
    """At most 13.839 is shown "at most 13.9", at least 13.839 "at least 13.8"."""
    value = Fraction(27678, 200000) * 100
    assert bounds.shown(value, 1, bounds.BELOW) == Fraction(139, 10)
    assert bounds.shown(value, 1, bounds.ABOVE) == Fraction(138, 10)
    assert bounds.shown(value, 1, bounds.ABOUT) == value


# ---------------------------------------------------------------- values


def test_a_bounded_denominator_gives_a_value_below() -> None:
    """138 of more than 1,000 is at most 13.8%."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    row = only(bdg.evaluate(spec, data(("x", "2022", "a", 138), ("x", "2022", "b", 1000, "trên"))))
    assert exact(row) == Fraction(138, 10)
    assert row["bound"] == "below"


@pytest.mark.parametrize(
    ("indicator", "a", "b", "want"),
    [
        ("ratio", "trên", "", "above"),
        ("ratio", "trên", "trên", "about"),
        ("ratio", "trên", "dưới", "above"),
        ("total", "trên", "dưới", "about"),
        ("total", "trên", "", "above"),
        ("gap", "", "trên", "below"),
        ("gap", "dưới", "trên", "below"),
        ("lowest", "dưới", "", "below"),
        ("above", "trên", "", "about"),
        ("ratio", "khoảng", "", "about"),
        ("ratio", "", "", None),
    ],
)
def test_the_formula_carries_bounds(indicator: str, a: str, b: str, want: str | None) -> None:
    """Each input's bound goes through the formula's sign in it; mixed directions are about."""
    spec = spec_with(f"indicator: {indicator}, milestones: []")
    rows = data(("x", "2022", "a", 20, a or None), ("x", "2022", "b", 40, b or None))
    assert only(bdg.evaluate(spec, rows))["bound"] == want


TREE = OrgUnitTree(
    {
        "p": OrgUnit(code="p", name="Tỉnh", level="province"),
        "c1": OrgUnit(code="c1", name="Xã 1", level="commune", parent="p"),
        "c2": OrgUnit(code="c2", name="Xã 2", level="commune", parent="p"),
    }
)


@pytest.mark.parametrize(
    ("first", "second", "want"),
    [
        ("trên", None, "above"),
        ("trên", "dưới", "about"),
        ("dưới", "gần", "below"),
        (None, None, None),
    ],
)
def test_sums_of_bounded_parts(first: str | None, second: str | None, want: str | None) -> None:
    """A sum up the tree may be above its figure if a part may be, below if a part may be."""
    spec = spec_with("indicator: total, milestones: []")
    rows = data(
        ("c1", "2022", "a", 1, first),
        ("c1", "2022", "b", 1),
        ("c2", "2022", "a", 2, second),
        ("c2", "2022", "b", 2),
    )
    row = only(bdg.evaluate(spec, rows, org_units=TREE), unit="p")
    assert (exact(row), row["value_from"], row["bound"]) == (6, "summed", want)


def test_a_year_made_of_bounded_quarters() -> None:
    """A year summed from its quarters is a bound where a quarter is."""
    spec = spec_with("indicator: total, milestones: []")
    rows = data(
        *[("x", f"2022-Q{q}", "a", 1, "khoảng" if q == 3 else None) for q in range(1, 5)],
        *[("x", f"2022-Q{q}", "b", 1) for q in range(1, 5)],
    )
    row = only(bdg.evaluate(spec, rows))
    assert (exact(row), row["value_from"], row["bound"]) == (8, "derived", "about")


# ---------------------------------------------------------------- verdicts


@pytest.mark.parametrize(
    ("milestone", "status", "reason"),
    [
        ("at_least: 10", "achieved", None),
        ("at_most: 10", "not_achieved", None),
        ("at_least: 15", "no_data", "bound-undecided"),
        ("at_least: 13.8", "achieved", None),
        ("more_than: 13.8", "no_data", "bound-undecided"),
        ("less_than: 13.8", "not_achieved", None),
        ("between: [10, 20]", "no_data", "bound-undecided"),
    ],
)
def test_a_bound_gives_the_verdict_it_settles(
    milestone: str, status: str, reason: str | None
) -> None:
    """13.8 with the true value at or above it: a verdict only where every value it allows
    gives the same one, decided exactly (13.8 meets "at least 13.8", not surely "more than")."""
    spec = spec_with(f"indicator: ratio, milestones: [{{by: 2022, {milestone}}}]")
    rows = data(("x", "2022", "a", 138, "ít nhất"), ("x", "2022", "b", 1000))
    row = only(bdg.evaluate(spec, rows))
    assert (row["bound"], row["status"], row["reason_code"]) == ("above", status, reason)
    if reason is not None:
        assert row["reason_subject"] == "above"
        assert row["reason"] == (
            "not settled, since a figure is a bound: the true value may be higher"
        )
        assert reason_text(row["reason_code"], row["reason_subject"], "vi") == (
            "chưa kết luận được vì số liệu chỉ là giới hạn: giá trị thực có thể cao hơn"
        )
        assert row["value_num"] is not None  # the value is kept, and shown


def test_about_and_yes_no_values_are_undecided() -> None:
    """Khoảng ("about") settles nothing; a yes/no value computed from a bound is about."""
    spec = spec_with(
        "indicator: ratio, milestones: [{by: 2022, at_least: 10}]",
        "indicator: above, milestones: [{by: 2022, equals: true}]",
    )
    result = bdg.evaluate(spec, data(("x", "2022", "a", 50, "khoảng"), ("x", "2022", "b", 100)))
    for target in ("1", "2"):
        row = only(result, target)
        assert (row["bound"], row["status"], row["reason_code"]) == (
            "about",
            "no_data",
            "bound-undecided",
        )


def test_change_and_progress_with_a_bound_are_undecided() -> None:
    """A change target whose value or base value is a bound, and progress toward a milestone
    ahead from a bound, have no verdict; exact values are judged as before."""
    spec = spec_with(
        "indicator: total, milestones: [{by: 2022, increase_by: 1, change: absolute, base: 2020}]",
        "indicator: total, milestones: [{by: 2025, at_least: 100}]",
    )
    rows = data(
        ("x", "2020", "a", 1, "trên"),
        ("x", "2020", "b", 1),
        ("x", "2022", "a", 50),
        ("x", "2022", "b", 1),
        ("x", "2023", "a", 60, "khoảng"),
        ("x", "2023", "b", 1),
    )
    result = bdg.evaluate(spec, rows)
    change = only(result, "1")
    assert (change["status"], change["reason_code"], change["reason_subject"]) == (
        "no_data",
        "bound-undecided",
        "base",
    )
    baseline = only(result, "2")  # 2022 exact, its baseline 2020 a bound
    assert (baseline["status"], baseline["reason_subject"]) == ("no_data", "baseline")
    assert only(result, "2", period="2023")["reason_subject"] == "about"


def test_a_reported_rate_that_is_a_bound_is_judged_where_reported() -> None:
    """Gần 35% ("nearly 35%", aggregation: none) meets "at most 35" at the org unit that
    reported it; the province above has no value of its own and never sums it."""
    spec = spec_with("indicator: score_value, milestones: [{by: 2022, at_most: 35}]")
    result = bdg.evaluate(spec, data(("c1", "2022", "score", 35, "gần")), org_units=TREE)
    row = only(result, unit="c1")
    assert (exact(row), row["bound"], row["status"]) == (35, "below", "achieved")
    assert only(result, unit="p")["reason_code"] == "not-summed"


def test_duckdb_gives_the_polars_table_with_bounds() -> None:
    """A bounded case (sums, parts of years, every verdict) is the same on DuckDB and Polars."""
    spec = spec_with(
        "indicator: ratio, milestones: [{by: 2022, at_least: 10}]",
        "indicator: ratio, milestones: [{by: 2022, at_least: 90}]",
        "indicator: gap, milestones: [{by: 2025, at_most: 0}]",
    )
    rows = data(
        ("c1", "2022", "a", 30, "trên"),
        ("c1", "2022", "b", 100),
        ("c2", "2022-S1", "a", 10, "dưới"),
        ("c2", "2022-S2", "a", 10),
        *[("c2", f"2022-S{h}", "b", 50) for h in (1, 2)],
        ("c1", "2021", "a", 20),
        ("c1", "2021", "b", 100, "khoảng"),
    )
    polars = bdg.evaluate(spec, rows, org_units=TREE).to_dicts()
    duckdb = bdg.evaluate(spec, rows, org_units=TREE, backend="duckdb").to_dicts()
    assert polars == duckdb
    assert {r["bound"] for r in polars} == {None, "above", "below", "about"}


# ---------------------------------------------------------------- explanations


def test_explanations_show_bounds() -> None:
    """Rows and series show their bound ("trên 100"), the value line says it is a bound."""
    spec = spec_with("indicator: ratio, milestones: [{by: 2022, at_least: 10}]")
    result = bdg.evaluate(spec, data(("x", "2022", "a", 138), ("x", "2022", "b", 1000, "trên")))
    case = result.explain("1", "x", "2022")
    assert case.bound == "below"
    assert [s.bound for s in case.inputs] == [None, "above"]
    assert [r.bound for r in case.rows] == [None, "above"]
    text = explanation_text(case, "vi")
    assert "b @ x (2022) = ít nhất 1.000 (báo cáo)" in text
    assert "Giá trị: tối đa 13,8% (" in text
    assert "giá trị là giới hạn: giá trị thực không lớn hơn giá trị này" in text
    english = explanation_text(case, "en")
    assert "at least 1,000" in english
    assert "the value is a bound" in english
    plain = explanation_dict(case)
    assert plain["bound"] == "below"
    assert plain["displayed_value"] == "at most 13.8"
    assert plain["inputs"][1]["bound"] == "above"
    assert plain["inputs"][1]["rows"][0]["bound"] == "above"


# ---------------------------------------------------------------- the Kon Tum example


@pytest.fixture(scope="module")
def kon_tum() -> bdg.EvaluationResult:
    """The Kon Tum example, evaluated on its bundled CSV."""
    return bdg.evaluate(KON_TUM)


@pytest.mark.parametrize(
    ("target", "value", "bound", "status"),
    [
        ("K.1", Fraction(27678, 200000) * 100, "below", "achieved"),
        ("K.2", Fraction(46177, 200000) * 100, "below", "no_data"),
        ("K.3", Fraction(1865, 2500) * 100, "below", "not_achieved"),
        ("K.4", Fraction(35), "below", "achieved"),
        ("K.5", Fraction(44000, 200000) * 100, "about", "not_applicable"),
    ],
)
def test_kon_tum_shares_are_bounds(
    kon_tum: bdg.EvaluationResult, target: str, value: Fraction, bound: str, status: str
) -> None:
    """27.678 of more than 200.000 children is at most 13,839%, exactly; 1.865 of more than 2.500
    at most 74,6%; "gần 35%" at most 35%; more than 44.000 of more than 200.000 about 22%."""
    row = only(kon_tum, target, "kon-tum")
    assert (exact(row), row["bound"], row["status"]) == (value, bound, status)
    assert kon_tum.observations.rows_rejected == 0


def test_kon_tum_undecided_target(kon_tum: bdg.EvaluationResult) -> None:
    """K.2 (at most 20%) is not settled by "at most 23,09%"."""
    row = only(kon_tum, "K.2", "kon-tum")
    assert (row["reason_code"], row["reason_subject"]) == ("bound-undecided", "below")


def test_kon_tum_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The table shows each bound with its word, rounded to its safe side; JSON has `bound`;
    `bdg explain` shows "trên 200.000"."""
    assert cli.main(["evaluate", KON_TUM]) == 0
    out = capsys.readouterr().out
    for shown in ("tối đa 13,9%", "tối đa 23,1%", "tối đa 74,6%", "tối đa 35%", "khoảng 22,0%"):
        assert shown in out
    assert cli.main(["evaluate", KON_TUM, "--lang", "en"]) == 0
    assert "at most 13.9%" in capsys.readouterr().out
    assert cli.main(["evaluate", KON_TUM, "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["results"]
    assert [r["bound"] for r in rows] == ["below", "below", "below", "below", "about"]
    assert cli.main(["evaluate", KON_TUM, "--format", "csv"]) == 0
    assert ",bound," in capsys.readouterr().out.splitlines()[0]
    args = ["explain", KON_TUM, "--target", "K.1", "--org-unit", "kon-tum", "--period", "2022"]
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "children_under16 @ kon-tum (2022) = ít nhất 200.000 (báo cáo)" in text
    assert "Giá trị: tối đa 13,9%" in text


def test_verdicts_of_bounded_values_counted_through_achieved() -> None:
    """`share(achieved("1"), level=commune)` counts the communes whose bound settles "at least
    800" ("trên 900"); a commune it does not settle ("khoảng 850": no verdict) stays in the
    denominator as not counted, so the share (1 of 2) is the least it can be: a lower bound,
    which settles "at least 50%"."""
    spec = bdg.load_spec_text(
        """\
bdg_spec: 1
id: test.bounds.achieved
title: T
data_items:
  score: {label: Điểm, unit: point, aggregation: none}
indicators:
  total: {label: Tổng điểm, formula: score, unit: point, better: higher}
  share_ok:
    label: Tỷ lệ xã đạt
    formula: share(achieved("1"), level=commune)
    unit: percent
    better: higher
goals:
  - id: "1"
    targets:
      - {id: "1", indicator: total, milestones: [{by: 2022, at_least: 800}],
         source: {clause: t, verification: unverified}}
      - {id: "2", indicator: share_ok, milestones: [{by: 2022, at_least: 50}],
         source: {clause: t, verification: unverified}}
"""
    )
    rows = data(("c1", "2022", "score", 900, "trên"), ("c2", "2022", "score", 850, "khoảng"))
    result = bdg.evaluate(spec, rows, org_units=TREE)
    assert only(result, "1", "c1")["status"] == "achieved"
    assert only(result, "1", "c2")["reason_code"] == "bound-undecided"
    province = only(result, "2", "p")
    assert (exact(province), province["bound"], province["partial"]) == (50, "above", True)
    assert province["status"] == "achieved"
