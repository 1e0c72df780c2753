"""Tests for bdg_indicators._yaml: the located, safe YAML reader and text decoding."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bdg_indicators import _yaml
from bdg_indicators._yaml import MAX_DEPTH, Document, YamlNumber, decode_text, read_yaml
from bdg_indicators.errors import Severity
from strategies import decimal_texts, nfd, vietnamese_names, yaml_keys, yaml_plain_values


def codes(doc: Document) -> list[str]:
    """The problem codes of a document, in order."""
    return [p.code for p in doc.problems]


def only_problem(doc: Document, code: str) -> Any:
    """The single problem of a document, checked to have ``code``."""
    assert codes(doc) == [code]
    return doc.problems[0]


def plain(value: Any) -> Any:
    """A read value with YamlNumbers turned into ints or Decimals, for comparison."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, YamlNumber):
        return int(value) if value.is_integer_literal else Decimal(value)
    return value


def all_paths(value: Any, prefix: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """Every path to a value inside ``value``, the root included."""
    paths = {prefix}
    if isinstance(value, dict):
        for key, child in value.items():
            paths |= all_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths |= all_paths(child, (*prefix, index))
    return paths


# ---------------------------------------------------------------- locations

NESTED = """\
id: vn-children
goals:
  - id: "1"
    targets:
      - {id: "1.1", value: 3.10}
label:
  vi: Trẻ em
"""


def test_values_and_keys_are_located_one_based() -> None:
    """Each value and each key has its 1-based (line, column)."""
    doc = read_yaml(NESTED, "spec.yaml")
    assert doc.problems == ()
    assert doc.values[("id",)] == (1, 5)
    assert doc.keys[("id",)] == (1, 1)
    assert doc.keys[("goals",)] == (2, 1)
    assert doc.values[("goals", 0)] == (3, 5)
    assert doc.values[("goals", 0, "id")] == (3, 9)
    assert doc.keys[("goals", 0, "targets")] == (4, 5)
    assert doc.values[("goals", 0, "targets", 0)] == (5, 9)
    assert doc.keys[("goals", 0, "targets", 0, "value")] == (5, 21)
    assert doc.values[("goals", 0, "targets", 0, "value")] == (5, 28)
    assert doc.values[("label", "vi")] == (7, 7)


def test_every_value_is_located() -> None:
    """The location table covers every path of the document."""
    doc = read_yaml(NESTED)
    assert set(doc.values) == all_paths(doc.value)


def test_locate_gives_location_with_file_and_path() -> None:
    """``locate`` returns a Location with file, line, column and the path asked for."""
    doc = read_yaml(NESTED, "spec.yaml")
    location = doc.locate(("goals", 0, "targets", 0, "value"))
    assert (location.file, location.line, location.column) == ("spec.yaml", 5, 28)
    assert location.path == ("goals", 0, "targets", 0, "value")
    key = doc.locate(("goals", 0, "targets"), key=True)
    assert (key.line, key.column) == (4, 5)
    assert str(location) == "spec.yaml:5:28"


def test_locate_falls_back_to_nearest_ancestor() -> None:
    """A path that is not in the document is located at its nearest located ancestor."""
    doc = read_yaml(NESTED, "spec.yaml")
    location = doc.locate(("goals", 0, "missing", "deeper"))
    assert (location.line, location.column) == (3, 5)
    assert location.path == ("goals", 0, "missing", "deeper")
    assert (doc.locate(("nowhere",)).line, doc.locate(("nowhere",)).column) == (1, 1)


def test_locate_key_of_list_item_uses_the_item() -> None:
    """List items have no key, so ``key=True`` locates the item itself."""
    doc = read_yaml(NESTED)
    location = doc.locate(("goals", 0), key=True)
    assert (location.line, location.column) == (3, 5)


@given(st.lists(st.tuples(yaml_keys(), st.integers(0, 10**6)), min_size=1, max_size=20))
def test_generated_flat_mappings_are_located(items: list[tuple[str, int]]) -> None:
    """In a generated ``key: value`` file, key i is at (i, 1) and its value after ``: ``."""
    unique = list(dict(items).items())
    text = "".join(f"{key}: {value}\n" for key, value in unique)
    doc = read_yaml(text)
    assert doc.problems == ()
    for line, (key, value) in enumerate(unique, start=1):
        assert doc.keys[(key,)] == (line, 1)
        assert doc.values[(key,)] == (line, len(key) + 3)
        assert doc.value[key] == value


@given(yaml_plain_values())
def test_generated_documents_round_trip(value: Any) -> None:
    """Plain data dumped by PyYAML reads back equal, without errors, every path located."""
    text = yaml.safe_dump(value, allow_unicode=True)
    doc = read_yaml(text)
    assert [p for p in doc.problems if p.is_error] == []
    assert plain(doc.value) == value
    assert set(doc.values) == all_paths(doc.value)


# ---------------------------------------------------------------- duplicate keys


def test_duplicate_key_reports_both_lines() -> None:
    """A repeated key is an error at the second key, and the message names the first line."""
    doc = read_yaml("a: 1\nb: 2\na: 3\n", "spec.yaml")
    problem = only_problem(doc, "yaml-duplicate-key")
    assert problem.is_error
    assert (problem.location.line, problem.location.column) == (3, 1)
    assert "line 1" in problem.message
    assert problem.location.path == ("a",)
    assert str(problem).startswith("spec.yaml:3:1: error[yaml-duplicate-key]")


def test_duplicate_key_in_nested_mapping() -> None:
    """Duplicate keys are found at any depth, located at the repeated key."""
    doc = read_yaml("outer:\n  x: 1\n  y: 2\n  x: 3\n")
    problem = only_problem(doc, "yaml-duplicate-key")
    assert (problem.location.line, problem.location.column) == (4, 3)
    assert "line 2" in problem.message
    assert problem.location.path == ("outer", "x")


def test_same_key_in_different_mappings_is_fine() -> None:
    """The same key in two different mappings is not a duplicate."""
    doc = read_yaml("a: {x: 1}\nb: {x: 2}\nc:\n  - x: 3\n  - x: 4\n")
    assert doc.problems == ()


def test_keys_that_read_the_same_are_duplicates() -> None:
    """``true`` and ``"true"`` are the same key once read, so they are duplicates."""
    doc = read_yaml('true: 1\n"true": 2\n')
    assert codes(doc) == ["yaml-duplicate-key"]


# ---------------------------------------------------------------- YAML 1.1 ambiguity


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "no",
        "on",
        "off",
        "Yes",
        "NO",
        "On",
        "OFF",
        "y",
        "n",
        "1:30",
        "12:30:00",
        "010",
        "-010",
    ],
)
def test_yaml_1_1_values_are_kept_as_text_with_a_warning(text: str) -> None:
    """Plain values YAML 1.1 reads as booleans or numbers stay text, with a located warning."""
    doc = read_yaml(f"key: {text}\n", "spec.yaml")
    assert doc.value == {"key": text}
    problem = only_problem(doc, "yaml-1-1-ambiguity")
    assert problem.severity is Severity.WARNING
    assert not problem.is_error
    assert (problem.location.line, problem.location.column) == (1, 6)
    assert f'"{text}"' in (problem.hint or "")


@pytest.mark.parametrize("text", ["'yes'", '"1:30"', "'010'"])
def test_quoted_values_are_not_ambiguous(text: str) -> None:
    """Quoted values are text for every YAML version, so no warning."""
    doc = read_yaml(f"key: {text}\n")
    assert doc.problems == ()
    assert doc.value == {"key": text[1:-1]}


def test_ambiguous_keys_are_text_without_warning() -> None:
    """A key such as ``yes`` or ``no`` is text and not flagged (keys are always text)."""
    doc = read_yaml("yes: 1\nno: 2\n")
    assert doc.problems == ()
    assert list(doc.value) == ["yes", "no"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("True", True), ("null", None), ("~", None), ("", None)],
)
def test_yaml_1_2_booleans_and_nulls(text: str, value: Any) -> None:
    """``true``/``false`` are booleans and ``null``/``~``/nothing is None, without warnings."""
    doc = read_yaml(f"key: {text}\n")
    assert doc.problems == ()
    assert doc.value == {"key": value}


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value", "integer"),
    [
        ("3.10", Decimal("3.1"), False),
        ("97.9", Decimal("97.9"), False),
        ("0.15", Decimal("0.15"), False),
        ("42", Decimal(42), True),
        ("-7", Decimal(-7), True),
        ("+3", Decimal(3), True),
        ("1e3", Decimal(1000), False),
        (".5", Decimal("0.5"), False),
        ("100.", Decimal(100), False),
    ],
)
def test_numbers_are_exact_and_keep_their_text(text: str, value: Decimal, integer: bool) -> None:
    """Numbers are exact YamlNumbers that remember how they were written (3.10 stays 3.10)."""
    doc = read_yaml(f"n: {text}\n")
    number = doc.value["n"]
    assert isinstance(number, YamlNumber)
    assert isinstance(number, Decimal)
    assert number == value
    assert number.text == text
    assert number.is_integer_literal is integer


@given(decimal_texts())
def test_generated_decimals_keep_their_text(text: str) -> None:
    """Any plain decimal is read exactly, its written form (trailing zeros too) kept."""
    number = read_yaml(f"n: {text}\n").value["n"]
    assert isinstance(number, YamlNumber)
    assert number.text == text
    assert number == Decimal(text)


def test_exact_decimal_is_not_a_float() -> None:
    """0.1 + 0.2 is exactly 0.3 for read numbers, unlike binary floats."""
    doc = read_yaml("a: 0.1\nb: 0.2\n")
    assert doc.value["a"] + doc.value["b"] == Decimal("0.3")


@pytest.mark.parametrize("text", ["'3.10'", '"42"', "3,10", "1.2.3", "12abc"])
def test_non_numbers_stay_text(text: str) -> None:
    """Quoted numbers and number-like text stay text."""
    value = read_yaml(f"n: {text}\n").value["n"]
    assert type(value) is str


def test_number_keys_keep_their_text() -> None:
    """Number-like keys become text as written: ``3.10`` is the key "3.10", not "3.1"."""
    doc = read_yaml("2020: a\n3.10: b\n")
    assert list(doc.value) == ["2020", "3.10"]


# ---------------------------------------------------------------- refused constructs


def test_anchors_and_aliases_are_refused() -> None:
    """``&anchor`` and ``*alias`` are refused at the anchor."""
    doc = read_yaml("a: &x 1\nb: *x\n", "spec.yaml")
    problem = only_problem(doc, "yaml-alias")
    assert (problem.location.line, problem.location.column) == (1, 4)
    assert doc.value is None


def test_lone_alias_is_refused() -> None:
    """An alias without an anchor is refused too."""
    assert codes(read_yaml("a: *nowhere\n")) == ["yaml-alias"]


def test_billion_laughs_is_refused() -> None:
    """A "billion laughs" alias bomb returns problems instead of expanding."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    doc = read_yaml("\n".join(lines) + "\n")
    assert doc.problems
    assert codes(doc) == ["yaml-alias"]
    assert doc.value is None


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "- " * 10_000 + "x",
        "a: " + "[" * 10_000,
    ],
)
def test_ten_thousand_levels_are_refused_without_recursion_error(text: str) -> None:
    """10,000 nested lists or mappings give yaml-too-deep, not RecursionError."""
    doc = read_yaml(text)
    assert codes(doc) == ["yaml-too-deep"]
    assert doc.value is None


def test_depth_limit_boundary() -> None:
    """MAX_DEPTH nested lists are accepted; one more is refused."""
    ok = read_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert ok.problems == ()
    deep = read_yaml("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    problem = only_problem(deep, "yaml-too-deep")
    assert (problem.location.line, problem.location.column) == (1, MAX_DEPTH + 1)


def test_too_many_nodes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document with more values than MAX_NODES is refused with yaml-too-many-nodes."""
    monkeypatch.setattr(_yaml, "MAX_NODES", 10)
    assert read_yaml("[" + ", ".join(["1"] * 9) + "]").problems == ()
    doc = read_yaml("[" + ", ".join(["1"] * 10) + "]")
    assert codes(doc) == ["yaml-too-many-nodes"]
    assert doc.value is None


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system x\n", "python/object:os.system"),
        ("a: !!python/object/apply:os.system [ls]\n", "python/object/apply:os.system"),
        ("a: !!str 12\n", "tag:yaml.org,2002:str"),
        ("a: !custom x\n", "!custom"),
        ("a: !!map {b: 1}\n", "tag:yaml.org,2002:map"),
    ],
)
def test_explicit_tags_are_refused(text: str, tag: str) -> None:
    """Explicit tags are errors located at the tagged value, naming the tag."""
    doc = read_yaml(text, "spec.yaml")
    problem = only_problem(doc, "yaml-tag")
    assert problem.is_error
    assert (problem.location.line, problem.location.column) == (1, 4)
    assert tag in problem.message


def test_python_tags_construct_nothing(tmp_path: Path) -> None:
    """A ``!!python/object/apply`` tag runs nothing and the value stays plain data."""
    sentinel = tmp_path / "sentinel"
    doc = read_yaml(f"a: !!python/object/apply:os.system ['touch {sentinel}']\n")
    assert codes(doc) == ["yaml-tag"]
    assert not sentinel.exists()
    assert doc.value == {"a": [f"touch {sentinel}"]}


def test_non_specific_tag_is_allowed() -> None:
    """The non-specific tag ``!`` is not an explicit type and is accepted."""
    doc = read_yaml("a: ! x\n")
    assert doc.problems == ()
    assert doc.value == {"a": "x"}


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\n---\nb: 2\n", 2), ("---\na: 1\n---\nb: 2\n", 3), ("a: 1\n...\n---\nb: 2\n", 3)],
)
def test_multiple_documents_are_refused(text: str, line: int) -> None:
    """A second document is refused where it starts."""
    doc = read_yaml(text)
    problem = only_problem(doc, "yaml-multiple-documents")
    assert problem.location.line == line
    assert doc.value is None


def test_single_document_with_explicit_start_is_fine() -> None:
    """One document with ``---`` and ``...`` markers is accepted."""
    doc = read_yaml("---\na: 1\n...\n")
    assert doc.problems == ()
    assert plain(doc.value) == {"a": 1}


def test_complex_keys_are_refused() -> None:
    """A list or mapping used as a key is wrong-type."""
    doc = read_yaml("? [a, b]\n: 1\nc: 2\n")
    assert codes(doc) == ["wrong-type"]
    assert plain(doc.value) == {"c": 2}


# ---------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: 1\n  b: 2\n", 2, 4),
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a: 'unclosed\n", 2, 1),
        ("- a\nb: 1\n", 2, 1),
        ("a: 1\nb: [\n", 3, 1),
        ("a: 1\nb: 2\nc: 3\n\td: 4\n", 4, 1),
    ],
)
def test_syntax_errors_are_located(text: str, line: int, column: int) -> None:
    """Malformed YAML gives one yaml-syntax error at the line and column where it was found."""
    doc = read_yaml(text, "spec.yaml")
    problem = only_problem(doc, "yaml-syntax")
    assert (problem.location.line, problem.location.column) == (line, column)
    assert problem.message
    assert doc.value is None


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: 1\nb: \x07\n", 2, 4), ("a: Việt\nb: ệ\x0b\n", 2, 5), ("\x00", 1, 1)],
)
def test_control_characters_are_located(text: str, line: int, column: int) -> None:
    """A control character (a reader error, which PyYAML gives no mark) is located all the same."""
    doc = read_yaml(text)
    problem = only_problem(doc, "yaml-syntax")
    assert (problem.location.line, problem.location.column) == (line, column)


def test_empty_document_is_none() -> None:
    """An empty file reads as None without problems, the root located at 1:1."""
    doc = read_yaml("")
    assert doc.value is None
    assert doc.problems == ()
    assert doc.values[()] == (1, 1)


# ---------------------------------------------------------------- decode_text


def test_decode_plain_utf8() -> None:
    """Valid composed UTF-8 decodes without problems."""
    assert decode_text("tên: Việt Nam\n".encode(), "f.yaml") == ("tên: Việt Nam\n", [])


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"a: 1\nb: caf\xe9 x\n", 2, 7),
        ("a: 1\nb: Việt ".encode() + b"\xff\n", 2, 9),
        (b"\xff", 1, 1),
        (b"a\nb\nc\n\x80", 4, 1),
        ("x: ệ".encode() + b"\xe1\xbb", 1, 5),
        (b"\xef\xbb\xbfab\xfe", 1, 3),
    ],
)
def test_non_utf8_bytes_are_located(data: bytes, line: int, column: int) -> None:
    """Invalid UTF-8 gives not-utf8 at the line and character column of the bad byte."""
    text, problems = decode_text(data, "f.yaml")
    assert text is None
    (problem,) = problems
    assert problem.code == "not-utf8"
    assert problem.is_error
    assert (problem.location.file, problem.location.line, problem.location.column) == (
        "f.yaml",
        line,
        column,
    )


def test_windows_1258_text_is_not_utf8() -> None:
    """Vietnamese text saved in Windows-1258 is reported as not UTF-8 with an encoding hint."""
    _, problems = decode_text("tên: Hà\n".encode("cp1258"), "f.yaml")
    assert [p.code for p in problems] == ["not-utf8"]
    assert (problems[0].location.line, problems[0].location.column) == (1, 2)
    assert "UTF-8" in (problems[0].hint or "")


@given(
    st.text().filter(lambda t: not t.startswith("\ufeff")),
    st.sampled_from([b"\xff", b"\xfe", b"\x80", b"\xc3"]),
    st.text(alphabet="abc \n"),
)
def test_generated_bad_bytes_are_located(prefix: str, bad: bytes, suffix: str) -> None:
    """Wherever the bad byte is, its line and character column are reported."""
    data = prefix.encode() + bad + suffix.encode()
    text, problems = decode_text(data, None)
    assert text is None
    location = problems[0].location
    assert location.line == prefix.count("\n") + 1
    assert location.column == len(prefix.rsplit("\n", 1)[-1]) + 1


def test_bom_is_accepted() -> None:
    """A UTF-8 byte-order mark is removed without a problem."""
    assert decode_text(b"\xef\xbb\xbfa: 1\n", "f.yaml") == ("a: 1\n", [])


def test_decomposed_text_warns_and_comes_back_composed() -> None:
    """NFD text gives a located not-nfc warning and the text is returned in NFC."""
    source = "id: x\nname: Tỉnh Kon Tum\n"
    text, problems = decode_text(nfd(source).encode(), "f.yaml")
    assert text == source
    assert unicodedata.is_normalized("NFC", text)
    (problem,) = problems
    assert problem.code == "not-nfc"
    assert problem.severity is Severity.WARNING
    assert problem.location.file == "f.yaml"
    assert problem.location.line == 2


def test_not_nfc_is_located_at_the_first_decomposed_character() -> None:
    """The warning points at the first decomposed character, after earlier composed lines."""
    source = "a: Việt\nb: x\nc: Vie\u0323\u0302t\n"
    _, problems = decode_text(source.encode(), None)
    location = problems[0].location
    assert (location.line, location.column) == (3, 7)


def test_not_nfc_is_located_for_characters_without_combining_marks() -> None:
    """Characters NFC replaces without any combining mark (Ohm sign Ω) are located too."""
    _, problems = decode_text("a: 1\nb: x\nc: \u2126\n".encode(), None)
    assert [p.code for p in problems] == ["not-nfc"]
    location = problems[0].location
    assert (location.line, location.column) == (3, 4)


def test_not_nfc_ignores_combining_marks_that_are_already_nfc() -> None:
    """A combining mark with no composed form (q̇ is NFC) does not draw the location to it."""
    source = "a: q\u0307\nb: " + nfd("ệ") + "\n"
    _, problems = decode_text(source.encode(), None)
    assert [p.code for p in problems] == ["not-nfc"]
    assert problems[0].location.line == 2


@given(st.text())
def test_decoding_valid_utf8_always_gives_nfc(text: str) -> None:
    """Any valid UTF-8 decodes to its NFC form, with a not-nfc warning exactly when it changed."""
    decoded, problems = decode_text(text.encode(), None)
    expected = text.removeprefix("\ufeff")
    assert decoded == unicodedata.normalize("NFC", expected)
    assert [p.code for p in problems] == ([] if decoded == expected else ["not-nfc"])


@given(vietnamese_names())
def test_decomposed_names_read_back_composed(name: str) -> None:
    """A Vietnamese name written decomposed reads back as the composed name."""
    text, _ = decode_text(f"name: {nfd(name)}\n".encode(), None)
    assert text is not None
    assert read_yaml(text).value == {"name": name}
