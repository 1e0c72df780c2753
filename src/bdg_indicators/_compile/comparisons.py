"""Comparisons with thresholds: `at_least`, `more_than`, `at_most`, `less_than`, `about` (with its
tolerance), `between` and `equals`; thresholds may be yes/no, or depend on an org-unit attribute."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bdg_indicators._document import MilestoneDoc, RawValue
from bdg_indicators.spec import Better, Comparison, ComparisonOp, Indicator, Threshold

from .context import Context, text
from .merge import Located, Path
from .quantities import number


def comparison(
    ctx: Context, doc: MilestoneDoc, name: str, entry: Located, path: Path, indicator: Indicator
) -> Comparison | None:
    op = ComparisonOp(name)
    where = entry.at(*path, name)
    if op is ComparisonOp.BETWEEN:
        return _between(ctx, doc, entry, (*path, name), indicator)
    raw: RawValue = getattr(doc, name)
    value = threshold(ctx, raw, entry, (*path, name), indicator)
    if value is None:
        return None
    tolerance = None
    if op is ComparisonOp.ABOUT:
        tolerance = _tolerance(ctx, doc, entry, path, indicator)
        if tolerance is None:
            return None
    if indicator.unit == "boolean" and op is not ComparisonOp.EQUALS:
        ctx.error(
            "formula-type",
            f"indicator `{indicator.id}` is yes/no; use `equals: true` or `equals: false`",
            where,
        )
        return None
    return Comparison(
        op=op, threshold=value, tolerance=tolerance, welcome=_welcome(op, doc, indicator)
    )


def _welcome(op: ComparisonOp, doc: MilestoneDoc, indicator: Indicator) -> Better | None:
    """The side on which an ``about`` is met beyond its tolerance: the indicator's direction of
    improvement, unless the milestone says ``two_sided: true``."""
    if op is not ComparisonOp.ABOUT or doc.two_sided or indicator.better is Better.NEITHER:
        return None
    return indicator.better


def _between(
    ctx: Context, doc: MilestoneDoc, entry: Located, path: Path, indicator: Indicator
) -> Comparison | None:
    where = entry.at(*path)
    pair = doc.between or []
    if len(pair) != 2:
        ctx.error("invalid-value", "`between` takes two values, `[low, high]`", where)
        return None
    low = threshold(ctx, pair[0], entry, (*path, 0), indicator)
    high = threshold(ctx, pair[1], entry, (*path, 1), indicator)
    if low is None or high is None:
        return None
    if (
        isinstance(low.value, Fraction)
        and isinstance(high.value, Fraction)
        and low.value > high.value
    ):
        ctx.error("invalid-value", "`between`: the low value is above the high one", where)
        return None
    return Comparison(op=ComparisonOp.BETWEEN, threshold=low, upper=high)


def _tolerance(
    ctx: Context, doc: MilestoneDoc, entry: Located, path: Path, indicator: Indicator
) -> Fraction | None:
    """The tolerance of `about` (required, not negative)."""
    if doc.tolerance is None:
        ctx.error(
            "tolerance-missing",
            "`about` needs a `tolerance`",
            entry.at(*path, "about"),
            f"e.g. `tolerance: 1` (in {indicator.unit})",
        )
        return None
    where = entry.at(*path, "tolerance")
    tolerance = number(ctx, doc.tolerance, where, indicator.unit, indicator)
    if tolerance is None:
        return None
    if tolerance < 0:
        ctx.error("invalid-value", "`tolerance` cannot be negative", where)
        return None
    return tolerance


def threshold(
    ctx: Context, raw: RawValue, entry: Located, path: Path, indicator: Indicator
) -> Threshold | None:
    where = entry.at(*path)
    value = raw.value
    if isinstance(value, dict):
        return _attribute_threshold(ctx, value, entry, path, indicator)
    if isinstance(value, bool):
        if indicator.unit != "boolean":
            ctx.error(
                "wrong-type",
                f"`{str(value).lower()}` is a yes/no value, but indicator "
                f"`{indicator.id}` is in `{indicator.unit}`",
                where,
            )
            return None
        return Threshold(value=value, text=str(value).lower())
    if indicator.unit == "boolean":
        ctx.error("wrong-type", f"indicator `{indicator.id}` is yes/no: use true or false", where)
        return None
    parsed = number(ctx, raw, where, indicator.unit, indicator)
    if parsed is None:
        return None
    return Threshold(value=parsed, text=text(value))


def _attribute_threshold(
    ctx: Context, value: dict[str, Any], entry: Located, path: Path, indicator: Indicator
) -> Threshold | None:
    unknown = sorted(set(value) - {"attribute", "values", "default"})
    for key in unknown:
        ctx.error(
            "unknown-key",
            f"unknown key `{key}`",
            entry.at(*path, key, key=True),
            "an attribute-dependent threshold has `attribute`, `values`, `default`",
        )
    name, values = value.get("attribute"), value.get("values")
    if not isinstance(name, str) or not isinstance(values, dict) or unknown:
        if not unknown:
            ctx.error(
                "wrong-type",
                "a threshold mapping needs `attribute` (a name) and "
                "`values` (attribute value: threshold)",
                entry.at(*path),
            )
        return None
    found = _by_value(ctx, name, values, entry, path, indicator)
    if found is None:
        return None
    ok, by_value = found
    default = None
    if "default" in value:
        default = number(
            ctx,
            RawValue(value=value["default"]),
            entry.at(*path, "default"),
            indicator.unit,
            indicator,
        )
    if not ok or ("default" in value and default is None):
        return None
    listed = ", ".join(f"{k}: {v}" for k, v in values.items())
    return Threshold(
        attribute=name, by_value=tuple(by_value), default=default, text=f"{{{listed}}}"
    )


def _by_value(
    ctx: Context,
    name: str,
    values: dict[str, Any],
    entry: Located,
    path: Path,
    indicator: Indicator,
) -> tuple[bool, list[tuple[str, Fraction]]] | None:
    """Whether all are valid, and the threshold for each value of attribute ``name``.

    ``None`` if the spec declares no such attribute.
    """
    attribute = ctx.attributes.get(name)
    if attribute is None:
        ctx.error(
            "unknown-attribute",
            f"unknown org-unit attribute `{name}`",
            entry.at(*path, "attribute"),
            "declare it under `attributes`",
        )
        return None
    by_value: list[tuple[str, Fraction]] = []
    ok = True
    for key, raw in values.items():
        if key not in attribute.value_ids():
            ok = False
            ctx.error(
                "unknown-attribute",
                f"`{key}` is not a value of attribute `{name}`",
                entry.at(*path, "values", key, key=True),
            )
            continue
        where = entry.at(*path, "values", key)
        parsed = number(ctx, RawValue(value=raw), where, indicator.unit, indicator)
        if parsed is None:
            ok = False
        else:
            by_value.append((key, parsed))
    return ok, by_value
