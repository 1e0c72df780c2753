"""The spec file format (version 1) as attrs classes, and their strict structuring with cattrs.

These classes mirror the YAML keys one to one; they are the single source of the format: the JSON
Schema (``bdg schema``) and the format reference in the docs are generated from them. The loader
structures a file into them, then ``_compile`` turns them into the models of
[`bdg_indicators.spec`][bdg_indicators.spec].
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, Literal

import attrs
import cattrs
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn, override

from ._yaml import Document, YamlNumber
from .errors import Problem, did_you_mean

Path = tuple[str | int, ...]


def field(
    doc: str,
    *,
    key: str | None = None,
    default: Any = attrs.NOTHING,
    factory: Callable[[], Any] | None = None,
) -> Any:
    """An attrs field documented for the schema; ``key`` is the YAML key when it differs."""
    metadata = {"doc": doc}
    if key is not None:
        metadata["key"] = key
    if factory is not None:
        return attrs.field(factory=factory, metadata=metadata)
    return attrs.field(default=default, metadata=metadata)


def yaml_key(attribute: attrs.Attribute[Any]) -> str:
    """The YAML key of an attribute."""
    return str(attribute.metadata.get("key", attribute.name))


# ---------------------------------------------------------------- the format


@attrs.define(kw_only=True)
class LabelDoc:
    """A label: plain text (Vietnamese) or `{vi: ..., en: ...}`."""

    vi: str = field("Vietnamese text (required).")
    en: str | None = field("English text.", default=None)


@attrs.define(kw_only=True)
class RawValue:
    """A threshold as written: a number, a number and a unit (`95 percent`), `true`/`false`, or a
    mapping giving a value per org-unit attribute value."""

    value: Any


@attrs.define(kw_only=True)
class AmountDoc(RawValue):
    """The amount of a change as written: a value, or a range `[low, high]`."""


@attrs.define(kw_only=True)
class DocumentDoc:
    """An issuing document (decision, resolution, plan, report)."""

    number: str = field("Document number, e.g. `2351/QĐ-TTg`.")
    date: str = field("Date signed, `YYYY-MM-DD`.")
    issuer: LabelDoc = field("Who issued it, e.g. `Thủ tướng Chính phủ`.")
    title: LabelDoc | None = field("Title of the document.", default=None)
    url: str | None = field("Where the document can be read.", default=None)


@attrs.define(kw_only=True)
class AmendmentDoc:
    """A later document that changes some targets."""

    id: str = field("Id that targets use to refer to this amendment, e.g. `qd-800-2018`.")
    document: DocumentDoc = field("The amending document.")
    note: str | None = field("What it changes.", default=None)
    source: SourceDoc | None = field(
        "How far the amending text was checked (clause, verification, where it was seen).",
        default=None,
    )


@attrs.define(kw_only=True)
class SourceDoc:
    """Where a target, goal, chỉ tiêu or amendment comes from, and how far that was checked."""

    clause: str = field("Clause of the document, e.g. `Mục tiêu 3, chỉ tiêu 1`.")
    verification: Literal["official", "secondary", "paraphrase", "unverified"] | None = field(
        "How far it was checked (required): `official`: against the official text itself (give "
        "`checked_against`); `secondary`: seen verbatim in a named secondary source (give "
        "`seen_in`); `paraphrase`: values confirmed, wording paraphrased or restated; "
        "`unverified`: not checked (shown so in every report).",
        default=None,
    )
    status: str | None = field(
        "Replaced by `verification` (`verified` became `secondary` or `official`).", default=None
    )
    wording: str | None = field("The Vietnamese wording, as found.", default=None)
    note: str | None = field(
        "Anything an auditor should know (why a value was read one way, what is uncertain).",
        default=None,
    )
    url: str | None = field("A page where the wording can be read.", default=None)
    seen_in: str | None = field(
        "The secondary source the wording was seen in (for `secondary`).", default=None
    )
    checked_against: str | None = field(
        "The official text it was checked against: gazette number and page, or the issuer's "
        "own publication (required for `official`).",
        default=None,
    )


@attrs.define(kw_only=True)
class CodeListDoc:
    """A code list: a breakdown data items are broken down by (sex, area, ...), or an org-unit
    attribute milestones may depend on (commune type), with its allowed values."""

    label: LabelDoc = field("Label of the code list.")
    values: dict[str, LabelDoc] = field("Allowed values: id -> label.")


@attrs.define(kw_only=True)
class DataItemDoc:
    """Something org units report."""

    label: LabelDoc | None = field(
        "Label (required unless overriding an extended spec).", default=None
    )
    unit: str | None = field(
        "Unit of measure, e.g. `person`, `child`, `tỷ đồng`, `hour`.", default=None
    )
    breakdowns: list[str] | None = field(
        "Breakdowns it may be reported by, e.g. `[sex, area]`.", default=None
    )
    aggregation: Literal["sum", "stock", "none"] | None = field(
        "`sum` (default): counts and amounts, summed over org units and periods; `stock`: summed "
        "over org units, not over periods (population); `none`: never summed.",
        default=None,
    )
    type: Literal["number", "boolean"] | None = field(
        "`number` (default) or `boolean` for yes/no facts.", default=None
    )
    part_of: str | None = field(
        "A data item this one can never exceed (e.g. literate people are part of the population).",
        default=None,
    )
    maximum: RawValue | None = field(
        "The largest value it can take, e.g. a criterion's maximum score (`maximum: 125`): a "
        "larger reported value is rejected with its row.",
        default=None,
    )
    description: LabelDoc | None = field("Longer description.", default=None)


@attrs.define(kw_only=True)
class IndicatorDoc:
    """A computed measure."""

    label: LabelDoc | None = field("Label (required unless overriding).", default=None)
    formula: str | None = field(
        "Formula over data items and indicators, e.g. `literate_15_40 / population_15_40`.",
        default=None,
    )
    criteria: list[str] | None = field(
        "Score rules: the data items that score each criterion; the formula defaults to their sum.",
        default=None,
    )
    unit: str | None = field(
        "Unit of the values, e.g. `percent`, `per_1000`, `person`.", default=None
    )
    decimals: int | None = field("Decimals shown (default 1); values are kept exact.", default=None)
    better: Literal["higher", "lower", "neither"] | None = field(
        "Direction of improvement (required).", default=None
    )
    coverage: Literal["partial", "complete"] | None = field(
        "`complete`: a value summed over fewer org units than report below is no value (with "
        "the reason); `partial` (the default): such a value is kept and flagged partial.",
        default=None,
    )
    limit: RawValue | None = field(
        "The value the indicator cannot pass (0 for a rate that cannot fall below zero, 100 "
        "percent): Open SDG's progress method 1 lowers its thresholds near it.",
        default=None,
    )
    description: LabelDoc | None = field("Longer description.", default=None)


@attrs.define(kw_only=True)
class ComparisonDoc:
    """A comparison with a threshold (used by `each_criterion`)."""

    at_least: RawValue | None = field("≥ the value.", default=None)
    more_than: RawValue | None = field("> the value.", default=None)
    at_most: RawValue | None = field("≤ the value.", default=None)
    less_than: RawValue | None = field("< the value.", default=None)


@attrs.define(kw_only=True)
class MilestoneDoc:
    """A dated condition. Give one of `by`, `every`, `from`, and one condition."""

    by: str | None = field('The period at which it is judged ("đến năm 2020").', default=None)
    every: str | None = field(
        'Judged at every year of this span ("hằng năm"), e.g. `2021/2025`.', default=None
    )
    from_: str | None = field(
        'Judged at every year from this period on ("từ năm 2025").', key="from", default=None
    )
    until: str | None = field(
        'With `from`: the last period ("duy trì đến năm 2030").', default=None
    )
    at_least: RawValue | None = field('≥ ("từ ... trở lên", "ít nhất", "đạt").', default=None)
    more_than: RawValue | None = field('> ("trên").', default=None)
    at_most: RawValue | None = field('≤ ("không vượt quá", "tối đa").', default=None)
    less_than: RawValue | None = field('< ("dưới").', default=None)
    about: RawValue | None = field('Within `tolerance` of the value ("khoảng").', default=None)
    tolerance: RawValue | None = field("Allowed distance for `about`.", default=None)
    between: list[RawValue] | None = field("`[low, high]`, both included.", default=None)
    equals: RawValue | None = field("Equal to (yes/no targets: `true`).", default=None)
    increase_by: AmountDoc | None = field(
        'Increase by at least this much since `base`, or a range `[low, high]` ("từ 2 đến 3%": '
        "at least `low`; `high` is shown).",
        default=None,
    )
    reduce_by: AmountDoc | None = field(
        "Reduce by at least this much since `base`, or a range `[low, high]`.", default=None
    )
    change: Literal["relative", "absolute"] | None = field(
        "For `increase_by`/`reduce_by` (required): `relative` (% of the base value) or `absolute` "
        "(in the indicator's unit: percentage points for a percent indicator).",
        default=None,
    )
    base: str | None = field(
        'For `increase_by`/`reduce_by`: the base period ("so với năm 2018"), or `previous`: the '
        'period before each one judged ("mỗi năm so với năm trước").',
        default=None,
    )
    each_criterion: ComparisonDoc | None = field(
        "Score rules: a condition every criterion must meet (e.g. `{more_than: 0}`).", default=None
    )
    note: str | None = field(
        "What an auditor should know about this milestone's value, shown with it.", default=None
    )
    verification: Literal["official", "secondary", "paraphrase", "unverified"] | None = field(
        "How far this milestone's value was checked, where it differs from the target's source "
        "(e.g. a paraphrased 2015 value beside a verbatim 2020 one).",
        default=None,
    )
    two_sided: bool | None = field(
        "For `about`: the tolerance holds on both sides even where the indicator's direction "
        "makes an excess welcome (by default an `about` of a `better: higher` indicator is met "
        "by any value from threshold − tolerance up).",
        default=None,
    )


@attrs.define(kw_only=True)
class TargetAmendmentDoc:
    """The milestones of a target as an amendment changed them."""

    amendment: str = field("Id of an amendment listed under the framework's `amendments`.")
    milestones: list[MilestoneDoc] = field("The amended milestones.")
    source: SourceDoc = field("Where the amended values come from.")


@attrs.define(kw_only=True)
class TargetDoc:
    """A target ("chỉ tiêu")."""

    id: str = field("Id, unique in the spec, e.g. `3.1`.")
    label: LabelDoc | None = field("What the target says.", default=None)
    indicator: str | None = field("The indicator it is judged on.", default=None)
    breakdown: dict[str, str] | None = field(
        "Restrict the indicator to breakdown values, e.g. `{area: rural}`.", default=None
    )
    milestones: list[MilestoneDoc] | None = field("Dated conditions.", default=None)
    amendments: list[TargetAmendmentDoc] | None = field(
        "Milestones as changed by later documents (both original and amended are kept).",
        default=None,
    )
    source: SourceDoc | None = field("Provenance (required).", default=None)
    remove: str | None = field(
        "In a spec that extends another: remove this target, for the reason given.", default=None
    )
    applies_to: PopulationDoc | None = field(
        "Who the target applies to: `levels` it is judged at, and `where`, a yes/no indicator "
        "an org unit must meet at the period. Elsewhere the verdict is not applicable.",
        default=None,
    )
    counted: bool | None = field(
        "`false`: a figure the framework reports beside its chỉ tiêu (a budget, a count of "
        "models), evaluated and shown but not one of its chỉ tiêu: not counted by `bdg specs` "
        "nor in the x/y summary.",
        default=None,
    )
    counts_as: str | None = field(
        "The chỉ tiêu this entry assesses, when the document counts several entries as one "
        "(2351/QĐ-TTg's chỉ tiêu 1 of goal 1 names three bodies: entries 1.1a-c, "
        '`counts_as: "1.1"`).',
        default=None,
    )


@attrs.define(kw_only=True)
class PopulationDoc:
    """Who a target applies to."""

    levels: list[str] | None = field(
        "The org-unit levels it is judged at, e.g. `[agency]` (default: every level).",
        default=None,
    )
    attributes: dict[str, list[str]] | None = field(
        "Org-unit attribute values it applies to, e.g. `{province_group: [difficult_14]}`.",
        default=None,
    )
    where: str | None = field(
        "A yes/no indicator an org unit must meet at the period, e.g. an indicator "
        '`female_staff / staff >= 30%` for "cơ quan có từ 30% nữ trở lên".',
        default=None,
    )


@attrs.define(kw_only=True)
class GoalDoc:
    """A goal ("mục tiêu")."""

    id: str = field("Id, e.g. `1`.")
    label: LabelDoc | None = field("What the goal says.", default=None)
    targets: list[TargetDoc] | None = field("Its targets.", default=None)
    source: SourceDoc | None = field(
        "Where the goal comes from (clause, wording, verification).", default=None
    )
    legal_targets: dict[str, LegalTargetDoc] | None = field(
        "Chỉ tiêu assessed through several entries (`counts_as`) that need a label, a source or "
        "a rule: id -> details.",
        default=None,
    )


@attrs.define(kw_only=True)
class LegalTargetDoc:
    """A chỉ tiêu as the document counts it, assessed through the entries that name it in
    `counts_as`."""

    label: LabelDoc | None = field("What the chỉ tiêu says.", default=None)
    rule: Literal["all", "any", "readings"] | None = field(
        "How its verdict follows from its entries': `all` (the default: achieved when every "
        "entry is), `any` (when one is), `readings` (the entries are alternative readings of an "
        "unclear text: a verdict only where they agree).",
        default=None,
    )
    source: SourceDoc | None = field("Its own source, if it has one.", default=None)


@attrs.define(kw_only=True)
class SpecDoc:
    """A spec file (format version 1)."""

    bdg_spec: int = field("Format version: `1`.")
    id: str = field("Id, e.g. `vn.gender-equality.2011-2020`.")
    title: LabelDoc = field("Title.")
    extends: str | None = field("Id or relative path of the spec this one extends.", default=None)
    document: DocumentDoc | None = field("The issuing document.", default=None)
    span: str | None = field("Years covered, e.g. `2011/2020`.", default=None)
    amendments: list[AmendmentDoc] | None = field(
        "Later documents that change targets.", default=None
    )
    breakdowns: dict[str, CodeListDoc] | None = field(
        "Breakdowns beyond the built-in `sex`, `age_group`, `ethnicity` and `area`.", default=None
    )
    attributes: dict[str, CodeListDoc] | None = field(
        "Org-unit attributes milestones may depend on.", default=None
    )
    data_items: dict[str, DataItemDoc] | None = field("What org units report, by id.", default=None)
    indicators: dict[str, IndicatorDoc] | None = field("Computed measures, by id.", default=None)
    goals: list[GoalDoc] | None = field("Goals and their targets.", default=None)
    example_data: list[str] | None = field(
        "Example data files shipped with the spec, relative to it.", default=None
    )


DOC_CLASSES: tuple[type, ...] = (
    SpecDoc,
    DocumentDoc,
    AmendmentDoc,
    SourceDoc,
    CodeListDoc,
    DataItemDoc,
    IndicatorDoc,
    GoalDoc,
    LegalTargetDoc,
    PopulationDoc,
    TargetDoc,
    TargetAmendmentDoc,
    MilestoneDoc,
    ComparisonDoc,
)


# ---------------------------------------------------------------- org-unit files


class AttributeValue(str):
    """An org-unit attribute's value: text, a number or yes/no, kept as text."""


@attrs.define(kw_only=True)
class OrgUnitDoc:
    """One org unit of an org-unit file (``bdg_org_units: 1``)."""

    code: str = field("Its code, kept as text (`01` keeps its zero), e.g. `62`.")
    name: str = field("Its name, e.g. `Tỉnh Kon Tum`.")
    level: str = field("Its level: `country`, `province`, `district` or `commune`.")
    parent: str | None = field(
        "The code of the org unit it is part of (the one of that code at its first day).",
        default=None,
    )
    attributes: dict[str, AttributeValue | None] | None = field(
        "Attributes milestones may depend on: name -> value.", default=None
    )
    valid_from: str | None = field(
        "Its first day, `2025-07-01` (leave out: it existed before any date the file knows).",
        default=None,
    )
    valid_until: str | None = field(
        "The first day it no longer exists, `2025-07-01` (leave out: it still exists).",
        default=None,
    )
    type: str | None = field(
        "Its type in words: `tỉnh`, `thành phố`, `huyện`, `xã`, `phường`, `đặc khu`...",
        default=None,
    )


@attrs.define(kw_only=True)
class OrgUnitLinkDoc:
    """What passed from one org unit to another on a date, in an org-unit file's `links`."""

    old: str = field("The code of the unit that passed it on (as it was the day before `on`).")
    new: str = field("The code of the unit that received it (as it is on `on`).")
    on: str = field("The day it took effect, `2025-07-01`.")
    kind: str = field(
        "`whole` (the whole unit: nhập toàn bộ) or `part` (a part of it: một phần).",
        default="whole",
    )
    weight: RawValue | None = field(
        "For a `part`: the share of the old unit's figures that passed, from 0 to 1 (`0.4`).",
        default=None,
    )
    weight_of: str | None = field(
        "What the weight is a share of: a data item id, or `population`.", default=None
    )
    note: str | None = field("The source's wording, e.g. `một phần diện tích`.", default=None)


FILE_CLASSES: tuple[type, ...] = (*DOC_CLASSES, OrgUnitDoc, OrgUnitLinkDoc)
"""Every structured class of the file formats: spec files and org-unit files."""

for _cls in (LabelDoc, *FILE_CLASSES):
    attrs.resolve_types(_cls)  # real types instead of strings, for the walker and the schema


# ---------------------------------------------------------------- strict structuring


class _WrongType(TypeError):
    pass


class _InvalidValue(ValueError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (a yes/no value)"
    if isinstance(value, YamlNumber):
        return f"the number `{value.text}`"
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"the text `{value}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover


def _str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        if not value.strip():
            raise _InvalidValue("empty text")
        return value
    if isinstance(value, YamlNumber):
        return value.text
    raise _WrongType(f"expected text, found {_describe(value)}")


def _int(value: Any, _: Any) -> int:
    if isinstance(value, YamlNumber) and value.is_integer_literal:
        return int(value)
    raise _WrongType(f"expected a whole number, found {_describe(value)}")


def _bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _WrongType(f"expected `true` or `false`, found {_describe(value)}")


def _attribute_value(value: Any, _: Any) -> AttributeValue | None:
    if value is None or isinstance(value, str | bool):
        return None if value is None else AttributeValue(value)
    if isinstance(value, YamlNumber):
        return AttributeValue(value.text)
    raise _WrongType(f"expected text, found {_describe(value)}")


def _label(value: Any, _: Any) -> LabelDoc:
    if isinstance(value, str | YamlNumber):
        return LabelDoc(vi=_str(value, str))
    if isinstance(value, dict):
        return _label_fn(value, LabelDoc)
    raise _WrongType(
        f"expected a label (text, or `{{vi: ..., en: ...}}`), found {_describe(value)}"
    )


def _raw(value: Any, _: Any) -> RawValue:
    if value is None or isinstance(value, list):
        raise _WrongType(
            f"expected a number, a number with a unit, or true/false, found {_describe(value)}"
        )
    return RawValue(value=value)


def _amount_doc(value: Any, _: Any) -> AmountDoc:
    if isinstance(value, list):
        if not 1 <= len(value) <= 2:
            raise _WrongType("expected an amount or a range `[low, high]` of two amounts")
        for item in value:
            _raw(item, RawValue)
        return AmountDoc(value=value)
    return AmountDoc(value=_raw(value, RawValue).value)


def _literal(value: Any, type_: Any) -> Any:
    allowed = typing.get_args(type_)
    if isinstance(value, str) and value in allowed:
        return value
    text = value.text if isinstance(value, YamlNumber) else str(value)
    raise _InvalidValue(
        f"{_describe(value)} is not allowed here; use one of: "
        + ", ".join(f"`{a}`" for a in allowed),
        did_you_mean(text, [str(a) for a in allowed]),
    )


def _is_list(type_: Any) -> bool:
    return typing.get_origin(type_) is list


def _is_dict(type_: Any) -> bool:
    return typing.get_origin(type_) is dict


def _is_literal(type_: Any) -> bool:
    return typing.get_origin(type_) is Literal


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(RawValue, _raw)
    conv.register_structure_hook(AmountDoc, _amount_doc)
    conv.register_structure_hook(AttributeValue, _attribute_value)
    conv.register_structure_hook_func(_is_literal, _literal)

    def checked(kind: type, factory: Callable[..., Any]) -> Callable[[Any], Any]:
        def make(type_: Any) -> Callable[[Any, Any], Any]:
            inner = factory(type_, conv)

            def hook(value: Any, t: Any) -> Any:
                if not isinstance(value, kind):
                    what = "a list" if kind is list else "a mapping"
                    raise _WrongType(f"expected {what}, found {_describe(value)}")
                return inner(value, t)

            return hook

        return make

    conv.register_structure_hook_factory(_is_list, checked(list, list_structure_factory))
    conv.register_structure_hook_factory(_is_dict, checked(dict, mapping_structure_factory))
    conv.register_structure_hook(LabelDoc, _label)

    for cls in FILE_CLASSES:
        renames = {
            a.name: override(rename=yaml_key(a)) for a in attrs.fields(cls) if yaml_key(a) != a.name
        }
        fn: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            **renames,  # type: ignore[arg-type]  # per-attribute overrides, as cattrs documents
        )
        conv.register_structure_hook(cls, _mapping_only(fn, cls))
    return conv


def _mapping_only(fn: Callable[[Any, Any], Any], cls: type) -> Callable[[Any, Any], Any]:
    def hook(value: Any, type_: Any) -> Any:
        if not isinstance(value, dict):
            keys = ", ".join(f"`{yaml_key(a)}`" for a in attrs.fields(cls))
            raise _WrongType(f"expected a mapping with keys {keys}; found {_describe(value)}")
        return fn(value, type_)

    return hook


_converter: cattrs.Converter | None = None


_label_structure: Callable[[Any, Any], LabelDoc] | None = None


def _label_fn(value: Any, cls: type) -> LabelDoc:
    global _label_structure
    if _label_structure is None:  # generated once, not for every label
        _label_structure = make_dict_structure_fn(
            LabelDoc, converter(), _cattrs_forbid_extra_keys=True
        )
    return _label_structure(value, cls)


def converter() -> cattrs.Converter:
    """The one configured converter (built on first use)."""
    global _converter
    if _converter is None:
        _converter = _make_converter()
    return _converter


def structure(value: Any, cls: type[Any], path: Path, doc: Document) -> tuple[Any, list[Problem]]:
    """Structure ``value`` into ``cls``; return the result (``None`` on failure) and problems."""
    try:
        return converter().structure(value, cls), []
    except Exception as exc:  # cattrs reports every failure in one exception tree
        problems: list[Problem] = []
        _collect(exc, cls, value, path, doc, problems)
        return None, problems


def _field_for(cls: Any, name: str) -> attrs.Attribute[Any] | None:
    if attrs.has(cls):
        for attribute in attrs.fields(cls):
            if attribute.name == name:
                found: attrs.Attribute[Any] = attribute
                return found
    return None


def _collect(
    exc: BaseException, cls: Any, value: Any, path: Path, doc: Document, problems: list[Problem]
) -> None:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        known = [yaml_key(a) for a in attrs.fields(exc.cl)]
        for key in sorted(exc.extra_fields):
            if (*path, key) in doc.decimal_commas and isinstance(value, dict):
                problems.append(_decimal_comma(doc, doc.decimal_commas[(*path, key)], value, key))
                continue
            suggestion = did_you_mean(key, known) or "known keys: " + ", ".join(
                f"`{k}`" for k in known
            )
            problems.append(
                Problem(
                    code="unknown-key",
                    message=f"unknown key `{key}`",
                    location=doc.locate((*path, key), key=True),
                    hint=suggestion,
                )
            )
        return
    if isinstance(exc, cattrs.ClassValidationError | cattrs.IterableValidationError):
        with_notes, without_notes = exc.group_exceptions()
        for sub, note in with_notes:
            name = getattr(note, "name", None)
            if name is not None:
                attribute = _field_for(cls, name)
                key = yaml_key(attribute) if attribute is not None else name
                sub_type = attribute.type if attribute is not None else None
                sub_value = value.get(key) if isinstance(value, dict) else None
                if isinstance(sub, KeyError):
                    problems.append(
                        Problem(
                            code="missing-key",
                            message=f"missing required key `{key}`",
                            location=doc.locate(path),
                            hint=_field_doc(attribute),
                        )
                    )
                    continue
                _collect(sub, _resolve_type(sub_type), sub_value, (*path, key), doc, problems)
            else:
                index = getattr(note, "index", None)
                sub_value = None
                item_type = _item_type(cls)
                in_list = isinstance(value, list) and isinstance(index, int) and index < len(value)
                if in_list or (isinstance(value, dict) and index in value):
                    sub_value = value[index]
                _collect(
                    sub,
                    item_type,
                    sub_value,
                    (*path, index if index is not None else "?"),
                    doc,
                    problems,
                )
        for sub in without_notes:
            _collect(sub, cls, value, path, doc, problems)
        return
    code = "wrong-type"
    hint: str | None = None
    if isinstance(exc, _InvalidValue):
        code, hint = "invalid-value", exc.hint
    elif not isinstance(exc, _WrongType):
        code = "invalid-value"
    problems.append(Problem(code=code, message=str(exc), location=doc.locate(path), hint=hint))


def _decimal_comma(doc: Document, number_path: Path, value: dict[Any, Any], key: str) -> Problem:
    """The unknown key ``5`` of ``{more_than: 87,5}``: a number written with a decimal comma."""
    number = value.get(number_path[-1])
    text = number.text if isinstance(number, YamlNumber) else str(number)
    return Problem(
        code="unknown-key",
        message=f"unknown key `{key}`: `{text},{key}` is read as the number {text} and a key "
        f"`{key}`",
        location=doc.locate(number_path),
        hint=f"write {text}.{key} (a decimal point: YAML reads `{text},{key}` as two entries)",
    )


def _field_doc(attribute: attrs.Attribute[Any] | None) -> str | None:
    if attribute is None:
        return None
    return str(attribute.metadata.get("doc")) or None


def _resolve_type(type_: Any) -> Any:
    """Strip ``X | None`` to ``X``."""
    args = [a for a in typing.get_args(type_) if a is not type(None)]
    if typing.get_origin(type_) in (typing.Union, _UnionType) and len(args) == 1:
        return args[0]
    return type_


_UnionType = type(int | None)


def _item_type(cls: Any) -> Any:
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


_SECTIONS: dict[str, type] = {
    "breakdowns": CodeListDoc,
    "attributes": CodeListDoc,
    "data_items": DataItemDoc,
    "indicators": IndicatorDoc,
}


def salvage(value: Any, doc: Document) -> tuple[SpecDoc | None, set[str]]:
    """Structure what is valid of a spec whose full structuring failed.

    Invalid entries of the sections and lists are left out (``None`` in lists, so the other
    entries keep their positions) and their names returned, so that the compiler can still check
    everything else without reporting consequences of problems already reported.
    """
    if not isinstance(value, dict):
        return None, set()
    known = {yaml_key(a) for a in attrs.fields(SpecDoc)}
    lists = ("goals", "amendments")
    top = {k: v for k, v in value.items() if k in known and k not in (*_SECTIONS, *lists)}
    base, _ = structure(top, SpecDoc, (), doc)
    if base is None:
        return None, set()
    dropped: set[str] = set()
    for section, cls in _SECTIONS.items():
        entries = value.get(section)
        if not isinstance(entries, dict):
            continue
        kept = {}
        for name, entry in entries.items():
            result, _ = structure(entry, cls, (section, name), doc)
            if result is None:
                dropped.add(name)
            else:
                kept[name] = result
        setattr(base, section, kept)
    amendments = value.get("amendments")
    if isinstance(amendments, list):
        base.amendments = [_salvage_one(a, AmendmentDoc, doc, dropped) for a in amendments]
    goals = value.get("goals")
    if isinstance(goals, list):
        salvaged: list[Any] = []
        for goal in goals:
            if not isinstance(goal, dict):
                salvaged.append(None)
                continue
            shell = _salvage_one(
                {k: v for k, v in goal.items() if k != "targets"}, GoalDoc, doc, dropped
            )
            targets = goal.get("targets")
            if shell is not None and isinstance(targets, list):
                shell.targets = [_salvage_one(t, TargetDoc, doc, dropped) for t in targets]
            salvaged.append(shell)
        base.goals = salvaged
    return base, dropped


def _salvage_one(value: Any, cls: type[Any], doc: Document, dropped: set[str]) -> Any:
    result, _ = structure(value, cls, (), doc)
    if result is None and isinstance(value, dict) and isinstance(value.get("id"), str | YamlNumber):
        raw = value["id"]
        dropped.add(raw.text if isinstance(raw, YamlNumber) else raw)
    return result
