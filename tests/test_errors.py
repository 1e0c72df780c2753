"""Tests for bdg_indicators.errors: the exception tree, problems and the code catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bdg_indicators
from bdg_indicators import errors
from bdg_indicators.errors import (
    PROBLEM_CODES,
    BdgError,
    FormulaError,
    Location,
    OrgUnitError,
    PeriodError,
    Problem,
    Severity,
    SpecError,
    SpecNotFoundError,
    UnitError,
)

SOURCE = Path(bdg_indicators.__file__).parent
KEBAB = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

# ---------------------------------------------------------------- exception tree


@pytest.mark.parametrize(
    ("exception", "builtin"),
    [
        (SpecError, ValueError),
        (SpecNotFoundError, LookupError),
        (FormulaError, ValueError),
        (UnitError, ValueError),
        (PeriodError, ValueError),
        (OrgUnitError, ValueError),
    ],
)
def test_exceptions_subclass_bdg_error_and_their_builtin(
    exception: type[BdgError], builtin: type[Exception]
) -> None:
    """Each exception is a BdgError and the builtin callers expect, so either catch works."""
    assert issubclass(exception, BdgError)
    assert issubclass(exception, builtin)
    problem = Problem(code="internal-error", message="m")
    with pytest.raises(builtin):
        raise exception([problem])
    with pytest.raises(BdgError):
        raise exception([problem])


def test_every_exported_exception_is_a_bdg_error() -> None:
    """Every exception class errors exports derives from BdgError and a builtin error."""
    exported = [getattr(errors, name) for name in errors.__all__]
    classes = [c for c in exported if isinstance(c, type) and issubclass(c, Exception)]
    assert BdgError in classes
    for cls in classes:
        assert issubclass(cls, BdgError)
        if cls is not BdgError:
            assert issubclass(cls, ValueError | LookupError), cls


def test_spec_not_found_is_not_a_value_error() -> None:
    """SpecNotFoundError is a LookupError, not a ValueError."""
    assert not issubclass(SpecNotFoundError, ValueError)


def test_exception_carries_problems_and_prints_them() -> None:
    """An exception keeps its problems and prints one per line."""
    first = Problem(
        code="unknown-key",
        message="unknown key `x`",
        location=Location(file="a.yaml", line=3, column=5),
    )
    second = Problem(
        code="missing-key", message="`id` is missing", location=Location(file="a.yaml", line=1)
    )
    exc = SpecError([first, second])
    assert exc.problems == (first, second)
    assert str(exc).splitlines() == [
        "a.yaml:3:5: error[unknown-key]: unknown key `x`",
        "a.yaml:1: error[missing-key]: `id` is missing",
    ]


def test_exception_from_text_is_an_internal_error() -> None:
    """An exception made from plain text carries one internal-error problem."""
    exc = BdgError("something broke")
    (problem,) = exc.problems
    assert (problem.code, problem.message) == ("internal-error", "something broke")


def test_errors_filters_out_warnings() -> None:
    """``errors`` lists only the problems of severity error."""
    warning = Problem(code="not-nfc", message="w", severity=Severity.WARNING)
    error = Problem(code="wrong-type", message="e")
    assert SpecError([warning, error]).errors == (error,)
    assert not warning.is_error
    assert error.is_error


# ---------------------------------------------------------------- Problem and Location


def test_problem_with_unknown_code_raises_value_error() -> None:
    """A code that is not in PROBLEM_CODES is refused when the Problem is made."""
    with pytest.raises(ValueError, match="no-such-code"):
        Problem(code="no-such-code", message="m")


@given(st.text(min_size=1).filter(lambda t: t not in PROBLEM_CODES))
def test_any_uncatalogued_code_is_refused(code: str) -> None:
    """Every code outside the catalogue is refused."""
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem(code=code, message="m")


def test_problem_str_format() -> None:
    """``str(Problem)`` is ``file:line:col: error[code]: message``."""
    problem = Problem(
        code="yaml-syntax",
        message="bad indentation",
        location=Location(file="specs/vn.yaml", line=12, column=7),
    )
    assert str(problem) == "specs/vn.yaml:12:7: error[yaml-syntax]: bad indentation"


@pytest.mark.parametrize(
    ("location", "prefix"),
    [
        (Location(file="f.csv", line=4), "f.csv:4"),
        (Location(file="f.yaml"), "f.yaml"),
        (Location(line=2, column=9), "<string>:2:9"),
        (Location(), "<string>"),
        (Location(file="f.yaml", column=3), "f.yaml"),
    ],
)
def test_location_str_leaves_out_unknown_parts(location: Location, prefix: str) -> None:
    """A location prints only what is known; text given directly is ``<string>``."""
    assert str(location) == prefix
    assert str(Problem(code="wrong-type", message="m", location=location)).startswith(
        f"{prefix}: error[wrong-type]: m"
    )


def test_problem_str_with_warning_and_hint() -> None:
    """Warnings print as ``warning[code]`` and a hint is appended."""
    problem = Problem(
        code="yaml-1-1-ambiguity",
        message="`yes` is text",
        location=Location(file="f.yaml", line=1, column=6),
        hint='write "yes"',
        severity=Severity.WARNING,
    )
    assert (
        str(problem) == 'f.yaml:1:6: warning[yaml-1-1-ambiguity]: `yes` is text Hint: write "yes"'
    )


@given(
    st.sampled_from(sorted(PROBLEM_CODES)),
    st.text(alphabet=st.characters(blacklist_characters="\n\r"), min_size=1),
    st.integers(1, 10**6),
    st.integers(1, 10**4),
)
def test_problem_str_is_parseable(code: str, message: str, line: int, column: int) -> None:
    """Any problem prints in a form tools can split back into file, line, column and code."""
    problem = Problem(
        code=code, message=message, location=Location(file="x.yaml", line=line, column=column)
    )
    match = re.fullmatch(
        r"([^:]+):(\d+):(\d+): (error|warning)\[([a-z0-9-]+)\]: (.*)", str(problem), re.S
    )
    assert match is not None
    assert match.groups() == ("x.yaml", str(line), str(column), "error", code, message)


def test_problems_are_immutable() -> None:
    """Problems and locations are frozen values."""
    problem = Problem(code="wrong-type", message="m")
    with pytest.raises(AttributeError):
        problem.code = "missing-key"  # type: ignore[misc]
    assert problem == Problem(code="wrong-type", message="m")


# ---------------------------------------------------------------- catalogue


def test_catalogue_is_not_empty_and_read_only() -> None:
    """The catalogue lists codes and cannot be changed at run time."""
    assert len(PROBLEM_CODES) > 20
    with pytest.raises(TypeError):
        PROBLEM_CODES["new-code"] = PROBLEM_CODES["wrong-type"]  # type: ignore[index]


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_every_code_is_kebab_case_with_title_and_description(code: str) -> None:
    """Every code is kebab-case, names itself, and has a title and a description."""
    entry = PROBLEM_CODES[code]
    assert KEBAB.fullmatch(code)
    assert entry.code == code
    assert entry.title.strip()
    assert entry.title == entry.title.strip()
    assert entry.description.strip()
    assert entry.description.rstrip().endswith((".", ")", "`"))


def test_titles_are_unique() -> None:
    """No two codes share a title (each shows up distinctly in the docs)."""
    titles = [entry.title for entry in PROBLEM_CODES.values()]
    assert len(titles) == len(set(titles))


# ---------------------------------------------------------------- codes used in the source


def passes_code_on(function: ast.AST) -> bool:
    """Whether a function makes a problem from its variable ``code`` (``code=code``)."""
    return any(
        isinstance(node, ast.keyword)
        and node.arg == "code"
        and isinstance(node.value, ast.Name)
        and node.value.id == "code"
        for node in ast.walk(function)
    )


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function definition in a tree."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def problem_helpers(tree: ast.AST) -> set[str]:
    """Functions whose first parameter (after ``self``) is ``code`` and that pass it on as a
    problem code."""
    names = set()
    for node in functions(tree):
        params = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg != "self"]
        if params[:1] == ["code"] and passes_code_on(node):
            names.add(node.name)
    return names


def string_constants(node: ast.AST) -> set[str]:
    """Every str constant inside an expression."""
    return {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def assigned_codes(function: ast.AST) -> set[str]:
    """String literals assigned to the variable ``code`` (also in tuple assignments)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == "code":
                found |= string_constants(node.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for item, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(item, ast.Name) and item.id == "code":
                        found |= string_constants(value)
    return found


def codes_used(source: str, helpers: set[str]) -> set[str]:
    """String literals given as problem codes: ``code="..."`` keywords, the first argument of a
    helper whose first parameter is ``code``, and literals assigned to ``code`` in a function
    that then passes ``code=code``."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "code":
            found |= string_constants(node.value)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in helpers:
                found |= string_constants(node.args[0])
    for function in functions(tree):
        if passes_code_on(function):
            found |= assigned_codes(function)
    return found


def test_code_collector_finds_every_pattern() -> None:
    """The collector finds codes in keywords, assignments and helper calls, and nothing else."""
    source = """
def report(self, code, message):
    Problem(code=code, message=message)
def other(message, code):
    Problem(code=code, message=message)
def lookup(code):
    return table[code]
def check(x):
    Problem(code="alpha-one", message="not-a-code")
    self.report("beta-two", "not-a-code")
    report("gamma-three" if x else "delta-four", "m")
    other("not-a-code", "m")
    lookup("not-a-code")
def convert(exc):
    code = "epsilon-five"
    if exc:
        code, hint = "zeta-six", "not-a-code"
    Problem(code=code, message="m")
def language(lang):
    code = "not-a-code"
    return code
"""
    tree = ast.parse(source)
    helpers = problem_helpers(tree)
    assert helpers == {"report"}
    assert codes_used(source, helpers) == {
        "alpha-one",
        "beta-two",
        "gamma-three",
        "delta-four",
        "epsilon-five",
        "zeta-six",
    }


def test_every_code_used_in_the_source_is_catalogued() -> None:
    """Every code string literal in src/bdg_indicators is listed in PROBLEM_CODES."""
    files = sorted(SOURCE.rglob("*.py"))
    assert files
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    helpers = set().union(*(problem_helpers(tree) for tree in trees.values()))
    used: dict[str, set[str]] = {}
    for path in files:
        for code in codes_used(path.read_text(encoding="utf-8"), helpers):
            used.setdefault(code, set()).add(path.name)
    assert len(used) > 20, "the collector found suspiciously few codes"
    unknown = {code: sorted(where) for code, where in used.items() if code not in PROBLEM_CODES}
    assert unknown == {}


def test_code_literals_found_by_grep_are_catalogued() -> None:
    """A plain textual search for ``code="..."`` agrees: every such keyword is catalogued."""
    pattern = re.compile(r"""\bcode=["']([^"']+)["']""")
    found = {
        match
        for path in SOURCE.rglob("*.py")
        for match in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert found
    assert found - set(PROBLEM_CODES) == set()
