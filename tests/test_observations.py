"""Reading observations: every row used or rejected with a located reason."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bdg_indicators import ObservationError, load_spec_text, read_observations
from bdg_indicators.orgunits import OrgUnit, OrgUnitTree

SPEC = load_spec_text(
    """\
bdg_spec: 1
id: test.obs
title: T
data_items:
  literate: {label: Biết chữ, unit: person, breakdowns: [sex], part_of: population}
  population: {label: Dân số, unit: person, breakdowns: [sex], aggregation: stock}
  fund: {label: Quỹ, unit: tỷ đồng}
  fund_children: {label: Quỹ cho trẻ em, unit: tỷ đồng, part_of: fund}
  flag: {label: Có, type: boolean}
indicators:
  rate: {label: Tỷ lệ, formula: literate / population, unit: percent, better: higher}
goals: []
"""
)
TREE = OrgUnitTree(
    {
        "VN": OrgUnit(code="VN", name="Việt Nam", level="country"),
        "P1": OrgUnit(code="P1", name="Tỉnh", level="province", parent="VN"),
    }
)
HEADER = "org_unit,period,data_item,sex,value,source\n"


def read(tmp_path: Path, body: str, **options: object) -> object:
    """Write a CSV with the standard header and read it."""
    path = tmp_path / "data.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return read_observations(path, SPEC, org_units=TREE, **options)  # type: ignore[arg-type]


def codes(observations: object) -> list[tuple[int | None, int | None, str]]:
    """(row, column, code) of every rejection."""
    return [
        (p.location.line, p.location.column, p.code)
        for p in observations.problems  # type: ignore[attr-defined]
        if p.is_error
    ]


def test_clean_rows_are_all_used(tmp_path: Path) -> None:
    """Good rows are used, with exact values and breakdowns, and counted."""
    obs = read(tmp_path, "P1,2020,literate,female,9000,r\nP1,2020,population,,17471,\n")
    assert (obs.rows_read, obs.rows_used, obs.rows_rejected) == (2, 2, 0)
    rows = obs.table.sort("row").to_dicts()
    assert [(r["data_item"], r["sex"], r["num"]) for r in rows] == [
        ("literate", "female", 9000),
        ("population", None, 17471),
    ]
    assert rows[0]["source"] == "r"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("XX,2020,literate,,1,\n", [(2, 1, "unknown-org-unit")]),
        ("P1,2020,literat,,1,\n", [(2, 3, "unknown-data-item")]),
        ("P1,2020-S3,literate,,1,\n", [(2, 2, "invalid-period")]),
        ("P1,2020,literate,femal,1,\n", [(2, 4, "unknown-breakdown-value")]),
        ("P1,2020,fund,male,1,\n", [(2, 4, "breakdown-not-applicable")]),
        ("P1,2020,literate,,,\n", [(2, 5, "missing-value")]),
        ("P1,2020,literate,,-5,\n", [(2, 5, "negative-count")]),
        ("P1,2020,literate,,97.9,\n", [(2, 5, "invalid-number")]),
        ("P1,2020,literate,,17.101,\n", [(2, 5, "ambiguous-number")]),
        ('P1,2020,fund,,"96,245",\n', [(2, 5, "invalid-number")]),
        ("P1,2020,literate,,abc,\n", [(2, 5, "invalid-number")]),
    ],
)
def test_each_bad_row_is_rejected_where_it_is(
    tmp_path: Path, body: str, expected: list[tuple[int, int, str]]
) -> None:
    """Each kind of bad row is rejected with its row, column and code; nothing is lost."""
    obs = read(tmp_path, body)
    assert codes(obs) == expected
    assert obs.rows_read == obs.rows_used + obs.rows_rejected == 1
    assert str(obs.rejected[0]).startswith(f"{tmp_path / 'data.csv'}:2:")


def test_zero_is_not_missing(tmp_path: Path) -> None:
    """0 is a value; a blank is missing and rejected."""
    obs = read(tmp_path, "P1,2020,literate,,0,\nP1,2021,literate,,,\n")
    assert obs.rows_used == 1
    assert obs.table["num"].to_list() == [0]
    assert [c for _, _, c in codes(obs)] == ["missing-value"]


def test_vietnamese_locale(tmp_path: Path) -> None:
    """With locale vi, 17.101 is 17101 and 96,245 is 96.245; 1.5 is malformed."""
    obs = read(
        tmp_path,
        'P1,2020,literate,,17.101,\nP1,2020,fund,,"96,245",\nP1,2021,fund,,1.5,\n',
        locale="vi",
    )
    used = {r["data_item"]: r["num"] for r in obs.table.to_dicts()}
    assert used["literate"] == 17101
    assert obs.value("fund", used["fund"]) == Fraction(96245, 1000)
    assert codes(obs) == [(4, 5, "invalid-number")]


def test_machine_locale_decimal_for_amounts(tmp_path: Path) -> None:
    """In machine notation 96.245 is a decimal amount (not a count, so not ambiguous)."""
    obs = read(tmp_path, "P1,2020,fund,,96.245,\nP1,2021,fund,,1,\n")
    assert obs.scales["fund"] == 3
    assert sorted(obs.table["num"].to_list()) == [1000, 96245]


def test_duplicates_and_conflicts(tmp_path: Path) -> None:
    """A repeated row with the same value is dropped; conflicting rows are both rejected."""
    obs = read(
        tmp_path,
        "P1,2020,literate,,5,\nP1,2020,literate,,5,\nP1,2021,literate,,5,\nP1,2021,literate,,6,\n",
    )
    assert codes(obs) == [
        (3, None, "duplicate-row"),
        (4, None, "conflicting-rows"),
        (5, None, "conflicting-rows"),
    ]
    assert "row 5 says 6" in obs.rejected[1].message
    assert obs.rows_used == 1
    assert obs.rows_read == obs.rows_used + obs.rows_rejected


def test_labels_are_accepted_for_breakdowns(tmp_path: Path) -> None:
    """A breakdown value may be written as its Vietnamese label, in any case or Unicode form."""
    import unicodedata

    obs = read(tmp_path, f"P1,2020,literate,{unicodedata.normalize('NFD', 'NỮ')},5,\n")
    assert obs.table["sex"].to_list() == ["female"]


def test_part_larger_than_whole(tmp_path: Path) -> None:
    """A part larger than its whole is rejected, naming the whole's row."""
    obs = read(tmp_path, "P1,2020,literate,,120,\nP1,2020,population,,100,\n")
    assert codes(obs) == [(2, None, "part-exceeds-whole")]
    assert "row 3" in obs.rejected[0].message


def test_part_larger_than_whole_with_decimals(tmp_path: Path) -> None:
    """Parts and wholes with different decimals are compared exactly: 100.5 > 100 is rejected,
    100.0 = 100 and 99.9 < 100.1 are kept."""
    obs = read(
        tmp_path,
        "P1,2020,fund_children,,100.5,\nP1,2020,fund,,100,\n"
        "P1,2021,fund_children,,100.0,\nP1,2021,fund,,100,\n"
        "P1,2022,fund_children,,99.9,\nP1,2022,fund,,100.1,\n",
    )
    assert codes(obs) == [(2, None, "part-exceeds-whole")]
    assert "100.5" in obs.rejected[0].message
    assert obs.rows_used == 5


def test_boolean_values(tmp_path: Path) -> None:
    """Yes/no data items read true/false, có/không, 1/0."""
    obs = read(
        tmp_path,
        "P1,2020,flag,,có,\nP1,2021,flag,,false,\nP1,2022,flag,,maybe,\nP1,2023,flag,,4,\n",
    )
    assert sorted(obs.table["num"].to_list()) == [0, 1]
    assert codes(obs) == [(4, 5, "invalid-number"), (5, 5, "invalid-number")]
    assert "yes/no" in obs.rejected[1].message


def test_missing_columns_reject_every_row(tmp_path: Path) -> None:
    """A table without required columns is reported, and its rows counted as rejected."""
    path = tmp_path / "bad.csv"
    path.write_text("org_unit,period,value\nP1,2020,1\nP1,2021,2\n", encoding="utf-8")
    obs = read_observations(path, SPEC, org_units=TREE)
    assert [p.code for p in obs.problems if p.location.line == 1] == ["missing-column"]
    assert obs.rows_read == 2
    assert obs.rows_used == 0
    assert obs.rows_rejected == 2  # its two rows; the table problem is a note
    assert obs.rows_read == obs.rows_used + obs.rows_rejected
    assert [p.code for p in obs.notes] == ["missing-column"]


def test_unreadable_sources(tmp_path: Path) -> None:
    """A file that cannot be read at all raises ObservationError with the file named."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"org_unit,period\n\xff\xfe")
    with pytest.raises(ObservationError) as info:
        read_observations(path, SPEC)
    assert info.value.problems[0].code == "not-utf8"
    with pytest.raises(ObservationError):
        read_observations(tmp_path / "missing.csv", SPEC)
    with pytest.raises(ObservationError):
        read_observations(object(), SPEC)


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "org_unit": ["P1", "P1", "P1"],
            "period": ["2020", "2020", "2020"],
            "data_item": ["literate", "population", "fund"],
            "sex": [None, None, None],
            "value": [17101, 17471, None],
        }
    )


def test_dataframes_of_every_kind(tmp_path: Path) -> None:
    """Polars, pandas, PyArrow, Parquet and Excel inputs give the same observations."""
    expected = read_observations(_frame(), SPEC, org_units=TREE)
    assert expected.rows_used == 2
    assert [p.code for p in expected.rejected] == ["missing-value"]
    assert expected.rejected[0].location.file == "<dataframe>"
    assert expected.rejected[0].location.line == 3
    parquet = tmp_path / "d.parquet"
    _frame().write_parquet(parquet)
    excel = tmp_path / "d.xlsx"
    _frame().write_excel(excel)
    sources = [_frame().to_pandas(), _frame().to_arrow(), parquet, excel]
    for source in sources:
        obs = read_observations(source, SPEC, org_units=TREE)
        got = obs.table.select("data_item", "num").sort("data_item")
        assert got.equals(expected.table.select("data_item", "num").sort("data_item")), source
        assert obs.rows_rejected == 1


def test_excel_float_values_are_exact(tmp_path: Path) -> None:
    """Decimal amounts typed in Excel (floats) are read back as the decimals shown."""
    frame = pl.DataFrame(
        {"org_unit": ["P1"], "period": ["2020"], "data_item": ["fund"], "value": [96.245]}
    )
    path = tmp_path / "f.xlsx"
    frame.write_excel(path)
    obs = read_observations(path, SPEC)
    assert obs.value("fund", obs.table["num"][0]) == Fraction("96.245")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["P1", "VN", "ZZ", ""]),
            st.sampled_from(["2020", "2021-S1", "2020-S9", "x"]),
            st.sampled_from(["literate", "population", "fund", "nope"]),
            st.sampled_from(["", "male", "nữ", "other"]),
            st.sampled_from(["1", "0", "", "-3", "2.5", "1.234", "abc", "7"]),
        ),
        max_size=25,
    )
)
def test_nothing_is_lost(rows: list[tuple[str, str, str, str, str]]) -> None:
    """For any table, rows read = rows used + rows rejected, one problem per rejected row."""
    frame = pl.DataFrame(
        {
            "org_unit": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "data_item": [r[2] for r in rows],
            "sex": [r[3] for r in rows],
            "value": [r[4] for r in rows],
        },
        schema=dict.fromkeys(["org_unit", "period", "data_item", "sex", "value"], pl.String),
    )
    obs = read_observations(frame, SPEC, org_units=TREE)
    assert obs.rows_read == len(rows)
    assert obs.rows_read == obs.rows_used + obs.rows_rejected
    rejected_rows = [p.location.line for p in obs.rejected]
    assert len(rejected_rows) == len(set(rejected_rows))
    used_rows = set(obs.table["row"].to_list())
    assert used_rows.isdisjoint(rejected_rows)


def test_hints_are_computed_once_per_distinct_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 rows of the same unknown org unit are each rejected with the hint, which is
    computed once (a did-you-mean search per row made 4,000 bad rows cost seconds)."""
    from bdg_indicators.observations import rows as rows_module

    calls = []
    real = rows_module.difflib.get_close_matches

    def counted(word: str, known: list[str], n: int = 3) -> list[str]:
        calls.append(word)
        return real(word, known, n=n)

    monkeypatch.setattr(rows_module.difflib, "get_close_matches", counted)
    frame = pl.DataFrame(
        {
            "org_unit": ["P2"] * 4000 + ["P1"],
            "period": ["2020"] * 4001,
            "data_item": ["fund"] * 4001,
            "value": ["1"] * 4001,
        }
    )
    obs = read_observations(frame, SPEC, org_units=TREE)
    assert obs.rows_rejected == 4000
    assert {p.hint for p in obs.rejected} == {"known org units: VN, P1"}
    assert calls == ["P2"]


def test_org_units_without_a_tree_keep_the_order_of_the_data(tmp_path: Path) -> None:
    """Without an org-unit tree, org units are numbered (and results ordered) as they first
    appear in the data, the same on every run."""
    body = "".join(f"X{n},2020,fund,,{n},\n" for n in (5, 3, 9, 1, 7, 2, 8))
    path = tmp_path / "data.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    for _ in range(3):
        obs = read_observations(path, SPEC)
        assert obs.org_units == ("X5", "X3", "X9", "X1", "X7", "X2", "X8")


def test_a_number_too_long_to_read_exactly_says_so(tmp_path: Path) -> None:
    """A 20-digit amount is rejected as too long, not as "not a number"."""
    obs = read(tmp_path, "P1,2020,fund,,12345678901234567890,\nP1,2021,fund,,5,\n")
    assert codes(obs) == [(2, 5, "invalid-number")]
    assert "digits" in obs.rejected[0].message
    assert obs.rows_used == 1


def test_numbers_too_large_in_numeric_columns_say_so() -> None:
    """A float (as Excel stores numbers) or an unsigned integer too large for 64 bits is
    rejected with its row, not a crash."""
    import polars as pl

    for value in (pl.Series([1e19, 5.0]), pl.Series([2**63 + 5, 5], dtype=pl.UInt64)):
        frame = pl.DataFrame(
            {"org_unit": ["P1", "P1"], "period": ["2020", "2021"], "data_item": ["fund"] * 2}
        ).with_columns(value.alias("value"))
        obs = read_observations(frame, SPEC, org_units=TREE)
        assert [(p.code, p.location.line) for p in obs.rejected] == [("invalid-number", 1)]
        assert "too large" in obs.rejected[0].message
        assert obs.rows_used == 1
