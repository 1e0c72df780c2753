"""The shipped tables of Viet Nam's administrative units before and after 1 July 2025
(src/bdg_indicators/data/vn/), read with the csv module only: counts, codes, coverage, names and
links checked against the resolutions by hand."""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

DATA = files("bdg_indicators").joinpath("data/vn")
SCRIPT = Path(__file__).resolve().parent.parent / "scripts/vn_admin_units.py"
# Where the two source repositories are: BDG_VN_VAU and BDG_VN_DVHCVN, else the mirrors the
# project's sandbox keeps (see the script's docstring).
VAU = os.environ.get("BDG_VN_VAU", "/work/.mirror/tranngocminhhieu+vietnamadminunits/repo")
DVHCVN = os.environ.get("BDG_VN_DVHCVN", "/work/.mirror/dvhcvn+20250701/repo")

Row = dict[str, str]


@cache
def table(name: str) -> tuple[Row, ...]:
    """The rows of a shipped CSV (gzipped or not) as dicts."""
    data = DATA.joinpath(name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return tuple(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def old() -> dict[tuple[str, str], Row]:
    """Units of 30 June 2025 by (level, code)."""
    return {(r["level"], r["code"]): r for r in table("units-2025-06-30.csv.gz")}


def new() -> dict[tuple[str, str], Row]:
    """Units of 1 July 2025 by (level, code)."""
    return {(r["level"], r["code"]): r for r in table("units-2025-07-01.csv.gz")}


def links() -> dict[tuple[str, str, str, str], Row]:
    """Transitions by (old_level, old_code, new_level, new_code)."""
    rows = table("transitions-2025-07-01.csv.gz")
    return {(r["old_level"], r["old_code"], r["new_level"], r["new_code"]): r for r in rows}


def successors() -> dict[tuple[str, str], set[str]]:
    """New codes of each old (level, code)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ol, oc, _, nc in links():
        out[(ol, oc)].add(nc)
    return out


def count(units: dict[tuple[str, str], Row], level: str) -> int:
    """How many units of a level."""
    return sum(1 for lvl, _ in units if lvl == level)


def test_counts_before() -> None:
    """63 provinces, 696 districts and 10,035 communes on 30 June 2025."""
    units = old()
    assert len(table("units-2025-06-30.csv.gz")) == len(units)  # no code twice in a level
    assert (count(units, "province"), count(units, "district"), count(units, "commune")) == (
        63,
        696,
        10035,
    )


def test_counts_after() -> None:
    """34 provinces and 3,321 communes, 13 of them special zones (đặc khu), from 1 July 2025."""
    units = new()
    assert len(table("units-2025-07-01.csv.gz")) == len(units)
    assert (count(units, "province"), count(units, "commune")) == (34, 3321)
    assert {r["level"] for r in units.values()} == {"province", "commune"}
    assert sum(r["type"] == "đặc khu" for r in units.values()) == 13


def test_transition_rows() -> None:
    """63 province links, 5 island-district links and 10,566 commune links, no pair twice."""
    rows = table("transitions-2025-07-01.csv.gz")
    assert len(rows) == len(links()) == 10634
    by_level: dict[str, int] = defaultdict(int)
    for r in rows:
        by_level[r["old_level"]] += 1
    assert dict(by_level) == {"province": 63, "district": 5, "commune": 10566}


def test_columns() -> None:
    """The columns are the documented ones, in order."""
    assert list(table("units-2025-06-30.csv.gz")[0]) == ["code", "name", "type", "level", "parent"]
    assert list(table("units-2025-07-01.csv.gz")[0]) == ["code", "name", "type", "level", "parent"]
    assert list(table("transitions-2025-07-01.csv.gz")[0]) == [
        "old_code",
        "old_level",
        "new_code",
        "new_level",
        "kind",
        "unchanged",
        "weight",
        "note",
    ]


def test_codes_and_parents() -> None:
    """Codes are zero-padded digits (2, 3, 5 wide); each parent is a unit one level up."""
    width = {"province": 2, "district": 3, "commune": 5}
    up = {"district": "province", "commune": "district"}
    for units, up_of in ((old(), up), (new(), {"commune": "province"})):
        for (level, c), r in units.items():
            assert c.isdigit(), r
            assert len(c) == width[level], r
            if level == "province":
                assert r["parent"] == ""
            else:
                assert (up_of[level], r["parent"]) in units, r


def test_transition_codes_exist() -> None:
    """Every old code is in the old table and every new code in the new one, at its level."""
    before, after = old(), new()
    for ol, oc, nl, nc in links():
        assert (ol, oc) in before
        assert (nl, nc) in after
        assert (ol == "province") == (nl == "province")


def test_every_old_unit_goes_somewhere() -> None:
    """Every old commune and province has a successor; a district only if it had no communes."""
    after = successors()
    before = old()
    with_communes = {r["parent"] for (level, _), r in before.items() if level == "commune"}
    for (level, c), r in before.items():
        if level == "district":
            assert ((level, c) in after) == (c not in with_communes), r
        else:
            assert (level, c) in after, r
    districts = {c for level, c in after if level == "district"}
    assert districts == {"318", "471", "498", "536", "755"}  # the island districts


def test_every_new_unit_comes_from_somewhere() -> None:
    """Every new unit has a predecessor; only the five special zones have districts as such."""
    predecessors: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for ol, oc, nl, nc in links():
        predecessors[(nl, nc)].add((ol, oc))
    units = new()
    assert set(predecessors) == set(units)
    from_districts = {k for k, p in predecessors.items() if any(lvl == "district" for lvl, _ in p)}
    assert {units[k]["type"] for k in from_districts} == {"đặc khu"}
    assert {units[k]["name"] for k in from_districts} == {
        "Đặc khu Bạch Long Vĩ",
        "Đặc khu Cồn Cỏ",
        "Đặc khu Hoàng Sa",
        "Đặc khu Lý Sơn",
        "Đặc khu Côn Đảo",
    }
    for k in from_districts:
        assert len(predecessors[k]) == 1  # the district alone, whole


def test_kind_unchanged_weight() -> None:
    """whole iff the old unit has one successor; unchanged iff one-to-one; no weights."""
    after = successors()
    predecessors: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for ol, oc, nl, nc in links():
        predecessors[(nl, nc)].add((ol, oc))
    for (ol, oc, nl, nc), r in links().items():
        assert r["kind"] == ("whole" if len(after[(ol, oc)]) == 1 else "part"), r
        one_to_one = after[(ol, oc)] == {nc} and predecessors[(nl, nc)] == {(ol, oc)}
        assert r["unchanged"] == ("true" if one_to_one else "false"), r
        assert r["weight"] == "", r
    kinds = [r["kind"] for r in links().values()]
    assert (kinds.count("whole"), kinds.count("part")) == (9662, 972)


def test_provinces_go_whole() -> None:
    """Every old province goes wholly into exactly one new province."""
    for (level, c), targets in successors().items():
        if level == "province":
            assert len(targets) == 1, c
            (target,) = targets
            assert links()[("province", c, "province", target)]["kind"] == "whole"


def test_names() -> None:
    """Names are NFC, trimmed, single-spaced, with ASCII apostrophes, and start with the type."""
    for name in ("units-2025-06-30.csv.gz", "units-2025-07-01.csv.gz"):
        for r in table(name):
            n = r["name"]
            assert unicodedata.normalize("NFC", n) == n, r
            assert n == n.strip(), r
            assert "  " not in n, r
            assert "\u2019" not in n, r
            assert n.lower().startswith(r["type"] + " "), r
            assert n[0].isupper(), r


@pytest.mark.parametrize(
    ("old_code", "new_code", "unchanged"),
    [
        ("49", "48", "false"),  # Quảng Nam into Đà Nẵng
        ("62", "51", "false"),  # Kon Tum into Quảng Ngãi
        ("46", "46", "true"),  # Huế kept its territory
    ],
)
def test_known_province_links(old_code: str, new_code: str, unchanged: str) -> None:
    """Quảng Nam -> Đà Nẵng and Kon Tum -> Quảng Ngãi whole; Huế -> Huế unchanged."""
    row = links()[("province", old_code, "province", new_code)]
    assert (row["kind"], row["unchanged"]) == ("whole", unchanged)
    assert successors()[("province", old_code)] == {new_code}


def test_ngoc_hoi() -> None:
    """The communes of Ngọc Hồi (district 611) as resolution 1677/NQ-UBTVQH15 arranges them."""
    expected = {
        "23377": "23377",  # Thị trấn Plei Kần -> Xã Bờ Y
        "23389": "23377",  # Xã Đăk Xú
        "23395": "23377",  # Xã Pờ Y
        "23380": "23383",  # -> Xã Dục Nông
        "23383": "23383",
        "23386": "23383",
        "23392": "23392",  # -> Xã Sa Loong
        "23398": "23392",
    }
    before, after = old(), new()
    communes = {
        c for (level, c), r in before.items() if level == "commune" and r["parent"] == "611"
    }
    assert communes == set(expected)
    assert before[("district", "611")]["name"] == "Huyện Ngọc Hồi"
    for old_code, new_code in expected.items():
        assert successors()[("commune", old_code)] == {new_code}
        assert links()[("commune", old_code, "commune", new_code)]["kind"] == "whole"
    names = {c: after[("commune", c)]["name"] for c in set(expected.values())}
    assert names == {"23377": "Xã Bờ Y", "23383": "Xã Dục Nông", "23392": "Xã Sa Loong"}
    assert before[("commune", "23377")]["name"] == "Thị trấn Plei Kần"


def test_codes_are_reused() -> None:
    """A code names a unit only with its date: 00004 and province 15 changed meaning."""
    assert old()[("commune", "00004")]["name"] == "Phường Trúc Bạch"
    assert new()[("commune", "00004")]["name"] == "Phường Ba Đình"
    assert old()[("province", "15")]["name"] == "Tỉnh Yên Bái"
    assert new()[("province", "15")]["name"] == "Tỉnh Lào Cai"
    assert successors()[("province", "15")] == {"15"}
    assert links()[("province", "15", "province", "15")]["unchanged"] == "false"  # with Lào Cai
    assert successors()[("province", "10")] == {"15"}  # the old Lào Cai


def test_van_khe_to_o_dien() -> None:
    """Part of Xã Văn Khê goes to Xã Ô Diên (1656/NQ-UBTVQH15 Điều 1 khoản 107)."""
    row = links()[("commune", "09013", "commune", "09817")]
    assert row["kind"] == "part"
    assert "1656/NQ-UBTVQH15" in row["note"]
    assert successors()[("commune", "09013")] == {"08980", "08995", "09022", "09817"}


def test_cao_lanh_collisions_absent() -> None:
    """Phường Cao Lãnh takes wards 1, 3, 4 and 6 of Cao Lãnh city, not those of other towns."""
    before = old()
    predecessors = {oc for ol, oc, _, nc in links() if nc == "29869"}
    assert ("commune", "28252", "commune", "29869") not in links()  # Phường 4 of Mỹ Tho
    assert ("commune", "29902", "commune", "29869") not in links()  # Phường 3 of Sa Đéc
    for c in predecessors:
        district = before[("district", before[("commune", c)]["parent"])]["name"]
        assert district.endswith("Cao Lãnh"), c
    wards = {before[("commune", c)]["name"] for c in predecessors}
    assert {"Phường 1", "Phường 3", "Phường 4", "Phường 6"} <= wards


def test_corrections_applied() -> None:
    """Each kept pair of corrections.csv is a link, each dropped one is not; all cite a clause."""
    rows, before = table("corrections.csv"), old()
    assert len(rows) == 78
    for r in rows:
        key = (r["old_level"], r["old_code"], "commune", r["new_code"])
        assert (key in links()) == (r["action"] == "keep"), r
        if ("commune", r["old_code"]) in before:
            assert r["resolution"].endswith("/NQ-UBTVQH15"), r
            assert r["clause"].isdigit(), r
            assert r["quote"], r
            assert r["reason"], r
    actions = [r["action"] for r in rows]
    assert (actions.count("keep"), actions.count("drop")) == (8, 70)


def test_source_yaml() -> None:
    """SOURCE.yaml names both sources at their commits, the legal basis and the counts."""
    meta = yaml.safe_load(DATA.joinpath("SOURCE.yaml").read_text(encoding="utf-8"))
    assert str(meta["in_force"]) == "2025-07-01"
    assert "202/2025/QH15" in meta["legal_basis"]["provinces"]
    assert "1654/NQ-UBTVQH15" in meta["legal_basis"]["communes"]
    sources = {s["name"]: s for s in meta["sources"]}
    assert sources["vietnamadminunits"]["commit"] == "780c27980afdae76d5c6e7b252955f6b571f34ca"
    assert sources["dvhcvn"]["commit"] == "dd94887ce32324380bc5bb0a76fe39867dafc73b"
    assert {s["licence"] for s in sources.values()} == {"MIT"}
    counts = meta["counts"]
    assert counts["before"] == {"provinces": 63, "districts": 696, "communes": 10035}
    assert counts["after"] == {"provinces": 34, "communes": 3321, "special_zones": 13}
    assert counts["transitions"]["rows"] == len(links())


def test_licence_notices() -> None:
    """LICENSES.md carries both MIT notices with their copyright lines."""
    text = DATA.joinpath("LICENSES.md").read_text(encoding="utf-8")
    assert "Copyright (c) 2025 Tran Ngoc Minh Hieu" in text
    assert "Copyright (c) 2025 dvhcvn" in text
    assert text.count("Permission is hereby granted, free of charge") == 2
    assert text.count('THE SOFTWARE IS PROVIDED "AS IS"') == 2


def test_gzip_is_deterministic() -> None:
    """The gzip headers carry no time and no file name, so regenerating gives the same bytes."""
    for name in ("units-2025-06-30.csv.gz", "units-2025-07-01.csv.gz"):
        header = DATA.joinpath(name).read_bytes()[:10]
        assert header[4:8] == b"\0\0\0\0"  # MTIME
        assert header[3] & 0x08 == 0  # no FNAME


def test_regenerating_gives_the_shipped_files(tmp_path: Path) -> None:
    """The script, run on the two source repositories, writes exactly the shipped files."""
    if not SCRIPT.is_file() or shutil.which("git") is None:
        pytest.skip("needs scripts/vn_admin_units.py and git")
    if not (Path(VAU).is_dir() and Path(DVHCVN).is_dir()):
        pytest.skip("source repositories not available (set BDG_VN_VAU and BDG_VN_DVHCVN)")
    shipped = Path(str(DATA))
    args = ["--vau", VAU, "--dvhcvn", DVHCVN, "--corrections", str(shipped / "corrections.csv")]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in shipped.iterdir() if p.name != "corrections.csv")
    for name in written:
        ours, theirs = (tmp_path / name).read_bytes(), (shipped / name).read_bytes()
        if name.endswith(".gz"):  # compressed bytes may depend on the zlib version
            ours, theirs = gzip.decompress(ours), gzip.decompress(theirs)
        assert ours == theirs, name
