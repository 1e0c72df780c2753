"""Write the example workbook of vn.examples.hue-children-2016-2020.

The workbook is shipped beside its spec (src/bdg_indicators/specs/examples/); this script is its
source. Run it from the repository root after changing a row:

    .venv/bin/python scripts/make_example_xlsx.py

Sheet 1 (`so_lieu`) holds the observations the loader reads: org_unit, period, data_item, value,
source. Sheet 2 (`ghi_chu`) says where the figures come from.

Only the scheme's spending (96,245 of 35 tỷ đồng) is from the seed document, the TTH.VN news
report of 20/01/2021 on the review conference of the scheme. Every other figure is ILLUSTRATIVE:
the report gives the count (12 of 14 chỉ tiêu met) and names the two unmet chỉ tiêu, but no
value of any chỉ tiêu. The illustrative figures were chosen so that exactly those two are not
achieved; they are not the province's statistics.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter

OUT = (
    Path(__file__).resolve().parent.parent
    / "src/bdg_indicators/specs/examples/hue-children-2016-2020.xlsx"
)
ORG_UNIT = "thua-thien-hue"

SEED = (
    "TTH.VN 20/01/2021, Hội nghị tổng kết Đề án Đẩy mạnh bảo vệ, chăm sóc trẻ em giai đoạn "
    "2016-2020: Số tiền thực hiện Đề án là 96,245 tỷ đồng, đạt 275% so với kế hoạch (35 tỷ đồng)"
)
NAMED = (
    "MINH HỌA (số liệu không có trong nguồn; TTH.VN 20/01/2021 chỉ nêu chỉ tiêu này là một "
    "trong 2 chỉ tiêu chưa đạt)"
)
ILLUSTRATIVE = (
    "MINH HỌA (số liệu không có trong nguồn; TTH.VN 20/01/2021 chỉ nêu 12/14 chỉ tiêu đạt)"
)

# (period, data item, value, source). Every row is for the scheme's period 2016/2020: the
# stocks (children, communes) as at its end, the flows (births, deaths, funds) over its five years.
ROWS: list[tuple[str, str, int | float, str]] = [
    # ---- the scheme's spending: from the seed
    ("2016/2020", "scheme_funds_planned", 35, SEED),
    ("2016/2020", "scheme_funds_spent", 96.245, SEED),
    # ---- goal 1
    ("2016/2020", "children", 285000, ILLUSTRATIVE),
    ("2016/2020", "children_special", 13680, ILLUSTRATIVE),
    ("2016/2020", "children_special_assisted", 12860, ILLUSTRATIVE),
    ("2016/2020", "abused_children_detected", 62, ILLUSTRATIVE),
    ("2016/2020", "abused_children_supported", 62, ILLUSTRATIVE),
    ("2016/2020", "children_disabled", 4150, ILLUSTRATIVE),
    ("2016/2020", "children_disabled_in_school", 3520, ILLUSTRATIVE),
    # ---- goal 2
    ("2016/2020", "births", 17800, NAMED),
    ("2016/2020", "births_registered_on_time", 16910, NAMED),
    ("2016/2020", "infants", 17500, ILLUSTRATIVE),
    ("2016/2020", "infants_fully_immunised", 17010, ILLUSTRATIVE),
    ("2016/2020", "live_births", 17800, ILLUSTRATIVE),
    ("2016/2020", "under5_deaths", 230, ILLUSTRATIVE),
    ("2016/2020", "children_under5", 101000, ILLUSTRATIVE),
    ("2016/2020", "children_under5_stunted", 21400, ILLUSTRATIVE),
    ("2016/2020", "children_under6", 112400, ILLUSTRATIVE),
    ("2016/2020", "children_under6_insured", 112400, ILLUSTRATIVE),
    ("2016/2020", "children_age6", 18020, ILLUSTRATIVE),
    ("2016/2020", "children_age6_grade1", 17950, ILLUSTRATIVE),
    ("2016/2020", "communes", 145, ILLUSTRATIVE),
    ("2016/2020", "communes_play_area", 96, ILLUSTRATIVE),
    # ---- goal 3
    ("2016/2020", "communes_cp_collaborator", 145, ILLUSTRATIVE),
    ("2016/2020", "cp_staff", 430, ILLUSTRATIVE),
    ("2016/2020", "cp_staff_trained", 410, ILLUSTRATIVE),
    ("2016/2020", "communes_child_friendly", 101, NAMED),
]

NOTES = [
    "Ví dụ vn.examples.hue-children-2016-2020 (bdg_indicators).",
    "Kinh phí (scheme_funds_*): theo tin TTH.VN ngày 20/01/2021 về hội nghị tổng kết Đề án.",
    "Mọi số liệu khác là MINH HỌA, không phải số liệu thống kê của tỉnh: nguồn chỉ cho biết",
    "12/14 chỉ tiêu đạt và vượt; 2 chỉ tiêu chưa đạt là tỷ lệ đăng ký khai sinh cho trẻ đúng hạn",
    "và xã, phường, thị trấn được công nhận phù hợp với trẻ em.",
    "Sinh lại tệp này bằng scripts/make_example_xlsx.py.",
]


def main() -> None:
    """Write the workbook."""
    workbook = xlsxwriter.Workbook(str(OUT))
    # a fixed creation date keeps the file byte-identical from run to run
    workbook.set_properties({"created": datetime.datetime(2021, 1, 20)})
    text = workbook.add_format({"num_format": "@"})  # periods are text, never dates
    data = workbook.add_worksheet("so_lieu")
    for col, name in enumerate(("org_unit", "period", "data_item", "value", "source")):
        data.write_string(0, col, name)
    for row, (period, item, value, source) in enumerate(ROWS, start=1):
        data.write_string(row, 0, ORG_UNIT)
        data.write_string(row, 1, period, text)
        data.write_string(row, 2, item)
        data.write_number(row, 3, value)
        data.write_string(row, 4, source)
    data.set_column(0, 2, 26)
    data.set_column(4, 4, 90)
    notes = workbook.add_worksheet("ghi_chu")
    for row, line in enumerate(NOTES):
        notes.write_string(row, 0, line)
    workbook.close()


if __name__ == "__main__":
    main()
