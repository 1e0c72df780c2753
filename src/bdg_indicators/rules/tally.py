"""A chỉ tiêu's verdict from the verdicts of its entries, and the x/y count of chỉ tiêu.

A chỉ tiêu (legal target) may be assessed through several entries: 2351/QĐ-TTg's "tỷ lệ nữ tham
gia cấp ủy Đảng, đại biểu Quốc hội, đại biểu Hội đồng nhân dân" is one chỉ tiêu judged on three
indicators. Its verdict follows from theirs by its [`TargetRule`][bdg_indicators.spec.TargetRule]:

- ``all`` (the default): the worst entry decides, in the order not achieved, off track, no data,
  on track, achieved; a known failure is not hidden by an entry without data, and "achieved"
  needs every entry achieved;
- ``any``: the best entry decides, in the reverse order;
- ``readings`` (alternative readings of one unclear text): the verdict every reading gives; where
  one has no data, no data; where they disagree, ``undetermined`` (reason ``readings-disagree``).

Entries to which no milestone applies at a period (``not_applicable``) take no part; a chỉ tiêu
whose entries are all not applicable is not applicable. A summary counts, for each goal and the
framework, the chỉ tiêu assessed (applicable), achieved, not achieved, on track, off track,
without data and undetermined.
"""

from __future__ import annotations

from collections.abc import Iterable

from bdg_indicators.spec import TargetRule

from .statuses import Status

__all__ = ["COUNTED", "UNDETERMINED", "UNDETERMINED_WORDS", "WORST_FIRST", "combine"]

UNDETERMINED = "undetermined"
"""The verdict of a chỉ tiêu whose readings disagree."""

UNDETERMINED_WORDS = {"vi": "Chưa xác định", "en": "Undetermined"}
"""How ``undetermined`` is written for people."""

WORST_FIRST = (
    Status.NOT_ACHIEVED,
    Status.OFF_TRACK,
    Status.NO_DATA,
    Status.ON_TRACK,
    Status.ACHIEVED,
)
"""The verdicts of applicable entries, worst first: ``all`` takes the first present, ``any``
the last."""

COUNTED = (
    Status.ACHIEVED.value,
    Status.NOT_ACHIEVED.value,
    Status.ON_TRACK.value,
    Status.OFF_TRACK.value,
    Status.NO_DATA.value,
    UNDETERMINED,
)
"""The verdicts a summary counts, each in its own column."""


def combine(statuses: Iterable[str], rule: TargetRule) -> tuple[str, str | None]:
    """The verdict of a chỉ tiêu (a status value, or ``undetermined``) and its reason code,
    from the statuses of its entries at one org unit and period."""
    present = {Status(s) for s in statuses} - {Status.NOT_APPLICABLE}
    if not present:
        return Status.NOT_APPLICABLE.value, "no-entry-applies"
    ranked = [s for s in WORST_FIRST if s in present]
    if rule is TargetRule.ALL:
        return ranked[0].value, None
    if rule is TargetRule.ANY:
        return ranked[-1].value, None
    if len(ranked) == 1:
        return ranked[0].value, None
    if Status.NO_DATA in present:
        return Status.NO_DATA.value, "reading-without-data"
    return UNDETERMINED, "readings-disagree"
