"""A report as a document: HTML (one self-contained file with inline SVG charts), Markdown,
CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese) and JSON.

HTML and Markdown come from Jinja2 templates (``templates/``), HTML autoescaped; no text is
glued into markup by hand.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.outputs import json_dumps, safe_cell
from bdg_indicators.rules.statuses import STATUS_WORDS

from .charts import attainment_chart, trend_chart
from .model import Part, Report
from .records import record
from .terminal import count_text, headers, hidden_text

if TYPE_CHECKING:
    import jinja2

    from bdg_indicators.evaluation import EvaluationResult

__all__ = ["csv_text", "html_text", "json_text", "markdown_text"]


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("bdg_indicators.report", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    environment.filters["cell"] = _markdown_cell
    environment.globals.update(count_text=count_text, hidden_text=hidden_text)
    return environment


def _markdown_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: no pipe or line break ends it."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _words(report: Report) -> dict[str, str]:
    return {s.value: w for s, w in STATUS_WORDS[report.lang].items()}


@attrs.frozen
class _Charts:
    bars: tuple[tuple[str, Any], ...]
    trends: tuple[tuple[str, Any], ...]


def _charts(report: Report, part: Part) -> _Charts:
    from markupsafe import Markup  # the SVG is matplotlib's, with its text escaped by it

    bars = []
    for section in part.sections:
        for line in section.lines:
            svg = attainment_chart(line, report.lang)
            if svg is not None:
                bars.append((f"{line.target} {line.label}", Markup(svg)))
    trends = [(f"{t.target} {t.label}", Markup(trend_chart(t, report.lang))) for t in part.trends]
    return _Charts(tuple(bars), tuple(trends))


def html_text(report: Report) -> str:
    """The report as one self-contained HTML page: no script, no request for anything (its
    content security policy is ``default-src 'none'``), styles inline, charts as inline SVG."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        headers=headers(report),
        words=_words(report),
        charts=[_charts(report, part) for part in report.parts],
    )


def markdown_text(report: Report) -> str:
    """The report as Markdown: the summary and one table per goal, the stamp at the end."""
    template = _environment().get_template("report.md.j2")
    return template.render(report=report, headers=headers(report))


def _csv_headers(report: Report) -> tuple[str, ...]:
    return (
        (
            "Mục tiêu",
            "Chỉ tiêu",
            "Mã",
            "Nội dung",
            "Đơn vị",
            "Kỳ",
            "Mốc",
            "Cơ sở",
            "Thực hiện",
            "Thay đổi",
            "Kết luận",
        )
        if report.lang == "vi"
        else (
            "Goal",
            "Chỉ tiêu",
            "Target",
            "Label",
            "Org unit",
            "Period",
            "Milestone",
            "Baseline",
            "Actual",
            "Change",
            "Verdict",
        )
    )


def csv_text(report: Report) -> str:
    """The appendix table as CSV, headers and verdicts in the report's language, with a
    byte-order mark; after a blank row, the stamp as (label, text) rows. Every text cell is
    neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_csv_headers(report))
    for part in report.parts:
        for section in part.sections:
            for line in section.lines:
                cells = (
                    f"{section.goal}. {section.name}",
                    line.chi_tieu or "",
                    line.target,
                    line.label,
                    part.org_unit_name,
                    part.period_words,
                    line.milestone,
                    line.baseline,
                    line.actual,
                    line.change,
                    line.verdict,
                )
                writer.writerow(safe_cell(c) for c in cells)
    writer.writerow(())  # a blank row, then the stamp: what made these figures
    for label, text in report.stamp.lines(report.lang):
        writer.writerow((safe_cell(label), safe_cell(text)))
    return "\ufeff" + buffer.getvalue()


def json_text(report: Report, result: EvaluationResult) -> str:
    """The report's results as JSON: the stamp, and the same records as `bdg evaluate --format
    json` (stable English keys and status codes, whatever the report's language)."""
    rows = [
        record(result, line.row)
        for part in report.parts
        for section in part.sections
        for line in section.lines
    ]
    data = {"stamp": report.stamp.to_dict(), "results": rows}
    return json_dumps(data) + "\n"
