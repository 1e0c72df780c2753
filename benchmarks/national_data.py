"""Synthetic national-scale data for the benchmarks: a 20-target spec, an org-unit tree (1 country,
34 provinces, 3,321 communes) and commune-level observations (40 data items by sex, 2015-2024).

Everything is deterministic: the tree comes from ``random.Random(SEED)``, the values from an
integer hash of each row's position computed with Polars expressions (no NumPy). The same
definitions (``PAIRS``, ``INDICATORS``, ``TARGETS``) produce the spec's YAML text and drive the
hand-written Polars and naive pint versions, so all three compute the same targets.

``write_inputs(directory, communes_for(scale))`` writes the input files every contender reads:
``spec.yaml`` (``spec_yaml()``), ``org_units.csv`` (``code,name,level,parent``) and
``observations.parquet`` (string columns ``org_unit, period, data_item, sex``, Int64 ``value``).
The number of communes scales; there are always 34 provinces. As a script:

    python benchmarks/national_data.py DIRECTORY --communes 3321
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

SEED = 20250701
PROVINCES = 34
COMMUNES = 3321
YEARS = tuple(range(2015, 2025))
SEXES = ("male", "female")


@dataclass(frozen=True)
class Pair:
    """A part and its whole (numerator and denominator), both broken down by sex."""

    part: str
    whole: str
    per_capita: float
    """Mean size of the whole, per person of the commune and per sex."""
    share: float
    """Mean share of the part in the whole in 2015."""
    spread: float
    """How far a commune's share may sit from the mean (uniform, ±)."""
    trend: float
    """Change of the share per year."""
    growth: float
    """Relative change of the whole per year."""
    noise: float = 0.06
    """Year-to-year noise of the whole (relative, peak to peak)."""
    stock: bool = True
    """The whole is a stock (population), not a flow."""


PAIRS: tuple[Pair, ...] = (
    Pair("vaccinated_u1", "children_u1", 0.008, 0.92, 0.06, 0.003, -0.01),
    Pair("in_school_6_14", "children_6_14", 0.07, 0.955, 0.03, 0.002, 0.005),
    Pair("literate_15_60", "people_15_60", 0.31, 0.94, 0.05, 0.003, 0.008),
    Pair("births_in_facility", "births", 0.0075, 0.86, 0.1, 0.008, -0.01, stock=False),
    Pair("deaths_u5", "births_u5_cohort", 0.0075, 0.022, 0.012, -0.001, -0.01, stock=False),
    Pair("deaths_u1", "births_u1_cohort", 0.0075, 0.015, 0.01, -0.0006, -0.01, stock=False),
    Pair("stunted_u5", "weighed_u5", 0.04, 0.21, 0.08, -0.006, -0.005),
    Pair("abuse_cases", "children_u16", 0.12, 0.0006, 0.0005, 0.00001, 0.0),
    Pair("child_marriages", "marriages", 0.004, 0.05, 0.05, -0.003, 0.0, 0.3, False),
    Pair("leaders_trained", "leaders", 0.0015, 0.6, 0.2, 0.02, 0.0, 0.2),
    Pair("council_elected", "council_members", 0.0012, 0.27, 0.12, 0.006, 0.0, 0.15),
    Pair("gbv_supported", "gbv_reported", 0.0004, 0.72, 0.2, 0.015, 0.02, 0.8, False),
    Pair("trained_workers", "workers", 0.28, 0.5, 0.12, 0.015, 0.01),
    Pair("clean_water_households", "households", 0.13, 0.86, 0.1, 0.008, 0.012),
    Pair("disabled_children_supported", "disabled_children", 0.003, 0.62, 0.2, 0.02, 0.0),
    Pair("orphans_in_care", "orphans", 0.00008, 0.82, 0.15, 0.01, 0.0, 1.0),
    Pair("injuries_u16", "children_0_15", 0.12, 0.0016, 0.0012, -0.00004, 0.0),
    Pair("teen_births", "girls_15_19", 0.035, 0.032, 0.02, -0.0012, -0.005, 0.1),
    Pair("pregnant_tested_hiv", "pregnant_women", 0.008, 0.55, 0.2, 0.025, -0.01, 0.1, False),
    Pair("elderly_supported", "elderly", 0.06, 0.4, 0.15, 0.01, 0.02),
)
"""Twenty parts and twenty wholes: the 40 data items."""


@dataclass(frozen=True)
class IndicatorDef:
    """An indicator: a ratio of a part to its whole (times ``factor``), or a count of a part."""

    id: str
    pair: int
    kind: str
    """``ratio`` or ``count``."""
    unit: str
    factor: int
    better: str
    by_sex: bool = False
    """The formula is written without selectors (``part / whole``); targets restrict it by sex.
    Otherwise it sums both sexes with selectors (``x[sex=male] + x[sex=female]``)."""

    @property
    def formula(self) -> str:
        part, whole = PAIRS[self.pair].part, PAIRS[self.pair].whole
        if self.by_sex:
            return part if self.kind == "count" else f"{part} / {whole}"
        total_part = f"{part}[sex=male] + {part}[sex=female]"
        if self.kind == "count":
            return total_part
        return f"({total_part}) / ({whole}[sex=male] + {whole}[sex=female])"


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef("vaccination_rate", 0, "ratio", "percent", 100, "higher"),
    IndicatorDef("enrolment_rate", 1, "ratio", "percent", 100, "higher", by_sex=True),
    IndicatorDef("literacy_rate", 2, "ratio", "percent", 100, "higher", by_sex=True),
    IndicatorDef("facility_birth_rate", 3, "ratio", "percent", 100, "higher"),
    IndicatorDef("u5_mortality", 4, "ratio", "per_1000", 1000, "lower"),
    IndicatorDef("u1_mortality", 5, "ratio", "per_1000", 1000, "lower", by_sex=True),
    IndicatorDef("stunting_rate", 6, "ratio", "percent", 100, "lower"),
    IndicatorDef("abuse_cases_total", 7, "count", "case", 1, "lower"),
    IndicatorDef("abuse_rate", 7, "ratio", "per_1000", 1000, "lower"),
    IndicatorDef("child_marriage_rate", 8, "ratio", "percent", 100, "lower"),
    IndicatorDef("leaders_trained_rate", 9, "ratio", "percent", 100, "higher"),
    IndicatorDef("council_rate", 10, "ratio", "percent", 100, "higher"),
    IndicatorDef("gbv_support_rate", 11, "ratio", "percent", 100, "higher", by_sex=True),
    IndicatorDef("trained_worker_rate", 12, "ratio", "percent", 100, "higher"),
    IndicatorDef("clean_water_rate", 13, "ratio", "percent", 100, "higher"),
    IndicatorDef("disabled_supported", 14, "count", "child", 1, "higher", by_sex=True),
    IndicatorDef("orphan_care_rate", 15, "ratio", "percent", 100, "higher"),
    IndicatorDef("injury_rate", 16, "ratio", "per_1000", 1000, "lower", by_sex=True),
    IndicatorDef("teen_birth_rate", 17, "ratio", "per_1000", 1000, "lower"),
    IndicatorDef("hiv_testing_rate", 18, "ratio", "percent", 100, "higher", by_sex=True),
)
INDICATOR = {i.id: i for i in INDICATORS}


@dataclass(frozen=True)
class MilestoneDef:
    """``by``/``every`` and a comparison or a change."""

    when: str
    """``by`` or ``every``."""
    start: int
    end: int
    """For ``by`` the year (``start == end``); for ``every`` the first and last year."""
    op: str | None = None
    """``at_least``, ``at_most``, ``more_than``, ``less_than`` (comparisons)."""
    threshold: Fraction | None = None
    change: str | None = None
    """``relative`` or ``absolute`` (changes)."""
    direction: str | None = None
    """``increase`` or ``decrease``."""
    amount: Fraction | None = None
    """A fraction of the base value (relative) or in the indicator's unit (absolute)."""
    base: int | None = None

    def yaml(self, unit: str) -> str:
        when = f"by: {self.start}" if self.when == "by" else f"every: {self.start}/{self.end}"
        if self.op is not None:
            return f"{{{when}, {self.op}: {_number(self.threshold)}}}"
        assert self.amount is not None
        verb = "increase_by" if self.direction == "increase" else "reduce_by"
        if self.change == "relative":
            amount = f"{_number(self.amount * 100)} percent"
        else:
            amount = _number(self.amount) + (" percentage_point" if unit == "percent" else "")
        return f"{{{when}, {verb}: {amount}, change: {self.change}, base: {self.base}}}"


def _number(value: Fraction | None) -> str:
    assert value is not None
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.10f}".rstrip("0")
    assert Fraction(text) == value, value
    return text


def _by(year: int, op: str, threshold: str) -> MilestoneDef:
    return MilestoneDef("by", year, year, op=op, threshold=Fraction(threshold))


def _every(start: int, end: int, op: str, threshold: str) -> MilestoneDef:
    return MilestoneDef("every", start, end, op=op, threshold=Fraction(threshold))


def _change(year: int, change: str, direction: str, amount: str, base: int) -> MilestoneDef:
    return MilestoneDef(
        "by",
        year,
        year,
        change=change,
        direction=direction,
        amount=Fraction(amount),
        base=base,
    )


@dataclass(frozen=True)
class TargetDef:
    """A target: an indicator, an optional restriction to one sex, milestones in spec order."""

    id: str
    indicator: str
    milestones: tuple[MilestoneDef, ...]
    sex: str | None = None

    @property
    def goal(self) -> str:
        return self.id.split(".")[0]


TARGETS: tuple[TargetDef, ...] = (
    TargetDef(
        "1.1",
        "vaccination_rate",
        (_every(2016, 2020, "at_least", "92"), _by(2025, "at_least", "95")),
    ),
    TargetDef(
        "1.2",
        "enrolment_rate",
        (_by(2020, "at_least", "97"), _by(2025, "at_least", "98.5")),
        sex="female",
    ),
    TargetDef("1.3", "literacy_rate", (_every(2015, 2024, "at_least", "95"),), sex="male"),
    TargetDef("1.4", "facility_birth_rate", (_by(2025, "more_than", "95"),)),
    TargetDef("2.1", "u5_mortality", (_by(2020, "at_most", "20"), _by(2025, "at_most", "15"))),
    TargetDef("2.2", "u1_mortality", (_every(2016, 2024, "at_most", "12"),), sex="female"),
    TargetDef("2.3", "stunting_rate", (_change(2024, "relative", "decrease", "0.2", 2015),)),
    TargetDef("2.4", "abuse_cases_total", (_every(2015, 2024, "at_most", "6"),)),
    TargetDef("2.5", "abuse_rate", (_by(2025, "at_most", "0.5"),)),
    TargetDef("3.1", "child_marriage_rate", (_every(2021, 2024, "at_most", "3.5"),)),
    TargetDef(
        "3.2",
        "leaders_trained_rate",
        (_change(2024, "absolute", "increase", "10", 2018),),
    ),
    TargetDef(
        "3.3",
        "council_rate",
        (_by(2021, "at_least", "30"), _every(2022, 2024, "at_least", "33.3")),
    ),
    TargetDef("3.4", "gbv_support_rate", (_every(2018, 2024, "at_least", "80"),), sex="female"),
    TargetDef(
        "4.1",
        "trained_worker_rate",
        (_by(2020, "at_least", "55"), _by(2025, "at_least", "65")),
    ),
    TargetDef("4.2", "clean_water_rate", (_every(2015, 2024, "at_least", "87.5"),)),
    TargetDef("4.3", "disabled_supported", (_every(2015, 2024, "more_than", "30"),), sex="female"),
    TargetDef("4.4", "orphan_care_rate", (_by(2022, "at_least", "45"),)),
    TargetDef("5.1", "injury_rate", (_by(2024, "at_most", "1.2"),), sex="male"),
    TargetDef("5.2", "teen_birth_rate", (_change(2024, "relative", "decrease", "0.25", 2016),)),
    TargetDef(
        "5.3",
        "hiv_testing_rate",
        (_by(2020, "at_least", "60"), _every(2021, 2024, "at_least", "75")),
        sex="female",
    ),
)
"""Twenty targets: percent ratios, per-1,000 rates, counts and three change targets."""

UNITS = {
    "children_u1": "child",
    "children_6_14": "child",
    "children_u16": "child",
    "children_0_15": "child",
    "disabled_children": "child",
    "disabled_children_supported": "child",
    "orphans": "child",
    "orphans_in_care": "child",
    "vaccinated_u1": "child",
    "in_school_6_14": "child",
    "abuse_cases": "case",
    "injuries_u16": "case",
    "births": "birth",
    "births_in_facility": "birth",
    "births_u5_cohort": "birth",
    "births_u1_cohort": "birth",
    "teen_births": "birth",
    "deaths_u5": "death",
    "deaths_u1": "death",
    "households": "household",
    "clean_water_households": "household",
}


def spec_yaml() -> str:
    """The spec as YAML text."""
    lines = [
        "bdg_spec: 1",
        "id: bench.national-scale",
        "title: {vi: Bộ chỉ tiêu quốc gia (tổng hợp), en: National indicators (synthetic)}",
        "span: 2015/2025",
        "data_items:",
    ]
    for pair in PAIRS:
        whole_unit = UNITS.get(pair.whole, "person")
        part_unit = UNITS.get(pair.part, "person")
        aggregation = ", aggregation: stock" if pair.stock else ""
        lines.append(
            f"  {pair.whole}: {{label: {pair.whole}, unit: {whole_unit}, "
            f"breakdowns: [sex]{aggregation}}}"
        )
        lines.append(
            f"  {pair.part}: {{label: {pair.part}, unit: {part_unit}, breakdowns: [sex], "
            f"part_of: {pair.whole}}}"
        )
    lines.append("indicators:")
    for ind in INDICATORS:
        lines += [
            f"  {ind.id}:",
            f"    label: {ind.id}",
            f'    formula: "{ind.formula}"',
            f"    unit: {ind.unit}",
            "    decimals: 2",
            f"    better: {ind.better}",
        ]
    lines.append("goals:")
    goal = None
    for target in TARGETS:
        if target.goal != goal:
            goal = target.goal
            lines += [f'  - id: "{goal}"', f"    label: Goal {goal}", "    targets:"]
        unit = INDICATOR[target.indicator].unit
        lines += [f'      - id: "{target.id}"', f"        indicator: {target.indicator}"]
        if target.sex:
            lines.append(f"        breakdown: {{sex: {target.sex}}}")
        lines.append("        milestones:")
        lines += [f"          - {m.yaml(unit)}" for m in target.milestones]
        lines.append('        source: {clause: "synthetic", verification: unverified}')
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- org units


def communes_for(scale: float) -> int:
    """How many communes at a scale (1 = the 3,321 of the 2025 reform)."""
    return max(PROVINCES, round(COMMUNES * scale))


def org_unit_rows(n_communes: int) -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent) for the country, its provinces and communes."""
    rng = random.Random(SEED)
    weights = [rng.uniform(0.35, 1.65) for _ in range(PROVINCES)]
    total = sum(weights)
    exact = [n_communes * w / total for w in weights]
    counts = [max(1, int(x)) for x in exact]
    order = sorted(range(PROVINCES), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(counts) < n_communes:
        counts[order[i % PROVINCES]] += 1
        i += 1
    while sum(counts) > n_communes:
        j = max(range(PROVINCES), key=lambda k: counts[k])
        counts[j] -= 1
    rows: list[tuple[str, str, str, str | None]] = [("VN", "Việt Nam", "country", None)]
    number = 0
    for p in range(PROVINCES):
        code = f"P{p + 1:02d}"
        rows.append((code, f"Tỉnh {p + 1:02d}", "province", "VN"))
        for _ in range(counts[p]):
            number += 1
            rows.append((f"C{number:04d}", f"Xã {number:04d}", "commune", code))
    return rows


def org_unit_tree(n_communes: int) -> Any:
    """The tree as a ``bdg_indicators.OrgUnitTree``."""
    from bdg_indicators.orgunits import OrgUnit, OrgUnitTree

    return OrgUnitTree(
        {
            code: OrgUnit(code=code, name=name, level=level, parent=parent)
            for code, name, level, parent in org_unit_rows(n_communes)
        }
    )


# ---------------------------------------------------------------- observations

_M = 2147483647  # 2**31 - 1


def _uniform(key: pl.Expr, salt: int) -> pl.Expr:
    """A deterministic pseudo-random number in [0, 1) for each integer key (no overflow)."""
    h = (key * 2654435761 + salt * 40503 + 12345) % _M
    h = h ^ (h // 65536)
    h = (h * 48271 + salt) % _M
    h = h ^ (h // 2048)
    h = (h * 16807 + 1) % _M
    return h.cast(pl.Float64) / _M


def observations(n_communes: int) -> pl.DataFrame:
    """Commune-level observations: org_unit, period, data_item, sex, value (Int64)."""
    rng = random.Random(SEED + 1)
    communes = [code for code, _, level, _ in org_unit_rows(n_communes) if level == "commune"]
    frame_c = pl.DataFrame(
        {
            "org_unit": communes,
            "ci": list(range(len(communes))),
            "pop": [rng.randint(6000, 60000) for _ in communes],
        },
        schema={"org_unit": pl.String, "ci": pl.Int64, "pop": pl.Int64},
    )
    frame_k = pl.DataFrame(
        {
            "k": list(range(len(PAIRS))),
            "part": [p.part for p in PAIRS],
            "whole": [p.whole for p in PAIRS],
            "per_capita": [p.per_capita for p in PAIRS],
            "share": [p.share for p in PAIRS],
            "spread": [p.spread for p in PAIRS],
            "trend": [p.trend for p in PAIRS],
            "growth": [p.growth for p in PAIRS],
            "noise": [p.noise for p in PAIRS],
        },
        schema_overrides={"k": pl.Int64},
    )
    frame_s = pl.DataFrame({"sex": list(SEXES), "si": [0, 1], "sex_w": [0.51, 0.49]})
    frame_y = pl.DataFrame({"yi": list(range(len(YEARS)))}, schema={"yi": pl.Int64})
    n_k, n_y = len(PAIRS), len(YEARS)
    series = (pl.col("ci") * n_k + pl.col("k")) * 2 + pl.col("si")
    row = series * n_y + pl.col("yi")
    base = pl.col("pop") * pl.col("per_capita") * pl.col("sex_w")
    whole = (
        base
        * (1 + pl.col("growth")).pow(pl.col("yi"))
        * (1 - pl.col("noise") / 2 + pl.col("noise") * _uniform(row, 1))
    ).round()
    share = (
        pl.col("share")
        + pl.col("spread") * (2 * _uniform(series, 2) - 1)
        + pl.col("trend") * pl.col("yi")
        + 0.03 * pl.col("share").clip(upper_bound=0.5) * (2 * _uniform(row, 3) - 1)
    ).clip(0.0, 1.0)
    wide = (
        frame_c.join(frame_k, how="cross")
        .join(frame_s, how="cross")
        .join(frame_y, how="cross")
        .with_columns(whole.cast(pl.Int64).alias("whole_value"))
        .with_columns(
            (pl.col("whole_value") * share).floor().cast(pl.Int64).alias("part_value"),
            (pl.col("yi") + YEARS[0]).cast(pl.String).alias("period"),
        )
    )
    columns = ["org_unit", "period", "data_item", "sex", "value"]
    wholes = wide.select(
        "org_unit", "period", pl.col("whole").alias("data_item"), "sex", pl.col("whole_value")
    )
    parts = wide.select(
        "org_unit", "period", pl.col("part").alias("data_item"), "sex", pl.col("part_value")
    )
    return pl.concat(
        [wholes.rename({"whole_value": "value"}), parts.rename({"part_value": "value"})]
    ).select(columns)


# ---------------------------------------------------------------- input files


@dataclass(frozen=True)
class InputFiles:
    """The three input files of a benchmark run, all string-coded."""

    spec: Path
    org_units: Path
    observations: Path
    communes: int
    rows: int


def write_org_units_csv(path: Path, n_communes: int) -> None:
    """The tree as CSV (``code,name,level,parent``; the country's parent is empty)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent"])
        for code, name, level, parent in org_unit_rows(n_communes):
            writer.writerow([code, name, level, parent or ""])


def write_inputs(directory: Path, n_communes: int) -> InputFiles:
    """Write the spec (YAML), the org units (CSV) and the observations (Parquet: string columns
    ``org_unit, period, data_item, sex`` and an Int64 ``value``) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    files = InputFiles(
        spec=directory / "spec.yaml",
        org_units=directory / "org_units.csv",
        observations=directory / "observations.parquet",
        communes=n_communes,
        rows=0,
    )
    files.spec.write_text(spec_yaml(), encoding="utf-8")
    write_org_units_csv(files.org_units, n_communes)
    frame = observations(n_communes)
    frame.write_parquet(files.observations)
    return InputFiles(**{**files.__dict__, "rows": frame.height})


def main() -> int:
    """``python national_data.py DIRECTORY --communes N``: write the input files, print JSON."""
    import argparse
    import json
    import time

    parser = argparse.ArgumentParser(description="Write the national-scale input files.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--communes", type=int, default=COMMUNES)
    args = parser.parse_args()
    start = time.perf_counter()
    files = write_inputs(args.directory, args.communes)
    print(
        json.dumps(
            {
                "spec": str(files.spec),
                "org_units": str(files.org_units),
                "observations": str(files.observations),
                "communes": files.communes,
                "org_units_total": 1 + PROVINCES + files.communes,
                "rows": files.rows,
                "observations_bytes": files.observations.stat().st_size,
                "seconds": time.perf_counter() - start,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
