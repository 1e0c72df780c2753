"""Turn structured spec documents (with the specs they extend) into the frozen spec models.

Extension is resolved first, on the document level: a child's entries override its parent's
field by field, every entry remembering the file and path it came from so that later problems are
reported where they were written. Then everything is checked and compiled: ids, units, formulas
(parsed, references resolved, cycles found, units derived once), milestones, sources.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from . import units as units_mod
from ._document import (
    AmendmentDoc,
    AttributeDoc,
    BreakdownDoc,
    ComparisonDoc,
    DataItemDoc,
    DocumentDoc,
    GoalDoc,
    IndicatorDoc,
    LabelDoc,
    MilestoneDoc,
    RawValue,
    SourceDoc,
    SpecDoc,
    TargetDoc,
)
from ._yaml import Document, YamlNumber
from .errors import BdgError, FormulaError, Location, Problem, Severity
from .formulas import Formula, Reference, derive_units, parse_formula
from .orgunits import LEVELS
from .periods import Period, parse_period
from .spec import (
    Aggregation,
    Amendment,
    Attribute,
    Better,
    Breakdown,
    Change,
    ChangeKind,
    Code,
    Comparison,
    ComparisonOp,
    Coverage,
    DataItem,
    Direction,
    Goal,
    Indicator,
    IssuingDocument,
    Label,
    Milestone,
    RemovedTarget,
    Source,
    Spec,
    Target,
    TargetAmendment,
    Threshold,
    ValueKind,
    VerificationStatus,
    When,
    WhenKind,
)

Path = tuple[str | int, ...]
T = TypeVar("T")

ID_RE = re.compile(r"[a-z][a-z0-9_]*")
BOOLEAN_UNITS = frozenset({"boolean", "yes_no"})


def _label(vi: str, en: str) -> LabelDoc:
    return LabelDoc(vi=vi, en=en)


BUILTIN_BREAKDOWNS: Mapping[str, BreakdownDoc] = {
    "sex": BreakdownDoc(
        label=_label("Giới tính", "Sex"),
        values={"male": _label("Nam", "Male"), "female": _label("Nữ", "Female")},
    ),
    "area": BreakdownDoc(
        label=_label("Khu vực", "Area"),
        values={"urban": _label("Thành thị", "Urban"), "rural": _label("Nông thôn", "Rural")},
    ),
    "ethnicity": BreakdownDoc(
        label=_label("Dân tộc", "Ethnicity"),
        values={
            "kinh": _label("Dân tộc Kinh", "Kinh"),
            "ethnic_minority": _label("Dân tộc thiểu số", "Ethnic minorities"),
        },
    ),
    "age_group": BreakdownDoc(
        label=_label("Nhóm tuổi", "Age group"),
        values={
            "under_1": _label("Dưới 1 tuổi", "Under 1"),
            "under_5": _label("Dưới 5 tuổi", "Under 5"),
            "under_6": _label("Dưới 6 tuổi", "Under 6"),
            "under_16": _label("Dưới 16 tuổi", "Under 16"),
            "under_18": _label("Dưới 18 tuổi", "Under 18"),
            "6_14": _label("Từ 6 đến 14 tuổi", "6-14"),
            "15_40": _label("Từ 15 đến 40 tuổi", "15-40"),
            "15_60": _label("Từ 15 đến 60 tuổi", "15-60"),
            "15_plus": _label("Từ 15 tuổi trở lên", "15 and over"),
            "60_plus": _label("Từ 60 tuổi trở lên", "60 and over"),
        },
    ),
}
"""Breakdowns every spec has; a spec may redefine them."""


@attrs.define
class Located:
    """A structured entry with the file and path it was written at."""

    value: Any
    doc: Document
    path: Path

    def at(self, *sub: str | int, key: bool = False) -> Location:
        return self.doc.locate((*self.path, *sub), key=key)


@attrs.define
class _GoalEntry:
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
    goals: dict[str, _GoalEntry] = attrs.Factory(dict)
    removed: list[RemovedTarget] = attrs.Factory(list)
    dropped: set[str] = attrs.Factory(set)
    """Names of entries that failed structuring (already reported): no cascades about them."""


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
    top = Located(spec, doc, ())
    merged = Merged(top=top, dropped=set(dropped or ()))
    if parent is not None:
        merged.span = parent.span
        for name in ("amendments", "breakdowns", "attributes", "data_items", "indicators"):
            setattr(merged, name, dict(getattr(parent, name)))
        merged.goals = {
            gid: _GoalEntry(g.entry, dict(g.targets)) for gid, g in parent.goals.items()
        }
        merged.removed = list(parent.removed)
    if spec.span is not None:
        merged.span = Located(spec.span, doc, ("span",))
    # entries that failed structuring are None (see _document.salvage)
    amendments: Sequence[AmendmentDoc | None] = spec.amendments or ()
    for index, amendment in enumerate(amendments):
        if amendment is None:
            continue
        _add_unique(
            merged.amendments,
            amendment.id,
            Located(amendment, doc, ("amendments", index)),
            "amendment",
            problems,
            ("amendments", index, "id"),
        )
    for section in ("breakdowns", "attributes", "data_items", "indicators"):
        table: dict[str, Located] = getattr(merged, section)
        for key, value in (getattr(spec, section) or {}).items():
            path: Path = (section, key)
            if key in table and section in ("data_items", "indicators") and parent is not None:
                old = table[key]
                table[key] = Located(_override(old.value, value), doc, path)
            else:
                table[key] = Located(value, doc, path)
    seen_targets: dict[str, Location] = {}
    goals: Sequence[GoalDoc | None] = spec.goals or ()
    for gi, goal in enumerate(goals):
        if goal is None:
            continue
        gpath: Path = ("goals", gi)
        entry = merged.goals.get(goal.id)
        if entry is None:
            entry = merged.goals[goal.id] = _GoalEntry(Located(goal, doc, gpath))
        elif any(g is not None and g.id == goal.id for g in goals[:gi]):
            problems.append(
                Problem(
                    code="duplicate-id",
                    message=f"goal `{goal.id}` is defined twice",
                    location=doc.locate((*gpath, "id")),
                )
            )
            continue
        else:
            entry.entry = Located(
                _override(entry.entry.value, attrs.evolve(goal, targets=None)), doc, gpath
            )
        targets: Sequence[TargetDoc | None] = goal.targets or ()
        for ti, target in enumerate(targets):
            if target is None:
                continue
            tpath: Path = (*gpath, "targets", ti)
            where = doc.locate((*tpath, "id"))
            if target.id in seen_targets:
                problems.append(
                    Problem(
                        code="duplicate-id",
                        message=f"target `{target.id}` is defined twice "
                        f"(first at {seen_targets[target.id]})",
                        location=where,
                    )
                )
                continue
            seen_targets[target.id] = where
            owner = next((g for g in merged.goals.values() if target.id in g.targets), None)
            raw = _raw_at(doc.value, tpath)
            if isinstance(raw, dict) and "remove" in raw and raw["remove"] is None:
                problems.append(
                    Problem(
                        code="remove-needs-reason",
                        message=f"`remove` of target `{target.id}` gives no reason",
                        location=doc.locate((*tpath, "remove"), key=True),
                        hint='write the reason: `remove: "Tỉnh không có ..."`',
                    )
                )
                continue
            if target.remove is not None:
                if owner is None:
                    problems.append(
                        Problem(
                            code="unknown-reference",
                            message=f"`remove`: the extended spec has no target `{target.id}`",
                            location=where,
                        )
                    )
                    continue
                del owner.targets[target.id]
                merged.removed.append(
                    RemovedTarget(id=target.id, goal=goal.id, reason=target.remove)
                )
                continue
            if owner is not None and parent is not None and target.id in owner.targets:
                old = owner.targets[target.id].value
                changes_milestones = target.milestones is not None or target.amendments is not None
                if changes_milestones and target.source is None:
                    problems.append(
                        Problem(
                            code="override-needs-source",
                            message=f"target `{target.id}` changes the milestones of the "
                            "extended spec but cites no source",
                            location=where,
                            hint="add `source:` citing the clause of this spec's document",
                        )
                    )
                merged_target = _override(old, target)
                if target.milestones is not None and target.amendments is None:
                    # the child's own milestones are in force, not the parent's amendments
                    merged_target = attrs.evolve(merged_target, amendments=None)
                if owner is not entry:
                    del owner.targets[target.id]
                entry.targets[target.id] = Located(merged_target, doc, tpath)
            else:
                entry.targets[target.id] = Located(target, doc, tpath)
    return merged


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


def _add_unique(
    table: dict[str, Located],
    key: str,
    value: Located,
    what: str,
    problems: list[Problem],
    id_path: Path,
) -> None:
    if key in table and table[key].doc is value.doc:
        problems.append(
            Problem(
                code="duplicate-id",
                message=f"{what} `{key}` is defined twice",
                location=value.doc.locate(id_path),
            )
        )
        return
    table[key] = value


# ---------------------------------------------------------------- compile


class _Compiler:
    def __init__(self, merged: Merged, problems: list[Problem]) -> None:
        self.m = merged
        self.problems = problems
        self.failed: set[str] = set()  # names whose definitions failed, to avoid cascades

    def error(
        self,
        code: str,
        message: str,
        location: Location,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            Problem(code=code, message=message, location=location, hint=hint, severity=severity)
        )

    def run(self) -> Spec | None:
        top: SpecDoc = self.m.top.value
        before = len([p for p in self.problems if p.is_error])
        span = self.period(self.m.span.value, self.m.span.at()) if self.m.span else None
        amendments = tuple(self.amendment(e) for e in self.m.amendments.values())
        self.breakdowns = self.codes(self.m.breakdowns, Breakdown, builtin=BUILTIN_BREAKDOWNS)
        self.attributes = self.codes(self.m.attributes, Attribute)
        self.items = {
            k: d for k, e in self.m.data_items.items() if (d := self.data_item(k, e)) is not None
        }
        self.indicator_docs = self.m.indicators
        self.compiled: dict[str, Indicator | None] = {}
        for key in self.m.indicators:
            self.indicator(key, ())
        goals = tuple(self.goal(gid, g) for gid, g in self.m.goals.items())
        document = self.document(top.document, self.m.top, ("document",)) if top.document else None
        if len([p for p in self.problems if p.is_error]) > before:
            return None
        if top.bdg_spec != 1:  # pragma: no cover - checked before compiling
            return None
        return Spec(
            id=top.id,
            title=_to_label(top.title),
            document=document,
            span=span,
            extends=top.extends,
            amendments=amendments,
            breakdowns=tuple(self.breakdowns.values()),
            attributes=tuple(self.attributes.values()),
            data_items=tuple(self.items.values()),
            indicators=tuple(i for i in self.compiled.values() if i is not None),
            goals=goals,
            removed=tuple(self.m.removed),
            example_data=tuple(top.example_data or ()),
        )

    # -- small pieces

    def period(self, text: str, where: Location) -> Period | None:
        try:
            return parse_period(text)
        except BdgError as exc:
            for p in exc.problems:
                self.error(p.code, p.message, where, p.hint)
            return None

    def date(self, text: str, where: Location) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.error(
                "invalid-value",
                f"`{text}` is not a date",
                where,
                "write dates as YYYY-MM-DD, e.g. 2010-12-24",
            )
            return datetime.date(1900, 1, 1)

    def document(self, doc: DocumentDoc, entry: Located, path: Path) -> IssuingDocument:
        return IssuingDocument(
            number=doc.number,
            date=self.date(doc.date, entry.at(*path, "date")),
            issuer=_to_label(doc.issuer),
            title=_to_label(doc.title) if doc.title else None,
            url=doc.url,
        )

    def amendment(self, entry: Located) -> Amendment:
        value: AmendmentDoc = entry.value
        return Amendment(
            id=value.id,
            document=self.document(value.document, entry, ("document",)),
            note=value.note,
        )

    def check_id(self, key: str, where: Location, what: str) -> bool:
        if ID_RE.fullmatch(key):
            return True
        suggestion = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")
        self.error(
            "invalid-id",
            f"`{key}` is not a valid {what} id",
            where,
            f"use lowercase ASCII letters, digits and `_`, e.g. `{suggestion}`; put the "
            "Vietnamese text in `label`",
        )
        return False

    def codes(
        self,
        table: Mapping[str, Located],
        cls: type[T],
        builtin: Mapping[str, BreakdownDoc] | None = None,
    ) -> dict[str, T]:
        result: dict[str, T] = {}
        for key, value in (builtin or {}).items():
            result[key] = cls(
                id=key,
                label=_to_label(value.label),  # type: ignore[call-arg]
                values=tuple(Code(id=k, label=_to_label(v)) for k, v in value.values.items()),
            )
        for key, entry in table.items():
            doc: BreakdownDoc | AttributeDoc = entry.value
            self.check_id(
                key, entry.at(key=True), "breakdown" if builtin is not None else "attribute"
            )
            for code in doc.values:
                if not re.fullmatch(r"[A-Za-z0-9_]+", code):
                    self.error(
                        "invalid-id",
                        f"`{code}` is not a valid value id",
                        entry.at("values", code, key=True),
                        "use ASCII letters, digits and `_`; put the text in the label",
                    )
            result[key] = cls(
                id=key,
                label=_to_label(doc.label),  # type: ignore[call-arg]
                values=tuple(Code(id=k, label=_to_label(v)) for k, v in doc.values.items()),
            )
        return result

    def unit(self, text: str, where: Location) -> str | None:
        try:
            return units_mod.canonical_unit(text)
        except BdgError as exc:
            for p in exc.problems:
                self.error(p.code, p.message, where, p.hint)
            return None

    def require(self, value: Any, key: str, entry: Located, what: str) -> bool:
        if value is None:
            self.error("missing-key", f"{what} needs `{key}`", entry.at(key=True))
            return False
        return True

    # -- data items

    def data_item(self, key: str, entry: Located) -> DataItem | None:
        doc: DataItemDoc = entry.value
        ok = self.check_id(key, entry.at(key=True), "data item")
        kind = ValueKind(doc.type or "number")
        ok &= self.require(doc.label, "label", entry, f"data item `{key}`")
        unit: str | None = "dimensionless"
        if kind is ValueKind.NUMBER:
            ok &= self.require(doc.unit, "unit", entry, f"data item `{key}`")
        if doc.unit is not None:
            unit = self.unit(doc.unit, entry.at("unit"))
        for i, name in enumerate(doc.breakdowns or ()):
            if name not in self.breakdowns:
                ok = False
                self.unknown(name, self.breakdowns, entry.at("breakdowns", i), "breakdown")
        if doc.part_of is not None and doc.part_of not in self.m.data_items:
            ok = False
            self.unknown(doc.part_of, self.m.data_items, entry.at("part_of"), "data item")
        if not ok or unit is None or doc.label is None:
            self.failed.add(key)
            return None
        return DataItem(
            id=key,
            label=_to_label(doc.label),
            unit=unit,
            breakdowns=tuple(doc.breakdowns or ()),
            aggregation=Aggregation(
                doc.aggregation or ("none" if kind is ValueKind.BOOLEAN else "sum")
            ),
            kind=kind,
            part_of=doc.part_of,
            description=_to_label(doc.description) if doc.description else None,
        )

    def unknown(
        self,
        name: str,
        known: Iterable[str],
        where: Location,
        what: str,
        code: str = "unknown-reference",
    ) -> None:
        if name in self.m.dropped:
            return  # its definition failed and was reported there
        close = difflib.get_close_matches(name, list(known), n=1)
        self.error(
            code,
            f"unknown {what} `{name}`",
            where,
            f"did you mean `{close[0]}`?" if close else None,
        )

    # -- indicators

    def indicator(self, key: str, stack: tuple[str, ...]) -> Indicator | None:
        entry = self.m.indicators[key]
        if key in stack:
            cycle = " → ".join((*stack[stack.index(key) :], key))
            self.error(
                "formula-cycle",
                f"indicators refer to each other in a cycle: {cycle}",
                entry.at("formula"),
            )
            self.failed.add(key)
            return None
        if key in self.compiled:
            return self.compiled[key]
        self.compiled[key] = None  # provisional, replaced below
        result = self._indicator(key, entry, (*stack, key))
        self.compiled[key] = result
        if result is None:
            self.failed.add(key)
        return result

    def _indicator(self, key: str, entry: Located, stack: tuple[str, ...]) -> Indicator | None:
        doc: IndicatorDoc = entry.value
        what = f"indicator `{key}`"
        ok = self.check_id(key, entry.at(key=True), "indicator")
        ok &= self.require(doc.label, "label", entry, what)
        ok &= self.require(doc.unit, "unit", entry, what)
        ok &= self.require(doc.better, "better", entry, what)
        criteria = tuple(doc.criteria or ())
        for i, name in enumerate(criteria):
            if name not in self.m.data_items:
                ok = False
                self.unknown(name, self.m.data_items, entry.at("criteria", i), "data item")
        text = doc.formula
        if text is None and criteria:
            text = " + ".join(criteria)
        if text is None:
            self.error("missing-key", f"{what} needs `formula` (or `criteria`)", entry.at(key=True))
            return None
        where = entry.at("formula") if doc.formula is not None else entry.at("criteria")
        try:
            formula = parse_formula(text)
        except FormulaError as exc:
            self.formula_problems(exc, where)
            return None
        if doc.unit is None:
            return None
        if doc.decimals is not None and not 0 <= doc.decimals <= 6:
            self.error("invalid-value", "`decimals` must be between 0 and 6", entry.at("decimals"))
            ok = False
        boolean = doc.unit in BOOLEAN_UNITS
        unit = "boolean" if boolean else self.unit(doc.unit, entry.at("unit"))
        if not self.references(formula, where, stack) or unit is None or not ok:
            return None
        booleans = frozenset(k for k, i in self.items.items() if i.kind is ValueKind.BOOLEAN)
        booleans |= frozenset(
            k for k, i in self.compiled.items() if i is not None and i.unit == "boolean"
        )
        try:
            derived = derive_units(
                formula, self.units_of, units_mod.ONE, booleans=booleans, condition=boolean
            )
        except FormulaError as exc:
            if boolean and exc.problems[0].code == "formula-type":
                self.error(
                    "formula-type",
                    f"{what} has unit `{doc.unit}`, so its formula must "
                    "be a condition or a yes/no data item",
                    where,
                )
            else:
                self.formula_problems(exc, where)
            return None
        if boolean:
            formula_unit, factor = "boolean", Fraction(1)
        else:
            formula_unit = str(derived) or "dimensionless"
            try:
                factor = units_mod.factor_between(derived, units_mod.unit_info(unit))
            except BdgError:
                self.error(
                    "unit-mismatch",
                    f"the formula gives `{formula_unit}`, which cannot be "
                    f"expressed in the indicator's unit `{doc.unit}`",
                    where,
                    "check the formula (a ratio needs a division) and the units of its data items",
                )
                return None
        assert doc.label is not None
        assert doc.better is not None
        limit = None
        if doc.limit is not None and unit != "boolean":
            limit = self.number(doc.limit, entry.at("limit"), unit, None)
        return Indicator(
            id=key,
            label=_to_label(doc.label),
            formula=formula,
            unit=unit,
            formula_unit=formula_unit,
            factor=factor,
            decimals=1 if doc.decimals is None else doc.decimals,
            better=Better(doc.better),
            criteria=criteria,
            coverage=Coverage(doc.coverage or "partial"),
            limit=limit,
            description=_to_label(doc.description) if doc.description else None,
        )

    def formula_problems(self, exc: BdgError, where: Location) -> None:
        for p in exc.problems:
            column = where.column
            if column is not None and p.location.column is not None:
                column += p.location.column - 1
            self.error(p.code, p.message, attrs.evolve(where, column=column), p.hint)

    def references(self, formula: Formula, where: Location, stack: tuple[str, ...]) -> bool:
        ok = True
        for ref in formula.references:
            at = attrs.evolve(where, column=(where.column or 1) + ref.offset)
            if ref.name in self.m.data_items:
                if ref.name in self.failed or ref.name not in self.items:
                    ok = False
                    continue
                item = self.items[ref.name]
                for dim, value in ref.selector:
                    if dim not in item.breakdowns:
                        ok = False
                        self.error(
                            "unknown-reference",
                            f"data item `{ref.name}` has no breakdown `{dim}`",
                            at,
                            "declare it under the data item's `breakdowns`",
                        )
                    elif value not in self.breakdowns[dim].value_ids():
                        ok = False
                        self.unknown(
                            value,
                            self.breakdowns[dim].value_ids(),
                            at,
                            f"value of breakdown `{dim}`",
                        )
            elif ref.name in self.m.indicators:
                if ref.selector:
                    ok = False
                    self.error(
                        "formula-syntax",
                        f"`{ref.name}` is an indicator; breakdowns are selected on data items",
                        at,
                    )
                if self.indicator(ref.name, stack) is None:
                    ok = False
            elif ref.name in self.m.dropped:
                ok = False
            else:
                ok = False
                close = difflib.get_close_matches(
                    ref.name, [*self.m.data_items, *self.m.indicators], n=1
                )
                self.error(
                    "formula-unknown-name",
                    f"`{ref.name}` is neither a data item nor an indicator",
                    at,
                    f"did you mean `{close[0]}`?"
                    if close
                    else "declare it under `data_items` or `indicators`",
                )
        for level in _share_levels(formula):
            if level not in LEVELS:
                ok = False
                self.unknown(level, LEVELS, where, "org-unit level")
        return ok

    def units_of(self, ref: Reference) -> units_mod.UnitInfo:
        if ref.name in self.items:
            return units_mod.unit_info(self.items[ref.name].unit)
        indicator = self.compiled[ref.name]
        assert indicator is not None
        if indicator.unit == "boolean":
            return units_mod.ONE
        return units_mod.unit_info(indicator.unit)

    def depends_on(self, indicator: Indicator) -> set[str]:
        """The data items an indicator uses, directly or through other indicators."""
        result: set[str] = set()
        for name in indicator.formula.names:
            if name in self.items:
                result.add(name)
            elif (other := self.compiled.get(name)) is not None:
                result |= self.depends_on(other)
        return result

    # -- goals, targets, milestones

    def goal(self, gid: str, goal: _GoalEntry) -> Goal:
        doc: GoalDoc = goal.entry.value
        targets = tuple(t for tid, e in goal.targets.items() if (t := self.target(tid, e)))
        label = _to_label(doc.label) if doc.label else Label(vi=f"Mục tiêu {gid}", en=f"Goal {gid}")
        return Goal(id=gid, label=label, targets=targets)

    def target(self, tid: str, entry: Located) -> Target | None:
        doc: TargetDoc = entry.value
        what = f"target `{tid}`"
        ok = self.require(doc.indicator, "indicator", entry, what)
        if doc.source is None:
            ok = False
            self.error(
                "source-missing",
                f"{what} cites no source",
                entry.at("id"),
                "add `source: {clause: ..., status: unverified}`",
            )
        if doc.milestones is None and doc.amendments is None:
            ok = False
            self.error("missing-key", f"{what} needs `milestones`", entry.at("id"))
        indicator = None
        if doc.indicator is not None:
            if doc.indicator in self.m.indicators:
                indicator = self.compiled.get(doc.indicator)
            else:
                self.unknown(doc.indicator, self.m.indicators, entry.at("indicator"), "indicator")
        if indicator is None:
            return None
        breakdown = tuple(sorted((doc.breakdown or {}).items()))
        used = self.depends_on(indicator)
        for dim, value in breakdown:
            at = entry.at("breakdown", dim)
            if dim not in self.breakdowns:
                ok = False
                self.unknown(
                    dim, self.breakdowns, entry.at("breakdown", dim, key=True), "breakdown"
                )
                continue
            if value not in self.breakdowns[dim].value_ids():
                ok = False
                self.unknown(value, self.breakdowns[dim].value_ids(), at, f"value of `{dim}`")
            missing = sorted(n for n in used if dim not in self.items[n].breakdowns)
            if missing:
                ok = False
                self.error(
                    "unknown-reference",
                    f"{what} is restricted to `{dim}={value}`, but "
                    f"data item(s) {', '.join(missing)} have no breakdown `{dim}`",
                    at,
                )
        milestones = self.milestones(doc.milestones or [], entry, ("milestones",), indicator)
        amendments: list[TargetAmendment] = []
        for i, amended in enumerate(doc.amendments or ()):
            path: Path = ("amendments", i)
            if amended.amendment not in self.m.amendments:
                ok = False
                self.unknown(
                    amended.amendment,
                    self.m.amendments,
                    entry.at(*path, "amendment"),
                    "amendment",
                    code="unknown-amendment",
                )
                continue
            amendments.append(
                TargetAmendment(
                    amendment=amended.amendment,
                    milestones=self.milestones(
                        amended.milestones, entry, (*path, "milestones"), indicator
                    ),
                    source=_to_source(amended.source, amended.amendment),
                    effective=self.amendment_date(amended.amendment),
                )
            )
        amendments.sort(key=lambda a: self.amendment_date(a.amendment))
        if not ok or doc.source is None or milestones is None:
            return None
        label = _to_label(doc.label) if doc.label else indicator.label
        return Target(
            id=tid,
            label=label,
            indicator=indicator.id,
            milestones=milestones,
            source=_to_source(doc.source, None),
            breakdown=breakdown,
            amendments=tuple(amendments),
        )

    def amendment_date(self, amendment_id: str) -> datetime.date:
        doc: AmendmentDoc = self.m.amendments[amendment_id].value
        try:
            return datetime.date.fromisoformat(doc.document.date)
        except ValueError:
            return datetime.date(1900, 1, 1)

    def milestones(
        self, docs: list[MilestoneDoc], entry: Located, path: Path, indicator: Indicator
    ) -> tuple[Milestone, ...]:
        result = []
        for i, doc in enumerate(docs):
            milestone = self.milestone(doc, entry, (*path, i), indicator)
            if milestone is not None:
                result.append(milestone)
        return tuple(result)

    def milestone(
        self, doc: MilestoneDoc, entry: Located, path: Path, indicator: Indicator
    ) -> Milestone | None:
        at = entry.at(*path)
        whens = [
            (k, v)
            for k, v in (("by", doc.by), ("every", doc.every), ("from", doc.from_))
            if v is not None
        ]
        if len(whens) != 1:
            self.error(
                "milestone-when",
                "a milestone needs exactly one of `by`, `every`, `from`"
                + (f" (found {', '.join(k for k, _ in whens)})" if whens else ""),
                at,
            )
            return None
        kind, text = whens[0]
        period = self.period(text, entry.at(*path, kind))
        until = None
        if doc.until is not None:
            if kind != "from":
                self.error(
                    "milestone-when",
                    "`until` is used only with `from`",
                    entry.at(*path, "until", key=True),
                )
                return None
            until = self.period(doc.until, entry.at(*path, "until"))
        conditions = [
            k
            for k in (
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
            if getattr(doc, k) is not None
        ]
        if len(conditions) != 1:
            self.error(
                "milestone-condition",
                "a milestone needs exactly one condition"
                + (f" (found {', '.join(conditions)})" if conditions else ""),
                at,
                "use one of at_least, more_than, at_most, less_than, about, between, "
                "equals, increase_by, reduce_by",
            )
            return None
        name = conditions[0]
        for extra, allowed in (
            ("tolerance", ("about",)),
            ("change", ("increase_by", "reduce_by")),
            ("base", ("increase_by", "reduce_by")),
        ):
            if getattr(doc, extra) is not None and name not in allowed:
                self.error(
                    "milestone-condition",
                    f"`{extra}` is used only with " + " or ".join(f"`{a}`" for a in allowed),
                    entry.at(*path, extra, key=True),
                )
                return None
        condition: Comparison | Change | None
        if name in ("increase_by", "reduce_by"):
            condition = self.change(doc, name, entry, path, indicator)
        else:
            condition = self.comparison(doc, name, entry, path, indicator)
        each = None
        if doc.each_criterion is not None:
            if not indicator.criteria:
                self.error(
                    "criteria-without-criteria",
                    f"indicator `{indicator.id}` has no `criteria`",
                    entry.at(*path, "each_criterion", key=True),
                )
                return None
            each = self.criterion(doc.each_criterion, entry, (*path, "each_criterion"))
            if each is None:
                return None
        if condition is None or period is None or (doc.until is not None and until is None):
            return None
        return Milestone(
            when=When(kind=WhenKind(kind), period=period, until=until),
            condition=condition,
            each_criterion=each,
            note=doc.note,
        )

    def criterion(self, doc: ComparisonDoc, entry: Located, path: Path) -> Comparison | None:
        names = [
            k
            for k in ("at_least", "more_than", "at_most", "less_than")
            if getattr(doc, k) is not None
        ]
        if len(names) != 1:
            self.error(
                "milestone-condition",
                "`each_criterion` needs exactly one comparison",
                entry.at(*path),
            )
            return None
        raw: RawValue = getattr(doc, names[0])
        value = self.number(raw, entry.at(*path, names[0]), "point", None)
        if value is None:
            return None
        return Comparison(
            op=ComparisonOp(names[0]), threshold=Threshold(value=value, text=_text(raw.value))
        )

    def comparison(
        self, doc: MilestoneDoc, name: str, entry: Located, path: Path, indicator: Indicator
    ) -> Comparison | None:
        op = ComparisonOp(name)
        where = entry.at(*path, name)
        if op is ComparisonOp.BETWEEN:
            pair = doc.between or []
            if len(pair) != 2:
                self.error("invalid-value", "`between` takes two values, `[low, high]`", where)
                return None
            low = self.threshold(pair[0], entry, (*path, name, 0), indicator)
            high = self.threshold(pair[1], entry, (*path, name, 1), indicator)
            if low is None or high is None:
                return None
            if (
                isinstance(low.value, Fraction)
                and isinstance(high.value, Fraction)
                and low.value > high.value
            ):
                self.error("invalid-value", "`between`: the low value is above the high one", where)
                return None
            return Comparison(op=op, threshold=low, upper=high)
        raw: RawValue = getattr(doc, name)
        threshold = self.threshold(raw, entry, (*path, name), indicator)
        if threshold is None:
            return None
        tolerance = None
        if op is ComparisonOp.ABOUT:
            if doc.tolerance is None:
                self.error(
                    "tolerance-missing",
                    "`about` needs a `tolerance`",
                    where,
                    f"e.g. `tolerance: 1` (in {indicator.unit})",
                )
                return None
            tolerance = self.number(
                doc.tolerance, entry.at(*path, "tolerance"), indicator.unit, indicator
            )
            if tolerance is None:
                return None
            if tolerance < 0:
                self.error(
                    "invalid-value", "`tolerance` cannot be negative", entry.at(*path, "tolerance")
                )
                return None
        if indicator.unit == "boolean" and op is not ComparisonOp.EQUALS:
            self.error(
                "formula-type",
                f"indicator `{indicator.id}` is yes/no; use `equals: true` or `equals: false`",
                where,
            )
            return None
        return Comparison(op=op, threshold=threshold, tolerance=tolerance)

    def threshold(
        self, raw: RawValue, entry: Located, path: Path, indicator: Indicator
    ) -> Threshold | None:
        where = entry.at(*path)
        value = raw.value
        if isinstance(value, dict):
            return self.attribute_threshold(value, entry, path, indicator)
        if isinstance(value, bool):
            if indicator.unit != "boolean":
                self.error(
                    "wrong-type",
                    f"`{str(value).lower()}` is a yes/no value, but indicator "
                    f"`{indicator.id}` is in `{indicator.unit}`",
                    where,
                )
                return None
            return Threshold(value=value, text=str(value).lower())
        if indicator.unit == "boolean":
            self.error(
                "wrong-type", f"indicator `{indicator.id}` is yes/no: use true or false", where
            )
            return None
        number = self.number(raw, where, indicator.unit, indicator)
        if number is None:
            return None
        return Threshold(value=number, text=_text(value))

    def attribute_threshold(
        self, value: dict[str, Any], entry: Located, path: Path, indicator: Indicator
    ) -> Threshold | None:
        where = entry.at(*path)
        unknown = sorted(set(value) - {"attribute", "values", "default"})
        for key in unknown:
            self.error(
                "unknown-key",
                f"unknown key `{key}`",
                entry.at(*path, key, key=True),
                "an attribute-dependent threshold has `attribute`, `values`, `default`",
            )
        name, values = value.get("attribute"), value.get("values")
        if not isinstance(name, str) or not isinstance(values, dict) or unknown:
            if not unknown:
                self.error(
                    "wrong-type",
                    "a threshold mapping needs `attribute` (a name) and "
                    "`values` (attribute value: threshold)",
                    where,
                )
            return None
        attribute = self.attributes.get(name)
        if attribute is None:
            self.error(
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
                self.error(
                    "unknown-attribute",
                    f"`{key}` is not a value of attribute `{name}`",
                    entry.at(*path, "values", key, key=True),
                )
                continue
            number = self.number(
                RawValue(value=raw), entry.at(*path, "values", key), indicator.unit, indicator
            )
            if number is None:
                ok = False
            else:
                by_value.append((key, number))
        default = None
        if "default" in value:
            default = self.number(
                RawValue(value=value["default"]),
                entry.at(*path, "default"),
                indicator.unit,
                indicator,
            )
            ok &= default is not None
        if not ok:
            return None
        text = ", ".join(f"{k}: {v}" for k, v in values.items())
        return Threshold(
            attribute=name, by_value=tuple(by_value), default=default, text=f"{{{text}}}"
        )

    def number(
        self, raw: RawValue, where: Location, unit: str, indicator: Indicator | None
    ) -> Fraction | None:
        """A number with an optional unit, converted to ``unit``."""
        parsed = self.quantity(raw.value, where)
        if parsed is None:
            return None
        number, written = parsed
        if written is None:
            return number
        target = unit
        try:
            return number * units_mod.conversion_factor(written, target)
        except BdgError as exc:
            for p in exc.problems:
                message = p.message
                if p.code == "unit-mismatch":
                    message = f"`{written}` cannot be converted to the indicator's unit `{unit}`"
                self.error(p.code, message, where, p.hint)
            return None

    def quantity(self, value: Any, where: Location) -> tuple[Fraction, str | None] | None:
        if isinstance(value, YamlNumber):
            return Fraction(value), None
        if isinstance(value, str):
            match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(.*?)\s*", value)
            if match is None:
                hint = "write numbers like 97.9 (a dot for decimals)"
                if re.fullmatch(r"\s*[-+]?\d+,\d+.*", value):
                    hint = f"use a dot for decimals in spec files: `{value.replace(',', '.')}`"
                self.error("invalid-quantity", f"`{value}` is not a number", where, hint)
                return None
            unit = match.group(2) or None
            if unit is not None and re.match(r"[,.]\d", unit):
                self.error(
                    "invalid-number",
                    f"`{value}` is not a number in machine form",
                    where,
                    "write 17101 for 17.101 and 97.9 for 97,9",
                )
                return None
            if unit is not None and not (unit[0].isalpha() or unit[0] in "%‰/"):
                self.error(
                    "invalid-quantity",
                    f"`{value}` is not a number with a unit",
                    where,
                    "write a number such as 90, or a number and a unit such as `90 percent`",
                )
                return None
            return Fraction(match.group(1)), unit
        self.error("wrong-type", f"expected a number, found {value!r}", where)
        return None

    def change(
        self, doc: MilestoneDoc, name: str, entry: Located, path: Path, indicator: Indicator
    ) -> Change | None:
        where = entry.at(*path, name)
        if doc.change is None:
            self.error(
                "change-kind-missing",
                f"`{name}` must say `change: relative` or `change: absolute`",
                where,
                "relative: a percentage of the base value; absolute: in the indicator's "
                "unit (percentage points for a percent indicator)",
            )
            return None
        if doc.base is None:
            self.error(
                "missing-key", f"`{name}` needs `base`, the period it is measured from", where
            )
            return None
        base = self.period(doc.base, entry.at(*path, "base"))
        raw: RawValue = getattr(doc, name)
        parsed = self.quantity(raw.value, where)
        if parsed is None or base is None:
            return None
        amount, written = parsed
        kind = ChangeKind(doc.change)
        canonical = None
        if written is not None:
            canonical = self.unit(written, where)
            if canonical is None:
                return None
        if kind is ChangeKind.RELATIVE:
            if canonical not in (None, "percent"):
                self.error(
                    "invalid-quantity",
                    "a relative change is a percentage of the base "
                    f"value; write it in percent, not `{written}`",
                    where,
                )
                return None
            amount = amount / 100
        else:
            if indicator.unit == "percent" and canonical == "percent":
                self.error(
                    "invalid-quantity",
                    "an absolute change of a percent indicator is in percentage points",
                    where,
                    f"write `{amount} percentage_point`, or use `change: relative`",
                )
                return None
            if canonical == "percentage_point" and indicator.unit != "percent":
                self.error(
                    "invalid-quantity", "percentage points apply only to percent indicators", where
                )
                return None
            if canonical not in (None, "percentage_point"):
                converted = self.number(RawValue(value=raw.value), where, indicator.unit, indicator)
                if converted is None:
                    return None
                amount = converted
        if amount < 0:
            self.error(
                "invalid-value",
                f"`{name}` takes a positive amount; the direction is in the key",
                where,
            )
            return None
        direction = Direction.INCREASE if name == "increase_by" else Direction.DECREASE
        return Change(direction=direction, amount=amount, kind=kind, base=base)


def _share_levels(formula: Formula) -> list[str]:
    from .formulas import Call

    levels: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Call):
            for key, value in node.kwargs:
                if key == "level" and isinstance(value, str):
                    levels.append(value)
                elif not isinstance(value, str):
                    walk(value)
            for arg in node.args:
                walk(arg)
        for attribute in ("left", "right", "operand"):
            if hasattr(node, attribute):
                walk(getattr(node, attribute))
        for operand in getattr(node, "operands", ()):
            walk(operand)

    walk(formula.root)
    return levels


def _text(value: Any) -> str:
    if isinstance(value, YamlNumber):
        return value.text
    return str(value)


def _to_label(doc: LabelDoc) -> Label:
    return Label(vi=doc.vi, en=doc.en)


def _to_source(doc: SourceDoc, amendment: str | None) -> Source:
    return Source(
        clause=doc.clause,
        verification=VerificationStatus(doc.status),
        wording=doc.wording,
        note=doc.note,
        amendment=amendment,
        url=doc.url,
    )


def compile_spec(merged: Merged, problems: list[Problem]) -> Spec | None:
    """Check and compile a merged spec; problems are appended to ``problems``."""
    return _Compiler(merged, problems).run()
