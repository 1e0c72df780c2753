"""The figures of a result row as formulas over the inputs sheet: each series of the
indicator's formula as a ``SUMIFS``, and the value as ``scale × numerator / denominator``.

Every ``SUMIFS`` is checked against the rows it will match, as a spreadsheet matches them (text
compared case-insensitively), before it is written; a row whose figures would not give the
engine's value exactly has none, and is written as plain numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from bdg_indicators.engine.plan import Op

from .formulas import EXACT_LIMIT, Expression, translate
from .inputs import FIXED, InputColumns

__all__ = ["MAX_FORMULA", "Criteria", "Figures", "figures", "series_sum", "slot_sums"]

MAX_FORMULA = 8000
"""Longest formula written (Excel's limit is 8192 characters)."""

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


def slot_sums(inputs: InputColumns, case: Any, variant: Any, total: str) -> list[Expression | None]:
    """Each series of the row's formula as a ``SUMIFS`` over the inputs (``None`` where the
    rows matched would not give the engine's value: then the row is written as numbers)."""
    found: list[Expression | None] = []
    breakdowns = [c for c in inputs.columns if c not in FIXED]
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
