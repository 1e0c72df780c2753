"""Claims files: the figures of a published report, typed as printed, in YAML or CSV.

```yaml
bdg_claims: 1
spec: vn.examples.ngoc-hoi-literacy-2020
source: Báo cáo 419/BC-UBND ngày 15/06/2020 của UBND huyện Ngọc Hồi
locale: vi            # how numbers are printed: vi (default), en or machine
org_unit: ngoc-hoi    # defaults for every claim
period: 2020-S1
claims:
  - {target: "3.1", value: "97,9%", note: "chú thích 4"}
  - {target: "3.1", value: "17101/17471"}
```

A CSV file has one claim a row, with the same keys as columns (``target``, ``indicator``,
``data_item``, ``goal``, ``kind``, ``org_unit``, ``period``, ``value``, ``verdict``, ``counts``,
``note``, ``page``). Every problem is located: file, line and column in YAML, row (the header is
row 1) and column in CSV. [`read_claims`][bdg_indicators.claims.file.read_claims] returns every
problem; [`load_claims`][bdg_indicators.claims.file.load_claims] raises them in one
[`BdgError`][bdg_indicators.BdgError].
"""

from __future__ import annotations

import csv
import enum
import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from bdg_indicators._yaml import MAX_BYTES, Document, YamlNumber, decode_text, read_yaml
from bdg_indicators.errors import BdgError, Location, Problem, Severity, did_you_mean
from bdg_indicators.periods import Period, parse_period
from bdg_indicators.rules.statuses import Status

from .printed import LOCALES, Printed, Unreadable, parse_printed

__all__ = [
    "COUNTS",
    "VERDICT_WORDS",
    "Claim",
    "ClaimKind",
    "ClaimsFile",
    "load_claims",
    "read_claims",
    "shipped_claims",
]


class ClaimKind(enum.Enum):
    """What a printed figure is compared with."""

    VALUE = "value"
    """The value of a target, an indicator or a data item."""
    ATTAINMENT = "attainment"
    """The value as a percentage of the milestone's threshold ("đạt 104% kế hoạch")."""
    COUNT = "count"
    """A count of chỉ tiêu ("12/14 chỉ tiêu đạt"), for the framework or a goal."""
    MILESTONE = "milestone"
    """The milestone's threshold (or the change it asks for) as the plan prints it."""


VERDICT_WORDS: dict[str, frozenset[Status]] = {
    **{w: frozenset({Status.ACHIEVED}) for w in ("đạt", "đạt và vượt", "vượt", "hoàn thành")},
    **{w: frozenset({Status.ACHIEVED}) for w in ("achieved", "met")},
    **{w: frozenset({Status.NOT_ACHIEVED}) for w in ("chưa đạt", "không đạt", "chưa hoàn thành")},
    **{w: frozenset({Status.NOT_ACHIEVED}) for w in ("not achieved", "not met")},
    **{w: frozenset({Status.ON_TRACK}) for w in ("đúng tiến độ", "on track")},
    **{w: frozenset({Status.OFF_TRACK}) for w in ("chậm tiến độ", "off track")},
}
"""The verdict words a claim may print, and the statuses each is consistent with."""

COUNTS = (
    "achieved",
    "not_achieved",
    "on_track",
    "off_track",
    "no_data",
    "undetermined",
    "assessed",
    "targets",
)
"""What a count claim counts: a column of [`summary()`][bdg_indicators.EvaluationResult.summary]
(``12/14``: ``achieved`` over ``assessed``)."""

_SUBJECTS = ("target", "indicator", "data_item", "goal")
_CLAIM_KEYS = (*_SUBJECTS, "kind", "org_unit", "period", "value", "verdict", "counts")
_KEYS = (*_CLAIM_KEYS, "note", "page")
_HEADER_KEYS = ("bdg_claims", "spec", "source", "locale", "org_unit", "period", "claims", "note")


@attrs.frozen(kw_only=True)
class Claim:
    """One figure of a report, as printed, and what it is about."""

    kind: ClaimKind
    """What the figure is compared with."""
    target: str | None = None
    """The target (chỉ tiêu) id the figure is about."""
    indicator: str | None = None
    """Or the indicator id."""
    data_item: str | None = None
    """Or the data item id (a reported figure: the org unit's own row)."""
    goal: str | None = None
    """For a count claim: the goal counted (``None``: the framework)."""
    org_unit: str
    """The org unit's code."""
    period: Period
    """The period the figure is for."""
    value: Printed | Unreadable | None = None
    """The printed figure (``None``: only a verdict is claimed)."""
    verdict: str | None = None
    """The printed verdict (``đạt``, ``chưa đạt``, ...; a key of
    [`VERDICT_WORDS`][bdg_indicators.claims.file.VERDICT_WORDS])."""
    counts: str = "achieved"
    """For a count claim, what is counted (one of [`COUNTS`][bdg_indicators.claims.file.COUNTS])."""
    note: str | None = None
    """Where the figure stands in the report, or its sentence."""
    page: str | None = None
    """The page of the report."""
    location: Location = attrs.field(factory=Location)
    """Where the claim is written in the claims file."""

    @property
    def subject(self) -> tuple[str, str | None]:
        """What the claim is about: (``target``/``indicator``/``data_item``/``goal``/``framework``,
        its id)."""
        for name in _SUBJECTS:
            found = getattr(self, name)
            if found is not None:
                return name, found
        return "framework", None


@attrs.frozen(kw_only=True)
class ClaimsFile:
    """A claims file, read: its claims and every problem found."""

    file: str
    """The file as named in messages."""
    claims: tuple[Claim, ...] = ()
    """The claims read without error, in file order."""
    problems: tuple[Problem, ...] = ()
    """Every problem, errors and warnings, in file order."""
    locale: str = "vi"
    """How its numbers are printed."""
    spec: str | None = None
    """The spec id it was written for (``spec:``), if it says."""
    source: str | None = None
    """The document the figures are printed in (``source:``)."""

    @property
    def valid(self) -> bool:
        """Whether there were no errors (warnings allowed)."""
        return not any(p.is_error for p in self.problems)


# ------------------------------------------------------------------------- one claim


@attrs.define
class _Claim:
    """Builds one claim from its fields, each with a function that locates it."""

    fields: Mapping[str, str]
    at: Callable[[str | None], Location]
    locale: str
    problems: list[Problem]

    def problem(self, code: str, message: str, key: str | None, hint: str | None = None) -> None:
        self.problems.append(Problem(code=code, message=message, location=self.at(key), hint=hint))

    def build(self) -> Claim | None:
        before = len(self.problems)
        f = self.fields
        kind = self.kind()
        subjects = [s for s in _SUBJECTS if f.get(s)]
        self.check_subject(kind, subjects)
        if not f.get("value") and not f.get("verdict"):
            self.problem("missing-key", "a claim prints a `value` or a `verdict`", None)
        for key in ("org_unit", "period"):
            if not f.get(key):
                self.problem("missing-key", f"missing `{key}` (in the claim or the file)", key)
        counts = f.get("counts") or "achieved"
        if counts not in COUNTS or (f.get("counts") and kind is not ClaimKind.COUNT):
            self.problem(
                "invalid-value",
                f"`counts: {counts}` is for count claims, one of {', '.join(COUNTS)}",
                "counts",
            )
        period, value, verdict = self.period(), self.value(), self.verdict(kind)
        if kind is None or period is None or len(self.problems) > before:
            return None
        return Claim(
            kind=kind,
            **{s: f.get(s) or None for s in _SUBJECTS},
            org_unit=f["org_unit"],
            period=period,
            value=value,
            verdict=verdict,
            counts=counts,
            note=f.get("note") or None,
            page=f.get("page") or None,
            location=self.at(None),
        )

    def kind(self) -> ClaimKind | None:
        text = self.fields.get("kind")
        if not text:
            subject = any(self.fields.get(s) for s in _SUBJECTS[:3])
            return ClaimKind.VALUE if subject else ClaimKind.COUNT
        try:
            return ClaimKind(text)
        except ValueError:
            names = [k.value for k in ClaimKind]
            self.problem(
                "invalid-value",
                f"`kind: {text}` is not one of {', '.join(names)}",
                "kind",
                did_you_mean(text, names)
                or "value (the default), attainment, count (12/14 chỉ tiêu) or milestone",
            )
            return None

    def check_subject(self, kind: ClaimKind | None, subjects: list[str]) -> None:
        if kind is ClaimKind.COUNT:
            if set(subjects) - {"goal"}:
                self.problem(
                    "claim-subject",
                    "a count claim counts the chỉ tiêu of the framework or of a `goal`, not of "
                    f"a {subjects[0]}",
                    subjects[0],
                )
            return
        if len(subjects) != 1 or subjects[0] == "goal":
            self.problem(
                "claim-subject",
                "a claim names one of `target`, `indicator` or `data_item`"
                + (f" (it names {', '.join(subjects)})" if subjects else ""),
                subjects[-1] if subjects else None,
                hint="a figure for a goal or the framework is a count: `kind: count`",
            )

    def period(self) -> Period | None:
        text = self.fields.get("period")
        if not text:
            return None
        try:
            return parse_period(text)
        except BdgError as exc:
            for p in exc.problems:
                self.problem(p.code, p.message, "period", p.hint)
            return None

    def value(self) -> Printed | Unreadable | None:
        text = self.fields.get("value")
        if not text:
            return None
        printed = parse_printed(text, self.locale)
        if isinstance(printed, Unreadable) and printed.reason == "bad-number":
            self.problem(
                "claim-value",
                printed.message,
                "value",
                hint="a figure as printed: 97,9%; 17.101/17.471; 20.000.000 đ; 96,245 tỷ đồng; "
                "12/14; trên 200.000",
            )
        return printed

    def verdict(self, kind: ClaimKind | None) -> str | None:
        text = self.fields.get("verdict")
        if not text:
            return None
        word = " ".join(text.lower().split())
        if word not in VERDICT_WORDS:
            self.problem(
                "claim-verdict",
                f"`{text}` is not a verdict word",
                "verdict",
                hint=did_you_mean(word, VERDICT_WORDS)
                or "write đạt, chưa đạt, không đạt, "
                "đúng tiến độ, chậm tiến độ (or achieved, not achieved, on track, off track)",
            )
        elif kind in (ClaimKind.COUNT, ClaimKind.MILESTONE):
            self.problem("claim-subject", f"a {kind.value} claim has no verdict", "verdict", None)
        return word


# ------------------------------------------------------------------------- YAML


def _text(value: Any) -> str | None:
    if isinstance(value, YamlNumber):
        return value.text
    if isinstance(value, str):
        return value.strip()
    return None


def _fields(
    entry: dict[str, Any], doc: Document, path: tuple[str | int, ...], problems: list[Problem]
) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in entry.items():
        if key not in _KEYS:
            problems.append(
                Problem(
                    code="unknown-key",
                    message=f"unknown key `{key}` in a claim",
                    location=doc.locate((*path, key), key=True),
                    hint=did_you_mean(str(key), _KEYS),
                )
            )
            continue
        text = _text(value)
        if text is None and value is not None:
            problems.append(
                Problem(
                    code="wrong-type",
                    message=f"`{key}` is text or a number, as printed",
                    location=doc.locate((*path, key)),
                    hint='quote it: value: "97,9%"' if key == "value" else None,
                )
            )
            continue
        if text:
            fields[key] = text
    return fields


def _header(doc: Document, problems: list[Problem]) -> dict[str, Any] | None:
    root = doc.value
    if not isinstance(root, dict) or not isinstance(root.get("claims"), list):
        problems.append(
            Problem(
                code="claims-format",
                message="a claims file is a mapping with a list `claims:`",
                location=doc.locate(()),
                hint="see the claims file format in the docs (reference: claims)",
            )
        )
        return None
    for key in root:
        if key not in _HEADER_KEYS:
            problems.append(
                Problem(
                    code="unknown-key",
                    message=f"unknown key `{key}` in a claims file",
                    location=doc.locate((key,), key=True),
                    hint=did_you_mean(str(key), _HEADER_KEYS),
                )
            )
    version = root.get("bdg_claims")
    if version is not None and _text(version) != "1":
        problems.append(
            Problem(
                code="unsupported-format-version",
                message=f"claims format version `{version}` is not supported",
                location=doc.locate(("bdg_claims",)),
                hint="use `bdg_claims: 1`",
            )
        )
    return root


def _locale(text: str | None, at: Location, problems: list[Problem]) -> str:
    if text is None or text in LOCALES:
        return text or "vi"
    problems.append(
        Problem(
            code="invalid-value",
            message=f"`locale: {text}` is not one of {', '.join(LOCALES)}",
            location=at,
        )
    )
    return "vi"


def _read_yaml(text: str, file: str, locale: str | None) -> ClaimsFile:
    doc = read_yaml(text, file)
    problems = list(doc.problems)
    root = _header(doc, problems) if doc.value is not None or not problems else None
    if root is None or any(p.is_error for p in problems):
        return ClaimsFile(file=file, problems=tuple(problems))
    defaults = {k: t for k in ("org_unit", "period") if (t := _text(root.get(k)))}
    locale = locale or _locale(_text(root.get("locale")), doc.locate(("locale",)), problems)
    claims = []
    for index, entry in enumerate(root["claims"]):
        path: tuple[str | int, ...] = ("claims", index)
        if not isinstance(entry, dict):
            problems.append(
                Problem(
                    code="wrong-type",
                    message="a claim is a mapping (target, value, ...)",
                    location=doc.locate(path),
                )
            )
            continue
        fields = {**defaults, **_fields(entry, doc, path, problems)}

        def at(key: str | None, path: tuple[str | int, ...] = path) -> Location:
            return doc.locate((*path, key) if key else path, key=key is None)

        claim = _Claim(fields, at, locale, problems).build()
        if claim is not None:
            claims.append(claim)
    return ClaimsFile(
        file=file,
        claims=tuple(claims),
        problems=tuple(problems),
        locale=locale,
        spec=_text(root.get("spec")),
        source=_text(root.get("source")),
    )


# ------------------------------------------------------------------------- CSV


def _read_csv(text: str, file: str, locale: str | None) -> ClaimsFile:
    rows = list(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    if not rows or ("value" not in rows[0] and "verdict" not in rows[0]):
        problems.append(
            Problem(
                code="csv-format",
                message="a claims CSV file has a header row with a `value` or `verdict` column",
                location=Location(file=file, line=1),
                hint=f"columns: {', '.join(_KEYS)}",
            )
        )
        return ClaimsFile(file=file, problems=tuple(problems))
    header = [h.strip() for h in rows[0]]
    for column, name in enumerate(header, 1):
        if name not in _KEYS:
            problems.append(
                Problem(
                    code="unused-column",
                    message=f"column `{name}` is not a claims column; it is ignored",
                    location=Location(file=file, line=1, column=column),
                    hint=did_you_mean(name, _KEYS),
                    severity=Severity.WARNING,
                )
            )
    locale = locale or "vi"
    claims = []
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        fields = {h: c.strip() for h, c in zip(header, row, strict=False) if h in _KEYS}

        def at(key: str | None, number: int = number) -> Location:
            column = header.index(key) + 1 if key in header else None
            return Location(file=file, line=number, column=column)

        claim = _Claim(fields, at, locale, problems).build()
        if claim is not None:
            claims.append(claim)
    return ClaimsFile(file=file, claims=tuple(claims), problems=tuple(problems), locale=locale)


# ------------------------------------------------------------------------- files


def read_claims(path: str | os.PathLike[str], *, locale: str | None = None) -> ClaimsFile:
    """Read a claims file (``.yaml``/``.yml`` or ``.csv``); never raises for bad input.

    ``locale`` overrides the file's own ``locale:`` (default ``vi``).
    """
    file = os.fspath(path)
    if locale is not None and locale not in LOCALES:
        raise ValueError(f"locale is one of {', '.join(LOCALES)}")
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        problem = Problem(
            code="file-not-found", message=str(exc.strerror or exc), location=Location(file=file)
        )
        return ClaimsFile(file=file, problems=(problem,))
    if len(data) > MAX_BYTES:
        problem = Problem(
            code="file-too-large",
            message=f"the file is larger than {MAX_BYTES:,} bytes",
            location=Location(file=file),
        )
        return ClaimsFile(file=file, problems=(problem,))
    text, problems = decode_text(data, file)
    if text is None:
        return ClaimsFile(file=file, problems=tuple(problems))
    reader = _read_csv if file.lower().endswith(".csv") else _read_yaml
    read = reader(text, file, locale)
    every = sorted((*problems, *read.problems), key=_order)
    return attrs.evolve(read, problems=tuple(every))


def _order(problem: Problem) -> tuple[int, int]:
    return (problem.location.line or 0, problem.location.column or 0)


def load_claims(path: str | os.PathLike[str], *, locale: str | None = None) -> ClaimsFile:
    """Read a claims file; raises [`BdgError`][bdg_indicators.BdgError] with every problem if
    it has errors."""
    read = read_claims(path, locale=locale)
    if not read.valid:
        raise BdgError(read.problems)
    return read


def shipped_claims(spec_id: str) -> Path | None:
    """The claims file shipped with an example spec: ``claims/<name>.yaml`` in the folder of
    the spec file ``<name>.yaml`` (``None``: it ships none)."""
    from bdg_indicators.loading import shipped_specs

    for shipped in shipped_specs():
        if shipped.id == spec_id:
            path = shipped.path.parent / "claims" / f"{shipped.path.stem}.yaml"
            return path if path.is_file() else None
    return None
