"""Evaluating a spec over observations: values, verdicts, change and progress for every target,
org unit and period, as a typed result table that converts to Polars, pandas or plain dicts.

```python
import bdg_indicators as bdg

result = bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020")  # bundled example data
result.to_polars()            # one row per target, org unit and period
result.explain("3.1", "ngoc-hoi", "2020-S1")  # every step, exactly
```
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .cases import CaseResult, RowIndex, _case, _Data, _Lookup, evaluate_case, variant_value
from .errors import BdgError, Location, Problem
from .observations import Observations, read_observations
from .orgunits import OrgUnitTree, load_org_units
from .periods import Period, parse_period
from .spec import Spec, Target

if TYPE_CHECKING:
    from ._columnar import ColumnarResult

__all__ = ["EvaluationResult", "evaluate"]


@attrs.frozen(kw_only=True)
class EvaluationResult:
    """Results of an evaluation: one row per target, org unit and period.

    Columns of [`table`][bdg_indicators.EvaluationResult.table]: ``framework``, ``goal``,
    ``target``, ``indicator``, ``org_unit``, ``period``, ``value`` (in ``unit``; null when there is
    no value, with ``reason``), ``unit``, ``decimals``, ``status`` (``achieved``,
    ``not_achieved``, ``on_track``, ``off_track``, ``no_data``, ``not_applicable``), ``due``,
    ``milestone`` (index into the milestones governing the period), ``threshold``, ``expected``
    (linear progress), ``progress_ratio`` (CAGR progress), ``baseline_period``, changes against
    the ``previous_period``, the ``previous_year_period`` and the ``base_period`` (absolute, in
    the unit, and in percent), ``annual_rate_pct``, ``attainment_pct`` (the value as a
    percentage of an at-least threshold: "đạt 275% so với kế hoạch"), ``margin`` (value minus
    threshold), ``method``, ``verification`` (of the source governing the period).
    """

    spec: Spec
    observations: Observations
    org_units: OrgUnitTree | None
    table: Any
    """The results as a Narwhals DataFrame (Polars underneath)."""
    method: str = "linear"
    base: Period | None = None
    exact_settled: int = 0
    """How many results lay within 1e-9 of a threshold and were settled by exact arithmetic."""
    computed: Any = attrs.field(default=None, eq=False, repr=False)
    """The columnar engine's intermediate results (exact sums up the tree), for explanations."""
    _cache: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False, alias="_cache")

    def to_polars(self) -> Any:
        """The results as a ``polars.DataFrame``."""
        return self.table.to_polars()

    def to_pandas(self) -> Any:
        """The results as a ``pandas.DataFrame`` (needs pandas)."""
        return self.table.to_pandas()

    def to_dicts(self) -> list[dict[str, Any]]:
        """The results as plain dicts, one per row."""
        return list(self.table.iter_rows(named=True))

    def __len__(self) -> int:
        return int(self.table.shape[0])

    def explain(self, target: str, org_unit: str, period: str | Period) -> CaseResult:
        """Every step of one result, computed exactly by the single-case path."""
        import narwhals as nw

        known = (
            set(self.org_units.units)
            if self.org_units is not None
            else set(nw.from_native(self.observations.table)["org_unit"].unique().to_list())
        )
        if org_unit not in known:
            raise BdgError(
                [
                    Problem(
                        code="unknown-org-unit",
                        message=f"unknown org unit `{org_unit}`",
                        location=Location(file=self.spec.id),
                        hint=_close_hint(org_unit, sorted(known)),
                    )
                ]
            )
        if "index" not in self._cache:
            self._cache["index"] = RowIndex(self.observations)
            self._cache["sums"] = self.computed.sum_lookup() if self.computed else None
        return evaluate_case(
            self.spec,
            self.observations,
            target,
            org_unit,
            period,
            org_units=self.org_units,
            method=self.method,
            base=self.base,
            index=self._cache["index"],
            sums=self._cache["sums"],
        )

    def summary(self) -> Any:
        """Roll-ups: per goal and for the framework, targets achieved out of targets assessed
        (achieved + not achieved), for each org unit and period ("12/14 chỉ tiêu đạt và vượt")."""
        import narwhals as nw

        assessed = nw.col("status").is_in(["achieved", "not_achieved"])
        per_goal = self.table.group_by("framework", "goal", "org_unit", "period").agg(
            (nw.col("status") == "achieved").sum().alias("achieved"),
            assessed.sum().alias("assessed"),
            (nw.col("status") == "on_track").sum().alias("on_track"),
            (nw.col("status") == "off_track").sum().alias("off_track"),
            (nw.col("status") == "no_data").sum().alias("no_data"),
        )
        total = (
            per_goal.group_by("framework", "org_unit", "period")
            .agg(
                nw.col("achieved").sum(),
                nw.col("assessed").sum(),
                nw.col("on_track").sum(),
                nw.col("off_track").sum(),
                nw.col("no_data").sum(),
            )
            .with_columns(nw.lit(None, dtype=nw.String).alias("goal"))
            .select(per_goal.columns)
        )
        return nw.concat([per_goal, total]).sort("org_unit", "period", "goal", nulls_last=True)


def _close_hint(word: str, known: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, known, n=1)
    return f"did you mean `{close[0]}`?" if close else None


def _as_spec(spec: Spec | str | os.PathLike[str]) -> Spec:
    if isinstance(spec, Spec):
        return spec
    from .loading import load_spec

    return load_spec(spec)


def evaluate(
    spec: Spec | str | os.PathLike[str],
    observations: Any = None,
    *,
    org_units: OrgUnitTree | str | os.PathLike[str] | None = None,
    targets: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    org_unit: str | None = None,
    method: str = "linear",
    base: str | Period | None = None,
    locale: str = "machine",
) -> EvaluationResult:
    """Evaluate every target of ``spec`` for every org unit and period in ``observations``.

    ``observations`` is an [`Observations`][bdg_indicators.Observations], a path, a dataframe or a
    list of them; when omitted, the spec's bundled example data is used. ``org_units`` (a tree or
    a file) enables sums up the tree. ``targets``, ``periods`` and ``org_unit`` filter the
    results (changes and progress still use every period). ``method`` is ``linear`` or ``cagr``
    for progress toward milestones still ahead; ``base`` names a base period for change.
    """
    from ._columnar import evaluate_table

    spec_obj = _as_spec(spec)
    tree = (
        org_units
        if isinstance(org_units, OrgUnitTree) or org_units is None
        else load_org_units(org_units)
    )
    if observations is None:
        observations, tree = _bundled(spec_obj, tree, locale)
    if not isinstance(observations, Observations):
        observations = read_observations(observations, spec_obj, org_units=tree, locale=locale)
    if method not in ("linear", "cagr"):
        raise ValueError("method is 'linear' or 'cagr'")
    base_period = parse_period(base) if isinstance(base, str) else base
    chosen = _targets(spec_obj, targets)
    computed = evaluate_table(spec_obj, observations, tree, chosen, method=method, base=base_period)
    table = _settle(spec_obj, observations, tree, computed, method, base_period)
    table = _decorate(spec_obj, table)
    table = _filter(table, periods, org_unit)
    return EvaluationResult(
        spec=spec_obj,
        observations=observations,
        org_units=tree,
        table=table,
        method=method,
        base=base_period,
        exact_settled=len(computed.near),
        computed=computed,
    )


def _targets(spec: Spec, ids: Sequence[str] | None) -> tuple[Target, ...]:
    every = tuple(t for _, t in spec.targets())
    if not ids:
        return every
    known = {t.id: t for t in every}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BdgError(
            [
                Problem(
                    code="unknown-target",
                    message=f"no target `{i}` in {spec.id}",
                    location=Location(file=spec.id),
                )
                for i in unknown
            ]
        )
    return tuple(known[i] for i in ids)


def _bundled(
    spec: Spec, tree: OrgUnitTree | None, locale: str
) -> tuple[Observations, OrgUnitTree | None]:
    if not spec.example_data:
        raise BdgError(
            [
                Problem(
                    code="file-not-found",
                    message=f"spec {spec.id} ships no example "
                    "data; give observations (--data FILE)",
                    location=Location(file=spec.id),
                )
            ]
        )
    data = [p for p in spec.example_data if not _is_org_units(p)]
    units = [p for p in spec.example_data if _is_org_units(p)]
    if tree is None and units:
        tree = load_org_units(units[0])
    return read_observations(data, spec, org_units=tree, locale=locale), tree


def _is_org_units(path: str) -> bool:
    name = Path(path).name
    return name.startswith(("org-units", "org_units"))


def _settle(
    spec: Spec,
    obs: Observations,
    tree: OrgUnitTree | None,
    computed: ColumnarResult,
    method: str,
    base: Period | None,
) -> Any:
    """Recompute results that lie on a threshold with exact arithmetic, from the exact integer
    sums the engine already has (or from the rows, when a formula counts org units)."""
    import narwhals as nw

    from ._plan import plan_variant

    table, keys = computed.table, computed.near
    if not keys:
        return table
    targets_by_id = {t.id: t for _, t in spec.targets()}
    planned = {
        t.id: plan_variant(spec, spec.indicator(t.indicator), t.breakdown)
        for t in {targets_by_id[target_id] for target_id, _, _ in keys}
    }
    data: _Data
    if computed.shares:
        data = _Data(spec, obs, tree)
    else:
        needs = {
            (unit, series) for target_id, unit, _ in keys for series in planned[target_id].series()
        }
        data = _Lookup(spec, computed.exact_values(needs), tree)
    fixes: dict[str, list[Any]] = {"target": [], "org_unit": [], "period": [], "exact": []}
    goals = {t.id: g.id for g, t in spec.targets()}
    for target_id, unit, period_text in keys:
        target = targets_by_id[target_id]
        variant = planned[target_id]
        period = parse_period(period_text)
        value, reason = variant_value(variant, data, unit, period_text)
        case = _case(
            spec,
            goals[target_id],
            target,
            variant,
            data,
            unit,
            period,
            value,
            reason,
            (),
            method,
            base,
            with_changes=False,
        )
        fixes["target"].append(target_id)
        fixes["org_unit"].append(unit)
        fixes["period"].append(period_text)
        fixes["exact"].append(case.verdict.status.value)
    patch = nw.from_dict(
        fixes, schema=dict.fromkeys(fixes, nw.String), backend=table.implementation
    )
    return (
        table.join(patch, on=["target", "org_unit", "period"], how="left")
        .with_columns(nw.coalesce(nw.col("exact"), nw.col("status")).alias("status"))
        .drop("exact")
    )


def _decorate(spec: Spec, table: Any) -> Any:
    import narwhals as nw

    units = {i.id: i.unit for i in spec.indicators}
    decimals = {i.id: i.decimals for i in spec.indicators}
    targets_by_id = {t.id: t for _, t in spec.targets()}
    # the verification status of the source whose milestones govern each period
    status: dict[str, list[str]] = {"target": [], "period": [], "verification": []}
    for target_id, period in table.select("target", "period").unique().iter_rows():
        status["target"].append(target_id)
        status["period"].append(period)
        source = targets_by_id[target_id].source_at(parse_period(period))
        status["verification"].append(source.status.value)
    sources = nw.from_dict(
        status, schema=dict.fromkeys(status, nw.String), backend=table.implementation
    )
    table = table.join(sources, on=["target", "period"], how="left")
    return (
        table.with_columns(
            nw.lit(spec.id).alias("framework"),
            nw.col("indicator").replace_strict(units, return_dtype=nw.String).alias("unit"),
            nw.col("indicator").replace_strict(decimals, return_dtype=nw.Int64).alias("decimals"),
        )
        .select(*_LEAD, *[c for c in table.columns if c not in _SKIP], "verification")
        .pipe(_sorted, list(targets_by_id))
    )


_LEAD = (
    "framework",
    "goal",
    "target",
    "indicator",
    "org_unit",
    "period",
    "value",
    "unit",
    "decimals",
    "status",
)
"""The first columns of a result table."""
_SKIP = frozenset({*_LEAD, "verification"})


def _sorted(table: Any, target_order: list[str]) -> Any:
    """Rows in spec order of targets, then org unit and period order (integer keys: fast)."""
    import narwhals as nw

    units = sorted(table["org_unit"].unique().to_list())
    periods = sorted(table["period"].unique().to_list(), key=parse_period)
    keys = {
        "_t": ("target", {t: i for i, t in enumerate(target_order)}),
        "_u": ("org_unit", {u: i for i, u in enumerate(units)}),
        "_p": ("period", {p: i for i, p in enumerate(periods)}),
    }
    return (
        table.with_columns(
            *[
                nw.col(column).replace_strict(order, return_dtype=nw.Int64).alias(name)
                for name, (column, order) in keys.items()
            ]
        )
        .sort("_t", "_u", "_p")
        .drop(*keys)
    )


def _filter(table: Any, periods: Sequence[str] | None, org_unit: str | None) -> Any:
    import narwhals as nw

    if periods:
        wanted = [str(parse_period(p)) for p in periods]
        table = table.filter(nw.col("period").is_in(wanted))
    if org_unit:
        table = table.filter(nw.col("org_unit") == org_unit)
    return table
