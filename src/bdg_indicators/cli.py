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

from .errors import BdgError

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
    from .loading import validate_spec

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
    from .loading import load_spec

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
    """List the shipped specs, with their goal and target counts."""
    from .loading import shipped_specs, validate_spec

    rows = []
    for shipped in shipped_specs():
        report = validate_spec(str(shipped.path))
        spec = report.spec
        targets = [t for _, t in spec.targets()] if spec else []
        rows.append(
            {
                "id": shipped.id,
                "title": spec.title.vi if spec else None,
                "path": str(shipped.path),
                "extends": spec.extends if spec else None,
                "goals": len(spec.goals) if spec else 0,
                "targets": len(targets),
                "verified_targets": sum(t.source_in_force.is_verified for t in targets),
                "valid": report.valid,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Shipped specs")
    for name in ("id", "title", "goals", "targets", "verified"):
        table.add_column(
            name, justify="right" if name in ("goals", "targets", "verified") else "left"
        )
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["title"] or "(invalid)"),
            str(row["goals"]),
            str(row["targets"]),
            str(row["verified_targets"]),
        )
    Console(width=120).print(table)


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of labels and wording.",
)
def show(source: str, lang: str) -> None:
    """Print the goal > target > milestone tree of a spec as a person reads it."""
    from .describe import describe_milestone, describe_status

    spec = _load(source)
    click.echo(f"{spec.title.text(lang)}  [{spec.id}]")
    if spec.document is not None:
        doc = spec.document
        click.echo(f"{doc.number}, {doc.date.strftime('%d/%m/%Y')}, {doc.issuer.text(lang)}")
    if spec.extends:
        click.echo(("Mở rộng từ: " if lang == "vi" else "Extends: ") + spec.extends)
    for amendment in spec.amendments:
        word = "Sửa đổi bởi" if lang == "vi" else "Amended by"
        click.echo(f"{word} {amendment.document.number} ({amendment.document.date:%d/%m/%Y})")
    goal_word, target_word = ("Mục tiêu", "Chỉ tiêu") if lang == "vi" else ("Goal", "Target")
    for goal in spec.goals:
        click.echo("")
        click.echo(f"{goal_word} {goal.id}: {goal.label.text(lang)}")
        for target in goal.targets:
            indicator = spec.indicator(target.indicator)
            source_ = target.source_in_force
            click.echo(
                f"  {target_word} {target.id}: {target.label.text(lang)}"
                f"  [{describe_status(source_, lang)}]"
            )
            restriction = "".join(f"[{k}={v}]" for k, v in target.breakdown)
            click.echo(f"    {indicator.label.text(lang)}{restriction} ({indicator.unit})")
            for milestone in target.milestones_in_force:
                click.echo(f"    • {describe_milestone(milestone, indicator, lang)}")
            for milestone in target.milestones_in_force:
                if milestone.note:
                    click.echo(f"      ({milestone.note})")
            if target.amendments and target.milestones:
                original = "; ".join(
                    describe_milestone(m, indicator, lang) for m in target.milestones
                )
                word = "trước sửa đổi" if lang == "vi" else "before amendment"
                click.echo(f"      ({word}: {original})")
            click.echo(
                f"    ⤷ {source_.clause}" + (f" — “{source_.wording}”" if source_.wording else "")
            )
    if spec.removed:
        click.echo("")
        click.echo("Chỉ tiêu bỏ:" if lang == "vi" else "Removed targets:")
        for removed in spec.removed:
            click.echo(f"  {removed.id}: {removed.reason}")


@cli.command()
@click.argument("child", metavar="CHILD")
@click.argument("parent", metavar="[PARENT]", required=False)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def diff(child: str, parent: str | None, lang: str) -> None:
    """Show what CHILD changes relative to PARENT (by default, the spec CHILD extends)."""
    from .specdiff import diff_specs

    child_spec = _load(child)
    parent_id = parent or child_spec.extends
    if parent_id is None:
        raise click.UsageError(f"{child} extends no spec; name the spec to compare with")
    from .loading import _resolve

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


def _evaluate(
    source: str,
    data: tuple[str, ...],
    org_units: str | None,
    locale: str,
    method: str,
    base: str | None,
    sheet: str | None = None,
    **filters: Any,
) -> Any:
    from .evaluation import _bundled, evaluate
    from .observations import read_observations
    from .orgunits import load_org_units

    spec = _load(source)
    tree = load_org_units(org_units) if org_units else None
    with _stage("Reading observations…"):
        if data:
            observations = read_observations(
                list(data), spec, org_units=tree, locale=locale, sheet=sheet
            )
        else:
            observations, tree = _bundled(spec, tree, locale)
    with _stage(f"Evaluating {observations.rows_used:,} observations…"):
        return evaluate(spec, observations, org_units=tree, method=method, base=base, **filters)


def _report_rejections(result: Any) -> None:
    obs = result.observations
    for problem in obs.problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"rows read {obs.rows_read:,} = used {obs.rows_used:,} + rejected {obs.rows_rejected:,}",
        err=True,
    )


_STATUS_VI = {
    "achieved": "đạt",
    "not_achieved": "không đạt",
    "on_track": "đúng tiến độ",
    "off_track": "chậm tiến độ",
    "no_data": "không có số liệu",
    "not_applicable": "không áp dụng",
}


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
def evaluate(
    source: str,
    data: tuple[str, ...],
    org_units: str | None,
    locale: str,
    method: str,
    base: str | None,
    sheet: str | None,
    lang: str,
    periods: tuple[str, ...],
    org_unit: str | None,
    targets: tuple[str, ...],
    fmt: str,
) -> None:
    """Evaluate every target for every org unit and period: value, verdict, change.

    Rejected data rows are listed on stderr with their file, row and column, with the totals
    (rows read = used + rejected).
    """
    result = _evaluate(
        source,
        data,
        org_units,
        locale,
        method,
        base,
        sheet,
        periods=periods or None,
        org_unit=org_unit,
        targets=targets or None,
    )
    _report_rejections(result)
    if len(result) == 0:
        click.echo(
            "no results: no observation matches a series the targets need (breakdown totals are "
            "rows with blank breakdown columns; check data item ids, periods and --org-units)",
            err=True,
        )
    rows = _json_rows(result)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        import csv
        import io

        flat = result.table.to_polars()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(flat.columns)
        writer.writerows(flat.iter_rows())
        click.echo(buffer.getvalue(), nl=False)
        return
    _print_table(result, rows, lang)


def _json_rows(result: Any) -> list[dict[str, Any]]:
    from .describe import describe_milestone

    spec = result.spec
    rows = []
    for row in result.to_dicts():
        target = spec.target(row["target"])
        indicator = spec.indicator(row["indicator"])
        from .periods import parse_period
        from .spec import Comparison

        milestones = target.milestones_at(parse_period(row["period"]))
        milestone = None
        if row["milestone"] is not None:
            m = milestones[row["milestone"]]
            condition = m.condition
            milestone = {
                "when": m.when.kind.value,
                "period": str(m.when.period),
                "until": str(m.when.until) if m.when.until else None,
                "comparison": condition.op.value
                if isinstance(condition, Comparison)
                else f"{condition.direction.value}_by",
                "value": row["threshold"],
                "due": row["due"],
                "text": describe_milestone(m, indicator, "en"),
                "text_vi": describe_milestone(m, indicator, "vi"),
            }
        change = {
            "previous": {
                "period": row["previous_period"],
                "absolute": row["change_previous"],
                "relative_pct": row["change_previous_pct"],
            },
            "previous_year": {
                "period": row["previous_year_period"],
                "absolute": row["change_previous_year"],
                "relative_pct": row["change_previous_year_pct"],
            },
            "base": {
                "period": row["base_period"],
                "absolute": row["change_base"],
                "relative_pct": row["change_base_pct"],
                "annual_rate_pct": row["annual_rate_pct"],
            },
            "absolute_unit": "percentage_point" if row["unit"] == "percent" else row["unit"],
        }
        rows.append(
            {
                "framework": row["framework"],
                "goal": row["goal"],
                "target": row["target"],
                "indicator": row["indicator"],
                "org_unit": row["org_unit"],
                "period": row["period"],
                "value": row["value"],
                "unit": row["unit"],
                "decimals": row["decimals"],
                "status": row["status"],
                "reason": row["reason"],
                "partial": row["partial"],
                "milestone": milestone,
                "progress": {
                    "method": row["method"],
                    "expected": row["expected"],
                    "ratio": row["progress_ratio"],
                    "baseline_period": row["baseline_period"],
                },
                "change": change,
                "verification": row["verification"],
            }
        )
    return rows


def _print_table(result: Any, rows: list[dict[str, Any]], lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from .describe import format_number, format_unit

    vi = lang == "vi"
    table = Table(title=f"{result.spec.title.text(lang)} [{result.spec.id}]")
    headers = (
        ("Chỉ tiêu", "Đơn vị", "Kỳ", "Giá trị", "Mốc", "Kết luận", "Thay đổi")
        if vi
        else ("Target", "Org unit", "Period", "Value", "Milestone", "Verdict", "Change")
    )
    for header in headers:
        table.add_column(header)
    for row in rows:
        value = (
            "—"
            if row["value"] is None
            else (
                format_number(row["value"], row["decimals"], lang) + format_unit(row["unit"], lang)
            )
        )
        if row["verification"] != "verified":
            value += " *"
        if row["partial"]:
            value += " (một phần)" if vi else " (partial)"
        milestone = ""
        if row["milestone"]:
            milestone = row["milestone"]["text_vi" if vi else "text"]
        status = _STATUS_VI[row["status"]] if vi else row["status"].replace("_", " ")
        if row["reason"] and row["status"] == "no_data":
            status += f" ({row['reason']})"
        change = row["change"]["previous"]["absolute"]
        unit = "pp" if row["unit"] == "percent" else ""
        shown = (
            ""
            if change is None
            else f"{'+' if change >= 0 else ''}{format_number(change, row['decimals'], lang)}{unit}"
        )
        table.add_row(
            row["target"], row["org_unit"], row["period"], value, milestone, status, shown
        )
    Console(width=160).print(table)
    note = (
        "* giá trị của chỉ tiêu chưa được đối chiếu với văn bản chính thức"
        if vi
        else "* target wording not verified against the official text"
    )
    click.echo(note)


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option("--target", "target", required=True, metavar="ID")
@click.option("--org-unit", "org_unit", required=True, metavar="CODE")
@click.option("--period", "period", required=True, metavar="P")
@_observation_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain(
    source: str,
    target: str,
    org_unit: str,
    period: str,
    data: tuple[str, ...],
    org_units: str | None,
    locale: str,
    method: str,
    base: str | None,
    sheet: str | None,
    lang: str,
    fmt: str,
) -> None:
    """Explain one result step by step: formula, inputs and their rows, sums, conversion,
    exact and displayed value, milestone, verdict, change and method."""
    from .explanation import explanation_dict, explanation_text

    result = _evaluate(source, data, org_units, locale, method, base, sheet, targets=[target])
    case = result.explain(target, org_unit, period)
    if fmt == "json":
        click.echo(json.dumps(explanation_dict(case), ensure_ascii=False, indent=2))
    else:
        click.echo(explanation_text(case, lang))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format (for editors' YAML language server)."""
    from .schema import spec_json_schema

    click.echo(json.dumps(spec_json_schema(), ensure_ascii=False, indent=2))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bdg`` with ``argv`` (default: the process arguments) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="bdg", standalone_mode=False)
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
            + ("." if debug else "; run again with --debug for details."),
            err=True,
        )
        return EXIT_INTERNAL
    return 0
