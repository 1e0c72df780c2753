"""The result rows of the XLSX report with their explanations: each row's, and that of the
period its change is measured against (base, previous period or the same period a year
earlier)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["Explained", "explain_rows"]


@attrs.frozen(kw_only=True)
class Explained:
    """A result row with its explanation, and the explanation of the period it is compared
    with (base, previous period or same period of the previous year)."""

    row: Mapping[str, Any]
    case: Any
    """The [`Explanation`][bdg_indicators.explain.Explanation] of the row."""
    variant: Any
    compared: Any = None
    compared_against: str | None = None

    def contributions(self) -> list[Any]:
        """Every observation row the row's figures (and its compared value) are made of."""
        found = [c for s in self.case.inputs for c in s.rows]
        if self.compared is not None:
            found += [c for s in self.compared.inputs for c in s.rows]
        return found


_AGAINST = (
    ("base", "base_period", "base_value"),
    ("previous", "previous_period", "previous_value"),
    ("previous_year", "previous_year_period", "previous_year_value"),
)


def explain_rows(result: Any, rows: Sequence[Mapping[str, Any]]) -> list[Explained]:
    """Each row with its explanation and that of the period its change is measured against:
    the base period if it has one, else the previous period, else the same period a year
    earlier, whichever has a value."""
    from bdg_indicators.errors import BdgError

    cat = result.engine.catalogue
    ids = [t.id for t in cat.targets]
    made = []
    for row in rows:
        case = result.explain(row["target"], row["org_unit"], row["period"])
        variant = cat.variants[cat.target_variant[ids.index(row["target"])]]
        compared = against = None
        for name, period_key, value_key in _AGAINST:
            if row.get(period_key) and row.get(value_key) is not None:
                try:
                    compared = result.explain(row["target"], row["org_unit"], row[period_key])
                except BdgError:  # pragma: no cover - a period with a value has a result
                    continue
                against = name
                break
        made.append(
            Explained(
                row=row, case=case, variant=variant, compared=compared, compared_against=against
            )
        )
    return made
