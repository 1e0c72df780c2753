"""Reading the sources of observations: CSV, Excel and Parquet files, or any dataframe."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators._yaml import decode_text
from bdg_indicators.errors import Location, ObservationError, Problem, Severity

from .form_cells import FormLayout, is_wide_csv, read_wide_csv, read_workbook_form

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Source", "display_name", "read_source"]


@attrs.frozen
class Source:
    """One table read: its rows (``None`` if unreadable), its name, its first data row and, for
    a filled form, its layout."""

    frame: pl.DataFrame | None
    """The rows (``None``: the table cannot be read)."""
    name: str
    """The table, as named in messages."""
    first_row: int
    """The number of the first data row."""
    problems: tuple[Problem, ...] = ()
    """Problems of the whole table."""
    layout: FormLayout | None = None
    """Where a filled form's rows are (``None``: not a form, rows are lines of the file)."""


def display_name(path: Path) -> str:
    """How a file is named in messages: data shipped with the package relative to it."""
    package = Path(__file__).resolve().parent.parent
    try:
        return "bdg_indicators/" + path.resolve().relative_to(package).as_posix()
    except ValueError:
        return os.fspath(path)


_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _separator(text: str, suffix: str, name: str) -> tuple[str, list[Problem]]:
    """The separator of a CSV file, from its header line (Excel under a Vietnamese locale writes
    `;`), with a note when it is not the expected one."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    expected = "\t" if suffix == ".tsv" else ","
    found = max(counts, key=lambda s: (counts[s], s == expected))
    if counts[found] == 0 or found == expected:
        return expected, []
    note = Problem(
        code="csv-separator",
        message=f"the file separates columns with a {_SEPARATORS[found]} "
        f"(`{found if found != chr(9) else 'tab'}`), not a {_SEPARATORS[expected]}; "
        "it is read that way",
        location=Location(file=name, line=1),
        severity=Severity.WARNING,
        hint="Excel under a Vietnamese locale saves CSV with `;`: nothing to do unless the "
        "columns look wrong",
    )
    return found, [note]


def _read_path(path: Path, sheet: str | None) -> Source:
    import polars as pl

    name = display_name(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        text, problems = decode_text(path.read_bytes(), name)
        if text is None:
            return Source(None, name, 2, tuple(problems))
        separator, notes = _separator(text, suffix, name)
        frame = pl.read_csv(io.StringIO(text), infer_schema=False, separator=separator)
        if is_wide_csv(frame):  # a form: one row per org unit, one column per series
            frame, layout, found = read_wide_csv(frame, name)
            return Source(frame, name, 1, (*problems, *notes, *found), layout)
        return Source(frame, name, 2, (*problems, *notes))
    if suffix == ".xlsx" and (form_read := read_workbook_form(path, name)) is not None:
        frame_or_none, layout, found = form_read  # a form made by `bdg template`
        return Source(frame_or_none, name, 1, tuple(found), layout)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        frame = pl.read_excel(path, sheet_name=sheet) if sheet else pl.read_excel(path)
        return Source(frame, name, 2)
    if suffix == ".parquet":
        return Source(pl.read_parquet(path), name, 1)
    problem = Problem(
        code="unreadable-file",
        message=f"unknown table format `{suffix or '(none)'}`",
        location=Location(file=name),
        hint="use .csv, .xlsx or .parquet",
    )
    return Source(None, name, 1, (problem,))


def read_source(source: Any, sheet: str | None) -> Source:
    """A path or a dataframe as a Polars frame, with the number of its first data row (a
    spreadsheet's header is row 1, so its first data row is 2)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return _read_path(path, sheet)
        except FileNotFoundError:
            problem = Problem(
                code="file-not-found",
                message="no such file",
                location=Location(file=display_name(path)),
            )
            return Source(None, display_name(path), 1, (problem,))
        except Exception as exc:  # readers raise many types for damaged files
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problem = Problem(
                code="unreadable-file", message=message, location=Location(file=display_name(path))
            )
            return Source(None, display_name(path), 1, (problem,))
    import narwhals as nw

    try:
        native = nw.from_native(source)
        if isinstance(native, nw.LazyFrame):
            frame = native.collect(backend="polars").to_native()
        else:
            frame = native.to_polars()
    except TypeError:
        raise ObservationError(
            [
                Problem(
                    code="unreadable-file",
                    message=f"{type(source).__name__} is not a dataframe or a path",
                    location=Location(file="<dataframe>"),
                )
            ]
        ) from None
    return Source(frame, "<dataframe>", 1)
