"""Turn structured spec documents (with the specs they extend) into the frozen spec models.

Extension is resolved first, on the document level ([`merge`][bdg_indicators._compile.merge]).
Then everything is checked and compiled, one module per noun:

```text
merge        extends and overrides, entries still as documents
context      the problems found, the tables compiled so far, ids, periods, dates, units
codes        code lists: breakdowns (built-in ones in data/breakdowns.yaml), attributes
items        data items and indicators: formulas (references, cycles) and their units
targets      goals, targets, amendments and their documents
milestones   when a target is judged and its condition
comparisons  comparisons with thresholds (yes/no, per org-unit attribute)
changes      increase_by / reduce_by since a base period
quantities   numbers with an optional unit, converted
```
"""

from __future__ import annotations

from bdg_indicators._document import SpecDoc
from bdg_indicators.errors import Problem
from bdg_indicators.spec import Spec

from .codes import builtin_breakdowns, codes
from .context import Context, to_label
from .items import data_item, indicator
from .merge import Merged, merge
from .targets import achieved_cycles, amendment, document, goal

__all__ = ["Merged", "compile_spec", "merge"]


def compile_spec(merged: Merged, problems: list[Problem]) -> Spec | None:
    """Check and compile a merged spec; problems are appended to ``problems``."""
    ctx = Context(merged=merged, problems=problems)
    top: SpecDoc = merged.top.value
    before = ctx.errors()
    span = ctx.period(merged.span.value, merged.span.at()) if merged.span else None
    amendments = tuple(amendment(ctx, e) for e in merged.amendments.values())
    ctx.breakdowns = codes(ctx, merged.breakdowns, "breakdown", builtin_breakdowns())
    ctx.attributes = codes(ctx, merged.attributes, "attribute")
    ctx.items = {
        k: d for k, e in merged.data_items.items() if (d := data_item(ctx, k, e)) is not None
    }
    for key in merged.indicators:
        indicator(ctx, key, ())
    goals = tuple(goal(ctx, gid, g) for gid, g in merged.goals.items())
    achieved_cycles(ctx, goals)
    issuer = document(ctx, top.document, merged.top, ("document",)) if top.document else None
    if ctx.errors() > before:
        return None
    if top.bdg_spec != 1:  # pragma: no cover - checked before compiling
        return None
    return Spec(
        id=top.id,
        title=to_label(top.title),
        document=issuer,
        span=span,
        extends=top.extends,
        amendments=amendments,
        breakdowns=tuple(ctx.breakdowns.values()),
        attributes=tuple(ctx.attributes.values()),
        data_items=tuple(ctx.items.values()),
        indicators=tuple(i for i in ctx.compiled.values() if i is not None),
        goals=goals,
        removed=tuple(merged.removed),
        example_data=tuple(top.example_data or ()),
    )
