"""The spec models: frameworks, goals, targets, milestones, indicators and data items.

These are frozen, validated values built by the loader (``load_spec``) from YAML files. They know
nothing of files, YAML or dataframes: formulas are already parsed, units already checked, and
every threshold is an exact [`Fraction`][fractions.Fraction] in its indicator's unit.

```text
Spec ─┬─ data_items:  DataItem (what org units report)
      ├─ indicators:  Indicator (formula, unit, decimals, direction)
      └─ goals: Goal ─┬─ legal_targets: LegalTarget (a chỉ tiêu, as the document counts it)
                      └─ targets: Target (an assessed entry) ─┬─ milestones: Milestone
                                                              └─ source: Source (verification)
```

A chỉ tiêu may be assessed through several entries (2351/QĐ-TTg's "tỷ lệ nữ tham gia cấp ủy,
đại biểu Quốc hội, đại biểu Hội đồng nhân dân" is one chỉ tiêu, three entries), each with its own
indicator and milestones; [`Spec.counts`][bdg_indicators.spec.Spec.counts] counts them as the
document does. Every source, and every milestone where it differs, says how far it was checked
([`Verification`][bdg_indicators.spec.Verification]).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from fractions import Fraction

import attrs

from .formulas import Formula
from .periods import Period

__all__ = [
    "Aggregation",
    "Amendment",
    "Better",
    "Change",
    "ChangeKind",
    "Code",
    "CodeList",
    "Comparison",
    "ComparisonOp",
    "Counts",
    "Coverage",
    "DataItem",
    "Direction",
    "Goal",
    "Indicator",
    "IssuingDocument",
    "Label",
    "LegalTarget",
    "Milestone",
    "Population",
    "RemovedTarget",
    "Source",
    "Spec",
    "Target",
    "TargetAmendment",
    "TargetRule",
    "Threshold",
    "ValueKind",
    "Verification",
    "When",
    "WhenKind",
]


class Verification(enum.Enum):
    """How far a value, a target's wording or a goal has been checked, and against what."""

    OFFICIAL = "official"
    """Checked against the official text itself (the gazette, or the issuer's own copy), named
    in ``Source.checked_against``."""
    SECONDARY = "secondary"
    """Seen verbatim in a named secondary source (``Source.seen_in``), not in the official text."""
    PARAPHRASE = "paraphrase"
    """Values confirmed by secondary sources; the wording is a paraphrase or a restatement."""
    UNVERIFIED = "unverified"
    """Not checked, or only believed: shown as unverified in every report."""


class TargetRule(enum.Enum):
    """How a chỉ tiêu assessed through several entries is decided from their verdicts."""

    ALL = "all"
    """Achieved when every entry is (the default)."""
    ANY = "any"
    """Achieved when one entry is."""
    READINGS = "readings"
    """The entries are alternative readings of one unclear text: a verdict only where every
    reading gives the same one."""


class Better(enum.Enum):
    """Which direction of an indicator is an improvement."""

    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class Aggregation(enum.Enum):
    """How a data item combines over org units and periods."""

    SUM = "sum"
    """Counts and amounts: sum over org units and over periods."""
    STOCK = "stock"
    """Stocks such as population: sum over org units, but not over periods."""
    NONE = "none"
    """Values that do not add up (yes/no facts, scores): never summed."""


class Coverage(enum.Enum):
    """What a value summed over fewer org units than expected is worth."""

    PARTIAL = "partial"
    """Kept, and flagged partial with its coverage."""
    COMPLETE = "complete"
    """No value, with the reason."""


class ValueKind(enum.Enum):
    """What kind of values a data item holds."""

    NUMBER = "number"
    BOOLEAN = "boolean"


class ComparisonOp(enum.Enum):
    """The comparisons a milestone can make; the legal wording each stands for is in the docs."""

    AT_LEAST = "at_least"
    """≥ ("từ ... trở lên", "ít nhất", "đạt")."""
    MORE_THAN = "more_than"
    """> ("trên")."""
    AT_MOST = "at_most"
    """≤ ("không vượt quá", "tối đa")."""
    LESS_THAN = "less_than"
    """< ("dưới")."""
    ABOUT = "about"
    """within a stated tolerance ("khoảng")."""
    BETWEEN = "between"
    """between two values, both included ("từ ... đến ...")."""
    EQUALS = "equals"
    """equal to (yes/no targets)."""


class ChangeKind(enum.Enum):
    """Whether a change target is measured relative to the base value or in the indicator's unit."""

    RELATIVE = "relative"
    """A percentage of the base value: "giảm 15% so với năm 2018" as base × 0.85."""
    ABSOLUTE = "absolute"
    """In the indicator's unit (percentage points for a percent indicator)."""


class Direction(enum.Enum):
    """The direction of a change target."""

    INCREASE = "increase"
    DECREASE = "decrease"


class WhenKind(enum.Enum):
    """When a milestone applies."""

    BY = "by"
    """At one period ("đến năm 2020"); before it, progress toward it is assessed."""
    EVERY = "every"
    """At every period of a range ("hằng năm", "mỗi năm")."""
    FROM = "from"
    """From a period onward ("từ năm 2025 trở đi"), optionally until a period
    ("duy trì đến năm 2030")."""


@attrs.frozen(kw_only=True)
class Label:
    """A bilingual label: Vietnamese always, English optionally."""

    vi: str
    """The Vietnamese text."""
    en: str | None = None
    """The English text, if given."""

    def text(self, lang: str = "vi") -> str:
        """The label in ``lang`` (``vi`` or ``en``), falling back to Vietnamese."""
        if lang == "en" and self.en:
            return self.en
        return self.vi

    def __str__(self) -> str:
        return self.vi


@attrs.frozen(kw_only=True)
class IssuingDocument:
    """A legal or planning document: a decision, resolution, plan or report."""

    number: str
    """Its number, e.g. ``2351/QĐ-TTg``."""
    date: datetime.date
    """The date it was signed."""
    issuer: Label
    """Who issued it, e.g. Thủ tướng Chính phủ."""
    title: Label | None = None
    """Its title, if given."""
    url: str | None = None
    """Where it can be read."""


@attrs.frozen(kw_only=True)
class Amendment:
    """A later document that changes some targets of a framework."""

    id: str
    """The id targets use to refer to it."""
    document: IssuingDocument
    """The amending document."""
    note: str | None = None
    """What it changes, in a sentence."""
    source: Source | None = None
    """How far its text was checked (clause, verification, where it was seen)."""


@attrs.frozen(kw_only=True)
class Source:
    """Where a target, goal or amendment comes from, and how far that was checked."""

    clause: str
    """The clause, e.g. "Mục tiêu 3, chỉ tiêu 1"."""
    verification: Verification
    """How far it was checked, and against what (not a verdict status)."""
    wording: str | None = None
    """The Vietnamese wording, as found."""
    note: str | None = None
    """Anything an auditor should know (why a value was read one way, what is uncertain)."""
    amendment: str | None = None
    """The amendment this source belongs to (``None``: the framework's own document)."""
    url: str | None = None
    """A page where the wording can be read."""
    seen_in: str | None = None
    """The secondary source the wording was seen in (for ``secondary``)."""
    checked_against: str | None = None
    """The official text it was checked against (required for ``official``)."""

    @property
    def is_official(self) -> bool:
        """Whether it was checked against the official text itself."""
        return self.verification is Verification.OFFICIAL


@attrs.frozen(kw_only=True)
class Code:
    """An allowed value of a breakdown or an org-unit attribute."""

    id: str
    """The value as written in data and formulas (e.g. ``female``)."""
    label: Label
    """Its label."""


@attrs.frozen(kw_only=True)
class CodeList:
    """A named list of allowed values: a breakdown data items are reported by (sex, age group,
    ethnicity, area, ...), or an org-unit attribute milestones may depend on (e.g. the type of
    commune)."""

    id: str
    """The id used in data, formulas and targets (e.g. ``sex``)."""
    label: Label
    """Its label."""
    values: tuple[Code, ...]
    """The allowed values."""

    def value_ids(self) -> tuple[str, ...]:
        """The ids of the allowed values."""
        return tuple(v.id for v in self.values)


@attrs.frozen(kw_only=True)
class DataItem:
    """Something an org unit reports, e.g. the number of literate people aged 15-40."""

    id: str
    label: Label
    unit: str
    """Its unit of measure (registry name)."""
    breakdowns: tuple[str, ...] = ()
    """The breakdowns it may be reported by."""
    aggregation: Aggregation = Aggregation.SUM
    """How it combines over org units and periods."""
    kind: ValueKind = ValueKind.NUMBER
    """Numbers, or yes/no facts."""
    part_of: str | None = None
    """A data item this one can never exceed (literate people are part of the population)."""
    description: Label | None = None
    maximum: Fraction | None = None
    """The largest value it can take (a criterion's maximum score): larger values are rejected."""
    verdicts_of: str | None = None
    """The target whose verdicts this yes/no series holds (``achieved("target")`` in a formula):
    computed by the evaluation, never reported."""


@attrs.frozen(kw_only=True)
class Indicator:
    """A computed measure: a formula over data items and other indicators, in a unit."""

    id: str
    label: Label
    formula: Formula
    """The parsed formula."""
    unit: str
    """The unit values are expressed in (registry name), e.g. ``percent``."""
    formula_unit: str
    """The unit the formula yields from its inputs' units, derived once at load time."""
    factor: Fraction
    """Exact factor from ``formula_unit`` to ``unit`` (100 for a ratio shown in percent)."""
    decimals: int = 1
    """Decimals shown; values are kept exact, rounding is for display only."""
    better: Better = Better.HIGHER
    """Which direction is an improvement."""
    criteria: tuple[str, ...] = ()
    """For score rules: the data items each scoring one criterion (the formula is their sum)."""
    coverage: Coverage = Coverage.PARTIAL
    """Whether a value summed over fewer org units than report below is kept (``partial``,
    flagged) or no value (``complete``)."""
    limit: Fraction | None = None
    """The value the indicator cannot pass (for Open SDG's progress method 1)."""
    description: Label | None = None


@attrs.frozen(kw_only=True)
class Threshold:
    """A threshold in the indicator's unit, fixed or depending on an org-unit attribute."""

    value: Fraction | bool | None = None
    """The fixed value (``None`` when it depends on an attribute)."""
    attribute: str | None = None
    """The org-unit attribute the value depends on."""
    by_value: tuple[tuple[str, Fraction], ...] = ()
    """Threshold for each attribute value."""
    default: Fraction | None = None
    """Threshold for org units whose attribute value is not listed."""
    text: str = ""
    """The threshold as written in the spec."""

    def for_attribute(self, attribute_value: str | None) -> Fraction | bool | None:
        """The threshold that applies to an org unit with this attribute value."""
        if self.attribute is None:
            return self.value
        for key, value in self.by_value:
            if key == attribute_value:
                return value
        return self.default


@attrs.frozen(kw_only=True)
class Comparison:
    """A comparison of a value with a threshold."""

    op: ComparisonOp
    threshold: Threshold
    upper: Threshold | None = None
    """Upper bound, for ``between``."""
    tolerance: Fraction | None = None
    """Allowed distance, for ``about``, in the indicator's unit."""
    welcome: Better | None = None
    """For ``about``: the side on which a distance beyond the tolerance is welcome, from the
    indicator's direction of improvement ("khoảng 60%" of a rate that should rise is met by
    70%); ``None``: the tolerance holds on both sides."""


@attrs.frozen(kw_only=True)
class Change:
    """A change relative to a base period ("giảm 0,15% so với năm 2018"), or to the period
    before each one judged ("giảm từ 2 đến 3% mỗi năm so với năm trước")."""

    direction: Direction
    amount: Fraction
    """At least this much change: a percentage of the base value (relative) or in the indicator's
    unit (absolute; percentage points for a percent indicator)."""
    kind: ChangeKind
    base: Period | None = None
    """The base period (``None``: the previous period, see ``previous``)."""
    previous: bool = False
    """Measured against the period before the one judged (the previous year for a year)."""
    upper: Fraction | None = None
    """The upper end of a planned range ("từ 2 đến 3%"), shown; the verdict asks for
    ``amount`` (a larger change is welcome)."""

    def base_for(self, period: Period) -> Period:
        """The base period a change at ``period`` is measured from."""
        if self.previous or self.base is None:
            return period.previous()
        return self.base


@attrs.frozen(kw_only=True)
class When:
    """When a milestone applies."""

    kind: WhenKind
    period: Period
    until: Period | None = None
    """For ``from``: the last period it applies to, if any."""

    def applies_to(self, period: Period) -> bool:
        """Whether the milestone is to be judged at ``period`` (for ``by``: exactly that period)."""
        if self.kind is WhenKind.BY:  # the period itself, or its last part ("6 tháng cuối năm")
            return self.period.contains(period) and period.last == self.period.last
        if self.kind is WhenKind.EVERY:
            return self.period.contains(period)
        if period < self.period and not self.period.contains(period):
            return False
        return self.until is None or period.last <= self.until.last

    def __str__(self) -> str:
        if self.kind is WhenKind.FROM and self.until is not None:
            return f"from {self.period} until {self.until}"
        return f"{self.kind.value} {self.period}"


@attrs.frozen(kw_only=True)
class Milestone:
    """A dated condition on a target's indicator."""

    when: When
    condition: Comparison | Change
    each_criterion: Comparison | None = None
    """For score rules: a condition every criterion must meet (e.g. more than 0 points)."""
    note: str | None = None
    """What an auditor should know about this milestone's value."""
    verification: Verification | None = None
    """How far this milestone's value was checked, when it differs from its target's source
    (``None``: the source's level)."""


@attrs.frozen(kw_only=True)
class TargetAmendment:
    """Milestones of a target as changed by an amendment, with their source."""

    amendment: str
    """The amendment's id."""
    milestones: tuple[Milestone, ...]
    source: Source
    effective: datetime.date | None = None
    """The date the amendment was signed: it governs periods that end on or after it."""


@attrs.frozen(kw_only=True)
class Population:
    """Who a target applies to: the org-unit levels it is judged at, and a condition an org unit
    must meet at a period ("agencies where women are 30% or more of the staff must have at least
    one woman leader"). Elsewhere its verdict is ``not_applicable``, not no data."""

    levels: tuple[str, ...] = ()
    """The levels it is judged at (empty: every level)."""
    where: str | None = None
    """A yes/no indicator an org unit must meet at the period for the target to apply."""
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Org-unit attribute values it applies to, e.g. ``(("province_group", ("difficult_14",)),)``
    (an org unit without the attribute is outside)."""


@attrs.frozen(kw_only=True)
class Target:
    """A target ("chỉ tiêu"), judged on one indicator through dated milestones."""

    id: str
    label: Label
    indicator: str
    """The indicator's id."""
    milestones: tuple[Milestone, ...]
    """The milestones of the original document."""
    source: Source
    breakdown: tuple[tuple[str, str], ...] = ()
    """Restriction of the indicator to breakdown values, e.g. ``(("area", "rural"),)``."""
    amendments: tuple[TargetAmendment, ...] = ()
    """Later changes, oldest first."""
    counts_as: str | None = None
    """The chỉ tiêu this entry assesses, when the document counts several entries as one
    (``None``: the entry is its own chỉ tiêu)."""
    counted: bool = True
    """``False`` for a figure reported beside the chỉ tiêu (a budget, a count of models):
    evaluated and shown, never counted as a chỉ tiêu."""
    applies_to: Population | None = None
    """Who the target applies to (``None``: every org unit it has values for)."""
    inherited: bool = False
    """Whether it comes unchanged from the spec this one extends (``False``: this spec sets or
    overrides it)."""

    @property
    def legal_id(self) -> str:
        """The id of the chỉ tiêu this entry assesses."""
        return self.counts_as or self.id

    def source_of(self, milestone: Milestone) -> Source:
        """The source ``milestone`` belongs to: an amendment's, or the target's own."""
        for amendment in self.amendments:
            if any(m is milestone for m in amendment.milestones):
                return amendment.source
        return self.source

    def verification_of(self, milestone: Milestone) -> Verification:
        """How far ``milestone``'s value was checked: its own level, or that of the source it
        belongs to (the amendment's for an amended milestone)."""
        if milestone.verification is not None:
            return milestone.verification
        return self.source_of(milestone).verification

    @property
    def milestones_in_force(self) -> tuple[Milestone, ...]:
        """The milestones of the latest amendment, or the original ones."""
        return self.amendments[-1].milestones if self.amendments else self.milestones

    @property
    def source_in_force(self) -> Source:
        """The source of the milestones in force."""
        return self.amendments[-1].source if self.amendments else self.source

    def milestones_at(self, period: Period) -> tuple[Milestone, ...]:
        """The milestones that govern ``period``: those of the latest amendment signed on or
        before the period's last day, or the original ones (a 2015 result is judged against
        the 2010 text even after a 2018 amendment)."""
        last_day = datetime.date(period.end_year, period.last % 12 + 1, 1)
        chosen = self.milestones
        for amendment in self.amendments:
            if amendment.effective is None or amendment.effective <= _month_end(last_day):
                chosen = amendment.milestones
        return chosen

    def source_at(self, period: Period) -> Source:
        """The source of the milestones that govern ``period``."""
        last_day = _month_end(datetime.date(period.end_year, period.last % 12 + 1, 1))
        chosen = self.source
        for amendment in self.amendments:
            if amendment.effective is None or amendment.effective <= last_day:
                chosen = amendment.source
        return chosen


def _month_end(day: datetime.date) -> datetime.date:
    following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@attrs.frozen(kw_only=True)
class LegalTarget:
    """A chỉ tiêu as the document counts it, assessed through one or more entries."""

    id: str
    """Its id (the id of its only entry, or the entries' ``counts_as``)."""
    entries: tuple[str, ...]
    """The ids of the targets (entries) that assess it, in order."""
    rule: TargetRule = TargetRule.ALL
    """How its verdict follows from theirs."""
    label: Label | None = None
    """Its label, when it has its own (else its first entry's)."""
    source: Source | None = None
    """Its own source, when it has one."""


@attrs.frozen(kw_only=True)
class Goal:
    """A goal ("mục tiêu") grouping targets."""

    id: str
    label: Label
    targets: tuple[Target, ...] = ()
    source: Source | None = None
    """Where the goal comes from (clause, wording, verification)."""
    legal_targets: tuple[LegalTarget, ...] = ()
    """Its chỉ tiêu as the document counts them, each with its entries (one per entry when the
    spec groups none)."""

    def chi_tieu(self) -> tuple[LegalTarget, ...]:
        """Its chỉ tiêu: ``legal_targets``, or one per target when none are given."""
        if self.legal_targets:
            return self.legal_targets
        return tuple(LegalTarget(id=t.id, entries=(t.id,)) for t in self.targets if t.counted)


@attrs.frozen(kw_only=True)
class Counts:
    """The size of a framework as its document counts it."""

    goals: int
    targets: int
    """Chỉ tiêu, as the document counts them."""
    entries: int
    """Assessed entries (a chỉ tiêu may be assessed through several)."""
    criteria: int
    """Criteria of score rules (06/QĐ-TTg's 13), 0 when there are none."""


@attrs.frozen(kw_only=True)
class RemovedTarget:
    """A target of the extended spec that this spec removes, with the reason."""

    id: str
    goal: str
    reason: str


@attrs.frozen
class SpecText:
    """The text a spec was loaded from, by id and SHA-256, so that a result can say exactly
    which specs made it."""

    id: str
    sha256: str
    """SHA-256 of the file's bytes (of the UTF-8 text for a spec given as text)."""


@attrs.frozen(kw_only=True)
class Spec:
    """A framework: its document, data items, indicators, goals and targets."""

    id: str
    """Identifier, e.g. ``vn.gender-equality.2011-2020``."""
    title: Label
    document: IssuingDocument | None = None
    """The issuing document."""
    span: Period | None = None
    """The years it covers."""
    extends: str | None = None
    """The id of the spec this one extends."""
    amendments: tuple[Amendment, ...] = ()
    breakdowns: tuple[CodeList, ...] = ()
    attributes: tuple[CodeList, ...] = ()
    data_items: tuple[DataItem, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    goals: tuple[Goal, ...] = ()
    removed: tuple[RemovedTarget, ...] = ()
    """Targets of the extended spec removed here."""
    example_data: tuple[str, ...] = ()
    """Example data files shipped with the spec (paths relative to the spec file)."""
    texts: tuple[SpecText, ...] = attrs.field(default=(), eq=False)
    """The spec's own text and that of every spec it extends, child first (set by the loader;
    empty for a spec built in Python)."""

    def counts(self) -> Counts:
        """Goals, chỉ tiêu, entries and criteria, as the document counts them."""
        counted = [t for _, t in self.targets() if t.counted]
        used = {t.indicator for t in counted}
        return Counts(
            goals=sum(1 for g in self.goals if g.chi_tieu()),
            targets=sum(len(g.chi_tieu()) for g in self.goals),
            entries=len(counted),
            criteria=sum(len(i.criteria) for i in self.indicators if i.id in used),
        )

    def legal_target(self, target_id: str) -> LegalTarget:
        """The chỉ tiêu the entry ``target_id`` assesses (``KeyError`` if none)."""
        for goal in self.goals:
            for legal in goal.chi_tieu():
                if target_id in legal.entries:
                    return legal
        raise KeyError(target_id)

    def targets(self) -> Iterator[tuple[Goal, Target]]:
        """Every (goal, target) pair, in order."""
        for goal in self.goals:
            for target in goal.targets:
                yield goal, target

    def target(self, target_id: str) -> Target:
        """The target with this id (``KeyError`` if none)."""
        for _, target in self.targets():
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id (``KeyError`` if none)."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def data_item(self, item_id: str) -> DataItem:
        """The data item with this id (``KeyError`` if none)."""
        for item in self.data_items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def breakdown(self, breakdown_id: str) -> CodeList:
        """The breakdown with this id (``KeyError`` if none)."""
        for breakdown in self.breakdowns:
            if breakdown.id == breakdown_id:
                return breakdown
        raise KeyError(breakdown_id)
