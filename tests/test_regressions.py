"""Regressions of the engine rebuild (issue 6, section 1), each through the real `bdg` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SPEC = """\
bdg_spec: 1
id: test.regressions
title: {vi: Kiểm thử, en: Regressions}
attributes:
  commune_group:
    label: Nhóm xã
    values: {plain: Đồng bằng, mountain: Miền núi}
data_items:
  vaccinated: {label: Trẻ được tiêm, unit: child, part_of: children}
  children: {label: Trẻ dưới 1 tuổi, unit: child, aggregation: stock}
  child_marriages: {label: Số vụ tảo hôn, unit: case}
  leaders: {label: Lãnh đạo nữ, unit: person}
indicators:
  vaccination_rate: {label: Tỷ lệ tiêm chủng, formula: vaccinated / children, unit: percent,
                     better: higher}
  complete_rate: {label: Tỷ lệ (đủ đơn vị), formula: vaccinated / children, unit: percent,
                  better: higher, coverage: complete}
  rate_ok: {label: Đạt 29%, formula: vaccination_rate >= 29, unit: boolean, better: higher}
  share_ok: {label: Tỷ lệ xã đạt 29%, formula: "share(vaccination_rate >= 29, level=commune)",
             unit: percent, better: higher}
  share_complete: {label: Tỷ lệ xã (đủ), formula: "share(vaccination_rate >= 29, level=commune)",
                   unit: percent, better: higher, coverage: complete}
  marriages: {label: Tảo hôn, formula: child_marriages, unit: case, better: lower}
goals:
  - id: "1"
    label: Mục tiêu 1
    targets:
      - {id: a, indicator: vaccination_rate, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, at_least: 95}]}
      - {id: a2, indicator: complete_rate, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, at_least: 95}]}
      - {id: b1, indicator: rate_ok, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, equals: true}]}
      - {id: b2, indicator: share_ok, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, at_least: 100}]}
      - {id: c, indicator: vaccination_rate, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030,
                       at_least: {attribute: commune_group, values: {plain: 95, mountain: 90}}}]}
      - {id: d, indicator: share_complete, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, at_least: 50}]}
      - {id: e, indicator: marriages, source: {clause: t, verification: paraphrase},
         milestones: [{by: 2025, reduce_by: 2 percent, change: relative, base: 2024}]}
      - {id: f, indicator: vaccination_rate, source: {clause: t, verification: paraphrase},
         milestones: [{by: 2025, reduce_by: 5 percent, change: relative, base: 2021}]}
      - {id: i, indicator: vaccination_rate, source: {clause: t, verification: paraphrase},
         milestones: [{every: 2020/2030, at_least: 98}]}
"""
ORG_UNITS = """\
bdg_org_units: 1
org_units:
  - {code: ngoc-hoi, name: Huyện Ngọc Hồi, level: district}
  - {code: plei-kan, name: Thị trấn Plei Kần, level: commune, parent: ngoc-hoi,
     attributes: {commune_group: mountain}}
  - {code: dak-xu, name: Xã Đăk Xú, level: commune, parent: ngoc-hoi,
     attributes: {commune_group: plain}}
  - {code: bo-y, name: Xã Bờ Y, level: commune, parent: ngoc-hoi}
"""
HEADER = "org_unit,period,data_item,value\n"


def bdg(*args: str) -> tuple[int, str, str]:
    """Run the installed `bdg` command; exit code, stdout, stderr."""
    script = Path(sys.executable).with_name("bdg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bdg_indicators"]
    done = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder with the regression spec and org units."""
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "org-units.yaml").write_text(ORG_UNITS, encoding="utf-8")
    return tmp_path


def evaluate(
    folder: Path, rows: str, *extra: str
) -> tuple[int, dict[tuple[str, str, str], dict], str]:  # type: ignore[type-arg]
    """`bdg evaluate --format json` on CSV rows; exit code, rows by (target, unit, period), err."""
    data = folder / "data.csv"
    data.write_text(HEADER + rows, encoding="utf-8")
    code, out, err = bdg(
        "evaluate",
        str(folder / "spec.yaml"),
        "--data",
        str(data),
        "--format",
        "json",
        *extra,
    )
    parsed = json.loads(out, parse_constant=_no_constant)["results"] if out.strip() else []
    return code, {(r["target"], r["org_unit"], r["period"]): r for r in parsed}, err


def _no_constant(name: str) -> None:
    raise AssertionError(f"not JSON: {name}")


UNITS = ("--org-units",)


def test_a_ratio_parts_come_from_the_same_communes(files: Path) -> None:
    """a. A numerator from plei-kan and dak-xu and a denominator from plei-kan and bo-y: the
    district's rate is plei-kan's alone (90%), partial with coverage 1 of 3, not 185/150."""
    rows = (
        "plei-kan,2020,vaccinated,90\ndak-xu,2020,vaccinated,95\n"
        "plei-kan,2020,children,100\nbo-y,2020,children,50\n"
    )
    code, result, _ = evaluate(files, rows, *UNITS, str(files / "org-units.yaml"), "--target", "a")
    district = result[("a", "ngoc-hoi", "2020")]
    assert code == 0
    assert district["value_exact"] == "90"
    assert district["partial"] is True
    assert district["coverage"] == {"used": 1, "expected": 3}
    assert district["status"] == "not_achieved"
    _, result, _ = evaluate(files, rows, *UNITS, str(files / "org-units.yaml"), "--target", "a2")
    strict = result[("a2", "ngoc-hoi", "2020")]
    assert (strict["value"], strict["status"], strict["reason_code"]) == (
        None,
        "no_data",
        "incomplete-coverage",
    )
    assert strict["reason"] == (
        "only 1/3 org units reported every series, and the indicator requires them all"
    )


def test_a_a_rejected_denominator_does_not_leave_its_numerator(files: Path) -> None:
    """a. A commune whose denominator row is rejected adds nothing: not its numerator either."""
    rows = (
        "plei-kan,2020,vaccinated,90\nplei-kan,2020,children,100\n"
        "dak-xu,2020,vaccinated,40\ndak-xu,2020,children,abc\n"
    )
    code, result, err = evaluate(
        files, rows, *UNITS, str(files / "org-units.yaml"), "--target", "a"
    )
    assert code == 0
    assert "error[invalid-number]" in err
    assert result[("a", "ngoc-hoi", "2020")]["value_exact"] == "90"


def test_b_comparisons_inside_formulas_are_exact(files: Path) -> None:
    """b. 29/100 meets `rate >= 29` and `share(rate >= 29)` counts it. The two communes without
    data stay in the share's denominator: 1 of 3, at least (the share is a lower bound), which
    settles nothing against 100%."""
    rows = "plei-kan,2020,vaccinated,29\nplei-kan,2020,children,100\n"
    code, result, _ = evaluate(files, rows, *UNITS, str(files / "org-units.yaml"))
    assert code == 0
    assert result[("b1", "plei-kan", "2020")]["status"] == "achieved"
    assert result[("b1", "plei-kan", "2020")]["value"] == 1
    share = result[("b2", "ngoc-hoi", "2020")]
    assert share["value_exact"] == "100/3"
    assert (share["status"], share["reason_code"], share["bound"]) == (
        "no_data",
        "bound-undecided",
        "above",
    )
    assert share["coverage"] == {"used": 1, "expected": 3}


def test_c_org_units_without_the_attribute_are_reported(files: Path) -> None:
    """c. bo-y has no commune_group: it appears, as no data with the reason; without
    --org-units the attribute is unknown (not "no results")."""
    rows = "".join(
        f"{u},2020,vaccinated,{n}\n{u},2020,children,100\n"
        for u, n in (("plei-kan", 91), ("dak-xu", 96), ("bo-y", 97))
    )
    code, result, _ = evaluate(files, rows, *UNITS, str(files / "org-units.yaml"), "--target", "c")
    assert code == 0
    assert result[("c", "plei-kan", "2020")]["status"] == "achieved"  # 91 ≥ 90, mountain
    assert result[("c", "dak-xu", "2020")]["status"] == "achieved"
    bo_y = result[("c", "bo-y", "2020")]
    assert (bo_y["status"], bo_y["reason_code"]) == ("no_data", "attribute-missing")
    assert bo_y["reason"] == "the attribute `commune_group` is not recorded for this org unit"
    code, result, err = evaluate(files, rows, "--target", "c")
    assert code == 0
    assert "không có kết quả" not in err
    assert {r["reason_code"] for r in result.values()} == {"attribute-unknown"}


def test_d_shares_say_when_members_lack_values(files: Path) -> None:
    """d. A share whose member lacks a value is partial with its coverage, that member staying
    in the denominator (1 of 3, at least), and no value when the indicator requires complete
    coverage."""
    rows = "plei-kan,2020,vaccinated,30\nplei-kan,2020,children,100\n"
    rows += "dak-xu,2020,vaccinated,10\ndak-xu,2020,children,100\n"
    code, result, _ = evaluate(files, rows, *UNITS, str(files / "org-units.yaml"))
    share = result[("b2", "ngoc-hoi", "2020")]
    assert code == 0
    assert (share["value_exact"], share["partial"], share["bound"]) == ("100/3", True, "above")
    assert share["coverage"] == {"used": 2, "expected": 3}
    strict = result[("d", "ngoc-hoi", "2020")]
    assert (strict["status"], strict["reason_code"]) == ("no_data", "incomplete-coverage")


def test_e_a_quarter_is_not_compared_with_a_year(files: Path) -> None:
    """e. 20 cases in 2025-Q4 are not "−80%" against 100 in 2024: periods of other lengths are
    not judged for summed items; 2025 is built from its quarters only when all four exist."""
    rows = "plei-kan,2024,child_marriages,100\nplei-kan,2025-Q4,child_marriages,20\n"
    code, result, _ = evaluate(files, rows, "--target", "e")
    assert code == 0
    quarter = result[("e", "plei-kan", "2025-Q4")]
    assert (quarter["status"], quarter["reason_code"]) == ("not_applicable", "period-length")
    assert ("e", "plei-kan", "2025") not in result  # three quarters are missing
    rows += "".join(f"plei-kan,2025-Q{q},child_marriages,25\n" for q in (1, 2, 3))
    _, result, _ = evaluate(files, rows, "--target", "e")
    year = result[("e", "plei-kan", "2025")]
    assert (year["value"], year["value_from"], year["status"]) == (95, "derived", "achieved")


def test_f_the_base_period_is_not_judged_against_itself(files: Path) -> None:
    """f. At and before its base period a change target does not apply, and says why."""
    rows = "".join(
        f"plei-kan,{y},vaccinated,{n}\nplei-kan,{y},children,100\n"
        for y, n in ((2020, 80), (2021, 80), (2022, 70))
    )
    code, result, _ = evaluate(files, rows, "--target", "f")
    assert code == 0
    for year in ("2020", "2021"):
        row = result[("f", "plei-kan", year)]
        assert (row["status"], row["reason_code"]) == ("not_applicable", "base-period")
    assert result[("f", "plei-kan", "2022")]["status"] == "on_track"


def test_g_a_goal_equal_to_the_base_has_one_answer(files: Path) -> None:
    """g. A CAGR progress toward a goal equal to the baseline is not defined (Open SDG divides by
    zero): the linear method answers, the note says why; evaluate and explain agree."""
    spec = SPEC.replace(
        "[{by: 2025, reduce_by: 5 percent, change: relative, base: 2021}]",
        "[{by: 2025, at_least: 80}]",
    )
    (files / "spec.yaml").write_text(spec, encoding="utf-8")
    rows = "".join(
        f"plei-kan,{y},vaccinated,{n}\nplei-kan,{y},children,100\n"
        for y, n in ((2020, 80), (2022, 81))
    )
    code, result, _ = evaluate(files, rows, "--target", "f", "--method", "cagr")
    row = result[("f", "plei-kan", "2022")]
    assert code == 0
    assert row["status"] == "on_track"
    assert (row["progress"]["method"], row["progress"]["value"]) == ("bdg-linear/2", None)
    code, out, _ = bdg(
        "explain",
        str(files / "spec.yaml"),
        "--data",
        str(files / "data.csv"),
        "--target",
        "f",
        "--org-unit",
        "plei-kan",
        "--period",
        "2022",
        "--method",
        "cagr",
        "--format",
        "json",
    )
    assert json.loads(out)["status"] == "on_track"
    assert json.loads(out)["stamp"]["spec"]


def test_h_json_output_is_valid_json(files: Path) -> None:
    """h. No NaN or Infinity in JSON: a change against 0 and a rate with no base are null."""
    rows = "".join(
        f"plei-kan,{y},vaccinated,{n}\nplei-kan,{y},children,100\n"
        for y, n in ((2020, 0), (2021, 50))
    )
    code, result, _ = evaluate(files, rows, "--target", "a", "--base", "2020")
    row = result[("a", "plei-kan", "2021")]
    assert code == 0
    assert row["change"]["previous"]["absolute"] == 50
    assert row["change"]["previous"]["relative_pct"] is None
    assert row["change"]["base"]["annual_rate_pct"] is None


def test_i_a_shown_value_never_hides_its_verdict(files: Path) -> None:
    """i. 1959/2000 = 97.95% is not shown as "98,0%" beside "từ 98% trở lên: không đạt"."""
    data = files / "data.csv"
    data.write_text(
        HEADER + "plei-kan,2020,vaccinated,1959\nplei-kan,2020,children,2000\n", encoding="utf-8"
    )
    code, out, _ = bdg("evaluate", str(files / "spec.yaml"), "--data", str(data), "--target", "i")
    assert code == 0
    assert "97,95%" in out
    assert "98,0%" not in out
    assert "Không đạt" in out


def test_j_hints_for_unknown_codes_once_per_distinct_value(files: Path) -> None:
    """j. 4,000 rows of one unknown org unit are each rejected, and the command still reads
    the good rows; the hint is computed once (see test_observations for the count)."""
    rows = "plei-kan,2020,vaccinated,90\nplei-kan,2020,children,100\n"
    rows += "pleikan,2020,vaccinated,1\n" * 4000
    code, result, err = evaluate(
        files, rows, *UNITS, str(files / "org-units.yaml"), "--target", "a"
    )
    assert code == 0
    assert err.count("error[unknown-org-unit]") == 4000
    assert err.count("did you mean `plei-kan`?") == 4000
    assert "đọc 4.002 dòng = dùng 2 + loại 4.000" in err
    assert result[("a", "plei-kan", "2020")]["value"] == 90


def test_k_nothing_used_is_an_error_and_semicolons_are_read(files: Path) -> None:
    """k. A semicolon-separated CSV (Excel under a Vietnamese locale) is read, with a note;
    when no row is used the exit status is 1; --strict fails on any rejected row; the count is
    repeated after the results."""
    data = files / "semi.csv"
    data.write_text(
        "org_unit;period;data_item;value\nplei-kan;2020;vaccinated;90\n"
        "plei-kan;2020;children;100\n",
        encoding="utf-8",
    )
    code, out, err = bdg(
        "evaluate",
        str(files / "spec.yaml"),
        "--data",
        str(data),
        "--target",
        "a",
        "--format",
        "json",
    )
    assert code == 0
    assert "warning[csv-separator]" in err
    assert json.loads(out)["results"][0]["value"] == 90
    bad = files / "bad.csv"
    bad.write_text(HEADER + "nowhere,2020,vaccinated,90\n", encoding="utf-8")
    code, _, err = bdg(
        "evaluate",
        str(files / "spec.yaml"),
        "--data",
        str(bad),
        "--org-units",
        str(files / "org-units.yaml"),
    )
    assert code == 1
    assert "không dùng được dòng số liệu nào" in err
    mixed = files / "mixed.csv"
    mixed.write_text(
        HEADER + "plei-kan,2020,vaccinated,90\nplei-kan,2020,children,100\n"
        "plei-kan,2021,children,x\n",
        encoding="utf-8",
    )
    code, out, err = bdg(
        "evaluate", str(files / "spec.yaml"), "--data", str(mixed), "--target", "a"
    )
    assert code == 0
    assert err.count("đọc 3 dòng = dùng 2 + loại 1") == 2  # before and after the results
    code, _, err = bdg(
        "evaluate", str(files / "spec.yaml"), "--data", str(mixed), "--target", "a", "--strict"
    )
    assert code == 1
    assert "--strict" in err
