"""The status ladder: from what is known of one result to its status and reason, in one order.

1. no milestone applies (none due or ahead; at or before a change target's base period; a
   period of another length for a flow): ``not_applicable``;
2. no value (the value's own reason), the org-unit attribute a threshold depends on is unknown
   or not recorded, no threshold for its value, no value at a change target's base period, a
   value that is a bound which does not settle the milestone (``bound-undecided``, see
   [`bounds`][bdg_indicators.rules.bounds]): ``no_data``;
3. a milestone due: ``achieved`` when the value meets it (and every criterion of a score rule
   meets its condition), else ``not_achieved``;
4. a milestone still ahead: a yes/no target is ``on_track`` when already in place; otherwise
   the progress method decides ``on_track`` or ``off_track``.

The inputs are column expressions (booleans, texts);
[`ladder`][bdg_indicators.rules.verdicts.ladder] combines them.

Before the ladder's verdict stands, a target with a population (``applies_to``) is checked by
[`population_step`][bdg_indicators.rules.verdicts.population_step]: at an org unit of another
level, ``not_applicable`` (``level-not-judged``); where its condition is not met,
``not_applicable`` (``outside-population``); where the condition has no value, ``no_data``
(``population-unknown``). A result to which no milestone applies stays as it is.
"""

from __future__ import annotations

from typing import Any

import attrs

from .statuses import Status

__all__ = ["Case", "existence_step", "ladder", "population_step"]


@attrs.frozen(kw_only=True)
class Case:
    """What is known of a result, as expressions."""

    not_applicable: Any
    """The reason code of no milestone applying (null when one applies)."""
    not_applicable_subject: Any
    value_missing: Any
    value_code: Any
    value_subject: Any
    attribute_unknown: Any
    attribute_missing: Any
    attribute: Any
    threshold_missing: Any
    threshold_subject: Any
    base_missing: Any
    base_period: Any
    due: Any
    met: Any
    criterion_failed: Any
    """The name of the first criterion that fails (null when none does)."""
    boolean_target: Any
    on_track: Any
    bound_undecided: Any = None
    """Whether the value, or the earlier value a change or progress needs, is a bound that does
    not settle the milestone (``None``: no figure is a bound)."""
    bound_subject: Any = None
    """What is a bound: the value's direction (``above``, ``below``, ``about``), ``base`` or
    ``baseline``."""


def _text(value: str) -> Any:
    import narwhals as nw

    return nw.lit(value, nw.String)


def ladder(case: Case) -> tuple[Any, Any, Any]:
    """(status, reason code, reason subject) of each row."""
    import narwhals as nw

    steps: list[tuple[Any, Status, Any, Any]] = [
        (
            ~case.not_applicable.is_null(),
            Status.NOT_APPLICABLE,
            case.not_applicable,
            case.not_applicable_subject,
        ),
        (case.value_missing, Status.NO_DATA, case.value_code, case.value_subject),
        (case.attribute_unknown, Status.NO_DATA, _text("attribute-unknown"), case.attribute),
        (case.attribute_missing, Status.NO_DATA, _text("attribute-missing"), case.attribute),
        (case.threshold_missing, Status.NO_DATA, _text("no-threshold"), case.threshold_subject),
        (case.base_missing, Status.NO_DATA, _text("base-missing"), case.base_period),
    ]
    if case.bound_undecided is not None:
        steps.append(
            (case.bound_undecided, Status.NO_DATA, _text("bound-undecided"), case.bound_subject)
        )
    failed = ~case.criterion_failed.is_null()
    due_met = case.met & ~failed
    status: Any = (
        nw.when(case.due)
        .then(nw.when(due_met).then(_text("achieved")).otherwise(_text("not_achieved")))
        .otherwise(
            nw.when(case.boolean_target)
            .then(nw.when(case.met).then(_text("on_track")).otherwise(_text("off_track")))
            .otherwise(nw.when(case.on_track).then(_text("on_track")).otherwise(_text("off_track")))
        )
    )
    code: Any = (
        nw.when(case.due & failed & case.met)
        .then(_text("criterion-failed"))
        .when(~case.due & case.boolean_target & ~case.met)
        .then(_text("not-yet"))
        .otherwise(nw.lit(None, nw.String))
    )
    subject: Any = (
        nw.when(case.due & failed & case.met)
        .then(case.criterion_failed)
        .otherwise(nw.lit(None, nw.String))
    )
    for when, this_status, this_code, this_subject in reversed(steps):
        hit = when.fill_null(False)
        status = nw.when(hit).then(_text(this_status.value)).otherwise(status)
        code = nw.when(hit).then(this_code).otherwise(code)
        subject = nw.when(hit).then(this_subject).otherwise(subject)
    return status, code, subject


def population_step(
    status: Any,
    code: Any,
    subject: Any,
    *,
    level_ok: Any,
    member: Any,
    inside: Any,
    names: tuple[Any, Any, Any, Any],
) -> tuple[Any, Any, Any]:
    """(status, reason code, reason subject) after the target's population: ``level_ok``
    whether the org unit's level is one the target is judged at, ``member`` whether its
    attributes are among those the target applies to (0 yes, 1 no, 2 unknown without an org-unit
    tree, 3 not recorded for it: no data), ``inside`` whether it meets the condition
    (null: unknown, or no condition); ``names`` are the levels, attribute values, attribute
    names and condition as named in reasons."""
    import narwhals as nw

    levels, members, attributes, where = names
    applies = status != Status.NOT_APPLICABLE.value
    off_level = applies & ~level_ok
    not_member = applies & level_ok & (member == 1)
    no_tree = applies & level_ok & (member == 2)
    not_recorded = applies & level_ok & (member == 3)
    judged = applies & level_ok & (member == 0)
    unknown = judged & ~where.is_null() & inside.is_null()
    outside = judged & (inside == False)  # noqa: E712 - a column expression
    steps = [
        (off_level, Status.NOT_APPLICABLE, "level-not-judged", levels),
        (not_member, Status.NOT_APPLICABLE, "outside-population", members),
        (no_tree, Status.NO_DATA, "population-needs-tree", attributes),
        (not_recorded, Status.NO_DATA, "attribute-missing", attributes),
        (unknown, Status.NO_DATA, "population-unknown", where),
        (outside.fill_null(False), Status.NOT_APPLICABLE, "outside-population", where),
    ]
    for when, this_status, this_code, this_subject in reversed(steps):
        status = nw.when(when).then(_text(this_status.value)).otherwise(status)
        code = nw.when(when).then(_text(this_code)).otherwise(code)
        subject = nw.when(when).then(this_subject).otherwise(subject)
    return status, code, subject


def existence_step(
    status: Any, code: Any, subject: Any, *, absent: Any, reason: Any, validity: Any
) -> tuple[Any, Any, Any]:
    """(status, reason code, reason subject) of a result without a value at a period when its
    org unit did not exist (``absent``): ``no_data`` (``not-comparable``, its ``reason``) where
    others stood for it but could not be summed, else ``not_applicable`` (``org-unit-absent``,
    with its ``validity``). A unit given a value then (rebuilt across the reorganisation) keeps
    its verdict."""
    import narwhals as nw

    uncomparable = absent & ~reason.is_null()
    gone = absent & reason.is_null()
    steps = [
        (uncomparable, Status.NO_DATA, "not-comparable", reason),
        (gone, Status.NOT_APPLICABLE, "org-unit-absent", validity),
    ]
    for when, this_status, this_code, this_subject in steps:
        status = nw.when(when).then(_text(this_status.value)).otherwise(status)
        code = nw.when(when).then(_text(this_code)).otherwise(code)
        subject = nw.when(when).then(this_subject).otherwise(subject)
    return status, code, subject
