"""Changes since a base period: `increase_by` and `reduce_by`, relative (a percentage of the base
value) or absolute (in the indicator's unit; percentage points for a percent indicator)."""

from __future__ import annotations

from fractions import Fraction

from bdg_indicators._document import MilestoneDoc, RawValue
from bdg_indicators.errors import Location
from bdg_indicators.spec import Change, ChangeKind, Direction, Indicator

from .context import Context
from .merge import Located, Path
from .quantities import number, quantity


def change(
    ctx: Context, doc: MilestoneDoc, name: str, entry: Located, path: Path, indicator: Indicator
) -> Change | None:
    where = entry.at(*path, name)
    if doc.change is None:
        ctx.error(
            "change-kind-missing",
            f"`{name}` must say `change: relative` or `change: absolute`",
            where,
            "relative: a percentage of the base value; absolute: in the indicator's "
            "unit (percentage points for a percent indicator)",
        )
        return None
    if doc.base is None:
        ctx.error(
            "missing-key",
            f"`{name}` needs `base`, the period it is measured from (or `previous`)",
            where,
        )
        return None
    previous = doc.base == "previous"
    base = None if previous else ctx.period(doc.base, entry.at(*path, "base"))
    raw: RawValue = getattr(doc, name)
    kind = ChangeKind(doc.change)
    amounts = _amounts(ctx, raw, kind, where, indicator)
    if amounts is None or (base is None and not previous):
        return None
    amount, upper = amounts
    direction = Direction.INCREASE if name == "increase_by" else Direction.DECREASE
    return Change(
        direction=direction, amount=amount, kind=kind, base=base, previous=previous, upper=upper
    )


def _amounts(
    ctx: Context, raw: RawValue, kind: ChangeKind, where: Location, indicator: Indicator
) -> tuple[Fraction, Fraction | None] | None:
    """The amount (and the upper end of a range ``[2, 3]``, "từ 2 đến 3%") of a change."""
    written = raw.value if isinstance(raw.value, list) else [raw.value]
    if not 1 <= len(written) <= 2:
        ctx.error("invalid-value", "a change is one amount or a range `[low, high]`", where)
        return None
    found: list[Fraction] = []
    for value in written:
        parsed = quantity(ctx, value, where)
        amount = (
            _amount(ctx, RawValue(value=value), parsed, kind, where, indicator) if parsed else None
        )
        if amount is None:
            return None
        if amount < 0:
            ctx.error(
                "invalid-value",
                "a change takes a positive amount; the direction is in the key",
                where,
            )
            return None
        found.append(amount)
    if len(found) == 2 and found[1] < found[0]:
        ctx.error("invalid-value", "a range of change is `[low, high]` with low ≤ high", where)
        return None
    return found[0], (found[1] if len(found) == 2 else None)


def _amount(
    ctx: Context,
    raw: RawValue,
    parsed: tuple[Fraction, str | None],
    kind: ChangeKind,
    where: Location,
    indicator: Indicator,
) -> Fraction | None:
    """The amount of a change: a fraction of the base value, or in the indicator's unit."""
    amount, written = parsed
    canonical = None
    if written is not None:
        canonical = ctx.unit(written, where)
        if canonical is None:
            return None
    if kind is ChangeKind.RELATIVE:
        if canonical not in (None, "percent"):
            ctx.error(
                "invalid-quantity",
                "a relative change is a percentage of the base "
                f"value; write it in percent, not `{written}`",
                where,
            )
            return None
        return amount / 100
    if indicator.unit == "percent" and canonical == "percent":
        ctx.error(
            "invalid-quantity",
            "an absolute change of a percent indicator is in percentage points",
            where,
            f"write `{amount} percentage_point`, or use `change: relative`",
        )
        return None
    if canonical == "percentage_point" and indicator.unit != "percent":
        ctx.error("invalid-quantity", "percentage points apply only to percent indicators", where)
        return None
    if canonical not in (None, "percentage_point"):
        return number(ctx, RawValue(value=raw.value), where, indicator.unit, indicator)
    return amount
