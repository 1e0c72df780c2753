"""The Excel form: a data sheet, a guide, a hidden sheet of lists and a very hidden metadata
sheet by which the reader recognises it.

```text
Dữ liệu     row 1 title · row 2 what an empty cell means · rows 3-4 labels (data item; breakdown
            and unit) · row 5 column ids · from row 6 one row per org unit (code, name, figures)
Hướng dẫn   one row per column: data item, breakdown, unit, values allowed, how it is used
Danh sách   (hidden) the lists of list validation (có/không)
_bdg        (very hidden) format, spec, period, data sheet, first row, the column map
```

The data cells are the only unlocked cells of the protected data sheet, each with the data
validation of its column (whole numbers 0 or more for counts). Validation is not enforced on
paste: the reader checks every cell again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from bdg_indicators.errors import column_letters
from bdg_indicators.observations.form_cells import FORMAT, META_SHEET, VERSION
from bdg_indicators.outputs import safe_cell, write_atomically

from .model import Form, FormColumn, ValueRule
from .words import WORDS, column_notes, rule_text, title, unit_text

__all__ = ["FIRST_ROW", "Cell", "write_xlsx"]

FIRST_ROW = 6
"""The first row of org units in the data sheet (1-based); row 5 holds the column ids."""
FIXED = 2
"""Columns before the figures: the org unit's code and name."""

Cell = int | float | Fraction | str | bool
"""A value written into a filled copy of a form (tests, pre-filled forms)."""


def write_xlsx(
    form: Form,
    path: str | os.PathLike[str],
    lang: str = "vi",
    values: Mapping[tuple[str, str], Cell] | None = None,
) -> Path:
    """Write the form to ``path`` (atomically: a failed run leaves no file).

    ``values`` fills cells, by (org-unit code, column id): a number is written as a number, a
    text as a text.
    """
    return write_atomically(path, lambda temporary: _write(form, temporary, lang, values or {}))


def _write(form: Form, path: Path, lang: str, values: Mapping[tuple[str, str], Cell]) -> None:
    import xlsxwriter  # no stubs, no py.typed: Any to mypy (pyproject's overrides)

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    try:
        words = WORDS[lang]
        data = book.add_worksheet(words["data"])
        guide = book.add_worksheet(words["guide"])
        lists = book.add_worksheet(words["lists"])
        meta = book.add_worksheet(META_SHEET)
        lists.write_string(0, 0, words["yes"])
        lists.write_string(1, 0, words["no"])
        lists.hide()
        meta.very_hidden()
        _data_sheet(book, data, form, lang, values)
        _guide_sheet(book, guide, form, lang)
        _metadata(meta, form, lang)
    finally:
        book.close()


def _formats(book: Any) -> dict[str, Any]:
    base = {"font_name": "Arial", "font_size": 10, "valign": "top", "text_wrap": True}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 12, "text_wrap": False}),
        "note": book.add_format({**base, "italic": True, "text_wrap": False}),
        "head": book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "sub": book.add_format({**base, "bg_color": "#F2F2F2", "border": 1}),
        "id": book.add_format({**base, "font_color": "#808080", "font_size": 8, "border": 1}),
        "text": book.add_format({**base}),
        ValueRule.COUNT: book.add_format({**base, "locked": False, "num_format": "#,##0"}),
        ValueRule.NUMBER: book.add_format({**base, "locked": False, "num_format": "General"}),
        ValueRule.YES_NO: book.add_format({**base, "locked": False}),
    }


def _data_sheet(
    book: Any, sheet: Any, form: Form, lang: str, values: Mapping[tuple[str, str], Cell]
) -> None:
    words, styles = WORDS[lang], _formats(book)
    sheet.write_string(0, 0, safe_cell(title(form, lang)), styles["title"])
    sheet.write_string(1, 0, safe_cell(words["empty"]), styles["note"])
    for index, key in enumerate(("code", "name")):
        sheet.merge_range(2, index, 3, index, safe_cell(words[key]), styles["head"])
        sheet.write_string(4, index, ("org_unit", "org_unit_name")[index], styles["id"])
    _item_headers(sheet, form, lang, styles)
    for offset, column in enumerate(form.columns):
        at = FIXED + offset
        unit = unit_text(column, lang)
        words_below = column.breakdown.text(lang) + (f" ({unit})" if unit else "")
        sheet.write_string(3, at, safe_cell(words_below), styles["sub"])
        sheet.write_string(4, at, column.id, styles["id"])
        sheet.set_column(at, at, 16)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 32)
    sheet.set_row(2, 60)
    sheet.set_row(3, 30)
    for number, row in enumerate(form.rows):
        line = FIRST_ROW - 1 + number
        sheet.write_string(line, 0, safe_cell(row.code), styles["text"])
        sheet.write_string(line, 1, safe_cell(row.name), styles["text"])
        for offset, column in enumerate(form.columns):
            _cell(
                sheet, line, FIXED + offset, values.get((row.code, column.id)), styles[column.rule]
            )
    bottom = FIRST_ROW - 2 + len(form.rows)
    for offset, column in enumerate(form.columns):
        at = FIXED + offset
        sheet.data_validation(FIRST_ROW - 1, at, bottom, at, _validation(column, lang))
    sheet.freeze_panes(FIRST_ROW - 1, FIXED)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _item_headers(sheet: Any, form: Form, lang: str, styles: dict[str, Any]) -> None:
    """Row 3: each data item's label over its columns (merged when it has several)."""
    start = 0
    while start < len(form.columns):
        end = start
        while (
            end + 1 < len(form.columns) and form.columns[end + 1].item is form.columns[start].item
        ):
            end += 1
        label = safe_cell(form.columns[start].label.text(lang))
        if end > start:
            sheet.merge_range(2, FIXED + start, 2, FIXED + end, label, styles["head"])
        else:
            sheet.write_string(2, FIXED + start, label, styles["head"])
        start = end + 1


def _cell(sheet: Any, line: int, at: int, value: Cell | None, style: Any) -> None:
    if value is None:
        sheet.write_blank(line, at, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(line, at, value, style)
    elif isinstance(value, int | float | Fraction):
        sheet.write_number(line, at, float(value), style)
    else:
        sheet.write_string(line, at, safe_cell(value), style)


def _validation(column: FormColumn, lang: str) -> dict[str, Any]:
    words = WORDS[lang]
    common = {
        "error_title": words["error_title"],
        "error_message": rule_text(column, lang)[:255],
        "input_title": column.id[:32],
        "input_message": rule_text(column, lang)[:255],
        "ignore_blank": True,
    }
    if column.rule == ValueRule.YES_NO:
        return {**common, "validate": "list", "source": f"='{words['lists']}'!$A$1:$A$2"}
    kind = "integer" if column.rule == ValueRule.COUNT else "decimal"
    if column.maximum is not None:
        low = 0 if column.rule == ValueRule.COUNT else -(10**15)
        return {
            **common,
            "validate": kind,
            "criteria": "between",
            "minimum": low,
            "maximum": float(column.maximum),
        }
    if column.rule == ValueRule.COUNT:
        return {**common, "validate": kind, "criteria": ">=", "value": 0}
    return {
        **common,
        "validate": kind,
        "criteria": "between",
        "minimum": -(10**15),
        "maximum": 10**15,
    }


def _guide_sheet(book: Any, sheet: Any, form: Form, lang: str) -> None:
    words, styles = WORDS[lang], _formats(book)
    sheet.write_string(0, 0, safe_cell(title(form, lang)), styles["title"])
    sheet.write_string(1, 0, safe_cell(words["enter"]), styles["note"])
    sheet.write_string(2, 0, safe_cell(words["empty"]), styles["note"])
    command = f"{words['read']}: bdg evaluate {form.spec.id} --data <file>.xlsx"
    sheet.write_string(3, 0, safe_cell(command), styles["note"])
    headers = ("column", "id", "item", "breakdown", "unit", "kind", "use")
    for index, key in enumerate(headers):
        sheet.write_string(5, index, words[key], styles["head"])
    rows = [
        (column_letters(1), "org_unit", words["code"], "", "", "", ""),
        (column_letters(2), "org_unit_name", words["name"], "", "", "", ""),
    ]
    for offset, column in enumerate(form.columns):
        rows.append(
            (
                column_letters(FIXED + offset + 1),
                column.id,
                column.label.text(lang),
                column.breakdown.text(lang),
                unit_text(column, lang),
                rule_text(column, lang),
                column_notes(form, column, lang),
            )
        )
    for number, row in enumerate(rows):
        for index, text in enumerate(row):
            sheet.write_string(6 + number, index, safe_cell(text), styles["text"])
    for index, width in enumerate((7, 28, 48, 22, 12, 28, 60)):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(6, 0)


def _metadata(sheet: Any, form: Form, lang: str) -> None:
    """What the reader needs: format and version, spec, period, the data sheet and its layout,
    and the column map (column number, column id)."""
    rows: list[tuple[str, ...]] = [
        (FORMAT, str(VERSION)),
        ("spec", form.spec.id),
        ("period", str(form.period)),
        ("level", form.level),
        ("lang", lang),
        ("data_sheet", WORDS[lang]["data"]),
        ("first_row", str(FIRST_ROW)),
        ("code_column", "1"),
        ("name_column", "2"),
    ]
    rows += [("column", str(FIXED + i + 1), c.id) for i, c in enumerate(form.columns)]
    for number, row in enumerate(rows):
        for index, text in enumerate(row):
            sheet.write_string(number, index, safe_cell(text))
