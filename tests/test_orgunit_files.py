"""Org-unit files go through the converter that structures spec files: the same problem codes,
locations and hints."""

from __future__ import annotations

from pathlib import Path

from bdg_indicators import read_org_units
from bdg_indicators.errors import Problem


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    """The problems of reading ``text`` as an org-unit file, checking that no tree is returned."""
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    tree, problems = read_org_units(path)
    assert tree is None
    return list(problems)


def test_wrong_type_is_located_at_the_value(tmp_path: Path) -> None:
    """A list where a name is expected is wrong-type at the list, saying what was found."""
    text = "bdg_org_units: 1\norg_units:\n  - {code: A, name: [Một], level: country}\n"
    (problem,) = problems_of(tmp_path, text)
    assert problem.code == "wrong-type"
    assert problem.message == "expected text, found a list"
    location = problem.location
    assert (location.file, location.line, location.column) == (str(tmp_path / "units.yaml"), 3, 21)
    assert location.path == ("org_units", 0, "name")


def test_wrong_type_of_an_attribute_value(tmp_path: Path) -> None:
    """An attribute's value must be text, a number or yes/no: a mapping is wrong-type there."""
    text = "org_units:\n  - code: A\n    name: Một\n    level: country\n    attributes:\n"
    text += "      poor: {a: 1}\n"
    (problem,) = [p for p in problems_of(tmp_path, text) if p.is_error]
    assert problem.code == "wrong-type"
    assert (problem.location.line, problem.location.column) == (6, 13)


def test_unknown_key_has_the_spec_files_hint(tmp_path: Path) -> None:
    """A misspelt key is unknown-key at the key, with the did-you-mean hint of spec files."""
    text = "bdg_org_units: 1\norg_units:\n  - code: A\n    name: Một\n    level: country\n"
    text += "    parnet: B\n"
    (problem,) = problems_of(tmp_path, text)
    assert problem.code == "unknown-key"
    assert problem.message == "unknown key `parnet`"
    assert problem.hint == "did you mean `parent`?"
    location = problem.location
    assert (location.file, location.line, location.column) == (str(tmp_path / "units.yaml"), 6, 5)


def test_missing_key_names_the_key(tmp_path: Path) -> None:
    """A unit without a required key is missing-key at the unit, naming the key."""
    text = "org_units:\n  - {code: A, level: country}\n"
    (problem,) = problems_of(tmp_path, text)
    assert problem.code == "missing-key"
    assert problem.message == "missing required key `name`"
    assert (problem.location.line, problem.location.column) == (2, 5)
