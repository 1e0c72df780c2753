"""The `bdg` command, run through `main(argv)` and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bdg_indicators import cli, shipped_specs


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `bdg ARGS` in-process; return exit code, stdout, stderr."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys: pytest.CaptureFixture[str], fixtures: Path) -> None:
    """A valid spec exits 0."""
    code, out, err = run(capsys, "validate", str(fixtures / "specs" / "full.yaml"))
    assert code == 0
    assert out == ""
    assert "ok" in err


def test_validate_problems_one_per_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures: Path
) -> None:
    """Problems print as `file:line:col: error[code]: message`, one per line, exit 1."""
    text = (fixtures / "specs" / "full.yaml").read_text(encoding="utf-8")
    text = text.replace("    better: lower", "    bettr: lower").replace(
        "unit: tỷ đồng", "unit: tyy"
    )
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert ": error[unknown-unit]: unknown unit `tyy`" in lines[0]  # sorted by line
    assert ": error[unknown-key]: unknown key `bettr`" in lines[1]
    # nothing else: the indicator with the bad key is left out without knock-on errors
    assert all(line.count(":") >= 4 for line in lines)


def test_validate_all_shipped_specs(capsys: pytest.CaptureFixture[str]) -> None:
    """Every shipped spec is valid."""
    ids = [s.id for s in shipped_specs()]
    assert ids, "no shipped specs found"
    code, out, _ = run(capsys, "validate", *ids)
    assert (code, out) == (0, "")


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error exits 2 with a message, no traceback."""
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert "Traceback" not in err
    code, _, err = run(capsys, "nonsense")
    assert code == 2
    assert "Không có lệnh 'nonsense'." in err  # click's words in the chosen language
    code, _, err = run(capsys, "nonsense", "--lang", "en")
    assert code == 2
    assert "No such command 'nonsense'." in err


def test_unknown_spec_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown spec id is a located problem, exit 1."""
    code, out, _ = run(capsys, "show", "vn.no-such-spec")
    assert code == 1
    assert "error[spec-not-found]" in out


def test_specs_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg specs --format json` lists ids, paths and the legal counts: goals, chỉ tiêu as the
    document counts them, assessed entries, and milestones at each verification level."""
    code, out, _ = run(capsys, "specs", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["id"] for r in rows} == {s.id for s in shipped_specs()}
    for row in rows:
        assert {"id", "title", "path", "goals", "targets", "entries", "milestones"} <= row.keys()
        assert Path(row["path"]).is_file()
        assert row["targets"] <= row["entries"]
        assert set(row["milestones"]) == {"official", "secondary", "paraphrase", "unverified"}
        assert row["milestones"]["official"] == 0  # no official text was read
        assert row["valid"] is True
    counts = {r["id"]: (r["goals"], r["targets"]) for r in rows}
    assert counts["vn.gender-equality.2011-2020"] == (7, 22)  # 2351/QĐ-TTg as amended by 800
    assert counts["vn.gender-equality.2021-2030"] == (6, 20)  # 28/NQ-CP
    assert counts["vn.children.2021-2030"] == (4, 24)  # 23/QĐ-TTg
    communes = next(r for r in rows if r["id"] == "vn.child-friendly-communes.2019")
    assert (communes["targets"], communes["criteria"]) == (1, 13)  # 06/QĐ-TTg: one pass rule


def test_specs_table(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg specs` prints a table naming every shipped spec."""
    code, out, _ = run(capsys, "specs")
    assert code == 0
    for shipped in shipped_specs():
        assert shipped.id in out


def test_show_vi_and_en(capsys: pytest.CaptureFixture[str], fixtures: Path) -> None:
    """`bdg show` prints goals, targets and milestones in Vietnamese or English."""
    path = str(fixtures / "specs" / "full.yaml")
    code, out, _ = run(capsys, "show", path)
    assert code == 0
    assert "Chỉ tiêu 3.1" in out
    assert "đến năm 2020: từ 98% trở lên" in out
    assert "(trước sửa đổi: đến năm 2015: từ 90% trở lên; đến năm 2020: từ 95% trở lên)" in out
    assert "CHƯA KIỂM CHỨNG" not in out.split("Chỉ tiêu 3.2")[0]  # 3.1 in force is amended
    code, out, _ = run(capsys, "show", path, "--lang", "en")
    assert "Target 3.2" in out
    assert "by 2020: at most 115 per 100" in out
    assert "by 2020: reduce by at least 0.15 per 100 from 2018 (absolute)" in out


def test_diff(capsys: pytest.CaptureFixture[str], fixtures: Path) -> None:
    """`bdg diff CHILD` compares with the spec the child extends."""
    code, out, _ = run(capsys, "diff", str(fixtures / "specs" / "child.yaml"))
    assert code == 0
    lines = out.splitlines()
    assert (
        "~ target 3.1: milestones: đến năm 2020: từ 98% trở lên  →  đến năm 2020: từ 97% trở lên; "
        "source changed" in lines
    )
    assert any(line.startswith("- target 3.2: Tỉnh không theo dõi") for line in lines)
    assert any(line.startswith("+ target 3.9:") for line in lines)


def test_diff_without_parent(capsys: pytest.CaptureFixture[str], fixtures: Path) -> None:
    """Diffing a spec that extends nothing without naming a parent is a usage error."""
    code, _, err = run(capsys, "diff", str(fixtures / "specs" / "full.yaml"))
    assert code == 2
    assert "extends no spec" in err


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg schema` prints a valid JSON Schema that accepts the fixture specs."""
    import jsonschema
    import yaml

    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    root = Path(__file__).parent / "fixtures" / "specs"
    for name in ("full.yaml", "child.yaml"):
        document = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        document = json.loads(json.dumps(document, default=str))  # dates as text
        jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"bdg_spec": 1, "id": "x", "title": "t", "goal": []}, schema)


def test_internal_error_no_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected internal error prints a short message; the traceback only with --debug."""
    from bdg_indicators import loading

    def boom(source: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(loading, "validate_spec", boom)
    code, _, err = run(capsys, "validate", "x")
    assert code == 3
    assert "internal error: RuntimeError: kaboom" in err
    assert "Traceback" not in err
    assert "--debug" in err
    code, _, err = run(capsys, "--debug", "validate", "x")
    assert code == 3
    assert "Traceback" in err


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8",
        b"a: [" * 5000,
        b"- " * 20000,
        b"\x00\x01\x02",
        b"bdg_spec: 1\nid: x\ntitle: t\ngoals: {a: 1}\n",
        b"bdg_spec: 1\nid: [x]\ntitle: {vi: [1]}\n",
        b"bdg_spec: 1\nid: x\ntitle: t\nindicators: {a: {formula: '((((', unit: '%%%'}}\n",
        b"",
        b"---\n---\n",
    ],
)
def test_no_traceback_on_hostile_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    """Garbage input gives located problems and exit 1, never a traceback."""
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert "Traceback" not in out + err
    assert "internal error" not in err
    assert out.startswith(str(path))


def test_real_command_runs() -> None:
    """The installed `bdg` entry point runs as a separate process."""
    result = subprocess.run(
        [sys.executable, "-m", "bdg_indicators", "specs", "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_evaluate_example_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg evaluate` on the bundled example: JSON rows with the required keys, totals on stderr."""
    code, out, err = run(
        capsys, "evaluate", "vn.examples.ngoc-hoi-literacy-2020", "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"stamp", "results"}
    rows = document["results"]
    required = {
        "framework",
        "goal",
        "target",
        "indicator",
        "org_unit",
        "period",
        "value",
        "unit",
        "status",
        "milestone",
        "change",
    }
    assert all(required <= row.keys() for row in rows)
    values = {row["target"]: round(row["value"], 1) for row in rows}
    assert values == {"3.1": 97.9, "3.2": 97.2}
    first = rows[0]
    assert first["milestone"]["comparison"] == "at_least"
    assert first["milestone"]["period"] == "2020"
    assert first["change"]["absolute_unit"] == "percentage_point"
    assert "đọc 4 dòng = dùng 4 + loại 0" in err


def test_evaluate_table_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    """The table names the verdicts in Vietnamese and marks the unverified milestones (not the
    measured values); CSV is flat."""
    code, out, _ = run(capsys, "evaluate", "vn.examples.ngoc-hoi-literacy-2020")
    assert code == 0
    assert "97,9%²" not in out  # the mark qualifies the milestone, not the measured value
    assert "từ 98% trở lên²" in out
    assert "² diễn giải" in out
    assert "Chậm tiến độ" in out
    assert "Đúng tiến độ" in out
    code, out, _ = run(
        capsys,
        "evaluate",
        "vn.examples.ngoc-hoi-literacy-2020",
        "--format",
        "csv",
        "--target",
        "3.2",
    )
    lines = out.splitlines()
    assert lines[0].startswith("framework,goal,target,indicator,org_unit,period,value")
    assert len(lines) == 2


def test_evaluate_rejected_rows_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Rejected rows are listed with file, row and column, with the totals."""
    path = tmp_path / "d.csv"
    path.write_text(
        "org_unit,period,data_item,value\n"
        "ngoc-hoi,2020-S1,literate_level1,17.101\n"
        "ngoc-hoi,2020-S1,population_literacy_age,17471\n",
        encoding="utf-8",
    )
    code, _, err = run(
        capsys, "evaluate", "vn.examples.ngoc-hoi-literacy-2020", "--data", str(path)
    )
    assert code == 0
    assert f"{path}:2:4: error[ambiguous-number]" in err
    assert "đọc 2 dòng = dùng 1 + loại 1" in err
    code, out, err = run(
        capsys,
        "evaluate",
        "vn.examples.ngoc-hoi-literacy-2020",
        "--data",
        str(path),
        "--locale",
        "vi",
        "--format",
        "json",
    )
    assert "loại 0" in err
    assert round(json.loads(out)["results"][0]["value"], 1) == 97.9


def test_explain_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg explain` shows the rows, the exact value and the verdict; JSON for machines."""
    args = [
        "explain",
        "vn.examples.ngoc-hoi-literacy-2020",
        "--target",
        "3.1",
        "--org-unit",
        "ngoc-hoi",
        "--period",
        "2020-S1",
    ]
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "17.101" in out
    assert "ngoc-hoi-literacy-2020.csv dòng 2" in out
    assert "97,9%" in out
    assert "CHẬM TIẾN ĐỘ" in out
    # the milestone carries its level; the source its wording and the note of how it was read
    assert "từ 98% trở lên² (chưa đến hạn)  [diễn giải, chưa thấy nguyên văn]" in out
    assert "ghi chú: Wording quoted by a secondary source" in out
    assert "“Tỷ lệ biết chữ của nữ" in out
    code, out, _ = run(capsys, *args, "--format", "json", "--lang", "en")
    data = json.loads(out)
    assert data["milestone"]["verification"] == "paraphrase"
    assert data["source"]["note"].startswith("Wording quoted")
    assert data["exact_value"] == "1710100/17471"
    assert data["displayed_value"] == "97.9"
    assert data["status"] == "off_track"
    assert data["inputs"][0]["rows"][0]["row"] == 2
    assert data["engine"] == "bdg-evaluation/2"


def test_explain_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown target is a located problem, not a traceback."""
    code, out, err = run(
        capsys,
        "explain",
        "vn.examples.ngoc-hoi-literacy-2020",
        "--target",
        "9",
        "--org-unit",
        "x",
        "--period",
        "2020",
    )
    assert code == 1
    assert "error[unknown-target]" in out
    assert "Traceback" not in err


def test_explain_unknown_org_unit_and_period(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown org unit or a malformed period is a problem with a hint, exit 1."""
    base = ["explain", "vn.examples.ngoc-hoi-literacy-2020", "--target", "3.1"]
    code, out, _ = run(capsys, *base, "--org-unit", "ngoc-hoy", "--period", "2020-S1")
    assert code == 1
    assert "error[unknown-org-unit]" in out
    assert "did you mean `ngoc-hoi`?" in out
    code, out, _ = run(capsys, *base, "--org-unit", "ngoc-hoi", "--period", "2020-H1")
    assert code == 1
    assert "error[invalid-period]" in out


def test_evaluate_excel_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`--sheet` picks the worksheet of an Excel workbook to read."""
    import polars as pl
    import xlsxwriter

    path = tmp_path / "bao-cao.xlsx"
    frame = pl.DataFrame(
        {
            "org_unit": ["ngoc-hoi", "ngoc-hoi"],
            "period": ["2020-S1", "2020-S1"],
            "data_item": ["literate_ethnic_minority", "population_ethnic_minority"],
            "value": [18083, 18603],
        }
    )
    with xlsxwriter.Workbook(path) as workbook:
        pl.DataFrame({"note": ["bìa"]}).write_excel(workbook=workbook, worksheet="Bia")
        frame.write_excel(workbook=workbook, worksheet="So lieu")
    args = [
        "evaluate",
        "vn.examples.ngoc-hoi-literacy-2020",
        "--data",
        str(path),
        "--target",
        "3.2",
        "--format",
        "json",
    ]
    code, out, err = run(capsys, *args, "--sheet", "So lieu")
    assert code == 0, err
    assert round(json.loads(out)["results"][0]["value"], 1) == 97.2
    code, _, err = run(capsys, *args)  # the first sheet lacks the columns
    assert "error[missing-column]" in err


def test_evaluate_table_for_people(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table fits an 80-column terminal (wrapped, not cut), names org units and periods in
    words, shows only results with a value or a verdict and says how many it left out."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "evaluate", "vn.examples.quang-nam-2023")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Tỉnh" in out
    assert "│ năm 2023 │" in out  # the period in words, not `2023`
    assert "so-a" not in out  # names, not codes
    code, out, _ = run(capsys, "evaluate", "vn.examples.ngoc-hoi-2020")
    hidden = next(line for line in out.splitlines() if "--all" in line)
    count = int(hidden.split()[0])
    code, everything, _ = run(capsys, "evaluate", "vn.examples.ngoc-hoi-2020", "--all")
    assert code == 0
    assert "--all" not in everything.splitlines()[-1]
    assert count > 0


def test_output_to_a_closed_pipe_and_a_narrow_console() -> None:
    """`bdg … | head` exits 0 without a traceback; a console that cannot show Vietnamese gets
    replacement characters and one warning, not an internal error."""
    import subprocess
    import sys

    bdg = [sys.executable, "-m", "bdg_indicators"]
    piped = subprocess.run(
        f"{' '.join(bdg)} show vn.gender-equality.2011-2020 | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in piped.stderr
    assert piped.stdout.startswith("Chiến lược")
    shown = subprocess.run(
        [*bdg, "evaluate", "vn.examples.ngoc-hoi-literacy-2020"],
        capture_output=True,
        env={**__import__("os").environ, "PYTHONIOENCODING": "ascii"},
        check=False,
    )
    assert shown.returncode == 0
    assert b"Traceback" not in shown.stderr
    assert shown.stderr.count(b"PYTHONIOENCODING=utf-8") == 1


def test_show_ids_and_evaluate_own(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg show --ids` lists what a data file may name; `bdg evaluate --own` evaluates only
    the targets a spec sets or overrides (Ngọc Hồi overrides 3.1a and 3.1c, adds its figures)."""
    code, out, _ = run(capsys, "show", "vn.examples.ngoc-hoi-literacy-2020", "--ids")
    assert code == 0
    assert "  literate_level1  (người)  Số người trong độ tuổi đạt chuẩn biết chữ mức độ 1" in out
    assert "      = literate_level1 / population_literacy_age" in out
    code, out, _ = run(capsys, "evaluate", "vn.examples.ngoc-hoi-2020", "--own", "--format", "json")
    assert code == 0
    evaluated = {r["target"] for r in json.loads(out)["results"]}
    assert {"3.1a", "3.1c", "bc419.1"} <= evaluated
    assert "1.1a" not in evaluated  # inherited unchanged from the national spec
