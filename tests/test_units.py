"""Tests for bdg_indicators.units: spellings, dimensions and exact conversion factors."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings

from bdg_indicators.errors import BdgError, UnitError
from bdg_indicators.units import (
    canonical_unit,
    conversion_factor,
    difference_unit,
    dimension_of,
    is_percent,
    registry,
)
from strategies import (
    UNITS_BY_DIMENSION,
    different_dimension_units,
    nfd,
    same_dimension_units,
)

VIETNAMESE_SPELLINGS = [
    ("tỷ đồng", "ty_dong"),
    ("tỉ đồng", "ty_dong"),
    ("triệu đồng", "trieu_dong"),
    ("nghìn đồng", "nghin_dong"),
    ("ngàn đồng", "nghin_dong"),
    ("đồng", "dong"),
    ("người", "person"),
    ("trẻ em", "child"),
    ("hộ", "household"),
    ("xã", "commune"),
    ("lần", "times"),
    ("giờ", "hour"),
    ("ngày", "day"),
    ("điểm", "point"),
    ("điểm phần trăm", "percentage_point"),
]

# ---------------------------------------------------------------- spellings


@pytest.mark.parametrize(("spelling", "name"), VIETNAMESE_SPELLINGS)
def test_vietnamese_spellings(spelling: str, name: str) -> None:
    """Each Vietnamese spelling names the registry unit it stands for."""
    assert canonical_unit(spelling) == name


@pytest.mark.parametrize(("spelling", "name"), VIETNAMESE_SPELLINGS)
def test_decomposed_vietnamese_spellings_are_recognised(spelling: str, name: str) -> None:
    """A spelling typed in decomposed Unicode (NFD) is recognised like its composed form."""
    decomposed = nfd(spelling)
    if decomposed == spelling:  # pragma: no cover - every spelling above has an accent
        pytest.skip("no accents")
    assert canonical_unit(decomposed) == name


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("person", "person"),
        ("people", "person"),
        ("%", "percent"),
        ("‰", "per_1000"),
        ("per 1,000", "per_1000"),
        ("per 100000", "per_100000"),
        ("percentage points", "percentage_point"),
        ("pp", "percentage_point"),
        ("VND", "dong"),
        ("  người  ", "person"),
        ("Tỷ đồng", "ty_dong"),
    ],
)
def test_other_spellings(spelling: str, name: str) -> None:
    """English names, plurals, symbols, capitalised and padded spellings are accepted."""
    assert canonical_unit(spelling) == name


def test_longest_spelling_wins() -> None:
    """``điểm phần trăm`` is percentage points, not ``điểm`` (score points) followed by text."""
    assert dimension_of("điểm phần trăm") == ()
    assert dimension_of("điểm") == (("[score]", 1),)


def test_compound_units_with_vietnamese_parts() -> None:
    """Vietnamese spellings work inside compound units such as ``tỷ đồng / người``."""
    assert dimension_of("tỷ đồng / người") == (("[count]", -1), ("[currency]", 1))
    assert conversion_factor("tỷ đồng / người", "triệu đồng / người") == 1000


# ---------------------------------------------------------------- dimensions


@pytest.mark.parametrize(
    ("unit", "dimension"),
    [
        ("person", (("[count]", 1),)),
        ("trẻ em", (("[count]", 1),)),
        ("tỷ đồng", (("[currency]", 1),)),
        ("giờ", (("[time]", 1),)),
        ("person/hour", (("[count]", 1), ("[time]", -1))),
        ("điểm", (("[score]", 1),)),
        ("percent", ()),
        ("lần", ()),
        ("child/person", ()),
        ("death/birth", ()),
    ],
)
def test_dimension_of(unit: str, dimension: tuple[tuple[str, int], ...]) -> None:
    """Dimensions are sorted (base, exponent) pairs; ratios of counts are pure numbers."""
    assert dimension_of(unit) == dimension


@pytest.mark.parametrize("unit", UNITS_BY_DIMENSION["count"])
def test_all_count_nouns_share_one_dimension(unit: str) -> None:
    """Every counted thing (person, child, household, birth, ...) has the count dimension."""
    assert dimension_of(unit) == (("[count]", 1),)


# ---------------------------------------------------------------- conversion factors


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("tỷ đồng", "triệu đồng", Fraction(1000)),
        ("triệu đồng", "tỷ đồng", Fraction(1, 1000)),
        ("tỉ đồng", "đồng", Fraction(10**9)),
        ("nghìn đồng", "dong", Fraction(1000)),
        ("person/person", "percent", Fraction(100)),
        ("death/birth", "per_100000", Fraction(100_000)),
        ("child/person", "per_1000", Fraction(1000)),
        ("per_1000", "percent", Fraction(1, 10)),
        ("percent", "per_100000", Fraction(1000)),
        ("percentage_point", "percent", Fraction(1)),
        ("giờ", "minute", Fraction(60)),
        ("ngày", "giờ", Fraction(24)),
        ("người", "trẻ em", Fraction(1)),
    ],
)
def test_conversion_factors_are_exact_fractions(source: str, target: str, factor: Fraction) -> None:
    """Conversion factors are exact Fractions (1/10 is exactly 1/10, not 0.1 in binary)."""
    result = conversion_factor(source, target)
    assert type(result) is Fraction
    assert result == factor


def test_conversion_factor_is_scaling() -> None:
    """Multiplying a value by the factor converts it: 35 tỷ đồng is 35,000 triệu đồng."""
    assert 35 * conversion_factor("tỷ đồng", "triệu đồng") == 35_000


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("person", "dong"),
        ("tỷ đồng", "người"),
        ("percent", "person"),
        ("giờ", "điểm"),
        ("person/hour", "person"),
    ],
)
def test_dimension_mismatch_raises_unit_mismatch(source: str, target: str) -> None:
    """Converting between different dimensions raises UnitError with code unit-mismatch."""
    with pytest.raises(UnitError) as info:
        conversion_factor(source, target)
    assert [p.code for p in info.value.problems] == ["unit-mismatch"]
    assert source in info.value.problems[0].message
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, BdgError)


@settings(deadline=None)
@given(same_dimension_units(2))
def test_factors_in_both_directions_multiply_to_one(pair: tuple[str, ...]) -> None:
    """Converting there and back is exactly the identity."""
    source, target = pair
    assert conversion_factor(source, target) * conversion_factor(target, source) == 1


@settings(deadline=None)
@given(same_dimension_units(3))
def test_factors_compose(triple: tuple[str, ...]) -> None:
    """Converting a -> b -> c gives exactly the factor of a -> c."""
    a, b, c = triple
    assert conversion_factor(a, b) * conversion_factor(b, c) == conversion_factor(a, c)


@settings(deadline=None)
@given(different_dimension_units())
def test_units_of_different_dimensions_never_convert(pair: tuple[str, str]) -> None:
    """Any two units of different dimensions raise unit-mismatch."""
    with pytest.raises(UnitError) as info:
        conversion_factor(*pair)
    assert info.value.problems[0].code == "unit-mismatch"


# ---------------------------------------------------------------- unknown units


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("persn", "person"), ("tỷ đông", "tỷ đồng"), ("childen", "children")],
)
def test_unknown_unit_has_did_you_mean_hint(text: str, suggestion: str) -> None:
    """An unknown unit raises unknown-unit with a hint naming the closest known spelling."""
    with pytest.raises(UnitError) as info:
        canonical_unit(text)
    (problem,) = info.value.problems
    assert problem.code == "unknown-unit"
    assert text in problem.message
    assert problem.hint is not None
    assert "did you mean" in problem.hint
    assert f"`{suggestion}`" in problem.hint


def test_unknown_unit_without_close_match_points_to_docs() -> None:
    """When nothing is close, the hint points to the units reference instead of guessing."""
    with pytest.raises(UnitError) as info:
        canonical_unit("xyzzy")
    hint = info.value.problems[0].hint
    assert hint is not None
    assert "did you mean" not in hint
    assert "units reference" in hint


@pytest.mark.parametrize("text", ["2 person", "person +", "(person", "người/", "kg", "person/1000"])
def test_malformed_or_foreign_units_are_unknown(text: str) -> None:
    """Units outside the domain registry, or malformed expressions, raise unknown-unit."""
    with pytest.raises(UnitError) as info:
        dimension_of(text)
    assert info.value.problems[0].code == "unknown-unit"


def test_unknown_unit_in_conversion() -> None:
    """conversion_factor reports an unknown unit as unknown-unit, not as a mismatch."""
    with pytest.raises(UnitError) as info:
        conversion_factor("person", "widgets")
    assert info.value.problems[0].code == "unknown-unit"


# ---------------------------------------------------------------- percent and differences


@pytest.mark.parametrize("unit", ["percent", "%"])
def test_difference_of_percents_is_percentage_points(unit: str) -> None:
    """The difference of two percentages is in percentage points."""
    assert is_percent(unit)
    assert difference_unit(unit) == "percentage_point"


@pytest.mark.parametrize(
    ("unit", "difference"),
    [
        ("person", "person"),
        ("tỷ đồng", "ty_dong"),
        ("per_1000", "per_1000"),
        ("percentage_point", "percentage_point"),
    ],
)
def test_difference_of_other_units_is_the_unit(unit: str, difference: str) -> None:
    """For any unit other than percent, differences keep the unit."""
    assert not is_percent(unit)
    assert difference_unit(unit) == difference


def test_registry_is_shared() -> None:
    """registry() builds one pint registry and then always returns it."""
    assert registry() is registry()


def test_shipped_unit_table_matches_pint() -> None:
    """The shipped unit table is exactly what pint computes from the definitions file."""
    import json
    from pathlib import Path

    from bdg_indicators.units import build_table, table_path

    shipped = json.loads(Path(table_path()).read_text(encoding="utf-8"))
    assert shipped == build_table(), "run write_table() after editing data/units.txt"


def test_table_and_pint_agree_on_every_spelling() -> None:
    """Every alias resolves through the table to the same unit pint gives."""
    from bdg_indicators.units import _ALIASES, _normalise, _with_pint, unit_info

    for spelling, _ in _ALIASES:
        normalised = _normalise(spelling)
        assert unit_info(spelling) == _with_pint(normalised, spelling), spelling


def test_validate_does_not_import_pint() -> None:
    """Loading a spec whose units are all in the table does not import pint (start-up speed)."""
    import subprocess
    import sys

    code = (
        "import sys, bdg_indicators as b; b.load_spec('vn.gender-equality.2021-2030'); "
        "print('pint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
