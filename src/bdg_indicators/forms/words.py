"""The words of a form, in Vietnamese and English: sheet names, headers, the guide's text."""

from __future__ import annotations

from bdg_indicators.describe import describe_period, format_unit

from .model import Form, FormColumn, ValueRule

__all__ = ["WORDS", "column_notes", "rule_text", "title", "unit_text"]

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "data": "Dữ liệu",
        "guide": "Hướng dẫn",
        "lists": "Danh sách",
        "code": "Mã đơn vị",
        "name": "Tên đơn vị",
        "title": "Biểu mẫu nhập số liệu",
        "period": "Kỳ báo cáo",
        "level": "Cấp",
        "empty": "Ô để trống là chưa báo cáo (không phải 0): ghi 0 nếu số liệu bằng 0.",
        "enter": "Chỉ nhập số liệu vào các ô trắng của sheet “Dữ liệu”; mỗi cột được giải "
        "thích dưới đây.",
        "read": "Đọc lại biểu mẫu đã điền",
        "column": "Cột",
        "id": "Mã cột",
        "item": "Số liệu",
        "breakdown": "Phân tổ",
        "unit": "Đơn vị tính",
        "kind": "Giá trị",
        "use": "Cách dùng",
        "yes": "có",
        "no": "không",
        "used_by": "Dùng để tính chỉ tiêu: {targets}.",
        "unused": "Không chỉ tiêu nào dùng trực tiếp; được lưu cùng số liệu.",
        "part_of": "Không lớn hơn “{whole}” cùng phân tổ.",
        "at_most": "Tối đa {maximum}.",
        "sums": "Cộng dồn lên cấp trên (huyện, tỉnh) theo cây đơn vị.",
        "stock": "Số tại thời điểm cuối kỳ, cộng theo đơn vị (không cộng theo kỳ).",
        "error_title": "Giá trị không hợp lệ",
    },
    "en": {
        "data": "Data",
        "guide": "Guide",
        "lists": "Lists",
        "code": "Org unit code",
        "name": "Org unit name",
        "title": "Data-entry form",
        "period": "Period",
        "level": "Level",
        "empty": "An empty cell is not reported (not 0): write 0 if the figure is zero.",
        "enter": "Enter figures in the white cells of the sheet “Data” only; each column is "
        "explained below.",
        "read": "Read the filled form back",
        "column": "Column",
        "id": "Column id",
        "item": "Data item",
        "breakdown": "Breakdown",
        "unit": "Unit",
        "kind": "Values",
        "use": "How it is used",
        "yes": "yes",
        "no": "no",
        "used_by": "Used by targets: {targets}.",
        "unused": "No target reads it directly; kept with the data.",
        "part_of": "Not larger than “{whole}”, same breakdown.",
        "at_most": "At most {maximum}.",
        "sums": "Summed up the org-unit tree (district, province).",
        "stock": "A stock at the end of the period: summed over org units, not over periods.",
        "error_title": "Invalid value",
    },
}
"""Every fixed text of a form, by language."""

_RULES = {
    "vi": {
        ValueRule.COUNT: "Số nguyên, từ 0 trở lên",
        ValueRule.NUMBER: "Số, được có phần thập phân",
        ValueRule.YES_NO: "có hoặc không (chọn trong danh sách)",
    },
    "en": {
        ValueRule.COUNT: "A whole number, 0 or more",
        ValueRule.NUMBER: "A number, decimals allowed",
        ValueRule.YES_NO: "yes or no (pick from the list)",
    },
}


def rule_text(column: FormColumn, lang: str) -> str:
    """What the column accepts, in words."""
    text = _RULES[lang][column.rule]
    if column.maximum is not None:
        text += " " + WORDS[lang]["at_most"].format(maximum=column.maximum)
    return text


def unit_text(column: FormColumn, lang: str) -> str:
    """The unit of the column's values, in words (``người``, ``tỷ đồng``)."""
    if column.rule == ValueRule.YES_NO:
        return ""
    return format_unit(column.item.unit, lang).strip()


def title(form: Form, lang: str) -> str:
    """The first line of the form: what, for which spec and period."""
    words = WORDS[lang]
    return (
        f"{words['title']}: {form.spec.title.text(lang)} [{form.spec.id}] · "
        f"{words['period']}: {describe_period(form.period, lang)} ({form.period}) · "
        f"{words['level']}: {form.level}"
    )


def column_notes(form: Form, column: FormColumn, lang: str) -> str:
    """How a column's value is used: the targets that read it, its whole, how it sums."""
    words = WORDS[lang]
    item = column.item
    notes = [
        words["used_by"].format(targets=", ".join(column.uses)) if column.uses else words["unused"]
    ]
    if item.part_of is not None:
        whole = form.spec.data_item(item.part_of).label.text(lang)
        notes.append(words["part_of"].format(whole=whole))
    notes.append(words["stock" if item.aggregation.value == "stock" else "sums"])
    if item.aggregation.value == "none":
        notes.pop()
    return " ".join(notes)
