"""Explanations: every step of one result, as data (JSON-ready) or as text for a person."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .cases import CaseResult
from .describe import describe_milestone, describe_status, format_number, format_unit

__all__ = ["explanation_dict", "explanation_text"]


def _number(value: Fraction | bool | None) -> Any:
    if value is None or isinstance(value, bool):
        return value
    return float(value)


def _exact(value: Fraction | bool | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value).lower()
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value)


def explanation_dict(case: CaseResult) -> dict[str, Any]:
    """The explanation as plain data: formula, inputs with their rows, value, milestone, verdict,
    change and method versions."""
    indicator = case.variant.indicator
    verdict = case.verdict
    source = case.target.source_at(case.period)
    milestone = verdict.milestone
    progress = verdict.progress
    return {
        "framework": case.spec,
        "goal": case.goal,
        "target": case.target.id,
        "target_label": {"vi": case.target.label.vi, "en": case.target.label.en},
        "source": {
            "clause": source.clause,
            "status": source.status.value,
            "wording": source.wording,
            "amendment": source.amendment,
        },
        "indicator": indicator.id,
        "formula": indicator.formula.text,
        "restriction": dict(case.target.breakdown),
        "org_unit": case.org_unit,
        "period": str(case.period),
        "inputs": [
            {
                "series": s.series,
                "org_unit": s.org_unit,
                "value": _number(s.value),
                "exact": _exact(s.value),
                "how": s.how,
                "children": s.children,
                "of": s.of,
                "rows": [
                    {
                        "org_unit": r.org_unit,
                        "period": r.period,
                        "value": _number(r.value),
                        "file": r.file,
                        "row": r.row,
                        "source": r.source,
                    }
                    for r in s.rows
                ],
            }
            for s in case.inputs
        ],
        "conversion": {
            "formula_unit": indicator.formula_unit,
            "unit": indicator.unit,
            "factor": _exact(indicator.factor),
        },
        "value": _number(case.value),
        "exact_value": _exact(case.value),
        "displayed_value": None
        if not isinstance(case.value, Fraction)
        else format_number(case.value, indicator.decimals, "en"),
        "decimals": indicator.decimals,
        "unit": indicator.unit,
        "reason": case.reason,
        "milestone": None
        if milestone is None
        else {
            "when": milestone.when.kind.value,
            "period": str(milestone.when.period),
            "until": str(milestone.when.until) if milestone.when.until else None,
            "text_vi": describe_milestone(milestone, indicator, "vi"),
            "text_en": describe_milestone(milestone, indicator, "en"),
            "due": verdict.due,
            "threshold": _number(verdict.threshold),
            "threshold_exact": _exact(verdict.threshold),
            "attribute_value": case.attribute_value,
        },
        "status": verdict.status.value,
        "status_reason": verdict.reason,
        "progress": None
        if progress is None
        else {
            "method": progress.method,
            "on_track": progress.on_track,
            "expected": _number(progress.expected),
            "ratio": progress.ratio,
            "category": progress.category,
            "baseline_period": str(progress.baseline_period) if progress.baseline_period else None,
            "baseline_value": _number(progress.baseline_value),
            "goal_value": _number(progress.goal_value),
            "goal_period": str(progress.goal_period) if progress.goal_period else None,
            "note": progress.note,
        },
        "changes": [
            {
                "against": c.against,
                "period": c.period,
                "value": _number(c.value),
                "absolute": _number(c.absolute),
                "absolute_unit": "percentage_point"
                if indicator.unit == "percent"
                else indicator.unit,
                "relative_pct": _number(c.relative),
                "annual_rate_pct": c.annual_rate,
            }
            for c in case.changes
        ],
        "method": case.method,
        "engine": case.engine,
    }


_WORDS: dict[str, dict[str, Any]] = {
    "vi": {
        "target": "Chỉ tiêu",
        "formula": "Công thức",
        "inputs": "Số liệu đầu vào",
        "reported": "báo cáo",
        "sum": "cộng từ {n}/{of} đơn vị cấp dưới",
        "missing": "không có",
        "value": "Giá trị",
        "exact": "chính xác",
        "shown": "hiển thị, số thập phân",
        "milestone": "Mốc",
        "verdict": "Kết luận",
        "change": "Thay đổi",
        "method": "Phương pháp",
        "previous": "so với kỳ trước",
        "previous_year": "so với cùng kỳ năm trước",
        "base": "so với kỳ gốc",
        "factor": "Hệ số quy đổi",
        "row": "dòng",
        "none": "không có mốc nào đến hạn hoặc sắp tới",
        "expected": "kỳ vọng theo lộ trình",
        "source": "Nguồn",
        "no value": "không có giá trị",
        "status": {
            "achieved": "ĐẠT",
            "not_achieved": "KHÔNG ĐẠT",
            "on_track": "ĐÚNG TIẾN ĐỘ",
            "off_track": "CHẬM TIẾN ĐỘ",
            "no_data": "KHÔNG CÓ SỐ LIỆU",
            "not_applicable": "KHÔNG ÁP DỤNG",
        },
    },
    "en": {
        "target": "Target",
        "formula": "Formula",
        "inputs": "Inputs",
        "reported": "reported",
        "sum": "sum of {n} of {of} org unit{s} below",
        "missing": "missing",
        "value": "Value",
        "exact": "exact",
        "shown": "decimals shown",
        "milestone": "Milestone",
        "verdict": "Verdict",
        "change": "Change",
        "method": "Method",
        "previous": "against the previous period",
        "previous_year": "against the same period of the previous year",
        "base": "against the base period",
        "factor": "Conversion factor",
        "row": "row",
        "none": "no milestone due or ahead",
        "expected": "expected on the trajectory",
        "source": "Source",
        "no value": "no value",
        "status": {
            "achieved": "ACHIEVED",
            "not_achieved": "NOT ACHIEVED",
            "on_track": "ON TRACK",
            "off_track": "OFF TRACK",
            "no_data": "NO DATA",
            "not_applicable": "NOT APPLICABLE",
        },
    },
}


def explanation_text(case: CaseResult, lang: str = "vi") -> str:
    """The explanation for a person, in Vietnamese (``vi``) or English (``en``)."""
    code = "vi" if lang == "vi" else "en"
    w = _WORDS[code]
    indicator = case.variant.indicator
    unit = format_unit(indicator.unit, code)
    lines = [
        f"{w['target']} {case.target.id}: {case.target.label.text(code)}",
        f"  {case.org_unit}, {case.period}  [{case.spec}]",
    ]
    source = case.target.source_at(case.period)
    lines.append(f"{w['source']}: {source.clause} ({describe_status(source, code)})")
    restriction = "".join(f"[{k}={v}]" for k, v in case.target.breakdown)
    lines.append(f"{w['formula']}: {indicator.id}{restriction} = {indicator.formula.text}")
    lines.append(f"{w['inputs']}:")
    for series in case.inputs:
        plural = "" if series.children == 1 else "s"
        how = (
            w[series.how].format(n=series.children, of=series.of, s=plural)
            if series.how in w
            else series.how
        )
        shown = w["missing"] if series.value is None else format_number(series.value, None, code)
        lines.append(f"  {series.series} @ {series.org_unit} = {shown} ({how})")
        for row in series.rows[:20]:
            note = f" — {row.source}" if row.source else ""
            where = f"{row.file} {w['row']} {row.row}: " if row.file is not None else ""
            lines.append(
                f"      {where}{row.org_unit} {format_number(row.value, None, code)}{note}"
            )
        if len(series.rows) > 20:
            lines.append(f"      … (+{len(series.rows) - 20})")
    lines.append(
        f"{w['factor']}: {indicator.formula_unit} → {indicator.unit} × "
        f"{format_number(indicator.factor, None, code)}"
    )
    if isinstance(case.value, Fraction):
        lines.append(
            f"{w['value']}: {format_number(case.value, indicator.decimals, code)}{unit} "
            f"({w['exact']}: {_exact(case.value)}; {w['shown']}: "
            f"{indicator.decimals})"
        )
    else:
        lines.append(
            f"{w['value']}: {case.value if case.value is not None else w['no value']}"
            + (f" ({case.reason})" if case.reason else "")
        )
    verdict = case.verdict
    if verdict.milestone is not None:
        due = "" if verdict.due else (" (chưa đến hạn)" if code == "vi" else " (not yet due)")
        lines.append(
            f"{w['milestone']}: {describe_milestone(verdict.milestone, indicator, code)}{due}"
        )
    else:
        lines.append(f"{w['milestone']}: {w['none']}")
    if verdict.progress is not None and verdict.progress.expected is not None:
        lines.append(
            f"  {w['expected']}: "
            f"{format_number(verdict.progress.expected, indicator.decimals, code)}{unit} "
            f"({verdict.progress.baseline_period} → {verdict.progress.goal_period})"
        )
    if verdict.progress is not None and verdict.progress.note:
        lines.append(f"  ({verdict.progress.note})")
    if verdict.progress is not None and verdict.progress.ratio is not None:
        lines.append(f"  R = {verdict.progress.ratio:.3f} ({verdict.progress.category})")
    status = w["status"][verdict.status.value]
    lines.append(f"{w['verdict']}: {status}" + (f" — {verdict.reason}" if verdict.reason else ""))
    pp = format_unit("percentage_point" if indicator.unit == "percent" else indicator.unit, code)
    for change in case.changes:
        if change.absolute is None:
            continue
        relative = (
            "" if change.relative is None else f", {format_number(change.relative, 1, code)}%"
        )
        rate = (
            ""
            if change.annual_rate is None
            else f", {format_number(Fraction(change.annual_rate), 2, code)}%/"
            + ("năm" if code == "vi" else "year")
        )
        lines.append(
            f"{w['change']} {w[change.against]} ({change.period}): "
            f"{'+' if change.absolute >= 0 else ''}"
            f"{format_number(change.absolute, indicator.decimals, code)}{pp}"
            f"{relative}{rate}"
        )
    lines.append(f"{w['method']}: {case.method}; {case.engine}")
    return "\n".join(lines)
