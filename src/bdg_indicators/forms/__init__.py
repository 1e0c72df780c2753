"""Data-entry forms: an Excel or CSV form per org-unit level, and reading a filled form back.

```python
import bdg_indicators as bdg
from bdg_indicators.forms import build_form, write_form

spec = bdg.load_spec("vn.examples.quang-nam-2023")
form = build_form(spec, None, "agency", bdg.parse_period("2023"))  # the spec's org units
write_form(form, "bieu-mau.xlsx")          # or .csv; lang="en" for English labels
bdg.evaluate(spec, "bieu-mau.xlsx")         # a filled form reads back as observations
```

The model ([`build_form`][bdg_indicators.forms.build_form]) decides the rows and columns; the
writers ([`write_xlsx`][bdg_indicators.forms.write_xlsx],
[`write_csv`][bdg_indicators.forms.write_csv]) write them, through
[`safe_cell`][bdg_indicators.outputs.safe_cell] and
[`write_atomically`][bdg_indicators.outputs.write_atomically]; reading a filled form is done by
the observations readers ([`form_cells`][bdg_indicators.observations.form_cells]), which know
nothing of this package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .csvform import write_csv
from .model import Form, FormColumn, FormRow, ValueRule, build_form, org_units_for
from .xlsx import Cell, write_xlsx

__all__ = [
    "Cell",
    "Form",
    "FormColumn",
    "FormRow",
    "ValueRule",
    "build_form",
    "org_units_for",
    "write_csv",
    "write_form",
    "write_xlsx",
]


def write_form(
    form: Form,
    path: str | os.PathLike[str],
    lang: str = "vi",
    values: Mapping[tuple[str, str], Cell] | None = None,
) -> Path:
    """Write the form as Excel (``.xlsx``) or CSV (``.csv``), by ``path``'s extension.

    Raises ``ValueError`` for another extension.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(form, path, lang, values)
    if suffix == ".csv":
        return write_csv(form, path, values)
    raise ValueError(f"a form is written as .xlsx or .csv, not {suffix or '(no extension)'}")
