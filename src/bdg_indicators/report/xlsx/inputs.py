"""The inputs sheet of the XLSX report: every observation row the results use, in file and row
order, and where each of its columns is, for the ``SUMIFS`` that refer to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .cells import LOCALE, Cell, column_letter, number_format
from .explanations import Explained
from .sheets import SHEETS

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult

__all__ = ["FIXED", "InputColumns", "input_sheet", "input_widths", "total_word"]

FIXED = frozenset(
    {"data_item", "item_label", "org_unit", "org_unit_name", "period", "value", "bound"}
    | {"source", "file", "row"}
)
"""The columns of the inputs sheet other than the breakdowns."""


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


def total_word(lang: str) -> str:
    """The breakdown cell of a total (a word no breakdown value id can be)."""
    return "(tổng)" if lang == "vi" else "(total)"


def input_sheet(
    result: EvaluationResult, explained: Sequence[Explained], lang: str
) -> tuple[InputColumns, tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    """The inputs sheet: every observation row the explanations use, in file and row order."""
    obs, spec, tree = result.observations, result.spec, result.org_units
    used = {(c.file, c.row) for e in explained for c in e.contributions()}
    order = {name: i for i, name in enumerate(obs.files)}
    total = total_word(lang)
    table = obs.table
    records = [r for r in table.iter_rows(named=True) if (r["file"], r["row"]) in used]
    records.sort(key=lambda r: (order.get(r["file"], 0), r["row"]))
    breakdowns = tuple(obs.breakdowns)
    keys = ("data_item", "item_label", "org_unit", "org_unit_name", "period", *breakdowns)
    keys += ("value", "bound", "source", "file", "row")
    letters = {key: column_letter(i) for i, key in enumerate(keys)}
    rows: list[dict[str, Any]] = []
    cells: list[tuple[Cell, ...]] = []
    for record in records:
        item = spec.data_item(record["data_item"])
        value = obs.value(record["data_item"], record["num"])
        row = {
            "data_item": record["data_item"],
            "org_unit": record["org_unit"],
            "period": record["period"],
            **{b: record[b] or total for b in breakdowns},
            "value": value,
        }
        rows.append(row)
        unit = record["org_unit"]
        name = tree[unit].name if tree is not None and unit in tree else unit
        scale = obs.scales.get(record["data_item"], 0)
        cells.append(
            (
                Cell.text(record["data_item"]),
                Cell.text(item.label.text(lang)),
                Cell.text(unit),
                Cell.text(name),
                Cell.text(record["period"]),
                *(Cell.text(row[b]) for b in breakdowns),
                Cell.number(value, number_format(item.unit, scale, lang)),
                Cell.text(record.get("bound") or ""),
                Cell.text(record["source"] or ""),
                Cell.text(record["file"]),
                Cell.number(record["row"], LOCALE[lang] + "0"),
            )
        )
    columns = InputColumns(
        sheet=SHEETS[lang][1], first=2, last=len(rows) + 1, columns=letters, rows=tuple(rows)
    )
    headers = _input_headers(result, breakdowns, lang)
    return columns, headers, tuple(cells)


def _input_headers(
    result: EvaluationResult, breakdowns: Sequence[str], lang: str
) -> tuple[str, ...]:
    vi = lang == "vi"
    words = [
        ("Mã số liệu", "Data item"),
        ("Tên số liệu", "Data item label"),
        ("Mã đơn vị", "Org unit code"),
        ("Đơn vị", "Org unit"),
        ("Kỳ", "Period"),
    ]
    head = [w[0] if vi else w[1] for w in words]
    head += [result.spec.breakdown(b).label.text(lang) for b in breakdowns]
    tail = [("Giá trị", "Value"), ("Giới hạn", "Bound"), ("Nguồn", "Source")]
    tail += [("Tệp", "File"), ("Dòng", "Row")]
    return (*head, *(w[0] if vi else w[1] for w in tail))


def input_widths(headers: Sequence[str]) -> list[int]:
    """The widths of the inputs sheet's columns, the breakdowns among them."""
    breakdowns = len(headers) - 10
    return [14, 30, 14, 24, 10, *[14] * breakdowns, 14, 10, 40, 40, 6]
