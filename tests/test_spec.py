"""Compiling specs: semantics of milestones, units, formulas, extension, and every bad input."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import bdg_indicators as bdg
from bdg_indicators import (
    ChangeKind,
    ComparisonOp,
    Direction,
    SpecError,
    Verification,
    WhenKind,
    load_spec,
    load_spec_text,
    validate_spec,
    validate_spec_text,
)

BASE = """\
bdg_spec: 1
id: test.base
title: {vi: Thử, en: Test}
data_items:
  literate: {label: Biết chữ, unit: person, breakdowns: [sex, area]}
  population: {label: Dân số, unit: person, breakdowns: [sex, area], aggregation: stock}
  fund: {label: Quỹ, unit: tỷ đồng}
indicators:
  literacy:
    label: Tỷ lệ biết chữ
    formula: literate / population
    unit: percent
    better: higher
goals:
  - id: "1"
    targets:
      - id: "1.1"
        indicator: literacy
        milestones:
          - {by: 2020, at_least: 95}
        source: {clause: "Mục tiêu 1", verification: unverified}
"""


def problems(text: str) -> list[bdg.Problem]:
    """Problems of a spec text (errors and warnings)."""
    return list(validate_spec_text(textwrap.dedent(text), file="t.yaml").problems)


def codes(text: str) -> list[str]:
    """The problem codes of a spec text."""
    return [p.code for p in problems(text)]


def with_milestone(milestone: str, indicator: str = "literacy") -> str:
    """BASE with target 1.1's milestone replaced."""
    text = BASE.replace("{by: 2020, at_least: 95}", milestone)
    return text.replace("indicator: literacy", f"indicator: {indicator}")


def single(text: str) -> bdg.Problem:
    """The one error of a spec text."""
    errors = [p for p in problems(text) if p.is_error]
    assert len(errors) == 1, errors
    return errors[0]


def test_base_is_valid() -> None:
    """The base spec used by these tests is valid and compiles its formula's unit factor."""
    spec = load_spec_text(BASE)
    indicator = spec.indicator("literacy")
    assert indicator.factor == 100
    assert indicator.formula.names == {"literate", "population"}
    assert spec.target("1.1").milestones[0].condition.op is ComparisonOp.AT_LEAST


# ---------------------------------------------------------------- milestone semantics


@pytest.mark.parametrize(
    ("key", "op"),
    [
        ("at_least", ComparisonOp.AT_LEAST),
        ("more_than", ComparisonOp.MORE_THAN),
        ("at_most", ComparisonOp.AT_MOST),
        ("less_than", ComparisonOp.LESS_THAN),
    ],
)
def test_comparison_keys(key: str, op: ComparisonOp) -> None:
    """Each comparison key compiles to its own operator, value kept exact."""
    spec = load_spec_text(with_milestone(f"{{by: 2020, {key}: 97.9}}"))
    condition = spec.target("1.1").milestones[0].condition
    assert condition.op is op
    assert condition.threshold.value == Fraction(979, 10)


def test_threshold_with_unit_is_converted() -> None:
    """`0.5 percent` on a per-mille indicator is 5 per 1,000, exactly."""
    text = BASE.replace("unit: percent", "unit: per_1000")
    spec = load_spec_text(text.replace("at_least: 95", "at_least: 0.5 percent"))
    assert spec.target("1.1").milestones[0].condition.threshold.value == 5
    assert spec.indicator("literacy").factor == 1000


def test_about_needs_tolerance() -> None:
    """`about` without a tolerance is an error at the milestone."""
    problem = single(with_milestone("{by: 2020, about: 60}"))
    assert problem.code == "tolerance-missing"
    assert problem.location.line == 20


def test_about_with_tolerance() -> None:
    """`about` keeps its tolerance in the indicator's unit."""
    spec = load_spec_text(with_milestone("{by: 2020, about: 60, tolerance: 2}"))
    condition = spec.target("1.1").milestones[0].condition
    assert (condition.op, condition.tolerance) == (ComparisonOp.ABOUT, 2)


def test_between_and_order() -> None:
    """`between` takes [low, high]; reversed bounds are an error."""
    spec = load_spec_text(with_milestone("{every: 2016/2020, between: [90, 95]}"))
    milestone = spec.target("1.1").milestones[0]
    assert milestone.when.kind is WhenKind.EVERY
    assert milestone.condition.upper.value == 95
    assert single(with_milestone("{by: 2020, between: [95, 90]}")).code == "invalid-value"


def test_from_until() -> None:
    """`from: 2015, until: 2020` applies from 2015 to 2020 only."""
    spec = load_spec_text(with_milestone("{from: 2015, until: 2020, at_least: 100}"))
    when = spec.target("1.1").milestones[0].when
    assert when.applies_to(bdg.parse_period("2015"))
    assert when.applies_to(bdg.parse_period("2020-S2"))
    assert not when.applies_to(bdg.parse_period("2014"))
    assert not when.applies_to(bdg.parse_period("2021"))


def test_change_needs_kind() -> None:
    """`reduce_by` that does not say relative or absolute is an error (giảm 0,15% is ambiguous)."""
    problem = single(with_milestone("{by: 2019, reduce_by: 0.15, base: 2018}"))
    assert problem.code == "change-kind-missing"
    assert (problem.location.line, problem.location.column) == (20, 35)


def test_change_relative_and_absolute() -> None:
    """Relative amounts are fractions of the base; absolute ones in percentage points."""
    relative = load_spec_text(
        with_milestone("{by: 2019, reduce_by: 0.15 percent, change: relative, base: 2018}")
    )
    change = relative.target("1.1").milestones[0].condition
    assert (change.kind, change.direction, change.amount) == (
        ChangeKind.RELATIVE,
        Direction.DECREASE,
        Fraction(15, 10000),
    )
    absolute = load_spec_text(
        with_milestone(
            "{by: 2019, increase_by: 0.15 percentage_point, change: absolute, base: 2018}"
        )
    )
    change = absolute.target("1.1").milestones[0].condition
    assert (change.kind, change.amount) == (ChangeKind.ABSOLUTE, Fraction(15, 100))


def test_absolute_change_in_percent_is_refused() -> None:
    """An absolute change of a percent indicator written in `percent` is ambiguous: refused."""
    text = with_milestone("{by: 2019, reduce_by: 0.15 percent, change: absolute, base: 2018}")
    problem = single(text)
    assert problem.code == "invalid-quantity"
    assert "percentage_point" in (problem.hint or "")


def test_milestone_needs_one_when_and_one_condition() -> None:
    """Two times or two conditions in one milestone are errors."""
    assert single(with_milestone("{by: 2020, every: 2016/2020, at_least: 1}")).code == (
        "milestone-when"
    )
    assert single(with_milestone("{by: 2020, at_least: 1, at_most: 2}")).code == (
        "milestone-condition"
    )
    assert single(with_milestone("{by: 2020}")).code == "milestone-condition"


def test_yes_no_target() -> None:
    """A boolean indicator is judged with `equals: true`; a number threshold is refused."""
    text = BASE.replace("  fund:", "  flag: {label: Có, type: boolean}\n  fund:").replace(
        "goals:", "  flag_ind: {label: Có, formula: flag, unit: boolean, better: higher}\ngoals:"
    )
    text = text.replace("indicator: literacy", "indicator: flag_ind")
    spec = load_spec_text(text.replace("{by: 2020, at_least: 95}", "{from: 2025, equals: true}"))
    condition = spec.target("1.1").milestones[0].condition
    assert condition.threshold.value is True
    assert single(text).code == "wrong-type"


def test_amendment_milestones_in_force() -> None:
    """An amended target keeps both values; the amendment's are in force."""
    spec = load_spec(Path(__file__).parent / "fixtures" / "specs" / "full.yaml")
    target = spec.target("3.1")
    assert [m.condition.threshold.value for m in target.milestones] == [90, 95]
    assert [m.condition.threshold.value for m in target.milestones_in_force] == [98]
    assert target.source_in_force.amendment == "qd-800-2018"
    assert target.source.verification is Verification.UNVERIFIED
    assert target.breakdown == (("area", "rural"),)


def test_attribute_threshold_and_criteria() -> None:
    """Thresholds may depend on an org-unit attribute; score rules check each criterion."""
    spec = load_spec(Path(__file__).parent / "fixtures" / "specs" / "full.yaml")
    milestone = spec.target("3.4").milestones[0]
    threshold = milestone.condition.threshold
    assert threshold.for_attribute("ward_city") == 900
    assert threshold.for_attribute("mountain_island") == 800
    assert threshold.for_attribute("other") == 850
    assert threshold.for_attribute(None) == 850
    assert milestone.each_criterion.op is ComparisonOp.MORE_THAN
    assert spec.indicator("cf_score").formula.text == "cf_c01 + cf_c02"


# ---------------------------------------------------------------- bad input, each located


def test_yaml_syntax_error_located() -> None:
    """A YAML syntax error names its line."""
    problem = single(BASE.replace('  - id: "1"', '  - id: ["1"'))
    assert problem.code == "yaml-syntax"
    assert problem.location.file == "t.yaml"
    assert problem.location.line is not None


def test_wrong_type_located() -> None:
    """A list where a number is expected is a wrong-type error at that value."""
    problem = single(BASE.replace("at_least: 95", "at_least: [95]"))
    assert (problem.code, problem.location.line, problem.location.column) == ("wrong-type", 20, 34)


def test_unknown_key_suggests() -> None:
    """A misspelled key gets a did-you-mean hint at the key."""
    problem = single(BASE.replace("        milestones:", "        milestone:"))
    assert problem.code == "unknown-key"
    assert problem.hint == "did you mean `milestones`?"
    assert (problem.location.line, problem.location.column) == (19, 9)


def test_many_problems_reported_at_once() -> None:
    """Every structural problem is reported, not only the first."""
    text = BASE.replace("better: higher", "bettr: higher").replace("clause:", "clase:")
    # `clase` is unknown, so `clause` is also missing: both are said
    assert sorted(codes(text)) == ["missing-key", "unknown-key", "unknown-key"]


def test_duplicate_key() -> None:
    """A duplicate key is an error, not silently overwritten."""
    text = BASE.replace("    unit: percent\n", "    unit: percent\n    unit: per_1000\n")
    problem = single(text)
    assert problem.code == "yaml-duplicate-key"
    assert "first on line 12" in problem.message


def test_duplicate_target_id() -> None:
    """Two targets with one id are an error naming the first."""
    extra = """      - id: "1.1"
        indicator: literacy
        milestones: [{by: 2021, at_least: 96}]
        source: {clause: x, verification: unverified}
"""
    problem = single(BASE + extra)
    assert problem.code == "duplicate-id"
    assert "t.yaml:17" in problem.message


def test_unknown_unit() -> None:
    """An unknown unit is located at the unit and suggests a known one."""
    problem = single(BASE.replace("unit: person, breakdowns: [sex, area]}", "unit: persn}", 1))
    assert problem.code == "unknown-unit"
    assert problem.hint == "did you mean `person`?"
    assert problem.location.line == 5


def test_formula_syntax_error_column() -> None:
    """A formula syntax error points at the column inside the YAML line."""
    problem = single(BASE.replace("formula: literate / population", "formula: literate / / x"))
    assert problem.code == "formula-syntax"
    assert (problem.location.line, problem.location.column) == (11, 25)


def test_formula_unknown_name() -> None:
    """An unknown name in a formula suggests the closest data item."""
    problem = single(BASE.replace("literate / population", "literate / populaton"))
    assert problem.code == "formula-unknown-name"
    assert problem.hint == "did you mean `population`?"
    assert problem.location.column == 25


def test_formula_dimension_mismatch() -> None:
    """A formula whose dimension is not the indicator's is an error at the formula."""
    problem = single(BASE.replace("literate / population", "literate"))
    assert problem.code == "unit-mismatch"
    assert problem.location.line == 11
    problem = single(BASE.replace("literate / population", "literate + fund"))
    assert problem.code == "unit-mismatch"


def test_formula_injection_is_a_formula_error(tmp_path: Path) -> None:
    """Python code in a formula is refused as a formula error and nothing runs."""
    sentinel = tmp_path / "ran"
    code = f"__import__('os').system('touch {sentinel}')"
    problem = single(BASE.replace("literate / population", f'"{code}"'))
    assert problem.code.startswith("formula-")
    assert not sentinel.exists()


def test_indicator_cycle_names_the_cycle() -> None:
    """Indicators referring to each other in a circle are an error naming the cycle."""
    text = BASE.replace(
        "goals:",
        "  a: {label: A, formula: b * 1, unit: percent, better: higher}\n"
        "  b: {label: B, formula: a * 1, unit: percent, better: higher}\ngoals:",
    )
    found = [p for p in problems(text) if p.code == "formula-cycle"]
    assert found
    assert "a → b → a" in found[0].message or "b → a → b" in found[0].message


def test_not_utf8(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused with the position of the bad byte."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(BASE.encode("utf-8").replace("Dân số".encode(), b"D\xe2n s\xf4"))
    report = validate_spec(path)
    assert [p.code for p in report.problems] == ["not-utf8"]
    assert report.problems[0].location.line == 6


def test_decomposed_unicode_warns_and_matches(tmp_path: Path) -> None:
    """Decomposed (NFD) text is read as NFC with a located warning, and still valid."""
    import unicodedata

    path = tmp_path / "nfd.yaml"
    path.write_text(unicodedata.normalize("NFD", BASE), encoding="utf-8")
    report = validate_spec(path)
    assert report.valid
    assert [p.code for p in report.problems] == ["not-nfc"]
    assert report.spec is not None
    assert report.spec.data_item("population").label.vi == "Dân số"


def test_alias_bomb_refused() -> None:
    """A billion-laughs alias bomb is refused at its first anchor."""
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    assert codes(bomb) == ["yaml-alias"]


def test_deep_nesting_refused() -> None:
    """10,000 levels of nesting are refused without a RecursionError."""
    assert codes("a: " + "[" * 10_000 + "]" * 10_000) == ["yaml-too-deep"]
    assert codes("{a: " * 10_000 + "1" + "}" * 10_000) == ["yaml-too-deep"]


def test_yaml_1_1_boolean_label_is_text_with_warning() -> None:
    """`yes` as a label is kept as the text 'yes' with a warning."""
    found = problems(BASE.replace("label: Biết chữ", "label: yes"))
    assert [p.code for p in found] == ["yaml-1-1-ambiguity"]
    assert not found[0].is_error


def test_sexagesimal_number_refused_where_a_number_is_meant() -> None:
    """`1:30` is text, so as a threshold it is an invalid quantity (YAML 1.1 reads 90)."""
    found = problems(BASE.replace("at_least: 95", "at_least: 1:30"))
    assert sorted(p.code for p in found) == ["invalid-quantity", "yaml-1-1-ambiguity"]
    assert found[0].location == found[1].location


def test_vietnamese_decimal_comma_refused_with_hint() -> None:
    """`97,9` in a spec gets a hint to write 97.9."""
    problem = single(BASE.replace("at_least: 95", 'at_least: "97,9"'))
    assert problem.code == "invalid-number"
    assert "97.9" in (problem.hint or "")


def test_source_required() -> None:
    """A target without a source is an error."""
    text = BASE.replace('        source: {clause: "Mục tiêu 1", verification: unverified}\n', "")
    assert single(text).code == "source-missing"


def test_invalid_verification() -> None:
    """A verification level is one of four words."""
    problem = single(BASE.replace("verification: unverified", "verification: checked"))
    assert problem.code == "invalid-value"


def test_status_is_renamed() -> None:
    """The former `status` key is refused with what to write instead (its `verified` meant
    either a secondary source or the official text)."""
    problem = single(BASE.replace("verification: unverified", "status: verified"))
    assert problem.code == "verification-renamed"
    assert problem.location.line is not None
    assert problem.location.column is not None
    assert "seen_in" in (problem.hint or "")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("verification: official", "official text it was checked against"),
        ("verification: secondary", "source the wording was seen in"),
    ],
)
def test_level_needs_its_support(written: str, message: str) -> None:
    """`official` names the official text read; `secondary` the source the wording was seen in."""
    problem = single(BASE.replace("verification: unverified", written))
    assert problem.code == "verification-unsupported"
    assert message in problem.message
    ok = BASE.replace(
        "verification: unverified", "verification: secondary, seen_in: thuvienphapluat.vn"
    )
    target = load_spec_text(ok).target("1.1")
    assert target.source.seen_in == "thuvienphapluat.vn"


def test_format_version() -> None:
    """Only format version 1 is read."""
    assert codes(BASE.replace("bdg_spec: 1", "bdg_spec: 2")) == ["unsupported-format-version"]
    assert codes(BASE.replace("bdg_spec: 1\n", "")) == ["missing-key"]


def test_bad_ids() -> None:
    """Data item ids are snake_case ASCII: Vietnamese goes in labels."""
    text = BASE.replace("  fund: {", "  quỹ_tỉnh: {")
    problem = single(text)
    assert problem.code == "invalid-id"
    assert "quy" in (problem.hint or "") or "`" in (problem.hint or "")


def test_breakdown_selector_checked() -> None:
    """Selecting a breakdown value that does not exist is an error."""
    problem = single(BASE.replace("literate / population", "literate[sex=femal] / population"))
    assert problem.code == "unknown-reference"
    assert problem.hint == "did you mean `female`?"


def test_load_spec_raises_with_all_problems() -> None:
    """load_spec_text raises one SpecError carrying every problem."""
    text = BASE.replace("better: higher", "bettr: higher").replace("clause:", "clase:")
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="t.yaml")
    assert len(info.value.problems) == 3
    assert str(info.value).count("t.yaml:") == 3
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------- extension


def test_extension_overrides_removes_adds(fixtures: Path) -> None:
    """A child spec overrides a milestone, removes a target with a reason and adds one."""
    child = load_spec(fixtures / "specs" / "child.yaml")
    assert child.extends == "full.yaml"
    target = child.target("3.1")
    assert [m.condition.threshold.value for m in target.milestones_in_force] == [97]
    assert target.amendments == ()
    assert target.breakdown == (("area", "rural"),)  # inherited
    with pytest.raises(KeyError):
        child.target("3.2")
    assert [(r.id, r.goal) for r in child.removed] == [("3.2", "3")]
    added = child.target("3.9")
    assert added.milestones[0].condition.threshold.value == 6000  # 6 tỷ = 6,000 triệu đồng
    assert child.indicator("srb") == load_spec(fixtures / "specs" / "full.yaml").indicator("srb")


def test_override_without_source(tmp_path: Path, fixtures: Path) -> None:
    """Changing inherited milestones without citing a source is an error."""
    child = (fixtures / "specs" / "child.yaml").read_text(encoding="utf-8")
    child = child.replace('        source: {clause: "Mục II.1", verification: paraphrase}\n', "", 1)
    path = tmp_path / "child.yaml"
    path.write_text(
        child.replace("extends: full.yaml", f"extends: {fixtures}/specs/full.yaml"),
        encoding="utf-8",
    )
    report = validate_spec(path)
    assert [p.code for p in report.problems] == ["override-needs-source"]


def test_remove_unknown_target(tmp_path: Path, fixtures: Path) -> None:
    """Removing a target the parent does not have is an error at that entry."""
    path = tmp_path / "c.yaml"
    path.write_text(
        f"bdg_spec: 1\nid: c\ntitle: C\nextends: {fixtures}/specs/full.yaml\n"
        "goals:\n  - id: '3'\n    targets:\n      - {id: '9.9', remove: không}\n",
        encoding="utf-8",
    )
    report = validate_spec(path)
    assert [p.code for p in report.problems] == ["unknown-reference"]
    assert report.problems[0].location.line == 8


def test_extends_cycle(fixtures: Path) -> None:
    """Specs extending each other in a circle are an error naming the cycle at `extends`."""
    report = validate_spec(fixtures / "specs" / "cycle_a.yaml")
    assert [p.code for p in report.problems] == ["extends-cycle"]
    assert "cycle_a.yaml → cycle_b.yaml → cycle_a.yaml" in report.problems[0].message
    assert report.problems[0].location.line == 3


def test_extends_unknown(tmp_path: Path) -> None:
    """Extending a spec that does not exist is located at `extends`."""
    path = tmp_path / "x.yaml"
    path.write_text("bdg_spec: 1\nid: x\ntitle: X\nextends: vn.nothing\n", encoding="utf-8")
    report = validate_spec(path)
    assert [p.code for p in report.problems] == ["spec-not-found"]
    assert report.problems[0].location.line == 4


def test_remove_without_reason(tmp_path: Path, fixtures: Path) -> None:
    """`remove:` with no reason is an error at the key, and the target is not silently kept."""
    path = tmp_path / "c.yaml"
    path.write_text(
        f"bdg_spec: 1\nid: c\ntitle: C\nextends: {fixtures}/specs/full.yaml\n"
        "goals:\n  - id: '3'\n    targets:\n      - id: '3.2'\n        remove:\n",
        encoding="utf-8",
    )
    report = validate_spec(path)
    assert [(p.code, p.location.line) for p in report.problems] == [("remove-needs-reason", 9)]


def test_unknown_amendment_code() -> None:
    """A target citing an amendment the framework does not list gets its own code."""
    text = BASE.replace(
        '        source: {clause: "Mục tiêu 1", verification: unverified}\n',
        '        source: {clause: "Mục tiêu 1", verification: unverified}\n'
        "        amendments:\n"
        "          - {amendment: qd-9, milestones: [{by: 2020, at_least: 1}],"
        " source: {clause: x, verification: paraphrase}}\n",
    )
    assert single(text).code == "unknown-amendment"


@pytest.mark.parametrize("value", ["15_40", "0x1F", ".inf", "1_000"])
def test_more_yaml_1_1_readings_are_flagged(value: str) -> None:
    """Plain values YAML 1.1 tools read as numbers are kept as text with a warning."""
    found = problems(BASE.replace("label: Biết chữ", f"label: {value}"))
    assert [p.code for p in found] == ["yaml-1-1-ambiguity"]


LEGAL = BASE.replace(
    """      - id: "1.1"
        indicator: literacy
""",
    """      - id: "1.1a"
        counts_as: "1.1"
        indicator: literacy
        breakdown: {sex: female}
        milestones:
          - {by: 2015, at_least: 90, verification: paraphrase, note: value from news only}
        source: {clause: "Mục tiêu 1", verification: secondary, seen_in: traloihay.net}
      - id: "1.1b"
        counts_as: "1.1"
        indicator: literacy
""",
).replace(
    """goals:
  - id: "1"
""",
    """goals:
  - id: "1"
    source: {clause: "Mục tiêu 1", verification: unverified, note: grouping inferred}
    legal_targets:
      "1.1": {label: Tỷ lệ biết chữ của nữ và của chung, rule: all}
""",
)


def test_entries_counted_as_one_chi_tieu() -> None:
    """Entries with the same `counts_as` are one chỉ tiêu; the legal count is what `counts`
    reports, and each milestone carries its own verification level where it has one."""
    spec = load_spec_text(LEGAL)
    assert spec.counts() == bdg.Counts(goals=1, targets=1, entries=2, criteria=0)
    goal = spec.goals[0]
    (legal,) = goal.chi_tieu()
    assert (legal.id, legal.entries, legal.rule) == ("1.1", ("1.1a", "1.1b"), bdg.TargetRule.ALL)
    assert legal.label is not None
    assert legal.label.vi == "Tỷ lệ biết chữ của nữ và của chung"
    assert goal.source is not None
    assert goal.source.note == "grouping inferred"
    assert spec.legal_target("1.1b") is legal
    entry = spec.target("1.1a")
    (milestone,) = entry.milestones
    assert milestone.note == "value from news only"
    assert entry.verification_of(milestone) is bdg.Verification.PARAPHRASE
    other = spec.target("1.1b").milestones[0]
    assert spec.target("1.1b").verification_of(other) is bdg.Verification.UNVERIFIED


def test_legal_target_without_entries_is_located() -> None:
    """A chỉ tiêu in `legal_targets` that no entry counts as is an error at its key."""
    text = LEGAL.replace('counts_as: "1.1"', 'counts_as: "1.2"')
    found = [p for p in problems(text) if p.code == "legal-target"]
    assert found
    assert found[0].location.line is not None
    assert "counts_as" in found[0].message


def test_entry_counting_as_another_entry_is_an_error() -> None:
    """An entry cannot count as a chỉ tiêu whose id is another entry that counts as something
    else (an entry may share its own id with the chỉ tiêu it counts as: 3.1 with 3.1a-c)."""
    text = LEGAL.replace('counts_as: "1.1"', 'counts_as: "1.1b"', 1)
    assert "legal-target" in codes(text)
    same = LEGAL.replace('      - id: "1.1b"\n        counts_as: "1.1"\n', '      - id: "1.1"\n')
    assert "legal-target" not in codes(same)


def test_milestone_level_needs_its_support() -> None:
    """A milestone cannot claim `official` while its source names no official text read."""
    text = BASE.replace(
        "- {by: 2020, at_least: 95}", "- {by: 2020, at_least: 95, verification: official}"
    )
    problem = single(text)
    assert problem.code == "verification-unsupported"
    assert (problem.location.line, problem.location.column) == (20, 52)
