"""The ``bdg`` command: a thin edge over the library.

``main(argv)`` returns the exit code: 0 success, 1 invalid input (problems printed one per line as
``file:line:col: error[code]: message``), 2 usage errors, 3 internal errors (a short message; the
traceback only with ``--debug``).
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click

from bdg_indicators.errors import BdgError

__all__ = ["cli", "main"]

ISSUES_URL = "https://github.com/bdg-indicators/bdg_indicators/issues"
EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3


def _echo_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        click.echo(str(problem), err=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show the Python traceback of internal errors.")
@click.version_option(package_name="bdg-indicators", prog_name="bdg")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """bdg: indicator frameworks for child protection and gender equality (bảo vệ, chăm sóc trẻ
    em và bình đẳng giới).

    Specs are given by shipped id (see `bdg specs`) or by path to a YAML file.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_ID...")
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary.")
def validate(sources: tuple[str, ...], quiet: bool) -> None:
    """Check spec files: print every problem as `file:line:col: error[code]: message`.

    Exit status 0 when every spec is valid (warnings allowed), 1 otherwise.
    """
    from bdg_indicators.loading import validate_spec

    invalid = 0
    for source in sources:
        report = validate_spec(source)
        _echo_problems(report.problems)
        if not report.valid:
            invalid += 1
        elif not quiet:
            click.echo(f"{source}: ok", err=True)
    if invalid:
        if not quiet:
            click.echo(f"{invalid} of {len(sources)} spec(s) invalid", err=True)
        raise SystemExit(EXIT_INVALID)


def _load(source: str) -> Any:
    from bdg_indicators.loading import load_spec

    return load_spec(source)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def specs(fmt: str) -> None:
    """List the shipped specs: goals, chỉ tiêu (as the document counts them), assessed entries,
    criteria of score rules, and milestones at each verification level."""
    from bdg_indicators.loading import shipped_specs, validate_spec

    rows = []
    for shipped in shipped_specs():
        report = validate_spec(str(shipped.path))
        spec = report.spec
        counts = spec.counts() if spec else None
        rows.append(
            {
                "id": shipped.id,
                "title": spec.title.vi if spec else None,
                "path": str(shipped.path),
                "extends": spec.extends if spec else None,
                "goals": counts.goals if counts else 0,
                "targets": counts.targets if counts else 0,
                "entries": counts.entries if counts else 0,
                "criteria": counts.criteria if counts else 0,
                "milestones": _levels(spec) if spec else {},
                "valid": report.valid,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="Shipped specs", caption=_LEVELS_CAPTION, box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("id", no_wrap=True)
    for name in ("goals", "targets", "entries", "milestones"):
        table.add_column(name, justify="right", no_wrap=True)
    for row in rows:
        levels: dict[str, int] = row["milestones"]  # type: ignore[assignment]
        table.add_row(
            str(row["id"]) + ("" if row["valid"] else " (invalid)"),
            *(str(row[n]) for n in ("goals", "targets", "entries")),
            "·".join(str(n) for n in levels.values()) if levels else "",
        )
    Console().print(table)


_LEVELS_CAPTION = "milestones: official·secondary·paraphrase·unverified"


def _levels(spec: Any) -> dict[str, int]:
    """The number of milestones (original and amended) at each verification level."""
    from bdg_indicators.spec import Verification

    found = dict.fromkeys((v.value for v in Verification), 0)
    for _, target in spec.targets():
        every = (*target.milestones, *(m for a in target.amendments for m in a.milestones))
        for milestone in every:
            found[target.verification_of(milestone).value] += 1
    return found


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of labels and wording.",
)
@click.option(
    "--unverified",
    is_flag=True,
    help="List only what was not checked against the official text (goals, chỉ tiêu, "
    "milestones), each with its level and note.",
)
@click.option(
    "--ids",
    is_flag=True,
    help="List the ids a data file and a command use: data items (unit, breakdowns and their "
    "values) and indicators (unit, formula), with their labels.",
)
def show(source: str, lang: str, unverified: bool, ids: bool) -> None:
    """Print the goal > chỉ tiêu > milestone tree of a spec as a person reads it, each
    milestone with its verification level and note."""
    from bdg_indicators.describe import level_legend
    from bdg_indicators.outline import id_lines, spec_lines, unverified_lines

    spec = _load(source)
    if ids:
        for line in id_lines(spec, lang):
            click.echo(line)
        return
    lines = unverified_lines(spec, lang) if unverified else spec_lines(spec, lang)
    for line in lines:
        click.echo(line)
    click.echo("")
    click.echo(level_legend(lang))


@cli.command()
@click.argument("child", metavar="CHILD")
@click.argument("parent", metavar="[PARENT]", required=False)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def diff(child: str, parent: str | None, lang: str) -> None:
    """Show what CHILD changes relative to PARENT (by default, the spec CHILD extends)."""
    from bdg_indicators.specdiff import diff_specs

    child_spec = _load(child)
    parent_id = parent or child_spec.extends
    if parent_id is None:
        raise click.UsageError(f"{child} extends no spec; name the spec to compare with")
    from bdg_indicators.loading import _resolve

    if parent is None and child_spec.extends is not None:
        # resolve relative to the child file, as the loader does
        from pathlib import Path

        folder = Path(child).parent if Path(child).is_file() else None
        parent_spec = _load(str(_resolve(parent_id, folder)))
    else:
        parent_spec = _load(parent_id)
    changes = diff_specs(child_spec, parent_spec, lang)
    if not changes:
        click.echo("no differences")
    for change in changes:
        mark = {"added": "+", "removed": "-", "changed": "~"}[change.kind]
        line = f"{mark} {change.what} {change.id}"
        if change.detail:
            line += f": {change.detail}"
        click.echo(line)


def _observation_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--data",
                "data",
                multiple=True,
                metavar="FILE",
                help="Observations (CSV, .xlsx, Parquet); repeatable. Default: the spec's "
                "bundled example data.",
            ),
            click.option(
                "--org-units",
                "org_units",
                metavar="FILE",
                help="Org-unit tree (YAML or CSV), for sums up the tree.",
            ),
            click.option(
                "--locale",
                type=click.Choice(["machine", "vi"]),
                default="machine",
                show_default=True,
                help="Number notation of text values: vi reads 17.101 as 17101, 97,9 as 97.9.",
            ),
            click.option(
                "--method",
                type=click.Choice(["linear", "cagr"]),
                default="linear",
                show_default=True,
                help="Progress method for milestones still ahead.",
            ),
            click.option("--base", metavar="PERIOD", help="Base period for change (e.g. 2018)."),
            click.option(
                "--sheet", metavar="NAME", help="Excel sheet to read (default: the first)."
            ),
            click.option(
                "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True
            ),
            click.option(
                "--backend",
                type=click.Choice(["polars", "duckdb"]),
                default="polars",
                show_default=True,
                help="Where the evaluation plan runs (duckdb needs the duckdb package).",
            ),
            click.option(
                "--strict", is_flag=True, help="Exit with status 1 if any data row is rejected."
            ),
        ]
    ):
        function = option(function)
    return function


def _stage(message: str) -> Any:
    """A spinner with a message on stderr while a long step runs; silent unless a terminal."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _evaluate(source: str, options: dict[str, Any], **filters: Any) -> Any:
    from bdg_indicators.evaluation import bundled, evaluate
    from bdg_indicators.observations import read_observations
    from bdg_indicators.orgunit_files import load_org_units

    spec = _load(source)
    tree = load_org_units(options["org_units"]) if options["org_units"] else None
    vi = options["lang"] == "vi"
    with _stage("Đang đọc số liệu…" if vi else "Reading observations…"):
        if options["data"]:
            observations = read_observations(
                list(options["data"]),
                spec,
                org_units=tree,
                locale=options["locale"],
                sheet=options["sheet"],
            )
        else:
            observations, tree = bundled(spec, tree, options["locale"])
    _report_rejections(observations, options["lang"])
    if observations.rows_used == 0:
        if observations.rows_read:
            message = (
                "không dùng được dòng số liệu nào: mọi dòng đều bị loại (xem ở trên)"
                if vi
                else "no data row could be used: every row was rejected (see above)"
            )
        else:
            message = "số liệu không có dòng nào" if vi else "the data has no rows"
        click.echo(message, err=True)
        raise SystemExit(EXIT_INVALID)
    if options["backend"] == "duckdb":
        _need_duckdb()
    used = _number(observations.rows_used, options["lang"])
    with _stage(f"Đang tính trên {used} dòng số liệu…" if vi else f"Evaluating {used} rows…"):
        return evaluate(
            spec,
            observations,
            org_units=tree,
            method=options["method"],
            base=options["base"],
            backend=options["backend"],
            **filters,
        )


def _need_duckdb() -> None:
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:
        raise click.UsageError(
            "--backend duckdb needs the duckdb package: pip install 'bdg-indicators[duckdb]'"
        )


def _number(count: int, lang: str) -> str:
    from bdg_indicators.describe import format_number

    return format_number(count, 0, lang)


def _counts(observations: Any, lang: str = "vi") -> str:
    """Every data row accounted for: read = used + rejected."""
    read, used, rejected = (
        _number(n, lang)
        for n in (observations.rows_read, observations.rows_used, observations.rows_rejected)
    )
    if lang == "vi":
        return f"đọc {read} dòng = dùng {used} + loại {rejected}"
    return f"rows read {read} = used {used} + rejected {rejected}"


def _report_rejections(observations: Any, lang: str = "vi") -> None:
    for problem in observations.problems:
        click.echo(str(problem), err=True)
    click.echo(_counts(observations, lang), err=True)


def _finish(result: Any, strict: bool, lang: str = "vi") -> None:
    """The counts again after the results, and the exit status."""
    obs = result.observations
    if obs.rows_rejected:
        click.echo(_counts(obs, lang), err=True)
    if strict and obs.rows_rejected:
        rejected = _number(obs.rows_rejected, lang)
        click.echo(
            f"--strict: {rejected} dòng bị loại"
            if lang == "vi"
            else f"--strict: {rejected} row(s) rejected",
            err=True,
        )
        raise SystemExit(EXIT_INVALID)


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


def _json(value: Any) -> str:
    """Valid JSON (RFC 8259): a number that does not exist is null."""
    from bdg_indicators.outputs import json_dumps

    return json_dumps(value)


def _print_csv(flat: Any) -> None:
    """A Polars frame as CSV (a number that does not exist is an empty cell)."""
    import csv
    import io
    import math

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(flat.columns)
    for row in flat.iter_rows():
        writer.writerow("" if isinstance(v, float) and not math.isfinite(v) else v for v in row)
    click.echo(buffer.getvalue(), nl=False)


def _print_table(result: Any, lang: str, show_all: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    from bdg_indicators.describe import describe_period, level_legend, level_mark
    from bdg_indicators.periods import parse_period
    from bdg_indicators.report.records import (
        change_text,
        milestone_text,
        value_text,
        verdict_text,
        with_data,
    )

    vi = lang == "vi"
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
            value_text(row, lang),
            milestone_text(result, row, lang),
            verdict_text(row, lang),
            change_text(row, lang),
        )
    console = Console()
    console.print(table)
    notes = []
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


def _unit_name(result: Any, code: str) -> str:
    tree = result.org_units
    return tree[code].name if tree is not None and code in tree.org_units else code


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


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format (for editors' YAML language server)."""
    from bdg_indicators.schema import spec_json_schema

    click.echo(json.dumps(spec_json_schema(), ensure_ascii=False, indent=2))


def _console_encoding() -> None:
    """A console that cannot show Vietnamese gets "?" for the characters it lacks, and one
    warning, instead of an error."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
            if stream is sys.stderr:
                click.echo(
                    f"bdg: bảng mã của cửa sổ lệnh ({encoding}) không hiển thị được tiếng Việt; "
                    "ký tự thiếu được thay bằng '?' (the console's encoding cannot show "
                    "Vietnamese: set PYTHONIOENCODING=utf-8)",
                    err=True,
                )


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - no real stdout
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bdg`` with ``argv`` (default: the process arguments) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _console_encoding()
    from .words import language_of, use_language

    use_language(cli, language_of(args))
    try:
        cli.main(args=args, prog_name="bdg", standalone_mode=False)
    except BrokenPipeError:  # `bdg … | head`: the reader has gone, nothing more to say
        _quiet_stdout()
        return 0
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INVALID
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BdgError as exc:
        _echo_problems(exc.problems)
        return EXIT_INVALID
    except SystemExit as exc:
        if type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):  # click met a closed pipe
            _quiet_stdout()
            return 0
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"bdg: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            f"This is a bug in bdg_indicators. Please report it at {ISSUES_URL} with the "
            "command and the files you used"
            + ("." if debug else "; run again as `bdg --debug ...` for details."),
            err=True,
        )
        return EXIT_INTERNAL
    return 0


# The commands that live in modules of their own register on `cli` when imported.
from . import report as _report  # noqa: E402, F401
from . import template as _template  # noqa: E402, F401
from . import verify as _verify  # noqa: E402, F401
