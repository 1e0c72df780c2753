"""Verdicts: the six statuses and the reasons a result has no value or no verdict.

| status | meaning |
|---|---|
| `achieved` | a milestone is due at the period and the value meets it |
| `not_achieved` | a milestone is due at the period and the value does not meet it |
| `on_track` | the next milestone is still ahead, and progress so far keeps pace with it |
| `off_track` | the next milestone is still ahead, and progress so far falls behind it |
| `no_data` | a milestone applies, but there is no value to judge (the reason says why) |
| `not_applicable` | no milestone applies to this period (the reason says why) |

Every reason has a stable code, listed in [`REASONS`][bdg_indicators.rules.statuses.REASONS] with
its wording in Vietnamese and English; ``{s}`` in the wording stands for the reason's subject (a
series, a period, an attribute).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

__all__ = ["BOUND_SUBJECTS", "REASONS", "STATUS_WORDS", "Reason", "Status", "reason_text"]


class Status(enum.Enum):
    """The verdict vocabulary."""

    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"


STATUS_WORDS: dict[str, dict[Status, str]] = {
    "vi": {
        Status.ACHIEVED: "Đạt",
        Status.NOT_ACHIEVED: "Không đạt",
        Status.ON_TRACK: "Đúng tiến độ",
        Status.OFF_TRACK: "Chậm tiến độ",
        Status.NO_DATA: "Không có số liệu",
        Status.NOT_APPLICABLE: "Không áp dụng",
    },
    "en": {
        Status.ACHIEVED: "Achieved",
        Status.NOT_ACHIEVED: "Not achieved",
        Status.ON_TRACK: "On track",
        Status.OFF_TRACK: "Off track",
        Status.NO_DATA: "No data",
        Status.NOT_APPLICABLE: "Not applicable",
    },
}
"""How each status is written for people."""


@attrs.frozen(kw_only=True)
class Reason:
    """Why a result has no value, or why it has the status it has."""

    id: str
    """The stable identifier (``reason_code`` in results)."""
    vi: str
    en: str
    subjects: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    """Words for subjects that are codes: ``{code: (vi, en)}``."""


_LEVEL_WORDS = {
    "country": ("quốc gia", "country"),
    "province": ("tỉnh", "province"),
    "district": ("huyện", "district"),
    "commune": ("xã", "commune"),
    "agency": ("cơ quan, đơn vị", "agency"),
}


def levels_text(levels: tuple[str, ...] | list[str], lang: str = "vi") -> str:
    """Org-unit levels in words: ``("province", "commune")`` is "tỉnh, xã" ("province, commune")."""
    return ", ".join(_LEVEL_WORDS[level][0 if lang == "vi" else 1] for level in levels)


def _level_lists() -> dict[str, tuple[str, str]]:
    """Every list of levels, in the order of ``LEVELS`` ("province, commune"), in words."""
    from itertools import combinations

    names = list(_LEVEL_WORDS)
    return {
        ", ".join(chosen): (levels_text(chosen, "vi"), levels_text(chosen, "en"))
        for size in range(1, len(names) + 1)
        for chosen in combinations(names, size)
    }


_LEVEL_LISTS = _level_lists()


def _reason(
    key: str, vi: str, en: str, subjects: Mapping[str, tuple[str, str]] | None = None
) -> Reason:
    return Reason(id=key, vi=vi, en=en, subjects=subjects or {})


BOUND_SUBJECTS: dict[str, tuple[str, str]] = {
    "above": ("giá trị thực có thể cao hơn", "the true value may be higher"),
    "below": ("giá trị thực có thể thấp hơn", "the true value may be lower"),
    "about": ("giá trị thực có thể cao hơn hoặc thấp hơn", "the true value may be higher or lower"),
    "base": ("giá trị kỳ gốc", "the base period's value"),
    "baseline": ("giá trị ban đầu", "the baseline"),
}
"""The subjects of ``bound-undecided``: the value's direction, or the earlier value that is a
bound."""


REASONS: dict[str, Reason] = {
    r.id: r
    for r in (
        # --- no value
        _reason("missing-series", "không có số liệu {s}", "no data for {s}"),
        _reason("zero-denominator", "mẫu số bằng 0: {s} = 0", "zero denominator: {s} = 0"),
        _reason(
            "incomplete-coverage",
            "chỉ {s} đơn vị báo cáo đủ số liệu, chỉ số yêu cầu đủ tất cả",
            "only {s} org units reported every series, and the indicator requires them all",
        ),
        _reason(
            "not-summed",
            "`{s}` không được cộng dồn theo đơn vị (aggregation: none)",
            en="`{s}` is not summed over org units (aggregation: none)",
        ),
        _reason("share-empty", "không có {s} nào để đếm", "no {s} to count"),
        _reason(
            "share-needs-tree",
            "share() đếm các đơn vị trong cây đơn vị: cần danh sách đơn vị (--org-units)",
            en="share() counts the org units of a tree: give the org units (--org-units)",
        ),
        # --- no verdict
        _reason(
            "no-milestone",
            "không có mốc nào đến hạn hoặc sắp tới",
            "no milestone due or ahead",
        ),
        _reason(
            "base-period",
            "kỳ gốc {s} hoặc trước kỳ gốc: chỉ tiêu thay đổi chưa áp dụng",
            "the base period {s} or before it: a change target does not apply yet",
        ),
        _reason(
            "period-length",
            "số liệu cộng dồn theo thời gian chỉ so sánh được giữa các kỳ cùng độ dài "
            "(mốc hoặc kỳ gốc: kỳ {s} tháng)",
            "summed data are compared only over periods of the same length (the milestone's "
            "or base period's: {s} months)",
        ),
        _reason(
            "attribute-missing",
            "đơn vị này chưa ghi thuộc tính `{s}`",
            "the attribute `{s}` is not recorded for this org unit",
        ),
        _reason(
            "attribute-unknown",
            "ngưỡng phụ thuộc thuộc tính `{s}` của đơn vị: cần danh sách đơn vị (--org-units)",
            en="the threshold depends on the org-unit attribute `{s}`: give the org units "
            "(--org-units)",
        ),
        _reason("no-threshold", "không có ngưỡng cho {s}", "no threshold for {s}"),
        _reason(
            "base-missing",
            "không có giá trị ở kỳ gốc {s}",
            "no value at the base period {s}",
        ),
        _reason(
            "bound-undecided",
            "chưa kết luận được vì số liệu chỉ là giới hạn: {s}",
            "not settled, since a figure is a bound: {s}",
            BOUND_SUBJECTS,
        ),
        _reason("criterion-failed", "tiêu chí {s} không đạt", "criterion {s} fails"),
        _reason("not-yet", "chưa thực hiện", "not yet in place"),
        # --- notes on progress
        _reason(
            "no-baseline",
            "chưa có giá trị kỳ trước: so sánh trực tiếp với mốc",
            "no earlier value: judged against the milestone itself",
        ),
        _reason(
            "growth-zero-baseline",
            "giá trị ban đầu bằng 0 nên không tính được tốc độ tăng (Open SDG thay bằng 0,001): "
            "dùng phương pháp tuyến tính",
            "the baseline is 0, so there is no growth rate (Open SDG would use 0.001): the "
            "linear method decides",
        ),
        _reason(
            "growth-signs",
            "giá trị hoặc mục tiêu trái dấu với giá trị ban đầu, không tính được tốc độ tăng: "
            "dùng phương pháp tuyến tính",
            "the value or the goal has the opposite sign of the baseline, so there is no growth "
            "rate: the linear method decides",
        ),
        _reason(
            "growth-short",
            "chưa đủ một năm kể từ giá trị ban đầu: dùng phương pháp tuyến tính",
            "less than a year since the baseline: the linear method decides",
        ),
        _reason(
            "growth-no-change",
            "mục tiêu bằng giá trị ban đầu, không cần tăng hay giảm: dùng phương pháp tuyến tính",
            "the goal equals the baseline, so no growth is required: the linear method decides",
        ),
        # --- org units over time
        _reason(
            "not-comparable",
            "không so sánh được qua sắp xếp đơn vị hành chính: {s}",
            "not comparable across the reorganisation of org units: {s}",
            subjects={
                "part-without-weight": (
                    "có phần của một đơn vị chuyển sang mà không có trọng số",
                    "a part of a unit passed to it with no stated weight",
                ),
                "not-wholly-mapped": (
                    "lãnh thổ của nó không chuyển trọn vào các đơn vị chỉ gồm nó",
                    "its territory did not pass wholly to units made only of it",
                ),
            },
        ),
        _reason(
            "org-unit-absent",
            "đơn vị không tồn tại vào kỳ này (thời gian tồn tại: {s})",
            "the org unit did not exist at this period (it existed {s})",
        ),
        # --- who a target applies to
        _reason(
            "level-not-judged",
            "chỉ tiêu chỉ đánh giá ở cấp {s}",
            "the target is judged at level {s} only",
            subjects=_LEVEL_LISTS,
        ),
        _reason(
            "outside-population",
            "đơn vị không thuộc đối tượng của chỉ tiêu: không đạt điều kiện {s}",
            "the org unit is outside the target's population: {s} is not met",
        ),
        _reason(
            "population-needs-tree",
            "cần danh sách đơn vị (--org-units) để biết đơn vị có thuộc đối tượng của chỉ tiêu "
            "không (thuộc tính {s})",
            "give the org units (--org-units) to know whether the org unit is in the target's "
            "population (attribute {s})",
        ),
        _reason(
            "population-unknown",
            "không biết đơn vị có thuộc đối tượng của chỉ tiêu không: không có số liệu cho {s}",
            "whether the org unit is in the target's population is unknown: no data for {s}",
        ),
        # --- a chỉ tiêu assessed through several entries
        _reason(
            "no-entry-applies",
            "không có mốc nào của chỉ tiêu áp dụng cho kỳ này",
            "no milestone of the chỉ tiêu applies to this period",
        ),
        _reason(
            "reading-without-data",
            "một cách hiểu của chỉ tiêu không có số liệu",
            "one reading of the chỉ tiêu has no data",
        ),
        _reason(
            "readings-disagree",
            "các cách hiểu của chỉ tiêu cho kết quả khác nhau",
            "the readings of the chỉ tiêu give different verdicts",
        ),
    )
}
"""Every reason, by code."""


def reason_text(code: str | None, subject: str | None, lang: str = "vi") -> str | None:
    """The reason for people, in ``lang``."""
    if code is None:
        return None
    reason = REASONS[code]
    template = reason.vi if lang == "vi" else reason.en
    if subject is not None and subject in reason.subjects:
        subject = reason.subjects[subject][0 if lang == "vi" else 1]
    return template.replace("{s}", subject or "")
