"""Series values at every org unit: from the observation rows, years made of their parts, and
sums up the org-unit tree over the same org units.

For each scope (the series one computation reads), an org unit and period get one row: the value
of each series (``x0``, ``x1``, ... as scaled integers), which of them are present (``mask``, one
bit per series), how the row was obtained (``how``), how many reporting org units it covers
(``used``) of how many it should (``expected``), and how many child org units it sums
(``children``).

- **Reported**: the org unit's own rows. When they give every series of the scope, they are its
  value and cover its whole territory.
- **Made of parts** (``derived``): a year or half-year without its own row is built from its
  halves, quarters or months, coarsest first: summed items only when every part is present,
  stocks from the last part.
- **Summed**: otherwise, from the deepest level up, the sum of the children that have every series
  of the scope, so that a ratio's numerator and denominator always come from the same org units.

When some observation is a bound, each series also carries its bound bits (``b0``, ``b1``, ...,
see [`rules.bounds`][bdg_indicators.rules.bounds]): a row's own, OR-ed over the parts of a period
summed and over the children of a sum, the last part's for a stock. Without bounds these columns
do not exist, and cost nothing.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from bdg_indicators.observations import Observations
from bdg_indicators.rules.bounds import ABOVE, BELOW
from bdg_indicators.spec import Aggregation

from .backend import Backend
from .catalogue import PARTS, Catalogue
from .plan import Series

__all__ = ["HOW", "bit_columns", "expected_table", "leaf_rows", "own_rows", "roll_up"]

HOW = {0: "missing", 1: "reported", 2: "derived", 3: "summed"}
"""How a row's values were obtained."""
REPORTED, DERIVED, SUMMED = 1, 2, 3


def bit_columns(slots: int, bounded: bool) -> list[str]:
    """The bound bits columns of ``slots`` series (none without bounds)."""
    return [f"b{j}" for j in range(slots)] if bounded else []


def _or_bits(column: str) -> tuple[nw.Expr, nw.Expr]:
    """The two bits of a bound column, for a maximum each (an OR over rows)."""
    return (
        (nw.col(column) // ABOVE % 2).alias(f"{column}__a"),
        (nw.col(column) // BELOW % 2).alias(f"{column}__b"),
    )


def _joined_bits(column: str) -> nw.Expr:
    return (nw.col(f"{column}__a") * ABOVE + nw.col(f"{column}__b") * BELOW).alias(column)


def series_key(observations: Observations, series: Series) -> int | None:
    """The integer key of a series in the observations' codes (``None``: it cannot occur)."""
    items = observations.data_items
    if series.item not in items:
        return None
    key = items.index(series.item)
    selector = dict(series.selector)
    if any(b not in observations.breakdowns for b in selector):
        return None
    for b in observations.breakdowns:
        values = observations.breakdown_values[b]
        value = selector.get(b)
        if value is not None and value not in values:
            return None
        key = key * (len(values) + 1) + (0 if value is None else values.index(value) + 1)
    return key


def _key_expression(observations: Observations) -> nw.Expr:
    key: nw.Expr = nw.col("data_item").cast(nw.Int64)
    for b in observations.breakdowns:
        key = key * (len(observations.breakdown_values[b]) + 1) + nw.col(b).cast(nw.Int64)
    return key


def _slots(cat: Catalogue, observations: Observations, backend: Backend) -> nw.LazyFrame[Any]:
    rows: dict[str, list[int]] = {"skey": [], "scope": [], "slot": [], "bit": []}
    for scope_id, scope in enumerate(cat.scopes):
        for slot, series in enumerate(scope.series):
            key = series_key(observations, series)
            if key is not None:
                rows["skey"].append(key)
                rows["scope"].append(scope_id)
                rows["slot"].append(slot)
                rows["bit"].append(1 << slot)
    schema = {"skey": nw.Int64, "scope": nw.Int32, "slot": nw.Int32, "bit": nw.Int64}
    return backend.table(rows, schema)


def leaf_rows(
    cat: Catalogue, observations: Observations, backend: Backend, unit_ids: Any
) -> nw.LazyFrame[Any]:
    """Observation rows as (scope, slot, bit, ou, per, num, derived), one per scope reading
    the row's series, with the bound bits ``bd`` when some observation is a bound;
    ``unit_ids`` maps the observations' org-unit ids to the catalogue's (``None``: the same)."""
    table = backend.lazy(observations.encoded)
    unit = nw.col("org_unit")
    if unit_ids is not None:
        unit = unit.replace_strict(list(range(len(unit_ids))), unit_ids, return_dtype=nw.Int32)
    bits = [nw.col("bound").cast(nw.Int64).alias("bd")] if observations.bounded else []
    rows = table.select(
        _key_expression(observations).alias("skey"),
        unit.cast(nw.Int32).alias("ou"),
        nw.col("period").cast(nw.Int32).alias("per"),
        nw.col("num"),
        *bits,
    ).join(_slots(cat, observations, backend), on="skey", how="inner")
    bd = ["bd"] if observations.bounded else []
    rows = rows.select("scope", "slot", "bit", "ou", "per", "num", *bd, nw.lit(0).alias("derived"))
    if cat.periods.has_parts:
        rows = nw.concat([rows, _parts(rows, cat, backend, bool(bd))], how="vertical")
    return rows


def _parts(
    rows: nw.LazyFrame[Any], cat: Catalogue, backend: Backend, bounded: bool
) -> nw.LazyFrame[Any]:
    """Years and half-years made of their parts, where they have no row of their own (a sum
    is a bound where some part is; a stock, the last part's)."""
    periods, index = cat.periods.periods, cat.periods.index
    parts: dict[str, list[int]] = {"per": [], "whole": [], "rank": [], "count": [], "last": []}
    for pid in range(cat.periods.observed):
        period = periods[pid]
        if period.kind not in PARTS:
            continue
        rank = PARTS.index(period.kind)
        for size in (12, 6):
            if size <= period.months:
                continue
            first = period.first - period.first % size
            whole = next(p for p in periods if (p.first, p.last) == (first, first + size - 1))
            parts["per"].append(pid)
            parts["whole"].append(index[whole])
            parts["rank"].append(rank)
            parts["count"].append(size // period.months)
            parts["last"].append(int(period.last == whole.last))
    table = backend.table(parts, dict.fromkeys(parts, nw.Int32))
    scopes: dict[str, list[int]] = {"scope": [], "slot": [], "stock": []}
    for scope_id, scope in enumerate(cat.scopes):
        for slot, series in enumerate(scope.series):
            aggregation = cat.spec.data_item(series.item).aggregation
            if aggregation is not Aggregation.NONE:
                scopes["scope"].append(scope_id)
                scopes["slot"].append(slot)
                scopes["stock"].append(int(aggregation is Aggregation.STOCK))
    kinds = backend.table(scopes, dict.fromkeys(scopes, nw.Int32))
    joined = (
        rows.join(table, on="per", how="inner")
        .join(kinds, on=["scope", "slot"], how="inner")
        .with_columns(nw.when(nw.col("last") == 1).then(nw.col("num")).alias("last_num"))
    )
    bits: list[nw.Expr] = []
    made_bits: list[nw.Expr] = []
    if bounded:
        joined = joined.with_columns(
            nw.when(nw.col("last") == 1).then(nw.col("bd")).alias("last_bd"), *_or_bits("bd")
        )
        bits = [nw.col("last_bd").max(), nw.col("bd__a").max(), nw.col("bd__b").max()]
        made_bits = [
            nw.when(nw.col("stock") == 1)
            .then(nw.col("last_bd"))
            .otherwise(_joined_bits("bd"))
            .cast(nw.Int64)
            .alias("bd")
        ]
    grouped = (
        joined.group_by("scope", "slot", "bit", "ou", "whole", "rank", "count", "stock")
        .agg(
            nw.col("num").sum().alias("total"),
            nw.len().alias("n"),
            nw.col("last_num").max().alias("end"),
            *bits,
        )
        .with_columns(
            nw.when(nw.col("stock") == 1)
            .then(nw.col("end"))
            .otherwise(nw.when(nw.col("n") == nw.col("count")).then(nw.col("total")))
            .alias("num"),
            *made_bits,
        )
        .filter(~nw.col("num").is_null())
    )
    bd = ["bd"] if bounded else []
    best = grouped.group_by("scope", "slot", "ou", "whole").agg(nw.col("rank").min())
    made = grouped.join(best, on=["scope", "slot", "ou", "whole", "rank"], how="inner").select(
        "scope",
        "slot",
        "bit",
        "ou",
        nw.col("whole").alias("per"),
        nw.col("num").cast(nw.Int64),
        *bd,
    )
    made = made.join(rows, on=["scope", "slot", "ou", "per"], how="anti")
    return made.select("scope", "slot", "bit", "ou", "per", "num", *bd, nw.lit(1).alias("derived"))


def own_rows(leaf: nw.LazyFrame[Any], slots: int, bounded: bool = False) -> nw.LazyFrame[Any]:
    """One row per scope, org unit and period: the reported series values, side by side (and
    their bound bits, ``b{j}``, when ``bounded``)."""
    bits = bit_columns(slots, bounded)
    wide = leaf.with_columns(
        *[nw.when(nw.col("slot") == j).then(nw.col("num")).alias(f"x{j}") for j in range(slots)],
        *[nw.when(nw.col("slot") == j).then(nw.col("bd")).alias(b) for j, b in enumerate(bits)],
    )
    return wide.group_by("scope", "ou", "per").agg(
        nw.col("bit").sum().alias("mask"),
        nw.col("derived").max().alias("derived"),
        *[nw.col(f"x{j}").sum() for j in range(slots)],
        *[nw.col(b).max() for b in bits],
    )


def _unit_table(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    units = cat.org_units
    return backend.table(
        {
            "ou": list(range(len(units.codes))),
            "parent": list(units.parents),
            "depth": list(units.depths),
        },
        {"ou": nw.Int32, "parent": nw.Int32, "depth": nw.Int32},
    )


def expected_table(cat: Catalogue, own: Any) -> Any:
    """How many reporting org units each org unit covers, per scope (a Polars frame)."""
    import polars as pl

    levels = cat.org_units.levels
    reporting: dict[int, set[str | None]] = {}
    for scope, unit in own.select("scope", "ou").unique().iter_rows():
        reporting.setdefault(scope, set()).add(levels[unit])
    counts: dict[frozenset[Any], list[int]] = {}
    frames = []
    for scope in range(len(cat.scopes)):
        found = frozenset(reporting.get(scope, ()))
        if found not in counts:
            counts[found] = cat.org_units.expected(found)  # type: ignore[arg-type]
        frames.append(
            pl.DataFrame(
                {
                    "scope": pl.Series([scope] * len(levels), dtype=pl.Int32),
                    "ou": pl.Series(range(len(levels)), dtype=pl.Int32),
                    "expected": pl.Series(counts[found], dtype=pl.Int64),
                }
            )
        )
    if not frames:
        return pl.DataFrame(schema={"scope": pl.Int32, "ou": pl.Int32, "expected": pl.Int64})
    return pl.concat(frames)


def _scope_table(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    full, summable = [], []
    for scope in cat.scopes:
        full.append((1 << len(scope.series)) - 1)
        summable.append(
            all(
                cat.spec.data_item(s.item).aggregation is not Aggregation.NONE for s in scope.series
            )
        )
    return backend.table(
        {"scope": list(range(len(cat.scopes))), "full": full, "summable": summable},
        {"scope": nw.Int32, "full": nw.Int64, "summable": nw.Boolean},
    )


def _absent_table(cat: Catalogue, backend: Backend) -> nw.LazyFrame[Any]:
    """The (org unit, period) pairs when the unit did not exist: it is neither summed into its
    parent then nor summed from its children (its figures then are only those rebuilt across the
    reorganisation, [`observations.history`][bdg_indicators.observations.history])."""
    pairs = cat.absent
    return backend.table(
        {"ou": [ou for ou, _ in pairs], "per": [per for _, per in pairs]},
        {"ou": nw.Int32, "per": nw.Int32},
    )


def roll_up(cat: Catalogue, own: Any, expected_counts: Any, backend: Backend) -> Any:
    """Every (scope, org unit, period) with a value or a partial report: own complete rows,
    sums up the tree over children that have every series, and own incomplete rows where
    nothing could be summed (a Polars frame); ``expected_counts`` is
    [`expected_table`][bdg_indicators.engine.rollup.expected_table]."""
    import polars as pl

    slots = [f"x{j}" for j in range(cat.max_slots)]
    bits = [b for b in bit_columns(cat.max_slots, True) if b in own.columns]
    slots_and_bits = [*slots, *bits]
    expected = backend.lazy(expected_counts)
    units = _unit_table(cat, backend)
    scopes = _scope_table(cat, backend)
    rows = (
        backend.lazy(own)
        .join(scopes, on="scope")
        .join(units.select("ou", "depth"), on="ou")
        .join(expected, on=["scope", "ou"], how="left")
    )
    complete = backend.collect(
        rows.filter(nw.col("mask") == nw.col("full")).select(
            "scope",
            "ou",
            "per",
            "depth",
            "summable",
            nw.when(nw.col("derived") == 1)
            .then(nw.lit(DERIVED))
            .otherwise(nw.lit(REPORTED))
            .cast(nw.Int8)
            .alias("how"),
            "mask",
            *slots_and_bits,
            nw.col("expected").alias("used"),
            nw.lit(0, nw.Int64).alias("children"),
        )
    )
    levels = [complete]
    absent = _absent_table(cat, backend)
    for depth in range(max(cat.org_units.depths, default=0), 0, -1):
        current = pl.concat(levels, how="vertical_relaxed")
        summed = _sum_level(backend.lazy(current), units, depth, slots, bits, absent)
        new = backend.collect(
            summed.join(
                backend.lazy(current).select("scope", "ou", "per"),
                on=["scope", "ou", "per"],
                how="anti",
            ).join(scopes.select("scope", "summable"), on="scope")
        )
        if new.height:
            levels.append(new.select(complete.columns))
    values = pl.concat(levels, how="vertical_relaxed")
    partial = backend.collect(
        rows.filter(nw.col("mask") != nw.col("full")).select(
            "scope",
            "ou",
            "per",
            "depth",
            "summable",
            nw.lit(0).cast(nw.Int8).alias("how"),
            "mask",
            *slots_and_bits,
            nw.lit(0, nw.Int64).alias("used"),
            nw.lit(0, nw.Int64).alias("children"),
        )
    ).join(values.select("scope", "ou", "per"), on=["scope", "ou", "per"], how="anti")
    everything = pl.concat([values, partial.select(values.columns)], how="vertical_relaxed")
    return everything.join(expected_counts, on=["scope", "ou"], how="left").drop("summable")


def _sum_level(
    current: nw.LazyFrame[Any],
    units: nw.LazyFrame[Any],
    depth: int,
    slots: list[str],
    bits: list[str],
    absent: nw.LazyFrame[Any],
) -> nw.LazyFrame[Any]:
    """The sums, at depth - 1, of the complete rows at ``depth`` (summable scopes only), over
    children that existed then into parents that existed then; a sum is a bound where some
    child's value is."""
    children = (
        current.filter((nw.col("depth") == depth) & nw.col("summable"))
        .join(absent, on=["ou", "per"], how="anti")
        .join(units.select("ou", "parent"), on="ou")
        .join(absent.rename({"ou": "parent"}), on=["parent", "per"], how="anti")
    )
    if bits:
        children = children.with_columns(*[e for b in bits for e in _or_bits(b)])
    return (
        children.group_by("scope", "parent", "per")
        .agg(
            nw.col("mask").max(),
            *[nw.col(x).sum() for x in slots],
            *[nw.col(f"{b}__{k}").max() for b in bits for k in "ab"],
            nw.col("used").sum(),
            nw.len().cast(nw.Int64).alias("children"),
        )
        .rename({"parent": "ou"})
        .with_columns(
            nw.lit(depth - 1).cast(nw.Int32).alias("depth"),
            nw.lit(SUMMED).cast(nw.Int8).alias("how"),
            *[_joined_bits(b).cast(nw.Int64) for b in bits],
        )
    )


def parts_of_reported(cat: Catalogue, values: Any, backend: Backend) -> Any:
    """For every (scope, org unit, period) whose own reported row stands, the sum of its
    children's complete values one level down, where they give every series (a Polars frame
    with the columns of ``values``; empty when no org unit with parts reports itself)."""
    import polars as pl

    slots = [f"x{j}" for j in range(cat.max_slots)]
    bits = [b for b in bit_columns(cat.max_slots, True) if b in values.columns]
    has_parts = [ou for ou, parent in enumerate(cat.org_units.parents) if parent >= 0]
    parents = {cat.org_units.parents[ou] for ou in has_parts}
    reported = values.filter(
        (pl.col("how") == REPORTED) & pl.col("ou").is_in(sorted(parents))
    ).select("scope", "ou", "per")
    if reported.height == 0:
        return values.clear()
    units = _unit_table(cat, backend)
    scopes = _scope_table(cat, backend)
    complete = backend.lazy(values.filter(pl.col("how") != 0)).join(
        scopes.select("scope", "summable"), on="scope"
    )
    frames = []
    absent = _absent_table(cat, backend)
    for depth in range(max(cat.org_units.depths, default=0), 0, -1):
        summed = _sum_level(complete, units, depth, slots, bits, absent)
        frames.append(
            backend.collect(
                summed.join(backend.lazy(reported), on=["scope", "ou", "per"], how="inner")
            )
        )
    found = pl.concat(frames, how="vertical_relaxed")
    expected = values.select("scope", "ou", "expected").unique()
    return found.join(expected, on=["scope", "ou"], how="left").select(values.columns)
