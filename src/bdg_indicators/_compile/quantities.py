"""Numbers as written in spec files: plain YAML numbers, or a number and a unit (`95 percent`),
converted to the unit they are compared in."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from bdg_indicators import units as units_mod
from bdg_indicators._document import RawValue
from bdg_indicators._yaml import YamlNumber
from bdg_indicators.errors import BdgError, Location
from bdg_indicators.spec import Indicator

from .context import Context


def number(
    ctx: Context, raw: RawValue, where: Location, unit: str, indicator: Indicator | None
) -> Fraction | None:
    """A number with an optional unit, converted to ``unit``."""
    parsed = quantity(ctx, raw.value, where)
    if parsed is None:
        return None
    value, written = parsed
    if written is None:
        return value
    try:
        return value * units_mod.conversion_factor(written, unit)
    except BdgError as exc:
        for p in exc.problems:
            message = p.message
            if p.code == "unit-mismatch":
                message = f"`{written}` cannot be converted to the indicator's unit `{unit}`"
            ctx.error(p.code, message, where, p.hint)
        return None


def quantity(ctx: Context, value: Any, where: Location) -> tuple[Fraction, str | None] | None:
    """A number and the unit written after it, if any."""
    if isinstance(value, YamlNumber):
        return Fraction(value), None
    if not isinstance(value, str):
        ctx.error("wrong-type", f"expected a number, found {value!r}", where)
        return None
    match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(.*?)\s*", value)
    if match is None:
        hint = "write numbers like 97.9 (a dot for decimals)"
        if re.fullmatch(r"\s*[-+]?\d+,\d+.*", value):
            hint = f"use a dot for decimals in spec files: `{value.replace(',', '.')}`"
        ctx.error("invalid-quantity", f"`{value}` is not a number", where, hint)
        return None
    unit = match.group(2) or None
    if unit is not None and re.match(r"[,.]\d", unit):
        ctx.error(
            "invalid-number",
            f"`{value}` is not a number in machine form",
            where,
            "write 17101 for 17.101 and 97.9 for 97,9",
        )
        return None
    if unit is not None and not (unit[0].isalpha() or unit[0] in "%‰/"):
        ctx.error(
            "invalid-quantity",
            f"`{value}` is not a number with a unit",
            where,
            "write a number such as 90, or a number and a unit such as `90 percent`",
        )
        return None
    return Fraction(match.group(1)), unit
