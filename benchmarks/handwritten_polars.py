"""The national-scale targets computed directly with Polars, by hand, as an analyst would.

No spec, no validation: the formulas, thresholds and milestone rules of
``national_data.TARGETS`` are written out here. The rules are the ones the library documents
(a milestone due at the period gives a verdict; otherwise the nearest milestone ahead gives
progress along a straight line from the earliest value to the milestone's goal; change targets
compare with the base period's value). Comparisons within 1e-9 (relative) of the threshold or of
the expected value are settled exactly with ``Fraction`` from the integer sums, as a careful
analyst would; every other comparison is in floating point.

A change target (``increase_by``/``reduce_by``) is not applicable at and before its base period.

``evaluate(observations, org_unit_rows)`` returns one row per target, org unit and year:
``target, org_unit, period, value, status, threshold, expected, change_previous``;
``evaluate_files(parquet, csv)`` reads the same string-coded input files as the library (the
observations as Parquet, the org units as CSV ``code,name,level,parent``). As a script:

    python benchmarks/handwritten_polars.py OBSERVATIONS.parquet ORG_UNITS.csv [OUT.parquet]
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import polars as pl
from national_data import INDICATOR, PAIRS, SEXES, TARGETS, YEARS, MilestoneDef, TargetDef

EPSILON = 1e-9


def _series(target: TargetDef) -> tuple[list[str], list[str] | None, int]:
    """Columns summed for the numerator and the denominator (None for counts), and the factor."""
    ind = INDICATOR[target.indicator]
    pair = PAIRS[ind.pair]
    sexes = [target.sex] if (ind.by_sex and target.sex) else list(SEXES)
    num = [f"{pair.part}|{s}" for s in sexes]
    den = [f"{pair.whole}|{s}" for s in sexes] if ind.kind == "ratio" else None
    return num, den, ind.factor


def _first_due(m: MilestoneDef) -> int:
    return m.start


def _milestone(target: TargetDef, year: int) -> tuple[MilestoneDef | None, bool]:
    """The milestone that judges ``year`` and whether it is due then (``None``: not applicable).

    A change milestone (``increase_by``/``reduce_by``) is not applicable at and before its base
    period: there is nothing to change from yet.
    """
    found: MilestoneDef | None = None
    due = False
    for m in target.milestones:
        if (m.when == "by" and year == m.start) or (m.when == "every" and m.start <= year <= m.end):
            found, due = m, True
            break
    if found is None:
        ahead = [m for m in target.milestones if _first_due(m) > year]
        if not ahead:
            return None, False
        found = min(ahead, key=_first_due)
    if found.base is not None and year <= found.base:
        return None, False
    return found, due


def _higher(m: MilestoneDef) -> bool:
    if m.op is None:
        return m.direction == "increase"
    return m.op in ("at_least", "more_than")


def _schedule() -> pl.DataFrame:
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "target",
            "period",
            "due",
            "op",
            "t",
            "change",
            "sign",
            "amount",
            "base_period",
            "higher",
            "goal_year",
        )
    }
    for target in TARGETS:
        for year in YEARS:
            m, due = _milestone(target, year)
            rows["target"].append(target.id)
            rows["period"].append(str(year))
            rows["due"].append(due if m else None)
            rows["op"].append(m.op if m else None)
            rows["t"].append(float(m.threshold) if m and m.threshold is not None else None)
            rows["change"].append(m.change if m else None)
            rows["sign"].append((1.0 if m.direction == "increase" else -1.0) if m else None)
            rows["amount"].append(float(m.amount) if m and m.amount is not None else None)
            rows["base_period"].append(str(m.base) if m and m.base else None)
            rows["higher"].append(_higher(m) if m else None)
            rows["goal_year"].append(_first_due(m) if m else None)
    return pl.DataFrame(
        rows,
        schema={
            "target": pl.String,
            "period": pl.String,
            "due": pl.Boolean,
            "op": pl.String,
            "t": pl.Float64,
            "change": pl.String,
            "sign": pl.Float64,
            "amount": pl.Float64,
            "base_period": pl.String,
            "higher": pl.Boolean,
            "goal_year": pl.Int64,
        },
    )


def _sums(
    observations: pl.DataFrame, units: Sequence[tuple[str, str, str, str | None]]
) -> pl.DataFrame:
    """Integer numerator and denominator of every target, org unit and year, summed up the tree.

    (The data are complete; a missing row would simply not count, where the library would say
    "no data".)
    """
    by_item = observations.partition_by("data_item", as_dict=True, include_key=False)
    key = ["org_unit", "period"]

    def series(columns: list[str]) -> pl.DataFrame:
        item = columns[0].split("|")[0]
        sexes = [c.split("|")[1] for c in columns]
        frame = by_item[(item,)]
        if len(sexes) < len(SEXES):
            frame = frame.filter(pl.col("sex").is_in(sexes))
        return frame.group_by(key).agg(pl.col("value").sum())

    per_target = []
    for target in TARGETS:
        num_cols, den_cols, _ = _series(target)
        num = series(num_cols).rename({"value": "num"})
        if den_cols is None:
            both = num.with_columns(pl.lit(1, pl.Int64).alias("den"))
        else:
            den = series(den_cols).rename({"value": "den"})
            both = num.join(den, on=key, how="full", coalesce=True)
        per_target.append(both.select(pl.lit(target.id).alias("target"), *key, "num", "den"))
    communes = pl.concat(per_target)
    parent = {code: p for code, _, _, p in units}
    depth = {}
    for code in parent:
        d, p = 0, parent[code]
        while p is not None:
            d, p = d + 1, parent[p]
        depth[code] = d
    links = pl.DataFrame(
        {"org_unit": list(parent), "parent": list(parent.values())},
        schema={"org_unit": pl.String, "parent": pl.String},
    )
    levels = [communes]
    for d in range(max(depth.values()), 0, -1):
        children = [code for code, dd in depth.items() if dd == d]
        summed = (
            pl.concat(levels)
            .filter(pl.col("org_unit").is_in(children))
            .join(links, on="org_unit")
            .group_by("target", "parent", "period")
            .agg(pl.col("num").sum(), pl.col("den").sum())
            .rename({"parent": "org_unit"})
        )
        levels.append(summed.select(communes.columns))
    return pl.concat(levels)


def evaluate(
    observations: pl.DataFrame, units: Sequence[tuple[str, str, str, str | None]]
) -> pl.DataFrame:
    """Values, verdicts and changes for every target, org unit and year."""
    factors = {t.id: _series(t)[2] for t in TARGETS}
    counts = [t.id for t in TARGETS if _series(t)[1] is None]
    results = _sums(observations, units).with_columns(
        pl.when(pl.col("target").is_in(counts))
        .then(pl.col("num").cast(pl.Float64))
        .when(pl.col("den") != 0)
        .then(pl.col("num") / pl.col("den"))
        .mul(pl.col("target").replace_strict(factors, return_dtype=pl.Float64))
        .alias("value")
    )
    # earlier values without self-joins: one integer id per target and org unit, rows sorted by
    # id and year, the previous year by a shift, the base and the baseline per group
    bases = {t.id: m.base for t in TARGETS for m in t.milestones if m.base is not None}
    target_ids = {t.id: i for i, t in enumerate(TARGETS)}
    unit_ids = {code: i for i, (code, *_) in enumerate(units)}
    results = (
        results.with_columns(
            (
                pl.col("target").replace_strict(target_ids, return_dtype=pl.Int64) * len(unit_ids)
                + pl.col("org_unit").replace_strict(unit_ids, return_dtype=pl.Int64)
            ).alias("gid"),
            pl.col("period").cast(pl.Int64).alias("year"),
        )
        .sort("gid", "year")
        .with_columns(
            pl.when(
                (pl.col("gid").shift(1) == pl.col("gid"))
                & (pl.col("year").shift(1) == pl.col("year") - 1)
            )
            .then(pl.col("value").shift(1))
            .alias("pv")
        )
    )
    has_value = pl.col("value").is_not_null()
    at_base = pl.col("year") == pl.col("target").replace_strict(
        bases, default=None, return_dtype=pl.Int64
    )
    per_group = results.group_by("gid").agg(
        pl.col("value").filter(at_base).first().alias("base_value"),
        pl.col("year").filter(has_value).first().alias("baseline_year"),
        pl.col("value").filter(has_value).first().alias("b0"),
    )
    joined = results.join(per_group, on="gid", how="left").join(
        _schedule(), on=["target", "period"], how="left"
    )
    v, t = pl.col("value"), pl.col("t")
    is_change = pl.col("change").is_not_null()
    goal = (
        pl.when(~is_change)
        .then(t)
        .when(pl.col("change") == "relative")
        .then(pl.col("base_value") * (1 + pl.col("sign") * pl.col("amount")))
        .otherwise(pl.col("base_value") + pl.col("sign") * pl.col("amount"))
    )
    year = pl.col("year")
    y0 = pl.col("baseline_year")
    has_baseline = y0 < year
    b0, g = pl.col("b0"), pl.col("goal")
    expected = pl.when(has_baseline).then(b0 + (g - b0) * (year - y0) / (pl.col("goal_year") - y0))
    joined = joined.with_columns(goal.alias("goal")).with_columns(expected.alias("expected"))
    e = pl.col("expected")
    met_due = (
        pl.when(is_change)
        .then(pl.when(pl.col("higher")).then(v >= g).otherwise(v <= g))
        .when(pl.col("op") == "at_least")
        .then(v >= t)
        .when(pl.col("op") == "more_than")
        .then(v > t)
        .when(pl.col("op") == "at_most")
        .then(v <= t)
        .otherwise(v < t)
    )
    aim = pl.when(pl.col("due") | ~has_baseline).then(g).otherwise(e)
    on_track = pl.when(pl.col("higher")).then(v >= aim).otherwise(v <= aim)
    status = (
        pl.when(pl.col("due").is_null())
        .then(pl.lit("not_applicable"))
        .when(v.is_null() | (is_change & pl.col("base_value").is_null()))
        .then(pl.lit("no_data"))
        .when(pl.col("due"))
        .then(pl.when(met_due).then(pl.lit("achieved")).otherwise(pl.lit("not_achieved")))
        .otherwise(pl.when(on_track).then(pl.lit("on_track")).otherwise(pl.lit("off_track")))
    )
    near = (v - aim).abs() <= pl.max_horizontal(aim.abs(), pl.lit(1.0)) * EPSILON
    out = joined.with_columns(
        status.alias("status"),
        near.fill_null(False).alias("near"),
        pl.when(pl.col("due").is_not_null()).then(g).alias("threshold"),
        pl.when(pl.col("due") == False).then(e).alias("expected"),  # noqa: E712
        (v - pl.col("pv")).alias("change_previous"),
    )
    out = _settle(out, results)
    return out.select(
        "target",
        "org_unit",
        "period",
        "value",
        "status",
        "threshold",
        "expected",
        "change_previous",
    )


def _settle(out: pl.DataFrame, sums: pl.DataFrame) -> pl.DataFrame:
    """Recompute, with exact fractions, the statuses of values within 1e-9 of what they meet."""
    near = out.filter(pl.col("near"))
    if near.height == 0:
        return out.drop("near")
    base = sums.select(
        "target",
        "org_unit",
        pl.col("period").alias("base_period"),
        pl.col("num").alias("bnum"),
        pl.col("den").alias("bden"),
    )
    baseline = sums.select(
        "target",
        "org_unit",
        pl.col("year").alias("baseline_year"),
        pl.col("num").alias("b0num"),
        pl.col("den").alias("b0den"),
    )
    near = near.join(base, on=["target", "org_unit", "base_period"], how="left").join(
        baseline, on=["target", "org_unit", "baseline_year"], how="left"
    )
    targets = {t.id: t for t in TARGETS}
    fixes: dict[str, list[Any]] = {"target": [], "org_unit": [], "period": [], "exact": []}
    for row in near.iter_rows(named=True):
        target = targets[row["target"]]
        factor = INDICATOR[target.indicator].factor
        year = int(row["period"])
        m, due = _milestone(target, year)
        assert m is not None
        value = Fraction(row["num"], row["den"]) * factor
        if m.op is None:
            assert m.amount is not None
            base = Fraction(row["bnum"], row["bden"]) * factor
            sign = 1 if m.direction == "increase" else -1
            goal = (
                base * (1 + sign * m.amount) if m.change == "relative" else base + sign * m.amount
            )
        else:
            assert m.threshold is not None
            goal = m.threshold
        if due:
            met = {
                "at_least": value >= goal,
                "more_than": value > goal,
                "at_most": value <= goal,
                "less_than": value < goal,
                None: value >= goal if m.direction == "increase" else value <= goal,
            }[m.op]
            status = "achieved" if met else "not_achieved"
        else:
            aim = goal
            y0 = row["baseline_year"]
            if y0 < year:
                b0 = Fraction(row["b0num"], row["b0den"]) * factor
                aim = b0 + (goal - b0) * Fraction(year - y0, m.start - y0)
            ok = value >= aim if _higher(m) else value <= aim
            status = "on_track" if ok else "off_track"
        fixes["target"].append(row["target"])
        fixes["org_unit"].append(row["org_unit"])
        fixes["period"].append(row["period"])
        fixes["exact"].append(status)
    patch = pl.DataFrame(fixes, schema=dict.fromkeys(fixes, pl.String))
    return (
        out.join(patch, on=["target", "org_unit", "period"], how="left")
        .with_columns(pl.coalesce("exact", "status").alias("status"))
        .drop("exact", "near")
    )


def read_org_units(path: str | os.PathLike[str]) -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent) rows from the org-unit CSV (an empty parent is the root)."""
    frame = pl.read_csv(path, schema=dict.fromkeys(("code", "name", "level", "parent"), pl.String))
    return frame.select("code", "name", "level", "parent").rows()


def evaluate_files(
    observations: str | os.PathLike[str], org_units: str | os.PathLike[str]
) -> pl.DataFrame:
    """Read the Parquet observations and the CSV org units, then ``evaluate``."""
    return evaluate(pl.read_parquet(observations), read_org_units(org_units))


if __name__ == "__main__":
    start = time.perf_counter()
    table = evaluate_files(sys.argv[1], sys.argv[2])
    print(f"{table.height:,} results in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    if len(sys.argv) > 3:
        table.write_parquet(sys.argv[3])
