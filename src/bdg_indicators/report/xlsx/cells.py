"""The cells of the XLSX report: a text, a number or a formula with its cached value, the count
of formulas and plain numbers, and the number formats they show in."""

from __future__ import annotations

from fractions import Fraction

import attrs

from bdg_indicators.describe import format_unit

__all__ = ["LOCALE", "Cell", "Tally", "column_letter", "number_format"]

LOCALE = {"vi": "[$-42A]", "en": "[$-409]"}
"""The locale of every number format: Vietnamese shows "97,9%" and "20.000.000 ₫" whatever the
machine's settings."""


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


def number_format(unit: str, decimals: int, lang: str, *, change: bool = False) -> str:
    """The number format of a figure in ``unit`` with ``decimals``: a percent shows "97,9%"
    (the cell holds 0.979), đồng "20.000.000 ₫", counts "17.471", others their unit's words; a
    change has its sign, in percentage points for a percent."""
    body = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    if unit == "boolean" and not change:
        yes, no = ("Có", "Không") if lang == "vi" else ("Yes", "No")
        return f'"{yes}";"{yes}";"{no}"'
    if unit == "percent":
        suffix = "%" if not change else ' "' + ("điểm %" if lang == "vi" else "pp") + '"'
    elif unit == "dong":
        suffix = " [$₫-42A]" if lang == "vi" else ' "VND"'
    else:
        words = format_unit(unit, lang).replace('"', "")
        suffix = f'"{words}"' if words else ""
    if change:
        return f"{LOCALE[lang]}+{body}{suffix};-{body}{suffix};{body}{suffix}"
    return f"{LOCALE[lang]}{body}{suffix}"


def column_letter(index: int) -> str:
    """The column letter of a 0-based index (A, B, ..., Z, AA, ...)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text
