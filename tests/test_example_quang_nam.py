"""The example vn.examples.quang-nam-2019 (Quảng Nam's 2019 targets on illustrative data): the two
readings of chỉ tiêu qna-1, counted once as undetermined where they disagree, and the province's
share of child-friendly communes computed from the communes' own verdicts under 06/QĐ-TTg. Every
expected figure is read out of the real evaluation, never restated from the data file."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

import bdg_indicators as bdg
from bdg_indicators import cli

QNA = "vn.examples.quang-nam-2019"
PROVINCE = "quang-nam"
YEAR = "2019"
DECIDED = ("achieved", "not_achieved")


@pytest.fixture(scope="module")
def result() -> bdg.EvaluationResult:
    """The example, evaluated on its bundled CSV and org units."""
    return bdg.evaluate(QNA)


def row(result: bdg.EvaluationResult, target: str, org_unit: str, period: str) -> dict[str, Any]:
    """The one result row of ``target`` at ``org_unit`` and ``period``."""
    rows = [
        r
        for r in result.to_dicts()
        if (r["target"], r["org_unit"], r["period"]) == (target, org_unit, period)
    ]
    assert len(rows) == 1, rows
    return rows[0]


def exact(r: dict[str, Any]) -> Fraction:
    """The exact value of a result row."""
    return Fraction(r["value_num"], r["value_den"])


def legal(result: bdg.EvaluationResult, org_unit: str, period: str) -> dict[str, dict[str, Any]]:
    """The chỉ tiêu verdicts at ``org_unit`` and ``period``, by chỉ tiêu; each appears once."""
    rows = [
        r
        for r in result.legal_verdicts().iter_rows(named=True)
        if (r["org_unit"], r["period"]) == (org_unit, period)
    ]
    by_id = {r["legal_target"]: r for r in rows}
    assert len(by_id) == len(rows)
    return by_id


def test_data_say_they_are_illustrative(result: bdg.EvaluationResult) -> None:
    """The seed is a plan without results: every bundled row says its figure is illustrative,
    and every row is used."""
    observations = result.observations
    assert observations.rows_read == observations.rows_used > 0
    assert observations.rows_rejected == 0
    sources = observations.table["source"].to_list()
    assert all(s.startswith("Số liệu minh họa") for s in sources)


def test_the_two_readings_of_qna_1(result: bdg.EvaluationResult) -> None:
    """ "Giảm 0,15% … so với năm 2018": the relative reading (at most 99.85% of the 2018 share)
    and the percentage-point reading (at most the 2018 share less 0.15) are judged on the same
    exact values, and here they disagree: qna-1a achieved, qna-1b not."""
    base = exact(row(result, "qna-1a", PROVINCE, "2018"))
    value = exact(row(result, "qna-1a", PROVINCE, YEAR))
    assert exact(row(result, "qna-1b", PROVINCE, YEAR)) == value
    relative = row(result, "qna-1a", PROVINCE, YEAR)["status"]
    absolute = row(result, "qna-1b", PROVINCE, YEAR)["status"]
    assert relative == ("achieved" if value <= base * (1 - Fraction("0.0015")) else "not_achieved")
    assert absolute == ("achieved" if value <= base - Fraction("0.15") else "not_achieved")
    assert (relative, absolute) == ("achieved", "not_achieved")


def test_qna_1_is_undetermined_and_counted_once(result: bdg.EvaluationResult) -> None:
    """Where the readings disagree the chỉ tiêu is undetermined (not assessed), and the
    framework row counts it once: its targets are the chỉ tiêu with a verdict row, six, for
    seven entries, less the commune standard 1.1, which is judged at communes only
    (`applies_to`), so five at the province."""
    verdicts = legal(result, PROVINCE, YEAR)
    qna1 = verdicts["qna-1"]
    assert (qna1["rule"], qna1["status"], qna1["reason_code"]) == (
        "readings",
        "undetermined",
        "readings-disagree",
    )
    assert (qna1["entries"], qna1["entries_achieved"]) == (2, 1)

    summary = result.summary().to_polars()
    (framework,) = summary.filter(
        (summary["org_unit"] == PROVINCE) & (summary["period"] == YEAR) & summary["goal"].is_null()
    ).to_dicts()
    applicable = [v for v in verdicts.values() if v["status"] != "not_applicable"]
    counts = result.spec.counts()
    assert (verdicts["1.1"]["status"], verdicts["1.1"]["reason_code"]) == (
        "not_applicable",
        "no-entry-applies",
    )
    assert row(result, "1.1", PROVINCE, YEAR)["reason_code"] == "level-not-judged"
    assert framework["targets"] == len(applicable) == counts.targets - 1
    assert counts.entries == counts.targets + 1  # qna-1a and qna-1b are one chỉ tiêu
    assert framework["undetermined"] == 1
    decided = [v for v in verdicts.values() if v["status"] in DECIDED]
    assert framework["assessed"] == len(decided)
    assert framework["achieved"] == sum(v["status"] == "achieved" for v in decided)
    assert framework["not_achieved"] == sum(v["status"] == "not_achieved" for v in decided)
    assert framework["no_data"] == sum(v["status"] == "no_data" for v in verdicts.values())


@pytest.mark.parametrize("org_unit", [PROVINCE, "huyen-a", "huyen-b"])
def test_child_friendly_share_from_the_communes_verdicts(
    result: bdg.EvaluationResult, org_unit: str
) -> None:
    """Chỉ tiêu qna-3 is `share(achieved("1.1"), level=commune)`: the communes achieving the 06
    rule out of every commune of the tree. The commune without scores has no verdict: it stays
    in the denominator, the share is partial and the least it can be (a lower bound); the most
    is that commune meeting the rule. So at the province the share is between 4/8 and 5/8: even
    62.5% is not more than 87%, so not achieved, settled without the commune, never a verdict
    on the 7 communes known. It is judged at the province only (`applies_to`): a district's
    share is computed and shown, but not judged."""
    assert result.org_units is not None
    communes = [u.code for u in result.org_units.descendants(org_unit) if u.level == "commune"]
    statuses = [row(result, "1.1", c, YEAR)["status"] for c in communes]
    judged = [s for s in statuses if s in DECIDED]
    share = row(result, "qna-3", org_unit, YEAR)
    assert exact(share) == Fraction(statuses.count("achieved"), len(communes)) * 100
    assert share["partial"] is (len(judged) < len(communes))
    assert share["bound"] == ("above" if len(judged) < len(communes) else None)
    assert (share["coverage_used"], share["coverage_expected"]) == (len(judged), len(communes))
    if org_unit == PROVINCE:
        assert exact(share) == 50
        assert (share["status"], share["reason_code"]) == ("not_achieved", None)
    else:
        assert (share["status"], share["reason_code"]) == ("not_applicable", "level-not-judged")


def test_one_commune_without_a_verdict(result: bdg.EvaluationResult) -> None:
    """Exactly one commune has no scores, hence no verdict under 1.1; the province's share is
    partial because of it, and the 06 rule passes and fails communes of both groups."""
    assert result.org_units is not None
    communes = [u for u in result.org_units if u.level == "commune"]
    rows = {u.code: row(result, "1.1", u.code, YEAR) for u in communes}
    missing = [c for c, r in rows.items() if r["status"] == "no_data"]
    assert len(missing) == 1
    assert row(result, "qna-3", PROVINCE, YEAR)["partial"] is True
    for status in DECIDED:
        groups = {
            u.attribute("commune_group") for u in communes if rows[u.code]["status"] == status
        }
        assert groups == {"mountain_island_disadvantaged", "other"}


def test_cli_summary(capsys: pytest.CaptureFixture[str], result: bdg.EvaluationResult) -> None:
    """`bdg evaluate ID --summary` runs on the bundled data alone, exit code 0, and shows the
    province's achieved/assessed count of the summary."""
    code = cli.main(["evaluate", QNA, "--summary"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "+ loại 0" in err
    summary = result.summary().to_polars()
    (framework,) = summary.filter(
        (summary["org_unit"] == PROVINCE) & (summary["period"] == YEAR) & summary["goal"].is_null()
    ).to_dicts()
    assert f"{framework['achieved']}/{framework['assessed']}" in out


def test_explain_lists_the_communes_a_share_counts(result: bdg.EvaluationResult) -> None:
    """An auditor sees which communes the province's share counted and what each gave: the
    commune without a verdict is listed as missing, not hidden."""
    case = result.explain("qna-3", PROVINCE, YEAR)
    members = {m.org_unit: m for m in case.members}
    assert result.org_units is not None
    communes = {u.code for u in result.org_units if u.level == "commune"}
    assert set(members) == communes
    achieved = {
        code: next(s.value for s in m.inputs if s.series.startswith("achieved"))
        for code, m in members.items()
    }
    assert sum(v == 1 for v in achieved.values()) == 4
    assert [code for code, v in achieved.items() if v is None] == ["xa-a4"]
    text = bdg.explanation_text(case)
    assert 'xa-a4 Xã A4 (minh họa): achieved("1.1") = không có' in text
