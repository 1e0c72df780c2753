"""Tests for bdg_indicators.formulas: parsing, errors, safety and unit derivation."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bdg_indicators.errors import BdgError, FormulaError
from bdg_indicators.formulas import (
    MAX_LENGTH,
    BinaryOp,
    BoolOp,
    Call,
    Compare,
    Formula,
    Negate,
    Not,
    Number,
    Reference,
    derive_units,
    parse_formula,
)
from bdg_indicators.units import canonical_unit, registry
from strategies import FORMULA_NAMES, Tree, formula_trees, render_formula, tree_names


def shape(node: Any) -> Any:
    """The parsed tree without offsets, in the tuple form the strategies generate."""
    if isinstance(node, Number):
        return ("num", node.value)
    if isinstance(node, Reference):
        return ("ref", node.name) if not node.selector else ("ref", node.name, node.selector)
    if isinstance(node, Negate):
        return ("neg", shape(node.operand))
    if isinstance(node, BinaryOp):
        return ("bin", node.op, shape(node.left), shape(node.right))
    if isinstance(node, Compare):
        return ("cmp", node.op, shape(node.left), shape(node.right))
    if isinstance(node, BoolOp):
        return (node.op, *(shape(o) for o in node.operands))
    if isinstance(node, Not):
        return ("not", shape(node.operand))
    if isinstance(node, Call):
        kwargs = tuple((k, v if isinstance(v, str) else shape(v)) for k, v in node.kwargs)
        return ("call", node.function, tuple(shape(a) for a in node.args), kwargs)
    raise AssertionError(node)  # pragma: no cover


def generated_shape(node: Tree) -> Any:
    """A generated tree in the form ``shape`` gives (number texts dropped)."""
    if node[0] == "num":
        return ("num", node[1])
    if node[0] == "ref":
        return node
    if node[0] == "neg":
        return ("neg", generated_shape(node[1]))
    return ("bin", node[1], generated_shape(node[2]), generated_shape(node[3]))


def ref(name: str) -> tuple[str, str]:
    """A reference in ``shape`` form."""
    return ("ref", name)


def num(value: int | str) -> tuple[str, Fraction]:
    """A number in ``shape`` form."""
    return ("num", Fraction(value))


def error_of(text: str) -> tuple[str, int | None]:
    """The (code, column) of the single problem parsing ``text`` raises."""
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    (problem,) = info.value.problems
    return problem.code, problem.location.column


# ---------------------------------------------------------------- precedence and structure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * c", ("bin", "+", ref("a"), ("bin", "*", ref("b"), ref("c")))),
        ("a * b + c", ("bin", "+", ("bin", "*", ref("a"), ref("b")), ref("c"))),
        ("(a + b) * c", ("bin", "*", ("bin", "+", ref("a"), ref("b")), ref("c"))),
        ("a - b - c", ("bin", "-", ("bin", "-", ref("a"), ref("b")), ref("c"))),
        ("a - (b - c)", ("bin", "-", ref("a"), ("bin", "-", ref("b"), ref("c")))),
        ("a / b / c", ("bin", "/", ("bin", "/", ref("a"), ref("b")), ref("c"))),
        ("a / b * c", ("bin", "*", ("bin", "/", ref("a"), ref("b")), ref("c"))),
        ("-a * b", ("bin", "*", ("neg", ref("a")), ref("b"))),
        ("-(a * b)", ("neg", ("bin", "*", ref("a"), ref("b")))),
        ("a - -b", ("bin", "-", ref("a"), ("neg", ref("b")))),
        ("--a", ("neg", ("neg", ref("a")))),
        ("+a", ref("a")),
        ("((a))", ref("a")),
        ("-3", ("neg", num(3))),
    ],
)
def test_arithmetic_precedence(text: str, expected: Any) -> None:
    """* and / bind tighter than + and -, all are left-associative, unary minus binds tightest."""
    assert shape(parse_formula(text).root) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30%", Fraction(3, 10)),
        ("12.5%", Fraction(1, 8)),
        ("100%", Fraction(1)),
        ("0.1", Fraction(1, 10)),
        ("3.10", Fraction(31, 10)),
        ("0", Fraction(0)),
        ("1000000", Fraction(10**6)),
    ],
)
def test_numbers_are_exact(text: str, value: Fraction) -> None:
    """Numbers are exact Fractions and ``30%`` is 3/10."""
    root = parse_formula(text).root
    assert isinstance(root, Number)
    assert root.value == value
    assert type(root.value) is Fraction


def test_percent_applies_to_the_number_only() -> None:
    """``a * 30%`` multiplies by the number 3/10."""
    assert shape(parse_formula("a * 30%").root) == ("bin", "*", ref("a"), num("3/10"))


def test_selectors_are_sorted() -> None:
    """Breakdown selectors are kept as (breakdown, value) pairs sorted by breakdown name."""
    root = parse_formula("births[sex=female, area=rural]").root
    assert isinstance(root, Reference)
    assert root.name == "births"
    assert root.selector == (("area", "rural"), ("sex", "female"))


def test_selector_values_may_be_numbers() -> None:
    """A selector value may be a number, kept as written."""
    root = parse_formula("population[age_group=15]").root
    assert isinstance(root, Reference)
    assert root.selector == (("age_group", "15"),)


def test_selectors_in_arithmetic() -> None:
    """Selected references combine like any other reference."""
    formula = parse_formula("live_births[sex=male] / live_births[sex=female]")
    assert shape(formula.root) == (
        "bin",
        "/",
        ("ref", "live_births", (("sex", "male"),)),
        ("ref", "live_births", (("sex", "female"),)),
    )
    assert formula.names == frozenset({"live_births"})
    assert len(formula.references) == 2


def test_share_with_among_and_level() -> None:
    """``share`` takes a condition, ``among=`` a condition and ``level=`` a level name."""
    formula = parse_formula("share(female_leaders >= 1, among=women / staff >= 30%, level=agency)")
    root = formula.root
    assert isinstance(root, Call)
    assert root.function == "share"
    assert shape(root) == (
        "call",
        "share",
        (("cmp", ">=", ref("female_leaders"), num(1)),),
        (
            ("among", ("cmp", ">=", ("bin", "/", ref("women"), ref("staff")), num("3/10"))),
            ("level", "agency"),
        ),
    )
    assert [r.name for r in formula.references] == ["female_leaders", "women", "staff"]
    assert not formula.is_condition


def test_share_without_among() -> None:
    """``among=`` is optional; ``level`` is not a reference."""
    formula = parse_formula("share(x >= 1, level=commune)")
    assert formula.names == frozenset({"x"})


@pytest.mark.parametrize("function", ["min", "max"])
def test_min_and_max(function: str) -> None:
    """``min``/``max`` take two or more numbers."""
    formula = parse_formula(f"{function}(a, b / 2, 100%)")
    assert shape(formula.root) == (
        "call",
        function,
        (ref("a"), ("bin", "/", ref("b"), num(2)), num(1)),
        (),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a >= 1", ("cmp", ">=", ref("a"), num(1))),
        ("a < b + 1", ("cmp", "<", ref("a"), ("bin", "+", ref("b"), num(1)))),
        (
            "a > 1 and b < 2 or c == 3",
            (
                "or",
                ("and", ("cmp", ">", ref("a"), num(1)), ("cmp", "<", ref("b"), num(2))),
                ("cmp", "==", ref("c"), num(3)),
            ),
        ),
        (
            "not a > 1 and b != 2",
            ("and", ("not", ("cmp", ">", ref("a"), num(1))), ("cmp", "!=", ref("b"), num(2))),
        ),
        (
            "a > 1 and b > 1 and c > 1",
            (
                "and",
                ("cmp", ">", ref("a"), num(1)),
                ("cmp", ">", ref("b"), num(1)),
                ("cmp", ">", ref("c"), num(1)),
            ),
        ),
    ],
)
def test_conditions(text: str, expected: Any) -> None:
    """Comparisons bind tighter than ``not``, which binds tighter than ``and``, then ``or``."""
    formula = parse_formula(text)
    assert shape(formula.root) == expected
    assert formula.is_condition


def test_formula_keeps_its_text_and_offsets() -> None:
    """``str(formula)`` is the text as written and nodes remember 0-based offsets."""
    text = "  pop_15_40 /  literate"
    formula = parse_formula(text)
    assert str(formula) == text
    assert isinstance(formula, Formula)
    assert [r.offset for r in formula.references] == [2, 15]


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("a +", "formula-syntax", 4),
        ("a +* b", "formula-syntax", 4),
        ("a b", "formula-syntax", 3),
        ("a $ b", "formula-syntax", 3),
        ("(a + b", "formula-syntax", 7),
        ("a + b)", "formula-syntax", 6),
        ("a.b", "formula-syntax", 2),
        (".5", "formula-syntax", 1),
        ("a[sex]", "formula-syntax", 6),
        ("a[sex=female", "formula-syntax", 13),
        ("a[sex=male, sex=female]", "formula-syntax", 13),
        ("a and", "formula-syntax", 6),
        ("and", "formula-syntax", 1),
        ("share(x >= 1, level=3)", "formula-syntax", 21),
        ("min(a=1, b)", "formula-syntax", 10),
        ("share(x >= 1, level=a, level=b)", "formula-syntax", 24),
        ("dân_số", "formula-syntax", 2),
        ("", "formula-syntax", 1),
        ("   ", "formula-syntax", 1),
    ],
)
def test_syntax_errors_have_code_and_column(text: str, code: str, column: int) -> None:
    """Malformed formulas raise FormulaError with a code and the 1-based column of the problem."""
    assert error_of(text) == (code, column)


@pytest.mark.parametrize(
    ("text", "column"),
    [("foo(a)", 1), ("a + eval(b)", 5), ("  exec(a)", 3), ("__import__(os)", 1), ("open(f)", 1)],
)
def test_unknown_functions(text: str, column: int) -> None:
    """Calling anything but min, max and share is formula-unknown-function at the name."""
    assert error_of(text) == ("formula-unknown-function", column)


def test_unknown_function_hint_lists_allowed_functions() -> None:
    """The hint says which functions may be called."""
    with pytest.raises(FormulaError) as info:
        parse_formula("sum(a, b)")
    hint = info.value.problems[0].hint
    assert hint is not None
    assert all(f"`{name}`" in hint for name in ("min", "max", "share"))


def test_python_code_is_never_executed(tmp_path: Path) -> None:
    """Python-looking formulas are refused by the parser and nothing they name is executed."""
    sentinel = tmp_path / "sentinel"
    attempts = [
        f"__import__('os').system('touch {sentinel}')",
        f'__import__("os").system("touch {sentinel}")',
        f"exec(__import__('os').system('touch {sentinel}'))",
        f"open('{sentinel}', 'w')",
        f"[open('{sentinel}', 'w') for x in y]",
    ]
    for text in attempts:
        with pytest.raises(FormulaError) as info:
            parse_formula(text)
        assert info.value.problems[0].code in {"formula-syntax", "formula-unknown-function"}
    assert not sentinel.exists()


def test_quoted_text_is_a_syntax_error_at_the_quote() -> None:
    """Quotes are not part of the language: the tokenizer stops at the first quote."""
    with pytest.raises(FormulaError) as info:
        parse_formula("__import__('os').system('x')")
    (problem,) = info.value.problems
    assert (problem.code, problem.location.column) == ("formula-syntax", 12)
    assert problem.hint is not None
    assert "quotes" in problem.hint


@pytest.mark.parametrize(
    "text",
    [
        "min(a)",
        "max()",
        "min(a, among=b > 1)",
        "share(a >= 1)",
        "share(level=commune)",
        "share(a >= 1, b >= 1, level=commune)",
        "share(a >= 1, level=commune, where=b > 1)",
    ],
)
def test_wrong_arguments(text: str) -> None:
    """Wrong argument counts or names raise formula-arguments at the function name."""
    assert error_of(text) == ("formula-arguments", 1)


@pytest.mark.parametrize(
    ("text", "column"),
    [("a < b < c", 7), ("a == b != c", 8), ("1 <= x <= 2", 8)],
)
def test_chained_comparisons_are_refused(text: str, column: int) -> None:
    """``a < b < c`` is refused at the second operator, with a hint to use ``and``."""
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    (problem,) = info.value.problems
    assert (problem.code, problem.location.column) == ("formula-syntax", column)
    assert problem.hint is not None
    assert "and" in problem.hint


def test_thousand_nested_parentheses_are_too_complex() -> None:
    """1000 nested parentheses raise formula-too-complex, not RecursionError."""
    assert error_of("(" * 1000 + "a" + ")" * 1000)[0] == "formula-too-complex"


@pytest.mark.parametrize(
    "text",
    [
        "(" * 300 + "a" + ")" * 300,
        "-" * 1000 + "a",
        "not " * 200 + "a > 1",
        "min(" * 100 + "a" + ", a)" * 100,
        "a" + " + a" * (MAX_LENGTH // 4),
    ],
)
def test_deep_or_long_formulas_are_too_complex(text: str) -> None:
    """Deep nesting of any kind and over-long formulas raise formula-too-complex."""
    assert error_of(text)[0] == "formula-too-complex"


def test_reasonable_nesting_is_accepted() -> None:
    """Ten levels of parentheses, deeper than any real indicator formula, parse."""
    formula = parse_formula("(" * 10 + "a" + " + b)" * 10)
    assert formula.names == frozenset({"a", "b"})


def test_long_flat_formula_within_limit_is_accepted() -> None:
    """A long but flat sum under the length limit parses without recursion trouble."""
    text = " + ".join(["a"] * 400)
    assert len(text) < MAX_LENGTH
    assert len(parse_formula(text).references) == 400


def test_formula_error_is_a_value_error() -> None:
    """FormulaError is a BdgError and a ValueError."""
    with pytest.raises(FormulaError) as info:
        parse_formula("a +")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, BdgError)


# ---------------------------------------------------------------- generated formulas


@settings(max_examples=300)
@given(formula_trees(), st.booleans(), st.booleans())
def test_generated_formulas_round_trip(tree: Tree, minimal: bool, spaced: bool) -> None:
    """Any well-formed arithmetic formula parses back to the tree it was written from."""
    text = render_formula(tree, minimal=minimal, spaced=spaced)
    formula = parse_formula(text)
    assert shape(formula.root) == generated_shape(tree)
    assert str(formula) == text
    assert not formula.is_condition


@given(formula_trees(), st.booleans())
def test_references_list_exactly_the_names_used(tree: Tree, minimal: bool) -> None:
    """``references`` lists every name used, left to right, and ``names`` is their set."""
    formula = parse_formula(render_formula(tree, minimal=minimal))
    assert [r.name for r in formula.references] == tree_names(tree)
    assert formula.names == frozenset(tree_names(tree))
    assert formula.names <= frozenset(FORMULA_NAMES)


@given(formula_trees(max_depth=3), formula_trees(max_depth=3))
def test_generated_conditions_in_share(condition: Tree, among: Tree) -> None:
    """Generated expressions work as operands of comparisons inside ``share``."""
    left = render_formula(condition, minimal=True)
    right = render_formula(among, minimal=True)
    formula = parse_formula(f"share({left} >= 1, among={right} < 30%, level=commune)")
    assert [r.name for r in formula.references] == tree_names(condition) + tree_names(among)


# ---------------------------------------------------------------- units


UNITS = {
    "literate": "person",
    "population": "person",
    "children": "child",
    "deaths": "death",
    "births": "birth",
    "budget": "tỷ đồng",
    "spending": "triệu đồng",
    "hours": "hour",
    "leaders": "person",
}


def unit_of(reference: Reference) -> Any:
    """Units of the fake data items above, from the library's registry."""
    if reference.name not in UNITS:
        raise FormulaError("unknown name")
    return registry().parse_units(canonical_unit(UNITS[reference.name]))


def units(text: str) -> Any:
    """The derived units of a formula."""
    return derive_units(parse_formula(text), unit_of, registry().dimensionless)


def dimensions(text: str) -> dict[str, int]:
    """The dimensionality of a formula's derived units."""
    return {str(k): int(v) for k, v in units(text).dimensionality.items()}


@pytest.mark.parametrize(
    "text",
    [
        "literate / population",
        "children / population * 100",
        "deaths / births",
        "budget / spending",
        "1 - literate / population",
        "min(literate / population, 95%)",
        "share(leaders / population >= 30%, among=literate / population < 1, level=agency)",
    ],
)
def test_ratios_of_same_dimension_are_dimensionless(text: str) -> None:
    """Counts over counts (or money over money) are pure numbers."""
    assert dimensions(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("literate", {"[count]": 1}),
        ("literate + population", {"[count]": 1}),
        ("budget - spending", {"[currency]": 1}),
        ("budget / population", {"[currency]": 1, "[count]": -1}),
        ("-hours * 2", {"[time]": 1}),
        ("max(budget, spending)", {"[currency]": 1}),
    ],
)
def test_derived_dimensions(text: str, expected: dict[str, int]) -> None:
    """Sums keep their dimension, products and quotients combine them."""
    assert dimensions(text) == expected


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("literate + budget", 10),
        ("population - hours", 12),
        ("literate / population + budget", 23),
        ("min(literate, budget)", 1),
        ("share(budget >= literate, level=commune)", 14),
        ("share(leaders / population > 1, among=budget < hours, level=commune)", 46),
    ],
)
def test_dimension_mismatch_in_sums(text: str, column: int) -> None:
    """Adding, comparing or taking min of different dimensions is unit-mismatch at the operator."""
    with pytest.raises(FormulaError) as info:
        units(text)
    (problem,) = info.value.problems
    assert (problem.code, problem.location.column) == ("unit-mismatch", column)


def test_mismatch_message_names_both_units() -> None:
    """The unit-mismatch message names the units on both sides."""
    with pytest.raises(FormulaError) as info:
        units("literate + budget")
    message = info.value.problems[0].message
    assert "person" in message
    assert "ty_dong" in message


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("share(leaders, level=commune)", 7),
        ("share(leaders / population >= 1, among=population, level=commune)", 40),
        ("leaders and population > 1", 1),
        ("share(not leaders, level=commune)", 11),
        ("(leaders > 1) + 1", 10),
        ("min(leaders > 1, 2)", 13),
        ("leaders >= 1", 9),
    ],
)
def test_number_or_condition_in_wrong_place_is_formula_type(text: str, column: int) -> None:
    """A number where a condition is expected (or the reverse) raises formula-type."""
    with pytest.raises(FormulaError) as info:
        units(text)
    (problem,) = info.value.problems
    assert (problem.code, problem.location.column) == ("formula-type", column)


def test_unknown_names_come_from_unit_of() -> None:
    """derive_units lets the caller's unit_of report unknown names."""
    with pytest.raises(FormulaError, match="unknown name"):
        units("literate / nobody")
