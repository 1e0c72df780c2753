"""The XLSX report: the observations used, and results whose every figure is a live formula.

Three sheets, named in the report's language:

- **results** ("Kết quả"): one row per result, with its goal, target, org unit, period and
  milestone in words; the numerator and the denominator as ``SUMIFS`` over the inputs sheet
  (the org unit's own rows, or those of the org units under it that were summed); the value as
  the indicator's formula in Excel; the threshold; the verdict as an ``IF`` over the comparison
  with the milestone, by integer cross-multiplication where it can be exact; the change against
  the base (or previous) period; and how the row was computed. Every formula is written with the
  engine's value cached, so readers that do not recalculate show the same figures.
- **inputs** ("Số liệu đầu vào"): one row per observation used, with its file and row.
- **about** ("Thông tin"): the stamp (library version, spec and data digests, methods, time)
  and how many figures are formulas and how many plain numbers.

A figure Excel cannot compute exactly as the engine did (a ``share()``, a sum too large to
list, a comparison floating point might decide wrongly) is written as the engine's number, and
the "how computed" column says so. The same rows and stamp give the same bytes.
"""

from __future__ import annotations

import datetime
import importlib
import os
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.describe import (
    describe_milestone,
    describe_period,
    display_decimals,
    format_unit,
)
from bdg_indicators.outputs import safe_cell, write_atomically
from bdg_indicators.rules.progress import LINEAR
from bdg_indicators.rules.statuses import STATUS_WORDS, Status, reason_text

from .xlsx_formulas import (
    Cell,
    Explained,
    Figures,
    InputColumns,
    Tally,
    explain_rows,
    figures,
    scale_text,
    slot_sums,
    verdict_tests,
)

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult
    from bdg_indicators.stamp import Stamp

__all__ = [
    "RESULT_COLUMNS",
    "SHEETS",
    "Workbook",
    "build_workbook",
    "number_format",
    "result_cells",
    "write_workbook",
]

SHEETS = {
    "vi": ("Kết quả", "Số liệu đầu vào", "Thông tin"),
    "en": ("Results", "Inputs", "About"),
}
"""The sheets' names: results, inputs, about."""
RESULT_COLUMNS = (  # key, Vietnamese, English, width
    ("goal", "Mục tiêu", "Goal", 28),
    ("target", "Chỉ tiêu", "Target", 44),
    ("org_unit", "Đơn vị", "Org unit", 22),
    ("period", "Kỳ", "Period", 18),
    ("milestone", "Mốc", "Milestone", 34),
    ("numerator", "Tử số", "Numerator", 14),
    ("denominator", "Mẫu số", "Denominator", 14),
    ("value", "Giá trị", "Value", 14),
    ("threshold", "Ngưỡng", "Threshold", 12),
    ("verdict", "Đánh giá", "Verdict", 16),
    ("compared_period", "Kỳ so sánh", "Compared with", 18),
    ("compared_value", "Giá trị kỳ so sánh", "Value then", 14),
    ("change", "Thay đổi", "Change", 16),
    ("how", "Cách tính", "How computed", 40),
    ("target_id", "Mã chỉ tiêu", "Target id", 10),
    ("org_unit_code", "Mã đơn vị", "Org unit code", 14),
    ("period_code", "Mã kỳ", "Period code", 10),
)
"""The columns of the results sheet; the formulas refer to them by these positions."""
LOCALE = {"vi": "[$-42A]", "en": "[$-409]"}
"""The locale of every number format: Vietnamese shows "97,9%" and "20.000.000 ₫" whatever the
machine's settings."""
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
    inputs, headers, input_cells = _inputs(result, explained, code)
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


NOTES = {
    "vi": {
        "live": "công thức Excel trên trang Số liệu đầu vào",
        "value": "giá trị ghi bằng số: công thức không diễn đạt được trong Excel",
        "share": "giá trị ghi bằng số: share() đếm đơn vị cấp dưới, Excel không tính được",
        "bound": "đánh giá ghi bằng chữ: giá trị là giới hạn (trên, dưới, khoảng)",
        "growth": "đánh giá ghi bằng chữ: phương pháp tăng trưởng của Open SDG",
        "verdict": "đánh giá ghi bằng chữ: giá trị sát ngưỡng, Excel có thể làm tròn sai",
        "compared": "giá trị kỳ so sánh ghi bằng số",
    },
    "en": {
        "live": "Excel formulas over the Inputs sheet",
        "value": "value written as a number: its formula has no Excel form",
        "share": "value written as a number: share() counts org units below, beyond Excel",
        "bound": "verdict written as text: the value is a bound (above, below, about)",
        "growth": "verdict written as text: Open SDG's growth method",
        "verdict": "verdict written as text: the value is too close to the threshold for Excel",
        "compared": "value then written as a number",
    },
}
"""What the "how computed" column says."""
JUDGED = (Status.ACHIEVED, Status.NOT_ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK)


def _total(lang: str) -> str:
    """The breakdown cell of a total (a word no breakdown value id can be)."""
    return "(tổng)" if lang == "vi" else "(total)"


def _value_formula(figs: Figures, shown: Fraction, numerator: str, denominator: str) -> str:
    """The value from its numerator and denominator, in the unit the cell shows."""
    scale = scale_text(figs.scale / shown)
    if figs.condition:
        return f"IF({numerator},1,0){scale}"
    if figs.denominator is None:
        return f"{numerator}{scale}"
    return f"{numerator}/{denominator}{scale}"


def _figure_cells(
    item: Explained, inputs: InputColumns, r: int, lang: str, tally: Tally
) -> tuple[list[Cell], Figures | None, list[Any]]:
    """Numerator, denominator and value cells of row ``r``."""
    case, variant = item.case, item.variant
    unit = variant.indicator.unit
    shown = Fraction(100 if unit == "percent" else 1)
    if case.value is None:
        return [Cell(), Cell(), Cell()], None, []
    slots = slot_sums(inputs, case, variant, _total(lang))
    figs = figures(variant, slots, case.value)
    decimals = display_decimals(case.value, case.threshold, int(item.row["decimals"] or 0))
    value_format = number_format(unit, decimals, lang)
    if figs is None:
        return (
            [Cell(), Cell(), tally.count(Cell.number(case.value / shown, value_format))],
            None,
            [],
        )
    count_format = LOCALE[lang] + "#,##0"
    parts = [Cell(), Cell()]
    if not figs.condition:
        parts[0] = _formula(figs.numerator.text, figs.numerator.value, count_format)
        if figs.denominator is not None:
            parts[1] = _formula(figs.denominator.text, figs.denominator.value, count_format)
    inline = figs.numerator.text if figs.condition else f"F{r}"
    value = _formula(_value_formula(figs, shown, inline, f"G{r}"), case.value / shown, value_format)
    return [tally.count(parts[0]), tally.count(parts[1]), tally.count(value)], figs, slots


def _formula(text: str, cached: Any, number_format: str) -> Cell:
    return Cell(formula="=" + text, cached=float(cached), number_format=number_format)


def _compared_cells(
    item: Explained, inputs: InputColumns, r: int, lang: str, tally: Tally
) -> list[Cell]:
    """The period compared with, its value (a formula where its inputs are on the inputs
    sheet) and the change (in percentage points for a percent)."""
    case, compared, variant = item.case, item.compared, item.variant
    if compared is None or compared.value is None or case.value is None:
        return [Cell(), Cell(), Cell()]
    unit = variant.indicator.unit
    shown = Fraction(100 if unit == "percent" else 1)
    decimals = int(item.row["decimals"] or 0)
    value_format = number_format(unit, decimals, lang)
    figs = figures(variant, slot_sums(inputs, compared, variant, _total(lang)), compared.value)
    if figs is None:
        then = Cell.number(compared.value / shown, value_format)
    else:
        numerator = f"({figs.numerator.text})"
        denominator = f"({figs.denominator.text})" if figs.denominator is not None else ""
        text = _value_formula(
            figs, shown, figs.numerator.text if figs.condition else numerator, denominator
        )
        then = _formula(text, compared.value / shown, value_format)
    change = _formula(
        f"(H{r}-L{r})" + ("*100" if unit == "percent" else ""),
        case.value - compared.value,
        number_format(unit, decimals, lang, change=True),
    )
    period = Cell.text(describe_period(compared.period, lang))
    return [period, tally.count(then), tally.count(change)]


def _why_text(case: Any) -> str:
    """Why a verdict is written as text: a bound, a growth method, or a tie."""
    if case.bound is not None:
        return "bound"
    if case.progress is not None and case.progress.method != LINEAR.id:
        return "growth"
    return "verdict"


def result_cells(
    result: EvaluationResult, item: Explained, inputs: InputColumns, r: int, lang: str, tally: Tally
) -> tuple[Cell, ...]:
    """The cells of one result, on sheet row ``r`` (1-based, as in ``F2``)."""
    case, variant, row = item.case, item.variant, item.row
    indicator = variant.indicator
    goal = next(g for g in result.spec.goals if g.id == case.goal)
    shown = Fraction(100 if indicator.unit == "percent" else 1)
    figure_cells, figs, slots = _figure_cells(item, inputs, r, lang, tally)
    threshold = Cell()
    if case.threshold is not None:
        decimals = display_decimals(case.threshold, None, int(row["decimals"] or 0))
        threshold = Cell.number(
            case.threshold / shown, number_format(indicator.unit, decimals, lang)
        )
    status = Status(case.status)
    words = STATUS_WORDS[lang]
    verdict = Cell.text(words[status])
    notes = []
    tests = None
    if figs is not None:
        tests = verdict_tests(
            case, variant.criteria, figs, (f"F{r}", f"G{r}", f"H{r}"), shown, slots
        )
        notes.append(NOTES[lang]["live"])
    elif case.value is not None:
        notes.append(NOTES[lang]["share" if variant.scope.shares else "value"])
    if tests is not None:
        made, (yes, no) = tests
        test = made[0][0] if len(made) == 1 else "AND(" + ",".join(t for t, _ in made) + ")"
        verdict = Cell(formula=f'=IF({test},"{words[yes]}","{words[no]}")', cached=words[status])
    elif status in JUDGED and case.value is not None:
        notes.append(NOTES[lang][_why_text(case)])
    if status in JUDGED and case.value is not None:
        tally.count(verdict)
    compared = _compared_cells(item, inputs, r, lang, tally)
    if compared[1].value is not None:
        notes.append(NOTES[lang]["compared"])
    reason = reason_text(case.reason_code, case.reason_subject, lang)
    if reason:
        notes.append(reason)
    milestone = describe_milestone(case.milestone, indicator, lang) if case.milestone else ""
    return (
        Cell.text(f"{goal.id}. {goal.label.text(lang)}", wrap=True),
        Cell.text(f"{case.target.id}. {case.target.label.text(lang)}", wrap=True),
        Cell.text(case.org_unit_name or case.org_unit),
        Cell.text(describe_period(case.period, lang)),
        Cell.text(milestone, wrap=True),
        *figure_cells,
        threshold,
        verdict,
        *compared,
        Cell.text("; ".join(notes), wrap=True),
        Cell.text(case.target.id),
        Cell.text(case.org_unit),
        Cell.text(str(case.period)),
    )


def _inputs(
    result: EvaluationResult, explained: Sequence[Explained], lang: str
) -> tuple[InputColumns, tuple[str, ...], tuple[tuple[Cell, ...], ...]]:
    """The inputs sheet: every observation row the explanations use, in file and row order."""
    obs, spec, tree = result.observations, result.spec, result.org_units
    used = {(c.file, c.row) for e in explained for c in e.contributions()}
    order = {name: i for i, name in enumerate(obs.files)}
    total = _total(lang)
    table = obs.table
    records = [r for r in table.iter_rows(named=True) if (r["file"], r["row"]) in used]
    records.sort(key=lambda r: (order.get(r["file"], 0), r["row"]))
    breakdowns = tuple(obs.breakdowns)
    keys = ("data_item", "item_label", "org_unit", "org_unit_name", "period", *breakdowns)
    keys += ("value", "bound", "source", "file", "row")
    letters = {key: _letter(i) for i, key in enumerate(keys)}
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


def _letter(index: int) -> str:
    """The column letter of a 0-based index (A, B, ..., Z, AA, ...)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


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


def _created(stamp: Stamp | None) -> datetime.datetime:
    """The stamp's time in UTC, without its zone (the epoch of zip files without a stamp)."""
    if stamp is None:
        return EPOCH
    when = datetime.datetime.fromisoformat(stamp.made)
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC).replace(tzinfo=None)
    return when


class _Styles:
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


def _write_cell(sheet: Any, styles: _Styles, row: int, column: int, cell: Cell) -> None:
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


def _table(
    sheet: Any,
    styles: _Styles,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
) -> None:
    header = styles(bold=True, wrap=True)
    for column, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(0, column, safe_cell(text), header)
        sheet.set_column(column, column, width)
    for index, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells):
            _write_cell(sheet, styles, index, column, cell)
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)


def _about(sheet: Any, styles: _Styles, workbook: Workbook, stamp: Stamp | None) -> None:
    vi = workbook.lang == "vi"
    tally = workbook.tally
    lines = stamp.lines(workbook.lang) if stamp is not None else []
    lines += [
        ("Ô công thức" if vi else "Formula cells", str(tally.formulas)),
        ("Ô giá trị cố định" if vi else "Constant cells", str(tally.constants)),
    ]
    _table(
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
    # xlsxwriter ships no type information: imported by name, it is Any to mypy either way
    xlsxwriter = importlib.import_module("xlsxwriter")
    workbook = build_workbook(result, rows, lang=lang)
    code = workbook.lang
    names = SHEETS[code]

    def write(temporary: Path) -> None:
        book = xlsxwriter.Workbook(
            str(temporary), {"strings_to_formulas": False, "strings_to_numbers": False}
        )
        book.set_properties({"created": _created(stamp), "title": result.spec.id})
        styles = _Styles(book)
        headers = [vi if code == "vi" else en for _, vi, en, _ in RESULT_COLUMNS]
        widths = [w for *_, w in RESULT_COLUMNS]
        _table(book.add_worksheet(names[0]), styles, headers, workbook.results, widths)
        breakdowns = len(workbook.input_headers) - 10
        input_widths = [14, 30, 14, 24, 10, *[14] * breakdowns, 14, 10, 40, 40, 6]
        _table(
            book.add_worksheet(names[1]),
            styles,
            workbook.input_headers,
            workbook.input_cells,
            input_widths,
        )
        _about(book.add_worksheet(names[2]), styles, workbook, stamp)
        book.close()

    return write_atomically(path, write)
