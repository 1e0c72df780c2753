"""Milestones: when a target is judged (`by`, `every`, `from` ... `until`) and the one condition
it must meet there, with `each_criterion` for score rules."""

from __future__ import annotations

from bdg_indicators._document import ComparisonDoc, MilestoneDoc, RawValue
from bdg_indicators.periods import Period
from bdg_indicators.spec import (
    Change,
    Comparison,
    ComparisonOp,
    Indicator,
    Milestone,
    Threshold,
    Verification,
    When,
    WhenKind,
)

from .changes import change
from .comparisons import comparison
from .context import Context, text
from .merge import Located, Path
from .quantities import number

CONDITIONS = (
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "about",
    "between",
    "equals",
    "increase_by",
    "reduce_by",
)
"""The keys of a milestone's condition."""

_ONLY_WITH = (
    ("tolerance", ("about",)),
    ("two_sided", ("about",)),
    ("change", ("increase_by", "reduce_by")),
    ("base", ("increase_by", "reduce_by")),
)
"""Keys that go only with some conditions."""


def milestones(
    ctx: Context, docs: list[MilestoneDoc], entry: Located, path: Path, indicator: Indicator
) -> tuple[Milestone, ...]:
    result = []
    for i, doc in enumerate(docs):
        compiled = milestone(ctx, doc, entry, (*path, i), indicator)
        if compiled is not None:
            result.append(compiled)
    return tuple(result)


def milestone(
    ctx: Context, doc: MilestoneDoc, entry: Located, path: Path, indicator: Indicator
) -> Milestone | None:
    when = _when(ctx, doc, entry, path)
    if when is None:
        return None
    kind, period, until = when
    name = _condition_name(ctx, doc, entry, path)
    if name is None:
        return None
    condition: Comparison | Change | None
    if name in ("increase_by", "reduce_by"):
        condition = change(ctx, doc, name, entry, path, indicator)
    else:
        condition = comparison(ctx, doc, name, entry, path, indicator)
    each = None
    if doc.each_criterion is not None:
        if not indicator.criteria:
            ctx.error(
                "criteria-without-criteria",
                f"indicator `{indicator.id}` has no `criteria`",
                entry.at(*path, "each_criterion", key=True),
            )
            return None
        each = criterion(ctx, doc.each_criterion, entry, (*path, "each_criterion"))
        if each is None:
            return None
    if condition is None or period is None or (doc.until is not None and until is None):
        return None
    return Milestone(
        when=When(kind=WhenKind(kind), period=period, until=until),
        condition=condition,
        each_criterion=each,
        note=doc.note,
        verification=Verification(doc.verification) if doc.verification else None,
    )


def _when(
    ctx: Context, doc: MilestoneDoc, entry: Located, path: Path
) -> tuple[str, Period | None, Period | None] | None:
    """The kind of the milestone's dates, its period and its last period (``None`` if wrong)."""
    whens = [
        (k, v)
        for k, v in (("by", doc.by), ("every", doc.every), ("from", doc.from_))
        if v is not None
    ]
    if len(whens) != 1:
        ctx.error(
            "milestone-when",
            "a milestone needs exactly one of `by`, `every`, `from`"
            + (f" (found {', '.join(k for k, _ in whens)})" if whens else ""),
            entry.at(*path),
        )
        return None
    kind, written = whens[0]
    period = ctx.period(written, entry.at(*path, kind))
    until = None
    if doc.until is not None:
        if kind != "from":
            ctx.error(
                "milestone-when",
                "`until` is used only with `from`",
                entry.at(*path, "until", key=True),
            )
            return None
        until = ctx.period(doc.until, entry.at(*path, "until"))
    return kind, period, until


def _condition_name(ctx: Context, doc: MilestoneDoc, entry: Located, path: Path) -> str | None:
    """The key of the milestone's one condition (``None`` if not exactly one, or misused keys)."""
    conditions = [k for k in CONDITIONS if getattr(doc, k) is not None]
    if len(conditions) != 1:
        ctx.error(
            "milestone-condition",
            "a milestone needs exactly one condition"
            + (f" (found {', '.join(conditions)})" if conditions else ""),
            entry.at(*path),
            "use one of at_least, more_than, at_most, less_than, about, between, "
            "equals, increase_by, reduce_by",
        )
        return None
    name = conditions[0]
    for extra, allowed in _ONLY_WITH:
        if getattr(doc, extra) is not None and name not in allowed:
            ctx.error(
                "milestone-condition",
                f"`{extra}` is used only with " + " or ".join(f"`{a}`" for a in allowed),
                entry.at(*path, extra, key=True),
            )
            return None
    return name


def criterion(ctx: Context, doc: ComparisonDoc, entry: Located, path: Path) -> Comparison | None:
    """The condition each criterion of a score rule must meet."""
    names = [
        k for k in ("at_least", "more_than", "at_most", "less_than") if getattr(doc, k) is not None
    ]
    if len(names) != 1:
        ctx.error(
            "milestone-condition",
            "`each_criterion` needs exactly one comparison",
            entry.at(*path),
        )
        return None
    raw: RawValue = getattr(doc, names[0])
    value = number(ctx, raw, entry.at(*path, names[0]), "point", None)
    if value is None:
        return None
    return Comparison(
        op=ComparisonOp(names[0]), threshold=Threshold(value=value, text=text(raw.value))
    )
