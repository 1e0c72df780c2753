"""Formulas: a small, safe expression language for indicators, parsed once into a tree.

Grammar (nothing is ever passed to ``eval``; the parser below is the only reader):

    formula    := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | atom
    atom       := NUMBER ["%"] | NAME [selector] | NAME "(" arguments ")" | "(" formula ")"
    selector   := "[" NAME "=" VALUE ("," NAME "=" VALUE)* "]"
    arguments  := argument ("," argument)*     argument := formula | NAME "=" formula

Functions: ``min(a, b, ...)``, ``max(a, b, ...)``,
``share(condition, among=condition, level=NAME)``: the share of org units (at ``level``, under the
org unit being evaluated) meeting ``condition``, among those meeting ``among``, and
``achieved("TARGET")``: yes where the target's verdict at the org unit and period is achieved, no
where it was judged otherwise, no value where it has none (a yes/no condition, usable in
``share``: "tỷ lệ xã đạt chuẩn xã phù hợp với trẻ em" is ``share(achieved("1.1"), level=commune)``).

Examples:

    literate_15_40 / population_15_40
    live_births[sex=male] / live_births[sex=female]
    share(female_key_leaders >= 1, among=female_staff / staff >= 30%, level=agency)
    share(achieved("1.1"), level=commune)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import attrs

from .errors import FormulaError, Location, Problem

__all__ = [
    "BinaryOp",
    "BoolOp",
    "Call",
    "Compare",
    "Formula",
    "Negate",
    "Node",
    "Not",
    "Number",
    "Reference",
    "achieved_name",
    "achieved_target",
    "applies_name",
    "applies_target",
    "parse_formula",
]

MAX_LENGTH = 2000
"""Longest formula accepted, in characters."""
MAX_DEPTH = 40
"""Deepest nesting of parentheses and operators accepted."""
FUNCTIONS = ("min", "max", "share", "achieved")
"""The functions a formula may call."""
_ACHIEVED, _APPLIES = "achieved(", "applies("


def _series_name(prefix: str, target: str) -> str:
    return f'{prefix}"{target}")'


def _series_target(prefix: str, name: str) -> str | None:
    if name.startswith(prefix) and name.endswith('")'):
        return name[len(prefix) + 1 : -2]
    return None


def achieved_name(target: str) -> str:
    """The name under which ``achieved("target")`` is referred to: a yes/no series computed from
    the target's verdicts (no data item can have this name)."""
    return _series_name(_ACHIEVED, target)


def achieved_target(name: str) -> str | None:
    """The target of an ``achieved(...)`` reference name, or ``None`` for other names."""
    return _series_target(_ACHIEVED, name)


def applies_name(target: str) -> str:
    """The yes/no series of whether a target applies at an org unit and period (its verdict is
    anything but not applicable): ``share(achieved("1.1"), ...)`` counts among those only."""
    return _series_name(_APPLIES, target)


def applies_target(name: str) -> str | None:
    """The target of an ``applies(...)`` series name, or ``None`` for other names."""
    return _series_target(_APPLIES, name)


def _among_applicable(args: tuple[Node, ...], kwargs: tuple[tuple[str, Node | str], ...]) -> Any:
    """A share counting ``achieved(T)`` counts among the members T applies to: ``among`` gets
    ``applies(T)`` (and the ``among`` written, if any)."""
    targets = sorted(
        {t for ref in _walk_references(args[0]) if (t := achieved_target(ref.name)) is not None}
    )
    if not targets:
        return kwargs
    offset = _offset(args[0])
    applies: list[Node] = [Reference(name=applies_name(t), offset=offset) for t in targets]
    written = dict(kwargs)
    among = written.get("among")
    if isinstance(among, str):  # pragma: no cover - `among` is always a formula
        among = None
    operands = (*applies, *((among,) if among is not None else ()))
    written["among"] = (
        operands[0] if len(operands) == 1 else BoolOp(op="and", operands=operands, offset=offset)
    )
    return tuple(written.items())


@attrs.frozen(kw_only=True)
class Number:
    """A number in a formula (``30%`` is kept as 3/10)."""

    value: Fraction
    offset: int


@attrs.frozen(kw_only=True)
class Reference:
    """A data item or indicator, optionally restricted to breakdown values."""

    name: str
    selector: tuple[tuple[str, str], ...] = ()
    """Sorted (breakdown, value) pairs, e.g. ``(("sex", "male"),)``."""
    offset: int


@attrs.frozen(kw_only=True)
class Negate:
    """Unary minus."""

    operand: Node
    offset: int


@attrs.frozen(kw_only=True)
class BinaryOp:
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Node
    right: Node
    offset: int


@attrs.frozen(kw_only=True)
class Compare:
    """A comparison, giving a condition."""

    op: str
    left: Node
    right: Node
    offset: int


@attrs.frozen(kw_only=True)
class BoolOp:
    """``and`` / ``or`` of conditions."""

    op: str
    operands: tuple[Node, ...]
    offset: int


@attrs.frozen(kw_only=True)
class Not:
    """``not`` of a condition."""

    operand: Node
    offset: int


@attrs.frozen(kw_only=True)
class Call:
    """A call of ``min``, ``max`` or ``share``."""

    function: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node | str], ...]
    offset: int


Node = Number | Reference | Negate | BinaryOp | Compare | BoolOp | Not | Call


@attrs.frozen(kw_only=True)
class Formula:
    """A parsed formula."""

    text: str
    """The formula as written."""
    root: Node
    """The parsed expression tree."""

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every data item or indicator reference, in order of appearance."""
        return tuple(_walk_references(self.root))

    @property
    def names(self) -> frozenset[str]:
        """The names of the data items and indicators the formula uses."""
        return frozenset(ref.name for ref in self.references)

    @property
    def is_condition(self) -> bool:
        """Whether the formula gives a yes/no condition rather than a number."""
        return _is_condition(self.root)

    def __str__(self) -> str:
        return self.text


def _walk_references(node: Node | str) -> Iterator[Reference]:
    if isinstance(node, Reference):
        yield node
    elif isinstance(node, Negate | Not):
        yield from _walk_references(node.operand)
    elif isinstance(node, BinaryOp | Compare):
        yield from _walk_references(node.left)
        yield from _walk_references(node.right)
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            yield from _walk_references(operand)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _walk_references(arg)
        for _, value in node.kwargs:
            yield from _walk_references(value)


def _is_condition(node: Node) -> bool:
    return isinstance(node, Compare | BoolOp | Not)


# ---------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<value>\d+[A-Za-z_][A-Za-z0-9_]*)|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<text>\"[^\"\n]*\")"
    r"|(?P<op><=|>=|==|!=|[-+*/()<>\[\],=%])"
)


@attrs.frozen
class _Token:
    kind: str
    text: str
    offset: int


def _syntax(message: str, offset: int, hint: str | None = None) -> FormulaError:
    return FormulaError(
        [
            Problem(
                code="formula-syntax",
                message=message,
                hint=hint,
                location=Location(column=offset + 1),
            )
        ]
    )


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            hint = None
            if char == ",":  # pragma: no cover - ',' is an operator token
                hint = None
            if char in "'\"":
                hint = 'text in quotes is only the target of `achieved("1.1")`, in double quotes'

            elif char == ".":
                hint = "numbers are written like 0.5"
            raise _syntax(f"unexpected character `{char}`", pos, hint)
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(_Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------- parser

_KEYWORDS = frozenset({"and", "or", "not"})


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.pos]

    def accept(self, *texts: str) -> _Token | None:
        token = self.token
        if token.kind in ("op", "name") and token.text in texts:
            self.pos += 1
            return token
        return None

    def expect(self, text: str) -> _Token:
        token = self.accept(text)
        if token is None:
            found = self.token.text or "the end of the formula"
            raise _syntax(f"expected `{text}` but found `{found}`", self.token.offset)
        return token

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                [
                    Problem(
                        code="formula-too-complex",
                        message=f"the formula nests more than {MAX_DEPTH} levels",
                        location=Location(column=self.token.offset + 1),
                    )
                ]
            )

    def parse(self) -> Node:
        node = self.or_()
        if self.token.kind != "end":
            raise _syntax(
                f"unexpected `{self.token.text}`",
                self.token.offset,
                "an operator (+ - * /) may be missing",
            )
        return node

    def or_(self) -> Node:
        self.enter()
        first = self.and_()
        operands = [first]
        while self.accept("or"):
            operands.append(self.and_())
        self.depth -= 1
        if len(operands) == 1:
            return first
        return BoolOp(op="or", operands=tuple(operands), offset=_offset(first))

    def and_(self) -> Node:
        first = self.not_()
        operands = [first]
        while self.accept("and"):
            operands.append(self.not_())
        if len(operands) == 1:
            return first
        return BoolOp(op="and", operands=tuple(operands), offset=_offset(first))

    def not_(self) -> Node:
        token = self.accept("not")
        if token is not None:
            self.enter()
            operand = self.not_()
            self.depth -= 1
            return Not(operand=operand, offset=token.offset)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        token = self.accept("<", "<=", ">", ">=", "==", "!=")
        if token is None:
            return left
        right = self.sum()
        if self.token.text in ("<", "<=", ">", ">=", "==", "!="):
            raise _syntax(
                "comparisons cannot be chained",
                self.token.offset,
                "join two comparisons with `and`",
            )
        return Compare(op=token.text, left=left, right=right, offset=token.offset)

    def sum(self) -> Node:
        node = self.product()
        while (token := self.accept("+", "-")) is not None:
            node = BinaryOp(op=token.text, left=node, right=self.product(), offset=token.offset)
        return node

    def product(self) -> Node:
        node = self.unary()
        while (token := self.accept("*", "/")) is not None:
            node = BinaryOp(op=token.text, left=node, right=self.unary(), offset=token.offset)
        return node

    def unary(self) -> Node:
        token = self.accept("-", "+")
        if token is None:
            return self.atom()
        self.enter()
        operand = self.unary()
        self.depth -= 1
        return Negate(operand=operand, offset=token.offset) if token.text == "-" else operand

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.pos += 1
            value = Fraction(token.text)
            if self.accept("%"):
                value /= 100
            return Number(value=value, offset=token.offset)
        if token.kind == "name" and token.text not in _KEYWORDS:
            self.pos += 1
            if self.token.text == "(":
                return self.call(token)
            if self.token.text == "[":
                return Reference(name=token.text, selector=self.selector(), offset=token.offset)
            if self.token.text == ".":  # pragma: no cover - '.' is not a token
                raise _syntax("attribute access is not allowed", self.token.offset)
            return Reference(name=token.text, offset=token.offset)
        if self.accept("("):
            node = self.or_()  # or_() counts the nesting level
            self.expect(")")
            return node
        found = token.text or "the end of the formula"
        raise _syntax(f"expected a number, a name or `(` but found `{found}`", token.offset)

    def selector(self) -> tuple[tuple[str, str], ...]:
        self.expect("[")
        pairs: dict[str, str] = {}
        while True:
            key = self.token
            if key.kind != "name":
                raise _syntax("expected a breakdown name, as in `[sex=female]`", key.offset)
            self.pos += 1
            self.expect("=")
            value = self.token
            if value.kind not in ("name", "number", "value"):
                raise _syntax("expected a breakdown value, as in `[sex=female]`", value.offset)
            self.pos += 1
            if key.text in pairs:
                raise _syntax(f"breakdown `{key.text}` is selected twice", key.offset)
            pairs[key.text] = value.text
            if not self.accept(","):
                break
        self.expect("]")
        return tuple(sorted(pairs.items()))

    def achieved(self, name: _Token) -> Node:
        """``achieved("TARGET")``: a reference to the target's verdicts."""
        self.expect("(")
        target = self.token
        if target.kind != "text" or len(target.text) < 3:
            raise _syntax(
                '`achieved` takes a target id in double quotes: `achieved("1.1")`', target.offset
            )
        self.pos += 1
        self.expect(")")
        return Reference(name=achieved_name(target.text[1:-1]), offset=name.offset)

    def call(self, name: _Token) -> Node:
        if name.text == "achieved":
            return self.achieved(name)
        if name.text not in FUNCTIONS:
            raise FormulaError(
                [
                    Problem(
                        code="formula-unknown-function",
                        message=f"unknown function `{name.text}`",
                        hint="formulas may call only " + ", ".join(f"`{f}`" for f in FUNCTIONS),
                        location=Location(column=name.offset + 1),
                    )
                ]
            )
        self.expect("(")
        self.enter()
        args: list[Node] = []
        kwargs: dict[str, Node | str] = {}
        if not self.accept(")"):
            while True:
                token = self.token
                if token.kind == "name" and self.tokens[self.pos + 1].text == "=":
                    self.pos += 2
                    if token.text in kwargs:
                        raise _syntax(f"argument `{token.text}` given twice", token.offset)
                    if token.text == "level":
                        level = self.token
                        if level.kind != "name":
                            raise _syntax("`level=` takes an org-unit level name", level.offset)
                        self.pos += 1
                        kwargs[token.text] = level.text
                    else:
                        kwargs[token.text] = self.or_()
                elif kwargs:
                    raise _syntax("a positional argument follows a named one", token.offset)
                else:
                    args.append(self.or_())
                if not self.accept(","):
                    break
            self.expect(")")
        self.depth -= 1
        return _check_call(name, tuple(args), tuple(kwargs.items()))


def _check_call(
    name: _Token, args: tuple[Node, ...], kwargs: tuple[tuple[str, Node | str], ...]
) -> Call:
    def fail(message: str) -> FormulaError:
        return FormulaError(
            [
                Problem(
                    code="formula-arguments",
                    message=message,
                    location=Location(column=name.offset + 1),
                )
            ]
        )

    keys = {k for k, _ in kwargs}
    if name.text in ("min", "max"):
        if len(args) < 2 or kwargs:
            raise fail(f"`{name.text}` takes two or more numbers")
    elif name.text == "share" and (
        len(args) != 1 or not keys <= {"among", "level"} or "level" not in keys
    ):
        raise fail(
            "`share` takes a condition, `level=` and optionally `among=`, as in "
            "`share(x >= 1, among=y > 0, level=commune)`"
        )
    if name.text == "share":
        kwargs = _among_applicable(args, kwargs)
    return Call(function=name.text, args=args, kwargs=kwargs, offset=name.offset)


def _offset(node: Node) -> int:
    if isinstance(node, BinaryOp | Compare):
        return _offset(node.left)
    return node.offset


def parse_formula(text: str) -> Formula:
    """Parse a formula. Raises [`FormulaError`][bdg_indicators.FormulaError] with the column of
    the problem (counted from 1 within the formula)."""
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            [
                Problem(
                    code="formula-too-complex",
                    message=f"the formula is longer than {MAX_LENGTH} characters",
                )
            ]
        )
    if not text.strip():
        raise _syntax("the formula is empty", 0)
    return Formula(text=text, root=_Parser(text).parse())


# ---------------------------------------------------------------- units

UnitOf = Callable[[Reference], Any]
"""Gives the pint units of a reference (raises ``FormulaError`` for unknown names)."""


def derive_units(
    formula: Formula,
    unit_of: UnitOf,
    dimensionless: Any,
    *,
    booleans: frozenset[str] = frozenset(),
    condition: bool = False,
) -> Any:
    """The pint units of a numeric formula, checking that sums and comparisons are dimensionally
    consistent. Raises [`FormulaError`][bdg_indicators.FormulaError] (code ``unit-mismatch`` or
    ``formula-type``) at the offending operator.

    ``booleans`` names yes/no data items, which count as conditions; with ``condition=True`` the
    formula must itself be a condition (for yes/no indicators)."""
    checker = _UnitChecker(unit_of=unit_of, one=dimensionless, booleans=booleans)
    return checker.units(formula.root, want_condition=condition)


def _mismatch(node: Node, left: Any, right: Any, what: str) -> FormulaError:
    return FormulaError(
        [
            Problem(
                code="unit-mismatch",
                message=f"{what} `{_pretty(left)}` and `{_pretty(right)}`, "
                "which have different dimensions",
                location=Location(column=node.offset + 1),
            )
        ]
    )


def _pretty(units: Any) -> str:
    text = str(units)
    return text if text else "dimensionless"


def _type_error(node: Node, message: str) -> FormulaError:
    return FormulaError(
        [Problem(code="formula-type", message=message, location=Location(column=node.offset + 1))]
    )


def _is_literal(node: Node | str) -> bool:
    """A bare number (``1``, ``-2``, ``30%``): in sums, comparisons, ``min`` and ``max`` it takes
    the unit of the other side, so ``leaders >= 1`` compares a count with one of its kind."""
    if isinstance(node, Negate):
        return _is_literal(node.operand)
    return isinstance(node, Number)


@attrs.frozen
class _UnitChecker:
    unit_of: UnitOf
    one: Any
    booleans: frozenset[str]

    def units(self, node: Node | str, *, want_condition: bool) -> Any:
        unit_of, one = self.unit_of, self.one
        assert not isinstance(node, str)
        boolean = isinstance(node, Reference) and node.name in self.booleans
        if want_condition and not (_is_condition(node) or boolean):
            raise _type_error(
                node,
                "a condition (a comparison such as `x >= 1`, or a yes/no data "
                "item) is expected here",
            )
        if not want_condition and (_is_condition(node) or boolean):
            raise _type_error(node, "a number is expected here, not a condition")
        if boolean:
            return None
        if isinstance(node, Number):
            return one
        if isinstance(node, Reference):
            return unit_of(node)
        if isinstance(node, Negate):
            return self.units(node.operand, want_condition=False)
        if isinstance(node, BinaryOp):
            left = self.units(node.left, want_condition=False)
            right = self.units(node.right, want_condition=False)
            if node.op == "*":
                return left * right
            if node.op == "/":
                return left / right
            if _is_literal(node.left):  # a bare number takes the unit of what it is added to
                return right
            if _is_literal(node.right):
                return left
            if left.dimensionality != right.dimensionality:
                raise _mismatch(node, left, right, "adds or subtracts")
            return left
        if isinstance(node, Compare):
            left = self.units(node.left, want_condition=False)
            right = self.units(node.right, want_condition=False)
            literal = _is_literal(node.left) or _is_literal(node.right)
            if not literal and left.dimensionality != right.dimensionality:
                raise _mismatch(node, left, right, "compares")
            return None
        if isinstance(node, BoolOp):
            for operand in node.operands:
                self.units(operand, want_condition=True)
            return None
        if isinstance(node, Not):
            self.units(node.operand, want_condition=True)
            return None
        assert isinstance(node, Call)
        if node.function in ("min", "max"):
            units = [
                self.units(a, want_condition=False) for a in node.args if not _is_literal(a)
            ] or [one]
            for other in units[1:]:
                if other.dimensionality != units[0].dimensionality:
                    raise _mismatch(node, units[0], other, f"`{node.function}` mixes")
            return units[0]
        # share
        self.units(node.args[0], want_condition=True)
        for key, value in node.kwargs:
            if key == "among":
                self.units(value, want_condition=True)
        return one
