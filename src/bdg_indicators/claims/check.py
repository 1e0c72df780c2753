"""Checking claims against an evaluation: each claim is consistent, inconsistent or cannot be
checked, with our figure (exact and as it would be printed), the printed interval and a reason.

```python
import bdg_indicators as bdg
from bdg_indicators.claims import load_claims, shipped_claims, verify

spec = "vn.examples.ngoc-hoi-literacy-2020"
verification = verify(bdg.evaluate(spec), load_claims(shipped_claims(spec)))
verification.consistent   # True: every claim is consistent
```

A value claim is consistent when our exact value, in the printed figure's unit and scale, lies in
the interval its printed precision implies (it rounds to the printed number, half away from zero:
see [`printed`][bdg_indicators.claims.printed]); a fraction ``a/b`` when it equals our value as a
plain ratio; a count ``12/14`` when both numbers equal the summary's; a verdict when the word is
one our status is (``đạt``: achieved). Every decision is made on exact fractions.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from bdg_indicators.describe import format_number
from bdg_indicators.rules.bounds import ABOUT, ABOVE, BELOW, EXACT
from bdg_indicators.rules.statuses import Status

from .file import VERDICT_WORDS, Claim, ClaimKind, ClaimsFile
from .ours import Figure, Missing, Results, dimensionless, factor, same_dimension
from .printed import Printed, Unreadable

if TYPE_CHECKING:
    from bdg_indicators.evaluation import EvaluationResult
    from bdg_indicators.explain.trace import Explanation

__all__ = ["OUTCOME_WORDS", "REASONS", "ClaimCheck", "Outcome", "Reason", "Verification", "verify"]


class Outcome(enum.Enum):
    """How a claim compares with our figure."""

    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    UNCHECKED = "unchecked"
    """It cannot be checked (the reason says why)."""


OUTCOME_WORDS: dict[str, dict[Outcome, str]] = {
    "vi": {
        Outcome.CONSISTENT: "Khớp",
        Outcome.INCONSISTENT: "Không khớp",
        Outcome.UNCHECKED: "Không kiểm tra được",
    },
    "en": {
        Outcome.CONSISTENT: "Consistent",
        Outcome.INCONSISTENT: "Inconsistent",
        Outcome.UNCHECKED: "Cannot be checked",
    },
}
"""How each outcome is written for people."""


@attrs.frozen(kw_only=True)
class Reason:
    """Why a claim is inconsistent or cannot be checked."""

    id: str
    """The stable code (``reason_code`` in ``bdg verify --format json``)."""
    outcome: Outcome
    vi: str
    en: str


REASONS: dict[str, Reason] = {
    r.id: r
    for r in (
        Reason(
            id="value-differs",
            outcome=Outcome.INCONSISTENT,
            vi="số tính lại nằm ngoài khoảng của số in",
            en="our value is outside the printed figure's interval",
        ),
        Reason(
            id="count-differs",
            outcome=Outcome.INCONSISTENT,
            vi="số chỉ tiêu đếm lại khác số in",
            en="our count of chỉ tiêu differs",
        ),
        Reason(
            id="verdict-differs",
            outcome=Outcome.INCONSISTENT,
            vi="kết luận tính lại khác kết luận in",
            en="our verdict differs",
        ),
        Reason(
            id="bound-differs",
            outcome=Outcome.INCONSISTENT,
            vi="số in là giới hạn khác chiều với số của chúng tôi",
            en="the printed bound and ours point different ways",
        ),
        Reason(
            id="ambiguous-number",
            outcome=Outcome.UNCHECKED,
            vi="số in đọc được theo hai cách (dấu chấm, dấu phẩy)",
            en="the printed number reads two ways (decimal point or comma)",
        ),
        Reason(
            id="unknown-subject",
            outcome=Outcome.UNCHECKED,
            vi="bộ chỉ tiêu không có chỉ tiêu, chỉ số hay số liệu này",
            en="the spec has no such target, indicator or data item",
        ),
        Reason(
            id="no-result",
            outcome=Outcome.UNCHECKED,
            vi="không có kết quả cho đơn vị và kỳ này",
            en="no result for that org unit and period",
        ),
        Reason(
            id="no-value",
            outcome=Outcome.UNCHECKED,
            vi="không tính được giá trị",
            en="we have no value",
        ),
        Reason(
            id="several-values",
            outcome=Outcome.UNCHECKED,
            vi="có nhiều giá trị, không rõ số in là số nào",
            en="several values: which one is printed is not clear",
        ),
        Reason(
            id="unit-mismatch",
            outcome=Outcome.UNCHECKED,
            vi="đơn vị in khác đơn vị của chỉ số",
            en="the printed unit does not measure what ours does",
        ),
        Reason(
            id="value-is-bound",
            outcome=Outcome.UNCHECKED,
            vi="số của chúng tôi chỉ là giới hạn (trên, dưới, khoảng)",
            en="our value is only a bound",
        ),
        Reason(
            id="no-milestone",
            outcome=Outcome.UNCHECKED,
            vi="không có mốc để so sánh",
            en="no milestone to compare with",
        ),
        Reason(
            id="no-verdict",
            outcome=Outcome.UNCHECKED,
            vi="không có kết luận (không có số liệu hoặc không áp dụng)",
            en="we have no verdict (no data or not applicable)",
        ),
    )
}
"""Every reason a claim is inconsistent or cannot be checked, with its words."""


@attrs.frozen(kw_only=True)
class ClaimCheck:
    """One claim, checked."""

    claim: Claim
    outcome: Outcome
    reason: str | None = None
    """A code of [`REASONS`][bdg_indicators.claims.check.REASONS] (``None``: consistent)."""
    detail: str | None = None
    """What exactly differs or is missing."""
    ours: Fraction | None = None
    """Our figure in the printed figure's unit and scale (what the printed number is compared
    with; for a count ``a/b``, ``a``)."""
    ours_denominator: int | None = None
    """For a count ``a/b``: our ``b``."""
    figure: Figure | None = None
    """Our figure in its own unit, with its bound and verdict."""
    status: str | None = None
    """Our verdict, when a verdict is claimed."""
    explanation: Explanation | None = attrs.field(default=None, eq=False, repr=False)
    """The explanation of our figure, for an inconsistent claim about a target."""

    def shown(self, lang: str = "vi") -> str:
        """Our figure as the claim prints its own: same precision and unit (``97,9%``)."""
        printed = self.claim.value
        if self.ours is None or not isinstance(printed, Printed):
            return ""
        if self.ours_denominator is not None:
            return f"{self.ours}/{self.ours_denominator}"
        if printed.denominator is not None:
            if self.ours * printed.denominator == printed.number:  # the same ratio, as printed
                return f"{printed.number}/{printed.denominator}"
            ratio = format_number(self.ours, 6, lang)
            return f"{self.ours.numerator}/{self.ours.denominator} ≈ {ratio}"
        spacer = "" if not printed.noun or printed.noun[0] in "%‰đ" else " "
        number = format_number(self.ours, printed.decimals, lang)
        return number + spacer + printed.noun


@attrs.frozen(kw_only=True)
class Verification:
    """Every claim of a claims file, checked against one evaluation."""

    spec: str
    """The spec id evaluated."""
    checks: tuple[ClaimCheck, ...]
    file: str | None = None
    """The claims file."""

    @property
    def consistent(self) -> bool:
        """Whether every claim is consistent."""
        return all(c.outcome is Outcome.CONSISTENT for c in self.checks)

    def counts(self) -> dict[Outcome, int]:
        """How many claims have each outcome."""
        return {o: sum(c.outcome is o for c in self.checks) for o in Outcome}


def verify(result: EvaluationResult, claims: ClaimsFile | Iterable[Claim]) -> Verification:
    """Check every claim against ``result``."""
    file = claims.file if isinstance(claims, ClaimsFile) else None
    every = claims.claims if isinstance(claims, ClaimsFile) else tuple(claims)
    results = Results(result)
    checks = tuple(_check(results, claim) for claim in every)
    return Verification(spec=result.spec.id, checks=checks, file=file)


def _unchecked(claim: Claim, missing: Missing) -> ClaimCheck:
    return ClaimCheck(
        claim=claim, outcome=Outcome.UNCHECKED, reason=missing.reason, detail=missing.detail
    )


def _check(results: Results, claim: Claim) -> ClaimCheck:
    value = _check_value(results, claim) if claim.value is not None else None
    verdict = _check_verdict(results, claim) if claim.verdict is not None else None
    parts = [c for c in (value, verdict) if c is not None]
    worst = next(
        (c for o in (Outcome.INCONSISTENT, Outcome.UNCHECKED) for c in parts if c.outcome is o),
        parts[0],
    )
    if value is not None and verdict is not None:
        details = [c.detail for c in parts if c.detail]
        worst = attrs.evolve(
            worst,
            ours=value.ours,
            figure=value.figure,
            status=verdict.status,
            detail="; ".join(details) or None,
        )
    if worst.outcome is Outcome.INCONSISTENT and claim.target is not None:
        worst = attrs.evolve(worst, explanation=_explain(results, claim, claim.target))
    elif worst.outcome is Outcome.INCONSISTENT and worst.figure and worst.figure.target:
        worst = attrs.evolve(worst, explanation=_explain(results, claim, worst.figure.target))
    return worst


def _explain(results: Results, claim: Claim, target: str) -> Explanation | None:
    from bdg_indicators.errors import BdgError

    try:
        return results.explain(target, claim)
    except BdgError:
        return None


def _check_value(results: Results, claim: Claim) -> ClaimCheck:
    printed = claim.value
    if isinstance(printed, Unreadable):
        return _unchecked(claim, Missing(reason=printed.reason, detail=printed.message))
    assert printed is not None
    figure = {
        ClaimKind.VALUE: results.value,
        ClaimKind.ATTAINMENT: results.attainment,
        ClaimKind.MILESTONE: results.milestone,
        ClaimKind.COUNT: results.count,
    }[claim.kind](claim)
    if isinstance(figure, Missing):
        return _unchecked(claim, figure)
    if claim.kind is ClaimKind.COUNT:
        return _compare_count(claim, printed, figure)
    ours = _in_printed(figure, printed)
    if isinstance(ours, Missing):
        return _unchecked(claim, ours)
    if claim.kind is ClaimKind.MILESTONE:  # "trên 87%": the number; the words are the spec's
        printed = attrs.evolve(printed, bound=EXACT)
    return _compare(claim, printed, figure, ours)


def _in_printed(figure: Figure, printed: Printed) -> Fraction | Missing:
    """Our value in the printed figure's unit and scale (a plain ratio for ``a/b``)."""
    base = figure.value * factor(figure.unit)
    if printed.is_fraction:
        if not dimensionless(figure.unit):
            return _mismatch(figure, printed, "a fraction a/b is a ratio")
        return base
    unit = printed.unit
    if unit is None and printed.scale and same_dimension(figure.unit, "dong"):
        unit = "dong"  # "7.896 triệu" of an amount in money: triệu đồng
    if unit is None:
        pure = dimensionless(figure.unit) and factor(figure.unit) != 1
        money = same_dimension(figure.unit, "dong")
        if printed.noun and (pure or money):
            return _mismatch(figure, printed, "no unit printed")
        return figure.value / Fraction(10**printed.scale)
    if not same_dimension(unit, figure.unit):
        return _mismatch(figure, printed, f"printed in {unit}")
    return base / (factor(unit) * Fraction(10**printed.scale))


def _mismatch(figure: Figure, printed: Printed, why: str) -> Missing:
    return Missing(
        reason="unit-mismatch", detail=f"`{printed.text}`: {why}, ours is in {figure.unit}"
    )


def _compare(claim: Claim, printed: Printed, figure: Figure, ours: Fraction) -> ClaimCheck:
    found = ClaimCheck(claim=claim, outcome=Outcome.CONSISTENT, ours=ours, figure=figure)
    if figure.bound != printed.bound and figure.bound != EXACT:
        if printed.bound == EXACT:
            detail = f"ours is a bound ({_BOUND_NAMES[figure.bound]}), the claim prints a figure"
            return attrs.evolve(
                found, outcome=Outcome.UNCHECKED, reason="value-is-bound", detail=detail
            )
        detail = f"printed {_BOUND_NAMES[printed.bound]}, ours {_BOUND_NAMES[figure.bound]}"
        return attrs.evolve(
            found, outcome=Outcome.INCONSISTENT, reason="bound-differs", detail=detail
        )
    if printed.bound in (ABOVE, BELOW) and figure.bound == EXACT:
        holds = ours >= printed.low if printed.bound == ABOVE else ours <= printed.high
    else:
        holds = printed.covers(ours)
    if holds:
        return found
    detail = f"{_plain(ours)} is not in {printed.interval()}"
    return attrs.evolve(found, outcome=Outcome.INCONSISTENT, reason="value-differs", detail=detail)


_BOUND_NAMES = {EXACT: "exact", ABOVE: "at least", BELOW: "at most", ABOUT: "about"}


def _plain(value: Fraction) -> str:
    """An exact value for messages: a whole number, a decimal or ``n/d ≈ 97.8822``."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator} ≈ {float(value):.6g}"


def _compare_count(claim: Claim, printed: Printed, figure: Figure) -> ClaimCheck:
    found = ClaimCheck(
        claim=claim,
        outcome=Outcome.CONSISTENT,
        ours=figure.value,
        ours_denominator=figure.denominator if printed.is_fraction else None,
        figure=figure,
    )
    same = printed.number == figure.value and printed.decimals == 0
    if printed.is_fraction:
        same = same and printed.denominator == figure.denominator
    if same:
        return found
    ours = f"{figure.value}" + (f"/{figure.denominator}" if printed.is_fraction else "")
    detail = f"printed {printed.text}, ours {ours} ({claim.counts}"
    detail += "/assessed)" if printed.is_fraction else ")"
    return attrs.evolve(found, outcome=Outcome.INCONSISTENT, reason="count-differs", detail=detail)


def _check_verdict(results: Results, claim: Claim) -> ClaimCheck:
    name, subject = claim.subject
    assert subject is not None
    assert claim.verdict is not None
    target = subject if name == "target" else None
    if target is None:
        figure = results.value(claim)
        if isinstance(figure, Missing) or figure.target is None:
            missing = (
                figure if isinstance(figure, Missing) else Missing(reason="no-verdict", detail="")
            )
            return _unchecked(claim, missing)
        target = figure.target
    row = results.target_row(claim, target)
    if isinstance(row, Missing):
        return _unchecked(claim, row)
    status = Status(row["status"])
    found = ClaimCheck(claim=claim, outcome=Outcome.CONSISTENT, status=status.value)
    if status in (Status.NO_DATA, Status.NOT_APPLICABLE):
        detail = f"ours: {status.value} ({row['reason_code']})"
        return attrs.evolve(found, outcome=Outcome.UNCHECKED, reason="no-verdict", detail=detail)
    if status in VERDICT_WORDS[claim.verdict]:
        return found
    detail = f"printed {claim.verdict}, ours {status.value}"
    return attrs.evolve(
        found, outcome=Outcome.INCONSISTENT, reason="verdict-differs", detail=detail
    )
