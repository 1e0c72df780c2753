"""Explanations: one result, step by step, read from the engine's own tables (never computed
again): the observation rows used (file and row), the sums up the org-unit tree with the org
units they cover, the conversion, the exact value, the milestone, the base and baseline values
with their rows, change, progress and the verdict.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from bdg_indicators.engine.rollup import HOW, series_key
from bdg_indicators.errors import BdgError, Location, Problem, did_you_mean
from bdg_indicators.periods import Period, parse_period
from bdg_indicators.rules.bounds import code_of
from bdg_indicators.rules.change import absolute_change, annual_rate, relative_change
from bdg_indicators.spec import Indicator, Milestone, Target

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult

__all__ = [
    "ChangeFigures",
    "ChildValue",
    "Contribution",
    "Explanation",
    "Progress",
    "SeriesValue",
    "trace",
]

ENGINE_VERSION = "bdg-evaluation/2"
"""Version of the evaluation rules, recorded with every explanation."""
BIG_SCOPE = 200
"""Above this many org units below, an explanation lists the children's sums, not every row."""


@attrs.frozen(kw_only=True)
class Contribution:
    """One observation row used in a value."""

    org_unit: str
    period: str
    value: Fraction
    file: str
    row: int
    source: str | None = None
    bound: str | None = None
    """The row's bound (``above``, ``below``, ``about``; ``None``: exact)."""


@attrs.frozen(kw_only=True)
class SeriesValue:
    """The value of one series for one org unit and period, and how it was obtained."""

    series: str
    org_unit: str
    period: str
    value: Fraction | None
    how: str
    """``reported`` (the org unit's own row), ``derived`` (made of the parts of the period),
    ``summed`` (the sum of its children), ``missing``."""
    rows: tuple[Contribution, ...] = ()
    """The observation rows the value is made of (for large sums: none, see the children)."""
    bound: str | None = None
    """Whether the value is a bound (``above``, ``below``, ``about``; ``None``: exact)."""


@attrs.frozen(kw_only=True)
class ChildValue:
    """A child org unit of a summed value: its values, and whether it was summed."""

    org_unit: str
    values: tuple[Fraction | None, ...]
    """Its value of each series (``None``: missing)."""
    contributed: bool
    """Summed: it has every series of the formula."""
    used: int = 0
    """The reporting org units it covers."""


@attrs.frozen(kw_only=True)
class ShareMember:
    """An org unit a ``share()`` counts, with the series its condition reads there."""

    share: str
    """The share, as written in the formula."""
    org_unit: str
    name: str | None
    inputs: tuple[SeriesValue, ...]


@attrs.frozen(kw_only=True)
class Progress:
    """Progress toward a milestone still ahead."""

    method: str
    expected: Fraction | None = None
    """Linear method: the value the trajectory expects at the period."""
    ratio: float | None = None
    category: str | None = None
    baseline_period: Period | None = None
    baseline_value: Fraction | None = None
    baseline_inputs: tuple[SeriesValue, ...] = ()
    goal_value: Fraction | None = None
    goal_period: Period | None = None
    note: str | None = None
    """Why the value is judged as it is (a reason code: ``no-baseline``, ``growth-short`` ...)."""


@attrs.frozen(kw_only=True)
class ChangeFigures:
    """Change of the value against an earlier period."""

    against: str
    """``previous``, ``previous_year`` or ``base``."""
    period: str
    value: Fraction | None
    absolute: Fraction | None = None
    """In the indicator's unit (percentage points for a percent indicator)."""
    relative: Fraction | None = None
    """In percent of the earlier value."""
    annual_rate: float | None = None
    """Compound annual rate in percent, over spans of at least a year (display only)."""


@attrs.frozen(kw_only=True)
class Explanation:
    """One result, step by step."""

    spec: str
    goal: str
    target: Target
    indicator: Indicator
    org_unit: str
    org_unit_name: str | None
    period: Period
    value: Fraction | None
    """The exact value in the indicator's unit (``None``: no value, see ``reason``)."""
    status: str
    reason_code: str | None
    reason_subject: str | None
    inputs: tuple[SeriesValue, ...]
    """The series of the formula at the org unit and period."""
    children: tuple[ChildValue, ...]
    """For a summed value: every child org unit and what it gave."""
    used: int
    expected: int
    partial: bool
    milestone: Milestone | None
    due: bool
    threshold: Fraction | None
    """The value the milestone asks for (its threshold, the middle of a range, or what a change
    target requires from the base value)."""
    attribute: tuple[str, str | None] | None
    """The org-unit attribute the threshold depends on, and its value."""
    base: SeriesValue | None
    base_period: Period | None
    base_value: Fraction | None
    base_inputs: tuple[SeriesValue, ...]
    progress: Progress | None
    changes: tuple[ChangeFigures, ...]
    method: str
    engine: str = ENGINE_VERSION
    members: tuple[ShareMember, ...] = ()
    """For a formula with ``share()``: every member org unit it counts below this one, with the
    series its condition reads (``achieved(...)``: 1, 0 or missing)."""
    parts_value: Fraction | None = None
    """Where the org unit's own reported value stands and its parts also give one: the value of
    its parts, one level down, by the same formula (``None`` elsewhere)."""
    bound: str | None = None
    """Whether the value is a bound: ``above`` (the true value is at or above it), ``below``,
    ``about``; ``None``: exact."""

    @property
    def rows(self) -> tuple[Contribution, ...]:
        """Every observation row the value is made of."""
        return tuple(r for s in self.inputs for r in s.rows)


def _fraction(row: dict[str, Any], n: str, d: str) -> Fraction | None:
    if row.get(n) is None or row.get(d) is None:
        return None
    return Fraction(int(row[n]), int(row[d]))


def _problem(code: str, message: str, spec: str, hint: str | None = None) -> BdgError:
    return BdgError([Problem(code=code, message=message, location=Location(file=spec), hint=hint)])


class _Reader:
    """Reads one result's rows from the engine's tables."""

    def __init__(self, result: EvaluationResult) -> None:
        self.result = result
        self.engine = result.engine
        self.cat = self.engine.catalogue
        self.obs = result.observations
        self._values: dict[tuple[int, int], dict[int, Fraction | None]] = {}

    def result_row(self, tid: int, ou: int, per: int) -> dict[str, Any]:
        found = _where(self.engine.results, tid=tid, ou=ou, per=per)
        if found.height == 0:
            raise _problem(
                "no-result",
                f"no result for this org unit and period (periods with data: "
                f"{', '.join(str(self.cat.periods.periods[p]) for p in self.cat.result_periods)})",
                self.cat.spec.id,
            )
        row: dict[str, Any] = found.row(0, named=True)
        return row

    def variant_value(self, xid: int, ou: int, per: int | None) -> Fraction | None:
        """The exact value of a variant at an org unit and period (``None``: no value)."""
        if per is None or per < 0:
            return None
        return self._variant_values(xid, ou).get(per)

    def _variant_values(self, xid: int, ou: int) -> dict[int, Fraction | None]:
        """Every period's exact value of a variant at an org unit: one pass over one key
        column of the engine's table (``g``, the variant and org unit), once per reader."""
        key = (xid, ou)
        if key not in self._values:
            units = len(self.cat.org_units.codes)
            found = _where(self.engine.variants, g=xid * units + ou)
            self._values[key] = {
                row["per"]: _fraction(row, "vn", "vd")
                for row in found.select("per", "vn", "vd").iter_rows(named=True)
            }
        return self._values[key]

    def scope_rows(self, scope: int, units: list[int], per: int) -> dict[int, dict[str, Any]]:
        import polars as pl

        values = self.engine.values
        found = _where(values, scope=scope, per=per)
        found = found.filter(pl.col("ou").is_in(units))
        return {row["ou"]: row for row in found.iter_rows(named=True)}

    def observation_rows(
        self, wanted: list[tuple[int, list[int]]], keys: dict[int, int]
    ) -> dict[int, list[Contribution]]:
        """The observation rows of each slot (``keys``: series key by slot) for the org units
        and periods in ``wanted``, in one query over the rows of those org units."""
        import polars as pl

        result: dict[int, list[Contribution]] = {slot: [] for slot in keys}
        index = self.result._cache.get("by_unit")
        if index is None:
            index = self.obs.encoded.partition_by("org_unit", as_dict=True)
            self.result._cache["by_unit"] = index
        frames = [
            index[(self._obs_unit(ou),)] for ou, _ in wanted if (self._obs_unit(ou),) in index
        ]
        if not frames or not keys:
            return result
        periods = {self._obs_unit(ou): set(pers) for ou, pers in wanted}
        key_expr: Any = pl.col("data_item").cast(pl.Int64)
        for b in self.obs.breakdowns:
            size = len(self.obs.breakdown_values[b]) + 1
            key_expr = key_expr * size + pl.col(b).cast(pl.Int64)
        slot_of = {key: slot for slot, key in keys.items()}
        every = sorted({p for pers in periods.values() for p in pers})
        rows = (
            pl.concat(frames)
            .filter(pl.col("period").is_in(every))
            .with_columns(key_expr.alias("_key"))
            .filter(pl.col("_key").is_in(list(slot_of)))
            .sort("org_unit", "period", "file", "row")
        )
        for row in rows.iter_rows(named=True):
            if row["period"] not in periods[row["org_unit"]]:
                continue
            item = self.obs.data_items[row["data_item"]]
            result[slot_of[row["_key"]]].append(
                Contribution(
                    org_unit=self.obs.org_units[row["org_unit"]],
                    period=str(self.cat.periods.periods[row["period"]]),
                    value=self.obs.value(item, row["num"]),
                    file=self.obs.files[row["file"]],
                    row=row["row"],
                    source=row["source"],
                    bound=code_of(row.get("bound") or 0),
                )
            )
        return result

    def _obs_unit(self, ou: int) -> int:
        code = self.cat.org_units.codes[ou]
        if self.obs.org_units == self.cat.org_units.codes:
            return ou
        return self.obs.org_units.index(code)


def _where(frame: Any, **equal: int) -> Any:
    """The rows of an engine table whose columns have these values: an eager mask over the
    columns (a lazy filter pays a plan for each of the many chunks the engine left)."""
    mask = None
    for column, value in equal.items():
        test = frame.get_column(column) == value
        mask = test if mask is None else mask & test
    return frame.filter(mask)


def _parts(cat: Any, per: int) -> list[int]:
    """The observed periods a made-of-parts period is made of."""
    whole = cat.periods.periods[per]
    return [
        pid
        for pid in range(cat.periods.observed)
        if whole.contains(cat.periods.periods[pid]) and cat.periods.periods[pid] != whole
    ]


def _members(reader: _Reader, scope: Any, ou: int, per: int) -> tuple[ShareMember, ...]:
    """The members each share of ``scope`` counts below ``ou`` (itself at the share's level),
    with their inputs."""
    cat = reader.cat
    units = cat.org_units
    below, queue = [ou], [ou]
    while queue:
        children = units.children.get(queue.pop(), ())
        below += children
        queue += children
    tree = units.tree
    found = []
    for share in scope.shares:
        share_scope = cat.scope_id(share.scope)
        for member in sorted(u for u in below if units.levels[u] == share.level):
            code = units.codes[member]
            found.append(
                ShareMember(
                    share=share.text,
                    org_unit=code,
                    name=tree[code].name if tree is not None else None,
                    inputs=_inputs(reader, share_scope, member, per),
                )
            )
    return tuple(found)


def _inputs(reader: _Reader, scope_id: int, ou: int, per: int) -> tuple[SeriesValue, ...]:
    """Each series of a scope at an org unit and period, with the rows it is made of."""
    cat = reader.cat
    scope = cat.scopes[scope_id]
    row = reader.scope_rows(scope_id, [ou], per).get(ou)
    how = HOW[row["how"]] if row else "missing"
    keys = {
        j: key
        for j, series in enumerate(scope.series)
        if (key := series_key(reader.obs, series)) is not None
    }
    rows = reader.observation_rows(_sources(reader, scope_id, ou, per, how), keys)
    result = []
    for j, series in enumerate(scope.series):
        present = row is not None and (row["mask"] >> j) & 1
        value = reader.obs.value(series.item, row[f"x{j}"]) if present and row is not None else None
        result.append(
            SeriesValue(
                series=str(series),
                org_unit=cat.org_units.codes[ou],
                period=str(cat.periods.periods[per]),
                value=value,
                how=how if present else "missing",
                rows=tuple(rows.get(j, ())) if present else (),
                bound=code_of(row.get(f"b{j}") or 0) if present and row is not None else None,
            )
        )
    return tuple(result)


def _sources(
    reader: _Reader, scope_id: int, ou: int, per: int, how: str
) -> list[tuple[int, list[int]]]:
    """The org units whose own rows make the value, with the periods of those rows: the org unit
    itself, or (for a sum over at most BIG_SCOPE org units) the reporting org units below whose
    rows were summed, found in the engine's table in one query."""
    cat = reader.cat
    if how == "reported":
        return [(ou, [per])]
    if how == "derived":
        return [(ou, _parts(cat, per))]
    below = _descendants(cat, ou)
    if how != "summed" or len(below) > BIG_SCOPE:
        return []
    rows = reader.scope_rows(scope_id, below, per)
    full = (1 << len(cat.scopes[scope_id].series)) - 1
    found: list[tuple[int, list[int]]] = []
    stack = list(cat.org_units.children.get(ou, ()))
    while stack:
        unit = stack.pop()
        row = rows.get(unit)
        if row is None or row["mask"] != full:
            continue
        kind = HOW[row["how"]]
        if kind == "summed":
            stack.extend(cat.org_units.children.get(unit, ()))
        else:
            found.append((unit, [per] if kind == "reported" else _parts(cat, per)))
    return found


def _descendants(cat: Any, ou: int) -> list[int]:
    """The org units below ``ou`` (stopping once there are more than BIG_SCOPE)."""
    found: list[int] = []
    stack = [ou]
    while stack and len(found) <= BIG_SCOPE:
        children = cat.org_units.children.get(stack.pop(), ())
        found.extend(children)
        stack.extend(children)
    return found


def _children(reader: _Reader, scope_id: int, ou: int, per: int) -> tuple[ChildValue, ...]:
    cat = reader.cat
    scope = cat.scopes[scope_id]
    children = list(cat.org_units.children.get(ou, ()))
    rows = reader.scope_rows(scope_id, children, per)
    full = (1 << len(scope.series)) - 1
    result = []
    for child in children:
        row = rows.get(child)
        values = tuple(
            reader.obs.value(s.item, row[f"x{j}"]) if row and (row["mask"] >> j) & 1 else None
            for j, s in enumerate(scope.series)
        )
        result.append(
            ChildValue(
                org_unit=cat.org_units.codes[child],
                values=values,
                contributed=bool(row and row["mask"] == full),
                used=int(row["used"]) if row and row["mask"] == full else 0,
            )
        )
    return tuple(result)


def _ids(
    result: EvaluationResult, target: str, org_unit: str, period: str | Period
) -> tuple[int, int, int]:
    cat = result.engine.catalogue
    ids = [t.id for t in cat.targets]
    if target not in ids:
        raise _problem("unknown-target", f"no target `{target}` in {cat.spec.id}", cat.spec.id)
    if org_unit not in cat.org_units.index:
        raise _problem(
            "unknown-org-unit",
            f"unknown org unit `{org_unit}`",
            cat.spec.id,
            did_you_mean(org_unit, cat.org_units.codes),
        )
    when = period if isinstance(period, Period) else parse_period(period)
    per = cat.periods.id(when)
    if per < 0 or per not in cat.result_periods:
        raise _problem(
            "no-result",
            f"no data for the period {when}",
            cat.spec.id,
            "periods with data: "
            + ", ".join(str(cat.periods.periods[p]) for p in cat.result_periods),
        )
    return ids.index(target), cat.org_units.index[org_unit], per


def trace(
    result: EvaluationResult, target: str, org_unit: str, period: str | Period
) -> Explanation:
    """The explanation of one result of an evaluation."""
    reader = _Reader(result)
    cat = reader.cat
    tid, ou, per = _ids(result, target, org_unit, period)
    row = reader.result_row(tid, ou, per)
    variant = cat.variants[cat.target_variant[tid]]
    scope_id = cat.scope_id(variant.scope)
    target_obj = cat.targets[tid]
    when = cat.periods.periods[per]
    milestones = target_obj.milestones_at(when)
    milestone = milestones[row["mindex"]] if row["mindex"] is not None else None
    tree = cat.org_units.tree
    inputs = _inputs(reader, scope_id, ou, per)
    summed = any(s.how == "summed" for s in inputs)
    base_per = row["base_per"] if row["base_per"] is not None else row["show_base"]
    base_period = cat.periods.periods[base_per] if base_per is not None and base_per >= 0 else None
    return Explanation(
        spec=cat.spec.id,
        goal=next(g.id for g, t in cat.spec.targets() if t.id == target_obj.id),
        target=target_obj,
        indicator=variant.indicator,
        org_unit=org_unit,
        org_unit_name=tree[org_unit].name if tree is not None else None,
        period=when,
        value=_fraction(row, "vn", "vd"),
        status=row["status"],
        reason_code=row["reason_code"],
        reason_subject=row["reason_subject"],
        inputs=inputs,
        children=_children(reader, scope_id, ou, per) if summed else (),
        members=_members(reader, variant.scope, ou, per),
        used=int(row["used"] or 0),
        expected=int(row["expected"] or 0),
        partial=bool(row["partial"]),
        milestone=milestone,
        due=bool(row["due"]),
        threshold=_fraction(row, "gn", "gd"),
        attribute=(row["attr"], _attribute_value(tree, org_unit, row["attr"]))
        if row["attr"]
        else None,
        base=None,
        base_period=base_period,
        base_value=reader.variant_value(row["xid"], ou, base_per),
        base_inputs=_inputs(reader, scope_id, ou, base_per)
        if base_per is not None and base_per >= 0
        else (),
        progress=_progress(reader, row, scope_id, ou, milestone),
        changes=_changes(reader, row, base_period),
        method=_method_id(result.method),
        bound=code_of(row.get("vb") or 0),
        parts_value=_fraction(row, "pn", "pd") if row.get("pn") is not None else None,
    )


def _method_id(method: str) -> str:
    from bdg_indicators.rules.progress import METHODS

    return METHODS[method].id


def _attribute_value(tree: Any, code: str, name: str) -> str | None:
    return tree[code].attribute(name) if tree is not None else None


def _progress(
    reader: _Reader, row: dict[str, Any], scope_id: int, ou: int, milestone: Milestone | None
) -> Progress | None:
    if row["progress"] is None:
        return None
    cat = reader.cat
    from bdg_indicators.rules.milestones import first_due
    from bdg_indicators.rules.progress import LINEAR, OPEN_SDG_1, OPEN_SDG_2

    method = {"linear": LINEAR, "cagr": OPEN_SDG_2, "growth": OPEN_SDG_1}[row["progress"]]
    b0 = row["b0_per"]
    return Progress(
        method=method.id,
        expected=_fraction(row, "en", "ed"),
        ratio=row["growth_value"],
        category=row["growth_category"],
        baseline_period=cat.periods.periods[b0] if b0 is not None else None,
        baseline_value=_fraction(row, "b0n", "b0d") if b0 is not None else None,
        baseline_inputs=_inputs(reader, scope_id, ou, b0) if b0 is not None else (),
        goal_value=_fraction(row, "gn", "gd"),
        goal_period=first_due(milestone) if milestone is not None else None,
        note=row["progress_note"],
    )


def _changes(
    reader: _Reader, row: dict[str, Any], base_period: Period | None
) -> tuple[ChangeFigures, ...]:
    cat = reader.cat
    value = _fraction(row, "vn", "vd")
    result = []
    against = [("previous", "prev_per"), ("previous_year", "prev_year_per")]
    if base_period is not None:
        against.append(("base", "show_base"))
    for name, period_column in against:
        per = row[period_column]
        if per is None or per < 0:
            continue
        earlier = reader.variant_value(row["xid"], row["ou"], per)
        both = value is not None and earlier is not None
        rate = None
        end, start = cat.periods.periods[row["per"]], cat.periods.periods[per]
        years = (end.last - start.last) / 12
        if name == "base" and both and years >= 1 and value > 0 and earlier > 0:  # type: ignore[operator]
            rate = annual_rate(float(value), float(earlier), years)  # type: ignore[arg-type]
        result.append(
            ChangeFigures(
                against=name,
                period=str(start),
                value=earlier,
                absolute=absolute_change(value, earlier) if both else None,
                relative=relative_change(value, earlier) if both and earlier != 0 else None,
                annual_rate=rate,
            )
        )
    return tuple(result)
