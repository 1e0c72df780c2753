"""The command line's own words in Vietnamese: the help of every command and option, and the
words click prints around them ("Usage:", "Options", its error messages).

The help is written in English in the decorators (which the docs render); `bdg` shows it in
Vietnamese unless `--lang en` is among its arguments or `BDG_LANG=en` is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import click

__all__ = ["CLICK", "HELP", "language_of", "use_language"]

_DATA = {
    "data": "Số liệu (CSV, .xlsx, Parquet, hoặc biểu mẫu của `bdg template`); lặp lại được. "
    "Mặc định: số liệu ví dụ kèm theo bộ chỉ tiêu.",
    "org_units": "Cây đơn vị hành chính (YAML hoặc CSV), để cộng dồn lên cấp trên.",
    "locale": "Cách viết số trong ô văn bản: vi đọc 17.101 là 17101, 97,9 là 97.9.",
    "method": "Phương pháp tính tiến độ cho các mốc chưa đến hạn.",
    "base": "Kỳ gốc để tính thay đổi (ví dụ 2018).",
    "sheet": "Trang tính Excel cần đọc (mặc định: trang đầu tiên).",
    "lang": "Ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh).",
    "backend": "Nơi chạy kế hoạch tính (duckdb cần gói duckdb).",
    "strict": "Thoát với mã 1 nếu có dòng số liệu nào bị loại.",
    "periods": "Chỉ kỳ này.",
    "org_unit": "Chỉ đơn vị này.",
    "targets": "Chỉ chỉ tiêu này (lặp lại được).",
    "own": "Chỉ các chỉ tiêu bộ chỉ tiêu này tự đặt hoặc sửa, không gồm chỉ tiêu kế thừa.",
    "fmt": "Định dạng kết quả.",
}

HELP: dict[str, tuple[str, dict[str, str]]] = {
    "": (
        "bdg: bộ chỉ tiêu bảo vệ, chăm sóc trẻ em và bình đẳng giới.\n\nBộ chỉ tiêu được gọi "
        "bằng mã của bộ đi kèm (xem `bdg specs`) hoặc bằng đường dẫn tới tệp YAML.",
        {"debug": "Hiện dấu vết lỗi Python khi có lỗi nội bộ."},
    ),
    "validate": (
        "Kiểm tra tệp bộ chỉ tiêu: in từng lỗi dạng `tệp:dòng:cột: error[mã]: nội dung`.\n\n"
        "Mã thoát 0 khi mọi bộ đều hợp lệ (cho phép cảnh báo), 1 nếu không.",
        {"quiet": "Chỉ in lỗi, không in tổng kết."},
    ),
    "specs": (
        "Liệt kê các bộ chỉ tiêu đi kèm: số mục tiêu, chỉ tiêu (theo cách văn bản đếm), mục "
        "được đánh giá, tiêu chí và số mốc ở từng mức kiểm chứng.",
        {"fmt": _DATA["fmt"]},
    ),
    "show": (
        "In cây mục tiêu › chỉ tiêu › mốc của một bộ chỉ tiêu, mỗi mốc kèm mức kiểm chứng và "
        "ghi chú.",
        {
            "lang": _DATA["lang"],
            "unverified": "Chỉ liệt kê những gì chưa đối chiếu với văn bản chính thức.",
            "ids": "Liệt kê các mã dùng trong tệp số liệu và câu lệnh: mục số liệu (đơn vị, "
            "phân tổ) và chỉ số (đơn vị, công thức), kèm tên.",
        },
    ),
    "diff": ("Cho biết CHILD thay đổi gì so với PARENT (mặc định: bộ mà CHILD mở rộng).", {}),
    "evaluate": (
        "Đánh giá mọi chỉ tiêu cho mọi đơn vị và kỳ: giá trị, kết luận, thay đổi.\n\nDòng số "
        "liệu bị loại được in ra stderr kèm tệp, dòng và cột, cùng tổng số (đọc = dùng + "
        "loại). Mã thoát 1 khi không dùng được dòng nào (hoặc, với --strict, khi có dòng bị "
        "loại).",
        {
            **_DATA,
            "show_all": "Trong bảng, mọi chỉ tiêu, đơn vị và kỳ, kể cả khi không có giá trị hay "
            "kết luận (mặc định chỉ đếm dưới bảng).",
            "summary": "Đếm chỉ tiêu: theo đơn vị và kỳ, cho từng mục tiêu và cả bộ: đã đánh "
            "giá, đạt, không đạt, đúng tiến độ, chậm tiến độ, không có số liệu.",
        },
    ),
    "report": (
        "Lập báo cáo: theo đơn vị và kỳ, số chỉ tiêu đạt trong số đã đánh giá của từng mục "
        "tiêu, bảng phụ lục (mục tiêu, chỉ tiêu, mốc, cơ sở, thực hiện, thay đổi, kết luận) và, "
        "trong HTML, biểu đồ.\n\nMỗi báo cáo có thông tin tái lập: phiên bản phần mềm, SHA-256 "
        "của bộ chỉ tiêu, của các bộ nó mở rộng và của từng tệp số liệu, phương pháp và thời "
        "điểm lập. Tệp được ghi trọn vẹn hoặc không ghi gì.",
        {
            **_DATA,
            "out": "Nơi ghi báo cáo; phần mở rộng cho biết định dạng: .html, .md, .xlsx, .csv, "
            ".json; - để in ra màn hình.",
            "show_all": "Mọi chỉ tiêu, kể cả khi không có giá trị hay kết luận.",
        },
    ),
    "explain": (
        "Giải thích từng bước một kết quả: công thức, số liệu đầu vào và dòng của chúng, phép "
        "cộng, quy đổi, giá trị chính xác và hiển thị, mốc, kết luận, thay đổi và phương pháp.",
        {**_DATA, "target": "Mã chỉ tiêu.", "org_unit": "Mã đơn vị.", "period": "Kỳ."},
    ),
    "verify": (
        "Đối chiếu số liệu một báo cáo đã công bố với số liệu tính lại.\n\nMỗi số liệu (giá "
        "trị như 97,9%, 96,245 tỷ đồng, 17101/17471; mức đạt; mốc; số đếm như 12/14 chỉ tiêu; "
        "kết luận như đạt) là khớp khi số chính xác của chúng tôi được in giống như vậy (97,9% "
        "gồm từ 97,85 đến dưới 97,95), không khớp (in cả hai số và phần giải thích), hoặc không "
        "kiểm tra được (kèm lý do). Mã thoát 0 khi mọi số liệu đều khớp, 1 nếu không.",
        {
            **_DATA,
            "claims_file": "Các số liệu của báo cáo như được in (YAML hoặc CSV). Mặc định: tệp "
            "đi kèm ví dụ (claims/<tên>.yaml cạnh tệp của nó).",
            "claims_locale": "Cách viết số trong tệp số liệu đối chiếu (mặc định: khóa "
            "`locale:` của tệp, nếu không thì vi: 97,9 và 17.101).",
        },
    ),
    "template": (
        "Lập biểu mẫu nhập số liệu cho SPEC: mỗi đơn vị của một cấp một dòng (mã và tên), mỗi "
        "mục số liệu và phân tổ mà các chỉ tiêu cần một cột, cho một kỳ.\n\nBiểu mẫu đã điền "
        "được đọc lại bằng `bdg evaluate SPEC --data BIỂU_MẪU`; từng ô được kiểm tra lại và ô "
        "bị loại được chỉ rõ trang, dòng và cột (`form.xlsx:Dữ liệu!C7`).",
        {
            "level": "Các đơn vị của biểu mẫu: mỗi đơn vị của cấp này một dòng.",
            "org_units": "Cây đơn vị (YAML hoặc CSV). Mặc định: các đơn vị đi kèm bộ chỉ tiêu.",
            "period": "Kỳ báo cáo (2023, 2020-S1).",
            "out": "Biểu mẫu cần ghi: .xlsx (Excel, có hướng dẫn và kiểm tra dữ liệu) hoặc .csv.",
            "lang": _DATA["lang"],
        },
    ),
    "orgunits": (
        "Liệt kê và tìm đơn vị hành chính (mặc định: của Việt Nam, trước và sau ngày 1/7/2025), "
        "hoặc xem lịch sử của một mã: các đơn vị từng mang mã đó, mỗi đơn vị được lập từ đâu và "
        "đã nhập vào đâu.",
        {
            "source": "Tệp đơn vị, hoặc vn: các đơn vị hành chính của Việt Nam trước và sau ngày "
            "1/7/2025 (đi kèm).",
            "at": "Chỉ các đơn vị tồn tại vào ngày này.",
            "level": "Chỉ các đơn vị của cấp này (province, commune…).",
            "text": "Chỉ các đơn vị có tên chứa TEXT, không phân biệt dấu (quang nam tìm ra "
            "Quảng Nam).",
            "code": "Các đơn vị từng mang mã này, được lập từ đâu và đã nhập vào đâu.",
            "lang": _DATA["lang"],
            "fmt": _DATA["fmt"],
        },
    ),
    "schema": ("In JSON Schema của định dạng bộ chỉ tiêu (cho trình soạn thảo YAML).", {}),
}
"""Vietnamese help per command ("" is the group): the command's help and its options' help."""

CLICK = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} nhận {nargs} giá trị.",
    "default: {default}": "mặc định: {default}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "Aborted!": "Đã dừng!",
}
"""Click's own words (its gettext message ids) in Vietnamese."""

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types")


def language_of(args: Sequence[str]) -> str:
    """The language of the command line: ``en`` with ``--lang en`` (or ``--lang=en``) among
    ``args`` or ``BDG_LANG=en``, else ``vi``."""
    for i, arg in enumerate(args):
        if arg == "--lang=en" or (arg == "--lang" and args[i + 1 : i + 2] == ["en"]):
            return "en"
    return "en" if os.environ.get("BDG_LANG", "").lower() == "en" else "vi"


_ENGLISH: dict[int, tuple[str | None, str | None]] = {}
"""The English help of each command and option (by ``id``), kept to switch back."""
_VIETNAMESE = {"on": False}


def _translate(lookup: Callable[[str], str]) -> Callable[[str], str]:
    def translated(message: str) -> str:
        return CLICK.get(message, message) if _VIETNAMESE["on"] else lookup(message)

    return translated


def _set(thing: Any, help_text: str | None, vietnamese: bool) -> None:
    _ENGLISH.setdefault(id(thing), (thing.help, getattr(thing, "short_help", None)))
    english, short = _ENGLISH[id(thing)]
    thing.help = help_text if vietnamese and help_text else english
    if isinstance(thing, click.Command):
        thing.short_help = None if vietnamese else short


def _apply(command: click.Command, texts: tuple[str, dict[str, str]], vietnamese: bool) -> None:
    help_text, options = texts
    _set(command, help_text, vietnamese)
    for param in command.params:
        if isinstance(param, click.Option):
            wanted = options.get(param.name or "")
            if param.name == "version":
                wanted = CLICK["Show the version and exit."]
            _set(param, wanted, vietnamese)


def use_language(group: click.Group, lang: str) -> None:
    """Put the help of ``group`` and its commands, and click's own words, in ``lang``
    (Vietnamese, or back to the English of the source). Click looks its words up through a
    module-level ``_``: each is wrapped once, and follows the language set here."""
    import importlib

    vietnamese = lang == "vi"
    _VIETNAMESE["on"] = vietnamese
    _apply(group, HELP[""], vietnamese)
    for name, command in group.commands.items():
        _apply(command, HELP.get(name, ("", {})), vietnamese)
    for module_name in _CLICK_MODULES:
        module: Any = importlib.import_module(f"click.{module_name}")
        lookup = getattr(module, "_", None)
        if callable(lookup) and not getattr(lookup, "__bdg__", False):
            wrapped = _translate(lookup)
            wrapped.__bdg__ = True  # type: ignore[attr-defined]
            module._ = wrapped
