"""What every part of the compiler shares: the merged spec, the problems found so far, the tables
compiled so far, and the small checks (ids, periods, dates, units, required keys, references)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

import attrs

from bdg_indicators import units as units_mod
from bdg_indicators._document import LabelDoc
from bdg_indicators._yaml import YamlNumber
from bdg_indicators.errors import BdgError, Location, Problem, Severity, did_you_mean
from bdg_indicators.periods import Period, parse_period
from bdg_indicators.spec import CodeList, DataItem, Indicator, Label

from .merge import Located, Merged

ID_RE = re.compile(r"[a-z][a-z0-9_]*")


@attrs.define
class Context:
    """The state of one compilation."""

    merged: Merged
    problems: list[Problem]
    failed: set[str] = attrs.Factory(set)
    """Names whose definitions failed, to avoid cascades."""
    breakdowns: dict[str, CodeList] = attrs.Factory(dict)
    attributes: dict[str, CodeList] = attrs.Factory(dict)
    items: dict[str, DataItem] = attrs.Factory(dict)
    compiled: dict[str, Indicator | None] = attrs.Factory(dict)
    """Indicators by id; ``None`` while being compiled and when they failed."""

    def error(
        self,
        code: str,
        message: str,
        location: Location,
        hint: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            Problem(code=code, message=message, location=location, hint=hint, severity=severity)
        )

    def errors(self) -> int:
        """How many errors were found so far."""
        return len([p for p in self.problems if p.is_error])

    def period(self, text: str, where: Location) -> Period | None:
        try:
            return parse_period(text)
        except BdgError as exc:
            for p in exc.problems:
                self.error(p.code, p.message, where, p.hint)
            return None

    def date(self, text: str, where: Location) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.error(
                "invalid-value",
                f"`{text}` is not a date",
                where,
                "write dates as YYYY-MM-DD, e.g. 2010-12-24",
            )
            return datetime.date(1900, 1, 1)

    def check_id(self, key: str, where: Location, what: str) -> bool:
        if ID_RE.fullmatch(key):
            return True
        suggestion = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")
        self.error(
            "invalid-id",
            f"`{key}` is not a valid {what} id",
            where,
            f"use lowercase ASCII letters, digits and `_`, e.g. `{suggestion}`; put the "
            "Vietnamese text in `label`",
        )
        return False

    def unit(self, text: str, where: Location) -> str | None:
        try:
            return units_mod.canonical_unit(text)
        except BdgError as exc:
            for p in exc.problems:
                self.error(p.code, p.message, where, p.hint)
            return None

    def require(self, value: Any, key: str, entry: Located, what: str) -> bool:
        if value is None:
            self.error("missing-key", f"{what} needs `{key}`", entry.at(key=True))
            return False
        return True

    def unknown(
        self,
        name: str,
        known: Iterable[str],
        where: Location,
        what: str,
        code: str = "unknown-reference",
    ) -> None:
        if name in self.merged.dropped:
            return  # its definition failed and was reported there
        self.error(code, f"unknown {what} `{name}`", where, did_you_mean(name, known))


def text(value: Any) -> str:
    """A threshold's value as written."""
    if isinstance(value, YamlNumber):
        return value.text
    return str(value)


def to_label(doc: LabelDoc) -> Label:
    return Label(vi=doc.vi, en=doc.en)
