"""Figures across a reorganisation of org units: which units stand for another at a time it did
not exist, and with what factor. Written once, used to derive the figures and to explain them.

- **Old data, new units**: a unit made on a date from others is, before that date, the sum of
  what each gave it: the whole of a unit counts whole (exact); a part counts by its stated
  weight (estimated); a part without a weight makes the sum not comparable, never a guess.
- **New data, old units**: a unit that ended is, after that date, the sum of the new units made
  wholly of it or of its parts below it (its communes), when every one of those parts went
  wholly into such a unit; otherwise not comparable.

Numerators and denominators are summed alike, series by series, before any ratio.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from fractions import Fraction

import attrs

from bdg_indicators.orgunits import OrgUnitLink, OrgUnitTree

__all__ = ["Standing", "after", "before", "end_day"]


@attrs.frozen(kw_only=True)
class Standing:
    """Which units stand for ``unit`` at a time it did not exist, each with its factor; or why
    none can (``reason``)."""

    unit: str
    """The key of the unit stood for."""
    parts: tuple[tuple[str, Fraction], ...] = ()
    """(key, factor) of each unit summed: 1 for a whole, the weight for a weighted part."""
    estimated: bool = False
    """Whether a weight was used (the sum is an estimate, shown "khoảng")."""
    links: tuple[OrgUnitLink, ...] = ()
    """The links used."""
    reason: str | None = None
    """Why it cannot be stood for (``part-without-weight``, ``not-wholly-mapped``)."""


def before(tree: OrgUnitTree, key: str) -> Standing | None:
    """The units that stand for ``key`` before it existed: its predecessors, each by what it gave
    (``None``: the unit was made of nothing the tree knows)."""
    links = tree.predecessors(key)
    if not links:
        return None
    parts: list[tuple[str, Fraction]] = []
    for link in links:
        if link.kind == "whole":
            parts.append((link.old, Fraction(1)))
        elif link.weight is not None:
            parts.append((link.old, link.weight))
        else:
            return Standing(unit=key, links=links, reason="part-without-weight")
    estimated = any(link.kind != "whole" for link in links)
    return Standing(unit=key, parts=tuple(parts), estimated=estimated, links=links)


def _wholly(tree: OrgUnitTree, keys: Sequence[str]) -> tuple[set[str], list[OrgUnitLink]] | None:
    """The new units the old units ``keys`` went into, if every one went wholly and each new unit
    is made only of them; else ``None``."""
    inside = set(keys)
    targets: set[str] = set()
    used: list[OrgUnitLink] = []
    for old in keys:
        links = tree.successors(old)
        if not links or any(link.kind != "whole" for link in links):
            return None
        targets.update(link.new for link in links)
        used.extend(links)
    for new in targets:
        if any(link.old not in inside for link in tree.predecessors(new)):
            return None
    return targets, used


def after(tree: OrgUnitTree, key: str) -> Standing | None:
    """The units that stand for ``key`` after it ended: the new units made wholly of it (or of
    its parts with links, at the lowest level that has them). ``None``: it has no successors."""
    if not tree.successors(key) and not any(tree.successors(d.key) for d in tree.descendants(key)):
        return None
    levels = [[key]]
    below = tree.descendants(key)
    for level in dict.fromkeys(u.level for u in below):
        units = [u.key for u in below if u.level == level]
        if all(tree.successors(k) for k in units):  # a level with a gap would miss territory
            levels.append(units)
    for keys in levels:
        found = _wholly(tree, keys)
        if found is not None:
            targets, used = found
            parts = tuple((t, Fraction(1)) for t in sorted(targets))
            return Standing(unit=key, parts=parts, links=tuple(used))
    return Standing(unit=key, links=tree.successors(key), reason="not-wholly-mapped")


def end_day(last_month: int) -> datetime.date:
    """The last day of the month ``last_month`` (counted ``year * 12 + month - 1``): the day a
    period is resolved on."""
    year, month = divmod(last_month + 1, 12)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
