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
        ctx.error("missing-key", f"`{name}` needs `base`, the period it is measured from", where)
        return None
    base = ctx.period(doc.base, entry.at(*path, "base"))
    raw: RawValue = getattr(doc, name)
    parsed = quantity(ctx, raw.value, where)
    if parsed is None or base is None:
        return None
    kind = ChangeKind(doc.change)
    amount = _amount(ctx, raw, parsed, kind, where, indicator)
    if amount is None:
        return None
    if amount < 0:
        ctx.error(
            "invalid-value",
            f"`{name}` takes a positive amount; the direction is in the key",
            where,
        )
        return None
    direction = Direction.INCREASE if name == "increase_by" else Direction.DECREASE
    return Change(direction=direction, amount=amount, kind=kind, base=base)


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
