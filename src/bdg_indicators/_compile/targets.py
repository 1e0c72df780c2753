"""Goals and their targets: the indicator a target is judged on, its breakdown restriction, its
milestones and the amendments that changed them, with the documents that issued them."""

from __future__ import annotations

import datetime

from bdg_indicators._document import (
    AmendmentDoc,
    DocumentDoc,
    GoalDoc,
    LegalTargetDoc,
    MilestoneDoc,
    SourceDoc,
    TargetDoc,
)
from bdg_indicators.formulas import achieved_target
from bdg_indicators.orgunits import LEVELS
from bdg_indicators.spec import (
    Amendment,
    Goal,
    Indicator,
    IssuingDocument,
    Label,
    LegalTarget,
    Population,
    Target,
    TargetAmendment,
    TargetRule,
)

from .context import Context, to_label
from .items import depends_on
from .merge import GoalEntry, Located, Path
from .milestones import milestones
from .sources import source


def document(ctx: Context, doc: DocumentDoc, entry: Located, path: Path) -> IssuingDocument:
    return IssuingDocument(
        number=doc.number,
        date=ctx.date(doc.date, entry.at(*path, "date")),
        issuer=to_label(doc.issuer),
        title=to_label(doc.title) if doc.title else None,
        url=doc.url,
    )


def amendment(ctx: Context, entry: Located) -> Amendment:
    value: AmendmentDoc = entry.value
    return Amendment(
        id=value.id,
        document=document(ctx, value.document, entry, ("document",)),
        note=value.note,
        source=source(ctx, value.source, entry, ("source",), value.id) if value.source else None,
    )


def goal(ctx: Context, gid: str, entry: GoalEntry) -> Goal:
    doc: GoalDoc = entry.entry.value
    targets = tuple(t for tid, e in entry.targets.items() if (t := target(ctx, tid, e)))
    label = to_label(doc.label) if doc.label else Label(vi=f"Mục tiêu {gid}", en=f"Goal {gid}")
    return Goal(
        id=gid,
        label=label,
        targets=targets,
        source=source(ctx, doc.source, entry.entry, ("source",)) if doc.source else None,
        legal_targets=legal_targets(ctx, entry, targets),
    )


def target(ctx: Context, tid: str, entry: Located) -> Target | None:
    doc: TargetDoc = entry.value
    ok, indicator = _indicator(ctx, tid, entry)
    if indicator is None:
        return None
    ok &= _check_breakdown(ctx, tid, entry, indicator)
    compiled = milestones(ctx, doc.milestones or [], entry, ("milestones",), indicator)
    amended = _amendments(ctx, entry, indicator)
    own = source(ctx, doc.source, entry, ("source",)) if doc.source else None
    ok &= _population_ok(ctx, entry)
    ok &= _milestone_levels_ok(ctx, entry)
    if not ok or amended is None or own is None:
        return None
    return Target(
        id=tid,
        label=to_label(doc.label) if doc.label else indicator.label,
        indicator=indicator.id,
        milestones=compiled,
        source=own,
        breakdown=tuple(sorted((doc.breakdown or {}).items())),
        amendments=amended,
        counts_as=doc.counts_as,
        counted=doc.counted is not False,
        applies_to=population(ctx, entry),
        inherited=entry.doc is not ctx.merged.top.doc,
    )


def _indicator(ctx: Context, tid: str, entry: Located) -> tuple[bool, Indicator | None]:
    """Whether the target's required keys are there, and the indicator it is judged on."""
    doc: TargetDoc = entry.value
    what = f"target `{tid}`"
    ok = ctx.require(doc.indicator, "indicator", entry, what)
    if doc.source is None:
        ok = False
        ctx.error(
            "source-missing",
            f"{what} cites no source",
            entry.at("id"),
            "add `source: {clause: ..., verification: unverified}`",
        )
    if doc.milestones is None and doc.amendments is None:
        ok = False
        ctx.error("missing-key", f"{what} needs `milestones`", entry.at("id"))
    indicator = None
    if doc.indicator is not None:
        if doc.indicator in ctx.merged.indicators:
            indicator = ctx.compiled.get(doc.indicator)
        else:
            ctx.unknown(doc.indicator, ctx.merged.indicators, entry.at("indicator"), "indicator")
    return ok, indicator


def _check_breakdown(ctx: Context, tid: str, entry: Located, indicator: Indicator) -> bool:
    """Check the breakdown values a target is restricted to, against its data items."""
    doc: TargetDoc = entry.value
    ok = True
    used = depends_on(ctx, indicator)
    for dim, value in sorted((doc.breakdown or {}).items()):
        at = entry.at("breakdown", dim)
        if dim not in ctx.breakdowns:
            ok = False
            ctx.unknown(dim, ctx.breakdowns, entry.at("breakdown", dim, key=True), "breakdown")
            continue
        if value not in ctx.breakdowns[dim].value_ids():
            ok = False
            ctx.unknown(value, ctx.breakdowns[dim].value_ids(), at, f"value of `{dim}`")
        missing = sorted(n for n in used if dim not in ctx.items[n].breakdowns)
        if missing:
            ok = False
            ctx.error(
                "unknown-reference",
                f"target `{tid}` is restricted to `{dim}={value}`, but "
                f"data item(s) {', '.join(missing)} have no breakdown `{dim}`",
                at,
            )
    return ok


def _amendments(
    ctx: Context, entry: Located, indicator: Indicator
) -> tuple[TargetAmendment, ...] | None:
    """The target's milestones as amendments changed them, oldest first."""
    doc: TargetDoc = entry.value
    ok = True
    amendments: list[TargetAmendment] = []
    for i, amended in enumerate(doc.amendments or ()):
        path: Path = ("amendments", i)
        if amended.amendment not in ctx.merged.amendments:
            ok = False
            ctx.unknown(
                amended.amendment,
                ctx.merged.amendments,
                entry.at(*path, "amendment"),
                "amendment",
                code="unknown-amendment",
            )
            continue
        compiled = milestones(ctx, amended.milestones, entry, (*path, "milestones"), indicator)
        cited = source(ctx, amended.source, entry, (*path, "source"), amended.amendment)
        if cited is None:
            ok = False
            continue
        amendments.append(
            TargetAmendment(
                amendment=amended.amendment,
                milestones=compiled,
                source=cited,
                effective=_amendment_date(ctx, amended.amendment),
            )
        )
    amendments.sort(key=lambda a: _amendment_date(ctx, a.amendment))
    return tuple(amendments) if ok else None


def _amendment_date(ctx: Context, amendment_id: str) -> datetime.date:
    doc: AmendmentDoc = ctx.merged.amendments[amendment_id].value
    try:
        return datetime.date.fromisoformat(doc.document.date)
    except ValueError:
        return datetime.date(1900, 1, 1)


def legal_targets(
    ctx: Context, entry: GoalEntry, targets: tuple[Target, ...]
) -> tuple[LegalTarget, ...]:
    """The goal's chỉ tiêu: the entries grouped by ``counts_as`` (an entry without it is its own
    chỉ tiêu), in the order of their first entry, with what ``legal_targets`` says of them."""
    doc: GoalDoc = entry.entry.value
    details = doc.legal_targets or {}
    groups: dict[str, list[str]] = {}
    for t in targets:
        if t.counted:
            groups.setdefault(t.legal_id, []).append(t.id)
    for t in targets:
        if t.legal_id != t.id and t.id in groups:
            ctx.error(
                "legal-target",
                f"entry `{t.id}` counts as chỉ tiêu `{t.legal_id}`, but other entries count "
                f"as `{t.id}`",
                entry.targets[t.id].at("counts_as"),
                "give each chỉ tiêu an id of its own (e.g. `1.1` for entries 1.1a-c)",
            )
    for lid in details:
        if lid not in groups:
            ctx.error(
                "legal-target",
                f"no entry of goal `{doc.id}` `counts_as` chỉ tiêu `{lid}`",
                entry.entry.at("legal_targets", lid, key=True),
                f'add `counts_as: "{lid}"` to its entries, or remove it here',
            )
    return tuple(
        _legal(ctx, entry, lid, tuple(ids), details.get(lid)) for lid, ids in groups.items()
    )


def _legal(
    ctx: Context, entry: GoalEntry, lid: str, ids: tuple[str, ...], doc: LegalTargetDoc | None
) -> LegalTarget:
    if doc is None:
        return LegalTarget(id=lid, entries=ids)
    path: Path = ("legal_targets", lid)
    cited = source(ctx, doc.source, entry.entry, (*path, "source")) if doc.source else None
    return LegalTarget(
        id=lid,
        entries=ids,
        rule=TargetRule(doc.rule or "all"),
        label=to_label(doc.label) if doc.label else None,
        source=cited,
    )


def achieved_cycles(ctx: Context, goals: tuple[Goal, ...]) -> None:
    """Report a target whose indicator reads its own verdict through ``achieved()``, directly
    or through other targets (it could never be evaluated)."""
    targets = {t.id: t for g in goals for t in g.targets}

    def reads(target: Target) -> set[str]:
        found: set[str] = set()
        stack, seen = [target.indicator], set()
        while stack:
            name = stack.pop()
            compiled = ctx.compiled.get(name)
            if name in seen or compiled is None:
                continue
            seen.add(name)
            for ref in compiled.formula.names:
                other = achieved_target(ref)
                if other is not None:
                    found.add(other)
                else:
                    stack.append(ref)
        return found

    edges = {tid: reads(t) for tid, t in targets.items()}
    for tid in targets:
        stack, seen = list(edges[tid]), set()
        while stack:
            other = stack.pop()
            if other == tid:
                at = ctx.merged.goals[_goal_of(goals, tid)].targets[tid].at("indicator")
                ctx.error(
                    "formula-cycle",
                    f"target `{tid}` reads its own verdict through `achieved()`",
                    at,
                    "an indicator cannot count the target judged on it",
                )
                break
            if other not in seen:
                seen.add(other)
                stack.extend(edges.get(other, ()))


def _goal_of(goals: tuple[Goal, ...], tid: str) -> str:
    return next(g.id for g in goals if any(t.id == tid for t in g.targets))


def population(ctx: Context, entry: Located) -> Population | None:
    """Who the target applies to (checked by ``_population_ok``)."""
    doc: TargetDoc = entry.value
    if doc.applies_to is None:
        return None
    attributes = tuple((k, tuple(v)) for k, v in (doc.applies_to.attributes or {}).items())
    return Population(
        levels=tuple(doc.applies_to.levels or ()),
        where=doc.applies_to.where,
        attributes=attributes,
    )


def _population_ok(ctx: Context, entry: Located) -> bool:
    """The levels are org-unit levels; ``where`` names a yes/no indicator."""
    doc: TargetDoc = entry.value
    if doc.applies_to is None:
        return True
    ok = True
    for i, level in enumerate(doc.applies_to.levels or ()):
        if level not in LEVELS:
            ok = False
            ctx.unknown(level, LEVELS, entry.at("applies_to", "levels", i), "org-unit level")
    for name, values in (doc.applies_to.attributes or {}).items():
        at = entry.at("applies_to", "attributes", name)
        if name not in ctx.attributes:
            ok = False
            ctx.unknown(
                name,
                ctx.attributes,
                entry.at("applies_to", "attributes", name, key=True),
                "attribute",
            )
            continue
        for i, value in enumerate(values):
            if value not in ctx.attributes[name].value_ids():
                ok = False
                ctx.unknown(
                    value,
                    ctx.attributes[name].value_ids(),
                    entry.at("applies_to", "attributes", name, i),
                    f"value of `{name}`",
                )
    where = doc.applies_to.where
    if where is not None:
        at = entry.at("applies_to", "where")
        if where not in ctx.merged.indicators:
            ctx.unknown(where, ctx.merged.indicators, at, "indicator")
            return False
        compiled = ctx.compiled.get(where)
        if compiled is not None and compiled.unit != "boolean":
            ctx.error(
                "formula-type",
                f"`where` names indicator `{where}`, which is not yes/no",
                at,
                "give it `unit: yes_no` and a condition as formula, e.g. "
                "`female_staff / staff >= 30%`",
            )
            return False
        ok &= compiled is not None
    return ok


def _milestone_levels_ok(ctx: Context, entry: Located) -> bool:
    """A milestone claiming ``official`` (``secondary``) needs its source to name the official
    text (the secondary source) it was checked against."""
    doc: TargetDoc = entry.value
    groups: list[tuple[Path, list[MilestoneDoc], SourceDoc | None]] = [
        (("milestones",), doc.milestones or [], doc.source)
    ]
    for i, amended in enumerate(doc.amendments or ()):
        groups.append((("amendments", i, "milestones"), amended.milestones, amended.source))
    ok = True
    for path, written, cited in groups:
        for i, milestone in enumerate(written):
            level = milestone.verification
            if level == "official" and not (cited and cited.checked_against):
                what = "`official` needs the official text it was checked against"
                hint = "add `checked_against` to the source, or write the level it has"
            elif level == "secondary" and not (cited and (cited.seen_in or cited.url)):
                what = "`secondary` needs the source the wording was seen in"
                hint = "add `seen_in` (and `url`) to the source"
            else:
                continue
            ok = False
            ctx.error("verification-unsupported", what, entry.at(*path, i, "verification"), hint)
    return ok
