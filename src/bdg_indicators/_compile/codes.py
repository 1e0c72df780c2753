"""Code lists: the breakdowns data items are reported by (built-in and declared) and the org-unit
attributes milestones may depend on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from bdg_indicators._document import AttributeDoc, BreakdownDoc, LabelDoc
from bdg_indicators.spec import Code

from .context import Context, to_label
from .merge import Located

T = TypeVar("T")


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


def codes(
    ctx: Context,
    table: Mapping[str, Located],
    cls: type[T],
    builtin: Mapping[str, BreakdownDoc] | None = None,
) -> dict[str, T]:
    result: dict[str, T] = {}
    for key, value in (builtin or {}).items():
        result[key] = cls(
            id=key,
            label=to_label(value.label),  # type: ignore[call-arg]
            values=tuple(Code(id=k, label=to_label(v)) for k, v in value.values.items()),
        )
    for key, entry in table.items():
        doc: BreakdownDoc | AttributeDoc = entry.value
        ctx.check_id(key, entry.at(key=True), "breakdown" if builtin is not None else "attribute")
        for code in doc.values:
            if not re.fullmatch(r"[A-Za-z0-9_]+", code):
                ctx.error(
                    "invalid-id",
                    f"`{code}` is not a valid value id",
                    entry.at("values", code, key=True),
                    "use ASCII letters, digits and `_`; put the text in the label",
                )
        result[key] = cls(
            id=key,
            label=to_label(doc.label),  # type: ignore[call-arg]
            values=tuple(Code(id=k, label=to_label(v)) for k, v in doc.values.items()),
        )
    return result
