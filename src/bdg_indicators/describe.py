"""Human-readable text for specs: milestones, thresholds and numbers, in Vietnamese or English.

Vietnamese text writes numbers the Vietnamese way (``97,9``; ``17.101``), English text the
English way (``97.9``; ``17,101``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from fractions import Fraction

from .orgunits import OrgUnit
from .periods import Period, PeriodKind
from .rules.comparisons import COMPARATORS, bounds
from .spec import (
    Change,
    ChangeKind,
    CodeList,
    Comparison,
    ComparisonOp,
    Direction,
    Indicator,
    Milestone,
    Source,
    Threshold,
    Verification,
    WhenKind,
)

__all__ = [
    "describe_milestone",
    "describe_period",
    "describe_status",
    "describe_validity",
    "display_decimals",
    "format_number",
    "format_unit",
]

_WHEN = {
    "vi": {WhenKind.BY: "đến {p}", WhenKind.EVERY: "hằng năm, {p}", WhenKind.FROM: "từ {p} trở đi"},
    "en": {
        WhenKind.BY: "by {p}",
        WhenKind.EVERY: "every year of {p}",
        WhenKind.FROM: "from {p} on",
    },
}
_UNITS = {
    "vi": {
        "percent": "%",
        "percentage_point": " điểm phần trăm",
        "per_100": "/100",
        "per_1000": "‰",
        "per_100000": "/100.000",
        "ty_dong": " tỷ đồng",
        "trieu_dong": " triệu đồng",
        "nghin_dong": " nghìn đồng",
        "dong": " đồng",
        "person": " người",
        "child": " trẻ em",
        "point": " điểm",
        "hour": " giờ",
        "times": " lần",
        "item": "",
        "household": " hộ",
        "commune": " xã",
        "district": " huyện",
        "province": " tỉnh",
        "agency": " cơ quan",
        "case": " vụ",
        "birth": " trẻ sinh ra",
        "death": " trường hợp tử vong",
        "woman": " phụ nữ",
        "man": " nam giới",
        "station": " đài",
        "programme": " chương trình",
        "product": " sản phẩm",
        "enterprise": " doanh nghiệp",
        "document": " văn bản",
        "lot": " lượt",
        "boolean": "",
        "dimensionless": "",
    },
    "en": {
        "percent": "%",
        "percentage_point": " percentage points",
        "per_100": " per 100",
        "per_1000": " per 1,000",
        "per_100000": " per 100,000",
        "ty_dong": " billion VND",
        "trieu_dong": " million VND",
        "nghin_dong": " thousand VND",
        "dong": " VND",
        "point": " points",
        "person": " people",
        "child": " children",
        "household": " households",
        "commune": " communes",
        "district": " districts",
        "province": " provinces",
        "agency": " agencies",
        "case": " cases",
        "birth": " births",
        "death": " deaths",
        "woman": " women",
        "man": " men",
        "station": " stations",
        "programme": " programmes",
        "product": " products",
        "enterprise": " enterprises",
        "document": " documents",
        "lot": " times",
        "item": "",
        "boolean": "",
        "dimensionless": "",
    },
}
_LEVEL = {
    "vi": {
        Verification.OFFICIAL: "đã đối chiếu văn bản chính thức",
        Verification.SECONDARY: "nguyên văn theo nguồn thứ cấp",
        Verification.PARAPHRASE: "diễn giải, chưa thấy nguyên văn",
        Verification.UNVERIFIED: "CHƯA KIỂM CHỨNG",
    },
    "en": {
        Verification.OFFICIAL: "checked against the official text",
        Verification.SECONDARY: "verbatim in a secondary source",
        Verification.PARAPHRASE: "paraphrase, wording not seen",
        Verification.UNVERIFIED: "UNVERIFIED",
    },
}
_MARK = {
    Verification.OFFICIAL: "",
    Verification.SECONDARY: "¹",
    Verification.PARAPHRASE: "²",
    Verification.UNVERIFIED: "³",
}


def format_number(
    value: Fraction | float | int, decimals: int | None = None, lang: str = "vi"
) -> str:
    """A number for people: rounded half away from zero to ``decimals`` (trailing zeros of an
    exact value dropped when ``decimals`` is ``None``), with the language's separators."""
    exact = Fraction(value)
    if decimals is None:
        decimals = 0
        while exact * 10**decimals != int(exact * 10**decimals) and decimals < 6:
            decimals += 1
    scaled = abs(exact) * 10**decimals
    rounded = int(scaled + Fraction(1, 2))
    sign = "-" if exact < 0 and rounded else ""
    whole, frac = divmod(rounded, 10**decimals)
    group, point = (".", ",") if lang == "vi" else (",", ".")
    text = f"{whole:,}".replace(",", group)
    if decimals:
        text += point + f"{frac:0{decimals}d}"
    return sign + text


def _rounded(value: Fraction, decimals: int) -> Fraction:
    """Rounded half away from zero to ``decimals``."""
    scaled = abs(value) * 10**decimals
    whole = int(scaled + Fraction(1, 2))
    return Fraction(whole if value >= 0 else -whole, 10**decimals)


def display_decimals(value: Fraction, threshold: Fraction | None, decimals: int) -> int:
    """How many decimals to show ``value`` with: the indicator's ``decimals``, or more where
    the rounded value would hide its verdict (1959/2000 is 97,95%, not "98,0%" beside "từ 98%
    trở lên: không đạt"). Rounding is half away from zero."""
    if threshold is None or value == threshold:
        return decimals
    side = value > threshold
    shown = decimals
    while shown < 12:
        rounded = _rounded(value, shown)
        if rounded != threshold and (rounded > threshold) == side:
            return shown
        shown += 1
    return shown


def format_unit(unit: str, lang: str = "vi") -> str:
    """The unit as a suffix for a number (``%``, `` tỷ đồng``, `` per 1,000``)."""
    table = _UNITS["vi" if lang == "vi" else "en"]
    if unit in table:
        return table[unit]
    return " " + unit.replace("_", " ")


def _threshold(
    threshold: Threshold, unit: str, lang: str, attributes: Sequence[CodeList] = ()
) -> str:
    if isinstance(threshold.value, bool):
        words = {"vi": ("có (đã thực hiện)", "không"), "en": ("yes (in place)", "no")}[
            "vi" if lang == "vi" else "en"
        ]
        return words[0] if threshold.value else words[1]
    if threshold.value is not None:
        return format_number(threshold.value, None, lang) + format_unit(unit, lang)
    codes = next((a for a in attributes if a.id == threshold.attribute), None)
    labels = {c.id: c.label.text(lang) for c in codes.values} if codes else {}
    parts = [
        f"{labels.get(key, key)}: {format_number(value, None, lang)}"
        for key, value in threshold.by_value
    ]
    if threshold.default is not None:
        other = "còn lại" if lang == "vi" else "other"
        parts.append(f"{other}: {format_number(threshold.default, None, lang)}")
    name = codes.label.text(lang) if codes else threshold.attribute
    by = "mức theo" if lang == "vi" else "the value by"
    return f"{by} {name} (" + "; ".join(parts) + ")" + format_unit(unit, lang)


def _comparison(
    comparison: Comparison, unit: str, lang: str, attributes: Sequence[CodeList] = ()
) -> str:
    if comparison.welcome is not None and comparison.tolerance is not None:
        return _one_sided(comparison, unit, lang)
    comparator = COMPARATORS[comparison.op]
    template = comparator.vi if lang == "vi" else comparator.en
    return template.format(
        v=_threshold(comparison.threshold, unit, lang, attributes),
        u=_threshold(comparison.upper, unit, lang, attributes) if comparison.upper else "",
        t=format_number(comparison.tolerance, None, lang) + format_unit(unit, lang)
        if comparison.tolerance is not None
        else "",
    )


def _change(change: Change, indicator: Indicator, lang: str) -> str:
    def amount_of(value: Fraction) -> str:
        if change.kind is ChangeKind.RELATIVE:
            return format_number(value * 100, None, lang) + "%"
        unit = "percentage_point" if indicator.unit == "percent" else indicator.unit
        return format_number(value, None, lang) + format_unit(unit, lang)

    vi = lang == "vi"
    if change.upper is not None:  # "từ 2 đến 3%": the verdict asks for the lower end
        lower = (
            amount_of(change.amount).removesuffix("%")
            if change.kind is ChangeKind.RELATIVE
            else amount_of(change.amount)
        )
        amount = (
            f"{'từ' if vi else 'from'} {lower} {'đến' if vi else 'to'} {amount_of(change.upper)}"
        )
    else:
        amount = f"{'ít nhất' if vi else 'at least'} {amount_of(change.amount)}"
    if change.previous or change.base is None:
        base = "kỳ trước" if vi else "the previous period"
    else:
        base = describe_period(change.base, "vi") if vi else str(change.base)
    if vi:
        verb = "tăng" if change.direction is Direction.INCREASE else "giảm"
        kind = "tương đối" if change.kind is ChangeKind.RELATIVE else "tuyệt đối"
        return f"{verb} {amount} so với {base} ({kind})"
    verb = "increase" if change.direction is Direction.INCREASE else "reduce"
    return f"{verb} by {amount} from {base} ({change.kind.value})"


def describe_period(period: Period, lang: str = "vi") -> str:
    """A period for people: ``nhiệm kỳ 2016-2021``, ``giai đoạn 2016-2020``, ``6 tháng đầu năm
    2020`` (``term 2016-2021``, ``2016-2020``, ``first half of 2020``)."""
    vi = lang == "vi"
    year = period.start_year
    match period.kind:
        case PeriodKind.TERM:
            return f"{'nhiệm kỳ' if vi else 'term'} {year}-{period.end_year}"
        case PeriodKind.SPAN:
            return f"{'giai đoạn ' if vi else ''}{year}-{period.end_year}"
        case PeriodKind.HALF:
            first = period.first % 12 == 0
            if vi:
                return f"6 tháng {'đầu' if first else 'cuối'} năm {year}"
            return f"{'first' if first else 'second'} half of {year}"
        case PeriodKind.QUARTER:
            quarter = period.first % 12 // 3 + 1
            if vi:
                return f"quý {['I', 'II', 'III', 'IV'][quarter - 1]} năm {year}"
            return f"Q{quarter} {year}"
        case PeriodKind.MONTH:
            return f"tháng {period.first % 12 + 1} năm {year}" if vi else str(period)
    return f"{'năm ' if vi else ''}{year}"


def describe_validity(unit: OrgUnit, lang: str = "vi") -> str:
    """When an org unit exists: ``từ 2025-07-01``, ``đến hết 2025-06-30`` (``from 2025-07-01``,
    ``until 2025-06-30``: its last day), ``hiện có`` (``current``) without dates."""
    vi = lang == "vi"
    parts = []
    if unit.valid_from is not None:
        parts.append(f"{'từ' if vi else 'from'} {unit.valid_from}")
    if unit.valid_until is not None:
        last = unit.valid_until - datetime.timedelta(days=1)
        parts.append(f"{'đến hết' if vi else 'until'} {last}")
    return " ".join(parts) or ("hiện có" if vi else "current")


def describe_milestone(
    milestone: Milestone,
    indicator: Indicator,
    lang: str = "vi",
    attributes: Sequence[CodeList] = (),
) -> str:
    """One line for a milestone, e.g. ``đến 2020: từ 95% trở lên``; a threshold that depends on
    an org-unit attribute is named by the labels of ``attributes`` (the spec's), e.g. ``theo
    Loại xã (Phường, thị trấn: 900; còn lại: 850)``."""
    code = "vi" if lang == "vi" else "en"
    when = _WHEN[code][milestone.when.kind].format(p=describe_period(milestone.when.period, code))
    if milestone.when.until is not None:
        until = describe_period(milestone.when.until, code)
        when += (" đến " if code == "vi" else " until ") + until
    if isinstance(milestone.condition, Change):
        condition = _change(milestone.condition, indicator, code)
    else:
        condition = _comparison(milestone.condition, indicator.unit, code, attributes)
    if milestone.each_criterion is not None:
        each = _comparison(milestone.each_criterion, "point", code)
        condition += ("; mỗi tiêu chí " if code == "vi" else "; each criterion ") + each
    return f"{when}: {condition}"


def _one_sided(comparison: Comparison, unit: str, lang: str) -> str:
    """ "khoảng 60% (từ 58% trở lên)": an ``about`` whose excess on one side is welcome, with the
    one end that decides it ([`bounds`][bdg_indicators.rules.comparisons.bounds])."""
    assert isinstance(comparison.threshold.value, Fraction)
    (end,) = bounds(comparison) or ()
    op = next(c.op for c in COMPARATORS.values() if c.mask == end.mask and c.op in _ONE_END)
    code = "vi" if lang == "vi" else "en"
    about, side = COMPARATORS[ComparisonOp.ABOUT], COMPARATORS[op]
    shown = format_number(comparison.threshold.value, None, lang) + format_unit(unit, lang)
    bound = format_number(end.threshold, None, lang) + format_unit(unit, lang)
    head = (about.vi if code == "vi" else about.en).split(" (")[0].format(v=shown)
    return f"{head} ({(side.vi if code == 'vi' else side.en).format(v=bound)})"


_ONE_END = (ComparisonOp.AT_LEAST, ComparisonOp.AT_MOST)


def describe_status(source: Source, lang: str = "vi") -> str:
    """The verification level of a source, for people."""
    return describe_level(source.verification, lang)


def describe_level(level: Verification, lang: str = "vi") -> str:
    """A verification level, for people."""
    return _LEVEL["vi" if lang == "vi" else "en"][level]


def level_mark(level: Verification | str | None) -> str:
    """The mark put next to a value of this level: none for ``official``, ¹ secondary,
    ² paraphrase, ³ unverified (see [`level_legend`][bdg_indicators.describe.level_legend])."""
    if level is None:
        return ""
    return _MARK[Verification(level)]


def level_legend(lang: str = "vi") -> str:
    """The legend of the marks [`level_mark`][bdg_indicators.describe.level_mark] puts."""
    return "; ".join(
        f"{_MARK[level]} {describe_level(level, lang)}" for level in Verification if _MARK[level]
    )
