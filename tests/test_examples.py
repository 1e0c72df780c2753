"""The example specs under specs/examples: each runs by id on its bundled data, and the figures of
its seed document come out of the real evaluation (exact values, displayed text, the x/y count)."""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import bdg_indicators as bdg
from bdg_indicators import cli, shipped_specs
from bdg_indicators.loading import specs_directory

TTH = "vn.examples.hue-children-2016-2020"
NGOC_HOI = "vn.examples.ngoc-hoi-2020"
EXAMPLES = [
    s.id for s in shipped_specs() if "examples" in s.path.relative_to(specs_directory()).parts
]
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_example_xlsx.py"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `bdg ARGS` in-process; return exit code, stdout, stderr."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def row(result: bdg.EvaluationResult, target: str, period: str) -> dict[str, Any]:
    """The one result row of ``target`` at ``period``."""
    rows = [r for r in result.to_dicts() if r["target"] == target and r["period"] == period]
    assert len(rows) == 1, rows
    return rows[0]


def exact(r: dict[str, Any]) -> Fraction:
    """The exact value of a result row."""
    return Fraction(r["value_num"], r["value_den"])


@pytest.fixture(scope="module")
def tth() -> bdg.EvaluationResult:
    """The Thừa Thiên Huế example, evaluated on its bundled workbook."""
    return bdg.evaluate(TTH)


@pytest.fixture(scope="module")
def ngoc_hoi() -> bdg.EvaluationResult:
    """The Ngọc Hồi example, evaluated on its bundled CSV."""
    return bdg.evaluate(NGOC_HOI)


def test_both_examples_are_shipped() -> None:
    """The two examples are found as shipped example specs."""
    assert {TTH, NGOC_HOI} <= set(EXAMPLES)


@pytest.mark.parametrize("spec_id", EXAMPLES)
def test_example_validates_and_evaluates(capsys: pytest.CaptureFixture[str], spec_id: str) -> None:
    """Every example spec validates, and `bdg evaluate ID` runs on its bundled data with exit
    code 0 and no rejected row."""
    code, out, err = run(capsys, "validate", spec_id)
    assert (code, out) == (0, "")
    code, out, err = run(capsys, "evaluate", spec_id)
    assert code == 0, err
    assert "+ loại 0" in err


# ---- Thừa Thiên Huế, scheme 2016-2020 (seed 001)


def test_tth_workbook_is_read_whole(tth: bdg.EvaluationResult) -> None:
    """The bundled .xlsx is read through the loader: every row used, none rejected."""
    observations = tth.observations
    assert observations.files[0].endswith(".xlsx")
    assert observations.rows_read == observations.rows_used > 0
    assert observations.rows_rejected == 0


@pytest.mark.skipif(not SCRIPT.is_file(), reason="scripts/ is not shipped in distributions")
def test_tth_workbook_matches_its_script(tth: bdg.EvaluationResult) -> None:
    """The workbook holds exactly the rows of scripts/make_example_xlsx.py (it was regenerated
    after the last change to the script)."""
    spec = importlib.util.spec_from_file_location("make_example_xlsx", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    observations = tth.observations
    read = [
        (r["period"], r["data_item"], observations.value(r["data_item"], r["num"]), r["source"])
        for r in observations.table.iter_rows(named=True)
    ]
    written = [(p, i, Fraction(str(v)), s) for p, i, v, s in module.ROWS]
    assert read == written


def test_tth_spending_275_percent(
    capsys: pytest.CaptureFixture[str], tth: bdg.EvaluationResult
) -> None:
    """96,245 tỷ đồng spent against 35 tỷ planned is 274.98...%, shown as 275,0%, without a
    verdict (it is not one of the 14 chỉ tiêu)."""
    spending = row(tth, "kp.1", "2016/2020")
    assert exact(spending) == Fraction("96.245") / 35 * 100
    assert spending["unit"] == "percent"
    assert spending["status"] == "not_applicable"
    assert spending["reason_code"] == "no-milestone"
    code, out, _ = run(capsys, "evaluate", TTH, "--target", "kp.1")
    assert code == 0
    assert "275,0%" in out


def test_tth_12_of_14(capsys: pytest.CaptureFixture[str], tth: bdg.EvaluationResult) -> None:
    """The framework row of the summary counts 12 of 14 chỉ tiêu achieved, as the seed reports;
    the two not achieved are the two it names (2.1 birth registration, 3.3 child-friendly
    communes)."""
    summary = tth.summary().to_polars()
    framework = summary.filter(summary["goal"].is_null()).to_dicts()
    assert len(framework) == 1
    total = framework[0]
    assert (total["period"], total["achieved"], total["assessed"]) == ("2016/2020", 12, 14)
    assert total["not_achieved"] == 2
    verdicts = tth.legal_verdicts().to_polars()
    missed = verdicts.filter(verdicts["status"] == "not_achieved")["legal_target"].to_list()
    assert missed == ["2.1", "3.3"]
    code, out, _ = run(capsys, "evaluate", TTH, "--summary")
    assert code == 0
    assert "12/14" in out


# ---- Ngọc Hồi, report 419/BC-UBND, 2020-S1 (seed 004)


def test_ngoc_hoi_extends_the_national_strategy(ngoc_hoi: bdg.EvaluationResult) -> None:
    """The report's "7 mục tiêu, 22 tiêu chí" are the national strategy's, which the spec
    extends: its seven goals are there, with the report's own figures in one more goal."""
    goals = [g.id for g in ngoc_hoi.spec.goals]
    assert goals[:7] == ["1", "2", "3", "4", "5", "6", "7"]
    assert goals[7:] == ["bc419"]


def test_ngoc_hoi_literacy(
    capsys: pytest.CaptureFixture[str], ngoc_hoi: bdg.EvaluationResult
) -> None:
    """Footnote 4: 17101/17471 (97,9%) literate at level I, 18083/18603 (97,2%) ethnic-minority
    people literate."""
    level1 = row(ngoc_hoi, "3.1a", "2020-S1")
    minority = row(ngoc_hoi, "3.1c", "2020-S1")
    assert exact(level1) == Fraction(17101, 17471) * 100
    assert exact(minority) == Fraction(18083, 18603) * 100
    code, out, _ = run(capsys, "evaluate", NGOC_HOI, "--target", "3.1a", "--target", "3.1c")
    assert code == 0
    assert "97,9%" in out
    assert "97,2%" in out


def test_ngoc_hoi_communes_8_of_8(ngoc_hoi: bdg.EvaluationResult) -> None:
    """Mục I.3: the models run in 8/8 communes and towns."""
    assert exact(row(ngoc_hoi, "bc419.1", "2020-S1")) == 100


def test_ngoc_hoi_no_violence_case_is_zero(ngoc_hoi: bdg.EvaluationResult) -> None:
    """ "Trong năm không xảy ra vụ bạo lực gia đình nào": a value of 0 cases, not missing data."""
    cases = row(ngoc_hoi, "bc419.4", "2020-S1")
    assert cases["value_num"] == 0
    assert exact(cases) == 0
    assert cases["value"] == 0
    assert cases["status"] != "no_data"
    assert cases["reason_code"] == "no-milestone"


def test_ngoc_hoi_funding(
    capsys: pytest.CaptureFixture[str], ngoc_hoi: bdg.EvaluationResult
) -> None:
    """Mục I.7.2: 20.000.000 đ for the district, nothing (0) for the communes."""
    district = row(ngoc_hoi, "bc419.2", "2020-S1")
    communes = row(ngoc_hoi, "bc419.3", "2020-S1")
    assert exact(district) == 20_000_000
    assert exact(communes) == 0
    assert communes["status"] != "no_data"
    code, out, _ = run(capsys, "evaluate", NGOC_HOI, "--target", "bc419.2")
    assert code == 0
    assert "20.000.000 đồng" in out


def test_ngoc_hoi_loans(ngoc_hoi: bdg.EvaluationResult) -> None:
    """Footnote 3: 162 households lent 7.896 triệu; 24 women lent 78.200.000 đ interest-free; 4
    women lent 200 triệu under the start-up plan."""
    figures = {
        t: (exact(row(ngoc_hoi, t, "2020-S1")), row(ngoc_hoi, t, "2020-S1")["unit"])
        for t in ("bc419.5", "bc419.6", "bc419.7", "bc419.8", "bc419.9", "bc419.10")
    }
    assert figures == {
        "bc419.5": (162, "household"),
        "bc419.6": (7896, "trieu_dong"),
        "bc419.7": (24, "person"),
        "bc419.8": (78_200_000, "dong"),
        "bc419.9": (4, "person"),
        "bc419.10": (200, "trieu_dong"),
    }


def test_ngoc_hoi_report_figures_are_not_counted(ngoc_hoi: bdg.EvaluationResult) -> None:
    """The report's own figures have no milestone: no verdict, and not counted among the
    strategy's chỉ tiêu in the summary."""
    summary = ngoc_hoi.summary().to_polars()
    assert "bc419" not in summary["goal"].to_list()


QUANG_NAM_2023 = "vn.examples.quang-nam-2023"


def test_quang_nam_2023_rule_applies_to_its_population() -> None:
    """Quảng Nam 2023: "cơ quan có trên 30% … là nữ … có ít nhất 01 nữ là cán bộ lãnh đạo": an
    agency with exactly 30% women is outside the seed's population ("trên 30%") and inside the
    national wording's ("từ 30% trở lên"); an agency below is outside both; the province is not
    judged (the rule is per agency); an agency whose staff is unknown has no verdict."""
    result = bdg.evaluate(QUANG_NAM_2023)
    verdict = {
        (r["target"], r["org_unit"]): (r["status"], r["reason_code"]) for r in result.to_dicts()
    }
    assert verdict[("qna23-1", "so-d")] == ("not_applicable", "outside-population")  # 30/100
    assert verdict[("qna23-2", "so-d")] == ("not_achieved", None)
    assert verdict[("qna23-1", "so-c")] == ("not_applicable", "outside-population")  # 14/50
    assert verdict[("qna23-2", "so-c")] == ("not_applicable", "outside-population")
    assert verdict[("qna23-1", "so-b")] == ("not_achieved", None)  # 40/80, no woman leader
    assert verdict[("qna23-1", "so-a")] == ("achieved", None)
    assert verdict[("qna23-1", "quang-nam")] == ("not_applicable", "level-not-judged")
    assert verdict[("qna23-1", "so-g")] == ("no_data", "population-unknown")
    share = next(
        r for r in result.to_dicts() if r["target"] == "qna23-s" and r["org_unit"] == "quang-nam"
    )
    # so-a and so-e of so-a, so-b, so-e and so-g, whose staff is unknown: at least half
    assert (exact(share), share["bound"]) == (Fraction(50), "above")
    counts = result.spec.counts()
    assert (counts.targets, counts.entries) == (2, 2)  # the share is a figure, not a chỉ tiêu
