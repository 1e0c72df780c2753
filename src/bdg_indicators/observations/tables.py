"""Checks of whole tables: duplicate and conflicting rows, parts larger than their whole.

Both run on one integer key per row (org unit, period, data item and breakdown values packed
into one 64-bit integer), so they cost one hash pass each whatever the size of the codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bdg_indicators.errors import Problem
from bdg_indicators.spec import Spec

if TYPE_CHECKING:
    import polars as pl

    from .form_cells import Places

__all__ = ["drop_duplicates", "reject_parts_over_wholes", "row_key"]


def row_key(sizes: Sequence[int], columns: Sequence[str], item: Any = None) -> pl.Expr:
    """One Int64 per row from integer columns of the given sizes (mixed radix); ``item`` may
    replace the ``data_item`` column (to find a part's whole)."""
    import polars as pl

    total = 1
    for size in sizes:
        total *= size
    if total >= 2**62:
        raise OverflowError("too many distinct codes for one key")  # pragma: no cover
    key: pl.Expr = pl.lit(0, pl.Int64)
    for size, column in zip(sizes, columns, strict=True):
        value = item if (column == "data_item" and item is not None) else pl.col(column)
        key = key * size + value.cast(pl.Int64)
    return key


def _show(num: int, item: str, scales: Mapping[str, int], bound: int | None = 0) -> str:
    from bdg_indicators.describe import format_number
    from bdg_indicators.rules.bounds import word

    shown = format_number(Fraction(num, 10 ** scales.get(item, 0)), None, "en")
    return f"{word(bound or 0, 'en')} {shown}".lstrip()


def drop_duplicates(
    table: pl.DataFrame,
    key: pl.Expr,
    items: Sequence[str],
    places: Places,
    scales: Mapping[str, int],
    problems: list[Problem],
) -> pl.DataFrame:
    """Drop rows repeating another with the same value (the first is kept) and reject every row
    of a group that gives different values for the same thing (``places``: where each row of
    ``table`` is)."""

    keys = table.select(key.alias("_key")).to_series()
    if keys.n_unique() == keys.len():  # the usual case, and a cheaper test than the one below
        return table
    repeated = keys.is_duplicated()
    dupes = table.with_columns(keys).filter(repeated)
    drop: list[tuple[int, int]] = []
    groups: dict[int, list[dict[str, Any]]] = {}
    for row in dupes.sort("file", "row").iter_rows(named=True):
        groups.setdefault(row["_key"], []).append(row)
    for rows in groups.values():
        first = rows[0]
        name = items[first["data_item"]]
        if len({(r["num"], r.get("bound", 0)) for r in rows}) == 1:
            for row in rows[1:]:
                drop.append((row["file"], row["row"]))
                problems.append(
                    Problem(
                        code="duplicate-row",
                        message=f"same as {places.row_text(first['file'], first['row'])}",
                        location=places.locate(row["file"], row["row"]),
                    )
                )
            continue
        for row in rows:
            drop.append((row["file"], row["row"]))
            others = "; ".join(
                f"{places.row_text(o['file'], o['row'])} says "
                f"{_show(o['num'], name, scales, o.get('bound'))}"
                for o in rows
                if o is not row
            )
            problems.append(
                Problem(
                    code="conflicting-rows",
                    message=f"this row says {_show(row['num'], name, scales, row.get('bound'))}, "
                    f"but {others}",
                    location=places.locate(row["file"], row["row"]),
                    hint="correct or remove one of them",
                )
            )
    return _without(table, drop)


def _without(table: pl.DataFrame, rows: list[tuple[int, int]]) -> pl.DataFrame:
    import polars as pl

    keys = pl.DataFrame(
        {"file": [f for f, _ in rows], "row": [r for _, r in rows]},
        schema={"file": pl.UInt16, "row": pl.Int64},
    )
    return table.join(keys, on=["file", "row"], how="anti")


def reject_parts_over_wholes(
    table: pl.DataFrame,
    spec: Spec,
    sizes: Sequence[int],
    columns: Sequence[str],
    places: Places,
    scales: Mapping[str, int],
    problems: list[Problem],
) -> pl.DataFrame:
    """Reject a part larger than its whole (same org unit, period and breakdown values); where
    a figure is a bound, only when the bounds settle it (the part cannot be below its figure and
    the whole cannot be above its own). ``places`` says where each row of ``table`` is."""
    import polars as pl

    ids = {d.id: i for i, d in enumerate(spec.data_items)}
    pairs = [(ids[d.id], ids[d.part_of]) for d in spec.data_items if d.part_of is not None]
    if not pairs:
        return table
    names = [d.id for d in spec.data_items]
    whole_of = pl.col("data_item").replace_strict(
        [p for p, _ in pairs], [w for _, w in pairs], default=None, return_dtype=pl.Int32
    )
    scale = [scales.get(n, 0) for n in names]
    common = {p: max(scale[p], scale[w]) for p, w in pairs}
    part_ids = [p for p, _ in pairs]
    multiplied = any(common[p] != scale[p] or common[p] != scale[w] for p, w in pairs)

    def times(column: str, factors: list[int]) -> pl.Expr:
        if not multiplied:
            return pl.col(column)
        factor = pl.col("data_item").replace_strict(part_ids, factors, return_dtype=pl.Int128)
        return pl.col(column).cast(pl.Int128) * factor

    # one lazy query on narrow columns (a key, a number, a row position); the rows' details only
    # for violations, which are few
    lazy = table.lazy().with_row_index("_at")
    if "bound" in table.columns:  # a part that may be below, a whole that may be above: no test
        from bdg_indicators.rules.bounds import ABOVE, BELOW, has

        lazy_parts = lazy.filter(~has(pl.col("bound"), BELOW))
        lazy_wholes = lazy.filter(~has(pl.col("bound"), ABOVE))
    else:
        lazy_parts = lazy_wholes = lazy
    parts = lazy_parts.filter(pl.col("data_item").is_in(part_ids)).select(
        row_key(sizes, columns, whole_of).alias("_key"),
        times("num", [10 ** (common[p] - scale[p]) for p, _ in pairs]).alias("_part"),
        "data_item",
        "_at",
    )
    wholes = lazy_wholes.filter(pl.col("data_item").is_in([w for _, w in pairs])).select(
        row_key(sizes, columns).alias("_key"), pl.col("num").alias("whole_num")
    )
    found = (
        parts.join(wholes, on="_key", how="inner")
        .filter(
            pl.col("_part") > times("whole_num", [10 ** (common[p] - scale[w]) for p, w in pairs])
        )
        .select("_at", "_key", "whole_num")
        .collect()
    )
    if found.height == 0:
        return table
    joined = table[found.get_column("_at")].select("data_item", "num", "file", "row")
    joined = joined.with_columns(found.get_column("_key"), found.get_column("whole_num"))
    details = table.select(
        row_key(sizes, columns).alias("_key"),
        pl.col("data_item").alias("whole_item"),
        pl.col("row").alias("whole_row"),
        pl.col("file").alias("whole_file"),
    ).join(joined.select("_key").unique(), on="_key", how="semi")
    joined = joined.join(details, on="_key", how="left")
    over = []
    for row in joined.iter_rows(named=True):
        part, whole = names[row["data_item"]], names[row["whole_item"]]
        over.append((row["file"], row["row"]))
        problems.append(
            Problem(
                code="part-exceeds-whole",
                message=f"`{part}` = {_show(row['num'], part, scales)} is larger than `{whole}` "
                f"= {_show(row['whole_num'], whole, scales)} "
                f"({places.row_text(row['whole_file'], row['whole_row'])})",
                location=places.locate(row["file"], row["row"]),
            )
        )
    return _without(table, over) if over else table
