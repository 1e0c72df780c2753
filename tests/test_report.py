"""`bdg report` and the report model: the figures of the seed reports, the formats, the stamp,
determinism, safety, and the HTML opened in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import bdg_indicators as bdg
from bdg_indicators import cli
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree
from bdg_indicators.report.documents import csv_text, html_text, json_text, markdown_text
from bdg_indicators.report.model import build_report
from bdg_indicators.report.records import records

HUE = "vn.examples.hue-children-2016-2020"
NGOC_HOI = "vn.examples.ngoc-hoi-2020"
QUANG_NAM = "vn.examples.quang-nam-2019"
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01T00:00:00Z


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed `bdg` command, as a person runs it."""
    script = Path(sys.executable).with_name("bdg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bdg_indicators"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_hue_report_counts_twelve_of_fourteen() -> None:
    """The seed's "12/14 chỉ tiêu đạt và vượt", per goal and in all, with names and words."""
    report = build_report(bdg.evaluate(HUE))
    (part,) = report.parts
    assert (part.org_unit_name, part.period_words) == ("Tỉnh Thừa Thiên Huế", "giai đoạn 2016-2020")
    assert (part.tally.achieved, part.tally.assessed) == (12, 14)
    goals = {s.goal: (s.tally.achieved, s.tally.assessed) for s in part.sections}
    assert goals["1"] == (4, 4)
    assert sum(a for a, _ in goals.values()) == 12
    verdicts = {line.target: line.verdict for s in part.sections for line in s.lines}
    assert verdicts["2.1"] == "Không đạt"
    assert verdicts["1.1"] == "Đạt"


def test_english_report_has_english_words() -> None:
    report = build_report(bdg.evaluate(HUE), lang="en")
    (part,) = report.parts
    assert part.period_words == "2016-2020"
    text = markdown_text(report)
    assert "targets achieved (of those assessed)" in text
    assert "| Target | Milestone | Baseline | Actual | Change | Verdict |" in text
    for word in ("Đạt |", "Không đạt", "Mốc", "Kết luận"):
        assert word not in text


def test_only_results_with_data_unless_all() -> None:
    result = bdg.evaluate(NGOC_HOI)
    shown = build_report(result, periods=["2020-S1"])
    every = build_report(result, periods=["2020-S1"], show_all=True)
    lines = sum(len(s.lines) for s in shown.parts[0].sections)
    all_lines = sum(len(s.lines) for s in every.parts[0].sections)
    assert shown.parts[0].hidden == all_lines - lines > 0
    assert every.parts[0].hidden == 0
    assert "3.1a" in {line.target for s in shown.parts[0].sections for line in s.lines}


def test_trends_over_the_periods_of_the_data() -> None:
    """Quảng Nam's data has 2018 and 2019: each indicator with two values gets a trend."""
    report = build_report(bdg.evaluate(QUANG_NAM), periods=["2019"], org_unit="quang-nam")
    (part,) = report.parts
    assert part.trends
    for trend in part.trends:
        assert [words for words, _ in trend.points] == ["năm 2018", "năm 2019"]
    html = html_text(report)
    assert html.count('class="chart trend"') == len(part.trends)


def test_stamp_names_every_spec_and_file_with_their_digests() -> None:
    import hashlib

    result = bdg.evaluate(QUANG_NAM)
    stamp = result_stamp = build_report(result).stamp
    assert [i for i, _ in stamp.specs] == [
        "vn.examples.quang-nam-2019",
        "vn-qna.children.2019",
        "vn.child-friendly-communes.2019",
    ]
    shipped = {s.id: s.path for s in bdg.shipped_specs()}
    for spec_id, digest in stamp.specs:
        assert digest == hashlib.sha256(shipped[spec_id].read_bytes()).hexdigest()
    package = Path(bdg.__file__).parent
    for name, digest in result_stamp.data:
        path = package / name.removeprefix("bdg_indicators/")
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert stamp.methods == ("bdg-linear/2",)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp.made)


def test_json_has_the_stamp_and_the_records_of_bdg_evaluate() -> None:
    result = bdg.evaluate(HUE)
    report = build_report(result, lang="vi")
    data = json.loads(json_text(report, result))
    assert set(data) == {"stamp", "results"}
    assert data["stamp"]["spec"] == HUE
    assert {"version", "specs", "data", "methods", "made"} <= set(data["stamp"])
    shown = {(r["target"], r["org_unit"], r["period"]) for r in data["results"]}
    every = {(r["target"], r["org_unit"], r["period"]): r for r in records(result)}
    assert shown <= set(every)
    for row in data["results"]:  # machine keys and codes, whatever the report's language
        assert row == json.loads(json.dumps(every[(row["target"], row["org_unit"], row["period"])]))
        assert row["status"] in {"achieved", "not_achieved", "not_applicable"}


def test_csv_has_a_bom_and_vietnamese_headers_and_words() -> None:
    text = csv_text(build_report(bdg.evaluate(HUE)))
    assert text.startswith("\ufeffMục tiêu,Chỉ tiêu,")
    table, stamp = text.removeprefix("\ufeff").split("\r\n\r\n")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0][-1] == "Kết luận"
    counted = [r for r in rows[1:] if r[1]]  # the entries of a chỉ tiêu
    assert len(counted) == 14
    assert {r[-1] for r in counted} == {"Đạt", "Không đạt"}
    assert {r[-1].split(" (")[0] for r in rows[1:] if not r[1]} == {"Không áp dụng"}
    footer = dict(csv.reader(io.StringIO(stamp)))
    assert footer["Phần mềm"].startswith("bdg-indicators ")
    assert footer[f"Bộ chỉ tiêu {HUE}"].startswith("SHA-256 ")


def _injected() -> bdg.EvaluationResult:
    """The literacy example with an org unit named like a formula."""
    tree = OrgUnitTree(
        {"ngoc-hoi": OrgUnit(code="ngoc-hoi", name='=HYPERLINK("http://x")', level="district")}
    )
    data = Path(bdg.load_spec("vn.examples.ngoc-hoi-literacy-2020").example_data[0])
    return bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020", data, org_units=tree)


def test_csv_neutralises_formulas_in_names() -> None:
    text = csv_text(build_report(_injected()))
    table = text.removeprefix("\ufeff").split("\r\n\r\n")[0]
    names = {r[4] for r in list(csv.reader(io.StringIO(table)))[1:]}
    assert names == {'\'=HYPERLINK("http://x")'}


def test_html_escapes_names_and_keeps_no_script() -> None:
    html = html_text(build_report(_injected()))
    assert '=HYPERLINK("http://x")' not in html  # quotes are escaped
    assert "=HYPERLINK(&#34;http://x&#34;)" in html
    assert "<script" not in html.lower()


def test_markdown_cells_cannot_break_the_table() -> None:
    tree = OrgUnitTree({"ngoc-hoi": OrgUnit(code="ngoc-hoi", name="A | B", level="district")})
    data = Path(bdg.load_spec("vn.examples.ngoc-hoi-literacy-2020").example_data[0])
    result = bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020", data, org_units=tree)
    assert "## A \\| B, 6 tháng đầu năm 2020" in markdown_text(build_report(result))


def test_html_is_self_contained() -> None:
    html = html_text(build_report(bdg.evaluate(HUE)))
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in html
    assert html.count("<svg") == 14  # actual against milestone, one per chỉ tiêu
    for reference in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert reference.startswith("#"), reference  # nothing to fetch
    assert "97,2%" in html  # Vietnamese numbers in tables and charts alike


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv", ".json", ".xlsx"])
def test_same_command_same_bytes(tmp_path: Path, suffix: str) -> None:
    """With the stamp's time fixed (SOURCE_DATE_EPOCH), two runs write identical files."""
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}{suffix}"
        done = _run("report", QUANG_NAM, "--out", str(out), env=EPOCH)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    if suffix == ".xlsx":
        import zipfile

        with zipfile.ZipFile(tmp_path / "a.xlsx") as book:
            assert b"2026-01-01T00:00:00Z" in book.read("docProps/core.xml")
    else:
        assert b"2026-01-01T00:00:00+00:00" in outputs[0]


def test_bdg_report_terminal_at_80_columns() -> None:
    done = _run("report", HUE, "--out", "-", env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in done.stdout  # wrapped, never cut
    assert "12/14 chỉ tiêu đạt" in done.stdout
    assert "Tỉnh Thừa Thiên Huế, giai đoạn 2016-2020" in done.stdout
    assert "thua-thien-hue" not in done.stdout


def test_bdg_report_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for suffix in (".html", ".md", ".csv", ".json", ".xlsx"):
        out = tmp_path / f"r{suffix}"
        assert cli.main(["report", HUE, "--out", str(out)]) == 0
        assert out.stat().st_size > 500
        assert f"đã ghi {out}" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_bdg_report_refuses_an_unknown_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["report", HUE, "--out", str(tmp_path / "r.pdf")]) == 2
    assert "the format follows the extension" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_bdg_report_with_nothing_to_report_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert cli.main(["report", HUE, "--period", "2030", "--out", str(out)]) == 1
    assert "không có kết quả nào để báo cáo" in capsys.readouterr().err
    assert not out.exists()


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    from bdg_indicators.outputs import write_atomically

    out = tmp_path / "report.html"
    out.write_text("old", encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(out, broken)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def _need(program: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("BDG_REQUIRE_SYSTEM_TOOLS") == "1":
            pytest.fail(f"{program} is required here (BDG_REQUIRE_SYSTEM_TOOLS=1) but not found")
        pytest.skip(f"{program} is not installed (.ci/run installs it)")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.chromium
@pytest.mark.parametrize("spec", [HUE, QUANG_NAM])
def test_html_report_in_headless_chromium(tmp_path: Path, spec: str) -> None:
    """The report renders in a real browser, with its charts, without a network request and
    without a console error."""
    _need("chromium")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    assert cli.main(["report", spec, "--out", str(out)]) == 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(out.as_uri())
        assert page.locator("h1").inner_text().startswith("Ví dụ")
        charts = page.locator("figure.chart svg")
        assert charts.count() > 0
        box = charts.first.bounding_box()
        assert box is not None
        assert box["width"] > 100
        assert box["height"] > 20
        assert page.locator("table.appendix tr").count() > 3
        browser.close()
    assert requests == [out.as_uri()]
    assert problems == []


def test_change_is_what_the_milestone_is_about(capsys: pytest.CaptureFixture[str]) -> None:
    """qna-1a asks for a relative fall from 2018: the change is shown in percent of 2018."""
    args = ["evaluate", QUANG_NAM, "--target", "qna-1a", "--org-unit", "quang-nam"]
    assert cli.main([*args, "--period", "2019"]) == 0
    out = capsys.readouterr().out
    assert "-0,8% (so với năm 2018)" in out
    assert "điểm %" not in out


def test_explain_shows_the_base_value_with_its_rows(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["explain", QUANG_NAM, "--target", "qna-1a", "--org-unit", "quang-nam"]
    assert cli.main([*args, "--period", "2019"]) == 0
    out = capsys.readouterr().out
    base = out[out.index("Giá trị kỳ gốc (năm 2018): 6,00%") :]
    assert "children @ quang-nam (2018) = 380.000" in base
    assert "quang-nam-2019.csv dòng 2: quang-nam 2018 380.000" in base


def test_evaluate_table_ends_with_the_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["evaluate", HUE]) == 0
    out = capsys.readouterr().out
    assert "Tỉnh Thừa Thiên Huế, giai đoạn 2016-2020: 12/14 chỉ tiêu đạt" in out


def test_evaluate_csv_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The machine CSV keeps its codes, but a code like =HYPERLINK(...) cannot run."""
    spec = bdg.load_spec("vn.examples.ngoc-hoi-literacy-2020")
    rows = Path(spec.example_data[0]).read_text(encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(rows.replace("ngoc-hoi,", '"=HYPERLINK(""http://x"")",'), encoding="utf-8")
    args = ["evaluate", "vn.examples.ngoc-hoi-literacy-2020", "--data", str(data)]
    assert cli.main([*args, "--format", "csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    column = table[0].index("org_unit")
    assert {r[column] for r in table[1:]} == {'\'=HYPERLINK("http://x")'}
