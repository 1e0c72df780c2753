"""The records of results, written once for every output: the machine records (stable English
keys and status codes, as `bdg evaluate --format json` gives them) and the cell texts people
read (the value as shown, the milestone with its mark, the verdict in words, the change).

`bdg evaluate`'s table, `bdg report` in every format and `bdg verify` all read them from here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bdg_indicators.describe import (
    describe_milestone,
    describe_period,
    display_decimals,
    format_number,
    format_unit,
    level_mark,
)
from bdg_indicators.periods import parse_period
from bdg_indicators.rules.bounds import direction_of, word
from bdg_indicators.rules.bounds import shown as bounds_shown
from bdg_indicators.rules.statuses import STATUS_WORDS, Status, reason_text
from bdg_indicators.spec import Change, ChangeKind, Comparison

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult

__all__ = [
    "baseline_text",
    "change_text",
    "exact_text",
    "milestone_text",
    "rebuilt",
    "record",
    "records",
    "value_text",
    "verdict_text",
    "with_data",
]


def exact_text(num: Any, den: Any) -> str | None:
    """An exact value as text: ``"979"`` or ``"17101/174710"``; ``None`` for no value."""
    if num is None or den is None:
        return None
    value = Fraction(int(num), int(den))
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def _milestone(result: EvaluationResult, row: dict[str, Any]) -> dict[str, Any] | None:
    if row["milestone"] is None:
        return None
    target = result.spec.target(row["target"])
    indicator = result.spec.indicator(row["indicator"])
    m = target.milestones_at(parse_period(row["period"]))[row["milestone"]]
    condition = m.condition
    return {
        "when": m.when.kind.value,
        "period": str(m.when.period),
        "until": str(m.when.until) if m.when.until else None,
        "comparison": condition.op.value
        if isinstance(condition, Comparison)
        else f"{condition.direction.value}_by",
        "value": row["threshold"],
        "due": row["due"],
        "text": describe_milestone(m, indicator, "en", result.spec.attributes),
        "text_vi": describe_milestone(m, indicator, "vi", result.spec.attributes),
    }


def _change(row: dict[str, Any]) -> dict[str, Any]:
    def side(name: str, absolute: str, relative: str) -> dict[str, Any]:
        return {
            "period": row[f"{name}_period"],
            "value": row[f"{name}_value"],
            "absolute": row[absolute],
            "relative_pct": row[relative],
        }

    return {
        "previous": side("previous", "change_previous", "change_previous_pct"),
        "previous_year": side("previous_year", "change_previous_year", "change_previous_year_pct"),
        "base": {
            **side("base", "change_base", "change_base_pct"),
            "annual_rate_pct": row["annual_rate_pct"],
        },
        "absolute_unit": "percentage_point" if row["unit"] == "percent" else row["unit"],
    }


_PLAIN = (
    "framework",
    "goal",
    "target",
    "indicator",
    "org_unit",
    "period",
    "value",
    "bound",
    "unit",
    "decimals",
    "status",
    "reason_code",
    "reason_subject",
    "reason",
    "partial",
    "value_from",
)


def record(result: EvaluationResult, row: dict[str, Any]) -> dict[str, Any]:
    """The machine record of one result row (of ``EvaluationResult.to_dicts()``)."""
    return {
        **{key: row[key] for key in _PLAIN},
        "value_exact": exact_text(row["value_num"], row["value_den"]),
        "coverage": {"used": row["coverage_used"], "expected": row["coverage_expected"]},
        "parts": None
        if row["parts_num"] is None
        else {
            "value": row["parts_value"],
            "value_exact": exact_text(row["parts_num"], row["parts_den"]),
            "differ": row["parts_differ"],
        },
        "milestone": _milestone(result, row),
        "progress": {
            "method": row["progress_method"],
            "expected": row["expected"],
            "value": row["progress_value"],
            "category": row["progress_category"],
            "note": row["progress_note"],
            "baseline_period": row["baseline_period"],
            "baseline_value": row["baseline_value"],
        },
        "change": _change(row),
        "attainment_pct": row["attainment_pct"],
        "margin": row["margin"],
        "verification": row["verification"],
    }


def records(result: EvaluationResult) -> list[dict[str, Any]]:
    """One machine record per result row: stable English keys and status codes (the interface
    of `bdg evaluate --format json`, documented in the results reference), whatever the
    language of the output."""
    return [record(result, row) for row in result.to_dicts()]


def with_data(row: dict[str, Any]) -> bool:
    """Whether a result row (of ``EvaluationResult.to_dicts()``) has something to show: a
    value, or a verdict."""
    return row["value_num"] is not None or row["status"] not in ("no_data", "not_applicable")


def _exact(row: dict[str, Any], prefix: str = "value") -> Fraction | None:
    num, den = row[f"{prefix}_num"], row[f"{prefix}_den"]
    return None if num is None or den is None else Fraction(int(num), int(den))


def _threshold(row: dict[str, Any]) -> Fraction | None:
    value = row["threshold"]
    return None if value is None else Fraction(value).limit_denominator(10**9)


def rebuilt(result: EvaluationResult) -> frozenset[tuple[str, str]]:
    """The (org unit, period) pairs whose figures were rebuilt across a reorganisation of org
    units ([`observations.history`][bdg_indicators.observations.history])."""
    from bdg_indicators.observations.history import DERIVED

    obs = result.observations
    if DERIVED not in obs.files:
        return frozenset()
    rows = obs.encoded.filter(obs.encoded.get_column("file") == obs.files.index(DERIVED))
    return frozenset(
        (obs.org_units[ou], obs.periods[per])
        for ou, per in rows.select("org_unit", "period").unique().iter_rows()
    )


def value_text(row: dict[str, Any], lang: str = "vi", rebuilt: bool = False) -> str:
    """The value of a result row as people read it: as many decimals as its verdict needs, a
    bound's word ("tối đa 13,9%"), its coverage when partial, the sum of its parts where that
    differs from the reported total, and whether it was rebuilt across a reorganisation of org
    units; "—" for no value."""
    value = _exact(row)
    if value is None:
        return "—"
    decimals = display_decimals(value, _threshold(row), row["decimals"])
    bits = direction_of(row["bound"])
    text = format_number(bounds_shown(value, decimals, bits), decimals, lang)
    prefix = f"{word(bits, lang)} " if bits else ""  # "tối đa 13,9%": true of every value allowed
    text = prefix + text + format_unit(row["unit"], lang)
    vi = lang == "vi"
    if row["partial"]:
        used, expected = row["coverage_used"], row["coverage_expected"]
        text += f" ({'một phần' if vi else 'partial'} {used}/{expected})"
    parts = _exact(row, "parts")
    if parts is not None and row["parts_differ"]:
        shown = format_number(parts, row["decimals"] + 1, lang) + format_unit(row["unit"], lang)
        text += f" ({'cấp dưới cộng lại' if vi else 'sum of the parts'}: {shown})"
    if rebuilt:
        text += " (dựng lại qua sắp xếp đơn vị)" if vi else " (rebuilt across the reorganisation)"
    return text


def milestone_text(result: EvaluationResult, row: dict[str, Any], lang: str = "vi") -> str:
    """The milestone that applies, in words, with its verification mark; "" if none."""
    milestone = _milestone(result, row)
    if milestone is None:
        return ""
    text: str = milestone["text_vi" if lang == "vi" else "text"]
    return text + level_mark(row["verification"])


def verdict_text(row: dict[str, Any], lang: str = "vi") -> str:
    """The verdict in words; without a value or not applicable, with its reason."""
    status = STATUS_WORDS[lang][Status(row["status"])]
    if row["reason_code"] and row["status"] in ("no_data", "not_applicable"):
        status += f" ({reason_text(row['reason_code'], row['reason_subject'], lang)})"
    return status


def _points(amount: float, row: dict[str, Any], lang: str) -> str:
    unit = (" điểm %" if lang == "vi" else " pp") if row["unit"] == "percent" else ""
    sign = "+" if amount >= 0 else ""
    return f"{sign}{format_number(amount, row['decimals'], lang)}{unit}"


def _relative(result: EvaluationResult, row: dict[str, Any]) -> bool:
    """Whether the milestone that applies asks for a relative change ("giảm 0,15% so với năm
    2018 (tương đối)")."""
    if row["milestone"] is None:
        return False
    target = result.spec.target(row["target"])
    condition = target.milestones_at(parse_period(row["period"]))[row["milestone"]].condition
    return isinstance(condition, Change) and condition.kind is ChangeKind.RELATIVE


def change_text(result: EvaluationResult, row: dict[str, Any], lang: str = "vi") -> str:
    """The change the milestone is about: against its base where there is one, else against
    the previous period, with the period it is against ("-0,05 điểm % (so với năm 2018)"); in
    percent of the base for a relative change milestone ("-0,8%"); "" if none."""
    relative = _relative(result, row)
    for name, column in (("base", "change_base"), ("previous", "change_previous")):
        amount = row[f"{column}_pct"] if relative else row[column]
        if amount is not None:
            shown = (
                f"{'+' if amount >= 0 else ''}{format_number(amount, 1, lang)}%"
                if relative
                else _points(amount, row, lang)
            )
            against = describe_period(parse_period(row[f"{name}_period"]), lang)
            return f"{shown} ({'so với' if lang == 'vi' else 'vs'} {against})"
    return ""


def baseline_text(row: dict[str, Any], lang: str = "vi") -> str:
    """The base a change milestone is judged against, else the baseline of progress, as
    "89,2% (năm 2018)"; "" if none."""
    for name in ("base", "baseline"):
        value, period = row[f"{name}_value"], row[f"{name}_period"]
        if value is not None and period is not None:
            shown = format_number(value, row["decimals"], lang) + format_unit(row["unit"], lang)
            return f"{shown} ({describe_period(parse_period(period), lang)})"
    return ""
