"""The supervisor's daily review on a generated office day: figures, every anomaly, integrity, sign-off, roles."""

from __future__ import annotations

import io
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.catalogue.errors import Refusal
from app.catalogue.working_days import CalendarYearUnknown
from app.cli.main import main
from app.ledger import dcbor
from app.review import (
    KINDS,
    AlreadySigned,
    NotAcknowledged,
    ReviewThresholds,
    compare,
    load_thresholds,
    open_day,
    save_thresholds,
    sign_day,
    signoff_problems,
)
from app.review.chain import record_body, verify_audit_chain
from app.review.texts import result_name
from app.review.timeline import AUDIT, LEDGER, parse_day
from app.services.errors import ApplicantMismatch
from app.store.audit import record_hash
from app.store.errors import InvalidInput, PermissionDenied
from app.sync.service import EXIT_CANCELLED, EXIT_GAVE_UP, EXIT_UNREACHABLE, EXIT_VERIFICATION
from tests.review_daygen import (
    CLERKS,
    OFFICE_NAME,
    PASSWORD,
    SUPERVISOR,
    Clock,
    generate_day,
    local_ms,
    make_office,
    plant_anomalies,
    reopen_office,
)

DAY = date(2026, 5, 20)
CASES = 300


@pytest.fixture(scope="module")
def generated_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean generated day of 300 cases, built once per test session (the review test files share it)."""
    base = tmp_path_factory.getbasetemp() / "review-generated-day"
    if not (base / "done").exists():
        shutil.rmtree(base, ignore_errors=True)
        generate_day(make_office(base / "office", date(2026, 5, 19)), DAY, CASES)
        (base / "done").touch()
    return base / "office"


@pytest.fixture
def office(generated_day: Path, tmp_path: Path):
    """A fresh copy of the clean day, with its clock at 17:59 that day."""
    target = tmp_path / "office"
    shutil.copytree(generated_day, target)
    return reopen_office(target, Clock(local_ms(DAY, 17, 59)))


@pytest.fixture
def dirty_office(office):
    """The same day with one anomaly of every kind planted (the chain break by editing a stored record)."""
    plant_anomalies(office, DAY)
    office.clock.now_ms = local_ms(DAY, 17, 59)
    with office.open("admin") as admin:
        seq = admin.session.one("SELECT seq FROM audit WHERE action = 'case.search' ORDER BY seq LIMIT 1")[0]
        admin.session.execute("UPDATE audit SET result = 'nothing found' WHERE seq = ?", (seq,))
    return office


def test_a_clean_day_raises_no_flag_and_shows_every_figure(office) -> None:
    with office.open(SUPERVISOR) as r:
        review = open_day(r, "2026-05-20")
    assert review.anomalies == [], [a.id for a in review.anomalies]
    assert review.integrity.ok and review.integrity.chain.ok
    assert review.integrity.pending == [] and review.integrity.included == len(review.period.outbox) > 0
    f = review.figures
    assert f.office.opened == CASES
    assert f.office.closed + f.office.rejected == CASES  # every case finished (withdrawn counts as closed)
    assert f.office.verdicts == {"VALID": CASES}
    assert set(CLERKS) <= set(f.by_clerk) and SUPERVISOR in f.by_clerk
    assert sum(f.by_clerk[c].opened for c in CLERKS) == CASES
    assert f.office.median_handling_ms is not None and f.office.p90_handling_ms >= f.office.median_handling_ms
    assert set(f.by_service) == {"taxation.tax-payment-certificate"}
    assert sum(f.hourly_by_service["taxation.tax-payment-certificate"][9:18]) > 0
    assert f.office.outbox_pending == 0 and f.office.refusals == 0
    # One timeline from both sources, in time order, with working filters.
    timeline = review.timeline()
    assert {a.source for a in timeline} == {AUDIT, LEDGER}
    assert [a.at_ms for a in timeline] == sorted(a.at_ms for a in timeline)
    li = review.timeline(clerk="tax-li")
    assert li and all(a.account == "tax-li" for a in li)
    assert {a.action for a in review.timeline(action="case.step")} == {"case.step"}
    assert len(review.timeline(verdict="VALID")) == CASES
    assert review.timeline(service="no-such-service") == []


def test_every_planted_anomaly_is_flagged_with_its_actions_and_an_explanation(dirty_office) -> None:
    with dirty_office.open(SUPERVISOR) as r:
        review = open_day(r, "2026-05-20")
    kinds = {a.kind for a in review.anomalies}
    assert kinds == set(KINDS), kinds
    planted = dirty_office.planted
    by_kind = {k: [a for a in review.anomalies if a.kind == k] for k in KINDS}
    assert [a.subject for a in by_kind["off_hours"]] == [planted["off_hours"]]
    assert [a.subject for a in by_kind["data_fishing"]] == [planted["data_fishing"]]
    assert [a.subject for a in by_kind["failed_logins"]] == [planted["failed_logins"]]
    assert by_kind["failed_logins"][0].facts["count"] == 4
    assert by_kind["refused_then_accepted"][0].subject.startswith(planted["refused_then_accepted"])
    assert [a.facts["case"] for a in by_kind["unassigned_move"]] == [planted["unassigned_move"]]
    assert by_kind["outbox_stuck"][0].facts["pending"] >= 2
    alarms = " ".join(a.facts["problem"] for a in by_kind["replica_alarm"])
    assert "two checkpoints of size 7" in alarms and planted["replica_alarm"][:16] in alarms
    assert "case.search" in by_kind["audit_chain_break"][0].facts["problem"] or "altered" in alarms + str(
        by_kind["audit_chain_break"][0].facts
    )
    refs = {a.ref for a in review.period.actions}
    for anomaly in review.anomalies:
        zh, en = anomaly.explanation("zh_CN"), anomaly.explanation("en")
        assert zh and en and zh != en and "{" not in zh + en
        if anomaly.kind in ("off_hours", "data_fishing", "failed_logins", "refused_then_accepted"):
            assert anomaly.refs and set(anomaly.refs) <= refs


def test_thresholds_are_admin_settings_that_change_what_is_flagged(dirty_office) -> None:
    with dirty_office.open(SUPERVISOR) as r, pytest.raises(PermissionDenied):
        save_thresholds(r, ReviewThresholds(lookup_limit=50))
    with dirty_office.open("admin") as admin:
        with pytest.raises(InvalidInput):
            ReviewThresholds().with_changes(opens_minute=20 * 60)  # opens after it closes
        with pytest.raises(InvalidInput):
            ReviewThresholds().with_changes(lookup_limit=-1)
        save_thresholds(admin, ReviewThresholds(lookup_limit=50, failed_login_limit=10, closes_minute=22 * 60))
        review = open_day(admin, "2026-05-20")
    kinds = {a.kind for a in review.anomalies}
    assert "data_fishing" not in kinds and "failed_logins" not in kinds and "off_hours" not in kinds


def test_a_damaged_thresholds_setting_falls_back_to_defaults(office) -> None:
    with office.open("admin") as admin:
        for raw in ("{not json", "[1, 2]", '{"lookup_limit": "many", "opens_minute": 99999}', "x" * 10_000):
            admin.put_setting("review.thresholds", raw)
            assert load_thresholds(admin) == ReviewThresholds()


@pytest.mark.parametrize("text", ["", "2026-5-20", "2026-02-30", "20260520xx", "../../etc", "2026-05-20\x00"])
def test_a_malformed_day_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_day(text)


def test_roles_clerks_neither_review_nor_sign_admins_review_only_supervisors_sign_once(dirty_office) -> None:
    with dirty_office.open("tax-li") as clerk, pytest.raises(PermissionDenied):
        open_day(clerk, "2026-05-20")
    with dirty_office.open("admin") as admin:
        review = open_day(admin, "2026-05-20")
        with pytest.raises(PermissionDenied):
            sign_day(admin, review, {a.id: "seen" for a in review.anomalies})
    with dirty_office.open(SUPERVISOR) as sup:
        review = open_day(sup, "2026-05-20")
        first = review.anomalies[0].id
        with pytest.raises(NotAcknowledged) as missing:
            sign_day(sup, review, {first: "talked to the clerk"})
        assert first not in missing.value.missing and len(missing.value.missing) == len(review.anomalies) - 1
        comments = {a.id: f"checked {a.kind}" for a in review.anomalies}
        signed = sign_day(sup, review, comments)
        assert signed.day == "2026-05-20" and len(signed.acknowledgements) == len(review.anomalies)
        with pytest.raises(AlreadySigned):
            sign_day(sup, open_day(sup, "2026-05-20"), comments)
        again = open_day(sup, "2026-05-20")
        assert again.signoff is not None and again.signoff.leaf_hash == signed.leaf_hash
        assert {a["anomaly"] for a in again.signoff.acknowledgements} == set(comments)


def _office_check(office_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["office", "check", "--office", str(office_path), "--user", "admin", "--password-stdin"])
    return code, capsys.readouterr().err


def _tamper_record(r, seq: int) -> None:
    r.session.execute("UPDATE audit SET result = 'VALID (edited)' WHERE seq = ?", (seq,))


def _tamper_and_rechain(r, seq: int) -> None:
    """A careful forger: edit a record, recompute every later hash, and let the store move its head file."""
    _tamper_record(r, seq)
    rows = r.session.all(
        "SELECT seq, at_ms, account, device, action, result, detail, signer FROM audit WHERE seq >= ? ORDER BY seq",
        (seq,),
    )
    prev = r.session.one("SELECT hash FROM audit WHERE seq = ?", (seq - 1,))[0]
    for row in rows:
        digest = record_hash(prev, *row)
        r.session.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0]))
        prev = digest
    r.audit._load_tail()
    r.audit.append("maintenance", "ok")  # writes the head file beside the database


def _delete_entry(r, _seq: int) -> None:
    r.session.execute("DELETE FROM outbox WHERE id = (SELECT min(id) FROM outbox)")


@pytest.mark.parametrize("tamper", [_tamper_record, _tamper_and_rechain, _delete_entry])
def test_a_signed_day_changed_later_is_reported_by_the_panel_and_office_check(
    office, monkeypatch, capsys, tamper
) -> None:
    with office.open(SUPERVISOR) as sup:
        signed = sign_day(sup, open_day(sup, "2026-05-20"), {})
    code, err = _office_check(office.path, monkeypatch, capsys)
    assert code == 0, err
    with office.open("admin") as admin:
        seq = admin.session.one(
            "SELECT seq FROM audit WHERE action = 'cert.verify' AND seq < ? ORDER BY seq LIMIT 1", (signed.audit_seq,)
        )[0]
        tamper(admin, seq)
    with office.open(SUPERVISOR) as sup:
        review = open_day(sup, "2026-05-20")
        assert not review.integrity.ok
        found = [review.integrity.chain.problem, *review.integrity.problems]
        assert any(found), found
        assert review.anomalies  # the break or the changed entries are flagged too
        assert signoff_problems(sup) or not review.integrity.chain.ok
    code, err = _office_check(office.path, monkeypatch, capsys)
    assert code == 1 and "DAMAGE" in err


def test_a_forger_who_rechains_is_caught_only_by_the_signed_head(office, monkeypatch, capsys) -> None:
    with office.open(SUPERVISOR) as sup:
        signed = sign_day(sup, open_day(sup, "2026-05-20"), {})
    with office.open("admin") as admin:
        _tamper_and_rechain(admin, signed.audit_seq - 5)
        # The hashes are consistent again, but the rechained records no longer carry their actors' signatures:
        # the store's own check names the first one (a forger would need every later actor's password)...
        report = admin.check()
        assert any("is not signed by an account of this office" in p for p in report.problems), report.problems
        problems = signoff_problems(admin)
    assert any("signed chain head" in p for p in problems), problems  # ...the signed head does not
    code, err = _office_check(office.path, monkeypatch, capsys)
    assert code == 1 and "signed chain head" in err


def test_week_and_month_figures_compare_with_the_day(office) -> None:
    with office.open(SUPERVISOR) as sup:
        figures = compare(sup, "2026-05-20")
    assert figures["day"]["opened"] == CASES
    assert figures["week"]["opened"] == pytest.approx(CASES / 7, abs=0.01)
    assert figures["month"]["opened"] == pytest.approx(CASES / 31, abs=0.01)


def test_fast_chain_verification_agrees_with_the_store(office) -> None:
    with office.open("admin") as admin:
        check = verify_audit_chain(admin.session)
        assert check.ok and (check.records, check.head_hash) == admin.audit.verify_chain()
        later = verify_audit_chain(
            admin.session, after_seq=100, after_hash=admin.audit.records(after_seq=99, limit=1)[0].hash
        )
        assert later.ok and later.head_hash == check.head_hash and later.records == check.records - 100
        wrong = verify_audit_chain(admin.session, after_seq=100, after_hash=bytes(32))
        assert not wrong.ok and "101" in wrong.problem


@given(
    seq=st.integers(0, 2**63 - 1),
    at_ms=st.integers(0, 2**63 - 1),
    account=st.text(max_size=80),
    device=st.binary(max_size=300),
    action=st.text(max_size=300),
    result=st.text(max_size=70_000),
    detail=st.binary(max_size=70_000),
)
def test_the_fast_record_encoding_is_the_stores_deterministic_cbor(seq, at_ms, account, device, action, result, detail):
    assert record_body(seq, at_ms, account, device, action, result, detail) == dcbor.encode(
        [seq, at_ms, account, device, action, result, detail]
    )


def test_the_office_name_is_chinese(office) -> None:
    with office.open(SUPERVISOR) as sup:
        assert open_day(sup, "2026-05-20").office == OFFICE_NAME


def test_fast_chain_verification_takes_the_slow_encoding_for_unusual_records(tmp_path: Path) -> None:
    """Times before 1970-02-19 (under 2**32 ms) and fields over 64 KiB (only a forger writes those) leave the
    inlined fast path; the chain still verifies exactly as the store's, and an oversized forgery is named."""
    from app.store.replica import create_office
    from tests.review_daygen import FAST_KDF

    with create_office(tmp_path / "o", "Edge Hall", "admin", "pw-edge-1", kdf=FAST_KDF) as admin:
        for at_ms in (0, 5, 0xFFFFFFFF, 0x100000000, 1_780_000_000_000, 2**63 - 1):
            admin.audit.append("edge.time", "ok", {"at": at_ms}, at_ms=at_ms)
        check = verify_audit_chain(admin.session)
        assert check.ok and (check.records, check.head_hash) == admin.audit.verify_chain()
        seq = admin.audit.append("edge.forged", "ok")
        admin.session.execute("UPDATE audit SET detail = ? WHERE seq = ?", (b"\xa0" + b"x" * 70_000, seq))
        forged = verify_audit_chain(admin.session)
        assert not forged.ok and f"audit record {seq} (edge.forged by admin) was altered" in forged.problem


@pytest.mark.parametrize(
    ("column", "forged"), [("device", "text, not bytes"), ("at_ms", 1.5), ("detail", 7), ("at_ms", "noon")]
)
def test_a_column_forged_to_another_type_is_named_as_altered(tmp_path: Path, column: str, forged: object) -> None:
    from app.store.replica import create_office
    from tests.review_daygen import FAST_KDF

    with create_office(tmp_path / "o", "Type Hall", "admin", "pw-type-1", kdf=FAST_KDF) as admin:
        seq = admin.audit.append("edge.typed", "ok")
        admin.session.execute(f"UPDATE audit SET {column} = ? WHERE seq = ?", (forged, seq))
        check = verify_audit_chain(admin.session)
    assert not check.ok and f"audit record {seq} (edge.typed by admin) was altered" in check.problem


def test_refused_steps_and_sync_runs_are_worded_in_both_languages() -> None:
    """The timeline, the PDF and the CSV show `refused: <code>` and `exit <status>` results in words, never the code."""

    def codes(cls: type) -> set[str]:
        return {cls.code} | {c for sub in cls.__subclasses__() for c in codes(sub)}

    assert {ApplicantMismatch.code, CalendarYearUnknown.code} <= codes(Refusal)  # app.services' and the calendar's
    results = [f"refused: {code}" for code in sorted(codes(Refusal))]
    results += [f"exit {status}" for status in (EXIT_VERIFICATION, EXIT_UNREACHABLE, EXIT_CANCELLED, EXIT_GAVE_UP)]
    assert len(results) > 15
    for result in results:
        chinese, english = result_name(result, "zh_CN"), result_name(result, "en")
        assert not re.search(r"[A-Za-z]", chinese), (result, chinese)
        assert not re.search(r"[\u4e00-\u9fff]", english) and "_" not in english, (result, english)
    assert result_name("refused: the node said no", "zh_CN") == "已拒绝：the node said no"  # free text stays as is
