"""`bdg verify` and `bdg_indicators.claims`: printed figures, claims files, checks, the command."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bdg_indicators as bdg
from bdg_indicators import cli, shipped_specs
from bdg_indicators.claims import (
    ClaimKind,
    Outcome,
    Printed,
    Unreadable,
    load_claims,
    parse_printed,
    read_claims,
    shipped_claims,
    verify,
)
from bdg_indicators.describe import format_number
from bdg_indicators.errors import PROBLEM_CODES, BdgError

EXAMPLES = (
    "vn.examples.ngoc-hoi-2020",
    "vn.examples.ngoc-hoi-literacy-2020",
    "vn.examples.hue-children-2016-2020",
    "vn.examples.kon-tum-children-2023",
    "vn.examples.quang-nam-2019",
)
"""The examples that ship a claims file (quang-nam-2023's seed prints no figure it computes)."""


@cache
def evaluated(spec: str) -> bdg.EvaluationResult:
    """An example evaluated on its bundled data (once per test session)."""
    return bdg.evaluate(spec)


def printed(text: str, locale: str = "vi") -> Printed:
    """A figure that must read."""
    found = parse_printed(text, locale)
    assert isinstance(found, Printed), found
    return found


def claims_file(tmp_path: Path, text: str, name: str = "claims.yaml") -> Path:
    """Write a claims file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


NGOC_HOI = """\
bdg_claims: 1
org_unit: ngoc-hoi
period: 2020-S1
claims:
"""


def check_one(tmp_path: Path, line: str, spec: str = "vn.examples.ngoc-hoi-literacy-2020"):  # type: ignore[no-untyped-def]
    """Check one claim (a YAML flow mapping) of the Ngọc Hồi literacy example."""
    path = claims_file(tmp_path, NGOC_HOI + f"  - {line}\n")
    (check,) = verify(evaluated(spec), load_claims(path)).checks
    return check


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `bdg ARGS` in-process; return exit code, stdout, stderr."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- printed figures


@pytest.mark.parametrize(
    ("text", "number", "decimals", "denominator", "scale", "unit"),
    [
        ("97,9%", Fraction(979, 10), 1, None, 0, "percent"),
        ("17.101/17.471", Fraction(17101), 0, 17471, 0, None),
        ("20.000.000 đ", Fraction(20_000_000), 0, None, 0, "dong"),
        ("78.200.000đ", Fraction(78_200_000), 0, None, 0, "dong"),
        ("96,245 tỷ đồng", Fraction(96245, 1000), 3, None, 9, "dong"),
        ("7.896 triệu", Fraction(7896), 0, None, 6, None),
        ("12/14", Fraction(12), 0, 14, 0, None),
        ("12/14 chỉ tiêu", Fraction(12), 0, 14, 0, None),
        ("275%", Fraction(275), 0, None, 0, "percent"),
        ("12,9‰", Fraction(129, 10), 1, None, 0, "per_1000"),
        ("04 chị", Fraction(4), 0, None, 0, None),
        ("-0,15%", Fraction(-15, 100), 2, None, 0, "percent"),
    ],
)
def test_printed_figures_read_exactly(
    text: str,
    number: Fraction,
    decimals: int,
    denominator: int | None,
    scale: int,
    unit: str | None,
) -> None:
    """Figures as reports print them read as exact numbers with their precision, scale and
    unit (Vietnamese notation: `,` decimal, `.` thousands; tỷ = 10⁹, triệu = 10⁶)."""
    found = printed(text)
    assert (found.number, found.decimals, found.denominator, found.scale, found.unit) == (
        number,
        decimals,
        denominator,
        scale,
        unit,
    )


def test_bound_words_are_read() -> None:
    """`trên 200.000` is a lower bound, `gần 35%` an upper one, `khoảng` both ways."""
    assert printed("trên 200.000").bound == 1
    assert printed("gần 35%").bound == 2
    assert printed("khoảng 22%").bound == 3
    assert printed("200.000").bound == 0


def test_interval_is_half_open_at_the_rounding_ends() -> None:
    """`97,9%` covers 97.85 (which rounds up to 97,9) but not 97.95 (which rounds to 98,0):
    [97.85, 97.95), the half-open interval of rounding half away from zero."""
    figure = printed("97,9%")
    assert figure.interval() == "[97.85, 97.95)"
    assert figure.covers(Fraction("97.85"))
    assert figure.covers(Fraction("97.9499999"))
    assert not figure.covers(Fraction("97.95"))
    assert not figure.covers(Fraction("97.8499999"))
    assert figure.covers(Fraction(1710100, 17471))  # 97.882...


def test_negative_interval_is_open_at_its_lower_end() -> None:
    """Rounding half away from zero: -97,9 covers (-97.95, -97.85]."""
    figure = printed("-97,9")
    assert figure.interval() == "(-97.95, -97.85]"
    assert figure.covers(Fraction("-97.85"))
    assert not figure.covers(Fraction("-97.95"))


def test_trailing_zeros_are_precision() -> None:
    """The last digit printed sets the precision: `20.000.000 đ` is exact to the đồng."""
    figure = printed("20.000.000 đ")
    assert figure.interval() == "[19999999.5, 20000000.5)"
    assert not figure.covers(Fraction(20_000_001))


def test_a_fraction_is_exact() -> None:
    """`17101/17471` is two whole numbers: only that ratio is covered."""
    figure = printed("17101/17471")
    assert figure.covers(Fraction(17101, 17471))
    assert not figure.covers(Fraction(17101, 17472))


@pytest.mark.parametrize(
    ("text", "locale", "code"),
    [
        ("97.9%", "vi", "ambiguous-number"),
        ("97,9%", "en", "ambiguous-number"),
        ("97,9", "machine", "ambiguous-number"),
        ("1.234", "machine", "ambiguous-number"),
        ("abc", "vi", "bad-number"),
        ("97,9 %%", "vi", "bad-number"),
        ("12,5/14", "vi", "bad-number"),
        ("12/0", "vi", "bad-number"),
    ],
)
def test_unreadable_figures_say_why(text: str, locale: str, code: str) -> None:
    """A number malformed in the declared notation but readable in another is not guessed."""
    found = parse_printed(text, locale)
    assert isinstance(found, Unreadable)
    assert found.reason == code


def test_other_locales_read_their_notation() -> None:
    """`en`: `.` decimal and `,` thousands; `machine`: `.` decimal, no thousands."""
    assert printed("97.9%", "en").number == Fraction(979, 10)
    assert printed("17,101", "en").number == 17101
    assert printed("97.9", "machine").number == Fraction(979, 10)


decimals_strategy = st.integers(min_value=0, max_value=4)
values = st.fractions(min_value=-(10**7), max_value=10**7, max_denominator=10**6)


@given(values, decimals_strategy, st.sampled_from(["vi", "en"]))
def test_a_formatted_value_is_consistent_with_itself(
    value: Fraction, decimals: int, lang: str
) -> None:
    """A value formatted by `format_number` then parsed back is always covered."""
    figure = printed(format_number(value, decimals, lang), lang)
    assert figure.covers(value)
    assert figure.decimals == decimals


@given(values, decimals_strategy, st.integers(min_value=1, max_value=10**6))
def test_a_value_just_outside_is_not(value: Fraction, decimals: int, eps: int) -> None:
    """Just beyond either end of the interval (and at the excluded end) is not covered."""
    figure = printed(format_number(value, decimals, "vi"))
    tiny = Fraction(1, 10 ** (decimals + 1) * eps * 7)
    assert not figure.covers(figure.high + tiny)
    assert not figure.covers(figure.low - tiny)
    excluded = figure.high if figure.number >= 0 else figure.low
    assert not figure.covers(excluded) or figure.number == 0


# ---------------------------------------------------------------- shipped claims files


@pytest.mark.parametrize("spec", EXAMPLES)
def test_every_shipped_claims_file_is_consistent(spec: str) -> None:
    """The figures typed from each seed report all come out consistent."""
    path = shipped_claims(spec)
    assert path is not None
    claims = load_claims(path)
    assert claims.spec == spec
    assert not claims.problems
    verification = verify(evaluated(spec), claims)
    assert len(verification.checks) >= 5
    wrong = [(c.claim.location, c.reason, c.detail) for c in verification.checks if c.reason]
    assert wrong == []
    assert verification.consistent


def test_claims_files_are_not_specs() -> None:
    """Claims files ship in `claims/` beside the example specs, and are not taken for specs."""
    paths = {s.path.parent.name for s in shipped_specs()}
    assert "claims" not in paths
    assert shipped_claims("vn.gender-equality.2011-2020") is None
    assert shipped_claims("vn.examples.quang-nam-2023") is None


# ---------------------------------------------------------------- checks


def test_wrong_percentage_is_caught(tmp_path: Path) -> None:
    """98,0% instead of 97,9%: inconsistent, with both figures and our explanation."""
    check = check_one(tmp_path, '{target: "3.1", value: "98,0%"}')
    assert check.outcome is Outcome.INCONSISTENT
    assert check.reason == "value-differs"
    assert check.ours == Fraction(1710100, 17471)
    assert check.shown("vi") == "97,9%"
    assert "[97.95, 98.05)" in (check.detail or "")
    assert check.explanation is not None
    assert check.explanation.value == Fraction(1710100, 17471)


def test_wrong_count_is_caught() -> None:
    """13/14 instead of 12/14 chỉ tiêu đạt: inconsistent."""
    spec = "vn.examples.hue-children-2016-2020"
    result = evaluated(spec)
    good = load_claims(shipped_claims(spec))  # type: ignore[arg-type]
    (count,) = [c for c in good.claims if c.kind is ClaimKind.COUNT and c.value.denominator]  # type: ignore[union-attr]
    wrong = count.__class__(**{**_fields(count), "value": printed("13/14")})
    (check,) = verify(result, [wrong]).checks
    assert check.outcome is Outcome.INCONSISTENT
    assert check.reason == "count-differs"
    assert (check.ours, check.ours_denominator) == (12, 14)


def _fields(claim: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(claim, recurse=False)  # type: ignore[arg-type]


def test_ambiguous_number_cannot_be_checked(tmp_path: Path) -> None:
    """`97.9%` in a Vietnamese-locale claims file is not guessed: cannot be checked, and why."""
    check = check_one(tmp_path, '{target: "3.1", value: "97.9%"}')
    assert check.outcome is Outcome.UNCHECKED
    assert check.reason == "ambiguous-number"
    assert "vi" in (check.detail or "")


def test_wrong_fraction_and_verdict(tmp_path: Path) -> None:
    """A wrong a/b and a wrong verdict are caught; the right verdict word is consistent."""
    assert check_one(tmp_path, '{target: "3.1", value: "17101/17472"}').reason == "value-differs"
    check = check_one(tmp_path, '{target: "3.1", verdict: "đạt"}')
    assert (check.outcome, check.reason, check.status) == (
        Outcome.INCONSISTENT,
        "verdict-differs",
        "off_track",
    )
    check = check_one(tmp_path, '{target: "3.1", verdict: "chậm tiến độ"}')
    assert check.outcome is Outcome.CONSISTENT


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{target: "9.9", value: "1"}', "unknown-subject"),
        ('{target: "3.1", value: "1", period: 2019-S1}', "no-result"),
        ('{data_item: literate_level1, value: "17101%"}', "unit-mismatch"),
        ('{kind: attainment, target: "3.1", value: "99,8%"}', "value-differs"),
        ('{kind: milestone, target: "3.1", value: "98%"}', None),
    ],
)
def test_reasons(tmp_path: Path, line: str, reason: str | None) -> None:
    """Each claim gets the reason it cannot be checked or differs (None: consistent)."""
    assert check_one(tmp_path, line).reason == reason


def test_attainment_is_exact(tmp_path: Path) -> None:
    """Attainment is our exact value over the milestone's threshold, as a percentage."""
    check = check_one(tmp_path, '{kind: attainment, target: "3.1", value: "99,88%"}')
    assert check.outcome is Outcome.CONSISTENT
    assert check.ours == Fraction(1710100, 17471) / 98 * 100


def test_bounds_are_compared_as_bounds(tmp_path: Path) -> None:
    """`trên 200.000` is consistent with a row reported as a lower bound; a plain figure
    against our bound cannot be checked."""
    spec = "vn.examples.kon-tum-children-2023"
    head = "bdg_claims: 1\norg_unit: kon-tum\nperiod: 2022\nclaims:\n"
    path = claims_file(
        tmp_path,
        head
        + '  - {data_item: children_under16, value: "trên 200.000"}\n'
        + '  - {data_item: children_under16, value: "200.000"}\n'
        + '  - {data_item: children_under16, value: "gần 200.000"}\n',
    )
    checks = verify(evaluated(spec), load_claims(path)).checks
    assert [c.reason for c in checks] == [None, "value-is-bound", "bound-differs"]


# ---------------------------------------------------------------- claims files


def test_bad_yaml_claims_are_located(tmp_path: Path) -> None:
    """Every problem of a YAML claims file is located at its line and column, with a code."""
    path = claims_file(
        tmp_path,
        NGOC_HOI
        + '  - {target: "3.1", value: "abc"}\n'
        + '  - {target: "3.1", indicator: literacy_rate, value: "1"}\n'
        + '  - {target: "3.1", verdict: "tốt", colour: red}\n'
        + '  - {target: "3.1", value: "1", period: 2020-S3}\n'
        + '  - {kind: sum, target: "3.1", value: "1"}\n',
    )
    read = read_claims(path)
    found = [(p.code, p.location.line, p.location.column) for p in read.problems]
    assert found == [
        ("claim-value", 5, 28),
        ("claim-subject", 6, 32),
        ("claim-verdict", 7, 30),
        ("unknown-key", 7, 37),
        ("invalid-period", 8, 41),
        ("invalid-value", 9, 12),
    ]
    assert all(p.code in PROBLEM_CODES for p in read.problems)
    assert all(p.hint for p in read.problems if p.code != "unknown-key")
    with pytest.raises(BdgError):
        load_claims(path)


def test_bad_csv_claims_are_located(tmp_path: Path) -> None:
    """A CSV claims file's problems name the row (header = row 1) and the column."""
    path = claims_file(
        tmp_path,
        "target,org_unit,period,value,extra\n"
        '3.1,ngoc-hoi,2020-S1,"97,9%",\n'
        "3.1,ngoc-hoi,2020-S1,xx,\n"
        "3.1,ngoc-hoi,,1,\n",
        "claims.csv",
    )
    read = read_claims(path)
    found = [(p.code, p.location.line, p.location.column, p.is_error) for p in read.problems]
    assert found == [
        ("unused-column", 1, 5, False),
        ("claim-value", 3, 4, True),
        ("missing-key", 4, 3, True),
    ]
    assert len(read.claims) == 1


def test_not_a_claims_file(tmp_path: Path) -> None:
    """A YAML file without `claims:` and a CSV without a value column are refused."""
    yaml_file = claims_file(tmp_path, "bdg_spec: 1\nid: x\n")
    assert [p.code for p in read_claims(yaml_file).problems] == ["claims-format"]
    csv_file = claims_file(tmp_path, "a,b\n1,2\n", "x.csv")
    assert [p.code for p in read_claims(csv_file).problems] == ["csv-format"]
    missing = tmp_path / "none.yaml"
    assert [p.code for p in read_claims(missing).problems] == ["file-not-found"]


def test_unquoted_yaml_number_keeps_its_text(tmp_path: Path) -> None:
    """`value: 97.9` unquoted is read as the text 97.9: ambiguous in a vi file, not a float."""
    check = check_one(tmp_path, '{target: "3.1", value: 97.9}')
    assert check.reason == "ambiguous-number"


# ---------------------------------------------------------------- the command


def test_verify_shipped_example_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """`bdg verify EXAMPLE` checks the example's shipped claims: all consistent, exit 0."""
    code, out, _ = run(capsys, "verify", "vn.examples.ngoc-hoi-literacy-2020")
    assert code == 0
    assert "Khớp" in out
    assert "khớp 8, không khớp 0, không kiểm tra được 0" in out


def test_verify_wrong_claims_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A wrong claim exits 1 and prints both figures and the explanation of ours."""
    path = claims_file(tmp_path, NGOC_HOI + '  - {target: "3.1", value: "98,0%"}\n')
    spec = "vn.examples.ngoc-hoi-literacy-2020"
    code, out, _ = run(capsys, "verify", spec, "--claims", str(path), "--lang", "en")
    assert code == 1
    assert "Inconsistent" in out
    assert "printed 98,0%, that is [97.95, 98.05); ours 97.8822…" in out
    assert "Exact" in out or "exact" in out  # the explanation follows
    code, out, _ = run(capsys, "verify", spec, "--claims", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["counts"] == {"consistent": 0, "inconsistent": 1, "unchecked": 0}
    (claim,) = data["claims"]
    assert claim["ours"]["exact"] == "1710100/17471"
    assert claim["printed"]["interval"] == "[97.95, 98.05)"
    assert claim["explanation"]["target"] == "3.1"


def test_verify_bad_claims_file_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A claims file with errors exits 1 with located problems, no traceback."""
    path = claims_file(tmp_path, NGOC_HOI + '  - {target: "3.1", value: "abc"}\n')
    code, out, err = run(
        capsys, "verify", "vn.examples.ngoc-hoi-literacy-2020", "--claims", str(path)
    )
    assert code == 1
    assert f"{path}:5:28: error[claim-value]" in out
    assert "Traceback" not in out + err


def test_verify_spec_without_claims_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A spec that ships no claims file needs --claims."""
    code, _, err = run(capsys, "verify", "vn.examples.quang-nam-2023")
    assert code == 2
    assert "--claims" in err


def test_verify_subprocess() -> None:
    """The real `bdg verify` command: exit 0 on the shipped Huế claims (12/14, 275%)."""
    completed = subprocess.run(
        [sys.executable, "-m", "bdg_indicators", "verify", "vn.examples.hue-children-2016-2020"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={"COLUMNS": "200", "PATH": "", "PYTHONIOENCODING": "utf-8"},
    )
    assert completed.returncode == 0, completed.stderr
    assert "12/14" in completed.stdout
    assert "275%" in completed.stdout
