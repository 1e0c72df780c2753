"""Tests for bdg_indicators.periods: parsing, writing, ordering and arithmetic of periods."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bdg_indicators.errors import BdgError, PeriodError
from bdg_indicators.periods import Period, PeriodKind, parse_period
from strategies import PeriodCase, period_cases

# ---------------------------------------------------------------- parsing every form


@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2020", PeriodKind.YEAR, (2020, 1), (2020, 12)),
        ("2020-S1", PeriodKind.HALF, (2020, 1), (2020, 6)),
        ("2020-S2", PeriodKind.HALF, (2020, 7), (2020, 12)),
        ("2020-Q1", PeriodKind.QUARTER, (2020, 1), (2020, 3)),
        ("2020-Q3", PeriodKind.QUARTER, (2020, 7), (2020, 9)),
        ("2020-Q4", PeriodKind.QUARTER, (2020, 10), (2020, 12)),
        ("2020-01", PeriodKind.MONTH, (2020, 1), (2020, 1)),
        ("2020-06", PeriodKind.MONTH, (2020, 6), (2020, 6)),
        ("2020-12", PeriodKind.MONTH, (2020, 12), (2020, 12)),
        ("2016/2020", PeriodKind.SPAN, (2016, 1), (2020, 12)),
        ("term:2016/2021", PeriodKind.TERM, (2016, 1), (2021, 12)),
    ],
)
def test_parse_every_form(
    text: str, kind: PeriodKind, first: tuple[int, int], last: tuple[int, int]
) -> None:
    """Each written form parses to the right kind and the right first and last month."""
    period = parse_period(text)
    assert period.kind is kind
    assert period.first == first[0] * 12 + first[1] - 1
    assert period.last == last[0] * 12 + last[1] - 1
    assert period.start_year == first[0]
    assert period.end_year == last[0]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("2020", 12),
        ("2020-S2", 6),
        ("2020-Q3", 3),
        ("2020-06", 1),
        ("2016/2020", 60),
        ("term:2016/2021", 72),
    ],
)
def test_months_counts_calendar_months(text: str, months: int) -> None:
    """``months`` is the number of calendar months the period covers."""
    assert parse_period(text).months == months


@pytest.mark.parametrize(("text", "canonical"), [("2020-s1", "2020-S1"), ("2020-q4", "2020-Q4")])
def test_lowercase_half_and_quarter_letters_are_accepted(text: str, canonical: str) -> None:
    """``s`` and ``q`` may be written in lowercase; the period is written back in uppercase."""
    assert str(parse_period(text)) == canonical


def test_surrounding_whitespace_is_ignored() -> None:
    """Whitespace around a period is stripped before parsing."""
    assert parse_period("  2020-Q2\n") == parse_period("2020-Q2")


def test_an_int_is_a_year() -> None:
    """An int (as YAML readers may give for ``2020``) is read as that year."""
    assert parse_period(2020) == parse_period("2020")
    assert parse_period(2020).kind is PeriodKind.YEAR


def test_year_constructor_matches_parsing() -> None:
    """``Period.year(y)`` equals ``parse_period(str(y))``."""
    assert Period.year(2021) == parse_period("2021")


@pytest.mark.parametrize("text", ["1900", "2200", "1900/2200", "term:2195/2200"])
def test_bounds_of_accepted_years_are_inclusive(text: str) -> None:
    """Years 1900 and 2200 are the inclusive limits of accepted years."""
    assert str(parse_period(text)) == text


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    "text",
    [
        "2020-S3",
        "2020-S0",
        "2020-13",
        "2020-00",
        "2020-6",
        "2020-Q5",
        "2020-Q0",
        "2021/2020",
        "2020/2020",
        "term:2021/2016",
        "term:2016/2016",
        "TERM:2016/2021",
        "term 2016/2021",
        "abc",
        "",
        "   ",
        "1800",
        "1899",
        "2201",
        "2020/2201",
        "20200",
        "202",
        "2020-H1",
        "2016-2020",
        "2020/S1",
        "năm 2020",
    ],
)
def test_invalid_periods_raise_period_error(text: str) -> None:
    """Malformed periods raise PeriodError with the single code invalid-period."""
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert [p.code for p in info.value.problems] == ["invalid-period"]
    assert info.value.problems[0].hint


def test_period_error_is_a_value_error_and_a_bdg_error() -> None:
    """PeriodError can be caught as ValueError and as BdgError."""
    with pytest.raises(ValueError, match="invalid-period"):
        parse_period("2020-S3")
    with pytest.raises(BdgError):
        parse_period(1800)


def test_error_message_quotes_the_input() -> None:
    """The message names the text that is not a period."""
    with pytest.raises(PeriodError) as info:
        parse_period("2020-13")
    assert "`2020-13`" in info.value.problems[0].message


# ---------------------------------------------------------------- round trip


@given(period_cases())
def test_parse_then_str_round_trips(case: PeriodCase) -> None:
    """``str(parse_period(s)) == s`` for every period written in canonical form."""
    assert str(parse_period(case.text)) == case.text


@given(period_cases())
def test_parsed_months_match_hand_computed_months(case: PeriodCase) -> None:
    """The parsed first and last months agree with months computed independently."""
    period = parse_period(case.text)
    assert (period.first, period.last) == (case.first_month, case.last_month)
    assert period.kind.value == case.kind
    assert period.months == len(case.month_set)


@given(period_cases())
def test_parsing_twice_gives_equal_hashable_periods(case: PeriodCase) -> None:
    """Periods are values: parsing the same text twice gives equal periods with equal hashes."""
    assert parse_period(case.text) == parse_period(case.text)
    assert len({parse_period(case.text), parse_period(case.text)}) == 1


# ---------------------------------------------------------------- ordering


def test_ordering_by_first_then_last_month() -> None:
    """Periods sort by first month, then last month: 2020-S1 < 2020 < 2020-S2."""
    texts = ["2020-S2", "2021", "2020", "2019-12", "2020-S1", "2020-01", "2016/2020"]
    ordered = [str(p) for p in sorted(parse_period(t) for t in texts)]
    assert ordered == ["2016/2020", "2019-12", "2020-01", "2020-S1", "2020", "2020-S2", "2021"]


def test_comparison_operators() -> None:
    """``<``, ``<=``, ``>`` and ``>=`` agree with the documented order."""
    earlier, later = parse_period("2020-Q1"), parse_period("2020-Q2")
    assert earlier < later
    assert earlier <= later
    assert later > earlier
    assert later >= earlier
    assert not later < earlier
    assert earlier <= parse_period("2020-Q1")
    assert earlier >= parse_period("2020-Q1")


@given(period_cases(), period_cases())
def test_order_matches_first_then_last_month(a: PeriodCase, b: PeriodCase) -> None:
    """``<`` agrees with comparing (first month, last month) computed independently."""
    pa, pb = parse_period(a.text), parse_period(b.text)
    key_a, key_b = (a.first_month, a.last_month), (b.first_month, b.last_month)
    assert (pa < pb) == (key_a < key_b)
    assert (pa <= pb) == (key_a <= key_b)
    assert (pa > pb) == (key_a > key_b)
    assert (pa >= pb) == (key_a >= key_b)


def test_same_months_of_different_kinds_are_not_equal() -> None:
    """A span and a term over the same years are different periods."""
    assert parse_period("2016/2021") != parse_period("term:2016/2021")


# ---------------------------------------------------------------- contains / overlaps


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("2020", "2020-S1", True),
        ("2020", "2020-Q3", True),
        ("2020", "2020-06", True),
        ("2020", "2020", True),
        ("2020-S1", "2020-Q2", True),
        ("2020-S1", "2020-Q3", False),
        ("2020", "2021-01", False),
        ("2020-S1", "2020", False),
        ("2016/2020", "2018", True),
        ("2016/2020", "2020-12", True),
        ("2016/2020", "2021-01", False),
        ("term:2016/2021", "2021-S2", True),
        ("2016/2020", "term:2016/2021", False),
    ],
)
def test_contains(outer: str, inner: str, expected: bool) -> None:
    """A period contains another exactly when every month of the other lies inside it."""
    assert parse_period(outer).contains(parse_period(inner)) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2020", "2020-S2", True),
        ("2020-S1", "2020-S2", False),
        ("2020-Q2", "2020-06", True),
        ("2020-Q2", "2020-07", False),
        ("2016/2020", "term:2020/2025", True),
        ("2016/2020", "2021/2025", False),
        ("2019-12", "2020", False),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    """Two periods overlap exactly when they share a month, in either order."""
    pa, pb = parse_period(a), parse_period(b)
    assert pa.overlaps(pb) is expected
    assert pb.overlaps(pa) is expected


@given(period_cases(), period_cases())
def test_contains_and_overlaps_match_month_sets(a: PeriodCase, b: PeriodCase) -> None:
    """``contains`` is subset and ``overlaps`` is non-empty intersection of the month sets."""
    pa, pb = parse_period(a.text), parse_period(b.text)
    assert pa.contains(pb) == (b.month_set <= a.month_set)
    assert pa.overlaps(pb) == bool(a.month_set & b.month_set)


# ---------------------------------------------------------------- previous / next


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2020", "2019", "2021"),
        ("2020-S1", "2019-S2", "2020-S2"),
        ("2020-S2", "2020-S1", "2021-S1"),
        ("2020-Q1", "2019-Q4", "2020-Q2"),
        ("2020-Q4", "2020-Q3", "2021-Q1"),
        ("2020-01", "2019-12", "2020-02"),
        ("2020-12", "2020-11", "2021-01"),
        ("2016/2020", "2011/2015", "2021/2025"),
        ("term:2016/2021", "term:2011/2016", "term:2021/2026"),
    ],
)
def test_previous_and_next(text: str, previous: str, following: str) -> None:
    """``previous()`` and ``next()`` give the adjacent period of the same kind."""
    period = parse_period(text)
    assert str(period.previous()) == previous
    assert str(period.next()) == following


@given(period_cases())
def test_previous_and_next_are_inverse(case: PeriodCase) -> None:
    """``p.previous().next() == p`` and ``p.next().previous() == p``."""
    period = parse_period(case.text)
    assert period.previous().next() == period
    assert period.next().previous() == period


@given(period_cases(kinds=("year", "half", "quarter", "month", "span")))
def test_previous_is_adjacent_and_same_length(case: PeriodCase) -> None:
    """Except for terms, the previous period ends the month before this one starts."""
    period = parse_period(case.text)
    before = period.previous()
    assert before.kind is period.kind
    assert before.months == period.months
    assert before.last == period.first - 1
    assert not before.overlaps(period)


@given(period_cases(kinds=("term",)))
def test_previous_term_starts_five_years_earlier(case: PeriodCase) -> None:
    """An elected term's previous term starts five years earlier."""
    period = parse_period(case.text)
    assert period.previous().start_year == period.start_year - 5
    assert period.previous().kind is PeriodKind.TERM


# ---------------------------------------------------------------- same period previous year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-S1", "2019-S1"),
        ("2020-Q3", "2019-Q3"),
        ("2020-06", "2019-06"),
        ("2020", "2019"),
        ("2016/2020", "2015/2019"),
    ],
)
def test_same_period_previous_year(text: str, expected: str) -> None:
    """ "Cùng kỳ năm trước" is the same period moved back twelve months."""
    assert str(parse_period(text).same_period_previous_year()) == expected


@given(period_cases())
def test_same_period_previous_year_keeps_kind_and_length(case: PeriodCase) -> None:
    """The same period a year earlier has the same kind and length, twelve months earlier."""
    period = parse_period(case.text)
    earlier = period.same_period_previous_year()
    assert earlier.kind is period.kind
    assert (earlier.first, earlier.last) == (case.first_month - 12, case.last_month - 12)


# ---------------------------------------------------------------- subperiods / years


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2020", PeriodKind.HALF, ["2020-S1", "2020-S2"]),
        ("2020", PeriodKind.QUARTER, ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4"]),
        ("2020-S2", PeriodKind.QUARTER, ["2020-Q3", "2020-Q4"]),
        ("2020-Q2", PeriodKind.MONTH, ["2020-04", "2020-05", "2020-06"]),
        ("2020-Q2", PeriodKind.HALF, []),
        ("2020-06", PeriodKind.YEAR, []),
        ("2019/2020", PeriodKind.HALF, ["2019-S1", "2019-S2", "2020-S1", "2020-S2"]),
    ],
)
def test_subperiods(text: str, kind: PeriodKind, expected: list[str]) -> None:
    """``subperiods`` lists the whole periods of a kind inside a period, in order."""
    assert [str(p) for p in parse_period(text).subperiods(kind)] == expected


def test_year_has_twelve_months() -> None:
    """A year splits into its twelve months, January to December."""
    months = [str(p) for p in parse_period("2020").subperiods(PeriodKind.MONTH)]
    assert months == [f"2020-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2016/2020", ["2016", "2017", "2018", "2019", "2020"]),
        ("term:2016/2021", ["2016", "2017", "2018", "2019", "2020", "2021"]),
        ("2020", ["2020"]),
        ("2020-S1", []),
    ],
)
def test_years(text: str, years: list[str]) -> None:
    """``years()`` lists the whole calendar years inside a period."""
    assert [str(p) for p in parse_period(text).years()] == years


@pytest.mark.parametrize("kind", [PeriodKind.SPAN, PeriodKind.TERM])
def test_subperiods_of_spans_or_terms_is_refused(kind: PeriodKind) -> None:
    """A period cannot be split into spans or terms."""
    with pytest.raises(ValueError, match="cannot split"):
        list(parse_period("2020").subperiods(kind))


@given(
    period_cases(),
    st.sampled_from([PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH]),
)
def test_subperiods_are_contained_disjoint_and_of_the_kind(
    case: PeriodCase, kind: PeriodKind
) -> None:
    """Subperiods are of the requested kind, inside the period, in order and disjoint."""
    period = parse_period(case.text)
    parts = list(period.subperiods(kind))
    assert all(p.kind is kind and period.contains(p) for p in parts)
    assert all(a.last < b.first for a, b in itertools.pairwise(parts))


@given(period_cases())
def test_months_partition_the_period(case: PeriodCase) -> None:
    """The month subperiods cover exactly the period's months."""
    months = list(parse_period(case.text).subperiods(PeriodKind.MONTH))
    assert {m.first for m in months} == case.month_set
    assert len(months) == len(case.month_set)
