"""Extension, resolved on the document level: a child's entries override its parent's field by
field, every entry remembering the file and path it came from so that later problems are reported
where they were written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from bdg_indicators._document import AmendmentDoc, GoalDoc, SpecDoc, TargetDoc
from bdg_indicators._yaml import Document
from bdg_indicators.errors import Location, Problem
from bdg_indicators.spec import RemovedTarget

Path = tuple[str | int, ...]


@attrs.define
class Located:
    """A structured entry with the file and path it was written at."""

    value: Any
    doc: Document
    path: Path

    def at(self, *sub: str | int, key: bool = False) -> Location:
        return self.doc.locate((*self.path, *sub), key=key)


@attrs.define
class GoalEntry:
    """A goal and its targets, by id."""

    entry: Located
    targets: dict[str, Located] = attrs.Factory(dict)


@attrs.define
class Merged:
    """A spec with everything it extends folded in, entries still as documents."""

    top: Located
    span: Located | None = None
    amendments: dict[str, Located] = attrs.Factory(dict)
    breakdowns: dict[str, Located] = attrs.Factory(dict)
    attributes: dict[str, Located] = attrs.Factory(dict)
    data_items: dict[str, Located] = attrs.Factory(dict)
    indicators: dict[str, Located] = attrs.Factory(dict)
    goals: dict[str, GoalEntry] = attrs.Factory(dict)
    removed: list[RemovedTarget] = attrs.Factory(list)
    dropped: set[str] = attrs.Factory(set)
    """Names of entries that failed structuring (already reported): no cascades about them."""


_SECTIONS = ("breakdowns", "attributes", "data_items", "indicators")


def _override(parent: Any, child: Any) -> Any:
    changes = {
        a.name: getattr(child, a.name)
        for a in attrs.fields(type(child))
        if getattr(child, a.name) is not None
    }
    return attrs.evolve(parent, **changes)


def merge(
    spec: SpecDoc,
    doc: Document,
    parent: Merged | None,
    problems: list[Problem],
    dropped: set[str] | None = None,
) -> Merged:
    """Fold ``spec`` (read from ``doc``) over its ``parent``.

    ``None`` entries in ``spec``'s lists stand for entries that failed structuring (named in
    ``dropped``); they are skipped, keeping the other entries' positions in the file.
    """
    merged = _inherit(Located(spec, doc, ()), parent, dropped)
    if spec.span is not None:
        merged.span = Located(spec.span, doc, ("span",))
    fold = _Fold(merged=merged, doc=doc, extends=parent is not None, problems=problems)
    fold.amendments(spec.amendments or ())
    fold.sections(spec)
    fold.goals(spec.goals or ())
    return merged


def _inherit(top: Located, parent: Merged | None, dropped: set[str] | None) -> Merged:
    """A fresh merge result holding copies of the parent's tables."""
    merged = Merged(top=top, dropped=set(dropped or ()))
    if parent is None:
        return merged
    merged.span = parent.span
    for name in ("amendments", *_SECTIONS):
        setattr(merged, name, dict(getattr(parent, name)))
    merged.goals = {gid: GoalEntry(g.entry, dict(g.targets)) for gid, g in parent.goals.items()}
    merged.removed = list(parent.removed)
    return merged


@attrs.define
class _Fold:
    """Folding one spec document over the merge result of what it extends."""

    merged: Merged
    doc: Document
    extends: bool
    problems: list[Problem]
    seen_targets: dict[str, Location] = attrs.Factory(dict)

    def problem(self, code: str, message: str, location: Location, hint: str | None = None) -> None:
        self.problems.append(Problem(code=code, message=message, location=location, hint=hint))

    def amendments(self, amendments: Sequence[AmendmentDoc | None]) -> None:
        # entries that failed structuring are None (see _document.salvage)
        table = self.merged.amendments
        for index, amendment in enumerate(amendments):
            if amendment is None:
                continue
            if amendment.id in table and table[amendment.id].doc is self.doc:
                self.problem(
                    "duplicate-id",
                    f"amendment `{amendment.id}` is defined twice",
                    self.doc.locate(("amendments", index, "id")),
                )
                continue
            table[amendment.id] = Located(amendment, self.doc, ("amendments", index))

    def sections(self, spec: SpecDoc) -> None:
        for section in _SECTIONS:
            table: dict[str, Located] = getattr(self.merged, section)
            for key, value in (getattr(spec, section) or {}).items():
                path: Path = (section, key)
                if key in table and section in ("data_items", "indicators") and self.extends:
                    table[key] = Located(_override(table[key].value, value), self.doc, path)
                else:
                    table[key] = Located(value, self.doc, path)

    def goals(self, goals: Sequence[GoalDoc | None]) -> None:
        for gi, goal in enumerate(goals):
            if goal is None:
                continue
            gpath: Path = ("goals", gi)
            entry = self.merged.goals.get(goal.id)
            if entry is None:
                entry = self.merged.goals[goal.id] = GoalEntry(Located(goal, self.doc, gpath))
            elif any(g is not None and g.id == goal.id for g in goals[:gi]):
                self.problem(
                    "duplicate-id",
                    f"goal `{goal.id}` is defined twice",
                    self.doc.locate((*gpath, "id")),
                )
                continue
            else:
                without_targets = attrs.evolve(goal, targets=None)
                entry.entry = Located(
                    _override(entry.entry.value, without_targets), self.doc, gpath
                )
            targets: Sequence[TargetDoc | None] = goal.targets or ()
            for ti, target in enumerate(targets):
                if target is not None:
                    self.target(entry, goal.id, target, (*gpath, "targets", ti))

    def target(self, entry: GoalEntry, goal_id: str, target: TargetDoc, tpath: Path) -> None:
        where = self.doc.locate((*tpath, "id"))
        if target.id in self.seen_targets:
            self.problem(
                "duplicate-id",
                f"target `{target.id}` is defined twice (first at {self.seen_targets[target.id]})",
                where,
            )
            return
        self.seen_targets[target.id] = where
        owner = next((g for g in self.merged.goals.values() if target.id in g.targets), None)
        raw = _raw_at(self.doc.value, tpath)
        if isinstance(raw, dict) and "remove" in raw and raw["remove"] is None:
            self.problem(
                "remove-needs-reason",
                f"`remove` of target `{target.id}` gives no reason",
                self.doc.locate((*tpath, "remove"), key=True),
                'write the reason: `remove: "Tỉnh không có ..."`',
            )
        elif target.remove is not None:
            self.remove(owner, goal_id, target, where)
        elif owner is not None and self.extends and target.id in owner.targets:
            self.override(entry, owner, target, tpath, where)
        else:
            entry.targets[target.id] = Located(target, self.doc, tpath)

    def remove(
        self, owner: GoalEntry | None, goal_id: str, target: TargetDoc, where: Location
    ) -> None:
        if owner is None:
            self.problem(
                "unknown-reference",
                f"`remove`: the extended spec has no target `{target.id}`",
                where,
            )
            return
        assert target.remove is not None
        del owner.targets[target.id]
        self.merged.removed.append(RemovedTarget(id=target.id, goal=goal_id, reason=target.remove))

    def override(
        self, entry: GoalEntry, owner: GoalEntry, target: TargetDoc, tpath: Path, where: Location
    ) -> None:
        old = owner.targets[target.id].value
        changes_milestones = target.milestones is not None or target.amendments is not None
        if changes_milestones and target.source is None:
            self.problem(
                "override-needs-source",
                f"target `{target.id}` changes the milestones of the extended spec but cites no "
                "source",
                where,
                "add `source:` citing the clause of this spec's document",
            )
        merged_target = _override(old, target)
        if target.milestones is not None and target.amendments is None:
            # the child's own milestones are in force, not the parent's amendments
            merged_target = attrs.evolve(merged_target, amendments=None)
        if owner is not entry:
            del owner.targets[target.id]
        entry.targets[target.id] = Located(merged_target, self.doc, tpath)


def _raw_at(value: Any, path: Path) -> Any:
    """The plain value at ``path`` in a read document (``None`` if absent)."""
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value
