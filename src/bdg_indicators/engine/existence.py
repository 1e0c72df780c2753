"""Results of org units at periods when they did not exist: not applicable (the unit did not
exist then), or no data because it could not be rebuilt across the reorganisation
([`rules.verdicts.existence_step`][bdg_indicators.rules.verdicts.existence_step]). A unit given a
value then (its figures rebuilt) keeps its verdict."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from bdg_indicators.observations import Observations
from bdg_indicators.rules.verdicts import existence_step

from .catalogue import Catalogue

__all__ = ["with_existence"]


def _interval(unit: Any) -> str:
    """When the unit existed, as an ISO 8601 interval of days: ``../2025-06-30``,
    ``2025-07-01/..``."""
    import datetime

    last = unit.valid_until - datetime.timedelta(days=1) if unit.valid_until else None
    return f"{unit.valid_from or '..'}/{last or '..'}"


def with_existence(cat: Catalogue, observations: Observations, results: Any) -> Any:
    """``results`` (Polars, by ids) with the results of absent org units said so."""
    import polars as pl

    pairs = cat.absent
    if not pairs:
        return results
    tree = cat.org_units.tree
    assert tree is not None
    codes, periods = cat.org_units.codes, cat.periods.periods
    refused = observations.not_comparable
    frame = pl.DataFrame(
        {
            "ou": pl.Series([ou for ou, _ in pairs], dtype=results.schema["ou"]),
            "per": pl.Series([per for _, per in pairs], dtype=results.schema["per"]),
            "_reason": [refused.get((codes[ou], str(periods[per]))) for ou, per in pairs],
            "_validity": [_interval(tree[codes[ou]]) for ou, _ in pairs],
            "_absent": [True] * len(pairs),
        }
    )
    joined = nw.from_native(results.join(frame, on=["ou", "per"], how="left"), eager_only=True)
    absent = nw.col("_absent").fill_null(False) & nw.col("vn").is_null()
    status, code, subject = existence_step(
        nw.col("status"),
        nw.col("reason_code"),
        nw.col("reason_subject"),
        absent=absent,
        reason=nw.col("_reason"),
        validity=nw.col("_validity"),
    )
    updated = joined.with_columns(
        status.alias("status"), code.alias("reason_code"), subject.alias("reason_subject")
    )
    return updated.drop("_reason", "_validity", "_absent").to_native()
