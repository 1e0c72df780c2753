"""Tests for bdg_indicators.orgunits: reading org-unit files and walking the tree."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bdg_indicators import load_org_units, read_org_units
from bdg_indicators.errors import BdgError, OrgUnitError, Problem
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree
from strategies import nfd, org_unit_forests, vietnamese_names

YAML_TREE = """\
bdg_org_units: 1
org_units:
  - code: VN
    name: Việt Nam
    level: country
  - code: 62
    name: Tỉnh Kon Tum
    level: province
    parent: VN
  - code: "610"
    name: Huyện Đắk Glei
    level: district
    parent: 62
    attributes:
      commune_group: mountain_island
  - code: "23284"
    name: Xã Đắk Plô
    level: commune
    parent: "610"
    attributes: {commune_group: mountain_island_disadvantaged, poor: true}
  - code: "23287"
    name: Xã Đắk Man
    level: commune
    parent: "610"
  - code: "01"
    name: Thành phố Hà Nội
    level: province
    parent: VN
"""

CSV_TREE = """\
code,name,level,parent,attr.commune_group
VN,Việt Nam,country,,
62,Tỉnh Kon Tum,province,VN,
610,Huyện Đắk Glei,district,62,mountain_island
23284,Xã Đắk Plô,commune,610,mountain_island_disadvantaged
23287,Xã Đắk Man,commune,610,
01,Thành phố Hà Nội,province,VN,
"""


def write(tmp_path: Path, name: str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write a file under tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def errors(path: Path) -> list[Problem]:
    """The error problems of reading ``path``, checking that no tree is returned."""
    tree, problems = read_org_units(path)
    assert tree is None
    found = [p for p in problems if p.is_error]
    assert found
    return found


@pytest.fixture(params=["yaml", "csv"])
def tree(request: pytest.FixtureRequest, tmp_path: Path) -> OrgUnitTree:
    """The same small tree, read from YAML and from CSV."""
    if request.param == "yaml":
        return load_org_units(write(tmp_path, "units.yaml", YAML_TREE))
    return load_org_units(write(tmp_path, "units.csv", CSV_TREE))


def codes(units: tuple[OrgUnit, ...]) -> list[str]:
    """The codes of some org units."""
    return [u.code for u in units]


# ---------------------------------------------------------------- reading


def test_units_are_read(tree: OrgUnitTree) -> None:
    """Every unit is read with its code (always text), name, level and parent."""
    assert len(tree) == 6
    assert set(codes(tuple(tree))) == {"VN", "62", "610", "23284", "23287", "01"}
    assert "62" in tree
    assert 62 not in tree
    unit = tree["23284"]
    assert (unit.name, unit.level, unit.parent) == ("Xã Đắk Plô", "commune", "610")
    assert tree["VN"].parent is None


def test_leading_zeros_in_codes_are_kept(tree: OrgUnitTree) -> None:
    """Administrative codes such as ``01`` keep their leading zero."""
    assert tree["01"].name == "Thành phố Hà Nội"


def test_yaml_numeric_codes_are_text(tmp_path: Path) -> None:
    """An unquoted YAML code ``62`` is the code "62", and a parent ``62`` refers to it."""
    loaded = load_org_units(write(tmp_path, "units.yaml", YAML_TREE))
    assert loaded["62"].code == "62"
    assert loaded["610"].parent == "62"


def test_attributes(tree: OrgUnitTree) -> None:
    """``attribute()`` returns an attribute's value, or None when the unit lacks it."""
    assert tree["610"].attribute("commune_group") == "mountain_island"
    assert tree["23284"].attribute("commune_group") == "mountain_island_disadvantaged"
    assert tree["23287"].attribute("commune_group") is None
    assert tree["VN"].attribute("nothing") is None


def test_yaml_attributes_are_sorted_text(tmp_path: Path) -> None:
    """YAML attributes are kept as sorted (name, text) pairs."""
    loaded = load_org_units(write(tmp_path, "units.yaml", YAML_TREE))
    assert loaded["23284"].attributes == (
        ("commune_group", "mountain_island_disadvantaged"),
        ("poor", "True"),
    )


def test_csv_empty_attribute_cells_are_absent(tmp_path: Path) -> None:
    """An empty ``attr.*`` cell means the unit has no such attribute."""
    loaded = load_org_units(write(tmp_path, "units.csv", CSV_TREE))
    assert loaded["23287"].attributes == ()
    assert loaded["610"].attributes == (("commune_group", "mountain_island"),)


def test_csv_written_by_csv_module(tmp_path: Path) -> None:
    """Quoted CSV cells (with commas) are read as written."""
    path = tmp_path / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerow(["VN", "Cộng hòa Xã hội chủ nghĩa Việt Nam, nước", "country", ""])
    loaded = load_org_units(path)
    assert loaded["VN"].name == "Cộng hòa Xã hội chủ nghĩa Việt Nam, nước"


def test_csv_with_bom_is_read(tmp_path: Path) -> None:
    """A CSV saved by Excel with a UTF-8 BOM still has a ``code`` column."""
    path = tmp_path / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV_TREE.encode())
    assert len(load_org_units(path)) == 6


# ---------------------------------------------------------------- NFC


def test_names_are_nfc_and_find_matches_nfd_input(tmp_path: Path) -> None:
    """Names typed decomposed are stored in NFC; find() matches NFD and NFC input alike."""
    path = tmp_path / "units.csv"
    path.write_bytes(nfd(CSV_TREE).encode())
    tree, problems = read_org_units(path)
    assert tree is not None
    assert [p.code for p in problems] == ["not-nfc"]
    unit = tree["23284"]
    assert unit.name == "Xã Đắk Plô"
    assert unicodedata.is_normalized("NFC", unit.name)
    assert tree.find(nfd("Xã Đắk Plô")) == (unit,)
    assert tree.find("Xã Đắk Plô") == (unit,)


def test_find_is_case_insensitive_and_ignores_padding(tree: OrgUnitTree) -> None:
    """find() ignores case and surrounding whitespace."""
    assert codes(tree.find("  XÃ ĐẮK MAN ")) == ["23287"]
    assert tree.find("Xã Không Có") == ()


def test_org_unit_normalises_its_name() -> None:
    """An OrgUnit built directly in code stores its name in NFC too."""
    unit = OrgUnit(code="1", name=nfd(" Hà Nội "), level="province")
    assert unit.name == "Hà Nội"


@given(vietnamese_names())
def test_find_matches_any_vietnamese_name_in_either_form(name: str) -> None:
    """A unit named in NFD is found by its NFC name and the reverse."""
    tree = OrgUnitTree({"1": OrgUnit(code="1", name=nfd(name), level="commune")})
    assert codes(tree.find(name)) == ["1"]
    assert codes(tree.find(nfd(name))) == ["1"]


# ---------------------------------------------------------------- walking the tree


def test_ancestors_nearest_first(tree: OrgUnitTree) -> None:
    """ancestors() lists the parent, grandparent, ... up to the root."""
    assert codes(tree.ancestors("23284")) == ["610", "62", "VN"]
    assert tree.ancestors("VN") == ()


def test_children(tree: OrgUnitTree) -> None:
    """children() lists only direct children."""
    assert set(codes(tree.children("VN"))) == {"62", "01"}
    assert set(codes(tree.children("610"))) == {"23284", "23287"}
    assert tree.children("23287") == ()


def test_descendants(tree: OrgUnitTree) -> None:
    """descendants() lists every unit below, at any depth, once."""
    below = codes(tree.descendants("VN"))
    assert sorted(below) == sorted(["62", "610", "23284", "23287", "01"])
    assert set(codes(tree.descendants("62"))) == {"610", "23284", "23287"}
    assert tree.descendants("23284") == ()


def test_unknown_code_raises_key_error(tree: OrgUnitTree) -> None:
    """Asking for an unknown code raises KeyError."""
    with pytest.raises(KeyError):
        tree["99"]
    with pytest.raises(KeyError):
        tree.ancestors("99")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org_unit_forests())
def test_generated_trees_are_consistent(
    tmp_path: Path, pairs: list[tuple[str, str | None]]
) -> None:
    """For any tree: b is a descendant of a exactly when a is an ancestor of b."""
    lines = ["code,name,level,parent"]
    lines += [f"{code},Đơn vị {code},commune,{parent or ''}" for code, parent in pairs]
    tree = load_org_units(write(tmp_path, "units.csv", "\n".join(lines) + "\n"))
    parent_of = dict(pairs)
    for code, _ in pairs:
        expected_ancestors = []
        current = parent_of[code]
        while current is not None:
            expected_ancestors.append(current)
            current = parent_of[current]
        assert codes(tree.ancestors(code)) == expected_ancestors
        below = set(codes(tree.descendants(code)))
        assert below == {c for c, _ in pairs if code in codes(tree.ancestors(c))}
        assert len(codes(tree.descendants(code))) == len(below)
    assert len(tree.descendants("U0")) == len(pairs) - 1


# ---------------------------------------------------------------- errors


def test_duplicate_code_yaml(tmp_path: Path) -> None:
    """A repeated code is duplicate-org-unit at the second unit, naming where the first is."""
    path = write(
        tmp_path,
        "units.yaml",
        "org_units:\n"
        "  - {code: A, name: Một, level: country}\n"
        "  - {code: B, name: Hai, level: province, parent: A}\n"
        "  - {code: A, name: Ba, level: province, parent: A}\n",
    )
    (problem,) = errors(path)
    assert problem.code == "duplicate-org-unit"
    assert (problem.location.file, problem.location.line) == (str(path), 4)
    assert f"{path}:2" in problem.message


def test_duplicate_code_csv(tmp_path: Path) -> None:
    """In CSV, lines are counted with the header as line 1."""
    path = write(tmp_path, "units.csv", "code,name,level,parent\nA,Một,country,\nA,Hai,country,\n")
    (problem,) = errors(path)
    assert problem.code == "duplicate-org-unit"
    assert (problem.location.file, problem.location.line) == (str(path), 3)
    assert f"{path}:2" in problem.message


def test_unknown_parent(tmp_path: Path) -> None:
    """A parent code that is not in the file is unknown-parent at the child."""
    path = write(
        tmp_path,
        "units.csv",
        "code,name,level,parent\nA,Một,country,\nB,Hai,province,A\nC,Ba,province,Z\n",
    )
    (problem,) = errors(path)
    assert problem.code == "unknown-parent"
    assert (problem.location.file, problem.location.line) == (str(path), 4)
    assert "`Z`" in problem.message


def test_cycle(tmp_path: Path) -> None:
    """Units that are their own ancestors are org-unit-cycle, each located."""
    path = write(
        tmp_path,
        "units.yaml",
        "org_units:\n"
        "  - {code: R, name: Gốc, level: country}\n"
        "  - {code: A, name: Một, level: province, parent: B}\n"
        "  - {code: B, name: Hai, level: district, parent: A}\n",
    )
    problems = errors(path)
    assert [p.code for p in problems] == ["org-unit-cycle", "org-unit-cycle"]
    assert [p.location.line for p in problems] == [3, 4]
    assert all(p.location.file == str(path) for p in problems)


def test_self_parent_is_a_cycle(tmp_path: Path) -> None:
    """A unit that is its own parent is a cycle."""
    path = write(tmp_path, "units.csv", "code,name,level,parent\nA,Một,country,A\n")
    assert [p.code for p in errors(path)] == ["org-unit-cycle"]


def test_bad_level(tmp_path: Path) -> None:
    """A level outside LEVELS is invalid-value, with a hint listing the levels."""
    path = write(tmp_path, "units.csv", "code,name,level,parent\nA,Một,country,\nB,Hai,village,A\n")
    (problem,) = errors(path)
    assert problem.code == "invalid-value"
    assert problem.location.line == 3
    assert "commune" in (problem.hint or "")


@pytest.mark.parametrize("missing", ["code", "name", "level"])
def test_missing_csv_column(tmp_path: Path, missing: str) -> None:
    """A CSV without a required column is csv-format at line 1, naming the column."""
    columns = [c for c in ("code", "name", "level", "parent") if c != missing]
    path = write(tmp_path, "units.csv", ",".join(columns) + "\n" + ",".join("x" * len(columns)))
    (problem,) = errors(path)
    assert problem.code == "csv-format"
    assert (problem.location.file, problem.location.line) == (str(path), 1)
    assert f"`{missing}`" in problem.message


def test_missing_value_in_row(tmp_path: Path) -> None:
    """A row with an empty name is missing-key at its line."""
    path = write(tmp_path, "units.csv", "code,name,level,parent\nA,,country,\n")
    (problem,) = errors(path)
    assert problem.code == "missing-key"
    assert problem.location.line == 2
    assert "`name`" in problem.message


def test_unknown_key_in_yaml(tmp_path: Path) -> None:
    """An unexpected key in a YAML unit is unknown-key at that key."""
    path = write(
        tmp_path,
        "units.yaml",
        "org_units:\n  - code: A\n    name: Một\n    level: country\n    parnet: B\n",
    )
    (problem,) = errors(path)
    assert problem.code == "unknown-key"
    assert (problem.location.line, problem.location.column) == (5, 5)


@pytest.mark.parametrize(
    "text", ["org_units: {a: 1}\n", "units: []\n", "- a\n", "org_units:\n  - just text\n"]
)
def test_wrong_shape_of_yaml_file(tmp_path: Path, text: str) -> None:
    """A YAML file without a list of mappings under ``org_units`` is wrong-type."""
    assert [p.code for p in errors(write(tmp_path, "units.yaml", text))] == ["wrong-type"]


@pytest.mark.parametrize(
    ("field", "line"),
    [
        ("attributes: [mountain_island]", 5),
        ("attributes: mountain", 5),
        ("attributes: {group: [a, b]}", 5),
        ("parent: [A]", 5),
    ],
)
def test_nested_values_where_text_is_expected(tmp_path: Path, field: str, line: int) -> None:
    """A list or mapping where text (or a mapping of text) is expected is wrong-type, no crash."""
    path = write(
        tmp_path,
        "units.yaml",
        f"org_units:\n  - code: A\n    name: Một\n    level: country\n    {field}\n",
    )
    (problem,) = errors(path)
    assert problem.code == "wrong-type"
    assert problem.location.line == line


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [("code", "{a: 1}", 3), ("code", "[A]", 3), ("name", "[Một]", 4), ("level", "[country]", 5)],
)
def test_nested_code_name_or_level(tmp_path: Path, key: str, value: str, line: int) -> None:
    """A list or mapping as code, name or level is wrong-type at that value, not a crash."""
    fields = {"code": "A", "name": "Một", "level": "country", key: value}
    body = "".join(f"    {k}: {v}\n" for k, v in fields.items())
    path = write(tmp_path, "units.yaml", "org_units:\n  -\n" + body)
    (problem,) = errors(path)
    assert problem.code == "wrong-type"
    assert problem.location.line == line


def test_yaml_problems_are_passed_on(tmp_path: Path) -> None:
    """YAML reading problems (here a duplicate key) are reported with the file."""
    path = write(
        tmp_path,
        "units.yaml",
        "org_units:\n  - code: A\n    name: Một\n    name: Hai\n    level: country\n",
    )
    (problem,) = errors(path)
    assert problem.code == "yaml-duplicate-key"
    assert (problem.location.file, problem.location.line) == (str(path), 4)


def test_not_utf8(tmp_path: Path) -> None:
    """A file in a legacy encoding is not-utf8 with its line."""
    path = tmp_path / "units.csv"
    path.write_bytes("code,name,level,parent\nA,Hà,country,\n".encode("cp1258"))
    (problem,) = errors(path)
    assert problem.code == "not-utf8"
    assert (problem.location.line, problem.location.column) == (2, 4)


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is file-not-found naming the path."""
    (problem,) = errors(tmp_path / "nope.yaml")
    assert problem.code == "file-not-found"
    assert problem.location.file == str(tmp_path / "nope.yaml")


def test_load_raises_org_unit_error_with_every_problem(tmp_path: Path) -> None:
    """load_org_units raises OrgUnitError (a ValueError) carrying all the problems."""
    path = write(
        tmp_path,
        "units.csv",
        "code,name,level,parent\nA,Một,country,\nA,Hai,country,\nC,Ba,town,A\nD,Bốn,commune,Z\n",
    )
    with pytest.raises(OrgUnitError) as info:
        load_org_units(path)
    assert [p.code for p in info.value.problems] == [
        "duplicate-org-unit",
        "invalid-value",
        "unknown-parent",
    ]
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, BdgError)
    assert f"{path}:3: error[duplicate-org-unit]" in str(info.value)


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    """A file with only warnings (YAML 1.1 ambiguity) still loads, and the warning is returned."""
    path = write(tmp_path, "units.yaml", "org_units:\n  - {code: A, name: no, level: country}\n")
    tree, problems = read_org_units(path)
    assert tree is not None
    assert tree["A"].name == "no"
    assert [p.code for p in problems] == ["yaml-1-1-ambiguity"]
