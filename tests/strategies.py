"""Shared Hypothesis strategies for the bdg_indicators tests.

Each strategy builds its expected results independently of the code under test (periods carry
their own month arithmetic, formulas are generated as trees and rendered to text), so properties
compare the library against a second, simpler model rather than against itself.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

# ---------------------------------------------------------------- periods

MIN_YEAR = 1950
"""Years are kept well inside the accepted 1900..2200 so previous()/next() stay valid."""
MAX_YEAR = 2150


@dataclass(frozen=True)
class PeriodCase:
    """A period written in canonical form, with its months worked out by hand."""

    text: str
    kind: str
    first_month: int
    """First month as ``year * 12 + (month - 1)``."""
    last_month: int
    """Last month, inclusive, same counting."""

    @property
    def month_set(self) -> frozenset[int]:
        """Every month the period covers."""
        return frozenset(range(self.first_month, self.last_month + 1))


@st.composite
def period_cases(draw: st.DrawFn, kinds: tuple[str, ...] | None = None) -> PeriodCase:
    """A period of any kind (or of ``kinds``), as canonical text plus its months."""
    kind = draw(st.sampled_from(kinds or ("year", "half", "quarter", "month", "span", "term")))
    year = draw(st.integers(MIN_YEAR, MAX_YEAR))
    base = year * 12
    if kind == "year":
        return PeriodCase(f"{year}", kind, base, base + 11)
    if kind == "half":
        half = draw(st.integers(1, 2))
        first = base + (half - 1) * 6
        return PeriodCase(f"{year}-S{half}", kind, first, first + 5)
    if kind == "quarter":
        quarter = draw(st.integers(1, 4))
        first = base + (quarter - 1) * 3
        return PeriodCase(f"{year}-Q{quarter}", kind, first, first + 2)
    if kind == "month":
        month = draw(st.integers(1, 12))
        return PeriodCase(f"{year}-{month:02d}", kind, base + month - 1, base + month - 1)
    end = year + draw(st.integers(1, 10))
    prefix = "term:" if kind == "term" else ""
    return PeriodCase(f"{prefix}{year}/{end}", kind, base, end * 12 + 11)


def period_texts(kinds: tuple[str, ...] | None = None) -> st.SearchStrategy[str]:
    """Periods in canonical written form, e.g. ``2020-Q3``."""
    return period_cases(kinds).map(lambda case: case.text)


# ---------------------------------------------------------------- formulas

FORMULA_NAMES = ("a", "b", "pop_15_40", "literate", "x1", "_tmp", "women_leaders")
"""Names used in generated formulas: none is a keyword (and/or/not) or a function name."""

# A generated formula is a small tree of tuples:
#   ("num", Fraction, text)    ("ref", name)    ("neg", node)    ("bin", op, left, right)
Tree = tuple


def _numbers() -> st.SearchStrategy[Tree]:
    integers = st.integers(0, 10_000).map(lambda n: ("num", Fraction(n), str(n)))
    decimals = st.tuples(st.integers(0, 999), st.integers(0, 999)).map(
        lambda p: ("num", Fraction(f"{p[0]}.{p[1]}"), f"{p[0]}.{p[1]}")
    )
    percents = st.integers(0, 200).map(lambda n: ("num", Fraction(n, 100), f"{n}%"))
    return st.one_of(integers, decimals, percents)


def _leaves() -> st.SearchStrategy[Tree]:
    return st.one_of(_numbers(), st.sampled_from(FORMULA_NAMES).map(lambda n: ("ref", n)))


def formula_trees(max_depth: int = 5) -> st.SearchStrategy[Tree]:
    """Arithmetic formula trees (numbers, names, unary minus, + - * /), ``max_depth`` deep."""
    if max_depth <= 0:
        return _leaves()
    sub = st.deferred(lambda: formula_trees(max_depth - 1))
    return st.one_of(
        _leaves(),
        sub.map(lambda node: ("neg", node)),
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), sub, sub),
    )


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _precedence(node: Tree) -> int:
    if node[0] == "bin":
        return _PRECEDENCE[node[1]]
    if node[0] == "neg":
        return 3
    return 4


def render_formula(node: Tree, *, minimal: bool, spaced: bool = False) -> str:
    """Write a tree as formula text, fully parenthesised or with the fewest parentheses needed."""

    def wrap(child: Tree, needed: bool) -> str:
        text = render_formula(child, minimal=minimal, spaced=spaced)
        if needed or (not minimal and child[0] in ("bin", "neg")):
            return f"({text})"
        return text

    kind = node[0]
    if kind == "num":
        return node[2]
    if kind == "ref":
        return node[1]
    if kind == "neg":
        return "-" + wrap(node[1], _precedence(node[1]) < 3)
    _, op, left, right = node
    level = _PRECEDENCE[op]
    # operators are left-associative: a right operand of equal precedence needs parentheses
    left_text = wrap(left, _precedence(left) < level)
    right_text = wrap(right, _precedence(right) <= level)
    sep = " " if spaced else ""
    return f"{left_text}{sep}{op}{sep}{right_text}"


def tree_names(node: Tree) -> list[str]:
    """The names in a tree, left to right."""
    if node[0] == "ref":
        return [node[1]]
    if node[0] == "neg":
        return tree_names(node[1])
    if node[0] == "bin":
        return tree_names(node[2]) + tree_names(node[3])
    return []


# ---------------------------------------------------------------- units

UNITS_BY_DIMENSION: dict[str, tuple[str, ...]] = {
    "count": ("person", "người", "child", "trẻ em", "household", "birth", "death", "commune"),
    "money": ("dong", "đồng", "nghìn đồng", "triệu đồng", "tỷ đồng", "tỉ đồng"),
    "time": ("hour", "giờ", "minute", "day", "ngày"),
    "ratio": ("percent", "%", "per_1000", "per_100000", "times", "lần", "percentage_point"),
}
"""Unit spellings grouped by dimension (English names and Vietnamese spellings)."""


def same_dimension_units(count: int) -> st.SearchStrategy[tuple[str, ...]]:
    """``count`` unit spellings that all share one dimension."""
    return st.sampled_from(sorted(UNITS_BY_DIMENSION)).flatmap(
        lambda dim: st.tuples(*[st.sampled_from(UNITS_BY_DIMENSION[dim])] * count)
    )


def different_dimension_units() -> st.SearchStrategy[tuple[str, str]]:
    """Two unit spellings of different dimensions."""
    return st.lists(
        st.sampled_from(sorted(UNITS_BY_DIMENSION)), min_size=2, max_size=2, unique=True
    ).flatmap(
        lambda dims: st.tuples(
            st.sampled_from(UNITS_BY_DIMENSION[dims[0]]),
            st.sampled_from(UNITS_BY_DIMENSION[dims[1]]),
        )
    )


# ---------------------------------------------------------------- text and YAML values

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
"""Lowercase Vietnamese letters, precomposed (NFC)."""


def nfd(text: str) -> str:
    """Text in decomposed Unicode form."""
    return unicodedata.normalize("NFD", text)


def vietnamese_names() -> st.SearchStrategy[str]:
    """Short NFC Vietnamese names: words of Vietnamese letters separated by single spaces."""
    word = st.text(alphabet=VIETNAMESE_LETTERS, min_size=1, max_size=8)
    reserved = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
    return (
        st.lists(word, min_size=1, max_size=4)
        .map(" ".join)
        .filter(
            lambda name: name.lower() not in reserved  # plain YAML reads these as booleans or null
        )
    )


_YAML_KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)


def yaml_plain_values(max_leaves: int = 20) -> st.SearchStrategy[object]:
    """Plain data that a spec-like YAML file may hold: nested dicts, lists, text, ints, bools."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**12), 10**12),
        vietnamese_names(),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(_YAML_KEY, children, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def yaml_keys() -> st.SearchStrategy[str]:
    """Keys in the form spec files use (lowercase ASCII identifiers)."""
    return _YAML_KEY


def decimal_texts() -> st.SearchStrategy[str]:
    """Plain decimal numbers as written in spec files, trailing zeros included (``3.10``)."""
    return st.from_regex(r"-?(0|[1-9][0-9]{0,6})\.[0-9]{1,4}", fullmatch=True)


# ---------------------------------------------------------------- org units


@st.composite
def org_unit_forests(draw: st.DrawFn, max_size: int = 12) -> list[tuple[str, str | None]]:
    """(code, parent code) pairs forming a tree: unit ``U0`` is the root, every other unit's
    parent comes earlier in the list."""
    size = draw(st.integers(1, max_size))
    pairs: list[tuple[str, str | None]] = [("U0", None)]
    for index in range(1, size):
        parent = draw(st.integers(0, index - 1))
        pairs.append((f"U{index}", f"U{parent}"))
    return pairs
