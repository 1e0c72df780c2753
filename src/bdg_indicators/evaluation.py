"""Evaluating a spec over observations: values, verdicts, change and progress for every target,
org unit and period, as a result table that converts to Polars, pandas or plain dicts.

```python
import bdg_indicators as bdg

result = bdg.evaluate("vn.examples.ngoc-hoi-literacy-2020")  # bundled example data
result.to_polars()            # one row per target, org unit and period
result.explain("3.1", "ngoc-hoi", "2020-S1")  # every step, from the engine's own tables
```
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .errors import BdgError, Location, Problem
from .observations import Observations, read_observations
from .orgunit_files import load_org_units
from .orgunits import OrgUnitTree
from .periods import Period, parse_period
from .spec import Spec, Target

if TYPE_CHECKING:
    from .engine.evaluate import EngineResult
    from .explain.trace import Explanation

__all__ = ["EvaluationResult", "evaluate"]


@attrs.frozen(kw_only=True)
class EvaluationResult:
    """Results of an evaluation: one row per target, org unit and period.

    The columns of [`table`][bdg_indicators.EvaluationResult.table] are listed in
    [`COLUMNS`][bdg_indicators.engine.table.COLUMNS] and described in the docs ("How results
    are computed"). Every decision was made on exact integers: ``value_num / value_den`` is the
    exact value, and ``value``, ``threshold`` and the changes are floating-point numbers for
    display.
    """

    spec: Spec
    observations: Observations
    org_units: OrgUnitTree | None
    table: Any
    """The results as a Narwhals DataFrame (Polars underneath)."""
    method: str = "linear"
    base: Period | None = None
    backend: str = "polars"
    """Where the plan ran: ``polars`` or ``duckdb``."""
    engine: EngineResult = attrs.field(eq=False, repr=False)
    """The engine's own tables, which explanations read."""
    _cache: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False, alias="_cache")

    def to_polars(self) -> Any:
        """The results as a ``polars.DataFrame``."""
        return self.table.to_polars()

    def to_pandas(self) -> Any:
        """The results as a ``pandas.DataFrame`` (needs pandas), exactly: integer and yes/no
        columns with nulls become pandas' nullable ``Int64``/``Int32``/``boolean`` columns
        (never floats, which would round large numerators), and 128-bit numerators and
        denominators Python integers (pandas has no 128-bit integers)."""
        import pandas as pd
        import polars as pl

        frame = self.to_polars()
        wide = [c for c, t in frame.schema.items() if t == pl.Int128]
        pandas = frame.drop(wide).to_pandas()
        for column in frame.columns:
            series = frame.get_column(column)
            if column in wide:
                pandas[column] = pd.Series(series.to_list(), dtype=object)
            elif series.null_count() and (series.dtype.is_integer() or series.dtype == pl.Boolean):
                filled = series.fill_null(False if series.dtype == pl.Boolean else 0)
                values, mask = filled.to_numpy(), series.is_null().to_numpy()
                array = (
                    pd.arrays.BooleanArray(values, mask)
                    if series.dtype == pl.Boolean
                    else pd.arrays.IntegerArray(values, mask)
                )
                pandas[column] = pd.Series(array, index=pandas.index)
        return pandas[frame.columns]

    def to_dicts(self) -> list[dict[str, Any]]:
        """The results as plain dicts, one per row."""
        return list(self.table.iter_rows(named=True))

    def __len__(self) -> int:
        return int(self.table.shape[0])

    def explain(self, target: str, org_unit: str, period: str | Period) -> Explanation:
        """Every step of one result, read from the engine's own tables."""
        from .explain.trace import trace

        return trace(self, target, org_unit, period)

    def legal_verdicts(self) -> Any:
        """One row per chỉ tiêu (as the document counts them), org unit and period: its verdict
        from its entries' by the chỉ tiêu's rule (a status, or ``undetermined`` where readings
        disagree), with its reason code and how many entries were evaluated and achieved. A
        Narwhals DataFrame."""
        import narwhals as nw

        from .engine.summary import legal_verdicts

        frame = legal_verdicts(self.spec, self.to_polars(), self._evaluated())
        return nw.from_native(frame, eager_only=True)

    def summary(self) -> Any:
        """The x/y count ("12/14 chỉ tiêu đạt"): per org unit and period, for each goal and for
        the framework (``goal`` null), the chỉ tiêu assessed (a milestone applies) and how many
        are achieved, not achieved, on track, off track, without data and undetermined. A
        Narwhals DataFrame."""
        import narwhals as nw

        from .engine.summary import summary

        frame = summary(self.spec, self.to_polars(), self._evaluated())
        return nw.from_native(frame, eager_only=True)

    def _evaluated(self) -> frozenset[str]:
        """The ids of the targets evaluated (a chỉ tiêu is counted only when all its entries
        were)."""
        return frozenset(t.id for t in self.engine.catalogue.targets)


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
    backend: str = "polars",
) -> EvaluationResult:
    """Evaluate every target of ``spec`` for every org unit and period in ``observations``.

    ``observations`` is an [`Observations`][bdg_indicators.Observations], a path, a dataframe
    (pandas, Polars, PyArrow, a DuckDB relation) or a list of them; when omitted, the spec's
    bundled example data is used. ``org_units`` (a tree or a file) enables sums up the tree.
    ``targets``, ``periods`` and ``org_unit`` filter the results (changes and progress still use
    every period). ``method`` is ``linear`` or ``cagr`` for progress toward milestones still
    ahead; ``base`` names a base period for change; ``backend`` is where the plan runs
    (``polars`` or ``duckdb``).
    """
    import narwhals as nw

    from .engine.evaluate import run
    from .engine.table import public_table
    from .rules.progress import METHODS, OPEN_SDG_1

    spec_obj = _as_spec(spec)
    tree = (
        org_units
        if isinstance(org_units, OrgUnitTree) or org_units is None
        else load_org_units(org_units)
    )
    if observations is None:
        observations, tree = bundled(spec_obj, tree, locale)
    if not isinstance(observations, Observations):
        observations = read_observations(observations, spec_obj, org_units=tree, locale=locale)
    if method not in METHODS:
        raise ValueError("method is 'linear' or 'cagr'")
    base_period = parse_period(base) if isinstance(base, str) else base
    chosen = _targets(spec_obj, targets)
    engine = run(
        spec_obj, observations, tree, chosen, base=base_period, method=method, backend=backend
    )
    ids = {"linear": METHODS["linear"].id, "cagr": METHODS["cagr"].id, "growth": OPEN_SDG_1.id}
    keys = _keys(tree, org_unit)
    table = _filter(public_table(engine.catalogue, engine.results, ids, method), periods, keys)
    return EvaluationResult(
        spec=spec_obj,
        observations=observations,
        org_units=tree,
        table=nw.from_native(table, eager_only=True),
        method=method,
        base=base_period,
        backend=backend,
        engine=engine,
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
    return tuple(known[i] for i in dict.fromkeys(ids))


def bundled(
    spec: Spec, tree: OrgUnitTree | None, locale: str
) -> tuple[Observations, OrgUnitTree | None]:
    """The spec's bundled example observations (and org units, if it ships them)."""
    if not spec.example_data:
        raise BdgError(
            [
                Problem(
                    code="file-not-found",
                    message=f"spec {spec.id} ships no example data; give observations "
                    "(--data FILE)",
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


def _keys(tree: OrgUnitTree | None, org_unit: str | None) -> list[str] | None:
    """The keys ``org_unit`` names: itself, or every unit that has had it as its code (``51``
    is the old Quảng Ngãi and ``51@2025-07-01`` the new)."""
    if not org_unit:
        return None
    if tree is None or "@" in org_unit:
        return [org_unit]
    return [u.key for u in tree.versions(org_unit)] or [org_unit]


def _filter(table: Any, periods: Sequence[str] | None, org_units: list[str] | None) -> Any:
    import polars as pl

    if periods:
        wanted = [str(parse_period(p)) for p in periods]
        table = table.filter(pl.col("period").is_in(wanted))
    if org_units:
        table = table.filter(pl.col("org_unit").is_in(org_units))
    return table
