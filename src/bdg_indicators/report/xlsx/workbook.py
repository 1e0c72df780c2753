"""The XLSX report as a whole: its cells, built from the result rows, and the file written
with xlsxwriter (results, inputs and about sheets), the same bytes for the same rows and stamp."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.outputs import write_atomically

from .cells import Cell, Tally
from .explanations import Explained, explain_rows
from .inputs import InputColumns, input_sheet, input_widths
from .results import RESULT_COLUMNS, result_cells
from .sheets import SHEETS, Styles, write_table

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult
    from bdg_indicators.stamp import Stamp

__all__ = ["EPOCH", "Workbook", "build_workbook", "write_workbook"]

EPOCH = datetime.datetime(1980, 1, 1)
"""The workbook's creation date when the stamp gives no time (zip's first date)."""


@attrs.frozen(kw_only=True)
class Workbook:
    """What the XLSX report holds, before it is written."""

    results: tuple[tuple[Cell, ...], ...]
    """One row per result, in the order of ``RESULT_COLUMNS``."""
    inputs: InputColumns
    input_headers: tuple[str, ...]
    input_cells: tuple[tuple[Cell, ...], ...]
    tally: Tally
    """How many computed cells are live formulas and how many plain numbers."""
    lang: str


def _lang(lang: str) -> str:
    return "vi" if lang == "vi" else "en"


def build_workbook(
    result: EvaluationResult, rows: Sequence[Mapping[str, Any]], *, lang: str = "vi"
) -> Workbook:
    """The cells of the report of ``rows`` (result rows as
    [`EvaluationResult.to_dicts`][bdg_indicators.EvaluationResult.to_dicts] gives them)."""
    code = _lang(lang)
    explained: list[Explained] = explain_rows(result, rows)
    inputs, headers, input_cells = input_sheet(result, explained, code)
    tally = Tally()
    cells = tuple(
        result_cells(result, item, inputs, sheet_row, code, tally)
        for sheet_row, item in enumerate(explained, start=2)
    )
    return Workbook(
        results=cells,
        inputs=inputs,
        input_headers=headers,
        input_cells=input_cells,
        tally=tally,
        lang=code,
    )


def _created(stamp: Stamp | None) -> datetime.datetime:
    """The stamp's time in UTC, without its zone (the epoch of zip files without a stamp)."""
    if stamp is None:
        return EPOCH
    when = datetime.datetime.fromisoformat(stamp.made)
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC).replace(tzinfo=None)
    return when


def _about(sheet: Any, styles: Styles, workbook: Workbook, stamp: Stamp | None) -> None:
    vi = workbook.lang == "vi"
    tally = workbook.tally
    lines = stamp.lines(workbook.lang) if stamp is not None else []
    lines += [
        ("Ô công thức" if vi else "Formula cells", str(tally.formulas)),
        ("Ô giá trị cố định" if vi else "Constant cells", str(tally.constants)),
    ]
    write_table(
        sheet,
        styles,
        ("Mục" if vi else "Item", "Nội dung" if vi else "Value"),
        [(Cell.text(k), Cell.text(v)) for k, v in lines],
        (30, 90),
    )


def write_workbook(
    result: EvaluationResult,
    rows: Sequence[Mapping[str, Any]],
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    stamp: Stamp | None = None,
) -> Path:
    """Write the XLSX report of ``rows`` (result rows as
    [`EvaluationResult.to_dicts`][bdg_indicators.EvaluationResult.to_dicts] gives them, already
    chosen for the report) to ``path``, atomically, and return the path.

    Args:
        result: The evaluation the rows come from (its observations and explanations make the
            inputs sheet and the formulas).
        rows: The result rows of the report, in the order they are shown.
        path: Where to write the ``.xlsx`` file.
        lang: ``vi`` (the default) or ``en``, for sheet names, labels and number formats.
        stamp: What made the figures ([`Stamp`][bdg_indicators.stamp.Stamp]: library version,
            spec and data digests, methods, time), written to the about sheet; its ``made`` is
            the workbook's creation date, so that the same command on the same files gives the
            same bytes.

    Returns:
        The path written.
    """
    import xlsxwriter  # no stubs, no py.typed: Any to mypy (pyproject's overrides)

    workbook = build_workbook(result, rows, lang=lang)
    code = workbook.lang
    names = SHEETS[code]

    def write(temporary: Path) -> None:
        book = xlsxwriter.Workbook(
            str(temporary), {"strings_to_formulas": False, "strings_to_numbers": False}
        )
        book.set_properties({"created": _created(stamp), "title": result.spec.id})
        styles = Styles(book)
        headers = [vi if code == "vi" else en for _, vi, en, _ in RESULT_COLUMNS]
        widths = [w for *_, w in RESULT_COLUMNS]
        write_table(book.add_worksheet(names[0]), styles, headers, workbook.results, widths)
        write_table(
            book.add_worksheet(names[1]),
            styles,
            workbook.input_headers,
            workbook.input_cells,
            input_widths(workbook.input_headers),
        )
        _about(book.add_worksheet(names[2]), styles, workbook, stamp)
        book.close()

    return write_atomically(path, write)
