"""Reporting periods: years, half-years, quarters, months, spans of years and elected terms.

Written forms (SDMX-style, so tools agree):

    2020            the year 2020                       ("năm 2020")
    2020-S1         the first half of 2020              ("6 tháng đầu năm 2020")
    2020-S2         the second half of 2020             ("6 tháng cuối năm 2020")
    2020-Q3         the third quarter of 2020           ("quý III năm 2020")
    2020-06         June 2020                           ("tháng 6 năm 2020")
    2016/2020       the years 2016 to 2020 inclusive    ("giai đoạn 2016-2020")
    term:2016/2021  the elected term 2016-2021          ("nhiệm kỳ 2016-2021")

Every period is a whole number of calendar months, so containment and overlap are exact.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator

import attrs

from .errors import PeriodError, Problem

__all__ = ["Period", "PeriodKind", "parse_period"]

TERM_YEARS = 5
"""Length of an elected term in Viet Nam, used to find the previous term."""


class PeriodKind(enum.Enum):
    """The kinds of period."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    SPAN = "span"
    TERM = "term"


_MONTHS = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    (PeriodKind.YEAR, re.compile(r"(\d{4})", re.ASCII)),
    (PeriodKind.HALF, re.compile(r"(\d{4})-[Ss]([12])", re.ASCII)),
    (PeriodKind.QUARTER, re.compile(r"(\d{4})-[Qq]([1-4])", re.ASCII)),
    (PeriodKind.MONTH, re.compile(r"(\d{4})-(0[1-9]|1[0-2])", re.ASCII)),
    (PeriodKind.SPAN, re.compile(r"(\d{4})/(\d{4})", re.ASCII)),
    (PeriodKind.TERM, re.compile(r"term:(\d{4})/(\d{4})", re.ASCII)),
)


@attrs.frozen(order=False)
class Period:
    """A reporting period: a kind and a first and last month (inclusive).

    Months are counted as ``year * 12 + (month - 1)``. Build periods with
    [`parse_period`][bdg_indicators.parse_period] or [`Period.year`][bdg_indicators.Period.year].
    Periods sort by first month, then by last month, so 2020 sorts before 2020-S2.
    """

    kind: PeriodKind
    """What kind of period this is."""
    first: int
    """The first month, as ``year * 12 + (month - 1)``."""
    last: int
    """The last month (inclusive), same counting."""

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year ``year``."""
        return cls(PeriodKind.YEAR, year * 12, year * 12 + 11)

    @property
    def start_year(self) -> int:
        """The calendar year the period starts in."""
        return self.first // 12

    @property
    def end_year(self) -> int:
        """The calendar year the period ends in."""
        return self.last // 12

    @property
    def months(self) -> int:
        """The number of months the period covers."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        year, month = divmod(self.first, 12)
        match self.kind:
            case PeriodKind.YEAR:
                return f"{year}"
            case PeriodKind.HALF:
                return f"{year}-S{month // 6 + 1}"
            case PeriodKind.QUARTER:
                return f"{year}-Q{month // 3 + 1}"
            case PeriodKind.MONTH:
                return f"{year}-{month + 1:02d}"
            case PeriodKind.SPAN:
                return f"{year}/{self.end_year}"
            case PeriodKind.TERM:
                return f"term:{year}/{self.end_year}"
        raise AssertionError(self.kind)  # pragma: no cover

    def _key(self) -> tuple[int, int]:
        return (self.first, self.last)

    def __lt__(self, other: Period) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Period) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Period) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Period) -> bool:
        return self._key() >= other._key()

    def contains(self, other: Period) -> bool:
        """Whether ``other`` lies wholly inside this period (2020 contains 2020-S1)."""
        return self.first <= other.first and other.last <= self.last

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one month."""
        return self.first <= other.last and other.first <= self.last

    def shifted(self, months: int) -> Period:
        """The same kind of period, moved by ``months``."""
        return Period(self.kind, self.first + months, self.last + months)

    def previous(self) -> Period:
        """The period just before, of the same kind and length (2020-S1 gives 2019-S2).

        An elected term's previous term starts five years earlier.
        """
        if self.kind is PeriodKind.TERM:
            return self.shifted(-12 * TERM_YEARS)
        return self.shifted(-self.months)

    def next(self) -> Period:
        """The period just after, of the same kind and length."""
        if self.kind is PeriodKind.TERM:
            return self.shifted(12 * TERM_YEARS)
        return self.shifted(self.months)

    def same_period_previous_year(self) -> Period:
        """The same period one year earlier ("so với cùng kỳ năm trước"): 2020-S1 gives 2019-S1."""
        return self.shifted(-12)

    def subperiods(self, kind: PeriodKind) -> Iterator[Period]:
        """The periods of ``kind`` (year, half, quarter or month) that make up this period."""
        size = _MONTHS.get(kind)
        if size is None:
            raise ValueError(f"cannot split a period into {kind.value}s")
        start = self.first - self.first % size
        for first in range(start, self.last + 1, size):
            period = Period(kind, first, first + size - 1)
            if self.contains(period):
                yield period

    def years(self) -> Iterator[Period]:
        """The calendar years inside this period."""
        return self.subperiods(PeriodKind.YEAR)


@functools.lru_cache(maxsize=4096)
def parse_period(text: str | int) -> Period:
    """Parse a period written as ``2020``, ``2020-S1``, ``2020-Q3``, ``2020-06``, ``2016/2020`` or
    ``term:2016/2021``. Raises [`PeriodError`][bdg_indicators.PeriodError]."""
    raw = str(text).strip()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(raw)
        if match is None:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 2200:
            break
        if kind in _MONTHS:
            part = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            size = _MONTHS[kind]
            first = year * 12 + (part - 1) * size
            return Period(kind, first, first + size - 1)
        end = int(match.group(2))
        if not year < end <= 2200:
            break
        return Period(kind, year * 12, end * 12 + 11)
    raise PeriodError(
        [
            Problem(
                code="invalid-period",
                message=f"`{raw}` is not a period",
                hint="write 2020, 2020-S1, 2020-Q3, 2020-06, 2016/2020 or term:2016/2021",
            )
        ]
    )
