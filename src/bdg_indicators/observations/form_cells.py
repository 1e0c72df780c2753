"""Filled data-entry forms read as observations: each filled cell is one observation, located at
its sheet, row and column.

A form (made by [`bdg_indicators.forms`][bdg_indicators.forms]) is wide: one row per org unit,
one column per *series* (a data item, restricted to breakdown values or not), written
``literate`` or ``literate[age_group=15_60, sex=female]``. Two shapes are read:

- a workbook (.xlsx) with a very hidden sheet ``_bdg`` (the metadata: format, spec, period, data
  sheet, first data row and the column map). Numbers are Excel numbers, read exactly as
  typed (the decimals rule of every Excel file); a cell holding text is read in machine
  notation (``97.9``), whatever the declared locale;
- a CSV file whose header has ``org_unit`` and ``period`` and no ``data_item`` or ``value``:
  every other column (but ``org_unit_name`` and ``source``) names a series. Text in the
  declared locale, as any CSV.

An empty cell is not reported (never 0), so it is no observation. The layout of the form
([`FormLayout`][bdg_indicators.observations.form_cells.FormLayout]) knows the cell of each row,
so that every problem is located at its cell (``form.xlsx:Dữ liệu!C7``; ``form.csv:3:5``):
[`Places`][bdg_indicators.observations.form_cells.Places] holds the names and layouts of the
tables read together.

This module owns the layout both sides share: the form writers import it, never the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.errors import Location, Problem, Severity

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "FORMAT",
    "META_SHEET",
    "VERSION",
    "FormLayout",
    "Places",
    "locate",
    "parse_series",
    "read_wide_csv",
    "read_workbook_form",
    "row_text",
    "series_id",
    "unquote",
]

FORMAT, VERSION = "bdg-form", 1
"""What the first row of the metadata sheet says: the format and its version."""
META_SHEET = "_bdg"
"""The very hidden sheet that makes a workbook a form."""
WIDE_FIXED = ("org_unit", "org_unit_name", "period", "source")
"""The columns of a wide CSV form that are not series."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as outputs.safe_cell quotes them

Selector = tuple[tuple[str, str], ...]
_SERIES = re.compile(r"^([a-z][a-z0-9_]*)(?:\[([^\]]*)\])?$")


def series_id(item: str, selector: Selector = ()) -> str:
    """The id of a form column: ``literate`` or ``literate[age_group=15_60, sex=female]``
    (breakdowns in alphabetical order, as formulas' selectors are planned)."""
    if not selector:
        return item
    return item + "[" + ", ".join(f"{k}={v}" for k, v in sorted(selector)) + "]"


def parse_series(text: str) -> tuple[str, Selector] | None:
    """The data item and selector of a column id, or ``None`` if it is not one."""
    found = _SERIES.match(text.strip())
    if found is None:
        return None
    pairs: list[tuple[str, str]] = []
    for part in (found.group(2) or "").split(","):
        if not part.strip():
            continue
        key, equals, value = part.partition("=")
        if not equals or not key.strip() or not value.strip():
            return None
        pairs.append((key.strip(), value.strip()))
    return found.group(1), tuple(sorted(pairs))


def unquote(text: str) -> str:
    """A text cell as it was before ``safe_cell`` quoted it (``'=x`` is ``=x``)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


@attrs.frozen(kw_only=True)
class FormLayout:
    """Where the rows of a form read as a table are: row ``i`` (from 1) is the cell
    ``cells[i - 1]`` (sheet row, column)."""

    sheet: str | None = None
    """The workbook sheet (``None`` for a CSV file)."""
    cells: tuple[tuple[int, int], ...] = ()
    """Sheet row and column of the value of each table row."""
    code_column: int = 1
    """The column of org-unit codes."""
    period_column: int | None = None
    """The column of periods (``None``: one period for the whole form, in its metadata)."""
    header_row: int = 1
    """The row of column ids."""
    locale: str | None = None
    """The notation text cells are read in (``None``: the declared one)."""
    spec: str | None = None
    """The spec the form was made for, if it says."""

    def locate(self, file: str, row: int, column: str | None = None) -> Location:
        """The cell of table row ``row`` of the form ``file`` that ``column`` (of the long
        table) comes from: the org-unit code, the period, the column's header (data item,
        breakdowns) or the value."""
        line, value_column = self.cells[row - 1]
        if column == "org_unit":
            value_column = self.code_column
        elif column == "period" and self.period_column is not None:
            value_column = self.period_column
        elif column == "data_item" or (column not in (None, "value", "bound", "period")):
            line = self.header_row
        path = (column,) if column else ()
        return Location(file=file, line=line, column=value_column, path=path, sheet=self.sheet)


def locate(
    file: str,
    row: int,
    column: int | None = None,
    name: str | None = None,
    layout: FormLayout | None = None,
) -> Location:
    """Where row ``row`` of table ``file`` is (``column``: its 1-based column, ``name``: the
    column's name): the cell of a form (``layout``), else the file, row and column."""
    if layout is not None:
        return layout.locate(file, row, name)
    return Location(file=file, line=row, column=column, path=(name,) if name else ())


def row_text(file: str, row: int, layout: FormLayout | None = None) -> str:
    """A row named in a message: ``data.csv row 3``, or a form's cell ``form.xlsx:Dữ liệu!C7``."""
    if layout is not None:
        return str(layout.locate(file, row, "value"))
    return f"{file} row {row}"


@attrs.frozen(kw_only=True)
class Places:
    """Where the rows of the tables read together are, by file index (the ``file`` column of
    an observations table)."""

    files: tuple[str, ...]
    """The tables, as named in messages."""
    layouts: tuple[FormLayout | None, ...]
    """The layout of each table that is a form (``None``: rows are lines of the file)."""

    def locate(self, file: int, row: int) -> Location:
        """Where row ``row`` of table ``file`` is: its cell in a form, else its line."""
        return locate(self.files[file], row, layout=self.layouts[file])

    def row_text(self, file: int, row: int) -> str:
        """Row ``row`` of table ``file`` named in a message (``data.csv row 3``, a cell)."""
        return row_text(self.files[file], row, self.layouts[file])


# -- wide tables to long ones


def _long(
    columns: Sequence[tuple[int, str, pl.Series]],
    codes: pl.Series,
    periods: pl.Series,
    first_line: int,
    sheet: str | None = None,
) -> tuple[pl.DataFrame, list[tuple[int, int]]]:
    """One long row per filled cell: ``org_unit``, ``period``, ``data_item``, breakdowns,
    ``value`` and, for a workbook, ``source`` (the cell: ``Dữ liệu!C7``), with the cell of
    each row.

    ``columns`` are (sheet column, series id, values as text) of the series columns."""
    import polars as pl

    from bdg_indicators.errors import column_letters

    parts: list[pl.DataFrame] = []
    cells: list[tuple[int, int]] = []
    for column, series, values in columns:
        parsed = parse_series(series)
        assert parsed is not None
        item, selector = parsed
        filled = values.str.strip_chars().fill_null("") != ""
        lines = pl.Series(range(first_line, first_line + len(values)))
        part = pl.DataFrame(
            {
                "org_unit": codes.filter(filled),
                "period": periods.filter(filled),
                "data_item": pl.Series([item] * int(filled.sum()), dtype=pl.String),
                **{k: pl.Series([v] * int(filled.sum()), dtype=pl.String) for k, v in selector},
                "value": values.filter(filled),
            }
        )
        if sheet is not None:
            where = [f"{sheet}!{column_letters(column)}{line}" for line in lines.filter(filled)]
            part = part.with_columns(pl.Series("source", where, dtype=pl.String))
        parts.append(part)
        cells.extend((int(line), column) for line in lines.filter(filled))
    if not parts:
        empty = dict.fromkeys(("org_unit", "period", "data_item", "value"), pl.String)
        return pl.DataFrame(schema=empty), cells
    return pl.concat(parts, how="diagonal"), cells


def _text_codes(values: pl.Series) -> pl.Series:
    import polars as pl

    return values.cast(pl.String).map_elements(unquote, return_dtype=pl.String)


# -- CSV


def read_wide_csv(
    frame: pl.DataFrame, name: str
) -> tuple[pl.DataFrame, FormLayout | None, list[Problem]]:
    """A wide CSV form (all text) as a long table with its layout, or the frame unchanged (and
    no layout) when it is not one."""
    import polars as pl

    columns = list(frame.columns)
    if not is_wide_csv(frame):
        return frame, None, []
    problems: list[Problem] = []
    series: list[tuple[int, str, pl.Series]] = []
    for index, column in enumerate(columns, start=1):
        if column in WIDE_FIXED:
            continue
        if parse_series(column) is None:
            problems.append(_unused(name, None, 1, index, column))
            continue
        series.append((index, column, frame.get_column(column).cast(pl.String)))
    codes = _text_codes(frame.get_column("org_unit"))
    periods = frame.get_column("period").cast(pl.String)
    long, cells = _long(series, codes, periods, 2)
    layout = FormLayout(
        cells=tuple(cells),
        code_column=columns.index("org_unit") + 1,
        period_column=columns.index("period") + 1,
    )
    return long, layout, problems


def is_wide_csv(frame: pl.DataFrame) -> bool:
    """Whether a CSV table is a wide form (``org_unit`` and ``period``, no ``data_item``)."""
    columns = set(frame.columns)
    return {"org_unit", "period"} <= columns and not {"data_item", "value"} & columns


def _unused(name: str, sheet: str | None, line: int, column: int, text: str) -> Problem:
    return Problem(
        code="unused-column",
        message=f"column `{text}` is not a series of the form (a data item, optionally "
        "`[breakdown=value, ...]`); it is not read",
        location=Location(file=name, line=line, column=column, sheet=sheet),
        severity=Severity.WARNING,
    )


# -- workbooks


def _metadata(reader: Any) -> dict[str, Any] | None:
    """The metadata sheet as ``{key: [values...]}`` (``column`` rows as a list), or ``None``
    when the workbook is not a form."""
    if META_SHEET not in reader.sheet_names:
        return None
    sheet = reader.load_sheet_by_name(META_SHEET, header_row=None, dtypes="string").to_polars()
    meta: dict[str, Any] = {"column": []}
    for row in sheet.iter_rows():
        key, *rest = [("" if v is None else str(v)) for v in row]
        if key == "column":
            meta["column"].append(rest)
        elif key:
            meta[key] = rest[0] if rest else ""
    return meta


def _damaged(name: str, message: str) -> Problem:
    return Problem(
        code="invalid-form",
        message=message,
        location=Location(file=name, sheet=META_SHEET, line=1, column=1),
        hint="make a new form with `bdg template` and copy the figures into it",
    )


def read_workbook_form(
    path: Path, name: str
) -> tuple[pl.DataFrame | None, FormLayout | None, list[Problem]] | None:
    """A filled workbook form as a long table with its layout (``None``: the workbook is not a
    form; no table and no layout: a damaged form)."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    meta = _metadata(reader)
    if meta is None:
        return None
    if meta.get(FORMAT) != str(VERSION):
        return None, None, [_damaged(name, f"not a {FORMAT} {VERSION} form")]
    try:
        sheet = meta["data_sheet"]
        first = int(meta["first_row"])
        code_column = int(meta["code_column"])
        name_column = int(meta.get("name_column", 0))
        mapped = [(int(c[0]), c[1]) for c in meta["column"]]
    except (KeyError, ValueError, IndexError):
        return None, None, [_damaged(name, "the form's column map cannot be read")]
    bad = [s for _, s in mapped if parse_series(s) is None]
    if sheet not in reader.sheet_names or bad:
        return None, None, [_damaged(name, "the form's column map cannot be read")]
    fixed = (code_column, name_column)
    return _workbook_cells(reader, name, meta, sheet, first, fixed, mapped)


def _workbook_cells(
    reader: Any,
    name: str,
    meta: dict[str, Any],
    sheet: str,
    first: int,
    fixed: tuple[int, int],
    mapped: list[tuple[int, str]],
) -> tuple[pl.DataFrame, FormLayout, list[Problem]]:
    """The cells of a form's data sheet (``fixed``: the columns of org-unit codes and names):
    numbers exactly as typed, text as text."""
    import polars as pl

    from .numbers import _float_values

    texts = _grid(reader, sheet, first, "string")
    numbers = _grid(reader, sheet, first, "float")
    width = len(texts.columns)
    problems = [
        _unused(name, sheet, first - 1, index + 1, "(no header)")
        for index in range(width)
        if index + 1 not in {c for c, _ in mapped} | set(fixed)
        and texts.to_series(index).str.strip_chars().fill_null("").ne("").any()
    ]
    series: list[tuple[int, str, pl.Series]] = []
    for column, text in mapped:
        if column > width:
            continue
        as_text = texts.to_series(column - 1).cast(pl.String)
        as_number = numbers.to_series(column - 1).cast(pl.Float64)
        exact = _float_values(pl.DataFrame({"value": as_number}))
        written = exact.select(_machine_text()).to_series()
        values = pl.select(
            pl.when(as_number.is_not_null() & written.is_not_null())
            .then(written)
            .otherwise(as_text)
        ).to_series()
        series.append((column, text, values))
    code_column = fixed[0]
    if code_column <= width:
        codes = _text_codes(texts.to_series(code_column - 1))
    else:
        codes = pl.Series([None] * texts.height, dtype=pl.String)
    periods = pl.Series([meta.get("period", "")] * texts.height, dtype=pl.String)
    long, cells = _long(series, codes, periods, first, sheet)
    layout = FormLayout(
        sheet=sheet,
        cells=tuple(cells),
        code_column=code_column,
        header_row=first - 1,
        locale="machine",
        spec=meta.get("spec"),
    )
    return long, layout, problems


def _grid(reader: Any, sheet: str, first: int, dtype: str) -> pl.DataFrame:
    """The data rows of a sheet, every column as ``dtype`` (``string`` or ``float``)."""
    loaded = reader.load_sheet_by_name(
        sheet, header_row=None, skip_rows=first - 1, dtypes=dtype, dtype_coercion="coerce"
    )
    frame: pl.DataFrame = loaded.to_polars()
    return frame


def _machine_text() -> pl.Expr:
    """``num`` with ``dec`` decimals as machine text (``979``, 1 → ``97.9``)."""
    import polars as pl

    num, dec = pl.col("num"), pl.col("dec")
    digits = num.abs().cast(pl.String).str.zfill(dec + 1)
    whole = digits.str.slice(0, digits.str.len_chars() - dec)
    fraction = digits.str.slice(digits.str.len_chars() - dec)
    sign = pl.when(num < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = pl.when(dec > 0).then(sign + whole + "." + fraction).otherwise(sign + whole)
    return pl.when(pl.col("state") == 0).then(text).otherwise(None).alias("value")
