"""The results sheet of the XLSX report: one row per result, its figures as formulas over the
inputs sheet (the engine's value cached), its verdict as an ``IF``, the change against the
period it is compared with, and how the row was computed."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bdg_indicators.describe import describe_milestone, describe_period, display_decimals
from bdg_indicators.rules.progress import LINEAR
from bdg_indicators.rules.statuses import STATUS_WORDS, Status, reason_text

from .cells import LOCALE, Cell, Tally, number_format
from .explanations import Explained
from .figures import Figures, figures, slot_sums
from .formulas import scale_text
from .inputs import InputColumns, total_word
from .verdicts import verdict_tests

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult

__all__ = ["JUDGED", "NOTES", "RESULT_COLUMNS", "result_cells"]

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
    slots = slot_sums(inputs, case, variant, total_word(lang))
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
    figs = figures(variant, slot_sums(inputs, compared, variant, total_word(lang)), compared.value)
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
