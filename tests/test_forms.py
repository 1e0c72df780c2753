"""Data-entry forms (`bdg template`): the model, the Excel and CSV writers, and a filled form read
back as observations, every cell checked and located."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import fastexcel
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bdg_indicators as bdg
from bdg_indicators import cli
from bdg_indicators.errors import Location, OrgUnitError
from bdg_indicators.forms import build_form, write_csv, write_form, write_xlsx
from bdg_indicators.observations.form_cells import parse_series, series_id
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree
from bdg_indicators.periods import parse_period

SPEC = "vn.examples.quang-nam-2023"
EXAMPLES = Path(bdg.__file__).parent / "specs" / "examples"
ORG_UNITS = EXAMPLES / "org-units-quang-nam-2023.yaml"
DOCS = Path(__file__).parent.parent / "docs" / "explanation" / "files"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `bdg ARGS` in-process; return exit code, stdout, stderr."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def example_values() -> dict[tuple[str, str], Any]:
    """The example's own figures, by (org unit, data item)."""
    with (EXAMPLES / "quang-nam-2023.csv").open(encoding="utf-8") as handle:
        return {(r["org_unit"], r["data_item"]): int(r["value"]) for r in csv.DictReader(handle)}


@pytest.fixture
def form() -> bdg.forms.Form:
    """The agencies' form of the Quảng Nam 2023 example."""
    return build_form(bdg.load_spec(SPEC), None, "agency", parse_period("2023"))


def sheet_xml(path: Path, number: int) -> str:
    """The XML of worksheet ``number`` of a workbook."""
    with zipfile.ZipFile(path) as book:
        return book.read(f"xl/worksheets/sheet{number}.xml").decode()


# -- the model


def test_columns_are_totals_and_the_breakdowns_targets_read() -> None:
    """Every data item has its total; breakdown columns are the series the targets read."""
    spec = bdg.load_spec("vn.gender-equality.2011-2020")
    tree = OrgUnitTree({"vn": OrgUnit(code="vn", name="Việt Nam", level="country")})
    made = build_form(spec, tree, "country", parse_period("2020"))
    ids = [c.id for c in made.columns]
    reported = [d.id for d in spec.data_items if d.verdicts_of is None]
    assert [i for i in ids if "[" not in i] == reported
    assert "literate[age_group=15_60, sex=female]" in ids
    assert len(ids) == 66  # not the 274 of every combination
    column = next(c for c in made.columns if c.id == "literate[age_group=15_60, sex=female]")
    assert column.breakdown.vi.startswith("Nữ")


def test_series_ids_round_trip() -> None:
    """A column id names its data item and breakdown values, in one syntax."""
    assert series_id("literate", (("sex", "female"), ("age_group", "15_60"))) == (
        "literate[age_group=15_60, sex=female]"
    )
    assert parse_series("literate[age_group=15_60, sex=female]") == (
        "literate",
        (("age_group", "15_60"), ("sex", "female")),
    )
    assert parse_series("staff") == ("staff", ())
    assert parse_series("Số cán bộ") is None
    assert parse_series("x[sex]") is None


def test_level_without_org_units_is_an_error() -> None:
    """A level the tree does not have is a located error naming the levels it has."""
    with pytest.raises(OrgUnitError) as caught:
        build_form(bdg.load_spec(SPEC), None, "commune", parse_period("2023"))
    problem = caught.value.problems[0]
    assert problem.code == "no-org-units"
    assert problem.hint == "their levels: province, agency"


def test_location_prints_a_cell() -> None:
    """A location in a sheet prints as the spreadsheet names the cell; others as before."""
    assert str(Location(file="f.xlsx", sheet="Dữ liệu", line=7, column=3)) == "f.xlsx:Dữ liệu!C7"
    assert str(Location(file="f.xlsx", sheet="S", line=1, column=28)) == "f.xlsx:S!AB1"
    assert str(Location(file="f.csv", line=7, column=3)) == "f.csv:7:3"


# -- the workbook


def test_workbook_sheets_validation_and_protection(form: bdg.forms.Form, tmp_path: Path) -> None:
    """The workbook opens; it has a data sheet, a guide, a hidden list sheet and a very hidden
    metadata sheet; counts are validated as whole numbers ≥ 0; the data sheet is protected
    with its data cells unlocked."""
    path = write_xlsx(form, tmp_path / "form.xlsx")
    reader = fastexcel.read_excel(path)
    assert reader.sheet_names == ["Dữ liệu", "Hướng dẫn", "Danh sách", "_bdg"]
    data = reader.load_sheet_by_name("Dữ liệu", header_row=None, dtypes="string").to_polars()
    assert data.row(2)[:3] == ("Mã đơn vị", "Tên đơn vị", "Số cán bộ, công chức, viên chức")
    assert data.row(4) == ("org_unit", "org_unit_name", "staff", "female_staff", "female_leaders")
    assert data.to_series(1).to_list()[5:] == [f"Sở {x} (minh họa)" for x in "ABCDEG"]
    guide = reader.load_sheet_by_name("Hướng dẫn", header_row=None, dtypes="string").to_polars()
    rows = {r[1]: r for r in guide.iter_rows() if r[1]}
    assert rows["female_staff"][4] == "người"
    assert "qna23-1" in rows["female_staff"][6]
    assert "Không lớn hơn" in rows["female_staff"][6]
    xml = sheet_xml(path, 1)
    assert '<sheetProtection sheet="1"' in xml
    assert xml.count('type="whole" operator="greaterThanOrEqual"') == 3
    assert 'topLeftCell="C6"' in xml  # frozen panes below the headers
    with zipfile.ZipFile(path) as book:
        workbook = book.read("xl/workbook.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    assert re.search(r'name="Danh sách"[^>]*state="hidden"', workbook)
    assert re.search(r'name="_bdg"[^>]*state="veryHidden"', workbook)
    assert '<protection locked="0"/>' in styles


def test_yes_no_list_from_the_hidden_sheet(tmp_path: Path) -> None:
    """A yes/no data item gets list validation through the hidden sheet (not a literal list),
    and the word picked reads back as yes."""
    spec = bdg.load_spec("vn.examples.ngoc-hoi-2020")
    tree = OrgUnitTree({"nh": OrgUnit(code="nh", name="Huyện Ngọc Hồi", level="district")})
    made = build_form(spec, tree, "district", parse_period("2020-S1"))
    (column,) = [c for c in made.columns if c.rule == "yes_no"]
    path = write_xlsx(made, tmp_path / "form.xlsx", values={("nh", column.id): "có"})
    assert "<formula1>'Danh sách'!$A$1:$A$2</formula1>" in sheet_xml(path, 1)
    lists = fastexcel.read_excel(path).load_sheet_by_name("Danh sách", header_row=None)
    assert lists.to_polars().to_series(0).to_list() == ["có", "không"]
    obs = bdg.read_observations(path, spec)
    assert [(r["data_item"], r["num"]) for r in obs.table.iter_rows(named=True)] == [
        (column.item.id, 1)
    ]


def test_round_trip_gives_the_example_results(
    form: bdg.forms.Form, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example's figures typed into its form give the results of the example's own data."""
    filled = write_xlsx(form, tmp_path / "filled.xlsx", values=example_values())
    common = ("evaluate", SPEC, "--org-units", str(ORG_UNITS), "--format", "json", "--all")
    code, from_form, err = run(capsys, *common, "--data", str(filled))
    assert code == 0, err
    assert re.search(r"16\D+16\D+0\n", err)  # rows read = used + rejected
    code, from_csv, _ = run(capsys, *common, "--data", str(EXAMPLES / "quang-nam-2023.csv"))
    assert code == 0
    assert results(from_form) == results(from_csv)
    assert any(r["status"] == "achieved" for r in results(from_form).get("results", []))


def results(printed: str) -> Any:
    """The results of `bdg evaluate --format json`, without the stamp naming the data files."""
    data = json.loads(printed)
    return {k: v for k, v in data.items() if k != "stamp"} if isinstance(data, dict) else data


def test_bad_cells_are_rejected_at_their_cell(
    form: bdg.forms.Form, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text, a negative count, a fraction of a count and a part above its whole are rejected,
    each at its sheet, row and column; an empty cell is not reported, never 0."""
    values = {
        ("so-a", "staff"): "mười",
        ("so-b", "staff"): -5,
        ("so-c", "staff"): 2.5,
        ("so-d", "staff"): 10,
        ("so-d", "female_staff"): 30,
        ("so-e", "female_leaders"): 0,
    }
    filled = write_xlsx(form, tmp_path / "bad.xlsx", values=values)
    code, _, err = run(capsys, "evaluate", SPEC, "--data", str(filled))
    assert f"{filled}:Dữ liệu!C6: error[invalid-number]: `mười` is not a number" in err
    assert f"{filled}:Dữ liệu!C7: error[negative-count]" in err
    assert f"{filled}:Dữ liệu!C8: error[invalid-number]: `2.5` is not a whole number" in err
    assert f"{filled}:Dữ liệu!D9: error[part-exceeds-whole]" in err
    assert f"is larger than `staff` = 10 ({filled}:Dữ liệu!C9)" in err
    assert re.search(r"6\D+2\D+4\n", err)  # rows read = used + rejected
    assert code == 0


def test_unknown_org_unit_is_located_at_its_code(form: bdg.forms.Form, tmp_path: Path) -> None:
    """A row whose code is not in the tree is rejected at the code's cell (column A)."""
    spec = bdg.load_spec(SPEC)
    tree = OrgUnitTree(
        {c: u for c, u in bdg.load_org_units(ORG_UNITS).org_units.items() if c != "so-b"}
    )
    filled = write_xlsx(form, tmp_path / "f.xlsx", values={("so-b", "staff"): 80})
    obs = bdg.read_observations(filled, spec, org_units=tree)
    (problem,) = obs.rejected
    assert problem.code == "unknown-org-unit"
    assert str(problem.location) == f"{filled}:Dữ liệu!A7"


def test_form_for_another_spec_is_noted(form: bdg.forms.Form, tmp_path: Path) -> None:
    """A form read with another spec than its own gets a warning."""
    filled = write_xlsx(form, tmp_path / "f.xlsx", values={("so-a", "staff"): 1})
    obs = bdg.read_observations(filled, bdg.load_spec("vn.examples.quang-nam-2019"))
    assert "form-other-spec" in {p.code for p in obs.notes}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)), min_size=18, max_size=18
    )
)
def test_any_non_negative_counts_round_trip(
    form: bdg.forms.Form, tmp_path: Path, numbers: list[int | None]
) -> None:
    """Whole numbers typed into a form are read back exactly; empty cells are not read."""
    cells = [(r.code, c.id) for r in form.rows for c in form.columns]
    values = {cell: n for cell, n in zip(cells, numbers, strict=True) if n is not None}
    filled = write_xlsx(form, tmp_path / "h.xlsx", values=values)
    obs = bdg.read_observations(filled, form.spec)
    read = {(r["org_unit"], r["data_item"]): r["num"] for r in obs.table.iter_rows(named=True)}
    rejected = {p.code for p in obs.rejected}
    assert rejected <= {"part-exceeds-whole"}
    assert obs.rows_read == len(values)
    assert {k: v for k, v in values.items() if k in read} == read


# -- breakdown columns, CSV


def test_breakdown_columns_and_the_csv_form_read_back(tmp_path: Path) -> None:
    """A commune form of the docs' example has breakdown columns; its CSV version (UTF-8 with a
    BOM, wide) reads back into the long rows the checker expects."""
    spec = bdg.load_spec(DOCS / "computation.yaml")
    made = build_form(spec, DOCS / "org-units.yaml", "commune", parse_period("2020"))
    ids = [c.id for c in made.columns]
    assert ids[:2] == ["literate", "literate[sex=female]"] or "literate" in ids
    values = {("xa-1", "literate"): 95, ("xa-1", "population"): 100, ("xa-2", "budget"): 97.9}
    path = write_csv(made, tmp_path / "form.csv", values=values)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    obs = bdg.read_observations(path, spec, org_units=bdg.load_org_units(DOCS / "org-units.yaml"))
    assert obs.rows_read == 3
    assert not obs.problems
    read = {(r["org_unit"], r["data_item"]): r["num"] for r in obs.table.iter_rows(named=True)}
    assert read == {("xa-1", "literate"): 95, ("xa-1", "population"): 100, ("xa-2", "budget"): 979}


def test_csv_form_bad_cell_located_by_row_and_column(form: bdg.forms.Form, tmp_path: Path) -> None:
    """A CSV form's rejected cell is named by its line and column."""
    path = write_csv(form, tmp_path / "form.csv", values={("so-c", "female_staff"): "-1"})
    obs = bdg.read_observations(path, form.spec)
    (problem,) = obs.rejected
    assert str(problem.location) == f"{path}:4:5"


# -- safety


def test_formula_injection_is_neutralised(tmp_path: Path) -> None:
    """An org unit named like a formula is text in the workbook and in the CSV file."""
    evil = '=HYPERLINK("http://x")'
    tree = OrgUnitTree(
        {
            "x1": OrgUnit(code="x1", name=evil, level="agency"),
            "=1+1": OrgUnit(code="=1+1", name="Sở", level="agency"),
        }
    )
    made = build_form(bdg.load_spec(SPEC), tree, "agency", parse_period("2023"))
    book = write_xlsx(made, tmp_path / "f.xlsx", values={("=1+1", "staff"): 5})
    assert "<f>" not in sheet_xml(book, 1)
    names = (
        fastexcel.read_excel(book)
        .load_sheet_by_name("Dữ liệu", header_row=None, dtypes="string")
        .to_polars()
    )
    assert names.row(5)[1] == "'" + evil
    text = write_csv(made, tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=" not in text
    assert ",=" not in text
    obs = bdg.read_observations(book, made.spec, org_units=tree)
    assert [r["org_unit"] for r in obs.table.iter_rows(named=True)] == ["=1+1"]


def test_a_failing_writer_leaves_no_file(
    form: bdg.forms.Form, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that fails half-way leaves neither the form nor a temporary file."""
    import bdg_indicators.forms.xlsx as xlsx

    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "_guide_sheet", broken)
    with pytest.raises(RuntimeError):
        write_form(form, tmp_path / "form.xlsx")
    assert list(tmp_path.iterdir()) == []


# -- the command


def test_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg template` writes the form chosen by the extension, in Vietnamese or English."""
    out = tmp_path / "form.xlsx"
    code, _, err = run(
        capsys, "template", SPEC, "--level", "agency", "--period", "2023", "--out", str(out)
    )
    assert code == 0, err
    assert "6 agency × 3 columns" in err
    english = tmp_path / "form-en.xlsx"
    code, _, _ = run(
        capsys,
        "template",
        SPEC,
        "--level",
        "agency",
        "--period",
        "2023",
        "--out",
        str(english),
        "--lang",
        "en",
    )
    assert code == 0
    assert fastexcel.read_excel(english).sheet_names[:2] == ["Data", "Guide"]
    text = tmp_path / "form.csv"
    code, _, _ = run(
        capsys, "template", SPEC, "--level", "agency", "--period", "2023", "--out", str(text)
    )
    assert code == 0
    assert text.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "org_unit,org_unit_name,period,staff,female_staff,female_leaders"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--level", "commune"), "the org units have no commune (their levels: province, agency)"),
        (("--level", "town"), "'town' is not one of"),
        (("--level", "agency", "--out", "x.ods"), "an .xlsx or a .csv file"),
        (("--level", "agency", "--period", "20x3"), "`20x3` is not a period"),
    ],
)
def test_template_usage_errors(
    args: tuple[str, ...], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown levels, levels without org units, other formats and bad periods are usage
    errors (exit 2), without a traceback."""
    base = {"--period": "2023", "--out": str(tmp_path / "f.xlsx")}
    given_args = dict(zip(args[::2], args[1::2], strict=True))
    argv = [x for k, v in {**base, **given_args}.items() for x in (k, v)]
    code, _, err = run(capsys, "template", SPEC, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "f.xlsx").exists()
