"""Regenerate Viet Nam's administrative units before and after 1 July 2025 (package data).

Writes, into src/bdg_indicators/data/vn/ (or --out DIR):

    units-2025-06-30.csv.gz        63 provinces, 696 districts, 10,035 communes (before)
    units-2025-07-01.csv.gz        34 provinces, 3,321 communes (after)
    transitions-2025-07-01.csv.gz  which old unit went into which new unit
    SOURCE.yaml                    sources, commits, licences, counts, what the links cover
    LICENSES.md                    the MIT notices of both sources, copied from them

and reads corrections.csv from the same folder (hand-written: see below).

Sources (both MIT), read at pinned commits only:

    tranngocminhhieu/vietnamadminunits @ 780c27980afdae76d5c6e7b252955f6b571f34ca
        the GSO lists of old communes and districts, the list of the 3,321 new communes,
        and an old -> new commune table
    dvhcvn/20250701 @ dd94887ce32324380bc5bb0a76fe39867dafc73b
        mapping/merges.json (new -> old, each old unit "full" or "partial") and the texts of
        the Standing Committee's resolutions 1654-1687/NQ-UBTVQH15 (input/docs/*.md)

Get them with git (a bare mirror, a clone or a clone's work tree all do; the files are read
with `git show COMMIT:PATH`, so what is checked out does not matter):

    git clone https://github.com/tranngocminhhieu/vietnamadminunits build/vn/vietnamadminunits
    git clone https://github.com/dvhcvn/20250701 build/vn/dvhcvn-20250701
    .venv/bin/python scripts/vn_admin_units.py \\
        --vau build/vn/vietnamadminunits --dvhcvn build/vn/dvhcvn-20250701

(In the project's agent sandbox the `fetch` tool with `github:tranngocminhhieu/vietnamadminunits`
and `github:dvhcvn/20250701` puts bare mirrors under /work/.mirror/OWNER+NAME/repo.)
A folder without git holding the files of the pinned commits at their usual paths also works,
but then the commit cannot be checked. `--check` compares with the files in --out instead of
writing them, and exits 1 when they differ.

The links shipped are the old -> new pairs both sources give, plus those only one gives that
corrections.csv keeps, minus those corrections.csv drops. corrections.csv lists every pair only
one source has and every pair of both that the resolutions contradict, with the resolution, the
clause of its Article 1 and a quote from the clause; the script checks that each quote is in
that clause of dvhcvn's copy of the resolution and that the clause creates the named new unit,
and refuses to run when a pair of a single source has no decision. `kind` is `whole` for an old
unit with one successor and `part` for each successor of an old unit with several (dvhcvn's
full/partial says the same wherever its links for that unit were not corrected; checked).
`unchanged` is true when the old unit's only successor has it as its only predecessor. There
are no weights in the sources: the weight column is empty.

Optional review output, never shipped: --review DIR writes the single-source pairs with names
and the decision; with --gso FILE also the pairs on which the result and the GSO conversion
table ("Bảng chuyển đổi ĐVHC mới - cũ") differ. A copy of that table sits in a GPL-3.0
repository (sunshine-tech/VietnamProvinces, dev/seed-data/2025-07/); it is only compared
against, nothing of it is written into the package data.

Only the standard library is used (and the git command line).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src/bdg_indicators/data/vn"
OLD_UNITS = "units-2025-06-30.csv.gz"
NEW_UNITS = "units-2025-07-01.csv.gz"
TRANSITIONS = "transitions-2025-07-01.csv.gz"
CORRECTIONS = "corrections.csv"

UNIT_COLUMNS = ("code", "name", "type", "level", "parent")
TRANSITION_COLUMNS = (
    "old_code",
    "old_level",
    "new_code",
    "new_level",
    "kind",
    "unchanged",
    "weight",
    "note",
)
LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
# Type words, longest first, with the capitalisation a name starts with.
TYPES = {
    "thành phố": "Thành phố",
    "thị trấn": "Thị trấn",
    "thị xã": "Thị xã",
    "đặc khu": "Đặc khu",
    "phường": "Phường",
    "huyện": "Huyện",
    "quận": "Quận",
    "tỉnh": "Tỉnh",
    "xã": "Xã",
}
ISLAND_NOTE = "island district without communes became a special zone (đặc khu)"


@dataclass(frozen=True)
class Source:
    key: str
    repository: str
    commit: str
    date: str
    copyright: str
    files: tuple[str, ...]


VAU = Source(
    key="vietnamadminunits",
    repository="https://github.com/tranngocminhhieu/vietnamadminunits",
    commit="780c27980afdae76d5c6e7b252955f6b571f34ca",
    date="2025-08-27",
    copyright="Copyright (c) 2025 Tran Ngoc Minh Hieu",
    files=(
        "data/raw/danhmuchanhchinh.gso.gov.vn_ward_2025-07-18.csv",
        "data/raw/danhmuchanhchinh.gso.gov.vn_district_2025-07-18.csv",
        "data/raw/production.cas.so_3221_wards_2025-08-05.json",
        "data/interim/convert_legacy_2025_simple.csv",
        "LICENSE",
    ),
)
DVHCVN = Source(
    key="dvhcvn",
    repository="https://github.com/dvhcvn/20250701",
    commit="dd94887ce32324380bc5bb0a76fe39867dafc73b",
    date="2025-07-12",
    copyright="Copyright (c) 2025 dvhcvn",
    files=(
        "mapping/merges.json",
        "input/docs/1654_NQ-UBTVQH15.md … input/docs/1687_NQ-UBTVQH15.md",
        "LICENSE",
    ),
)


class SourceError(Exception):
    """A source is missing, at the wrong commit, or says something the script cannot use."""


class Tree:
    """The files of one source at its pinned commit: a git repository or a plain folder."""

    def __init__(self, source: Source, path: Path) -> None:
        self.source = source
        self.path = path
        self.git_dir: Path | None = None
        for candidate in (path / ".git", path):
            if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
                self.git_dir = candidate
                break
        if self.git_dir is None and not path.is_dir():
            raise SourceError(f"{path}: no such folder (source {source.repository})")
        if self.git_dir is not None:
            ok = subprocess.run(
                [
                    "git",
                    f"--git-dir={self.git_dir}",
                    "cat-file",
                    "-e",
                    f"{source.commit}^{{commit}}",
                ],
                capture_output=True,
                check=False,
            )
            if ok.returncode != 0:
                raise SourceError(
                    f"{path}: commit {source.commit} of {source.repository} is not there"
                    " (git fetch it)"
                )

    def read(self, name: str) -> str:
        if self.git_dir is None:
            data = (self.path / name).read_bytes()
        else:
            data = subprocess.run(
                ["git", f"--git-dir={self.git_dir}", "show", f"{self.source.commit}:{name}"],
                capture_output=True,
                check=True,
            ).stdout
        return data.decode("utf-8-sig")


# ---------------------------------------------------------------- names and codes


def clean(text: str) -> str:
    """NFC, one space between words, no non-breaking space, ASCII apostrophes (M’Drắk)."""
    text = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def typed_name(raw: str) -> tuple[str, str]:
    """The cleaned name, its type word written as usual ('Thị Xã X' -> 'Thị xã X'), the type."""
    name = clean(raw)
    low = name.lower()
    for word, written in TYPES.items():
        if low.startswith(word + " "):
            return written + name[len(word) :], word
    raise SourceError(f"no type word at the start of {raw!r}")


def code(raw: str, level: str) -> str:
    """'1.0' -> '01' for a province; codes are zero-padded strings."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    return str(int(float(raw))).zfill(CODE_WIDTH[level])


# ---------------------------------------------------------------- units

Units = dict[tuple[str, str], tuple[str, str, str, str, str]]  # (level, code) -> row


def old_units(vau: Tree) -> Units:
    units: Units = {}
    for r in csv.DictReader(io.StringIO(vau.read(VAU.files[1]))):
        p, d = code(r["Mã TP"], "province"), code(r["Mã"], "district")
        units[("province", p)] = (p, *typed_name(r["Tỉnh / Thành Phố"]), "province", "")
        units[("district", d)] = (d, *typed_name(r["Tên"]), "district", p)
    for r in csv.DictReader(io.StringIO(vau.read(VAU.files[0]))):
        c, d = code(r["Mã"], "commune"), code(r["Mã QH"], "district")
        if ("district", d) not in units:
            raise SourceError(f"old commune {c}: unknown district {d}")
        units[("commune", c)] = (c, *typed_name(r["Tên"]), "commune", d)
    return units


def new_units(vau: Tree) -> Units:
    units: Units = {}
    for r in json.loads(vau.read(VAU.files[2]))["communes"]:
        p, c = code(r["provinceCode"], "province"), code(r["code"], "commune")
        units[("province", p)] = (p, *typed_name(r["provinceName"]), "province", "")
        units[("commune", c)] = (c, *typed_name(r["name"]), "commune", p)
    return units


# ---------------------------------------------------------------- links of each source

Pair = tuple[str, str, str, str]  # old_level, old_code, new_level, new_code


def vau_pairs(vau: Tree) -> set[Pair]:
    pairs: set[Pair] = set()
    for r in csv.DictReader(io.StringIO(vau.read(VAU.files[3]))):
        new = code(r["newWardCode"], "commune")
        old_p, new_p = code(r["provinceCode"], "province"), code(r["newProvinceCode"], "province")
        pairs.add(("province", old_p, "province", new_p))
        if r["wardCode"].strip():
            pairs.add(("commune", code(r["wardCode"], "commune"), "commune", new))
        else:  # an island district without communes
            pairs.add(("district", code(r["districtCode"], "district"), "commune", new))
    return pairs


def dvhcvn_pairs(dvhcvn: Tree) -> dict[Pair, str]:
    """Pairs with dvhcvn's 'full' or 'partial'."""
    pairs: dict[Pair, str] = {}
    for province in json.loads(dvhcvn.read(DVHCVN.files[0]))["data"]:
        for m in province["merges"]:
            pairs[("province", m["old_id"], "province", province["level1_id"])] = m["type"]
        for commune in province["level2s"]:
            for m in commune["merges"]:
                level = "district" if len(m["old_id"]) == 3 else "commune"
                pairs[(level, m["old_id"], "commune", commune["level2_id"])] = m["type"]
    return pairs


# ---------------------------------------------------------------- corrections


@dataclass(frozen=True)
class Correction:
    pair: Pair
    source: str  # vietnamadminunits, dvhcvn or both: who gives the pair
    action: str  # keep or drop
    resolution: str
    clause: str
    quote: str
    reason: str

    @property
    def citation(self) -> str:
        return f"{self.resolution} Điều 1 khoản {self.clause}"


def read_corrections(path: Path) -> dict[Pair, Correction]:
    out: dict[Pair, Correction] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            pair = (r["old_level"], r["old_code"], "commune", r["new_code"])
            if pair in out:
                raise SourceError(f"{path}: {pair} twice")
            if r["action"] not in ("keep", "drop") or r["source"] not in (
                VAU.key,
                DVHCVN.key,
                "both",
            ):
                raise SourceError(f"{path}: bad action or source in {r}")
            if r["action"] == "keep" and not r["resolution"]:
                raise SourceError(f"{path}: a kept pair needs its resolution: {r}")
            out[pair] = Correction(
                pair,
                r["source"],
                r["action"],
                r["resolution"],
                r["clause"],
                r["quote"],
                r["reason"],
            )
    return out


def clauses(text: str) -> dict[int, str]:
    """The numbered clauses (khoản) of Article 1 of a resolution, whitespace collapsed."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\\", ""))
    text = text.replace("*", "")
    start = text.index("như sau:", text.index("Điều 1"))
    body = text[start : text.index("Điều 2", start)]
    parts = re.split(r"(?:^|\s)(\d{1,3})\.\s*(?=[A-ZĐ])", body)
    numbers = [int(n) for n in parts[1::2]]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SourceError("clauses of a resolution not numbered 1, 2, 3, …")
    return dict(zip(numbers, parts[2::2], strict=True))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def check_citations(dvhcvn: Tree, corrections: dict[Pair, Correction], new: Units) -> None:
    texts: dict[str, dict[int, str]] = {}
    for c in corrections.values():
        if not c.resolution:
            continue
        number = c.resolution.split("/")[0]
        if c.resolution not in texts:
            texts[c.resolution] = clauses(dvhcvn.read(f"input/docs/{number}_NQ-UBTVQH15.md"))
        clause = texts[c.resolution].get(int(c.clause))
        where = f"corrections.csv {c.pair[1]} -> {c.pair[3]}: {c.citation}"
        if clause is None:
            raise SourceError(f"{where}: no such clause")
        if squeeze(c.quote) not in squeeze(clause):
            raise SourceError(f"{where}: quote not in the clause: {c.quote!r}")
        unit = new.get(("commune", c.pair[3]))
        if "tên gọi" in clause and unit is not None:
            name = squeeze("tên gọi là " + unit[1])
            if not squeeze(clause).rstrip(".").endswith(name):
                raise SourceError(f"{where}: the clause does not create {unit[1]}")


# ---------------------------------------------------------------- transitions


@dataclass
class Result:
    old: Units
    new: Units
    rows: list[tuple[str, ...]]
    corrections: dict[Pair, Correction]
    both: int
    vau_only: set[Pair]
    dvhcvn_only: set[Pair]


def build(vau: Tree, dvhcvn: Tree, corrections_path: Path) -> Result:
    old, new = old_units(vau), new_units(vau)
    v, d = vau_pairs(vau), dvhcvn_pairs(dvhcvn)
    corrections = read_corrections(corrections_path)
    check_citations(dvhcvn, corrections, new)

    provinces = {p for p in v if p[0] == "province"}
    if provinces != {p for p in d if p[0] == "province"}:
        raise SourceError("the sources disagree on which old province went into which")
    if any(d[p] != "full" for p in provinces):
        raise SourceError("dvhcvn has a province split")

    both = v & d.keys()
    single = dict.fromkeys(v - d.keys(), VAU.key) | dict.fromkeys(d.keys() - v, DVHCVN.key)
    for pair, who in sorted(single.items()):
        c = corrections.get(pair)
        if c is None:
            raise SourceError(f"only {who} has {pair}: corrections.csv must keep or drop it")
        if c.source != who:
            raise SourceError(f"corrections.csv says {c.source} has {pair}, but {who} has it")
    for pair, c in corrections.items():
        if pair in both and (c.source != "both" or c.action != "drop"):
            raise SourceError(f"corrections.csv: {pair} is in both sources; only 'both,drop'")
        if pair not in both and pair not in single:
            raise SourceError(f"corrections.csv: no source has {pair} (stale correction)")

    links = {p for p in both if p not in corrections}
    links |= {p for p, c in corrections.items() if c.action == "keep"}
    for old_level, old_code, new_level, new_code in links:
        if (old_level, old_code) not in old or (new_level, new_code) not in new:
            raise SourceError(f"unknown code in {old_code} -> {new_code}")

    successors: dict[tuple[str, str], set[str]] = defaultdict(set)
    predecessors: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for ol, oc, nl, nc in links:
        successors[(ol, oc)].add(nc)
        predecessors[(nl, nc)].add((ol, oc))
    check_coverage(old, new, successors, predecessors)

    rows = []
    for pair in sorted(links, key=lambda p: (LEVELS.index(p[0]), p[1], p[3])):
        ol, oc, nl, nc = pair
        kind = "whole" if len(successors[(ol, oc)]) == 1 else "part"
        theirs = d.get(pair)
        if theirs is not None and (theirs == "full") != (kind == "whole"):
            corrected = any(c.pair[:2] == (ol, oc) for c in corrections.values())
            if not corrected:
                raise SourceError(f"{pair}: dvhcvn says {theirs}, the links say {kind}")
        unchanged = successors[(ol, oc)] == {nc} and predecessors[(nl, nc)] == {(ol, oc)}
        c = corrections.get(pair)
        if c is not None:
            note = f"only in {c.source}; confirmed by {c.citation}"
        elif ol == "district":
            note = ISLAND_NOTE
        else:
            note = ""
        rows.append((oc, ol, nc, nl, kind, "true" if unchanged else "false", "", note))
    return Result(old, new, rows, corrections, len(both), set(v - d.keys()), set(d.keys() - v))


def check_coverage(
    old: Units,
    new: Units,
    successors: dict[tuple[str, str], set[str]],
    predecessors: dict[tuple[str, str], set[tuple[str, str]]],
) -> None:
    """Every old commune and province goes somewhere; every new unit comes from somewhere."""
    has_communes = {row[4] for key, row in old.items() if key[0] == "commune"}
    for key in old:
        level, c = key
        if level == "district" and c in has_communes:
            if key in successors:
                raise SourceError(f"district {c} has communes and a link of its own")
        elif key not in successors:
            raise SourceError(f"old {level} {c} {old[key][1]} has no successor")
    for key in new:
        if key not in predecessors:
            raise SourceError(f"new {key[0]} {key[1]} {new[key][1]} has no predecessor")


# ---------------------------------------------------------------- output


def csv_text(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def unit_rows(units: Units) -> list[tuple[str, ...]]:
    return sorted(units.values(), key=lambda r: (LEVELS.index(r[3]), r[0]))


def count(units: Units, level: str, kind: str | None = None) -> int:
    return sum(1 for k, r in units.items() if k[0] == level and kind in (None, r[2]))


def source_yaml(res: Result) -> str:
    rows = res.rows
    by_level: dict[str, int] = defaultdict(int)
    for r in rows:
        by_level[r[1]] += 1
    kept = [c for c in res.corrections.values() if c.action == "keep"]
    dropped = [c for c in res.corrections.values() if c.action == "drop"]

    def n(level: str, kind: str | None = None) -> int:
        return count(res.old, level, kind)

    def m(level: str, kind: str | None = None) -> int:
        return count(res.new, level, kind)

    lines = [
        "# Written by scripts/vn_admin_units.py; do not edit by hand.",
        "title: Viet Nam's administrative units before and after 1 July 2025",
        "in_force: 2025-07-01",
        "legal_basis:",
        "  provinces: Nghị quyết 202/2025/QH15 (Quốc hội, 12 June 2025), 63 provinces into 34",
        "  communes: >-",
        "    Nghị quyết 1654/NQ-UBTVQH15 to 1687/NQ-UBTVQH15 (Ủy ban Thường vụ Quốc hội,",
        "    16 June 2025), one per new province; the district level is abolished",
        "sources:",
    ]
    for s, uses in (
        (VAU, "old units (GSO lists), new communes, an old -> new commune table"),
        (DVHCVN, "new -> old links with full/partial; the resolutions' texts (checking)"),
    ):
        lines += [
            f"  - name: {s.key}",
            f"    repository: {s.repository}",
            f'    commit: "{s.commit}"',
            f"    date: {s.date}",
            "    licence: MIT",
            f'    copyright: "{s.copyright}"',
            f"    used_for: {uses}",
            "    files:",
            *(f'      - "{f}"' for f in s.files),
        ]
    lines += [
        "files:",
        f"  {OLD_UNITS}: units on 2025-06-30 (code, name, type, level, parent)",
        f"  {NEW_UNITS}: units from 2025-07-01 (code, name, type, level, parent)",
        f"  {TRANSITIONS}: >-",
        "    old unit -> new unit (old_code, old_level, new_code, new_level, kind, unchanged,",
        "    weight, note)",
        f"  {CORRECTIONS}: the decisions on pairs the sources disagree on, with citations",
        "counts:",
        "  before:",
        f"    provinces: {n('province')}",
        f"    districts: {n('district')}",
        f"    communes: {n('commune')}",
        "  after:",
        f"    provinces: {m('province')}",
        f"    communes: {m('commune')}",
        f"    special_zones: {m('commune', 'đặc khu')}",
        "  transitions:",
        f"    rows: {len(rows)}",
        f"    provinces: {by_level['province']}",
        f"    districts: {by_level['district']}",
        f"    communes: {by_level['commune']}",
        f"    whole: {sum(r[4] == 'whole' for r in rows)}",
        f"    part: {sum(r[4] == 'part' for r in rows)}",
        f"    unchanged: {sum(r[5] == 'true' for r in rows)}",
        f"  pairs_in_both_sources: {res.both}",
        f"  pairs_only_in_vietnamadminunits: {len(res.vau_only)}",
        f"  pairs_only_in_dvhcvn: {len(res.dvhcvn_only)}",
        f"  corrections_keep: {len(kept)}",
        f"  corrections_drop: {len(dropped)}",
        "coverage: >-",
        "  Every old province goes wholly into one new province. Every old commune has at least",
        "  one successor and every new commune at least one predecessor. Old districts have no",
        "  links of their own (their communes have them), except the five island districts",
        "  without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo), each of which",
        "  became a special zone (đặc khu) whole.",
        "kind: >-",
        "  whole when the old unit has one successor, part for each successor of an old unit",
        "  that was divided. Territory is meant; a resolution may move part of the area and all",
        "  of the population.",
        "weight: >-",
        "  Empty. The sources give no shares of area or population; a part without weight is",
        "  not comparable.",
        "unchanged: >-",
        "  true when the old unit's only successor has it as its only predecessor (same",
        "  territory; the name, code and province may have changed).",
        "codes: >-",
        "  Codes are GSO codes, kept as zero-padded strings. New units reuse old codes for",
        "  other territories: a code names a unit only together with its date (00004 was",
        "  Phường Trúc Bạch and is now Phường Ba Đình; province 15 was Yên Bái and is now Lào",
        "  Cai). The five special zones made from island districts have new codes.",
        "not_covered: >-",
        "  Changes before 1 July 2025 or after it; earlier codes of communes merged before",
        "  30 June 2025 (12 pairs of dvhcvn name such codes and are dropped); the coastal",
        "  alluvial area managed by huyện Kim Sơn (khu vực bãi bồi ven biển), which had no",
        "  commune and no code and was joined to xã Kim Đông (1674/NQ-UBTVQH15 Điều 1 khoản",
        "  97); the villages and hamlets.",
        "names: >-",
        "  NFC, single spaces, ASCII apostrophes (M'Drắk, not M’Drắk), the type word written",
        "  as usual (Thị xã, not Thị Xã). Spelling otherwise as in the sources (Hoà and Hòa",
        "  both occur; the resolutions' spellings may differ: Adơk for A Dơk, Phường IV).",
    ]
    return "\n".join(lines) + "\n"


def licenses_md(vau: Tree, dvhcvn: Tree) -> str:
    parts = [
        "# Licences of the Viet Nam administrative-unit data",
        "",
        "The files in this folder are derived from two MIT-licensed repositories. Their notices",
        "follow, as found in each repository at the commit used (see SOURCE.yaml).",
        "The texts of laws and resolutions are not subject to copyright in Viet Nam",
        "(Luật Sở hữu trí tuệ, Điều 15).",
    ]
    for source, tree in ((VAU, vau), (DVHCVN, dvhcvn)):
        parts += [
            "",
            f"## {source.key}",
            "",
            f"{source.repository} at {source.commit}",
            "",
            "```text",
            clean_licence(tree.read("LICENSE")),
            "```",
        ]
    return "\n".join(parts) + "\n"


def clean_licence(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def outputs(res: Result, vau: Tree, dvhcvn: Tree) -> dict[str, str]:
    return {
        OLD_UNITS: csv_text(UNIT_COLUMNS, unit_rows(res.old)),
        NEW_UNITS: csv_text(UNIT_COLUMNS, unit_rows(res.new)),
        TRANSITIONS: csv_text(TRANSITION_COLUMNS, res.rows),
        "SOURCE.yaml": source_yaml(res),
        "LICENSES.md": licenses_md(vau, dvhcvn),
    }


def encode(name: str, text: str) -> bytes:
    data = text.encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0) if name.endswith(".gz") else data


def decode(name: str, data: bytes) -> str:
    return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")


# ---------------------------------------------------------------- review (not shipped)


def review(res: Result, out: Path, gso: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)

    def name(units: Units, level: str, c: str) -> str:
        row = units.get((level, c))
        return row[1] if row else "?"

    rows = []
    for pair in sorted(res.vau_only | res.dvhcvn_only):
        c = res.corrections[pair]
        old_name, new_name = name(res.old, pair[0], pair[1]), name(res.new, "commune", pair[3])
        cite = c.citation if c.resolution else ""
        rows.append((pair[1], old_name, pair[3], new_name, c.source, c.action, cite, c.reason))
    header = ("old_code", "old_name", "new_code", "new_name", "source", "action", "cite", "why")
    (out / "review-single-source.csv").write_text(csv_text(header, rows), encoding="utf-8")
    if gso is None:
        return
    theirs = set()
    with gso.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        next(reader)
        for r in reader:
            if len(r) > 5 and r[2].strip() and r[4].strip():
                theirs.add((code(r[4], "commune"), code(r[2], "commune")))
    ours = {(r[0], r[2]) for r in res.rows if r[1] == "commune"}
    where = dict.fromkeys(ours - theirs, "ours only") | dict.fromkeys(theirs - ours, "gso only")
    diff = [
        (o, name(res.old, "commune", o), n, name(res.new, "commune", n), where[(o, n)])
        for o, n in sorted(where)
    ]
    header = ("old_code", "old_name", "new_code", "new_name", "where")
    (out / "review-vs-gso.csv").write_text(csv_text(header, diff), encoding="utf-8")
    print(f"review: {len(diff)} commune pairs differ from the GSO table", file=sys.stderr)


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vau", type=Path, required=True, help="vietnamadminunits (git or folder)")
    parser.add_argument(
        "--dvhcvn", type=Path, required=True, help="dvhcvn/20250701 (git or folder)"
    )
    parser.add_argument("--out", type=Path, default=DATA, help=f"output folder (default {DATA})")
    parser.add_argument("--corrections", type=Path, help="default: OUT/corrections.csv")
    parser.add_argument("--check", action="store_true", help="compare with OUT, write nothing")
    parser.add_argument("--review", type=Path, help="write review CSVs into this folder")
    parser.add_argument("--gso", type=Path, help="GSO conversion table CSV, for --review only")
    args = parser.parse_args(argv)
    try:
        vau, dvhcvn = Tree(VAU, args.vau), Tree(DVHCVN, args.dvhcvn)
        res = build(vau, dvhcvn, args.corrections or args.out / CORRECTIONS)
    except (SourceError, subprocess.CalledProcessError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    files = outputs(res, vau, dvhcvn)
    if args.review:
        review(res, args.review, args.gso)
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (args.out / name).is_file()
            or decode(name, (args.out / name).read_bytes()) != text
        ]
        for name in stale:
            print(f"differs: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_bytes(encode(name, text))
    print(f"{len(res.rows)} transitions, {len(res.old)} old and {len(res.new)} new units")
    return 0


if __name__ == "__main__":
    sys.exit(main())
