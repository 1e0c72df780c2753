"""The evaluation engine against an independent oracle (tests/oracle.py) on generated specs and
data: every column of every result row, explanations, and the DuckDB backend against Polars."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import bdg_indicators as bdg
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree
from oracle import OneOf, Oracle, Series

Row = tuple[Any, ...]
"""(org unit, period, data item, breakdown selector, value), and the value's bound when it is
one (1: the true value may be above it, 2: below, 3: either)."""
BOUND_WORDS = {
    1: ("more_than", "trên", "at_least", "hơn", "ít nhất", "từ … trở lên"),
    2: ("less_than", "dưới", "at_most", "gần", "chưa đến", "không quá"),
    3: ("about", "khoảng", "xấp xỉ"),
}
"""Ways a file may write each bound."""

EXACT_COLUMNS = (
    "target",
    "org_unit",
    "period",
    "status",
    "reason_code",
    "reason_subject",
    "partial",
    "coverage_used",
    "coverage_expected",
    "value_from",
    "due",
    "milestone",
    "progress_method",
    "progress_category",
    "progress_note",
    "baseline_period",
    "previous_period",
    "previous_year_period",
    "base_period",
    "bound",
)
FLOAT_COLUMNS = (
    "value",
    "threshold",
    "expected",
    "progress_value",
    "baseline_value",
    "previous_value",
    "change_previous",
    "change_previous_pct",
    "previous_year_value",
    "change_previous_year",
    "change_previous_year_pct",
    "base_value",
    "change_base",
    "change_base_pct",
    "attainment_pct",
    "margin",
)
BREAKDOWNS = ("sex",)

# ---------------------------------------------------------------- the spec family

DATA_ITEMS = """\
attributes:
  commune_group: {{label: Nhóm xã, values: {{mountain: Miền núi, other: Còn lại}}}}
data_items:
  num: {{label: Tử số, unit: person, breakdowns: [sex]}}
  den: {{label: Mẫu số, unit: person, breakdowns: [sex], aggregation: {den}}}
  cases: {{label: Số vụ, unit: case, aggregation: {cases}}}
  fund_m: {{label: Quỹ triệu, unit: triệu đồng}}
  fund_b: {{label: Quỹ tỷ, unit: tỷ đồng}}
  leaders: {{label: Lãnh đạo nữ, unit: person}}
  women: {{label: Cán bộ nữ, unit: person, aggregation: stock}}
  staff: {{label: Cán bộ, unit: person, aggregation: stock}}
  flag: {{label: Có kế hoạch, type: boolean}}
  score1: {{label: Điểm 1, unit: point, aggregation: {score}}}
  score2: {{label: Điểm 2, unit: point, aggregation: {score}}}
"""


@dataclass(frozen=True)
class IndicatorKind:
    """An indicator of the family: its YAML, thresholds that hit its values, its kind."""

    yaml: str
    thresholds: tuple[str, ...]
    yes_no: bool = False
    breakdown: bool = False
    amounts: tuple[str, ...] = ("1", "5")
    """Amounts of absolute changes."""
    criteria: bool = False
    """A score rule, whose milestones may add ``each_criterion``."""


PERCENTS = ("0", "25", "29", "30", "50", "100")
INDICATORS: dict[str, IndicatorKind] = {
    "ratio": IndicatorKind(
        "{formula: num / den, unit: percent, better: higher, coverage: {coverage}}",
        PERCENTS,
        breakdown=True,
    ),
    "count": IndicatorKind(
        "{formula: cases, unit: case, better: {better}{limit}, coverage: {coverage}}",
        ("0", "3", "10", "29"),
    ),
    "funds": IndicatorKind(
        "{formula: fund_m + fund_b, unit: tỷ đồng, better: higher, coverage: {coverage}}",
        ("0", "1", "2.5", "10"),
    ),
    "mixed": IndicatorKind(
        "{formula: (num + leaders) / den, unit: percent, better: higher}", PERCENTS
    ),
    "gap": IndicatorKind(
        '{formula: "max(num, den) - min(num, den)", unit: person, better: lower}',
        ("0", "5", "10"),
        breakdown=True,
    ),
    "capped": IndicatorKind(
        '{formula: "min(ratio, 50)", unit: percent, better: {better}}', PERCENTS, breakdown=True
    ),
    "above": IndicatorKind(
        '{formula: "num / den >= 29%", unit: boolean, better: higher}',
        (),
        yes_no=True,
        breakdown=True,
    ),
    "ratio_ok": IndicatorKind(
        '{formula: "ratio >= 29 and not flag", unit: boolean, better: higher}', (), yes_no=True
    ),
    "leaders_share": IndicatorKind(
        '{formula: "share(leaders >= 1, among=women / staff >= 30%, level=commune)", '
        "unit: percent, better: higher}",
        PERCENTS,
    ),
    "ratio_share": IndicatorKind(
        '{formula: "share(num / den >= 29%, level={level})", unit: percent, better: higher}',
        PERCENTS,
        breakdown=True,
    ),
    "flagged": IndicatorKind("{formula: flag, unit: boolean, better: higher}", (), yes_no=True),
    "score": IndicatorKind(
        "{criteria: [score1, score2], unit: point, better: higher}",
        ("5", "10", "20"),
        criteria=True,
    ),
    "net": IndicatorKind(
        "{formula: num - den, unit: person, better: {better}{limit}}",
        ("-10", "0", "5"),
        breakdown=True,
    ),
    "rate": IndicatorKind(
        "{formula: cases / den, unit: per_1000, better: lower}", ("0", "100", "290", "1000")
    ),
}
WHENS = (
    "by: 2020",
    "by: 2021",
    "by: 2022",
    "by: 2023",
    "by: 2021-S2",
    "by: 2022-S1",
    "by: 2022-Q4",
    "every: 2020",
    "every: 2019/2021",
    "every: 2021/2022",
    "from: 2020",
    "from: 2021",
    "{from: 2020, until: 2021}",
)


def _when_text(when: str) -> str:
    return when[1:-1] if when.startswith("{") else when


@st.composite
def milestones(draw: st.DrawFn, kind: IndicatorKind, attributes: bool) -> str:
    """One milestone of a target on an indicator of ``kind``, as YAML flow mapping."""
    when = _when_text(draw(st.sampled_from(WHENS)))
    if kind.yes_no:
        return f"{{{when}, equals: {draw(st.sampled_from(['true', 'false']))}}}"
    shape = draw(st.sampled_from(["compare", "compare", "compare", "about", "between", "change"]))
    pick = st.sampled_from(kind.thresholds)
    if shape == "compare":
        op = draw(st.sampled_from(["at_least", "more_than", "at_most", "less_than"]))
        value = draw(pick)
        if attributes and op == "at_least" and draw(st.booleans()):
            default = f", default: {draw(pick)}" if draw(st.booleans()) else ""
            value = f"{{attribute: commune_group, values: {{mountain: {value}}}{default}}}"
        extra = ", each_criterion: {more_than: 0}" if kind.criteria and draw(st.booleans()) else ""
        return f"{{{when}, {op}: {value}{extra}}}"
    if shape == "about":
        return f"{{{when}, about: {draw(pick)}, tolerance: {draw(st.sampled_from(['1', '5']))}}}"
    if shape == "between":
        low, high = sorted(draw(st.lists(pick, min_size=2, max_size=2)), key=Fraction)
        return f"{{{when}, between: [{low}, {high}]}}"
    direction = draw(st.sampled_from(["increase_by", "reduce_by"]))
    change = draw(st.sampled_from(["relative", "absolute"]))
    amount = draw(st.sampled_from(("10", "50") if change == "relative" else kind.amounts))
    if draw(st.booleans()):  # against the year before, at every year of a span; maybe a range
        amounts = f"[{amount}, {amount}]" if draw(st.booleans()) else amount
        span = draw(st.sampled_from(["2020/2022", "2021/2023"]))
        return f"{{every: {span}, {direction}: {amounts}, change: {change}, base: previous}}"
    base = draw(st.sampled_from(["2019", "2020"]))
    by = draw(st.sampled_from(["2021", "2022", "2023"]))
    return f"{{by: {by}, {direction}: {amount}, change: {change}, base: {base}}}"


@st.composite
def specs(
    draw: st.DrawFn,
    names: Sequence[str] | None = None,
    coverages: Sequence[str] = ("partial", "complete"),
) -> str:
    """The text of a spec of the family with one to five generated targets."""
    chosen = draw(st.lists(st.sampled_from(sorted(names or INDICATORS)), min_size=1, max_size=5))
    fill = {
        "coverage": draw(st.sampled_from(coverages)),
        "better": draw(st.sampled_from(["higher", "lower", "neither"])),
        "limit": draw(st.sampled_from(["", ", limit: 20", ", limit: 5"])),
        "level": draw(st.sampled_from(["commune", "province"])),
    }
    lines = [
        "bdg_spec: 1",
        "id: test.oracle",
        "title: Oracle",
        DATA_ITEMS.format(
            den=draw(st.sampled_from(["sum", "stock"])),
            cases=draw(st.sampled_from(["sum", "stock"])),
            score=draw(st.sampled_from(["sum", "none"])),
        ).rstrip(),
        "indicators:",
    ]
    for name, kind in INDICATORS.items():
        body = kind.yaml
        for key, value in fill.items():
            body = body.replace("{" + key + "}", value)
        lines.append(f"  {name}: {{label: {name.upper()}, " + body[1:])
    lines += ["goals:", '  - id: "1"', "    targets:"]
    for number, name in enumerate(chosen, start=1):
        kind = INDICATORS[name]
        found = draw(st.lists(milestones(kind, attributes=True), min_size=1, max_size=2))
        breakdown = ""
        if kind.breakdown and draw(st.booleans()):
            breakdown = ", breakdown: {sex: female}"
        lines.append(
            f'      - {{id: "1.{number}", indicator: {name}{breakdown}, '
            f"source: {{clause: a, verification: paraphrase}}, milestones: [{', '.join(found)}]}}"
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- trees and data

YEARS = (2019, 2020, 2021, 2022)
VALUES: dict[str, tuple[int, ...]] = {
    "num": (0, 1, 2, 3, 10, 29, 30),
    "den": (0, 10, 100),
    "cases": (0, 1, 3, 10, 29),
    "fund_m": (0, 500, 1000, 2500),
    "fund_b": (0, 1, 2),
    "leaders": (0, 1, 2),
    "women": (0, 1, 3, 5),
    "staff": (0, 5, 10),
    "flag": (0, 1),
    "score1": (0, 3, 5, 10),
    "score2": (0, 3, 5, 10),
}
PARTS = {
    "year": ("",),
    "halves": ("-S1", "-S2"),
    "quarters": ("-Q1", "-Q2", "-Q3", "-Q4"),
    "year+quarters": ("", "-Q1", "-Q2", "-Q3", "-Q4"),
    "halves+quarters": ("-S1", "-S2", "-Q1", "-Q2", "-Q3", "-Q4"),
}


@st.composite
def trees(draw: st.DrawFn) -> OrgUnitTree:
    """Country, two provinces, two or three communes each, sometimes agencies below."""
    units = [OrgUnit(code="VN", name="Việt Nam", level="country")]
    for p in (1, 2):
        units.append(OrgUnit(code=f"P{p}", name=f"Tỉnh {p}", level="province", parent="VN"))
        for c in range(1, draw(st.integers(2, 3)) + 1):
            code = f"C{p}{c}"
            group = draw(st.sampled_from([None, "mountain", "other"]))
            attributes = () if group is None else (("commune_group", group),)
            units.append(
                OrgUnit(
                    code=code,
                    name=f"Xã {p}{c}",
                    level="commune",
                    parent=f"P{p}",
                    attributes=attributes,
                )
            )
            for a in range(1, draw(st.integers(0, 2)) + 1):
                units.append(
                    OrgUnit(
                        code=f"A{p}{c}{a}", name=f"Cơ quan {p}{c}{a}", level="agency", parent=code
                    )
                )
    return OrgUnitTree({u.code: u for u in units})


def series_read(spec: bdg.Spec) -> list[Series]:
    """Every series some target of the spec reads (in its scope or in a share's)."""
    oracle = Oracle(spec, [], None)
    found: dict[Series, None] = {}
    for _, target in spec.targets():
        for series in oracle.variant(target).every_series:
            found[series] = None
    return list(found)


@st.composite
def observations(
    draw: st.DrawFn,
    spec: bdg.Spec,
    tree: OrgUnitTree | None,
    years: Sequence[int] = YEARS,
    modes: Sequence[str] | None = None,
    bounded: bool = False,
) -> list[Row]:
    """Clean rows for the series the spec reads: each org unit and year reports whole years,
    halves or quarters, or several of them consistently (or nothing), and each value is present
    with some probability; with ``bounded``, some values (not yes/no) are bounds."""
    rng: random.Random = draw(st.randoms(use_true_random=False))
    present = draw(st.sampled_from([0.5, 0.8, 1.0]))
    share_bounded = draw(st.sampled_from([0.1, 0.3, 0.6])) if bounded else 0.0
    if tree is None:
        reporters = ["C11", "C12", "C21"]
    else:
        reporters = [u.code for u in tree if u.level in ("commune", "agency")]
        reporters += [
            u.code for u in tree if u.level in ("country", "province") and rng.random() < 0.15
        ]
    aggregation = {i.id: i.aggregation for i in spec.data_items}
    read = series_read(spec)
    rows: list[Row] = []
    choices = [*sorted(PARTS), "year", "year", "none"] if modes is None else list(modes)
    for unit in reporters:
        for year in years:
            mode = rng.choice(choices)
            for series in read:
                quarters = [rng.choice(VALUES[series.item]) for _ in range(4)]
                for suffix, value in _parts(mode, quarters, aggregation[series.item]):
                    if rng.random() < present:
                        row = (unit, f"{year}{suffix}", series.item, series.selector, value)
                        if bounded and series.item != "flag" and rng.random() < share_bounded:
                            row = (*row, rng.choice([1, 2, 3]))
                        rows.append(row)
    return rows


def _parts(mode: str, quarters: list[int], aggregation: bdg.Aggregation) -> list[tuple[str, int]]:
    """The rows of one year in ``mode``, consistent with each other (parts sum to the whole,
    or the whole is the last part of a stock); items that do not add up report one kind only."""
    suffixes = PARTS.get(mode, ())
    if aggregation is bdg.Aggregation.NONE and len(suffixes) > 4:
        suffixes = suffixes[-4:]

    def total(parts: list[int]) -> int:
        return sum(parts) if aggregation is bdg.Aggregation.SUM else parts[-1]

    values = {
        "": total(quarters),
        "-S1": total(quarters[:2]),
        "-S2": total(quarters[2:]),
        **{f"-Q{q}": quarters[q - 1] for q in range(1, 5)},
    }
    return [(suffix, values[suffix]) for suffix in suffixes]


@dataclass(frozen=True)
class Scenario:
    """A spec, rows, a tree and evaluation options."""

    spec_text: str
    rows: tuple[Row, ...]
    tree: OrgUnitTree | None
    method: str
    base: str | None

    @property
    def spec(self) -> bdg.Spec:
        """The loaded spec."""
        return bdg.load_spec_text(self.spec_text)


@st.composite
def scenarios(
    draw: st.DrawFn,
    names: Sequence[str] | None = None,
    modes: Sequence[str] | None = None,
    methods: Sequence[str] = ("linear", "cagr"),
    coverages: Sequence[str] = ("partial", "complete"),
    bounded: bool = False,
) -> Scenario:
    """A generated evaluation (``modes``: the ways an org unit may report a year; ``bounded``:
    some figures are bounds)."""
    text = draw(specs(names, coverages))
    spec = bdg.load_spec_text(text)
    tree = draw(st.one_of(st.none(), trees(), trees(), trees()))
    rows = draw(observations(spec, tree, modes=modes, bounded=bounded))
    method = draw(st.sampled_from(methods))
    base = draw(st.sampled_from([None, None, "2019", "2020"]))
    return Scenario(text, tuple(rows), tree, method, base)


def frame(rows: Sequence[Row]) -> pl.DataFrame:
    """The observations dataframe of rows."""
    bounded = any(len(row) > 5 for row in rows)
    records = [
        {
            "org_unit": unit,
            "period": period,
            "data_item": item,
            **{b: dict(selector).get(b) for b in BREAKDOWNS},
            "value": value,
            **({"bound": _bound_word(row, index)} if bounded else {}),
        }
        for index, row in enumerate(rows)
        for unit, period, item, selector, value in [row[:5]]
    ]
    schema = {
        "org_unit": pl.String,
        "period": pl.String,
        "data_item": pl.String,
        **dict.fromkeys(BREAKDOWNS, pl.String),
        "value": pl.Int64,
        **({"bound": pl.String} if bounded else {}),
    }
    return pl.DataFrame(records, schema=schema)


def _bound_word(row: Row, index: int) -> str | None:
    """How a row's bound is written: blank when exact, else one of its words in turn."""
    if len(row) <= 5:
        return None
    words = BOUND_WORDS[row[5]]
    return words[index % len(words)].upper() if index % 7 == 0 else words[index % len(words)]


def run(scenario: Scenario, backend: str = "polars") -> bdg.EvaluationResult:
    """The engine's evaluation of a scenario."""
    return bdg.evaluate(
        scenario.spec,
        frame(scenario.rows),
        org_units=scenario.tree,
        method=scenario.method,
        base=scenario.base,
        backend=backend,
    )


def reproducer(scenario: Scenario) -> str:
    """Copy-pasteable Python that runs the scenario."""
    tree = "None"
    if scenario.tree is not None:
        units = ",\n    ".join(f"{u.code!r}: bdg.{u!r}" for u in scenario.tree)
        tree = f"bdg.OrgUnitTree({{\n    {units},\n}})"
    bounded = any(len(row) > 5 for row in scenario.rows)
    rows = ",\n    ".join(
        f"({r[0]!r}, {r[1]!r}, {r[2]!r}, {dict(r[3]).get('sex')!r}, {r[4]}"
        + (f", {_bound_word(r, k)!r}" if bounded else "")
        + ")"
        for k, r in enumerate(scenario.rows)
    )
    bound = ", 'bound': pl.String" if bounded else ""
    return (
        "import polars as pl\nimport bdg_indicators as bdg\n"
        f"spec = bdg.load_spec_text('''\\\n{scenario.spec_text}''')\n"
        f"tree = {tree}\n"
        f"rows = [\n    {rows},\n]\n"
        "df = pl.DataFrame(rows, orient='row', schema={'org_unit': pl.String, 'period': "
        f"pl.String, 'data_item': pl.String, 'sex': pl.String, 'value': pl.Int64{bound}}})\n"
        f"result = bdg.evaluate(spec, df, org_units=tree, method={scenario.method!r}, "
        f"base={scenario.base!r})\n"
    )


# ---------------------------------------------------------------- comparing


def _close(got: Any, want: Any) -> bool:
    if isinstance(want, OneOf):
        return any(_close(got, option) for option in want.options)
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, Fraction | Decimal):
        return math.isclose(got, float(want), rel_tol=1e-9, abs_tol=1e-12)
    return bool(got == want)


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, OneOf):
        return any(_same(got, option) for option in want.options)
    return type(got) is type(want) and got == want if got is not None else want is None


def differences(got: Mapping[str, Any], want: Mapping[str, Any]) -> list[str]:
    """The columns where an engine row differs from the oracle's."""
    found = []
    exact = want["value"]
    if got["value_num"] is None or got["value_den"] is None:
        as_fraction = None
    else:
        as_fraction = Fraction(got["value_num"], got["value_den"])
    if as_fraction != exact:
        found.append(f"value_num/value_den: expected {exact}, got {as_fraction}")
    for column in EXACT_COLUMNS:
        if not _same(got[column], want[column]):
            found.append(f"{column}: expected {want[column]!r}, got {got[column]!r}")
    for column in FLOAT_COLUMNS:
        if not _close(got[column], want[column]):
            found.append(f"{column}: expected {want[column]!s}, got {got[column]!r}")
    return found


def mismatches(scenario: Scenario, result: bdg.EvaluationResult) -> list[str]:
    """Every difference between the engine's table and the oracle's rows."""
    spec = scenario.spec
    oracle = Oracle(spec, scenario.rows, scenario.tree, method=scenario.method, base=scenario.base)
    want = oracle.rows()
    got = {(r["target"], r["org_unit"], r["period"]): r for r in result.to_dicts()}
    found = [f"row {key}: missing from the engine" for key in want.keys() - got.keys()]
    found += [f"row {key}: not expected" for key in got.keys() - want.keys()]
    for key in sorted(want.keys() & got.keys()):
        found += [f"row {key}: {d}" for d in differences(got[key], want[key])]
    return found


def check(scenario: Scenario, backend: str = "polars") -> bdg.EvaluationResult:
    """Run the engine on a scenario and fail with a reproducer if it differs from the oracle."""
    result = run(scenario, backend)
    assert result.observations.rows_rejected == 0
    found = mismatches(scenario, result)
    assert not found, "\n".join(found[:20]) + f"\n({len(found)} in all)\n" + reproducer(scenario)
    return result


def examples(count: int) -> settings:
    """Hypothesis settings for ``count`` examples of a slow property.

    No shrinking: one evaluation takes a tenth of a second and shrinking a failure took minutes;
    a failure prints a copy-pasteable reproducer instead, and the minimal cases found so far are
    the explicit tests at the end of this file.
    """
    return settings(
        max_examples=count,
        deadline=None,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------- the properties

WITHOUT_SHARES = sorted(set(INDICATORS) - {"leaders_share", "ratio_share"})


@examples(80)
@given(scenarios())
def test_every_column_matches_the_oracle(scenario: Scenario) -> None:
    """On generated specs (ratios, counts, sums of amounts in two units, min/max, comparisons,
    shares, yes/no indicators, score rules; every kind of milestone) and generated data (missing
    values, partial coverage, zero denominators, periods built from halves and quarters), every
    column of every row is the oracle's."""
    check(scenario)


@examples(40)
@given(scenarios(bounded=True))
def test_figures_that_are_bounds_match_the_oracle(scenario: Scenario) -> None:
    """With some figures bounds ("trên", "dưới", "khoảng", in their several spellings): the
    bound of every value (carried through sums up the tree, periods made of parts and the
    formula's sign in each input) and the verdicts a bound settles (or leaves `no_data`,
    `bound-undecided`) are the oracle's, on every column."""
    check(scenario)


@examples(10)
@given(scenarios(WITHOUT_SHARES, coverages=("partial",), bounded=True))
def test_duckdb_gives_the_polars_table_with_bounds(scenario: Scenario) -> None:
    """With bounds, DuckDB gives the Polars table."""
    same_on_both_backends(scenario)


@examples(30)
@given(scenarios(WITHOUT_SHARES, modes=("year", "quarters", "year+quarters", "none")))
def test_reported_summed_and_built_from_quarters(scenario: Scenario) -> None:
    """Without shares, with years reported whole or as quarters (or both): values summed up
    the tree, coverage, verdicts, progress and changes are the oracle's."""
    check(scenario)


@examples(30)
@given(scenarios(WITHOUT_SHARES, modes=("year", "halves", "halves+quarters", "none")))
def test_years_built_from_halves(scenario: Scenario) -> None:
    """Years built from the two halves an org unit reported (while other org units report the
    whole year) are the oracle's, with everything that depends on them."""
    check(scenario)


@examples(30)
@given(scenarios(["leaders_share", "ratio_share", "ratio"], modes=("year", "quarters")))
def test_shares_of_org_units(scenario: Scenario) -> None:
    """share() counts the members meeting a condition among those meeting another, leaves out
    members whose conditions are unknown (missing series, zero denominators), and gives the
    reasons when it cannot: every column is the oracle's."""
    check(scenario)


@examples(30)
@given(scenarios(WITHOUT_SHARES, modes=("year", "quarters"), methods=("cagr",)))
def test_open_sdg_progress_methods(scenario: Scenario) -> None:
    """With method="cagr", Open SDG's methods 2 (milestones ahead) and 1 (no milestone) give
    the oracle's categories, decided exactly, and the oracle's notes where they are undefined."""
    check(scenario)


@examples(15)
@given(
    scenarios(WITHOUT_SHARES, modes=("year", "quarters", "year+quarters")),
    st.randoms(use_true_random=False),
)
def test_explanations_match_the_oracle(scenario: Scenario, rng: random.Random) -> None:
    """result.explain() gives the oracle's exact value, status, goal and expected value."""
    result = run(scenario)
    oracle = Oracle(
        scenario.spec, scenario.rows, scenario.tree, method=scenario.method, base=scenario.base
    )
    want = oracle.rows()
    found = []
    for key in rng.sample(sorted(want), min(8, len(want))):
        explanation = result.explain(*key)
        expected = want[key]
        progress = explanation.progress
        pairs = [
            ("value", explanation.value, expected["value"]),
            ("status", explanation.status, expected["status"]),
            ("threshold", explanation.threshold, expected["threshold"]),
        ]
        if progress is not None and progress.expected is not None:
            pairs.append(("progress.expected", progress.expected, expected["expected"]))
        found += [
            f"{key} {name}: expected {w}, got {g!r}" for name, g, w in pairs if not _exact(g, w)
        ]
    assert not found, "\n".join(found) + "\n" + reproducer(scenario)


def _exact(got: Any, want: Any) -> bool:
    if isinstance(want, OneOf):
        return any(_exact(got, option) for option in want.options)
    if isinstance(got, bool) and isinstance(want, Fraction):
        return Fraction(int(got)) == want
    return bool(got == want)


@examples(12)
@given(scenarios(coverages=("partial",)))
def test_duckdb_backend_gives_the_polars_table(scenario: Scenario) -> None:
    """The DuckDB backend gives the same table as Polars: the same rows, exact values, codes and
    periods, and floats equal to 1e-9 (`coverage: complete` has its own test below)."""
    same_on_both_backends(scenario)


def same_on_both_backends(scenario: Scenario) -> None:
    """Fail unless DuckDB and Polars give the same table for ``scenario``."""
    polars = {(r["target"], r["org_unit"], r["period"]): r for r in run(scenario).to_dicts()}
    duckdb = {
        (r["target"], r["org_unit"], r["period"]): r for r in run(scenario, "duckdb").to_dicts()
    }
    assert polars.keys() == duckdb.keys()
    found = []
    for key, row in polars.items():
        other = duckdb[key]
        for column, value in row.items():
            if isinstance(value, float) and isinstance(other[column], float):
                same = math.isclose(value, other[column], rel_tol=1e-9, abs_tol=1e-12)
            else:
                same = value == other[column] or (_nan(value) and _nan(other[column]))
            if not same:
                found.append(f"{key} {column}: polars {value!r}, duckdb {other[column]!r}")
    assert not found, "\n".join(found[:20]) + "\n" + reproducer(scenario)


def _nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


# ---------------------------------------------------------------- minimal cases

SMALL_TREE = OrgUnitTree(
    {
        "P1": OrgUnit(code="P1", name="Tỉnh 1", level="province"),
        "C1": OrgUnit(code="C1", name="Xã 1", level="commune", parent="P1"),
        "C2": OrgUnit(code="C2", name="Xã 2", level="commune", parent="P1"),
        "A1": OrgUnit(code="A1", name="Cơ quan 1", level="agency", parent="C1"),
    }
)

COMMUNES = OrgUnitTree({u.code: u for u in SMALL_TREE if u.level != "agency"})


def tiny(
    indicators: str,
    targets: Sequence[str],
    rows: Sequence[tuple[str, str, str, int]],
    *,
    items: str = "  cases: {label: Số vụ, unit: case}",
    tree: OrgUnitTree | None = None,
    method: str = "linear",
) -> Scenario:
    """A small scenario: indicator and target lines (YAML flow mappings), total rows."""
    lines = ["bdg_spec: 1", "id: t", "title: T", "data_items:", items, "indicators:", indicators]
    lines += ["goals:", '  - id: "1"', "    targets:"]
    for number, target in enumerate(targets, start=1):
        lines.append(
            f'      - {{id: "1.{number}", source: {{clause: a, verification: paraphrase}}, '
            f"{target}}}"
        )
    text = "\n".join(lines) + "\n"
    return Scenario(text, tuple((u, p, i, (), v) for u, p, i, v in rows), tree, method, None)


COUNT = "  count: {label: Số vụ, formula: cases, unit: case, better: higher}"
RATIO_ITEMS = "  num: {label: Tử số, unit: person}\n  den: {label: Mẫu số, unit: person}"


def test_values_on_the_boundary_are_exact() -> None:
    """29/100 meets "at least 29%" but not "more than 29%", at a commune and summed above."""
    scenario = tiny(
        "  ratio: {label: Tỷ lệ, formula: num / den, unit: percent, better: higher}",
        [
            "indicator: ratio, milestones: [{by: 2020, at_least: 29}]",
            "indicator: ratio, milestones: [{by: 2020, more_than: 29}]",
        ],
        [
            ("C1", "2020", "num", 20),
            ("C1", "2020", "den", 50),
            ("C2", "2020", "num", 9),
            ("C2", "2020", "den", 50),
            ("A1", "2019", "num", 1),
            ("A1", "2019", "den", 3),
        ],
        items=RATIO_ITEMS,
        tree=SMALL_TREE,
    )
    rows = {(r["target"], r["org_unit"]): r for r in check(scenario).to_dicts()}
    assert rows[("1.1", "P1")]["status"] == "achieved"
    assert rows[("1.2", "P1")]["status"] == "not_achieved"


def test_year_built_from_halves_while_another_unit_reports_the_year() -> None:
    """An org unit that reported both halves of 2020 has a 2020 value (their sum, "derived")
    even when another org unit reported the whole year 2020."""
    scenario = tiny(
        COUNT,
        ["indicator: count, milestones: [{by: 2020, at_least: 0}]"],
        [("C1", "2020-S1", "cases", 1), ("C1", "2020-S2", "cases", 2), ("C2", "2020", "cases", 5)],
    )
    row = _row(check(scenario), "1.1", "C1", "2020")
    assert (row["value"], row["value_from"], row["status"]) == (3, "derived", "achieved")


def _row(result: bdg.EvaluationResult, target: str, unit: str, period: str) -> dict[str, Any]:
    found = [
        r
        for r in result.to_dicts()
        if (r["target"], r["org_unit"], r["period"]) == (target, unit, period)
    ]
    assert len(found) == 1
    return found[0]


def test_zero_denominator_in_a_share_condition_is_unknown() -> None:
    """A member whose condition divides by zero neither meets nor fails it: it is left out of
    the share (0/0 and 5/0 are not "at least 29%")."""
    scenario = tiny(
        '  good: {label: Tốt, formula: "share(num / den >= 29%, level=commune)", unit: percent, '
        "better: higher}",
        ["indicator: good, milestones: [{by: 2020, at_least: 50}]"],
        [
            ("C1", "2020", "num", 5),
            ("C1", "2020", "den", 0),
            ("C2", "2020", "num", 1),
            ("C2", "2020", "den", 10),
        ],
        items=RATIO_ITEMS,
        tree=COMMUNES,
    )
    result = check(scenario)
    commune, province = _row(result, "1.1", "C1", "2020"), _row(result, "1.1", "P1", "2020")
    assert (commune["value"], commune["reason_code"], commune["reason_subject"]) == (
        None,
        "zero-denominator",
        "den",
    )
    assert (province["value"], province["partial"], province["coverage_used"]) == (0, True, 1)


def test_share_below_its_level_has_nothing_to_count() -> None:
    """An org unit with no member at the share's level has no value: share-empty, naming the
    level (there is no commune below an agency)."""
    scenario = tiny(
        '  sh: {label: S, formula: "share(cases >= 1, level=commune)", unit: percent, '
        "better: higher}",
        ["indicator: sh, milestones: [{by: 2020, at_least: 50}]"],
        [("C1", "2020", "cases", 1)],
        tree=SMALL_TREE,
    )
    row = _row(check(scenario), "1.1", "A1", "2020")
    assert (row["status"], row["reason_code"], row["reason_subject"]) == (
        "no_data",
        "share-empty",
        "commune",
    )


def test_open_sdg_methods_need_a_value() -> None:
    """With method="cagr", a row without a value gets no progress category, neither from
    method 2 (milestone ahead) nor from method 1 (no milestone)."""
    scenario = tiny(
        COUNT,
        [
            "indicator: count, milestones: [{by: 2025, at_least: 10}]",
            "indicator: count, milestones: [{by: 2019, at_least: 0}]",
        ],
        [("C1", "2019", "cases", 1), ("C2", "2020", "cases", 1)],
        method="cagr",
    )
    result = check(scenario)
    for target in ("1.1", "1.2"):
        assert _row(result, target, "C1", "2020")["progress_category"] is None


def test_growth_notes_only_where_progress_is_assessed() -> None:
    """With method="cagr", rows that progress does not decide (before a change milestone's base
    period, achieved rows, rows without a goal) carry no growth note."""
    scenario = tiny(
        COUNT,
        [
            "indicator: count, milestones: [{by: 2025, increase_by: 10, change: relative, "
            "base: 2020}]",
            "indicator: count, milestones: [{by: 2019, at_least: 0}]",
        ],
        [("C1", "2019", "cases", 1), ("C1", "2020", "cases", 2), ("C2", "2021", "cases", 3)],
        method="cagr",
    )
    result = check(scenario)
    for unit, period in (("C1", "2019"), ("C1", "2020")):
        assert _row(result, "1.1", unit, period)["progress_note"] is None


def test_yes_no_value_other_than_zero_or_one_is_rejected() -> None:
    """A yes/no data item reported as 4 is rejected when read, with its row and a hint; the
    other rows are evaluated as the oracle evaluates them."""
    scenario = tiny(
        "  flagged: {label: Có, formula: flag, unit: boolean, better: higher}",
        ["indicator: flagged, milestones: [{by: 2020, equals: true}]"],
        [("C1", "2020", "flag", 4), ("C1", "2021", "flag", 1), ("C2", "2020", "flag", 1)],
        items="  flag: {label: Có, type: boolean}",
    )
    result = run(scenario)
    (problem,) = result.observations.rejected
    assert (problem.code, problem.location.line, problem.location.path) == (
        "invalid-number",
        1,
        ("value",),
    )
    assert "yes/no" in problem.message
    assert problem.hint
    kept = dataclass_replace(scenario, rows=scenario.rows[1:])
    assert not mismatches(kept, result)


def test_duckdb_backend_with_complete_coverage() -> None:
    """An indicator with `coverage: complete` evaluates on DuckDB, with the oracle's table."""
    scenario = tiny(
        "  count: {label: Số vụ, formula: cases, unit: case, better: higher, coverage: complete}",
        ["indicator: count, milestones: [{by: 2020, at_least: 1}]"],
        [("C1", "2020", "cases", 1)],
        tree=SMALL_TREE,
    )
    check(scenario, "duckdb")


def test_half_built_from_quarters_while_its_year_and_half_are_reported() -> None:
    """An org unit that reported the first two quarters of 2021 has a 2021-S1 value (their
    sum) even when other org units reported 2021-S1 and the whole of 2021."""
    scenario = tiny(
        COUNT,
        ["indicator: count, milestones: [{by: 2025, at_least: 0}]"],
        [
            ("C1", "2021-Q1", "cases", 1),
            ("C1", "2021-Q2", "cases", 2),
            ("C2", "2021-S1", "cases", 4),
            ("C2", "2021", "cases", 4),
        ],
    )
    row = _row(check(scenario), "1.1", "C1", "2021-S1")
    assert (row["value"], row["value_from"]) == (3, "derived")


def test_a_flow_is_not_compared_with_a_base_of_another_length() -> None:
    """With base=2019, a half-year's cases are not compared with the year 2019's total (a
    flow); the year 2020 is."""
    scenario = dataclass_replace(
        tiny(
            COUNT,
            ["indicator: count, milestones: [{by: 2025, at_most: 10}]"],
            [
                ("C1", "2019", "cases", 100),
                ("C1", "2020-S1", "cases", 50),
                ("C1", "2020-S2", "cases", 40),
            ],
        ),
        base="2019",
    )
    result = check(scenario)
    half, year = _row(result, "1.1", "C1", "2020-S1"), _row(result, "1.1", "C1", "2020")
    assert (half["base_period"], half["change_base"], half["annual_rate_pct"]) == (None, None, None)
    assert (year["base_period"], year["change_base"]) == ("2019", -10)


def test_a_zero_denominator_in_a_share_is_unknown_even_inside_or() -> None:
    """`share(num / den >= 29% or flag)`: a commune dividing by zero is left out of the share,
    as the indicator with the same formula has no value there, although `flag` alone would
    make the `or` true."""
    items = RATIO_ITEMS + "\n  flag: {label: Có, type: boolean}"
    scenario = tiny(
        '  good: {label: Tốt, formula: "share(num / den >= 29% or flag, level=commune)", '
        "unit: percent, better: higher}\n"
        '  cond: {label: Đạt, formula: "num / den >= 29% or flag", unit: boolean, better: higher}',
        [
            "indicator: good, milestones: [{by: 2020, at_least: 50}]",
            "indicator: cond, milestones: [{by: 2020, equals: true}]",
        ],
        [
            ("C1", "2020", "num", 5),
            ("C1", "2020", "den", 0),
            ("C1", "2020", "flag", 1),
            ("C2", "2020", "num", 1),
            ("C2", "2020", "den", 10),
            ("C2", "2020", "flag", 0),
        ],
        items=items,
        tree=COMMUNES,
    )
    result = check(scenario)
    assert _row(result, "1.2", "C1", "2020")["reason_code"] == "zero-denominator"
    commune, province = _row(result, "1.1", "C1", "2020"), _row(result, "1.1", "P1", "2020")
    assert (commune["value"], commune["reason_code"]) == (None, "zero-denominator")
    assert (province["value"], province["coverage_used"], province["partial"]) == (0, 1, True)


def test_a_share_of_shares_names_the_right_reason() -> None:
    """A share whose condition reads another share (districts where 100 / the share of communes
    with cases is at least 1): a district whose communes have no case divides by zero, and says
    so (the reasons of a share without series are numbered as they are checked)."""
    tree = OrgUnitTree(
        {
            "P1": OrgUnit(code="P1", name="Tỉnh", level="province"),
            "D1": OrgUnit(code="D1", name="Huyện 1", level="district", parent="P1"),
            "D2": OrgUnit(code="D2", name="Huyện 2", level="district", parent="P1"),
            "C1": OrgUnit(code="C1", name="Xã 1", level="commune", parent="D1"),
            "C2": OrgUnit(code="C2", name="Xã 2", level="commune", parent="D1"),
            "C3": OrgUnit(code="C3", name="Xã 3", level="commune", parent="D2"),
        }
    )
    scenario = tiny(
        '  sh1: {label: S1, formula: "share(cases >= 1, level=commune)", unit: percent, '
        "better: higher}\n"
        '  sh2: {label: S2, formula: "share(100 / sh1 >= 1, level=district)", unit: percent, '
        "better: higher}",
        ["indicator: sh2, milestones: [{by: 2020, at_least: 50}]"],
        [("C1", "2020", "cases", 0), ("C2", "2020", "cases", 0), ("C3", "2020", "cases", 1)],
        tree=tree,
    )
    row = _row(run(scenario), "1.1", "D1", "2020")
    assert (row["value"], row["reason_code"]) == (None, "zero-denominator")


def test_a_flow_change_against_a_half_year_base_is_not_applicable_to_years() -> None:
    """ "Increase by 10% on 2020-S1 by 2021" for cases (a flow): the year 2021 is not compared
    with a half-year's cases; the row says why, and shows no base."""
    scenario = tiny(
        COUNT,
        [
            "indicator: count, milestones: [{by: 2021, increase_by: 10, change: relative, "
            "base: 2020-S1}]"
        ],
        [
            ("C1", "2020-S1", "cases", 50),
            ("C1", "2020-S2", "cases", 40),
            ("C1", "2021", "cases", 60),
        ],
    )
    row = _row(check(scenario), "1.1", "C1", "2021")
    assert (row["status"], row["reason_code"], row["reason_subject"]) == (
        "not_applicable",
        "period-length",
        "6",
    )
    assert (row["base_period"], row["base_value"], row["change_base"]) == (None, None, None)


def test_spans_have_no_same_period_of_the_previous_year() -> None:
    """A five-year span (2016/2020) has a previous period (2011/2015) but no "same period of
    the previous year" (that is for halves, quarters and months)."""
    scenario = tiny(
        COUNT,
        ["indicator: count, milestones: [{by: 2030, at_least: 1}]"],
        [("C1", "2016/2020", "cases", 5), ("C1", "2021/2025", "cases", 7)],
    )
    row = _row(check(scenario), "1.1", "C1", "2021/2025")
    assert (row["previous_period"], row["change_previous"]) == ("2016/2020", 2)
    assert row["previous_year_period"] is None


def test_a_growth_rate_exactly_on_a_threshold_is_decided_exactly() -> None:
    """Open SDG's method 1 where no milestone is ahead: 1000 cases then 1015 a year later is a
    growth of exactly 1.5% a year, on the threshold of "substantial progress"; floating point
    cannot say which side, so the row is settled exactly (with the indicator's direction)."""
    scenario = tiny(
        COUNT,
        ["indicator: count, milestones: [{by: 2019, at_least: 0}]"],
        [("C1", "2019", "cases", 1000), ("C1", "2020", "cases", 1015)],
        method="cagr",
    )
    result = run(scenario)
    assert result.engine.results.filter(pl.col("growth_check")).height == 1
    row = _row(check(scenario), "1.1", "C1", "2020")
    assert (row["progress_method"], row["progress_category"]) == (
        "open-sdg-cagr/1",
        "substantial_progress",
    )
