"""MkDocs hook: the reference pages of the shipped national frameworks, written from their specs.

Configured under ``hooks:`` in mkdocs.yml, before ``docs/hooks.py`` (and with a higher event
priority, so that the order of the list does not matter). It replaces two markers:

``<!-- bdg:framework SPEC-ID -->``
    The whole page of one framework: its document and amendments, its counts, every goal, chỉ
    tiêu and entry with its indicator, milestones, verification levels, notes and sources, and
    a closing table of the number of milestones at each verification level.
``<!-- bdg:frameworks -->``
    A table of the shipped national frameworks (the specs directly under ``specs/vn/``), with a
    link to each one's page; the build warns when one of them has no page.

The page of a framework is ``reference/frameworks/<id with dots as hyphens>.md``
(:func:`page_name`). :func:`framework_markdown` turns a spec into the page's Markdown; it is
what ``tests/test_docs_frameworks.py`` checks, and needs nothing of MkDocs.

Texts from the specs are Vietnamese first, with the English label in parentheses where the spec
has one; Markdown's special characters in them are escaped (:func:`_text`).
"""

from __future__ import annotations

import logging
import os
import re
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bdg_indicators import Spec
    from bdg_indicators.spec import (
        Amendment,
        Goal,
        IssuingDocument,
        Label,
        Milestone,
        Source,
        Target,
        Verification,
    )

try:
    from mkdocs.plugins import event_priority
except ImportError:  # the tests import this module without MkDocs installed

    def event_priority(priority: float) -> Callable[[Any], Any]:
        return lambda function: function


log = logging.getLogger("mkdocs.hooks.bdg.frameworks")

PAGES_DIR = "reference/frameworks"
"""Where the framework pages live, relative to the docs directory."""

_MARKER = re.compile(r"<!--\s*bdg:(?P<name>frameworks?)\b(?P<body>.*?)-->", re.DOTALL)

# how a chỉ tiêu assessed through several entries is decided (TargetRule's values)
_RULE_WORDS = {
    "all": "achieved when every entry is",
    "any": "achieved when one entry is",
    "readings": (
        "the entries are alternative readings of one unclear text: a verdict only where every "
        "reading gives the same one"
    ),
}
_BETTER_WORDS = {"higher": "higher is better", "lower": "lower is better", "neither": "neither"}


# ------------------------------------------------------------------ mkdocs events


@event_priority(50)  # before docs/hooks.py, which warns about markers it does not know
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    docs_dir = Path(config["docs_dir"])
    where = page.file.src_uri

    def replace(match: re.Match[str]) -> str:
        name, body = match.group("name"), match.group("body").strip()
        try:
            if name == "framework":
                return framework_markdown(_load(body))
            return index_markdown(docs_dir, Path(where).parent.as_posix())
        except Exception as exc:  # report with a location, do not crash the build
            log.warning("%s: `bdg:%s` failed: %s: %s", where, name, type(exc).__name__, exc)
            return match.group(0)

    return _MARKER.sub(replace, markdown)


# ------------------------------------------------------------------ public helpers


def page_name(spec_id: str) -> str:
    """The file name of a framework's page: ``vn-children-2021-2030.md`` for
    ``vn.children.2021-2030``."""
    return spec_id.replace(".", "-") + ".md"


def national_specs() -> list[tuple[str, Path]]:
    """The shipped national frameworks, ``(id, path)``: the specs directly under ``specs/vn/``."""
    from bdg_indicators import shipped_specs
    from bdg_indicators.loading import specs_directory

    national = specs_directory() / "vn"
    return [(s.id, s.path) for s in shipped_specs() if s.path.parent == national]


def milestone_levels(spec: Spec) -> dict[str, tuple[int, int]]:
    """``{level: (original, amended)}``: how many milestones of every entry are at each
    verification level (``target.verification_of``), in the order of ``Verification``."""
    from bdg_indicators import Verification

    counts = {level.value: [0, 0] for level in Verification}
    for _, target in spec.targets():
        for milestone in target.milestones:
            counts[target.verification_of(milestone).value][0] += 1
        for amendment in target.amendments:
            for milestone in amendment.milestones:
                counts[target.verification_of(milestone).value][1] += 1
    return {level: (o, a) for level, (o, a) in counts.items()}


# ------------------------------------------------------------------ text


_SPECIAL = re.compile(r"([\\`*_\[\]{}>|#])")


_CODE_SPAN = re.compile(r"(`[^`]+`)")


def _plain(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;"))


def _text(value: object) -> str:
    """Text from a spec, on one line, with Markdown's special characters escaped; what the
    spec's notes quote between backticks (`` `area` ``) stays code."""
    text = " ".join(str(value).split())
    parts = _CODE_SPAN.split(text)
    return "".join(part if i % 2 else _plain(part) for i, part in enumerate(parts))


def _code(value: str) -> str:
    """An inline code span that survives backticks in ``value``."""
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _label(label: Label | None) -> str:
    """``Vietnamese (English)``, or the Vietnamese alone."""
    if label is None:
        return ""
    if label.en and label.en != label.vi:
        return f"{_text(label.vi)} ({_text(label.en)})"
    return _text(label.vi)


def _english_line(label: Label | None) -> list[str]:
    """The English label in italics on a line of its own, under a heading."""
    if label is None or not label.en or label.en == label.vi:
        return []
    return [f"*{_text(label.en)}*", ""]


def _anchor(kind: str, identifier: str) -> str:
    return kind + "-" + re.sub(r"[^a-z0-9]+", "-", identifier.lower()).strip("-")


def _date(day: Any) -> str:
    return day.strftime("%d/%m/%Y")


def _level(level: Verification, english: bool = True) -> str:
    """``¹ nguyên văn theo nguồn thứ cấp (verbatim in a secondary source)``, the English words
    left out when ``english`` is false."""
    from bdg_indicators.describe import describe_level, level_mark

    mark = level_mark(level)
    words = _text(describe_level(level, "vi"))
    if english:
        words += f" ({_text(describe_level(level, 'en'))})"
    return f"{mark} {words}" if mark else words


def _heading(level: int, kind: str, identifier: str, label: str, anchor: str) -> str:
    """A heading ``Kind `id`: label`` whose entry in the table of contents is ``Kind id``."""
    short = f"{kind} {identifier}".replace('"', "&quot;")
    attributes = f'{{ #{anchor} data-toc-label="{short}" }}'
    return f"{'#' * level} {kind} {_code(identifier)}: {label} {attributes}"


def _cell(text: str) -> str:
    """Already escaped Markdown, for one cell of a table."""
    return text.replace("\n", " ")


# ------------------------------------------------------------------ blocks


def _document_rows(document: IssuingDocument) -> list[str]:
    rows = [
        f"| Number | {_text(document.number)} |",
        f"| Date | {_date(document.date)} |",
        f"| Issuer | {_label(document.issuer)} |",
    ]
    if document.title is not None:
        rows.append(f"| Title | {_label(document.title)} |")
    if document.url:
        rows.append(f"| Text | <{document.url}> |")
    return rows


def _source(source: Source | None, title: str = "Source") -> list[str]:
    """A source as a bold title and a list of its fields."""
    if source is None:
        return [f"**{title}:** none given in the spec.", ""]
    out = [f"**{title}:**", ""]
    out.append(f"- Clause: {_text(source.clause)}")
    if source.wording:
        out.append(f"- Wording: “{_text(source.wording)}”")
    out.append(f"- Verification: {_level(source.verification)}")
    if source.seen_in:
        out.append(f"- Seen in: {_text(source.seen_in)}")
    if source.checked_against:
        out.append(f"- Checked against: {_text(source.checked_against)}")
    if source.url:
        out.append(f"- URL: <{source.url}>")
    if source.note:
        out.append(f"- Note: {_text(source.note)}")
    return [*out, ""]


def _milestones(target: Target, milestones: Iterable[Milestone], spec: Spec) -> list[str]:
    from bdg_indicators.describe import describe_milestone

    indicator = spec.indicator(target.indicator)
    milestones = tuple(milestones)
    if not milestones:
        return []
    noted = any(m.note for m in milestones)
    rows = []
    for milestone in milestones:
        row = (
            f"| {_cell(_text(describe_milestone(milestone, indicator, 'vi')))} "
            f"| {_cell(_level(target.verification_of(milestone), english=False))} |"
        )
        if noted:
            row += f" {_cell(_text(milestone.note) if milestone.note else '')} |"
        rows.append(row)
    if noted:
        return ["| Milestone | Verification | Note |", "|---|---|---|", *rows, ""]
    return ["| Milestone | Verification |", "|---|---|", *rows, ""]


def _indicator(target: Target, spec: Spec) -> list[str]:
    indicator = spec.indicator(target.indicator)
    formula = indicator.formula.text
    out = [
        f"- Indicator: {_label(indicator.label)}, {_code(indicator.id)}",
        f"- Unit: {_code(indicator.unit)}; {_BETTER_WORDS[indicator.better.value]}",
    ]
    if len(formula) <= 90:
        out.append(f"- Formula: {_code(formula)}")
    else:  # a long formula (a score's sum of criteria) reads better as a block
        lines = textwrap.wrap(formula, 88, break_long_words=False, break_on_hyphens=False)
        out += ["- Formula:", "", "    ```text", *(f"    {line}" for line in lines), "    ```", ""]
    if indicator.criteria:
        out.append(f"- Criteria ({len(indicator.criteria)}):")
        for number, item_id in enumerate(indicator.criteria, 1):
            item = spec.data_item(item_id)
            out.append(f"    {number}. {_label(item.label)}, {_code(item_id)}")
    if target.breakdown:
        parts = []
        for breakdown_id, value_id in target.breakdown:
            breakdown = spec.breakdown(breakdown_id)
            values = {code.id: code.label for code in breakdown.values}
            value = _label(values[value_id]) if value_id in values else _text(value_id)
            parts.append(
                f"{_label(breakdown.label)} = {value} ({_code(f'{breakdown_id}={value_id}')})"
            )
        out.append("- Breakdown restriction: " + "; ".join(parts))
    return [*out, ""]


def _entry(target: Target, spec: Spec, documents: dict[str, Amendment]) -> list[str]:
    out = _indicator(target, spec)
    if target.milestones:
        out += ["**Milestones:**", "", *_milestones(target, target.milestones, spec)]
    elif target.amendments:
        out += ["**Milestones:** none in the original document (set by its amendment).", ""]
    else:
        out += ["**Milestones:** none: the spec gives no value to judge this entry against.", ""]
    out += _source(target.source)
    for change in target.amendments:
        amendment = documents.get(change.amendment)
        name = _text(amendment.document.number) if amendment else _text(change.amendment)
        link = f"[{name}](#{_anchor('amendment', change.amendment)})"
        effective = f", governing periods that end on or after {_date(change.effective)}"
        out += [
            f"**Amended by {link}**{effective if change.effective else ''}:",
            "",
            *(
                _milestones(target, change.milestones, spec)
                or ["No milestones: after it, none of this entry's milestones is in force.", ""]
            ),
            *_source(change.source, f"Source of the amendment ({name})"),
        ]
    return out


def _goal(goal: Goal, spec: Spec, documents: dict[str, Amendment]) -> list[str]:
    out = [
        _heading(2, "Mục tiêu", goal.id, _text(goal.label.vi), _anchor("goal", goal.id)),
        "",
        *_english_line(goal.label),
        *_source(goal.source, "Source of the goal"),
    ]
    for legal in goal.chi_tieu():
        entries = [spec.target(entry_id) for entry_id in legal.entries]
        own = len(entries) == 1 and entries[0].id == legal.id
        label = legal.label if legal.label is not None else entries[0].label
        out += [
            _heading(3, "Chỉ tiêu", legal.id, _text(label.vi), _anchor("chi-tieu", legal.id)),
            "",
            *_english_line(label),
        ]
        if own:
            out += _entry(entries[0], spec, documents)
            continue
        listed = ", ".join(f"[{_code(t.id)}](#{_anchor('entry', t.id)})" for t in entries)
        out += [
            f"Assessed through {len(entries)} entries ({listed}); rule {_code(legal.rule.value)}: "
            f"{_RULE_WORDS[legal.rule.value]}.",
            "",
        ]
        if legal.source is not None:
            out += _source(legal.source, "Source of the chỉ tiêu")
        for target in entries:
            out += [
                _heading(
                    4,
                    "Entry",
                    _text(target.id),
                    _text(target.label.vi),
                    _anchor("entry", target.id),
                ),
                "",
                *_english_line(target.label),
                *_entry(target, spec, documents),
            ]
    # entries no chỉ tiêu lists: figures reported beside the chỉ tiêu (`counted: false`)
    listed = {entry_id for legal in goal.chi_tieu() for entry_id in legal.entries}
    for target in goal.targets:
        if target.id in listed:
            continue
        out += [
            _heading(3, "Entry", target.id, _text(target.label.vi), _anchor("entry", target.id)),
            "",
            *_english_line(target.label),
            "Reported beside the chỉ tiêu and evaluated, but not counted as one.",
            "",
            *_entry(target, spec, documents),
        ]
    return out


def _levels_table(spec: Spec) -> list[str]:
    from bdg_indicators import Verification

    levels = milestone_levels(spec)
    rows = []
    for level in Verification:
        original, amended = levels[level.value]
        rows.append(
            f"| {_code(level.value)} | {_level(level)} | {original} | {amended} "
            f"| {original + amended} |"
        )
    original = sum(o for o, _ in levels.values())
    amended = sum(a for _, a in levels.values())
    return [
        "## Verification of the milestones { #verification }",
        "",
        "Every milestone of every entry, in the original document and in its amendments, by the "
        "level it was checked to (its own level, or that of the source it belongs to).",
        "",
        "| Level | Meaning | Original | Amended | Total |",
        "|---|---|--:|--:|--:|",
        *rows,
        f"| **Total** | | {original} | {amended} | {original + amended} |",
        "",
    ]


# ------------------------------------------------------------------ pages


def _load(spec_id: str) -> Spec:
    from bdg_indicators import load_spec

    return load_spec(spec_id)


def framework_markdown(spec: Spec) -> str:
    """The reference page of one framework, in Markdown."""
    from bdg_indicators.describe import describe_period, level_legend

    documents = {a.id: a for a in spec.amendments}
    out = [f"# {_text(spec.title.vi)}", "", *_english_line(spec.title)]
    out += [
        '!!! info "Generated from the spec"',
        "",
        f"    This page is written from the spec {_code(spec.id)} each time the documentation "
        "is built: to change it, change the spec. Marks of verification levels: "
        f"{_text(level_legend('vi'))} ({_text(level_legend('en'))}); no mark: checked against "
        "the official text.",
        "",
        "## Document { #document }",
        "",
        "| | |",
        "|---|---|",
        f"| Spec | {_code(spec.id)} |",
    ]
    if spec.document is not None:
        out += _document_rows(spec.document)
    if spec.span is not None:
        out.append(f"| Period | {_text(describe_period(spec.span, 'vi'))} |")
    out.append("")

    if spec.amendments:
        out += ["### Amendments { #amendments }", ""]
        for amendment in spec.amendments:
            document = amendment.document
            out += [
                f"#### {_text(document.number)}, {_date(document.date)} "
                f"{{ #{_anchor('amendment', amendment.id)} }}",
                "",
                "| | |",
                "|---|---|",
                f"| Id | {_code(amendment.id)} |",
                *_document_rows(document),
                "",
            ]
            if amendment.note:
                out += [_text(amendment.note), ""]
            out += _source(amendment.source, "Source of the amendment")

    counts = spec.counts()
    out += [
        "## Counts { #counts }",
        "",
        "As the document counts them: a chỉ tiêu may be assessed through several entries (one "
        "per indicator it sets a value for); criteria are those of score rules.",
        "",
        "| Goals (mục tiêu) | Chỉ tiêu | Entries | Criteria |",
        "|--:|--:|--:|--:|",
        f"| {counts.goals} | {counts.targets} | {counts.entries} | {counts.criteria} |",
        "",
    ]
    if spec.removed:
        out += ["Targets of the extended spec removed here:", ""]
        out += [f"- {_code(r.id)} (goal {_text(r.goal)}): {_text(r.reason)}" for r in spec.removed]
        out.append("")

    for goal in spec.goals:
        out += _goal(goal, spec, documents)
    out += _levels_table(spec)
    return "\n".join(out).rstrip("\n") + "\n"


def index_markdown(docs_dir: Path, page_dir: str) -> str:
    """The table of the shipped national frameworks, linking to their pages (relative to the
    page in ``page_dir``); warns for a framework without a page."""
    from bdg_indicators.loading import specs_directory

    out = [
        "| Framework | Document | Goals | Chỉ tiêu | Entries | Criteria | Spec file |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for spec_id, path in national_specs():
        spec = _load(spec_id)
        name = page_name(spec_id)
        if not (docs_dir / PAGES_DIR / name).is_file():
            log.warning(
                "the shipped framework %s has no page: add %s/%s with `<!-- bdg:framework %s -->` "
                "and list it in mkdocs.yml's nav",
                spec_id,
                PAGES_DIR,
                name,
                spec_id,
            )
        target = os.path.relpath(f"{PAGES_DIR}/{name}", page_dir or ".").replace(os.sep, "/")
        document = spec.document
        when = f"{_text(document.number)}, {_date(document.date)}" if document else ""
        counts = spec.counts()
        out.append(
            f"| [{_text(spec.title.vi)}]({target}) ({_code(spec_id)}) | {when} "
            f"| {counts.goals} | {counts.targets} | {counts.entries} | {counts.criteria} "
            f"| {_code(path.relative_to(specs_directory()).as_posix())} |"
        )
    return "\n".join(out) + "\n"
