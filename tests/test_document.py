"""The spec format's structuring: problems located where they were written, with hints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bdg_indicators import SpecError, load_spec_text

SPEC = """\
bdg_spec: 1
id: test.comma
title: Thử
data_items:
  literate: {label: Biết chữ, unit: person}
  population: {label: Dân số, unit: person, aggregation: stock}
indicators:
  literacy: {label: Tỷ lệ biết chữ, formula: literate / population, unit: percent, better: higher}
goals:
  - id: "1"
    targets:
      - id: "1.1"
        indicator: literacy
        source: {clause: Mục tiêu 1, verification: unverified}
        milestones:
          - {by: 2022, more_than: 87.5}
"""
COMMA = SPEC.replace("more_than: 87.5}", "more_than: 87,5}")
MESSAGE = "unknown key `5`: `87,5` is read as the number 87 and a key `5`"
HINT = "write 87.5 (a decimal point: YAML reads `87,5` as two entries)"


def test_the_spec_with_a_decimal_point_loads() -> None:
    """The spec the decimal-comma tests break is valid as written with a point."""
    assert load_spec_text(SPEC).target("1.1").milestones[0].condition.threshold.text == "87.5"


def test_decimal_comma_in_a_flow_mapping() -> None:
    """`{by: 2022, more_than: 87,5}` is one unknown-key at the number, saying to write 87.5
    (YAML reads it as `more_than: 87` and a key `5`)."""
    with pytest.raises(SpecError) as info:
        load_spec_text(COMMA, file="comma.yaml")
    (problem,) = info.value.problems
    assert problem.code == "unknown-key"
    assert problem.message == MESSAGE
    assert problem.hint == HINT
    assert (problem.location.file, problem.location.line, problem.location.column) == (
        "comma.yaml",
        16,
        35,
    )


def test_digit_keys_after_text_are_plain_unknown_keys() -> None:
    """A digit key after a value that is not a number is an ordinary unknown key."""
    text = SPEC.replace("more_than: 87.5}", "more_than: 87.5, note: a,5}")
    with pytest.raises(SpecError) as info:
        load_spec_text(text)
    (problem,) = info.value.problems
    assert (problem.code, problem.message) == ("unknown-key", "unknown key `5`")


def test_decimal_comma_through_the_command_line(tmp_path: Path) -> None:
    """`bdg validate FILE`, run as a real process, prints the problem in compiler form."""
    path = tmp_path / "comma.yaml"
    path.write_text(COMMA, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bdg_indicators", "validate", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 1, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{path}:16:35: error[unknown-key]: {MESSAGE}")
    assert HINT in line
