"""The formulas of the XLSX report: a series as a ``SUMIFS`` over the inputs sheet, an
indicator's plan tree as an Excel expression, and a verdict as an ``IF`` over the comparison
with the milestone.

Each translation carries the exact value it must give (a [`Fraction`][fractions.Fraction],
computed here from the engine's own inputs), and says whether Excel computes it exactly (an
integer, below 2**53). Every ``SUMIFS`` is checked against the rows it will match, as a
spreadsheet matches them (text compared case-insensitively), before it is written; whatever
cannot be written exactly is left to the caller to write as a plain number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from bdg_indicators.engine.plan import Node, Num, Op, ShareOf, Slot
from bdg_indicators.rules.change import change_mask
from bdg_indicators.rules.comparisons import ABOVE, BELOW, EQUAL, bounds
from bdg_indicators.rules.progress import LINEAR
from bdg_indicators.rules.statuses import Status
from bdg_indicators.spec import Better, Change, ComparisonOp, Direction

__all__ = [
    "EXACT_LIMIT",
    "Cell",
    "Criteria",
    "Explained",
    "Expression",
    "Figures",
    "InputColumns",
    "Tally",
    "compare_float",
    "compare_text",
    "decimal_literal",
    "explain_rows",
    "figures",
    "scale_text",
    "series_sum",
    "slot_sums",
    "translate",
    "verdict_tests",
]

EXACT_LIMIT = 2**53
"""Integers up to this size are exact in a spreadsheet's floating point."""
MAX_FORMULA = 8000
"""Longest formula written (Excel's limit is 8192 characters)."""
OPERATORS = {
    EQUAL | ABOVE: ">=",
    ABOVE: ">",
    BELOW | EQUAL: "<=",
    BELOW: "<",
    EQUAL: "=",
    BELOW | ABOVE: "<>",
}
"""The Excel operator of each sign mask of
[`rules.comparisons`][bdg_indicators.rules.comparisons]."""
_FORMULA_MASKS = {
    "<": BELOW,
    "<=": BELOW | EQUAL,
    ">": ABOVE,
    ">=": EQUAL | ABOVE,
    "==": EQUAL,
    "!=": BELOW | ABOVE,
}


@attrs.frozen(kw_only=True)
class Expression:
    """An Excel expression and the exact value it stands for."""

    text: str
    value: Fraction | bool
    integral: bool
    """Whether a spreadsheet computes it exactly: integers (and yes/no) all the way."""


@attrs.frozen(kw_only=True)
class InputColumns:
    """Where the inputs sheet keeps each column, and its rows (as text, for matching)."""

    sheet: str
    first: int
    """The first data row (1-based, as in A1 references)."""
    last: int
    columns: Mapping[str, str]
    """Column letter of ``data_item``, ``org_unit``, ``period``, each breakdown and ``value``."""
    rows: Sequence[Mapping[str, Any]]
    """The inputs, with the criteria columns as written and ``value`` exact."""

    def range(self, column: str) -> str:
        """The absolute range of a column, sheet included."""
        letter = self.columns[column]
        name = self.sheet.replace("'", "''")
        return f"'{name}'!${letter}${self.first}:${letter}${max(self.last, self.first)}"


Criteria = tuple[tuple[str, str], ...]
"""(column, text) pairs a ``SUMIFS`` matches, the org unit and period apart."""


def _criterion(text: str) -> str:
    """A criterion matching ``text`` literally: wildcards escaped, a leading operator made an
    equality, quotes doubled for the formula's string."""
    escaped = "".join("~" + c if c in "*?~" else c for c in text)
    if escaped.startswith(("=", "<", ">")):
        escaped = "=" + escaped
    return '"' + escaped.replace('"', '""') + '"'


def _matches(row: Mapping[str, Any], wanted: Mapping[str, str | set[str]]) -> bool:
    for column, text in wanted.items():
        cell = str(row[column]).casefold()
        if isinstance(text, set):
            if cell not in {t.casefold() for t in text}:
                return False
        elif cell != text.casefold():
            return False
    return True


def series_sum(
    inputs: InputColumns, criteria: Criteria, cells: Sequence[tuple[str, str]], value: Fraction
) -> Expression | None:
    """``SUMIFS`` of the input rows of one series at the (org unit, period) ``cells`` it is made
    of; ``None`` when the rows a spreadsheet would match do not sum to ``value`` exactly."""
    by_period: dict[str, list[str]] = {}
    for unit, period in sorted(set(cells)):
        by_period.setdefault(period, []).append(unit)
    fixed = [f"{inputs.range(c)},{_criterion(t)}" for c, t in criteria]
    terms, matched = [], Fraction(0)
    for period, units in by_period.items():
        if len(units) == 1:
            unit_criterion = _criterion(units[0])
        else:
            unit_criterion = "{" + ",".join(_criterion(u) for u in units) + "}"
        parts = [
            inputs.range("value"),
            *fixed,
            f"{inputs.range('org_unit')},{unit_criterion}",
            f"{inputs.range('period')},{_criterion(period)}",
        ]
        term = f"SUMIFS({','.join(parts)})"
        terms.append(f"SUM({term})" if len(units) > 1 else term)
        wanted: dict[str, str | set[str]] = {**dict(criteria), "period": period}
        wanted["org_unit"] = set(units)
        matched += sum(
            (Fraction(r["value"]) for r in inputs.rows if _matches(r, wanted)), Fraction(0)
        )
    text = "+".join(terms) if terms else "0"
    if matched != value or len(text) > MAX_FORMULA:
        return None
    return Expression(
        text=text if len(terms) <= 1 else f"({text})",
        value=value,
        integral=value.denominator == 1 and abs(value) < EXACT_LIMIT,
    )


def decimal_literal(value: Fraction) -> str:
    """A number for a formula: exact decimals when it has at most 15 digits, else the nearest
    double (``repr``)."""
    for decimals in range(16):
        scaled = value * 10**decimals
        if scaled.denominator == 1:
            whole = abs(scaled.numerator)
            digits = str(whole).rjust(decimals + 1, "0")
            text = digits[: len(digits) - decimals] + ("." + digits[-decimals:] if decimals else "")
            return ("-" if value < 0 else "") + text
    return repr(float(value))


def _small(value: Fraction | bool) -> bool:
    return isinstance(value, bool) or (value.denominator == 1 and abs(value) < EXACT_LIMIT)


def _number(node: Num) -> Expression:
    literal = decimal_literal(node.value)
    return Expression(
        text=f"({literal})" if node.value < 0 else literal,
        value=node.value,
        integral=_small(node.value),
    )


def _arithmetic(op: str, left: Expression, right: Expression) -> Expression | None:
    a, b = left.value, right.value
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if op == "/":
        if b == 0:
            return None
        return Expression(text=f"({left.text}/{right.text})", value=a / b, integral=False)
    value = a + b if op == "+" else a - b if op == "-" else a * b
    integral = left.integral and right.integral and _small(value)
    if op == "*":
        # a product of exact integers below 2**53 is exact only when it also is
        integral = integral and abs(a) < EXACT_LIMIT and abs(b) < EXACT_LIMIT
    return Expression(text=f"({left.text}{op}{right.text})", value=value, integral=integral)


def _compare(op: str, left: Expression, right: Expression) -> Expression | None:
    """A comparison inside a formula: exact when both sides are; otherwise only when the two
    sides are far enough apart for floating point not to matter."""
    a, b = left.value, right.value
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if not (left.integral and right.integral) and not _far_apart(a, b):
        return None
    diff = a - b
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    holds = bool(_FORMULA_MASKS[op] & sign)
    text = f"({left.text}{OPERATORS[_FORMULA_MASKS[op]]}{right.text})"
    return Expression(text=text, value=holds, integral=True)


def _far_apart(a: Fraction, b: Fraction) -> bool:
    """Whether a floating-point comparison of ``a`` and ``b`` is safe: they differ by more
    than a millionth of a millionth of their size, far beyond the rounding of a few steps."""
    return abs(a - b) * 10**12 > max(abs(a), abs(b), Fraction(1))


def _logic(op: str, operands: list[Expression]) -> Expression | None:
    values = [o.value for o in operands]
    if not all(isinstance(v, bool) for v in values):
        return None
    if op == "not":
        return Expression(text=f"NOT({operands[0].text})", value=not values[0], integral=True)
    value = all(values) if op == "and" else any(values)
    name = "AND" if op == "and" else "OR"
    text = f"{name}({','.join(o.text for o in operands)})"
    return Expression(text=text, value=value, integral=True)


def translate(node: Node, slots: Sequence[Expression | None]) -> Expression | None:
    """The Excel expression of a plan tree over the given slot expressions; ``None`` where it
    has none (a ``share()``, a missing slot, a comparison floating point might decide
    wrongly)."""
    if isinstance(node, Num):
        return _number(node)
    if isinstance(node, Slot):
        return slots[node.index] if node.index < len(slots) else None
    if isinstance(node, ShareOf):
        return None
    operands = [translate(o, slots) for o in node.operands]
    if any(o is None for o in operands):
        return None
    known = [o for o in operands if o is not None]
    return _operation(node, known)


def _operation(node: Op, operands: list[Expression]) -> Expression | None:
    kind = node.kind
    if kind in ("+", "-", "*", "/"):
        return _arithmetic(kind, operands[0], operands[1])
    if kind == "neg":
        value = operands[0].value
        if isinstance(value, bool):
            return None
        return Expression(
            text=f"(-{operands[0].text})", value=-value, integral=operands[0].integral
        )
    if kind in ("min", "max"):
        values = [o.value for o in operands]
        if any(isinstance(v, bool) for v in values):
            return None
        chosen = min(values) if kind == "min" else max(values)
        text = f"{kind.upper()}({','.join(o.text for o in operands)})"
        return Expression(text=text, value=chosen, integral=all(o.integral for o in operands))
    if kind in _FORMULA_MASKS:
        return _compare(kind, operands[0], operands[1])
    if kind in ("and", "or", "not"):
        return _logic(kind, operands)
    return None


ONE = Expression(text="1", value=Fraction(1), integral=True)


def compare_text(
    numerator: tuple[str, Expression],
    denominator: tuple[str, Expression] | None,
    scale: Fraction,
    threshold: Fraction,
    mask: int,
) -> tuple[str, bool] | None:
    """The test ``scale × numerator / denominator`` against ``threshold`` as integer
    cross-multiplication over the two cells (``F2*1000>=979*G2``), with whether it holds;
    ``None`` when it cannot be exact (a non-integer side, a denominator not positive, products
    beyond 2**53)."""
    n_ref, n = numerator
    d_ref, d = denominator or ("1", ONE)
    if not (n.integral and d.integral) or isinstance(d.value, bool) or d.value <= 0:
        return None
    n_value = Fraction(int(n.value)) if isinstance(n.value, bool) else n.value
    left = scale.numerator * threshold.denominator
    right = threshold.numerator * scale.denominator
    sizes = (abs(left * n_value), abs(right * d.value), Fraction(abs(left)), Fraction(abs(right)))
    if max(sizes) >= EXACT_LIMIT:
        return None
    diff = left * n_value - right * d.value
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    left_text = n_ref if left == 1 else f"{n_ref}*{left}"
    right_text = d_ref if right == 1 else f"{right}*{d_ref}" if d_ref != "1" else str(right)
    return f"{left_text}{OPERATORS[mask]}{right_text}", bool(mask & sign)


def compare_float(
    value_ref: str, value: Fraction, shown: Fraction, threshold: Fraction, mask: int
) -> tuple[str, bool] | None:
    """The test of the value cell (holding ``value / shown``) against ``threshold`` in floating
    point, where the value is far enough from the threshold for rounding not to matter."""
    if not _far_apart(value, threshold):
        return None
    diff = value - threshold
    sign = BELOW if diff < 0 else EQUAL if diff == 0 else ABOVE
    literal = decimal_literal(threshold / shown)
    return f"{value_ref}{OPERATORS[mask]}{literal}", bool(mask & sign)


# ---------------------------------------------------------------- one result row


@attrs.frozen(kw_only=True)
class Cell:
    """One cell: a text, a number, or a formula with its cached value."""

    value: Fraction | int | str | None = None
    formula: str | None = None
    cached: float | str | None = None
    number_format: str = ""
    wrap: bool = False

    @classmethod
    def text(cls, text: str, *, wrap: bool = False) -> Cell:
        """A text cell (written through ``safe_cell``)."""
        return cls(value=text, wrap=wrap)

    @classmethod
    def number(cls, value: Fraction | int | None, number_format: str = "") -> Cell:
        """A plain number (blank when ``None``)."""
        return cls(value=value, number_format=number_format)


@attrs.define
class Tally:
    """How many computed cells were written as live formulas and how many as plain numbers."""

    formulas: int = 0
    constants: int = 0

    def count(self, cell: Cell) -> Cell:
        """Count ``cell`` (a blank counts for nothing) and return it."""
        if cell.formula is not None:
            self.formulas += 1
        elif cell.value is not None:
            self.constants += 1
        return cell


@attrs.frozen(kw_only=True)
class Explained:
    """A result row with its explanation, and the explanation of the period it is compared
    with (base, previous period or same period of the previous year)."""

    row: Mapping[str, Any]
    case: Any
    """The [`Explanation`][bdg_indicators.explain.Explanation] of the row."""
    variant: Any
    compared: Any = None
    compared_against: str | None = None

    def contributions(self) -> list[Any]:
        """Every observation row the row's figures (and its compared value) are made of."""
        found = [c for s in self.case.inputs for c in s.rows]
        if self.compared is not None:
            found += [c for s in self.compared.inputs for c in s.rows]
        return found


_AGAINST = (
    ("base", "base_period", "base_value"),
    ("previous", "previous_period", "previous_value"),
    ("previous_year", "previous_year_period", "previous_year_value"),
)


def explain_rows(result: Any, rows: Sequence[Mapping[str, Any]]) -> list[Explained]:
    """Each row with its explanation and that of the period its change is measured against:
    the base period if it has one, else the previous period, else the same period a year
    earlier, whichever has a value."""
    from bdg_indicators.errors import BdgError

    cat = result.engine.catalogue
    ids = [t.id for t in cat.targets]
    made = []
    for row in rows:
        case = result.explain(row["target"], row["org_unit"], row["period"])
        variant = cat.variants[cat.target_variant[ids.index(row["target"])]]
        compared = against = None
        for name, period_key, value_key in _AGAINST:
            if row.get(period_key) and row.get(value_key) is not None:
                try:
                    compared = result.explain(row["target"], row["org_unit"], row[period_key])
                except BdgError:  # pragma: no cover - a period with a value has a result
                    continue
                against = name
                break
        made.append(
            Explained(
                row=row, case=case, variant=variant, compared=compared, compared_against=against
            )
        )
    return made


def slot_sums(inputs: InputColumns, case: Any, variant: Any, total: str) -> list[Expression | None]:
    """Each series of the row's formula as a ``SUMIFS`` over the inputs (``None`` where the
    rows matched would not give the engine's value: then the row is written as numbers)."""
    found: list[Expression | None] = []
    breakdowns = [c for c in inputs.columns if c not in _FIXED]
    for series, value in zip(variant.scope.series, case.inputs, strict=True):
        if value.value is None or not value.rows:
            found.append(None)
            continue
        selector = dict(series.selector)
        if any(b not in breakdowns for b in selector):
            found.append(None)
            continue
        criteria = (("data_item", series.item), *((b, selector.get(b, total)) for b in breakdowns))
        cells = [(c.org_unit, c.period) for c in value.rows]
        expression = series_sum(inputs, criteria, cells, value.value)
        if expression is None:  # a stock made of its parts: the last part of each org unit
            latest: dict[str, str] = {}
            for c in value.rows:
                latest[c.org_unit] = max(latest.get(c.org_unit, c.period), c.period)
            expression = series_sum(inputs, criteria, list(latest.items()), value.value)
        found.append(expression)
    return found


_FIXED = frozenset(
    {"data_item", "item_label", "org_unit", "org_unit_name", "period", "value", "bound"}
    | {"source", "file", "row"}
)


@attrs.frozen(kw_only=True)
class Figures:
    """The value of a row as Excel expressions: ``scale × numerator / denominator``."""

    numerator: Expression
    denominator: Expression | None
    scale: Fraction
    """The indicator's unit factor."""
    condition: bool = False
    """The formula is a yes/no condition (the value is 1 or 0)."""


def figures(variant: Any, slots: Sequence[Expression | None], exact: Fraction) -> Figures | None:
    """The row's numerator, denominator and factor, when they give the engine's ``exact``
    value."""
    root = variant.root
    scale = Fraction(variant.indicator.factor)
    if isinstance(root, Op) and root.kind == "/":
        numerator = translate(root.operands[0], slots)
        denominator = translate(root.operands[1], slots)
        if numerator is None or denominator is None or isinstance(denominator.value, bool):
            return None
        if isinstance(numerator.value, bool) or denominator.value == 0:
            return None
        if scale * numerator.value / denominator.value != exact:
            return None
        return Figures(numerator=numerator, denominator=denominator, scale=scale)
    whole = translate(root, slots)
    if whole is None:
        return None
    if isinstance(whole.value, bool):
        return Figures(numerator=whole, denominator=None, scale=scale, condition=True)
    if scale * whole.value != exact:
        return None
    return Figures(numerator=whole, denominator=None, scale=scale)


def scale_text(scale: Fraction) -> str:
    """``× scale`` in a formula (``*100``, ``/100``, nothing for 1)."""
    if scale == 1:
        return ""
    if scale.denominator == 1:
        return f"*{scale.numerator}"
    if scale.numerator == 1:
        return f"/{scale.denominator}"
    return f"*{scale.numerator}/{scale.denominator}"


Test = tuple[str, bool]
"""A comparison as Excel text, and whether it holds."""


def verdict_tests(
    case: Any,
    criteria: Sequence[int],
    figs: Figures,
    refs: tuple[str, str, str],
    shown: Fraction,
    slots: Sequence[Expression | None],
) -> tuple[list[Test], tuple[Status, Status]] | None:
    """The comparisons that decide the row's verdict, and the verdicts when they all hold and
    when some does not; ``None`` where the verdict is not one comparison of the value Excel can
    make exactly (a bound, Open SDG's growth rates, no value, a floating-point tie)."""
    status = Status(case.status)
    if case.value is None or case.bound is not None or case.milestone is None:
        return None
    if status in (Status.ACHIEVED, Status.NOT_ACHIEVED):
        ends = _due_ends(case)
        outcomes = (Status.ACHIEVED, Status.NOT_ACHIEVED)
    elif status in (Status.ON_TRACK, Status.OFF_TRACK):
        ends = _progress_ends(case)
        outcomes = (Status.ON_TRACK, Status.OFF_TRACK)
    else:
        return None
    if ends is None:
        return None
    tests = [_test(case.value, figs, refs, shown, t, mask) for t, mask in ends]
    each = case.milestone.each_criterion
    if each is not None and outcomes[0] is Status.ACHIEVED:
        tests += _criteria_tests(each, criteria, slots)
    if any(t is None for t in tests):
        return None
    made = [t for t in tests if t is not None]
    if outcomes[0 if all(h for _, h in made) else 1] is not status:
        return None
    return made, outcomes


def _due_ends(case: Any) -> list[tuple[Fraction, int]] | None:
    condition = case.milestone.condition
    if isinstance(condition, Change):
        if case.threshold is None:
            return None
        return [(case.threshold, change_mask(condition))]
    attribute = case.attribute[1] if case.attribute else None
    found = bounds(condition, attribute)
    return None if found is None else [(b.threshold, b.mask) for b in found]


def _progress_ends(case: Any) -> list[tuple[Fraction, int]] | None:
    """The linear method: at least as good as the line's value (or the goal, without a
    baseline)."""
    progress = case.progress
    if progress is None or progress.method != LINEAR.id:
        return None
    aim = progress.expected if progress.baseline_value is not None else progress.goal_value
    higher = _higher(case.milestone, case.indicator)
    if aim is None or higher is None:
        return None
    return [(aim, EQUAL | ABOVE if higher else BELOW | EQUAL)]


def _higher(milestone: Any, indicator: Any) -> bool | None:
    """Whether higher is better: the milestone's direction, else the indicator's."""
    condition = milestone.condition
    if isinstance(condition, Change):
        return condition.direction is Direction.INCREASE
    if condition.op in (ComparisonOp.AT_LEAST, ComparisonOp.MORE_THAN):
        return True
    if condition.op in (ComparisonOp.AT_MOST, ComparisonOp.LESS_THAN):
        return False
    return {Better.HIGHER: True, Better.LOWER: False}.get(indicator.better)


def _test(
    value: Fraction,
    figs: Figures,
    refs: tuple[str, str, str],
    shown: Fraction,
    threshold: Fraction,
    mask: int,
) -> Test | None:
    numerator_ref, denominator_ref, value_ref = refs
    if figs.condition:
        one = Expression(
            text=value_ref, value=Fraction(int(bool(figs.numerator.value))), integral=True
        )
        exact = compare_text((value_ref, one), None, figs.scale / shown, threshold / shown, mask)
    else:
        denominator = None if figs.denominator is None else (denominator_ref, figs.denominator)
        exact = compare_text(
            (numerator_ref, figs.numerator), denominator, figs.scale, threshold, mask
        )
    return exact or compare_float(value_ref, value, shown, threshold, mask)


def _criteria_tests(
    each: Any, criteria: Sequence[int], slots: Sequence[Expression | None]
) -> list[Test | None]:
    """A score rule's "every criterion": each criterion's series against its condition."""
    found = bounds(each)
    if found is None:
        return [None]
    tests: list[Test | None] = []
    for j in criteria:
        slot = slots[j] if j < len(slots) else None
        for end in found:
            tests.append(
                None
                if slot is None
                else compare_text((slot.text, slot), None, Fraction(1), end.threshold, end.mask)
            )
    return tests
