"""`bdg template`: data-entry forms (XLSX, CSV) for the data items of a spec."""

from __future__ import annotations

from pathlib import Path

import click

from bdg_indicators.cli import _load, cli
from bdg_indicators.orgunits import LEVELS


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option(
    "--level",
    required=True,
    type=click.Choice(LEVELS),
    help="The org units of the form: one row for each org unit of this level.",
)
@click.option(
    "--org-units",
    "org_units",
    metavar="FILE",
    help="Org-unit tree (YAML or CSV). Default: the org units the spec ships.",
)
@click.option("--period", required=True, metavar="P", help="The period reported (2023, 2020-S1).")
@click.option(
    "--out",
    "out",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, writable=True),
    help="The form to write: .xlsx (Excel, with a guide and data validation) or .csv.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def template(
    source: str, level: str, org_units: str | None, period: str, out: str, lang: str
) -> None:
    """Write a data-entry form for SPEC: one row per org unit of a level (code and name), one
    column per data item and breakdown the targets read, for one period.

    A filled form reads back with `bdg evaluate SPEC --data FORM`; every cell is checked
    again and a rejected one is named by its sheet, row and column (`form.xlsx:Dữ liệu!C7`).
    """
    from bdg_indicators.errors import BdgError
    from bdg_indicators.forms import build_form, write_form
    from bdg_indicators.periods import parse_period

    suffix = Path(out).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError(f"--out names an .xlsx or a .csv file, not `{suffix or out}`")
    try:
        when = parse_period(period)
    except BdgError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="--period") from None
    spec = _load(source)
    try:
        form = build_form(spec, org_units, level, when)
    except BdgError as exc:
        if exc.problems and exc.problems[0].code == "no-org-units":
            problem = exc.problems[0]
            hint = f" ({problem.hint})" if problem.hint else ""
            raise click.UsageError(f"{problem.message}{hint}") from None
        raise
    written = write_form(form, out, lang)
    click.echo(
        f"{written}: {len(form.rows)} {level} × {len(form.columns)} columns, period {when}; "
        f"read it back with `bdg evaluate {spec.id} --data {written}`",
        err=True,
    )
