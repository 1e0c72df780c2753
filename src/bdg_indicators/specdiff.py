"""What a spec changes relative to another (usually the one it extends)."""

from __future__ import annotations

import attrs

from .describe import describe_milestone
from .spec import Spec

__all__ = ["SpecChange", "diff_specs"]


@attrs.frozen(kw_only=True)
class SpecChange:
    """One difference between two specs."""

    kind: str
    """``added``, ``removed`` or ``changed``."""
    what: str
    """``target``, ``indicator``, ``data_item`` or ``goal``."""
    id: str
    detail: str = ""
    """What changed, for people."""


def diff_specs(child: Spec, parent: Spec, lang: str = "vi") -> tuple[SpecChange, ...]:
    """The differences from ``parent`` to ``child``: goals, targets, indicators, data items."""
    changes: list[SpecChange] = []
    for what, old, new in (
        ("data_item", {d.id: d for d in parent.data_items}, {d.id: d for d in child.data_items}),
        ("indicator", {i.id: i for i in parent.indicators}, {i.id: i for i in child.indicators}),
        (
            "goal",
            {g.id: attrs.evolve(g, targets=()) for g in parent.goals},
            {g.id: attrs.evolve(g, targets=()) for g in child.goals},
        ),
    ):
        for key in old.keys() - new.keys():
            changes.append(SpecChange(kind="removed", what=what, id=key))
        for key in new.keys() - old.keys():
            changes.append(SpecChange(kind="added", what=what, id=key))
        for key in old.keys() & new.keys():
            if old[key] != new[key]:
                fields = [
                    a.name
                    for a in attrs.fields(type(new[key]))
                    if getattr(old[key], a.name) != getattr(new[key], a.name)
                ]
                changes.append(
                    SpecChange(
                        kind="changed", what=what, id=key, detail="changed: " + ", ".join(fields)
                    )
                )
    old_targets = {t.id: t for _, t in parent.targets()}
    new_targets = {t.id: t for _, t in child.targets()}
    reasons = {r.id: r.reason for r in child.removed}
    for key in sorted(old_targets.keys() - new_targets.keys()):
        changes.append(
            SpecChange(kind="removed", what="target", id=key, detail=reasons.get(key, ""))
        )
    for key in sorted(new_targets.keys() - old_targets.keys()):
        changes.append(
            SpecChange(
                kind="added", what="target", id=key, detail=new_targets[key].label.text(lang)
            )
        )
    for key in sorted(old_targets.keys() & new_targets.keys()):
        before, after = old_targets[key], new_targets[key]
        if before == after:
            continue
        parts = []
        if before.milestones_in_force != after.milestones_in_force:
            indicator = child.indicator(after.indicator)
            was = "; ".join(
                describe_milestone(m, parent.indicator(before.indicator), lang)
                for m in before.milestones_in_force
            )
            now = "; ".join(
                describe_milestone(m, indicator, lang) for m in after.milestones_in_force
            )
            parts.append(f"milestones: {was}  →  {now}")
        for name in ("label", "indicator", "breakdown", "source"):
            if getattr(before, name) != getattr(after, name):
                parts.append(f"{name} changed")
        changes.append(SpecChange(kind="changed", what="target", id=key, detail="; ".join(parts)))
    order = {"goal": 0, "data_item": 1, "indicator": 2, "target": 3}
    return tuple(sorted(changes, key=lambda c: (order[c.what], c.id, c.kind)))
