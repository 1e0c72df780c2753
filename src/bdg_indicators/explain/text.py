"""Explanations for people (Vietnamese or English) and as plain data (JSON-ready)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bdg_indicators.describe import (
    describe_level,
    describe_milestone,
    describe_period,
    describe_status,
    display_decimals,
    format_number,
    format_unit,
    level_mark,
)
from bdg_indicators.rules.bounds import DIRECTIONS, direction_of, shown, word
from bdg_indicators.rules.statuses import STATUS_WORDS, Status, reason_text

from .trace import Explanation, SeriesValue

__all__ = ["explanation_dict", "explanation_text"]


def _number(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _exact(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value)


def _series(s: SeriesValue) -> dict[str, Any]:
    return {
        "series": s.series,
        "org_unit": s.org_unit,
        "period": s.period,
        "value": _number(s.value),
        "exact": _exact(s.value),
        "bound": s.bound,
        "how": s.how,
        "rows": [
            {
                "org_unit": r.org_unit,
                "period": r.period,
                "value": _number(r.value),
                "exact": _exact(r.value),
                "file": r.file,
                "row": r.row,
                "source": r.source,
                "bound": r.bound,
            }
            for r in s.rows
        ],
    }


def _shown(case: Explanation) -> str | None:
    if case.value is None:
        return None
    decimals = display_decimals(case.value, case.threshold, case.indicator.decimals)
    return _bounded(case.value, decimals, case.bound, "en")


def _bounded(value: Fraction, decimals: int | None, bound: str | None, lang: str) -> str:
    """A figure with its bound's word in front ("ít nhất 200.000", "tối đa 13,9"), rounded toward
    the bound's safe side."""
    bits = direction_of(bound)
    if not bits:
        return format_number(value, decimals, lang)
    rounded = value if decimals is None else shown(value, decimals, bits)
    return f"{word(bits, lang)} {format_number(rounded, decimals, lang)}"


def _milestone(case: Explanation) -> dict[str, Any] | None:
    if case.milestone is None:
        return None
    indicator = case.indicator
    return {
        "when": case.milestone.when.kind.value,
        "period": str(case.milestone.when.period),
        "until": str(case.milestone.when.until) if case.milestone.when.until else None,
        "text_vi": describe_milestone(case.milestone, indicator, "vi"),
        "text_en": describe_milestone(case.milestone, indicator, "en"),
        "verification": case.target.verification_of(case.milestone).value,
        "note": case.milestone.note,
        "due": case.due,
        "threshold": _number(case.threshold),
        "threshold_exact": _exact(case.threshold),
        "attribute": None
        if case.attribute is None
        else {"name": case.attribute[0], "value": case.attribute[1]},
    }


def _progress(case: Explanation) -> dict[str, Any] | None:
    progress = case.progress
    if progress is None:
        return None
    return {
        "method": progress.method,
        "expected": _number(progress.expected),
        "expected_exact": _exact(progress.expected),
        "ratio": progress.ratio,
        "category": progress.category,
        "baseline_period": str(progress.baseline_period) if progress.baseline_period else None,
        "baseline_value": _number(progress.baseline_value),
        "baseline_inputs": [_series(s) for s in progress.baseline_inputs],
        "goal_value": _number(progress.goal_value),
        "goal_period": str(progress.goal_period) if progress.goal_period else None,
        "note": reason_text(progress.note, None, "en"),
        "note_code": progress.note,
    }


def _changes(case: Explanation) -> list[dict[str, Any]]:
    unit = "percentage_point" if case.indicator.unit == "percent" else case.indicator.unit
    return [
        {
            "against": c.against,
            "period": c.period,
            "value": _number(c.value),
            "absolute": _number(c.absolute),
            "absolute_unit": unit,
            "relative_pct": _number(c.relative),
            "annual_rate_pct": c.annual_rate,
        }
        for c in case.changes
    ]


def _source(case: Explanation) -> dict[str, Any]:
    source = case.target.source_at(case.period)
    return {
        "clause": source.clause,
        "verification": source.verification.value,
        "wording": source.wording,
        "amendment": source.amendment,
        "note": source.note,
        "seen_in": source.seen_in,
        "checked_against": source.checked_against,
        "url": source.url,
    }


def explanation_dict(case: Explanation) -> dict[str, Any]:
    """The explanation as plain data: formula, inputs with their rows, sums over children,
    coverage, value, milestone, verdict, base, progress, change and method versions."""
    indicator = case.indicator
    return {
        "framework": case.spec,
        "goal": case.goal,
        "target": case.target.id,
        "target_label": {"vi": case.target.label.vi, "en": case.target.label.en},
        "source": _source(case),
        "indicator": indicator.id,
        "formula": indicator.formula.text,
        "restriction": dict(case.target.breakdown),
        "org_unit": case.org_unit,
        "org_unit_name": case.org_unit_name,
        "period": str(case.period),
        "inputs": [_series(s) for s in case.inputs],
        "members": [
            {
                "share": m.share,
                "org_unit": m.org_unit,
                "name": m.name,
                "inputs": [_series(s) for s in m.inputs],
            }
            for m in case.members
        ],
        "children": [
            {
                "org_unit": c.org_unit,
                "values": [_number(v) for v in c.values],
                "contributed": c.contributed,
                "covers": c.used,
            }
            for c in case.children
        ],
        "coverage": {"used": case.used, "expected": case.expected, "partial": case.partial},
        "conversion": {
            "formula_unit": indicator.formula_unit,
            "unit": indicator.unit,
            "factor": _exact(indicator.factor),
        },
        "value": _number(case.value),
        "exact_value": _exact(case.value),
        "parts_value": _number(case.parts_value),
        "parts_exact_value": _exact(case.parts_value),
        "bound": case.bound,
        "displayed_value": _shown(case),
        "decimals": indicator.decimals,
        "unit": indicator.unit,
        "status": case.status,
        "reason_code": case.reason_code,
        "reason": reason_text(case.reason_code, case.reason_subject, "en"),
        "milestone": _milestone(case),
        "base": None
        if case.base_period is None
        else {
            "period": str(case.base_period),
            "value": _number(case.base_value),
            "exact": _exact(case.base_value),
            "inputs": [_series(s) for s in case.base_inputs],
        },
        "progress": _progress(case),
        "changes": _changes(case),
        "method": case.method,
        "engine": case.engine,
    }


_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "target": "Chỉ tiêu",
        "formula": "Công thức",
        "inputs": "Số liệu đầu vào",
        "reported": "báo cáo",
        "derived": "cộng từ các kỳ trong kỳ",
        "summed": "cộng từ {n}/{of} đơn vị cấp dưới",
        "missing": "không có",
        "children": "Đơn vị cấp dưới",
        "not_used": "không cộng (thiếu số liệu)",
        "coverage": "Số đơn vị báo cáo được tính",
        "partial": "một phần",
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
        "base_value": "Giá trị kỳ gốc",
        "baseline": "Giá trị ban đầu",
        "factor": "Hệ số quy đổi",
        "row": "dòng",
        "none": "không có mốc nào đến hạn hoặc sắp tới",
        "expected": "kỳ vọng theo lộ trình",
        "source": "Nguồn",
        "seen": "theo",
        "members": "Các đơn vị được đếm trong",
        "parts": "Các đơn vị cấp dưới cộng lại",
        "parts same": "bằng giá trị báo cáo",
        "parts differ": "khác giá trị báo cáo; kết luận theo giá trị báo cáo",
        "note": "ghi chú",
        "no value": "không có giá trị",
        "not due": "chưa đến hạn",
        "attribute": "theo thuộc tính",
        "year": "năm",
        "bound": "giá trị là giới hạn",
    },
    "en": {
        "target": "Target",
        "formula": "Formula",
        "inputs": "Inputs",
        "reported": "reported",
        "derived": "made of the parts of the period",
        "summed": "sum of {n} of {of} org units below",
        "missing": "missing",
        "children": "Org units below",
        "not_used": "not summed (a series is missing)",
        "coverage": "Reporting org units counted",
        "partial": "partial",
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
        "base_value": "Base value",
        "baseline": "Baseline",
        "factor": "Conversion factor",
        "row": "row",
        "none": "no milestone due or ahead",
        "expected": "expected on the trajectory",
        "source": "Source",
        "seen": "seen in",
        "members": "Org units counted by",
        "parts": "The org units below, summed",
        "parts same": "equal to the reported value",
        "parts differ": "differs from the reported value; the verdict is on the reported value",
        "note": "note",
        "no value": "no value",
        "not due": "not yet due",
        "attribute": "by attribute",
        "year": "year",
        "bound": "the value is a bound",
    },
}


def _series_lines(
    series: SeriesValue, case: Explanation, w: dict[str, str], lang: str
) -> list[str]:
    contributed = sum(c.contributed for c in case.children)
    how = w.get(series.how, series.how).format(n=contributed, of=len(case.children))
    shown = (
        w["missing"] if series.value is None else _bounded(series.value, None, series.bound, lang)
    )
    lines = [f"  {series.series} @ {series.org_unit} ({series.period}) = {shown} ({how})"]
    return lines + _row_lines(series, w, lang, "      ")


def _row_lines(series: SeriesValue, w: dict[str, str], lang: str, indent: str) -> list[str]:
    """The data rows a series sums, each with its file, row and source (at most 20)."""
    lines = []
    for row in series.rows[:20]:
        note = f" — {row.source}" if row.source else ""
        lines.append(
            f"{indent}{row.file} {w['row']} {row.row}: {row.org_unit} {row.period} "
            f"{_bounded(row.value, None, row.bound, lang)}{note}"
        )
    if len(series.rows) > 20:
        lines.append(f"{indent}… (+{len(series.rows) - 20})")
    return lines


def _base_lines(case: Explanation, w: dict[str, str], lang: str) -> list[str]:
    """The inputs of the base value, with their rows, as the inputs of the value are shown."""
    lines = []
    for series in case.base_inputs:
        shown = (
            w["missing"]
            if series.value is None
            else _bounded(series.value, None, series.bound, lang)
        )
        lines.append(f"    {series.series} @ {series.org_unit} ({series.period}) = {shown}")
        lines += _row_lines(series, w, lang, "        ")
    return lines


def _member_lines(case: Explanation, w: dict[str, str], lang: str) -> list[str]:
    """The members a share counts: each with what its condition reads (at most 40 shown)."""
    lines: list[str] = []
    shares = dict.fromkeys(m.share for m in case.members)
    for share in shares:
        members = [m for m in case.members if m.share == share]
        lines.append(f"  {w['members']} {share} ({len(members)}):")
        for member in members[:40]:
            values = ", ".join(
                f"{s.series} = "
                + (w["missing"] if s.value is None else _bounded(s.value, None, s.bound, lang))
                for s in member.inputs
            )
            name = f" {member.name}" if member.name else ""
            lines.append(f"    {member.org_unit}{name}: {values}")
        if len(members) > 40:
            lines.append(f"    … (+{len(members) - 40})")
    return lines


def explanation_text(case: Explanation, lang: str = "vi") -> str:
    """The explanation for a person, in Vietnamese (``vi``) or English (``en``)."""
    code = "vi" if lang == "vi" else "en"
    w = _WORDS[code]
    indicator = case.indicator
    unit = format_unit(indicator.unit, code)
    where = case.org_unit  # the code, to type the next command; the name before it if known
    if case.org_unit_name and case.org_unit_name != case.org_unit:
        where = f"{case.org_unit_name} ({case.org_unit})"
    lines = [
        f"{w['target']} {case.target.id}: {case.target.label.text(code)}",
        f"  {where}, {describe_period(case.period, code)}  [{case.spec}]",
    ]
    lines += _source_lines(case, w, code)
    restriction = "".join(f"[{k}={v}]" for k, v in case.target.breakdown)
    lines.append(f"{w['formula']}: {indicator.id}{restriction} = {indicator.formula.text}")
    lines.append(f"{w['inputs']}:")
    for series in case.inputs:
        lines += _series_lines(series, case, w, code)
    lines += _member_lines(case, w, code)
    if case.children:
        lines.append(f"{w['children']}:")
        for child in case.children[:30]:
            values = ", ".join(
                w["missing"] if v is None else format_number(v, None, code) for v in child.values
            )
            mark = "" if child.contributed else f" — {w['not_used']}"
            lines.append(f"  {child.org_unit}: {values}{mark}")
        if len(case.children) > 30:
            lines.append(f"  … (+{len(case.children) - 30})")
    partial = f" ({w['partial']})" if case.partial else ""
    lines.append(f"{w['coverage']}: {case.used}/{case.expected}{partial}")
    lines.append(
        f"{w['factor']}: {indicator.formula_unit} → {indicator.unit} × "
        f"{format_number(indicator.factor, None, code)}"
    )
    if case.value is not None:
        decimals = display_decimals(case.value, case.threshold, indicator.decimals)
        bound = ""
        if case.bound is not None:
            found = DIRECTIONS[direction_of(case.bound)]
            meaning = found.meaning_vi if code == "vi" else found.meaning_en
            bound = f" — {w['bound']}: {meaning}"
        lines.append(
            f"{w['value']}: {_bounded(case.value, decimals, case.bound, code)}{unit} "
            f"({w['exact']}: {_exact(case.value)}; {w['shown']}: {decimals}){bound}"
        )
    else:
        lines.append(f"{w['value']}: {w['no value']}")
    if case.parts_value is not None:
        same = w["parts same"] if case.parts_value == case.value else w["parts differ"]
        shown = format_number(case.parts_value, indicator.decimals + 1, code)
        lines.append(f"  {w['parts']}: {shown}{unit} ({same}; {_exact(case.parts_value)})")
    lines += _milestone_lines(case, w, code, unit)
    status = STATUS_WORDS[code][Status(case.status)].upper()
    reason = reason_text(case.reason_code, case.reason_subject, code)
    lines.append(f"{w['verdict']}: {status}" + (f" — {reason}" if reason else ""))
    lines += _change_lines(case, w, code)
    lines.append(f"{w['method']}: {case.method}; {case.engine}")
    return "\n".join(lines)


def _source_lines(case: Explanation, w: dict[str, str], code: str) -> list[str]:
    """The source of the milestones in force: clause, level, wording, where it was seen, note."""
    source = case.target.source_at(case.period)
    lines = [f"{w['source']}: {source.clause} ({describe_status(source, code)})"]
    if source.wording:
        lines.append(f"  “{source.wording}”")
    where = source.checked_against or source.seen_in
    if where:
        lines.append(f"  {w['seen']}: {where}" + (f" ({source.url})" if source.url else ""))
    if source.note:
        lines.append(f"  {w['note']}: {source.note}")
    return lines


def _milestone_lines(case: Explanation, w: dict[str, str], code: str, unit: str) -> list[str]:
    indicator = case.indicator
    lines = []
    if case.milestone is None:
        lines.append(f"{w['milestone']}: {w['none']}")
        return lines
    due = "" if case.due else f" ({w['not due']})"
    level = case.target.verification_of(case.milestone)
    text = describe_milestone(case.milestone, indicator, code)
    lines.append(
        f"{w['milestone']}: {text}{level_mark(level)}{due}  [{describe_level(level, code)}]"
    )
    if case.milestone.note:
        lines.append(f"  {w['note']}: {case.milestone.note}")
    if case.attribute is not None:
        lines.append(f"  {w['attribute']} {case.attribute[0]} = {case.attribute[1] or '—'}")
    if case.base_period is not None and case.base_value is not None:
        lines.append(
            f"  {w['base_value']} ({describe_period(case.base_period, code)}): "
            f"{format_number(case.base_value, indicator.decimals, code)}{unit}"
        )
        lines += _base_lines(case, w, code)
    if case.threshold is not None:
        lines.append(f"  = {format_number(case.threshold, None, code)}{unit}")
    progress = case.progress
    if progress is not None:
        if progress.baseline_period is not None and progress.baseline_value is not None:
            lines.append(
                f"  {w['baseline']} ({describe_period(progress.baseline_period, code)}): "
                f"{format_number(progress.baseline_value, indicator.decimals, code)}{unit}"
            )
        if progress.expected is not None:
            lines.append(
                f"  {w['expected']}: "
                f"{format_number(progress.expected, indicator.decimals, code)}{unit} "
                f"({progress.baseline_period} → {progress.goal_period})"
            )
        if progress.note:
            lines.append(f"  ({reason_text(progress.note, None, code)})")
        if progress.ratio is not None:
            lines.append(f"  R = {progress.ratio:.3f} ({progress.category})")
    return lines


def _change_lines(case: Explanation, w: dict[str, str], code: str) -> list[str]:
    indicator = case.indicator
    pp = format_unit("percentage_point" if indicator.unit == "percent" else indicator.unit, code)
    lines = []
    for change in case.changes:
        if change.absolute is None:
            continue
        relative = (
            "" if change.relative is None else f", {format_number(change.relative, 1, code)}%"
        )
        rate = (
            ""
            if change.annual_rate is None
            else f", {format_number(Fraction(change.annual_rate), 2, code)}%/{w['year']}"
        )
        lines.append(
            f"{w['change']} {w[change.against]} ({change.period}): "
            f"{'+' if change.absolute >= 0 else ''}"
            f"{format_number(change.absolute, indicator.decimals, code)}{pp}{relative}{rate}"
        )
    return lines
