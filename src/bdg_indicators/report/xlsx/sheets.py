"""The sheets of the XLSX report: their names, and a table of cells written with xlsxwriter
(bold headers, frozen and filtered, one format per style)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bdg_indicators.outputs import safe_cell

from .cells import Cell

__all__ = ["SHEETS", "Styles", "write_cell", "write_table"]

SHEETS = {
    "vi": ("Kết quả", "Số liệu đầu vào", "Thông tin"),
    "en": ("Results", "Inputs", "About"),
}
"""The sheets' names: results, inputs, about."""


class Styles:
    """One xlsxwriter format per (number format, bold, wrap), made once, in order of use."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.made: dict[tuple[str, bool, bool], Any] = {}

    def __call__(self, number: str = "", *, bold: bool = False, wrap: bool = False) -> Any:
        key = (number, bold, wrap)
        if key not in self.made:
            options: dict[str, Any] = {"valign": "top"}
            if number:
                options["num_format"] = number
            if bold:
                options.update(bold=True, bg_color="#DDEBF7", border=1)
            if wrap:
                options["text_wrap"] = True
            self.made[key] = self.book.add_format(options)
        return self.made[key]


def write_cell(sheet: Any, styles: Styles, row: int, column: int, cell: Cell) -> None:
    """Write ``cell`` at (``row``, ``column``), 0-based: a text through ``safe_cell``, a
    formula with its cached value."""
    style = styles(cell.number_format, wrap=cell.wrap)
    if cell.formula is not None:
        cached: Any = cell.cached if cell.cached is not None else ""
        sheet.write_formula(row, column, cell.formula, style, cached)
    elif isinstance(cell.value, str):
        sheet.write_string(row, column, safe_cell(cell.value), style)
    elif cell.value is None:
        sheet.write_blank(row, column, None, style)
    else:
        sheet.write_number(row, column, float(cell.value), style)


def write_table(
    sheet: Any,
    styles: Styles,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
) -> None:
    """Write a header row and ``rows`` below it, the header frozen and filtered."""
    header = styles(bold=True, wrap=True)
    for column, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(0, column, safe_cell(text), header)
        sheet.set_column(column, column, width)
    for index, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells):
            write_cell(sheet, styles, index, column, cell)
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
