"""The XLSX report: cached values equal the engine's, LibreOffice recalculates them to the same
figures, text never runs as a formula, and the same stamp gives the same bytes."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest

import bdg_indicators as bdg
from bdg_indicators.loading import shipped_specs
from bdg_indicators.report.xlsx import (
    RESULT_COLUMNS,
    SHEETS,
    build_workbook,
    number_format,
    write_workbook,
)
from bdg_indicators.rules.statuses import STATUS_WORDS, Status
from bdg_indicators.stamp import Stamp

EXAMPLES = [s.id for s in shipped_specs() if s.id.startswith("vn.examples.")]
STAMP = Stamp(
    version="0.1.0", spec="test", specs=(), data=(), methods=(), made="2024-05-01T10:00:00+07:00"
)
HEADERS = {key: vi for key, vi, _, _ in RESULT_COLUMNS}
XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def _sheet(path: Path, index: int = 0) -> pl.DataFrame:
    import fastexcel

    frame: pl.DataFrame = fastexcel.read_excel(path).load_sheet(index).to_polars()
    return frame


def _close(found: Any, wanted: float | None) -> bool:
    if wanted is None:
        return found is None
    return found is not None and math.isclose(found, wanted, rel_tol=1e-12, abs_tol=1e-12)


def _change(row: dict[str, Any]) -> float | None:
    """The engine's change against the period the report compares with."""
    for against in ("base", "previous", "previous_year"):
        if row[f"{against}_period"] and row[f"{against}_value"] is not None:
            key = "change_" + against
            return None if row["value"] is None else row[key]
    return None


def _check_against_engine(sheet: pl.DataFrame, rows: list[dict[str, Any]]) -> None:
    """Every value, change and verdict of the sheet is the engine's."""
    assert sheet.height == len(rows)
    for found, row in zip(sheet.iter_rows(named=True), rows, strict=True):
        where = (row["target"], row["org_unit"], row["period"])
        assert found[HEADERS["target_id"]] == row["target"], where
        shown = 100 if row["unit"] == "percent" else 1
        value = found[HEADERS["value"]]
        assert _close(None if value is None else value * shown, row["value"]), where
        assert _close(found[HEADERS["change"]], _change(row)), where
        assert found[HEADERS["verdict"]] == STATUS_WORDS["vi"][Status(row["status"])], where


@pytest.mark.parametrize("example", EXAMPLES)
def test_cached_values_are_the_engines(example: str, tmp_path: Path) -> None:
    """For every shipped example, the cached value of every cell is the engine's figure."""
    result = bdg.evaluate(example)
    rows = result.to_dicts()
    path = write_workbook(result, rows, tmp_path / "report.xlsx", stamp=STAMP)
    _check_against_engine(_sheet(path), rows)
    inputs = _sheet(path, 1)
    assert inputs.height == len({(c.file, c.row) for c in _used_rows(result, rows)})


def _used_rows(result: Any, rows: list[dict[str, Any]]) -> list[Any]:
    from bdg_indicators.report.xlsx.explanations import explain_rows

    return [c for item in explain_rows(result, rows) for c in item.contributions()]


def test_every_example_has_live_formulas() -> None:
    """Most computed cells of every example are live formulas; the figures written as plain
    numbers are the ones Excel cannot compute (shares, bounds)."""
    for example in EXAMPLES:
        result = bdg.evaluate(example)
        tally = build_workbook(result, result.to_dicts()).tally
        assert tally.formulas > tally.constants, (example, tally)


def test_a_ratio_is_sumifs_and_cross_multiplied() -> None:
    """Ngọc Hồi's literacy rate: SUMIFS over the inputs, the value a ratio of the two cells, the
    verdict an exact integer comparison."""
    result = bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020")
    workbook = build_workbook(result, result.to_dicts())
    first = workbook.results[0]
    columns = [key for key, *_ in RESULT_COLUMNS]
    numerator = first[columns.index("numerator")]
    assert numerator.formula is not None
    assert numerator.formula.startswith("=SUMIFS('Số liệu đầu vào'!$")
    assert first[columns.index("value")].formula == "=F2/G2"
    verdict = first[columns.index("verdict")].formula
    assert verdict is not None
    assert verdict.startswith("=IF(F2*")
    assert "*G2" in verdict
    assert workbook.tally.constants == 0


def test_number_formats() -> None:
    """Vietnamese formats whatever the machine's locale: percent with the indicator's decimals,
    thousands separators, đồng."""
    assert number_format("percent", 1, "vi") == "[$-42A]#,##0.0%"
    assert number_format("dong", 0, "vi") == "[$-42A]#,##0 [$₫-42A]"
    assert number_format("person", 0, "vi") == '[$-42A]#,##0" người"'
    assert number_format("percent", 1, "vi", change=True).startswith('[$-42A]+#,##0.0 "điểm %"')


def test_english_sheets(tmp_path: Path) -> None:
    """``lang="en"`` names the sheets and words in English."""
    result = bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020")
    path = write_workbook(result, result.to_dicts(), tmp_path / "r.xlsx", lang="en")
    import fastexcel

    assert fastexcel.read_excel(path).sheet_names == list(SHEETS["en"])


def test_the_same_stamp_gives_the_same_bytes(tmp_path: Path) -> None:
    """Two writes with the same stamp are identical; another time changes only the document
    properties."""
    result = bdg.evaluate("vn.examples.quang-nam-2019")
    rows = result.to_dicts()
    one = write_workbook(result, rows, tmp_path / "one.xlsx", stamp=STAMP).read_bytes()
    two = write_workbook(result, rows, tmp_path / "two.xlsx", stamp=STAMP).read_bytes()
    assert one == two
    later = attrs.evolve(STAMP, made="2025-01-02T03:04:05+07:00")
    three = write_workbook(result, rows, tmp_path / "three.xlsx", stamp=later)
    with zipfile.ZipFile(tmp_path / "one.xlsx") as a, zipfile.ZipFile(three) as b:
        differ = {n for n in a.namelist() if a.read(n) != b.read(n)}
    assert differ == {"docProps/core.xml", "xl/sharedStrings.xml"}


def _injection_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        """bdg_spec: 1
id: test.injection
title: Injection
data_items:
  yes: {label: "=HYPERLINK(\\"http://x\\")", unit: person, aggregation: stock}
  all: {label: "+Tổng", unit: person, aggregation: stock}
indicators:
  rate: {label: "@Tỷ lệ", formula: yes / all, unit: percent, better: higher}
goals:
  - id: "1"
    label: "-Mục tiêu"
    targets:
      - {id: "1", label: "=1+1", indicator: rate, milestones: [{by: 2020, at_least: 50}],
         source: {clause: example, verification: unverified}}
""",
        encoding="utf-8",
    )
    units = tmp_path / "org-units.yaml"
    units.write_text(
        """bdg_org_units: 1
org_units:
  - {code: huyen, name: "=cmd|' /C calc'!A0", level: district}
  - {code: xa-1, name: "=1+2", level: commune, parent: huyen}
  - {code: xa-2, name: Xã Hai, level: commune, parent: huyen}
""",
        encoding="utf-8",
    )
    data = tmp_path / "data.csv"
    data.write_text(
        "org_unit,period,data_item,value\n"
        "xa-1,2020,yes,40\nxa-1,2020,all,50\nxa-2,2020,yes,30\nxa-2,2020,all,100\n",
        encoding="utf-8",
    )
    return spec, units, data


def test_text_that_looks_like_a_formula_is_text(tmp_path: Path) -> None:
    """Org-unit names and labels that begin with ``=``, ``+``, ``-`` or ``@`` are written as
    text, never as formulas; the district's value is a SUMIFS over its two communes."""
    spec, units, data = _injection_files(tmp_path)
    result = bdg.evaluate(spec, data, org_units=units)
    rows = result.to_dicts()
    path = write_workbook(result, rows, tmp_path / "r.xlsx", stamp=STAMP)
    sheet = _sheet(path)
    names = sheet.get_column(HEADERS["org_unit"]).to_list()
    assert "'=cmd|' /C calc'!A0" in names
    assert "'=1+2" in names
    assert set(sheet.get_column(HEADERS["target"])) == {"1. =1+1"}
    labels = set(_sheet(path, 1).get_column("Tên số liệu"))
    assert labels == {'\'=HYPERLINK("http://x")', "'+Tổng"}
    with zipfile.ZipFile(path) as archive:
        formulas = [
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        ]
    assert not any("HYPERLINK" in f or "calc" in f for f in formulas)
    district = next(
        r for r in sheet.iter_rows(named=True) if r[HEADERS["org_unit_code"]] == "huyen"
    )
    assert district[HEADERS["value"]] == pytest.approx(70 / 150)
    _check_against_engine(sheet, rows)


# ---------------------------------------------------------------- LibreOffice


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("BDG_REQUIRE_SYSTEM_TOOLS") == "1":
            pytest.fail("soffice is not on PATH, and BDG_REQUIRE_SYSTEM_TOOLS=1 requires it")
        pytest.skip("LibreOffice (soffice, Debian's libreoffice-calc-nogui) is not on PATH")
    return found


def _recalculate(path: Path, folder: Path) -> Path:
    """``path`` opened, recalculated and saved again by LibreOffice headless, in a throwaway
    profile that recalculates every formula on load (``OOXMLRecalcMode`` 0)."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    out = folder / "out"
    out.mkdir(exist_ok=True)
    command = [
        _soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        str(path),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    recalculated = out / path.name
    assert recalculated.is_file()
    return recalculated


@pytest.mark.libreoffice
def test_libreoffice_recalculates_in_this_profile(tmp_path: Path) -> None:
    """The profile makes LibreOffice recalculate: a formula cached with a wrong value comes back
    right."""
    import xlsxwriter

    path = tmp_path / "wrong.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "x")
    sheet.write_formula(1, 0, "=1+1", None, 0)
    book.close()
    assert _sheet(_recalculate(path, tmp_path)).item(0, 0) == 2


@pytest.mark.libreoffice
def test_libreoffice_gives_our_figures(tmp_path: Path) -> None:
    """LibreOffice recalculates every example's workbook to the engine's values, changes and
    verdicts."""
    paths, rows = [], {}
    for example in EXAMPLES:
        result = bdg.evaluate(example)
        rows[example] = result.to_dicts()
        path = tmp_path / f"{example}.xlsx"
        paths.append(write_workbook(result, rows[example], path, stamp=STAMP))
    for example, path in zip(EXAMPLES, paths, strict=True):
        recalculated = _recalculate(path, tmp_path / "lo")
        theirs, ours = _sheet(recalculated), _sheet(path)
        _check_against_engine(theirs, rows[example])
        for key in ("numerator", "denominator", "compared_value"):
            pairs = zip(theirs.get_column(HEADERS[key]), ours.get_column(HEADERS[key]), strict=True)
            for a, b in pairs:
                assert _close(a, b), (example, key)


@pytest.mark.libreoffice
def test_libreoffice_shows_vietnamese_numbers(tmp_path: Path) -> None:
    """The ``[$-42A]`` formats show "97,9%" and "20.000.000 ₫" (LibreOffice's text export)."""
    result = bdg.evaluate("vn.examples.ngoc-hoi-2020")
    rows = [r for r in result.to_dicts() if r["value"] is not None]
    path = write_workbook(result, rows, tmp_path / "r.xlsx", stamp=STAMP)
    profile = tmp_path / "profile"
    _recalculate(path, tmp_path)  # makes the profile
    command = [
        _soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false",
        "--outdir",
        str(tmp_path / "csv"),
        str(path),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    text = next((tmp_path / "csv").glob("*.csv")).read_text(encoding="utf-8")
    assert "97,9%" in text
    assert "20.000.000 ₫" in text
