"""`bdg report`: the reports officials hand on (terminal, Markdown, HTML, XLSX, CSV, JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import _evaluate, _finish, _load, _observation_options, cli

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".json": "json",
}
"""The format of ``--out`` by its extension (``-``: the terminal)."""


def _format_of(out: str) -> str:
    if out == "-":
        return "terminal"
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise click.BadParameter(
            f"the format follows the extension: {known} (or - for the terminal)",
            param_hint="--out",
        )
    return FORMATS[suffix]


@cli.command()
@click.argument("source", metavar="SPEC")
@_observation_options
@click.option(
    "--out",
    "out",
    required=True,
    metavar="FILE",
    help="Where to write the report; its extension gives the format: .html, .md, .xlsx, .csv, "
    ".json; - prints it in the terminal.",
)
@click.option("--period", "periods", multiple=True, metavar="P", help="Only this period.")
@click.option("--org-unit", "org_unit", metavar="CODE", help="Only this org unit.")
@click.option("--target", "targets", multiple=True, metavar="ID", help="Only this target.")
@click.option("--own", is_flag=True, help="Only the targets this spec sets or overrides.")
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Every target, also those without a value or verdict.",
)
def report(
    source: str,
    out: str,
    periods: tuple[str, ...],
    org_unit: str | None,
    targets: tuple[str, ...],
    own: bool,
    show_all: bool,
    **options: Any,
) -> None:
    """Write a report for people: per org unit and period, the chỉ tiêu achieved of those
    assessed per goal, the appendix table (goal, chỉ tiêu, milestone, baseline, actual, change,
    verdict) and, in HTML, charts; in Vietnamese (--lang en for English).

    Every report carries a stamp: the library version, the SHA-256 of the spec, of every spec it
    extends and of each data file, the methods, and when it was made. The file is written whole
    or not at all.
    """
    fmt = _format_of(out)
    if own:
        spec = _load(source)
        targets = (*targets, *(t.id for _, t in spec.targets() if not t.inherited))
    result = _evaluate(source, options, org_unit=org_unit, targets=targets or None)
    from bdg_indicators.report.model import build_report

    lang = options["lang"]
    made = build_report(result, periods=periods, org_unit=org_unit, lang=lang, show_all=show_all)
    if not made.parts:
        click.echo(
            "không có kết quả nào để báo cáo (kiểm tra --period, --org-unit và số liệu)"
            if lang == "vi"
            else "nothing to report (check --period, --org-unit and the data)",
            err=True,
        )
        raise SystemExit(1)
    _write(made, result, fmt, out)
    _finish(result, options["strict"], options["lang"])


_TEXTS = {"html": "html_text", "markdown": "markdown_text", "csv": "csv_text"}


def _write(made: Any, result: Any, fmt: str, out: str) -> None:
    from bdg_indicators.outputs import write_atomically
    from bdg_indicators.report import documents

    if fmt == "terminal":
        from bdg_indicators.report.terminal import print_report

        print_report(made)
        return
    if fmt == "xlsx":
        from bdg_indicators.report.xlsx import write_workbook

        rows = [line.row for part in made.parts for s in part.sections for line in s.lines]
        write_workbook(result, rows, out, lang=made.lang, stamp=made.stamp)
    else:
        text = (
            documents.json_text(made, result)
            if fmt == "json"
            else getattr(documents, _TEXTS[fmt])(made)
        )
        write_atomically(out, lambda path: path.write_text(text, encoding="utf-8", newline=""))
    click.echo(
        f"đã ghi {out}" if made.lang == "vi" else f"wrote {out}",
        err=True,
    )
