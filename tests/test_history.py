"""Org units over time: validity, codes resolved at a date, links, and figures rebuilt across the
reorganisation of 1 July 2025 (whole merges exact, weighted parts estimated, parts without a
weight not comparable), with the links shown in explanations."""

from __future__ import annotations

import datetime
from fractions import Fraction
from pathlib import Path

import pytest

import bdg_indicators as bdg
from bdg_indicators import cli
from bdg_indicators.orgunit_files import read_org_units
from bdg_indicators.orgunits import fold
from bdg_indicators.rules.reorganisation import after, before, end_day

EXAMPLE = "vn.examples.quang-ngai-2025"
JULY = datetime.date(2025, 7, 1)


def _example_tree() -> bdg.OrgUnitTree:
    spec = bdg.load_spec(EXAMPLE)
    (units,) = [p for p in spec.example_data if "org-units" in p]
    return bdg.load_org_units(units)


def _value(result: bdg.EvaluationResult, unit: str, period: str) -> dict[str, object]:
    (row,) = [r for r in result.to_dicts() if (r["org_unit"], r["period"]) == (unit, period)]
    return row


def test_a_code_at_two_dates_is_two_units() -> None:
    tree = _example_tree()
    old = tree.resolve("51", datetime.date(2020, 12, 31))
    new = tree.resolve("51", datetime.date(2025, 12, 31))
    assert old is not None
    assert new is not None
    assert (old.key, new.key) == ("51", "51@2025-07-01")
    assert tree.resolve("62", datetime.date(2025, 7, 1)) is None
    assert tree.resolve("62", datetime.date(2025, 6, 30)) is not None
    assert [u.key for u in tree.versions("51")] == ["51", "51@2025-07-01"]
    assert tree["23377@2025-07-01"].parent == "51@2025-07-01"  # the parent of its own time
    assert tree["23377"].parent == "611"


def test_links_and_the_tree_at_a_date() -> None:
    tree = _example_tree()
    made_of = {link.old for link in tree.predecessors("51@2025-07-01")}
    assert made_of == {"62", "51"}
    assert {link.new for link in tree.successors("23389")} == {"23377@2025-07-01"}
    after_july = tree.at(JULY)
    assert "611" not in after_july
    assert "23392@2025-07-01" in after_july
    assert not after_july.links


def test_search_without_diacritics() -> None:
    tree = _example_tree()
    assert fold("Quảng Ngãi") == fold("quang  NGAI") == "quang ngai"
    assert {u.key for u in tree.search("quang ngai")} == {"51", "51@2025-07-01"}
    assert {u.code for u in tree.search("dak")} == {"23380", "23383", "23386", "23389", "23392"}


@pytest.mark.parametrize("last_month", [2020 * 12 + 11, 2025 * 12 + 5, 2024 * 12 + 1])
def test_end_day_is_the_last_day_of_the_month(last_month: int) -> None:
    day = end_day(last_month)
    assert (day.year * 12 + day.month - 1) == last_month
    assert (day + datetime.timedelta(days=1)).day == 1


def test_a_merged_provinces_baseline_is_rebuilt_from_its_predecessors() -> None:
    """New Quảng Ngãi in 2020 = Kon Tum + old Quảng Ngãi, numerators and denominators summed,
    then the ratio: 65.000 of 500.000 = 13,0%, not the mean of 17,9% and 10,0%."""
    result = bdg.evaluate(EXAMPLE)
    base = _value(result, "51@2025-07-01", "2020")
    assert Fraction(int(base["value_num"]), int(base["value_den"])) == 13  # type: ignore[arg-type]
    kon_tum, old = _value(result, "62", "2020"), _value(result, "51", "2020")
    mean = (float(kon_tum["value"]) + float(old["value"])) / 2  # type: ignore[arg-type]
    assert abs(mean - 13.0) > 0.9  # the two readings differ: the engine sums, never averages
    now = _value(result, "51@2025-07-01", "2025")
    assert now["status"] == "achieved"
    assert now["base_period"] == "2020"
    assert round(float(now["change_base"]), 2) == round(840 / 101 - 13, 2)  # type: ignore[arg-type]


def test_an_old_district_is_judged_on_its_territory_after_2025() -> None:
    """Huyện Ngọc Hồi no longer exists in 2025, but its eight communes went wholly into three new
    ones: its 2025 figure is their sum (15.000 children, 2.450 poor: 16,33%)."""
    result = bdg.evaluate(EXAMPLE)
    row = _value(result, "611", "2025")
    assert Fraction(int(row["value_num"]), int(row["value_den"])) == Fraction(2450 * 100, 15000)  # type: ignore[arg-type]
    assert row["status"] == "achieved"  # 22,0% in 2020, down more than 2 points


def test_a_unit_that_cannot_be_rebuilt_says_why() -> None:
    result = bdg.evaluate(EXAMPLE)
    kon_tum = _value(result, "62", "2025")
    assert kon_tum["value"] is None
    assert (kon_tum["status"], kon_tum["reason_code"]) == ("no_data", "not-comparable")
    assert kon_tum["reason_subject"] == "not-wholly-mapped"
    notes = [p.message for p in result.observations.notes if p.code == "not-comparable"]
    assert any(m.startswith("Tỉnh Kon Tum (62) cannot be rebuilt for 2025") for m in notes)


def test_rows_read_used_and_rebuilt() -> None:
    observations = bdg.evaluate(EXAMPLE).observations
    assert observations.rows_read == observations.rows_used + observations.rows_rejected == 14
    assert observations.rows_derived == 4
    assert observations.files[-1] == "<tổ chức lại đơn vị hành chính>"
    assert observations.digests[-1] is None


def test_explain_names_the_links_used(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explain", EXAMPLE, "--target", "Q.1", "--org-unit", "51@2025-07-01"]
    assert cli.main([*args, "--period", "2025"]) == 0
    out = capsys.readouterr().out
    assert "Giá trị kỳ gốc (năm 2020): 13,0%" in out
    assert "<tổ chức lại đơn vị hành chính> dòng" in out
    assert "Tỉnh Kon Tum (62) → Tỉnh Quảng Ngãi (51): nhập toàn bộ" in out


HISTORY = """\
bdg_org_units: 1
org_units:
  - {code: A, name: Xã A, level: commune, valid_until: 2025-07-01}
  - {code: B, name: Xã B, level: commune, valid_until: 2025-07-01}
  - {code: N, name: Xã N, level: commune, valid_from: 2025-07-01}
  - {code: M, name: Xã M, level: commune, valid_from: 2025-07-01}
links:
  - {old: A, new: N, on: 2025-07-01}
  - {old: B, new: N, on: 2025-07-01, kind: part, WEIGHT}
  - {old: B, new: M, on: 2025-07-01, kind: part}
"""
SPEC = """\
bdg_spec: 1
id: test.history
title: T
data_items:
  poor: {label: Nghèo, unit: person, part_of: children}
  children: {label: Trẻ em, unit: person}
indicators:
  rate: {label: Tỷ lệ, formula: poor / children, unit: percent, better: lower}
goals:
  - id: "1"
    label: G
    targets:
      - {id: t, indicator: rate, source: {clause: t, verification: unverified},
         milestones: [{by: 2025, at_most: 20 percent}]}
"""
DATA = """\
org_unit,period,data_item,value
A,2020,children,1000
A,2020,poor,100
B,2020,children,600
B,2020,poor,300
N,2025,children,1500
N,2025,poor,250
"""


def _run(tmp_path: Path, weight: str) -> bdg.EvaluationResult:
    (tmp_path / "ou.yaml").write_text(HISTORY.replace("WEIGHT", weight), encoding="utf-8")
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    return bdg.evaluate(
        tmp_path / "spec.yaml", tmp_path / "data.csv", org_units=tmp_path / "ou.yaml"
    )


def test_a_weighted_part_is_an_estimate(tmp_path: Path) -> None:
    """N in 2020 = A + 0,5 × B: 1.300 children, 250 poor, marked "about" (estimated)."""
    result = _run(tmp_path, "weight: 0.5")
    row = _value(result, "N@2025-07-01", "2020")
    assert Fraction(int(row["value_num"]), int(row["value_den"])) == Fraction(25000, 1300)  # type: ignore[arg-type]
    assert row["bound"] == "about"
    standing = before(result.org_units, "N@2025-07-01")  # type: ignore[arg-type]
    assert standing is not None
    assert standing.estimated
    assert dict(standing.parts) == {"A": 1, "B": Fraction(1, 2)}


def test_a_part_without_weight_is_not_comparable(tmp_path: Path) -> None:
    result = _run(tmp_path, "note: một phần")
    assert _value(result, "N@2025-07-01", "2020")["value"] is None
    standing = before(result.org_units, "N@2025-07-01")  # type: ignore[arg-type]
    assert standing is not None
    assert standing.reason == "part-without-weight"
    assert after(result.org_units, "B").reason == "not-wholly-mapped"  # type: ignore[arg-type, union-attr]


def test_a_row_of_a_unit_that_did_not_exist_is_rejected_with_its_successor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _run(tmp_path, "weight: 0.5")
    assert result.observations.rows_rejected == 0
    (tmp_path / "late.csv").write_text(DATA + "A,2026,children,5\n", encoding="utf-8")
    args = ["evaluate", str(tmp_path / "spec.yaml"), "--data", str(tmp_path / "late.csv")]
    assert cli.main([*args, "--org-units", str(tmp_path / "ou.yaml")]) == 0
    err = capsys.readouterr().err
    assert "late.csv:8:1: error[org-unit-not-then]: no org unit `A` existed in 2026" in err
    assert "`A` was Xã A until 2025-06-30; it went into Xã N (N) on 2025-07-01" in err


def test_overlapping_versions_of_a_code_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "ou.yaml"
    path.write_text(
        "bdg_org_units: 1\norg_units:\n"
        "  - {code: A, name: Xã A, level: commune, valid_until: 2025-07-01}\n"
        "  - {code: A, name: Xã A mới, level: commune, valid_from: 2025-01-01}\n"
        "  - {code: B, name: Xã B, level: commune, valid_from: 1 tháng 7}\n",
        encoding="utf-8",
    )
    tree, problems = read_org_units(path)
    assert tree is None
    found = {(p.code, p.location.line) for p in problems}
    assert ("duplicate-org-unit", 4) in found
    assert ("invalid-value", 5) in found


def test_bdg_orgunits_history_and_find(capsys: pytest.CaptureFixture[str]) -> None:
    units = next(p for p in bdg.load_spec(EXAMPLE).example_data if "org-units" in p)
    assert cli.main(["orgunits", "--org-units", units, "--history", "51"]) == 0
    out = capsys.readouterr().out
    assert "51 Tỉnh Quảng Ngãi (từ 2025-07-01)" in out
    assert "  ← 62 Tỉnh Kon Tum: nhập toàn bộ, ngày 2025-07-01" in out
    assert (
        cli.main(["orgunits", "--org-units", units, "--find", "sa loong", "--format", "json"]) == 0
    )
    import json

    found = json.loads(capsys.readouterr().out)
    assert {u["key"] for u in found} == {"23398", "23392@2025-07-01"}
    assert (
        cli.main(["orgunits", "--org-units", units, "--at", "2026-01-01", "--level", "commune"])
        == 0
    )
    out = capsys.readouterr().out
    assert "3 đơn vị" in out
    assert "Plei Kần" not in out


def test_the_shipped_tree_of_viet_nam() -> None:
    """The shipped tree: whole merges rebuild exactly, Huế keeps its territory, codes are
    resolved at a date (15 is Yên Bái in 2024 and the new Lào Cai in 2026)."""
    tree = bdg.load_org_units("vn")
    assert sum(1 for u in tree if u.level == "province") == 63 + 34
    da_nang = before(tree, "48@2025-07-01")
    assert da_nang is not None
    assert dict(da_nang.parts) == {"48": 1, "49": 1}
    assert not da_nang.estimated
    hue = after(tree, "46")
    assert hue is not None
    assert dict(hue.parts) == {"46@2025-07-01": 1}
    old, new = (tree.resolve("15", datetime.date(y, 12, 31)) for y in (2024, 2026))
    assert old is not None
    assert new is not None
    assert (old.name, new.name) == ("Tỉnh Yên Bái", "Tỉnh Lào Cai")
    assert {u.name for u in tree.search("quang nam") if u.level == "province"} == {"Tỉnh Quảng Nam"}
    today = bdg.load_org_units("vn@2025-07-01")
    assert sum(1 for u in today if u.level == "province") == 34
    assert not any(u.level == "district" for u in today)


def test_bdg_orgunits_on_the_shipped_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["orgunits", "--history", "49"]) == 0
    assert "  → 48 Thành phố Đà Nẵng: nhập toàn bộ, ngày 2025-07-01" in capsys.readouterr().out
    assert cli.main(["orgunits", "--history", "611"]) == 0
    out = capsys.readouterr().out
    assert "⇒ 23383 Xã Dục Nông (gồm Xã Đắk Ang, Xã Đắk Dục, Xã Đắk Nông)" in out
    assert cli.main(["orgunits", "--at", "2025-07-01", "--level", "province"]) == 0
    assert "34 đơn vị" in capsys.readouterr().out


def test_a_unit_that_did_not_exist_is_not_applicable(tmp_path: Path) -> None:
    """Xã M, made in 2025 of a part of B without weight, has no data in 2020 (not comparable);
    a unit that nothing stands for is not applicable then, with when it existed."""
    result = _run(tmp_path, "note: một phần")
    m = _value(result, "M@2025-07-01", "2020")
    assert (m["status"], m["reason_code"]) == ("no_data", "not-comparable")
    a = _value(result, "A", "2025")
    assert (a["status"], a["reason_code"]) == ("no_data", "not-comparable")
    spec = tmp_path / "spec.yaml"
    lonely = tmp_path / "lonely.yaml"
    lonely.write_text(
        "bdg_org_units: 1\norg_units:\n"
        "  - {code: A, name: Xã A, level: commune, valid_until: 2025-07-01}\n"
        "  - {code: N, name: Xã N, level: commune, valid_from: 2025-07-01}\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.csv"
    alone = bdg.evaluate(spec, data, org_units=lonely)
    gone = _value(alone, "A", "2025")
    assert (gone["status"], gone["reason_code"]) == ("not_applicable", "org-unit-absent")
    assert gone["reason_subject"] == "../2025-06-30"
    assert gone["reason"] == "the org unit did not exist at this period (it existed ../2025-06-30)"


def test_rebuilt_figures_are_said_so_in_tables_and_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["report", EXAMPLE, "--period", "2025", "--org-unit", "611", "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert "(dựng lại qua" in out
    assert cli.main(["evaluate", EXAMPLE, "--org-unit", "611", "--lang", "en"]) == 0
    assert "(rebuilt across the" in capsys.readouterr().out
