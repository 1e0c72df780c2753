"""A report in the terminal (rich): per org unit and period, the count of chỉ tiêu achieved,
then the goal › chỉ tiêu table with coloured verdicts, wrapped to the terminal's width."""

from __future__ import annotations

from typing import Any

from .model import GoalSection, Part, Report, Tally

__all__ = ["print_report"]

_STYLES = {
    "achieved": "bold green",
    "on_track": "green",
    "not_achieved": "bold red",
    "off_track": "yellow",
    "undetermined": "magenta",
}


def headers(report: Report) -> tuple[str, ...]:
    """The columns of the appendix table, in the report's language."""
    return (
        ("Chỉ tiêu", "Mốc", "Cơ sở", "Thực hiện", "Thay đổi", "Kết luận")
        if report.lang == "vi"
        else ("Target", "Milestone", "Baseline", "Actual", "Change", "Verdict")
    )


def heading(report: Report, part: Part) -> str:
    """ "Huyện Ngọc Hồi, 6 tháng đầu năm 2020"."""
    return f"{part.org_unit_name}, {part.period_words}"


def count_text(tally: Tally, lang: str = "vi") -> str:
    """ "5/8 chỉ tiêu đạt (trong số đã đánh giá); 1 chậm tiến độ": the chỉ tiêu achieved of those
    assessed, and those on or off track or undetermined where there are any."""
    from bdg_indicators.rules.statuses import STATUS_WORDS, Status
    from bdg_indicators.rules.tally import UNDETERMINED_WORDS

    vi = lang == "vi"
    words = STATUS_WORDS["vi" if vi else "en"]
    if tally.assessed:
        text = (
            f"{tally.achieved}/{tally.assessed} chỉ tiêu đạt (trong số đã đánh giá)"
            if vi
            else f"{tally.achieved}/{tally.assessed} targets achieved (of those assessed)"
        )
    else:
        text = "chưa có chỉ tiêu nào đến hạn đánh giá" if vi else "no target due for assessment"
    others = [
        (tally.on_track, words[Status.ON_TRACK]),
        (tally.off_track, words[Status.OFF_TRACK]),
        (tally.undetermined, UNDETERMINED_WORDS["vi" if vi else "en"]),
    ]
    return "; ".join([text, *(f"{n} {w.lower()}" for n, w in others if n)])


def hidden_text(report: Report, hidden: int) -> str:
    """What was left out of a part, and how to see it."""
    return report.text(
        f"{hidden} kết quả không có số liệu hay kết luận không hiển thị (--all để xem)",
        f"{hidden} results without a value or verdict not shown (--all to show them)",
    )


def _table(report: Report, section: GoalSection) -> Any:
    from rich.table import Table
    from rich.text import Text

    title = f"{section.goal}. {section.name}\n{count_text(section.tally, report.lang)}"
    table = Table(title=title, title_justify="left", title_style="bold")
    for header in headers(report):
        table.add_column(header, overflow="fold")
    for line in section.lines:
        table.add_row(
            f"{line.target} {line.label}",
            line.milestone,
            line.baseline,
            line.actual,
            line.change,
            Text(line.verdict, style=_STYLES.get(line.status, "dim")),
        )
    return table


def print_report(report: Report, console: Any = None) -> None:
    """Print ``report`` on ``console`` (a ``rich.console.Console``; by default stdout, at the
    terminal's width)."""
    from rich.console import Console

    console = console or Console()
    console.print(f"[bold]{report.title}[/bold]", highlight=False)
    for part in report.parts:
        console.print()
        console.rule(heading(report, part), style="bold")
        console.print(count_text(part.tally, report.lang), highlight=False)
        for section in part.sections:
            console.print(_table(report, section))
        if part.hidden:
            console.print(hidden_text(report, part.hidden), markup=False, highlight=False)
    if report.legend:
        console.print(f"{report.text('Mốc', 'Milestones')}: {report.legend}", markup=False)
    made = report.stamp
    console.print(
        f"bdg-indicators {made.version} · {made.spec} · {made.made}", style="dim", markup=False
    )
