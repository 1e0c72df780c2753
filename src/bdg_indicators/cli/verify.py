"""`bdg verify`: check the figures a published report claims against the recomputed ones."""

from __future__ import annotations

from typing import Any

import click

from . import EXIT_INVALID, _evaluate, _finish, _json, _load, _observation_options, cli


@cli.command()
@click.argument("source", metavar="SPEC")
@click.option(
    "--claims",
    "claims_file",
    metavar="FILE",
    help="The report's figures as printed (YAML or CSV). Default: the claims shipped with an "
    "example spec (claims/<name>.yaml beside its file).",
)
@click.option(
    "--claims-locale",
    type=click.Choice(["vi", "en", "machine"]),
    help="Number notation of the claims file (default: its `locale:`, else vi: 97,9 and 17.101).",
)
@_observation_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def verify(
    source: str, claims_file: str | None, claims_locale: str | None, fmt: str, **options: Any
) -> None:
    """Check a report's printed figures against the recomputed ones.

    Each claim (a value such as 97,9%, 96,245 tỷ đồng or 17101/17471, an attainment, a
    milestone, a count such as 12/14 chỉ tiêu, a verdict such as đạt) is consistent when our
    exact figure prints as the claim does (97,9% covers 97.85 up to 97.95), inconsistent (both
    figures and our explanation are shown), or cannot be checked (with why). Exit status 0 when
    every claim is consistent, 1 otherwise.
    """
    from bdg_indicators.claims import load_claims
    from bdg_indicators.claims import verify as check

    path = claims_file or _default_claims(source)
    claims = load_claims(path, locale=claims_locale)
    for problem in claims.problems:  # warnings only: errors raised above
        click.echo(str(problem), err=True)
    result = _evaluate(source, options)
    verification = check(result, claims)
    if fmt == "json":
        click.echo(_json(_verification_json(verification, claims)))
    else:
        _print_verification(result, verification, options["lang"])
    _finish(result, options["strict"])
    if not verification.consistent:
        raise SystemExit(EXIT_INVALID)


def _default_claims(source: str) -> str:
    from bdg_indicators.claims import shipped_claims

    found = shipped_claims(_load(source).id)
    if found is None:
        raise click.UsageError(f"{source} ships no claims file: give one with --claims FILE")
    return str(found)


def _subject(result: Any, claim: Any, lang: str) -> str:
    """What a claim is about, for people: a target's id, a data item's or indicator's label."""
    vi = lang == "vi"
    name, subject = claim.subject
    spec = result.spec
    if name == "framework":
        return "Tất cả chỉ tiêu" if vi else "All chỉ tiêu"
    if name == "goal":
        goal = next((g for g in spec.goals if g.id == subject), None)
        label = goal.label.text(lang) if goal is not None else subject
        return f"{'Mục tiêu' if vi else 'Goal'} {subject}: {label}"
    lookup = {"data_item": spec.data_item, "indicator": spec.indicator}.get(name)
    if lookup is not None:
        try:
            return str(lookup(subject).label.text(lang))
        except KeyError:
            return str(subject)
    return str(subject)


_KIND_WORDS = {
    "attainment": ("so với mốc", "of the milestone"),
    "milestone": ("mốc", "milestone"),
}


def _printed_cell(claim: Any, lang: str) -> str:
    parts = []
    if claim.value is not None:
        parts.append(claim.value.text)
        words = _KIND_WORDS.get(claim.kind.value)
        if words:
            parts[-1] += f" ({words[0] if lang == 'vi' else words[1]})"
    if claim.verdict is not None:
        parts.append(claim.verdict)
    return "; ".join(parts)


def _ours_cell(check: Any, lang: str) -> str:
    from bdg_indicators.rules.statuses import STATUS_WORDS, Status

    parts = [check.shown(lang)] if check.shown(lang) else []
    if check.status is not None:
        parts.append(STATUS_WORDS[lang][Status(check.status)].lower())
    return "; ".join(parts) or "—"


def _outcome_cell(check: Any, lang: str) -> str:
    from bdg_indicators.claims import OUTCOME_WORDS, REASONS

    text = OUTCOME_WORDS[lang][check.outcome]
    if check.reason is not None:
        reason = REASONS[check.reason]
        text += f" ({reason.vi if lang == 'vi' else reason.en})"
    return text


def _display(file: str | None) -> str:
    """A file as people read it: relative to the working folder when it is inside it."""
    from pathlib import Path

    if file is None:
        return ""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        return file


def _org_unit_name(result: Any, code: str) -> str:
    tree = result.org_units
    if tree is not None and code in tree.org_units:
        return str(tree[code].name)
    return code


def _print_verification(result: Any, verification: Any, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from bdg_indicators.claims import OUTCOME_WORDS, Outcome
    from bdg_indicators.describe import describe_period

    vi = lang == "vi"
    title = (
        f"{'Đối chiếu số liệu báo cáo' if vi else 'Claims checked'}: {_display(verification.file)}"
    )
    table = Table(title=f"{title} [{verification.spec}]")
    headers = (
        ("#", "Nội dung", "Đơn vị", "Kỳ", "Báo cáo ghi", "Tính lại", "Kết quả")
        if vi
        else ("#", "Subject", "Org unit", "Period", "Printed", "Recomputed", "Outcome")
    )
    for header in headers:
        table.add_column(header)
    for number, check in enumerate(verification.checks, 1):
        claim = check.claim
        table.add_row(
            str(number),
            _subject(result, claim, lang),
            _org_unit_name(result, claim.org_unit),
            describe_period(claim.period, lang),
            _printed_cell(claim, lang),
            _ours_cell(check, lang),
            _outcome_cell(check, lang),
        )
    console = Console()
    console.print(table)
    _print_details(console, verification, lang)
    counts = verification.counts()
    total = ", ".join(f"{OUTCOME_WORDS[lang][o].lower()} {counts[o]}" for o in Outcome)
    console.print(
        f"{len(verification.checks)} {'số liệu' if vi else 'claims'}: {total}",
        markup=False,
        highlight=False,
    )


def _print_details(console: Any, verification: Any, lang: str) -> None:
    """For each claim that is not consistent: where it is written, what differs, and the
    explanation of our figure."""
    from bdg_indicators.claims import OUTCOME_WORDS, Outcome
    from bdg_indicators.explain import explanation_text

    for number, check in enumerate(verification.checks, 1):
        if check.outcome is Outcome.CONSISTENT:
            continue
        line = f"#{number} {check.claim.location}: {OUTCOME_WORDS[lang][check.outcome]}: "
        console.print(line + _detail(check, lang), markup=False, highlight=False)
        if check.explanation is not None:
            console.print(explanation_text(check.explanation, lang), markup=False, highlight=False)


def _detail(check: Any, lang: str) -> str:
    """What differs or is missing: the two figures for a value, else the reason and detail."""
    from bdg_indicators.claims import REASONS
    from bdg_indicators.describe import format_number

    vi = lang == "vi"
    printed = check.claim.value
    if check.reason == "value-differs" and check.ours is not None and not printed.is_fraction:
        ours = format_number(check.ours, printed.decimals + 3, lang)
        exact = _exact(check.ours)
        if vi:
            return (
                f"báo cáo ghi {printed.text}, tức {printed.interval()}; tính lại {ours}… "
                f"(chính xác {exact}), nằm ngoài khoảng"
            )
        return f"printed {printed.text}, that is {printed.interval()}; ours {ours}… ({exact})"
    reason = REASONS[check.reason] if check.reason else None
    words = (reason.vi if vi else reason.en) if reason else ""
    return f"{words} — {check.detail}" if check.detail else words


def _printed_json(claim: Any) -> dict[str, Any] | None:
    from bdg_indicators.claims import Printed

    printed = claim.value
    if printed is None:
        return None
    if not isinstance(printed, Printed):
        return {"text": printed.text, "readable": False, "problem": printed.reason}
    return {
        "text": printed.text,
        "readable": True,
        "value_exact": _exact(printed.number)
        if printed.denominator is None
        else f"{printed.number}/{printed.denominator}",
        "decimals": printed.decimals,
        "interval": printed.interval(),
        "low_exact": _exact(printed.low),
        "high_exact": _exact(printed.high),
        "scale": printed.scale,
        "unit": printed.unit,
        "bound": {0: None, 1: "above", 2: "below", 3: "about"}[printed.bound],
    }


def _exact(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.numerator) if value.denominator == 1 else str(value)


def _check_json(number: int, check: Any) -> dict[str, Any]:
    from bdg_indicators.explain import explanation_dict

    claim, figure = check.claim, check.figure
    name, subject = claim.subject
    return {
        "number": number,
        "location": str(claim.location),
        "kind": claim.kind.value,
        "subject": {"type": name, "id": subject},
        "org_unit": claim.org_unit,
        "period": str(claim.period),
        "counts": claim.counts if claim.kind.value == "count" else None,
        "printed": _printed_json(claim),
        "verdict_printed": claim.verdict,
        "note": claim.note,
        "page": claim.page,
        "outcome": check.outcome.value,
        "reason_code": check.reason,
        "detail": check.detail,
        "ours": {
            "shown": check.shown("vi") or None,
            "shown_en": check.shown("en") or None,
            "exact": _exact(check.ours),
            "denominator": check.ours_denominator,
            "value_exact": _exact(figure.value) if figure else None,
            "unit": figure.unit if figure else None,
            "bound": {0: None, 1: "above", 2: "below", 3: "about"}[figure.bound]
            if figure
            else None,
            "status": check.status,
        },
        "explanation": explanation_dict(check.explanation) if check.explanation else None,
    }


def _verification_json(verification: Any, claims: Any) -> dict[str, Any]:
    """The machine interface of `bdg verify`: stable English keys and codes."""
    counts = verification.counts()
    return {
        "spec": verification.spec,
        "claims_file": verification.file,
        "source": claims.source,
        "locale": claims.locale,
        "consistent": verification.consistent,
        "counts": {o.value: n for o, n in counts.items()},
        "claims": [_check_json(n, c) for n, c in enumerate(verification.checks, 1)],
    }
