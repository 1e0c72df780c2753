"""A chỉ tiêu's verdict from its entries' verdicts (rules.tally), and the x/y summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bdg_indicators.rules.statuses import Status
from bdg_indicators.rules.tally import UNDETERMINED, combine
from bdg_indicators.spec import TargetRule

STATUSES = [s.value for s in Status]
entries = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=5)


@given(entries)
def test_all_is_achieved_only_when_every_applicable_entry_is(statuses: list[str]) -> None:
    status, _ = combine(statuses, TargetRule.ALL)
    applicable = [s for s in statuses if s != "not_applicable"]
    assert (status == "achieved") == (bool(applicable) and set(applicable) == {"achieved"})
    assert (status == "not_applicable") == (not applicable)
    if "not_achieved" in applicable:
        assert status == "not_achieved"  # a known failure is never hidden by missing data
    if "no_data" in applicable and status == "achieved":
        raise AssertionError("achieved with an entry without data")


@given(entries)
def test_any_is_achieved_when_one_entry_is(statuses: list[str]) -> None:
    status, _ = combine(statuses, TargetRule.ANY)
    assert (status == "achieved") == ("achieved" in statuses)
    applicable = [s for s in statuses if s != "not_applicable"]
    if applicable and set(applicable) == {"not_achieved"}:
        assert status == "not_achieved"


@given(entries)
def test_readings_give_a_verdict_only_when_they_agree(statuses: list[str]) -> None:
    status, reason = combine(statuses, TargetRule.READINGS)
    applicable = {s for s in statuses if s != "not_applicable"}
    if len(applicable) == 1:
        assert status == applicable.pop()
        assert reason is None
    elif len(applicable) > 1:
        assert status in ("no_data", UNDETERMINED)
        assert reason in ("reading-without-data", "readings-disagree")


def test_named_cases() -> None:
    assert combine(["achieved", "on_track"], TargetRule.ALL) == ("on_track", None)
    assert combine(["off_track", "no_data"], TargetRule.ALL) == ("off_track", None)
    assert combine(["achieved", "not_applicable"], TargetRule.ALL) == ("achieved", None)
    assert combine(["not_applicable"], TargetRule.ALL) == ("not_applicable", "no-entry-applies")
    assert combine(["achieved", "not_achieved"], TargetRule.READINGS) == (
        UNDETERMINED,
        "readings-disagree",
    )
