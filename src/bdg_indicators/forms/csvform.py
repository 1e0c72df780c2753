"""The CSV form: UTF-8 with a byte-order mark (so that Excel reads Vietnamese), one row per org
unit, one column per series, the period on every row.

```text
org_unit,org_unit_name,period,staff,female_staff,female_leaders
so-a,Sở A (minh họa),2023,,,
```

The header holds the column ids the reader recognises (a wide table: ``org_unit`` and
``period``, no ``data_item``); the labels, units and rules of each column are in the Excel
form's guide and in ``bdg show SPEC --ids``. Values are read in the declared locale, as in any
CSV file; an empty cell is not reported.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from bdg_indicators.outputs import safe_cell, write_atomically

from .model import Form
from .xlsx import Cell

__all__ = ["write_csv"]


def _text(value: Cell | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(float(value))
    if isinstance(value, int | float):
        return str(value)
    return safe_cell(value)


def write_csv(
    form: Form,
    path: str | os.PathLike[str],
    values: Mapping[tuple[str, str], Cell] | None = None,
) -> Path:
    """Write the form as CSV to ``path`` (atomically: a failed run leaves no file); ``values``
    fills cells by (org-unit code, column id)."""
    filled = values or {}

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(["org_unit", "org_unit_name", "period", *(c.id for c in form.columns)])
            for row in form.rows:
                writer.writerow(
                    [
                        safe_cell(row.code),
                        safe_cell(row.name),
                        str(form.period),
                        *(_text(filled.get((row.code, c.id))) for c in form.columns),
                    ]
                )

    return write_atomically(path, write)
