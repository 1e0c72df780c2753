"""The engine: one plan from observations to verdicts, run on Polars or DuckDB.

```text
observations ─▶ leaf rows ─▶ own rows ─▶ roll-up ─▶ shares ─▶ variant values ─▶ verdicts
 (integer ids)   (per scope   (series     (sums over   (members   (formula, exact   (schedule,
                  and slot)    side by     the same     counted)   n/d, reasons,     history,
                               side)       org units)              coverage)         rules)
```

Three tables are materialised and kept, because explanations read them: the series values of
every scope at every org unit and period (``values``), the variants' values (``variants``) and
the results (``results``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from bdg_indicators.errors import BdgError, Location, Problem
from bdg_indicators.observations import Observations
from bdg_indicators.orgunits import OrgUnitTree
from bdg_indicators.periods import Period
from bdg_indicators.rules.bounds import EXACT
from bdg_indicators.spec import Spec, Target

from .achieved import with_verdicts
from .backend import Backend
from .catalogue import Catalogue
from .existence import with_existence
from .judge import judge, variant_limits
from .population import with_population
from .progress import settle
from .rollup import expected_table, leaf_rows, own_rows, parts_of_reported, roll_up
from .schedule import build_schedule
from .table import order_key
from .values import share_values, variant_values

__all__ = ["EngineResult", "run"]


@attrs.frozen(kw_only=True)
class EngineResult:
    """What the engine computed, by integer ids (Polars frames)."""

    catalogue: Catalogue
    values: Any
    """Series values per scope, org unit and period (``x0`` ... with ``mask``, ``how``,
    ``used``, ``expected``, ``children``)."""
    variants: Any
    """Variant values per org unit and period (``vn``, ``vd``, reason, coverage)."""
    results: Any
    """One row per target, org unit and period, with every figure exactly."""
    shares: dict[int, Any]
    """Each share's counts per org unit and period."""


def _unit_ids(observations: Observations, cat: Catalogue) -> list[int] | None:
    """The catalogue's id of each of the observations' org units (``None``: the same ids)."""
    if observations.org_units == cat.org_units.codes:
        return None
    index = cat.org_units.index
    unknown = [code for code in observations.org_units if code not in index]
    if unknown:
        raise BdgError(
            [
                Problem(
                    code="unknown-org-unit",
                    message=f"{len(unknown)} org unit(s) of the observations are not in the "
                    f"org-unit tree: " + ", ".join(f"`{c}`" for c in unknown[:5]),
                    location=Location(file=observations.files[0] if observations.files else None),
                    hint="read the observations with the same org units "
                    "(read_observations(..., org_units=tree)), so that these rows are rejected "
                    "with their file and row",
                )
            ]
        )
    return [index[code] for code in observations.org_units]


def run(
    spec: Spec,
    observations: Observations,
    tree: OrgUnitTree | None,
    targets: Sequence[Target],
    *,
    base: Period | None = None,
    method: str = "linear",
    backend: str = "polars",
) -> EngineResult:
    """Evaluate ``targets`` over ``observations`` (first the targets they read through
    ``achieved()``, whose verdicts join the observations)."""

    def needed(chosen: Sequence[Target]) -> Any:
        inner = run(spec, observations, tree, chosen, base=base, method=method, backend=backend)
        return _labelled(inner)

    observations = with_verdicts(spec, observations, targets, needed)
    engine = Backend(backend)
    cat = Catalogue.build(spec, targets, observations, tree, [base] if base else [])
    if cat.shares and not observations.bounded:  # a share with unknown members is a bound
        observations = _exact_bounds(observations)
    leaf = leaf_rows(cat, observations, engine, _unit_ids(observations, cat))
    own = engine.collect(own_rows(leaf, cat.max_slots, observations.bounded))
    expected = expected_table(cat, own)
    values = roll_up(cat, own, expected, engine)
    made = set(values.filter(values["per"] >= cat.periods.observed)["per"].unique().to_list())
    cat = attrs.evolve(cat, grid=(*range(cat.periods.observed), *sorted(made)))
    lazy_values = engine.lazy(values)
    shares = share_values(cat, observations, lazy_values, engine)
    variants_lazy, bound = variant_values(
        cat, observations, lazy_values, shares, engine.lazy(expected), engine
    )
    variants = engine.collect(variants_lazy)
    schedule = build_schedule(cat, base)
    results = engine.collect(
        judge(cat, engine.lazy(variants), bound, schedule, engine, method, observations.bounded)
    ).with_row_index("_row")
    results = settle(results, variant_limits(cat))
    results = _with_parts(cat, observations, values, shares, expected, engine, results)
    results = with_population(cat, results, needed)
    results = with_existence(cat, observations, results)
    results = results[results.select(order_key(cat)).to_series().arg_sort()]
    return EngineResult(
        catalogue=cat, values=values, variants=variants, results=results, shares=shares
    )


def _with_parts(
    cat: Catalogue,
    observations: Observations,
    values: Any,
    shares: dict[int, Any],
    expected: Any,
    engine: Backend,
    results: Any,
) -> Any:
    """``results`` with ``pn / pd``: where an org unit's own reported value stands and its
    parts also give a value, that sum of its parts (null elsewhere), computed by the same
    formula, so that both are shown."""
    import polars as pl

    parts = parts_of_reported(cat, values, engine)
    if parts.height == 0:
        return results.with_columns(
            pl.lit(None, results.schema["vn"]).alias("pn"),
            pl.lit(None, results.schema["vd"]).alias("pd"),
        )
    lazy, _ = variant_values(
        cat, observations, engine.lazy(parts), shares, engine.lazy(expected), engine
    )
    found = (
        engine.collect(lazy)
        .filter(pl.col("vn").is_not_null() & pl.col("vd").is_not_null())
        .select("xid", "ou", "per", pl.col("vn").alias("pn"), pl.col("vd").alias("pd"))
    )
    joined = results.join(found, on=["xid", "ou", "per"], how="left")
    return joined.with_columns(
        pl.col("pn").cast(results.schema["vn"]), pl.col("pd").cast(results.schema["vd"])
    )


def _exact_bounds(observations: Observations) -> Observations:
    """The observations with a ``bound`` column saying every row is exact, so that the plan
    carries bounds (a share counted over members some of which are unknown is one)."""
    import polars as pl

    bound = pl.lit(EXACT, pl.Int8).alias("bound")
    return attrs.evolve(observations, encoded=observations.encoded.with_columns(bound))


def _labelled(result: EngineResult) -> Any:
    """The results' target, org unit, period and status as text, and how the value was obtained
    (``how``), for ``achieved()`` and populations."""
    import polars as pl

    cat = result.catalogue
    names = {
        "target": [t.id for t in cat.targets],
        "org_unit": list(cat.org_units.codes),
        "period": [str(p) for p in cat.periods.periods],
    }
    ids = {"target": "tid", "org_unit": "ou", "period": "per"}
    return result.results.select(
        *(
            pl.lit(pl.Series(values, dtype=pl.String)).gather(pl.col(ids[k])).alias(k)
            for k, values in names.items()
        ),
        "status",
        "how",
    )
