"""The spec compiler's own pieces: the built-in breakdowns shipped as package data."""

from __future__ import annotations

from bdg_indicators._compile.codes import builtin_breakdowns
from bdg_indicators.loading import load_spec_text

MINIMAL = """\
bdg_spec: 1
id: test.minimal
title: Thử
"""


def test_builtin_breakdowns_are_package_data() -> None:
    """`data/breakdowns.yaml` holds sex, area, ethnicity and age_group, labelled in vi and en."""
    breakdowns = builtin_breakdowns()
    assert list(breakdowns) == ["sex", "area", "ethnicity", "age_group"]
    assert breakdowns["sex"].label.vi == "Giới tính"
    assert breakdowns["sex"].label.en == "Sex"
    assert list(breakdowns["area"].values) == ["urban", "rural"]
    assert list(breakdowns["ethnicity"].values) == ["kinh", "ethnic_minority"]
    ages = breakdowns["age_group"].values
    assert list(ages) == [
        *("under_1", "under_5", "under_6", "under_16", "under_18"),
        *("6_14", "15_40", "15_60", "15_plus", "60_plus"),
    ]
    assert ages["15_plus"].vi == "Từ 15 tuổi trở lên"
    assert ages["15_plus"].en == "15 and over"


def test_every_spec_has_the_builtin_breakdowns() -> None:
    """A spec that declares no breakdowns still has the built-in ones, in the file's order."""
    spec = load_spec_text(MINIMAL)
    assert [b.id for b in spec.breakdowns] == ["sex", "area", "ethnicity", "age_group"]
    assert spec.breakdown("sex").value_ids() == ("male", "female")
