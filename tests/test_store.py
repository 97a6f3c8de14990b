"""The office replica: accounts, roles, lockout, audit chain, migrations, search input and the at-rest promise."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import sqlcipher3

from app.ledger.merkle import hash_leaf
from app.store import roles
from app.store.errors import (
    AccountDisabled,
    AccountLocked,
    AuditChainBroken,
    InvalidInput,
    OfficeExists,
    PermissionDenied,
    UnknownAccount,
    WrongPassword,
)
from app.store.keywrap import KdfParams, WrappedKey
from app.store.logs import Cosignature
from app.store.registry import DeviceRecord, KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.store.schema import LATEST
from tests.store_support import FAST_KDF, FakeClock

FIXTURES = Path(__file__).parent / "fixtures" / "store"
ORIGIN = "example.gov/dept-a"
PASSWORDS = {"admin": "admin-pw", "sup": "sup-pw", "clerk": "clerk-pw"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_800_000_000_000)


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock) -> Path:
    """An office with an admin, a supervisor and a clerk."""
    path = tmp_path / "office"
    with create_office(path, "Haidian Service Hall", "admin", PASSWORDS["admin"], kdf=FAST_KDF, clock=clock) as r:
        r.accounts.add("sup", "supervisor", PASSWORDS["sup"])
        r.accounts.add("clerk", "clerk", PASSWORDS["clerk"])
    return path


def unlock(office: Path, user: str, clock: FakeClock, password: str | None = None) -> Replica:
    return open_replica(office, user, password or PASSWORDS[user], clock=clock, kdf=FAST_KDF)


def key_record(n: int = 1, department: str = "dept-a") -> KeyRecord:
    return KeyRecord(bytes([n]) * 16, "ed25519", bytes([n]) * 32, "clerk", f"clerk {n}", department, 1000, None)


# -- accounts, passwords, lockout ------------------------------------------------------------------


def test_create_then_unlock_as_each_role(office: Path, clock: FakeClock) -> None:
    for user, role in (("admin", "admin"), ("sup", "supervisor"), ("clerk", "clerk")):
        with unlock(office, user, clock) as replica:
            assert replica.account.name == user
            assert replica.account.role == role
            assert replica.name == "Haidian Service Hall"
            signature = replica.account_signer.sign(b"m")
            assert replica.account_signer.suite.verify(replica.account.public_key, b"m", signature)
            assert replica.device_signer.public_key != replica.account_signer.public_key


def test_creating_twice_is_refused(office: Path) -> None:
    with pytest.raises(OfficeExists):
        create_office(office, "again", "admin", "pw", kdf=FAST_KDF)


def test_every_account_signs_with_its_own_key_on_the_same_device(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as a, unlock(office, "sup", clock) as b:
        assert a.device_signer.public_key == b.device_signer.public_key
        assert a.account_signer.public_key != b.account_signer.public_key


def test_wrong_password_and_unknown_account(office: Path, clock: FakeClock) -> None:
    with pytest.raises(WrongPassword, match="attempts left"):
        unlock(office, "clerk", clock, "not-it")
    with pytest.raises(UnknownAccount):
        unlock(office, "nobody", clock, "pw")
    with pytest.raises(InvalidInput):
        unlock(office, "bad name; --", clock, "pw")


def test_failed_logins_back_off_then_lock_and_survive_restart(office: Path, clock: FakeClock) -> None:
    for _ in range(3):
        with pytest.raises(WrongPassword):
            unlock(office, "clerk", clock, "guess")
    # Fourth attempt within the backoff: refused before the password is even tried (even the right one).
    with pytest.raises(AccountLocked) as locked:
        unlock(office, "clerk", clock)
    assert locked.value.until_ms == clock.now_ms + 1000
    for _ in range(7):
        clock.now_ms += 301_000
        with pytest.raises(WrongPassword):
            unlock(office, "clerk", clock, "guess")
    clock.now_ms += 10 * 86_400_000
    # The state lives in logins.json, so a fresh process (this is a fresh open) still sees the lockout.
    assert json.loads((office / "logins.json").read_text())["accounts"]["clerk"]["failures"] == 10
    with pytest.raises(AccountLocked, match="reset"):
        unlock(office, "clerk", clock)
    with unlock(office, "sup", clock) as sup:
        sup.accounts.reset_password("clerk", "new-clerk-pw")
        failed = [r for r in sup.audit.records() if r.action == "login.failed"]
        assert len(failed) == 10 and {r.account for r in failed} == {"clerk"}
    with unlock(office, "clerk", clock, "new-clerk-pw") as clerk:
        assert clerk.account.name == "clerk"


def test_password_change_rewraps_only_the_key(office: Path, clock: FakeClock) -> None:
    before = (office / "replica.db").stat().st_size
    wraps_before = json.loads((office / "keys.json").read_text())["accounts"]
    with unlock(office, "clerk", clock) as clerk:
        clerk.accounts.change_password("a-better-pw")
    wraps_after = json.loads((office / "keys.json").read_text())["accounts"]
    assert wraps_after["clerk"] != wraps_before["clerk"]
    assert wraps_after["admin"] == wraps_before["admin"]
    assert (office / "replica.db").stat().st_size == before
    with pytest.raises(WrongPassword):
        unlock(office, "clerk", clock)
    unlock(office, "clerk", clock, "a-better-pw").close()


def test_supervisor_resets_clerks_only(office: Path, clock: FakeClock) -> None:
    with unlock(office, "sup", clock) as sup:
        sup.accounts.reset_password("clerk", "reset-by-sup")
        with pytest.raises(PermissionDenied, match="supervisor"):
            sup.accounts.reset_password("admin", "takeover")
    with unlock(office, "clerk", clock, "reset-by-sup") as clerk, pytest.raises(PermissionDenied):
        clerk.accounts.reset_password("sup", "takeover")


def test_disabled_account_cannot_unlock_even_with_a_cached_wrap(office: Path, clock: FakeClock) -> None:
    cached_keys = (office / "keys.json").read_bytes()
    with unlock(office, "admin", clock) as admin:
        admin.accounts.disable("clerk")
        with pytest.raises(InvalidInput, match="last active admin"):
            admin.accounts.disable("admin")
    with pytest.raises(UnknownAccount):
        unlock(office, "clerk", clock)
    # A copy of the old key file is a cached credential: it unwraps the key, but the database says no.
    (office / "keys.json").write_bytes(cached_keys)
    with pytest.raises(AccountDisabled):
        unlock(office, "clerk", clock)
    with unlock(office, "admin", clock) as admin:
        refused = [rec for rec in admin.audit.records() if rec.account == "clerk" and rec.action == "login"]
        assert refused[-1].result == "refused: account disabled"
        admin.accounts.remove("sup")
        with pytest.raises(InvalidInput, match="never reused"):
            admin.accounts.add("sup", "clerk", "pw")
    with pytest.raises(UnknownAccount):
        unlock(office, "sup", clock)
    (office / "keys.json").write_bytes(cached_keys)
    with pytest.raises(AccountDisabled, match="removed"):
        unlock(office, "sup", clock)


def test_wrap_is_bound_to_its_account(office: Path, clock: FakeClock) -> None:
    keys = json.loads((office / "keys.json").read_text())
    keys["accounts"]["clerk"] = keys["accounts"]["admin"]  # try the admin's wrap under the clerk's name
    (office / "keys.json").write_text(json.dumps(keys))
    with pytest.raises(WrongPassword):
        unlock(office, "clerk", clock, PASSWORDS["admin"])


def test_stored_kdf_parameters_are_bounded() -> None:
    good = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}
    assert KdfParams.from_json(good) == KdfParams(1, 8192, 1)
    for bad in ({**good, "memory_kib": 1 << 40}, {**good, "time_cost": 0}, {**good, "parallelism": True}, [], {}):
        with pytest.raises(InvalidInput):
            KdfParams.from_json(bad)
    with pytest.raises(InvalidInput):
        WrappedKey.from_json({"alg": "argon2id+aes256gcm", "salt": "zz", "nonce": "", "ciphertext": ""})


# -- roles: every operation ---------------------------------------------------------------------------


def _operations(replica: Replica, case_ref: str, acked: bytes) -> dict[str, tuple[object, str]]:
    kr = key_record(9)
    return {
        "registry.put_key": (lambda: replica.registry.put_key(kr), roles.SYNC),
        "registry.key": (lambda: replica.registry.key(kr.kid), roles.READ),
        "registry.keys_for": (lambda: replica.registry.keys_for("dept-a"), roles.READ),
        "registry.put_device": (
            lambda: replica.registry.put_device(DeviceRecord(b"d" * 16, "hall", "dept-a", 1)),
            roles.SYNC,
        ),
        "registry.device": (lambda: replica.registry.device(b"d" * 16), roles.READ),
        "certs.put_revocation": (lambda: replica.certs.put_revocation("iss", "s1", "lost", 5), roles.SYNC),
        "certs.revocation": (lambda: replica.certs.revocation("iss", "s1"), roles.READ),
        "certs.put_anchor": (lambda: replica.certs.put_anchor(b"h" * 32, "s1", "iss", "t", ORIGIN, 3), roles.SYNC),
        "certs.anchor": (lambda: replica.certs.anchor(b"h" * 32), roles.READ),
        "logs.put_checkpoint": (lambda: replica.logs.put_checkpoint(ORIGIN, 1, b"r" * 32, "n", 1), roles.SYNC),
        "logs.latest_checkpoint": (lambda: replica.logs.latest_checkpoint(ORIGIN), roles.READ),
        "logs.cosignatures": (lambda: replica.logs.cosignatures(ORIGIN, 1), roles.READ),
        "logs.checkpoint_sizes": (lambda: replica.logs.checkpoint_sizes(), roles.READ),
        "logs.age_ms": (lambda: replica.logs.age_ms(ORIGIN, 10), roles.READ),
        "logs.put_entry": (lambda: replica.logs.put_entry(ORIGIN, 0, hash_leaf(b"e"), b"e", None), roles.SYNC),
        "logs.entry_by_hash": (lambda: replica.logs.entry_by_hash(hash_leaf(b"e")), roles.READ),
        "outbox.enqueue": (lambda: replica.outbox.enqueue(ORIGIN, b"signed"), roles.OUTBOX_WRITE),
        "outbox.pending": (lambda: replica.outbox.pending(), roles.OUTBOX_READ),
        "outbox.count_pending": (lambda: replica.outbox.count_pending(), roles.OUTBOX_READ),
        "outbox.acknowledge": (lambda: replica.outbox.acknowledge(acked, 0, []), roles.SYNC),
        "audit.records": (lambda: replica.audit.records(), roles.AUDIT_REVIEW),
        "audit.verify_chain": (lambda: replica.audit.verify_chain(), roles.CHECK),
        "cases.open": (lambda: replica.cases.open("passport", "Wang Fang", "1101", "s"), roles.CASE_WRITE),
        "cases.set_status": (lambda: replica.cases.set_status(case_ref, "waiting"), roles.CASE_WRITE),
        "cases.get": (lambda: replica.cases.get(case_ref), roles.CASE_READ),
        "cases.search": (lambda: replica.cases.search("Wang"), roles.CASE_READ),
        "cases.review": (lambda: replica.cases.review(case_ref, "approved"), roles.CASE_REVIEW),
        "accounts.add": (
            lambda: replica.accounts.add(f"new-{replica.account.name}", "clerk", "pw"),
            roles.ACCOUNT_MANAGE,
        ),
        "accounts.disable": (lambda: replica.accounts.disable("victim"), roles.ACCOUNT_MANAGE),
        "accounts.reset_password(clerk)": (
            lambda: replica.accounts.reset_password("victim2", "pw2"),
            roles.RESET_CLERK_PASSWORD,
        ),
        "settings.write": (lambda: replica.put_setting("counter", "3"), roles.SETTINGS_WRITE),
        "settings.read": (lambda: replica.setting("counter"), roles.READ),
        "lookup": (lambda: replica.record(roles.LOOKUP, "lookup", "found", {}), roles.LOOKUP),
        "scan": (lambda: replica.record(roles.SCAN, "scan", "decoded", {}), roles.SCAN),
        "verdict": (lambda: replica.record(roles.VERDICT, "verdict", "valid", {}), roles.VERDICT),
        "sign": (lambda: replica.record(roles.SIGN_ENTRY, "sign", "ok", {}), roles.SIGN_ENTRY),
        "check": (lambda: replica.check(), roles.CHECK),
    }


@pytest.mark.parametrize("role", ["clerk", "sup", "admin"])
def test_every_operation_checks_the_role(office: Path, clock: FakeClock, role: str) -> None:
    with unlock(office, "admin", clock) as admin:
        admin.accounts.add("victim", "clerk", "v")
        admin.accounts.add("victim2", "clerk", "v")
    with unlock(office, "clerk", clock) as clerk:
        case_ref = clerk.cases.open("passport", "Li Lei", "1102", "").case_ref
        acked = clerk.outbox.enqueue(ORIGIN, b"to-ack")
    covered = set()
    with unlock(office, role, clock) as replica:
        for name, (call, operation) in _operations(replica, case_ref, acked).items():
            covered.add(operation)
            if roles.allowed(replica.account.role, operation):
                call()
            else:
                with pytest.raises(PermissionDenied) as denied:
                    call()
                assert denied.value.role == replica.account.role, name
                assert denied.value.operation.startswith(operation), name
    assert covered == roles.ALL_OPERATIONS


def test_role_table() -> None:
    assert roles.allowed("clerk", roles.SCAN) and not roles.allowed("clerk", roles.AUDIT_REVIEW)
    assert roles.allowed("supervisor", roles.SCAN) and roles.allowed("supervisor", roles.CASE_REVIEW)
    assert roles.allowed("admin", roles.ACCOUNT_MANAGE) and not roles.allowed("admin", roles.CASE_WRITE)
    assert not roles.allowed("root", roles.READ)
    assert not roles.allowed("supervisor", roles.ACCOUNT_MANAGE)


# -- the stores -------------------------------------------------------------------------------------


def test_registry_certs_logs_outbox_round_trip(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as r:
        r.registry.put_key(key_record(1))
        r.registry.put_key(key_record(2, "dept-b"))
        assert r.registry.key(bytes([1]) * 16) == key_record(1)
        assert r.registry.key(b"x" * 16) is None
        assert r.registry.keys_for("dept-b") == [key_record(2, "dept-b")]
        r.certs.put_revocation("dept-a", "SN-1", "stolen", 42)
        assert r.certs.revocation("dept-a", "SN-1").reason == "stolen"
        assert r.certs.revocation("dept-a", "SN-2") is None
        r.certs.put_anchor(b"c" * 32, "SN-1", "dept-a", "birth", ORIGIN, 7)
        assert r.certs.anchor(b"c" * 32).index == 7
        r.logs.put_checkpoint(ORIGIN, 5, b"r" * 32, "note", clock.now_ms - 60_000, [Cosignature("w1", 9, b"s" * 72)])
        r.logs.put_checkpoint(ORIGIN, 3, b"q" * 32, "old note", clock.now_ms)
        assert r.logs.latest_checkpoint(ORIGIN).size == 5
        assert r.logs.cosignatures(ORIGIN, 5) == [Cosignature("w1", 9, b"s" * 72)]
        assert r.logs.age_ms(ORIGIN, clock.now_ms + 1000) == 1000
        assert r.logs.age_ms("unknown", clock.now_ms) is None
        with pytest.raises(InvalidInput, match="leaf hash"):
            r.logs.put_entry(ORIGIN, 0, b"z" * 32, b"data", None)
        r.logs.put_entry(ORIGIN, None, hash_leaf(b"data"), b"data", None)
        r.logs.put_entry(ORIGIN, 4, hash_leaf(b"data"), b"data", [b"p" * 32])
        stored = r.logs.entry_by_hash(hash_leaf(b"data"))
        assert (stored.index, stored.proof, stored.data) == (4, [b"p" * 32], b"data")
        with r.transaction():
            first = r.outbox.enqueue(ORIGIN, b"entry-1")
            r.outbox.enqueue(ORIGIN, b"entry-2")
            r.outbox.enqueue(ORIGIN, b"entry-1")  # idempotent by entry hash
        assert [e.data for e in r.outbox.pending()] == [b"entry-1", b"entry-2"]
        r.outbox.acknowledge(first, 11, [b"a" * 32])
        assert [e.data for e in r.outbox.pending()] == [b"entry-2"]
        assert r.logs.entry_by_hash(first).index == 11


def test_transaction_is_atomic_across_tables(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as r:
        with pytest.raises(RuntimeError), r.transaction():
            r.outbox.enqueue(ORIGIN, b"half-done")
            r.audit.append("case.submit", "ok", {"case": "C1"})
            raise RuntimeError("power cut in the middle")
        assert r.outbox.pending() == []
        r.audit.append("after", "ok")  # the chain continues from the last committed record
    with unlock(office, "sup", clock) as sup:
        assert "case.submit" not in [rec.action for rec in sup.audit.records()]
        sup.audit.verify_chain()


def test_cases_search_by_text_and_dates(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as r:
        start = clock.now_ms
        a = r.cases.open("passport", "Zhang Wei", "110101199003071233", "renew passport")
        clock.now_ms += 86_400_000
        b = r.cases.open("hukou", "张伟明", "110101199003075672", "户口迁移")
        assert [c.case_ref for c in r.cases.search("Zhang")] == [a.case_ref]
        assert [c.case_ref for c in r.cases.search("张伟明")] == [b.case_ref]
        assert [c.case_ref for c in r.cases.search("张伟")] == [b.case_ref]  # short text: LIKE
        assert [c.case_ref for c in r.cases.search(opened_from_ms=start + 1)] == [b.case_ref]
        assert [c.case_ref for c in r.cases.search(opened_to_ms=start)] == [a.case_ref]
        assert [c.case_ref for c in r.cases.search(citizen_id="110101199003071233")] == [a.case_ref]
        assert r.cases.set_status(a.case_ref, "closed").status == "closed"
        with pytest.raises(InvalidInput):
            r.cases.set_status(a.case_ref, "deleted")


HOSTILE = [
    "'; DROP TABLE cases; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    "Zhang* OR NEAR(a b)",
    'citizen_name:"x"',
    "summary : *",
    "%",
    "_",
    "\\",
    ")(",
    "^Zh",
    "'",
    '"',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_search_fields_take_injection_as_plain_text(office: Path, clock: FakeClock, hostile: str) -> None:
    with unlock(office, "clerk", clock) as r:
        r.cases.open("passport", "Zhang Wei", "1101", "renew")
        r.registry.put_key(key_record(1))
        r.certs.put_revocation("iss", "S1", "lost", 1)
        assert r.cases.search(hostile) == []
        assert r.cases.search(service=hostile) == []
        assert r.cases.search(citizen_id=hostile) == []
        assert r.cases.get(hostile) is None
        assert r.registry.keys_for(hostile) == []
        assert r.certs.revocation(hostile, hostile) is None
        assert r.certs.revocation("iss", hostile) is None
        assert r.logs.latest_checkpoint(hostile) is None
        assert r.logs.age_ms(hostile, 1) is None
        # Stored as data too, and found again only by itself.
        hostile_case = r.cases.open(hostile, hostile, hostile, hostile)
        assert [c.case_ref for c in r.cases.search(hostile)] == [hostile_case.case_ref]
        assert [c.case_ref for c in r.cases.search(service=hostile)] == [hostile_case.case_ref]
        assert len(r.cases.search()) == 2
        assert r.registry.key(bytes([1]) * 16) is not None
        assert r.check().ok


def test_nul_characters_are_refused_in_every_search_field(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as r:
        for call in (
            lambda: r.cases.search("Zh\x00ang"),
            lambda: r.cases.search(service="a\x00"),
            lambda: r.registry.keys_for("\x00"),
            lambda: r.certs.revocation("iss", "S\x001"),
        ):
            with pytest.raises(InvalidInput, match="NUL"):
                call()


def test_inputs_are_checked(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as r:
        for bad_call in (
            lambda: r.cases.search("x" * 10_000),
            lambda: r.cases.search(7),
            lambda: r.cases.search(limit=0),
            lambda: r.registry.put_key(KeyRecord(b"short", "ed25519", b"p", "r", "s", "d", 0)),
            lambda: r.certs.put_revocation("i", "s", "r", -1),
            lambda: r.logs.put_checkpoint(ORIGIN, True, b"r" * 32, "n", 1),
            lambda: r.logs.put_entry(ORIGIN, 0, hash_leaf(b"e"), b"e", [b"short"]),
            lambda: r.outbox.enqueue(ORIGIN, b"x" * 40_000),
            lambda: r.outbox.acknowledge(b"n" * 32, 0, None),
            lambda: r.audit.append("a", "b", {"f": 1.5}),
        ):
            with pytest.raises(InvalidInput):
                bad_call()


# -- audit trail ------------------------------------------------------------------------------------


def test_audit_records_who_what_when_where_result(office: Path, clock: FakeClock) -> None:
    with pytest.raises(WrongPassword):
        unlock(office, "clerk", clock, "typo")
    with unlock(office, "clerk", clock) as r:
        r.record(roles.SCAN, "scan", "decoded", {"format": "qr"})
        r.record(roles.VERDICT, "verdict", "revoked", {"serial": "S1"})
        r.record(roles.LOOKUP, "lookup", "found", {"kind": "certificate"})
        device = r.device_kid
    with unlock(office, "sup", clock) as sup:
        records = sup.audit.records(account="clerk")
        actions = [rec.action for rec in records]
        assert actions[-6:] == ["login.failed", "login", "scan", "verdict", "lookup", "logout"]
        verdict = next(rec for rec in records if rec.action == "verdict")
        assert (verdict.account, verdict.device, verdict.result, verdict.detail) == (
            "clerk",
            device,
            "revoked",
            {"serial": "S1"},
        )
        assert verdict.at_utc.endswith("+00:00")
        count, head = sup.audit.verify_chain()
        assert count == sup.audit.head_seq and head == sup.audit.head_hash


def test_audit_chain_names_an_edited_record(office: Path, clock: FakeClock) -> None:
    with unlock(office, "admin", clock) as r:
        r.session.execute("UPDATE audit SET result = 'forged' WHERE seq = 2")  # an insider with the key edits history
        with pytest.raises(AuditChainBroken, match="record 2"):
            r.audit.verify_chain()
        assert any("record 2" in p for p in r.check().problems)


# -- migrations -------------------------------------------------------------------------------------


def test_opens_a_replica_written_at_schema_version_1(tmp_path: Path, clock: FakeClock) -> None:
    office = tmp_path / "v1"
    shutil.copytree(FIXTURES / "office_v1", office)
    with open_replica(office, "clerk1", "fixture-clerk-pw", clock=clock) as r:
        assert r.session.one("PRAGMA user_version")[0] == LATEST
        assert r.logs.latest_checkpoint("example.gov/dept-a").size == 1
        assert r.logs.entry_by_hash(hash_leaf(b"fixture entry v1")).data == b"fixture entry v1"
        assert [e.data for e in r.outbox.pending()] == [b"fixture outbox entry v1"]
        assert r.cases.open("passport", "Li", "1", "").status == "open"  # a table from version 2
        r.certs.put_revocation("iss", "1", "r", 1)
        assert r.check().ok
    with open_replica(office, "admin", "fixture-admin-pw", clock=clock) as admin:
        assert [rec.action for rec in admin.audit.records()][:2] == ["office.create", "login"]


# -- nothing readable at rest -----------------------------------------------------------------------

MARKERS = [b"Zhang Weiming", "张伟明".encode(), b"110101199003077774", b"MARKER-SUMMARY-7f3a"]


def test_no_marker_string_in_database_wal_shm_or_temp(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmpdir"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(temp))
    office = tmp_path / "office"
    with create_office(office, "Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        admin.accounts.add("clerk", "clerk", "pw2")
    r = open_replica(office, "clerk", "pw2", clock=clock, kdf=FAST_KDF)
    for i in range(300):
        r.cases.open("passport", f"Zhang Weiming {i}", "110101199003077774", "MARKER-SUMMARY-7f3a " * 20)
        r.cases.open("hukou", "张伟明", "110101199003077774", "MARKER-SUMMARY-7f3a")
    r.cases.search("Zhang Weiming")
    r.cases.search(citizen_id="110101199003077774")
    r.record(roles.LOOKUP, "lookup", "found", {"query": "110101199003077774 Zhang Weiming"})
    # Scan while the connection is open (the WAL and shared memory hold recent pages), then after close.
    wal = office / "replica.db-wal"
    assert wal.exists() and wal.stat().st_size > 0

    def scan() -> list[str]:
        found = []
        for path in [*office.rglob("*"), *temp.rglob("*")]:
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path.name}: {m!r}" for m in MARKERS if m in data or m.lower() in data.lower()]
        return found

    assert scan() == []
    r.close()
    assert scan() == []
    assert sorted(p.name for p in temp.iterdir()) == []


def test_database_is_refused_by_plain_sqlite(office: Path) -> None:
    plain = sqlcipher3.connect(str(office / "replica.db"))
    with pytest.raises(sqlcipher3.DatabaseError, match="not a database"):
        plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
    plain.close()
    assert os.stat(office / "keys.json").st_mode & 0o077 == 0


def test_replica_connections_get_the_enlarged_lookaside_and_stay_encrypted(tmp_path: Path) -> None:
    """After the writes and the checkpoint of creating an office, 5,000 inserted rows never find the
    connection's lookaside pool full (with SQLite's default pool, 40% of their allocations did, each one an
    mlock/munlock pair); the file is still encrypted: no SQLite header, no plaintext."""
    from app.store import lookaside
    from app.store.logs import INSERT_ENTRY_SQL

    office = tmp_path / "office"
    with create_office(office, "Lookaside Hall", "admin", "pw-lookaside-1", kdf=FAST_KDF) as replica:
        conn = replica.session.conn
        conn.execute("BEGIN IMMEDIATE")
        rows = [(os.urandom(32), "o.example", i, os.urandom(300), None) for i in range(5000)]
        conn.executemany(INSERT_ENTRY_SQL, rows)
        conn.execute("COMMIT")
        assert lookaside.misses(conn, office / "replica.db") == 0
        assert lookaside.misses(conn, tmp_path / "another.db") is None  # the handle is checked against the path
    raw = (office / "replica.db").read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"Lookaside Hall" not in raw


def test_office_json_records_the_page_hmac_and_a_hostile_value_is_refused(tmp_path: Path) -> None:
    """New offices authenticate pages with HMAC-SHA256 and say so in office.json; an unknown algorithm named there
    is refused in plain words, and the wrong known one cannot open the file (its pages do not authenticate)."""
    from app.store.errors import DatabaseDamaged

    office = tmp_path / "office"
    create_office(office, "HMAC Hall", "admin", "pw-hmac-1", kdf=FAST_KDF).close()
    info_file = office / "office.json"
    info = json.loads(info_file.read_text())
    assert info["cipher_hmac"] == "HMAC_SHA256" and info["format"] == 2  # a format-1 reader refuses it by number

    for hostile in ("HMAC_MD5", "HMAC_SHA256; PRAGMA key = 'x'", 7, None):
        info_file.write_text(json.dumps({**info, "cipher_hmac": hostile}))
        with pytest.raises(InvalidInput, match="office file"):
            open_replica(office, "admin", "pw-hmac-1", kdf=FAST_KDF)

    info_file.write_text(json.dumps({**info, "cipher_hmac": "HMAC_SHA512"}))  # edited: intact file, wrong HMAC
    with pytest.raises(InvalidInput, match='set "cipher_hmac" to "HMAC_SHA256"') as refused:
        open_replica(office, "admin", "pw-hmac-1", kdf=FAST_KDF)
    assert not isinstance(refused.value, DatabaseDamaged)  # not "damaged, re-sync it": that would lose the outbox

    info_file.write_text(json.dumps({**info, "format": 1}))  # format 1 always meant SHA-512
    with pytest.raises(InvalidInput, match="HMAC_SHA512"):
        open_replica(office, "admin", "pw-hmac-1", kdf=FAST_KDF)
    del info["cipher_hmac"]
    info_file.write_text(json.dumps(info))
    with pytest.raises(InvalidInput, match="malformed"):
        open_replica(office, "admin", "pw-hmac-1", kdf=FAST_KDF)
    info["cipher_hmac"] = "HMAC_SHA256"

    info_file.write_text(json.dumps(info))
    with open_replica(office, "admin", "pw-hmac-1", kdf=FAST_KDF) as replica:
        assert replica.check().ok
