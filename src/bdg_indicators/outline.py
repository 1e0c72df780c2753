"""A spec as a person reads it: goals, chỉ tiêu, their entries and milestones, each milestone
with its verification level and note, and each source with its clause, wording and note.

[`spec_lines`][bdg_indicators.outline.spec_lines] is what ``bdg show`` prints;
[`unverified_lines`][bdg_indicators.outline.unverified_lines] lists only what was not checked
against the official text (``bdg show --unverified``);
[`id_lines`][bdg_indicators.outline.id_lines] the ids a data file uses (``bdg show --ids``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .describe import describe_level, describe_milestone, level_mark
from .spec import Goal, LegalTarget, Milestone, Source, Spec, Target, Verification

__all__ = ["id_lines", "spec_lines", "unverified_lines"]

_WORDS: dict[str, dict[str, Any]] = {
    "vi": {
        "goal": "Mục tiêu",
        "target": "Chỉ tiêu",
        "entry": "nội dung",
        "extends": "Mở rộng từ",
        "amended": "Sửa đổi bởi",
        "before": "trước sửa đổi",
        "removed": "Chỉ tiêu bỏ",
        "rule": {"any": "đạt khi một nội dung đạt", "readings": "các cách hiểu khác nhau"},
        "note": "ghi chú",
        "figure": "Số liệu (không tính là chỉ tiêu)",
        "seen": "nguồn",
    },
    "en": {
        "goal": "Goal",
        "target": "Target",
        "entry": "entry",
        "extends": "Extends",
        "amended": "Amended by",
        "before": "before amendment",
        "removed": "Removed targets",
        "rule": {"any": "achieved when one entry is", "readings": "alternative readings"},
        "note": "note",
        "figure": "Figure (not a chỉ tiêu)",
        "seen": "seen in",
    },
}


def _w(lang: str) -> dict[str, Any]:
    return _WORDS["vi" if lang == "vi" else "en"]


def spec_lines(spec: Spec, lang: str = "vi") -> Iterator[str]:
    """The whole spec, line by line."""
    words = _w(lang)
    yield f"{spec.title.text(lang)}  [{spec.id}]"
    if spec.document is not None:
        doc = spec.document
        yield f"{doc.number}, {doc.date.strftime('%d/%m/%Y')}, {doc.issuer.text(lang)}"
    if spec.extends:
        yield f"{words['extends']}: {spec.extends}"
    for amendment in spec.amendments:
        doc = amendment.document
        yield f"{words['amended']} {doc.number} ({doc.date:%d/%m/%Y})"
        if amendment.source is not None:
            yield from _source_lines(amendment.source, lang, "  ")
    for goal in spec.goals:
        yield ""
        yield from _goal_lines(spec, goal, lang)
    if spec.removed:
        yield ""
        yield f"{words['removed']}:"
        for removed in spec.removed:
            yield f"  {removed.id}: {removed.reason}"


def _goal_lines(spec: Spec, goal: Goal, lang: str) -> Iterator[str]:
    words = _w(lang)
    yield f"{words['goal']} {goal.id}: {goal.label.text(lang)}"
    if goal.source is not None:
        yield from _source_lines(goal.source, lang, "  ")
    entries = {t.id: t for t in goal.targets}
    for legal in goal.chi_tieu():
        members = [entries[e] for e in legal.entries]
        if len(members) == 1 and legal.label is None and legal.source is None:
            yield from _entry_lines(spec, members[0], lang, "  ", f"{words['target']} ")
            continue
        yield from _legal_head(legal, members, lang)
        for member in members:
            yield from _entry_lines(spec, member, lang, "    ", "")
    for target in goal.targets:
        if not target.counted:
            yield from _entry_lines(spec, target, lang, "  ", f"{words['figure']} ")


def _legal_head(legal: LegalTarget, members: list[Target], lang: str) -> Iterator[str]:
    words = _w(lang)
    label = legal.label.text(lang) if legal.label else members[0].label.text(lang)
    rule = words["rule"]
    how = f" ({rule[legal.rule.value]})" if legal.rule.value in rule else ""
    yield f"  {words['target']} {legal.id}: {label}  [{len(members)} {words['entry']}]{how}"
    if legal.source is not None:
        yield from _source_lines(legal.source, lang, "    ")


def _entry_lines(spec: Spec, target: Target, lang: str, indent: str, word: str) -> Iterator[str]:
    indicator = spec.indicator(target.indicator)
    source = target.source_in_force
    yield f"{indent}{word}{target.id}: {target.label.text(lang)}"
    restriction = "".join(f"[{k}={v}]" for k, v in target.breakdown)
    yield f"{indent}  {indicator.label.text(lang)}{restriction} ({indicator.unit})"
    if target.applies_to is not None:
        yield f"{indent}  {_population(spec, target, lang)}"
    for milestone in target.milestones_in_force:
        yield from _milestone_lines(spec, target, milestone, indicator, lang, indent + "  ")
    if target.amendments and target.milestones:
        original = "; ".join(
            describe_milestone(m, indicator, lang, spec.attributes) for m in target.milestones
        )
        yield f"{indent}  ({_w(lang)['before']}: {original})"
    yield from _source_lines(source, lang, indent + "  ")


def _population(spec: Spec, target: Target, lang: str) -> str:
    """Who the target applies to: "Áp dụng: cấp tỉnh; Nhóm tỉnh: Một trong 14 tỉnh …"."""
    from .rules.statuses import levels_text

    population = target.applies_to
    assert population is not None
    vi = lang == "vi"
    parts = []
    if population.levels:
        parts.append(("cấp " if vi else "level ") + levels_text(population.levels, lang))
    for name, values in population.attributes:
        codes = next((a for a in spec.attributes if a.id == name), None)
        labels = {c.id: c.label.text(lang) for c in codes.values} if codes else {}
        shown = ", ".join(labels.get(v, v) for v in values)
        parts.append(f"{codes.label.text(lang) if codes else name}: {shown}")
    if population.where is not None:
        condition = spec.indicator(population.where).label.text(lang)
        parts.append(("nơi " if vi else "where: ") + condition)
    return ("Áp dụng: " if vi else "Applies to: ") + "; ".join(parts)


def _milestone_lines(
    spec: Spec, target: Target, milestone: Milestone, indicator: object, lang: str, indent: str
) -> Iterator[str]:
    from .spec import Indicator

    assert isinstance(indicator, Indicator)
    level = target.verification_of(milestone)
    text = describe_milestone(milestone, indicator, lang, spec.attributes)
    yield f"{indent}• {text}{level_mark(level)}  [{describe_level(level, lang)}]"
    if milestone.note:
        yield f"{indent}  ({milestone.note})"


def _source_lines(source: Source, lang: str, indent: str) -> Iterator[str]:
    words = _w(lang)
    wording = f" — “{source.wording}”" if source.wording else ""
    yield f"{indent}⤷ {source.clause}{wording}  [{describe_level(source.verification, lang)}]"
    where = source.checked_against or source.seen_in
    if where:
        yield f"{indent}  {words['seen']}: {where}" + (f" ({source.url})" if source.url else "")
    if source.note:
        yield f"{indent}  {words['note']}: {source.note}"


def unverified_lines(spec: Spec, lang: str = "vi") -> Iterator[str]:
    """Everything not checked against the official text: goals, chỉ tiêu entries and
    milestones, each with its level and note."""
    words = _w(lang)
    yield f"{spec.title.text(lang)}  [{spec.id}]"
    for goal in spec.goals:
        if goal.source is None or goal.source.verification is not Verification.OFFICIAL:
            level = goal.source.verification if goal.source else Verification.UNVERIFIED
            note = goal.source.note if goal.source and goal.source.note else ""
            yield f"{words['goal']} {goal.id}  [{describe_level(level, lang)}] {note}".rstrip()
        for target in goal.targets:
            indicator = spec.indicator(target.indicator)
            every = (*target.milestones, *(m for a in target.amendments for m in a.milestones))
            for milestone in every:
                level = target.verification_of(milestone)
                if level is Verification.OFFICIAL:
                    continue
                text = describe_milestone(milestone, indicator, lang, spec.attributes)
                note = milestone.note or target.source_of(milestone).note or ""
                yield f"  {target.id} • {text}{level_mark(level)}  [{describe_level(level, lang)}]"
                if note:
                    yield f"      {note}"


def id_lines(spec: Spec, lang: str = "vi") -> Iterator[str]:
    """The ids a data file and the commands use: data items with their unit, breakdowns and
    allowed values, then indicators with their unit and formula; each with its label."""
    from .describe import format_unit

    vi = lang == "vi"
    yield f"{spec.title.text(lang)}  [{spec.id}]"
    yield ""
    yield "Số liệu báo cáo (data_item):" if vi else "Data items (data_item):"
    codes = {c.id: c for c in spec.breakdowns}
    for item in spec.data_items:
        if item.verdicts_of is not None:  # computed from verdicts, never reported
            continue
        unit = format_unit(item.unit, lang).strip() or item.unit
        yield f"  {item.id}  ({unit})  {item.label.text(lang)}"
        for name in item.breakdowns:
            values = ", ".join(c.id for c in codes[name].values) if name in codes else ""
            yield f"      {name}: {values}"
    yield ""
    yield "Chỉ số (indicator):" if vi else "Indicators (indicator):"
    for indicator in spec.indicators:
        unit = format_unit(indicator.unit, lang).strip() or indicator.unit
        yield f"  {indicator.id}  ({unit})  {indicator.label.text(lang)}"
        yield f"      = {indicator.formula.text}"
