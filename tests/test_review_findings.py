"""Integrity findings come from app/ as codes with parameters (issue 16, point 3): the review words each one in
zh_CN and en (screen, PDF, anomaly explanations) while the command line keeps its English sentence."""

from __future__ import annotations

import copy
import pickle
import re
import string

from app.review import open_day
from app.review.texts import _PROBLEMS, problem_text
from app.store.findings import Finding
from tests.review_daygen import SUPERVISOR
from tests.test_review import dirty_office, generated_day, office

__all__ = ["dirty_office", "generated_day", "office"]
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _without_params(text: str, finding: Finding) -> str:
    for value in sorted(finding.params.values(), key=len, reverse=True):
        text = text.replace(value, "")
    return text


def test_the_panel_findings_carry_codes_and_read_in_both_languages(dirty_office) -> None:
    with dirty_office.open(SUPERVISOR) as r:
        review = open_day(r, "2026-05-20")
    integrity = review.integrity
    codes = {p.code for p in integrity.problems}
    assert "proof_not_verified" in codes, integrity.problems
    assert integrity.chain.problem.code == "audit_record_altered"
    for finding in [*integrity.problems, integrity.chain.problem]:
        zh, en = problem_text(finding, "zh_CN"), problem_text(finding, "en")
        assert finding.code in _PROBLEMS and zh != en and "{" not in zh + en
        assert not LATIN_WORD.search(_without_params(zh, finding)), zh  # Chinese, ids and log names aside
        assert not re.search("[\u4e00-\u9fff]", _without_params(en, finding)), en
    planted = dirty_office.planted["replica_alarm"][:16]
    alarms = [a for a in review.anomalies if a.kind == "replica_alarm" and planted in a.facts["problem"]]
    assert alarms and "收录证明" in alarms[0].explanation("zh_CN") and "inclusion proof" in alarms[0].explanation("en")
    [chain] = [a for a in review.anomalies if a.kind == "audit_chain_break"]
    assert "被改动" in chain.explanation("zh_CN") and "altered" in chain.explanation("en")
    assert "inclusion proof does not verify" in " ".join(integrity.problems)  # the command line's English stays


def test_every_code_is_worded_in_both_languages_with_the_same_parameters() -> None:
    for code, templates in _PROBLEMS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(templates[lang]) if f} for lang in ("zh_CN", "en")]
        assert fields[0] == fields[1], code
        assert re.search("[\u4e00-\u9fff]", templates["zh_CN"]) and not re.search("[\u4e00-\u9fff]", templates["en"])


def test_a_finding_is_its_english_sentence_and_keeps_its_code_across_copies() -> None:
    finding = Finding("anchor_cut", "the local audit trail ends at record 3 ...", head=3, count=9, when_ms=0)
    assert finding == "the local audit trail ends at record 3 ..." and isinstance(finding, str)
    for clone in (copy.deepcopy(finding), pickle.loads(pickle.dumps(finding))):
        assert (clone.code, clone.params, str(clone)) == (finding.code, finding.params, str(finding))
    assert problem_text(finding, "zh_CN").startswith("本地审计记录止于第 3 条") and "1970年1月1日 08:00" in (
        problem_text(finding, "zh_CN")
    )
    assert "1970-01-01 08:00 Beijing time" in problem_text(finding, "en")
    assert problem_text("a plain sentence", "zh_CN") == "a plain sentence"  # not a finding: shown as it is
    for when in ("not a number", 10**30, -(10**30)):
        hostile = Finding("anchor_cut", "x", head="{0}", count="{x}", when_ms=when)
        assert problem_text(hostile, "zh_CN") == "x"  # unusable parameters: the English sentence, never a crash
    assert "{0}" in problem_text(Finding("audit_record_missing", "y", seq="{0}"), "en")  # a value is not a template
