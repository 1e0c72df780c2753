"""`bdg orgunits`: list and find org units, at a date, and show a unit's history."""

from __future__ import annotations

import datetime
from typing import Any

import click

from bdg_indicators.cli import _json, cli
from bdg_indicators.describe import describe_validity

LEVELS_VI = {
    "country": "quốc gia",
    "province": "tỉnh",
    "district": "huyện",
    "commune": "xã",
    "agency": "cơ quan",
}
KINDS_VI = {"whole": "nhập toàn bộ", "part": "một phần"}


def _day(text: str | None) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"`{text}` is not a date: write 2025-07-01", param_hint="--at"
        ) from None


def _unit_json(unit: Any) -> dict[str, Any]:
    return {
        "key": unit.key,
        "code": unit.code,
        "name": unit.name,
        "type": unit.kind,
        "level": unit.level,
        "parent": unit.parent,
        "valid_from": str(unit.valid_from) if unit.valid_from else None,
        "valid_until": str(unit.valid_until) if unit.valid_until else None,
    }


def _link_json(tree: Any, link: Any) -> dict[str, Any]:
    return {
        "old": link.old,
        "old_name": tree[link.old].name,
        "new": link.new,
        "new_name": tree[link.new].name,
        "on": str(link.on),
        "kind": link.kind,
        "weight": str(link.weight) if link.weight is not None else None,
        "note": link.note,
    }


def _listing(tree: Any, units: list[Any], lang: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(_json([_unit_json(u) for u in units]))
        return
    from rich.console import Console
    from rich.table import Table

    vi = lang == "vi"
    table = Table()
    headers = (
        ("Mã", "Tên", "Cấp", "Trực thuộc", "Hiệu lực")
        if vi
        else ("Code", "Name", "Level", "Part of", "Valid")
    )
    for header in headers:
        table.add_column(header, overflow="fold")
    for unit in units:
        parent = tree[unit.parent].name if unit.parent and unit.parent in tree else ""
        level = LEVELS_VI.get(unit.level, unit.level) if vi else unit.level
        table.add_row(
            unit.code, unit.name, unit.kind or level, parent, describe_validity(unit, lang)
        )
    console = Console()
    console.print(table)
    console.print(f"{len(units)} {'đơn vị' if vi else 'org units'}", highlight=False)


def _history(tree: Any, code: str, lang: str, fmt: str) -> None:
    versions = tree.versions(code)
    if not versions:
        raise click.BadParameter(f"no org unit has the code `{code}`", param_hint="--history")
    if fmt == "json":
        data = [
            {
                **_unit_json(u),
                "predecessors": [_link_json(tree, link) for link in tree.predecessors(u.key)],
                "successors": [_link_json(tree, link) for link in tree.successors(u.key)],
            }
            for u in versions
        ]
        click.echo(_json(data))
        return
    vi = lang == "vi"
    for unit in versions:
        click.echo(f"{unit.code} {unit.name} ({describe_validity(unit, lang)})")
        for link in tree.predecessors(unit.key):
            kind = KINDS_VI[link.kind] if vi else link.kind
            old = tree[link.old]
            click.echo(f"  ← {old.code} {old.name}: {kind}, {'ngày' if vi else 'on'} {link.on}")
        for link in tree.successors(unit.key):
            kind = KINDS_VI[link.kind] if vi else link.kind
            new = tree[link.new]
            click.echo(f"  → {new.code} {new.name}: {kind}, {'ngày' if vi else 'on'} {link.on}")
        if not tree.successors(unit.key):
            _parts_went(tree, unit, lang)


def _parts_went(tree: Any, unit: Any, lang: str) -> None:
    """Where the parts of a unit without links of its own went (a district's communes)."""
    went: dict[str, list[str]] = {}
    for part in tree.descendants(unit.key):
        for link in tree.successors(part.key):
            new = tree[link.new]
            went.setdefault(f"{new.code} {new.name}", []).append(part.name)
    for new, parts in went.items():
        into = "gồm" if lang == "vi" else "from"
        click.echo(f"  ⇒ {new} ({into} {', '.join(parts)})")


@cli.command()
@click.option(
    "--org-units",
    "source",
    default="vn",
    show_default=True,
    metavar="FILE",
    help="An org-unit file, or vn: Viet Nam's units before and after 1 July 2025 (shipped).",
)
@click.option("--at", "at", metavar="DATE", help="Only the units that exist on this day.")
@click.option("--level", metavar="LEVEL", help="Only the units of this level (province, commune…).")
@click.option(
    "--find",
    "text",
    metavar="TEXT",
    help="Only the units whose name contains TEXT, "
    "without regard to diacritics (quang nam finds Quảng Nam).",
)
@click.option(
    "--history",
    "code",
    metavar="CODE",
    help="The units that have had this code, with what they were made of and where they went.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def orgunits(
    source: str,
    at: str | None,
    level: str | None,
    text: str | None,
    code: str | None,
    lang: str,
    fmt: str,
) -> None:
    """List and find org units (by default Viet Nam's, before and after 1 July 2025), or show
    one code's history: the units that had it, what each was made of and where it went."""
    from bdg_indicators.orgunit_files import load_org_units

    tree = load_org_units(source)
    if code is not None:
        _history(tree, code, lang, fmt)
        return
    day = _day(at)
    units = list(tree.search(text) if text else tree)
    if day is not None:
        units = [u for u in units if u.exists_on(day)]
    if level is not None:
        units = [u for u in units if u.level == level]
    _listing(tree, units, lang, fmt)
