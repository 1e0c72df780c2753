"""The XLSX report: the observations used, and results whose every figure is a live formula.

Three sheets, named in the report's language:

- **results** ("Kết quả"): one row per result, with its goal, target, org unit, period and
  milestone in words; the numerator and the denominator as ``SUMIFS`` over the inputs sheet
  (the org unit's own rows, or those of the org units under it that were summed); the value as
  the indicator's formula in Excel; the threshold; the verdict as an ``IF`` over the comparison
  with the milestone, by integer cross-multiplication where it can be exact; the change against
  the base (or previous) period; and how the row was computed. Every formula is written with the
  engine's value cached, so readers that do not recalculate show the same figures.
- **inputs** ("Số liệu đầu vào"): one row per observation used, with its file and row.
- **about** ("Thông tin"): the stamp (library version, spec and data digests, methods, time)
  and how many figures are formulas and how many plain numbers.

A figure Excel cannot compute exactly as the engine did (a ``share()``, a sum too large to
list, a comparison floating point might decide wrongly) is written as the engine's number, and
the "how computed" column says so. The same rows and stamp give the same bytes.

The modules, each using only those above it: ``cells`` (a cell, the tally, number formats),
``sheets`` (the sheets' names, a table written with xlsxwriter), ``formulas`` (a plan tree as
an Excel expression with its exact value), ``explanations`` (each result row with its
explanation and that of the period it is compared with), ``inputs`` (the inputs sheet),
``figures`` (a row's series as ``SUMIFS``, its numerator and denominator), ``verdicts`` (the
comparisons that decide a verdict), ``results`` (the results sheet's rows) and ``workbook``
(the whole report, built and written).
"""

from __future__ import annotations

from .cells import number_format
from .results import RESULT_COLUMNS, result_cells
from .sheets import SHEETS
from .workbook import Workbook, build_workbook, write_workbook

__all__ = [
    "RESULT_COLUMNS",
    "SHEETS",
    "Workbook",
    "build_workbook",
    "number_format",
    "result_cells",
    "write_workbook",
]
