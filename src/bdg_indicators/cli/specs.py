"""`bdg validate`, `specs`, `show`, `diff` and `schema`: the specs themselves."""

from __future__ import annotations

import json
from typing import Any

import click

from bdg_indicators.cli import EXIT_INVALID, _echo_problems, _load, cli


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


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format (for editors' YAML language server)."""
    from bdg_indicators.schema import spec_json_schema

    click.echo(json.dumps(spec_json_schema(), ensure_ascii=False, indent=2))
