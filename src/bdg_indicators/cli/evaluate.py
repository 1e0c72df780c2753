"""`bdg evaluate` and `bdg explain`: the results, as a table for people or as data."""

from __future__ import annotations

from typing import Any

import click

from bdg_indicators.cli import (
    _evaluate,
    _finish,
    _json,
    _load,
    _observation_options,
    _unit_name,
    cli,
)


@cli.command()
@click.argument("source", metavar="SPEC")
@_observation_options
@click.option("--period", "periods", multiple=True, metavar="P", help="Only this period.")
@click.option("--org-unit", "org_unit", metavar="CODE", help="Only this org unit.")
@click.option("--target", "targets", multiple=True, metavar="ID", help="Only this target.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--own",
    is_flag=True,
    help="Only the targets this spec sets or overrides, not those it inherits unchanged.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="In the table, every target, org unit and period, also those without a value or "
    "verdict (by default they are counted under the table, not shown).",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Count chỉ tiêu instead: per org unit and period, for each goal and the framework, "
    "those assessed, achieved, not achieved, on track, off track, without data.",
)
def evaluate(
    source: str,
    periods: tuple[str, ...],
    org_unit: str | None,
    targets: tuple[str, ...],
    fmt: str,
    summary: bool,
    show_all: bool,
    own: bool,
    **options: Any,
) -> None:
    """Evaluate every target for every org unit and period: value, verdict, change.

    Rejected data rows are listed on stderr with their file, row and column, with the totals
    (rows read = used + rejected), before and after the results. Exit status 1 when no row
    could be used (or, with --strict, when any row was rejected).
    """
    if own:
        spec = _load(source)
        targets = (*targets, *(t.id for _, t in spec.targets() if not t.inherited))
        if not targets:
            raise click.UsageError(f"{source} sets or overrides no target of its own")
    if summary and targets:  # a chỉ tiêu is counted on all its entries, never some
        targets = _whole_chi_tieu(_load(source), targets)
    result = _evaluate(
        source,
        options,
        periods=periods or None,
        org_unit=org_unit,
        targets=targets or None,
    )
    if len(result) == 0:
        click.echo(
            "không có kết quả: không dòng số liệu nào khớp với chuỗi số liệu các chỉ tiêu cần "
            "(dòng tổng của một phân tổ để trống cột phân tổ; kiểm tra mã mục số liệu, kỳ và "
            "--org-units)"
            if options["lang"] == "vi"
            else "no results: no observation matches a series the targets need (breakdown totals "
            "are rows with blank breakdown columns; check data item ids, periods and --org-units)",
            err=True,
        )
    if summary:
        _print_summary(result, fmt, options["lang"])
    elif fmt == "json":
        from bdg_indicators.report.records import records
        from bdg_indicators.stamp import stamp_of

        click.echo(_json({"stamp": stamp_of(result).to_dict(), "results": records(result)}))
    elif fmt == "csv":
        _print_csv(result.table.to_polars())
    else:
        _print_table(result, options["lang"], show_all)
    _finish(result, options["strict"], options["lang"])


def _whole_chi_tieu(spec: Any, targets: tuple[str, ...]) -> tuple[str, ...]:
    """The targets asked for with the other entries of their chỉ tiêu."""
    found: list[str] = []
    for target in targets:
        try:
            found += spec.legal_target(target).entries
        except KeyError:
            found.append(target)  # unknown or not counted: the evaluation says so
    return tuple(dict.fromkeys(found))


def _print_summary(result: Any, fmt: str, lang: str) -> None:
    """The x/y count of chỉ tiêu per org unit and period, per goal and for the framework."""
    frame = result.summary().to_polars()
    if fmt == "json":
        from bdg_indicators.stamp import stamp_of

        click.echo(_json({"stamp": stamp_of(result).to_dict(), "summary": frame.to_dicts()}))
        return
    if fmt == "csv":
        _print_csv(frame)
        return
    from rich.console import Console
    from rich.table import Table

    from bdg_indicators.describe import describe_period
    from bdg_indicators.periods import parse_period
    from bdg_indicators.rules.statuses import STATUS_WORDS, Status
    from bdg_indicators.rules.tally import COUNTED, UNDETERMINED, UNDETERMINED_WORDS

    vi = lang == "vi"
    shown = [c for c in COUNTED[1:] if c != UNDETERMINED or frame.get_column(c).sum()]
    words = [
        UNDETERMINED_WORDS[lang] if c == UNDETERMINED else STATUS_WORDS[lang][Status(c)]
        for c in shown
    ]
    table = Table(title=f"{result.spec.title.text(lang)} [{result.spec.id}]")
    first = (
        ("Đơn vị", "Kỳ", "Mục tiêu", "Chỉ tiêu", "Đạt/đã đánh giá")
        if vi
        else ("Org unit", "Period", "Goal", "Targets", "Achieved/assessed")
    )
    for header in (*first, *words):
        table.add_column(header, justify="left" if header in first[:2] else "right")
    for row in frame.iter_rows(named=True):
        table.add_row(
            _unit_name(result, row["org_unit"]),
            describe_period(parse_period(row["period"]), lang),
            row["goal"] or ("Tất cả" if vi else "All"),
            str(row["targets"]),
            f"{row['achieved']}/{row['assessed']}",
            *(str(row[c]) for c in shown),
            end_section=row["goal"] is None,
        )
    Console().print(table)


def _print_csv(flat: Any) -> None:
    """A Polars frame as CSV (a number that does not exist is an empty cell)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(flat.columns)
    for row in flat.iter_rows():
        writer.writerow(_csv_cell(v) for v in row)
    click.echo(buffer.getvalue(), nl=False)


def _csv_cell(value: Any) -> Any:
    """A CSV cell: a number that does not exist is empty; text cannot run as a formula."""
    import math

    from bdg_indicators.outputs import safe_cell

    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return safe_cell(value) if isinstance(value, str) else value


def _counts_after(result: Any, lang: str, shown: set[tuple[str, str]]) -> list[str]:
    """The x/y count of chỉ tiêu for each org unit and period ``shown`` in the table."""
    from bdg_indicators.describe import describe_period
    from bdg_indicators.periods import parse_period
    from bdg_indicators.report.model import Tally
    from bdg_indicators.report.terminal import count_text

    lines = []
    for row in result.summary().to_polars().iter_rows(named=True):
        if row["goal"] is None and row["targets"] and (row["org_unit"], row["period"]) in shown:
            where = _unit_name(result, row["org_unit"])
            when = describe_period(parse_period(row["period"]), lang)
            lines.append(f"{where}, {when}: {count_text(Tally.of(row), lang)}")
    return lines


def _print_table(result: Any, lang: str, show_all: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    from bdg_indicators.describe import describe_period, level_legend, level_mark
    from bdg_indicators.periods import parse_period
    from bdg_indicators.report.records import (
        change_text,
        milestone_text,
        rebuilt,
        value_text,
        verdict_text,
        with_data,
    )

    vi = lang == "vi"
    remade = rebuilt(result)
    rows = result.to_dicts()
    hidden = 0 if show_all else sum(not with_data(r) for r in rows)
    if not show_all:
        rows = [r for r in rows if with_data(r)]
    table = Table(title=f"{result.spec.title.text(lang)} [{result.spec.id}]")
    headers = (
        ("Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị", "Mốc", "Kết luận", "Thay đổi")
        if vi
        else ("Target", "Org unit", "Period", "Value", "Milestone", "Verdict", "Change")
    )
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            row["target"],
            _unit_name(result, row["org_unit"]),
            describe_period(parse_period(row["period"]), lang),
            value_text(row, lang, (row["org_unit"], row["period"]) in remade),
            milestone_text(result, row, lang),
            verdict_text(row, lang),
            change_text(result, row, lang),
        )
    console = Console()
    console.print(table)
    notes = _counts_after(result, lang, {(r["org_unit"], r["period"]) for r in rows})
    if any(level_mark(r["verification"]) for r in rows if r["milestone"] is not None):
        notes.append(f"{'Mốc' if vi else 'Milestones'}: {level_legend(lang)}")
    if hidden:
        notes.append(
            f"{hidden} kết quả không có số liệu hay kết luận không hiển thị (--all để xem)"
            if vi
            else f"{hidden} results without a value or verdict not shown (--all to show them)"
        )
    for note in notes:  # wrapped to the terminal like the table
        console.print(note, markup=False, highlight=False)


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option("--target", "target", required=True, metavar="ID")
@click.option("--org-unit", "org_unit", required=True, metavar="CODE")
@click.option("--period", "period", required=True, metavar="P")
@_observation_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain(source: str, target: str, org_unit: str, period: str, fmt: str, **options: Any) -> None:
    """Explain one result step by step: formula, inputs and their rows, sums, conversion,
    exact and displayed value, milestone, verdict, change and method."""
    from bdg_indicators.explain import explanation_dict, explanation_text

    result = _evaluate(source, options, targets=[target])
    case = result.explain(target, org_unit, period)
    if fmt == "json":
        from bdg_indicators.stamp import stamp_of

        click.echo(_json({"stamp": stamp_of(result).to_dict(), **explanation_dict(case)}))
    else:
        click.echo(explanation_text(case, options["lang"]))
    _finish(result, options["strict"], options["lang"])
