"""Verdicts used as data: the yes/no series of ``achieved("target")``.

An indicator may count or share the org units whose target is achieved ("tỷ lệ xã đạt chuẩn xã
phù hợp với trẻ em" from 06/QĐ-TTg's own rule: ``share(achieved("1.1"), level=commune)``).
Before the plan that needs them, the targets named by ``achieved`` are evaluated over the same
observations (recursively: their own ``achieved`` first), and each verdict becomes an
observation row of the target's verdict series: 1 where achieved, 0 where judged otherwise
(not achieved, on or off track). Where a target has no verdict (no data, not applicable) there is
no row, so the member is missing, never counted in or silently dropped: ``share`` counts it
among the members without a value (partial, or no value under ``coverage: complete``). A share
counts among the members the target applies to (``applies(T)``, added to its ``among`` by the
formula parser): a member where the target is not applicable is outside the share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from bdg_indicators.formulas import achieved_target, applies_target
from bdg_indicators.observations import Observations
from bdg_indicators.rules.statuses import Status
from bdg_indicators.spec import Spec, Target

__all__ = ["JUDGED_NOT_ACHIEVED", "needed_targets", "with_verdicts"]

JUDGED_NOT_ACHIEVED = (Status.NOT_ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK)
"""Verdicts that make ``achieved()`` no (0); ``achieved`` is yes (1); any other, no value."""


def needed_targets(spec: Spec, targets: Sequence[Target]) -> tuple[Target, ...]:
    """The targets whose verdicts the indicators of ``targets`` read through ``achieved()``
    (directly or through the indicators they use), in spec order."""
    wanted: set[str] = set()
    seen: set[str] = set()
    stack = [t.indicator for t in targets]
    while stack:
        indicator = spec.indicator(stack.pop())
        if indicator.id in seen:
            continue
        seen.add(indicator.id)
        for name in indicator.formula.names:
            target = achieved_target(name) or applies_target(name)
            if target is not None:
                wanted.add(target)
            elif any(i.id == name for i in spec.indicators):
                stack.append(name)
    return tuple(t for _, t in spec.targets() if t.id in wanted)


def with_verdicts(
    spec: Spec,
    observations: Observations,
    targets: Sequence[Target],
    evaluate: Callable[[Sequence[Target]], Any],
) -> Observations:
    """``observations`` with the verdict series that ``targets`` read, from ``evaluate`` (the
    engine run over the needed targets, returning its labelled results: ``target``,
    ``org_unit``, ``period``, ``status``): ``achieved(T)`` where T was judged, and
    ``applies(T)``, whether T applies at all (its verdict is not ``not_applicable``)."""
    needed = needed_targets(spec, targets)
    if not needed:
        return observations
    import polars as pl

    results = evaluate(needed)
    achieved = _items(spec, achieved_target)
    applies = _items(spec, applies_target)
    yes = pl.col("status") == Status.ACHIEVED.value
    judged = yes | pl.col("status").is_in([s.value for s in JUDGED_NOT_ACHIEVED])
    outside = pl.col("status") == Status.NOT_APPLICABLE.value
    keep = ["target", "org_unit", "period"]
    rows = pl.concat(
        [
            # where T does not apply, achieved(T) is "no" only for the shares that count it, and
            # those count among applies(T), which leaves such a member out of the denominator
            results.filter(
                (judged | (outside & pl.col("target").is_in(list(applies))))
                & pl.col("target").is_in(list(achieved))
            ).select(
                *keep,
                pl.col("target").replace_strict(achieved, return_dtype=pl.Int32).alias("item"),
                yes.cast(pl.Int64).alias("num"),
            ),
            results.filter(pl.col("target").is_in(list(applies))).select(
                *keep,
                pl.col("target").replace_strict(applies, return_dtype=pl.Int32).alias("item"),
                (pl.col("status") != Status.NOT_APPLICABLE.value).cast(pl.Int64).alias("num"),
            ),
        ]
    )
    if rows.height == 0:  # no verdict at all: every member is unknown
        return observations
    return _append(spec, observations, rows)


def _items(spec: Spec, target_of: Callable[[str], str | None]) -> dict[str, int]:
    """The verdict series of one kind, by target: target id -> data item index."""
    found = {}
    for index, item in enumerate(spec.data_items):
        target = target_of(item.id) if item.verdicts_of else None
        if target is not None:
            found[target] = index
    return found


def _append(spec: Spec, observations: Observations, rows: Any) -> Observations:
    """Append verdict rows (labelled, with their data ``item``) to the encoded observations,
    one file per target."""
    import polars as pl

    units = list(observations.org_units)
    periods = list(observations.periods)
    files = list(observations.files)
    names = {t: f"(kết quả đánh giá chỉ tiêu {t})" for t in rows.get_column("target").unique()}
    file_ids: dict[str, int] = {}
    for target, name in sorted(names.items()):
        file_ids[target] = len(files)
        files.append(name)
    unit_ids = {c: _code(units, c) for c in rows.get_column("org_unit").unique()}
    period_ids = {p: _code(periods, p) for p in rows.get_column("period").unique()}
    encoded = rows.with_row_index("row", offset=1).select(
        pl.col("target").replace_strict(file_ids, return_dtype=pl.UInt16).alias("file"),
        pl.col("row").cast(pl.Int64),
        pl.col("org_unit").replace_strict(unit_ids, return_dtype=pl.Int32),
        pl.col("period").replace_strict(period_ids, return_dtype=pl.Int32),
        pl.col("item").alias("data_item"),
        *(pl.lit(0).cast(observations.encoded.schema[b]).alias(b) for b in observations.breakdowns),
        pl.col("num").cast(pl.Int64),
        pl.lit(None, pl.String).alias("source"),
        *([pl.lit(0, pl.Int8).alias("bound")] if observations.bounded else []),  # verdicts: exact
    )
    totals = dict(observations.totals)
    scales = dict(observations.scales)
    for item in rows.get_column("item").unique().to_list():
        name = spec.data_items[item].id
        totals[name] = int(rows.filter(pl.col("item") == item).height)
        scales[name] = 0
    return attrs.evolve(
        observations,
        encoded=pl.concat([observations.encoded, encoded.select(observations.encoded.columns)]),
        files=tuple(files),
        org_units=tuple(units),
        periods=tuple(periods),
        totals=totals,
        scales=scales,
    )


def _code(codes: list[str], code: str) -> int:
    """The id of ``code`` in ``codes``, appended when new."""
    if code not in codes:
        codes.append(code)
    return codes.index(code)
