"""Issue 15's attacks on the office replica, by someone holding a clerk's password and a shell on the counter PC.

Each test plays the attacker with the files on disk, and fails on the release before per-account keys: there,
the clerk's password opened the one database key and that database held every account's signing key.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import signal
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.ledger.entry import Entry, sign_entry
from app.ledger.suites import ED25519, key_id
from app.store import roles
from app.store.anchors import Anchor
from app.store.chain_head import ChainHead
from app.store.errors import AccountLocked, PermissionDenied, WrongPassword
from app.store.keywrap import derive_kek, unwrap_key
from app.store.office_files import OfficeDir, head_mac_key
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.store.signing_keys import open_sealed
from tests.store_support import FAST_KDF, FakeClock

FIXTURES = Path(__file__).parent / "fixtures" / "store"
PASSWORDS = {"admin": "admin-pw", "sup": "sup-pw", "clerk": "clerk-pw"}
ORIGIN = "taxation.ledger.beijing.gov.cn"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_800_000_000_000)


@pytest.fixture
def office(tmp_path: Path, clock: FakeClock) -> Path:
    """An office with an admin, a supervisor and a clerk; the department's registry enrols the device, the
    supervisor's key as supervisor and the clerk's as clerk."""
    path = tmp_path / "office"
    with create_office(path, "Haidian Service Hall", "admin", PASSWORDS["admin"], kdf=FAST_KDF, clock=clock) as r:
        sup = r.accounts.add("sup", "supervisor", PASSWORDS["sup"])
        clerk = r.accounts.add("clerk", "clerk", PASSWORDS["clerk"])
        device = r.device_signer.public_key
        for public, role, subject in ((sup.public_key, "supervisor", "sup"), (clerk.public_key, "clerk", "clerk"),
                                      (device, "device", "counter-01")):  # fmt: skip
            r.registry.put_key(KeyRecord(key_id(ED25519, public), "ed25519", public, role, subject, ORIGIN, 0))
    return path


def unlock(office: Path, user: str, clock: FakeClock, password: str | None = None) -> Replica:
    return open_replica(office, user, password or PASSWORDS[user], clock=clock, kdf=FAST_KDF)


def attacker_db_key(office: Path, user: str, password: str) -> bytes:
    """What a clerk gets from their own password: the shared database key."""
    info = OfficeDir(office).read_office()
    return unwrap_key(OfficeDir(office).read_wraps()[user], password, info.office_id, user)


def decrypted_pages(path: Path, db_key: bytes, reserve: int) -> bytes:
    """Every page of an SQLCipher file (live or free), decrypted with the raw key as SQLCipher 4 lays it out."""
    data, page, out = path.read_bytes(), 4096, []
    for offset in range(0, len(data) - page + 1, page):
        chunk = data[offset : offset + page]
        start = 16 if offset == 0 else 0  # page 1 begins with the salt
        iv = chunk[page - reserve : page - reserve + 16]
        body = chunk[start : page - reserve]
        body = body[: len(body) - len(body) % 16]
        decryptor = Cipher(algorithms.AES(db_key), modes.CBC(iv)).decryptor()
        out.append(decryptor.update(body) + decryptor.finalize())
    return b"".join(out)


def supervisors_seed(office: Path) -> bytes:
    """The truth the attacker is after, recovered the legitimate way (with the supervisor's own password)."""
    office_dir = OfficeDir(office)
    info, keyfile = office_dir.read_office(), office_dir.read_keyfile()
    kek = derive_kek(PASSWORDS["sup"], keyfile.wraps["sup"].salt, keyfile.wraps["sup"].kdf)
    kid, sealed = keyfile.signing_keys["sup"]
    key = open_sealed(sealed, kek, info.office_id, "sup", kid)
    return key._private  # the test's own reference value, never something app code reads


# -- 1. each account holds only its own key ----------------------------------------------------------------
def test_a_clerks_password_does_not_recover_the_supervisors_key(office: Path, clock: FakeClock) -> None:
    db_key = attacker_db_key(office, "clerk", PASSWORDS["clerk"])
    seed = supervisors_seed(office)
    with unlock(office, "sup", clock) as sup:
        sup.audit.append("case.review", "ok")  # the supervisor has worked here: the key was opened and used
    plain = decrypted_pages(office / "replica.db", db_key, reserve=48)
    assert b"Haidian Service Hall" in plain  # the decryption is right: the office's own name is in the clear
    assert seed not in plain
    for name in os.listdir(office):
        assert seed not in (office / name).read_bytes(), name
    # The supervisor's sealed key does not open with what the clerk has: the clerk's key-encryption key.
    keyfile, info = OfficeDir(office).read_keyfile(), OfficeDir(office).read_office()
    clerk_kek = derive_kek(PASSWORDS["clerk"], keyfile.wraps["clerk"].salt, keyfile.wraps["clerk"].kdf)
    kid, sealed = keyfile.signing_keys["sup"]
    with pytest.raises(WrongPassword):
        open_sealed(sealed, clerk_kek, info.office_id, "sup", kid)
    # Nor does moving the supervisor's seal onto the clerk's account.
    with pytest.raises(WrongPassword):
        open_sealed(sealed, clerk_kek, info.office_id, "clerk", kid)


def test_an_account_signs_through_its_signer_and_never_holds_another_key(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as clerk:
        signer = clerk.account_signer
        assert signer.kid == clerk.account.kid
        assert not hasattr(signer, "private_key") and "private" not in repr(signer)
        entry = sign_entry(
            Entry(
                ORIGIN, "case.step", 1, signer.kid, {"case_id": "C1", "service": "s", "step": "open", "state": "open"}
            ),
            signer,
        )
        assert entry
        # The database holds no account's private key at all.
        assert clerk.session.all("SELECT name FROM accounts WHERE private_key IS NOT NULL") == []


def test_the_device_key_signs_only_what_the_device_role_may(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as clerk:
        device = clerk.device_signer
        note = Entry(ORIGIN, "demo.note", 1, clerk.device_kid, {"text": "ok"})
        assert sign_entry(note, device)
        signoff = Entry(
            ORIGIN,
            "review.signoff",
            1,
            clerk.device_kid,
            {"office": "x", "day": "2026-01-01", "audit_head": b"h", "counts": {}, "acknowledgements": []},
        )
        with pytest.raises(PermissionDenied):
            sign_entry(signoff, device)
        with pytest.raises(PermissionDenied):
            device.sign(b"any bytes at all")


def test_a_password_change_reseals_only_that_accounts_key(office: Path, clock: FakeClock) -> None:
    before = json.loads((office / "keys.json").read_text())
    with unlock(office, "clerk", clock) as clerk:
        kid = clerk.account.kid
        clerk.accounts.change_password("clerk-new-pw")
    after = json.loads((office / "keys.json").read_text())
    for name in ("admin", "sup"):
        assert after["accounts"][name] == before["accounts"][name]
        assert after["signing_keys"][name] == before["signing_keys"][name]
    assert after["signing_keys"]["clerk"] != before["signing_keys"]["clerk"]
    with pytest.raises(WrongPassword):
        unlock(office, "clerk", clock)
    with unlock(office, "clerk", clock, "clerk-new-pw") as clerk:
        assert clerk.account_signer.kid == kid  # the same key, sealed again
        assert clerk.check().ok


def test_a_supervisors_reset_gives_the_clerk_a_new_key_and_retires_the_old(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as clerk:
        old_kid = clerk.account.kid
        clerk.audit.append("case.search", "ok")
    with unlock(office, "sup", clock) as sup:
        new_kid = sup.accounts.reset_password("clerk", "fresh-pw")
        assert new_kid != old_kid
        assert sup.session.one("SELECT account, reason FROM retired_keys WHERE kid = ?", (old_kid,)) == (
            "clerk",
            "password reset",
        )
        assert sup.session.one("SELECT role, replaces FROM enrolment_requests WHERE kid = ?", (new_kid,)) == (
            "clerk",
            old_kid,
        )
    with unlock(office, "clerk", clock, "fresh-pw") as clerk:
        assert clerk.account_signer.kid == new_kid
        # Until the department enrols the new key, the registry knows none of it: a provisional clerk.
        assert clerk.account.role == "clerk"
        assert new_kid in clerk.anchors.waiting_for_enrolment()
        assert clerk.check().ok  # the old key's audit records still verify (its public half is retired, kept)


# -- 2. roles come from the registry ------------------------------------------------------------------------
@pytest.mark.parametrize("column", ["supervisor", "admin"])
def test_editing_the_role_column_grants_nothing(office: Path, clock: FakeClock, column: str) -> None:
    db_key = attacker_db_key(office, "clerk", PASSWORDS["clerk"])
    assert db_key  # the clerk has the database key, so can edit any column
    with unlock(office, "clerk", clock) as clerk:
        clerk.session.execute("UPDATE accounts SET role = ? WHERE name = 'clerk'", (column,))
    with unlock(office, "clerk", clock) as clerk:
        assert clerk.account.role == "clerk"
        with pytest.raises(PermissionDenied):
            clerk.audit.records()
        with pytest.raises(PermissionDenied):
            clerk.accounts.add("mallory", "supervisor", "pw")
        assert not roles.allowed(clerk.account.role, roles.CASE_REVIEW)
        logged = clerk.session.one("SELECT result FROM audit WHERE action = 'login.role' ORDER BY seq DESC")
        assert logged == (f"registry role clerk, local column {column}",)


def test_the_registry_role_decides_even_against_the_column(office: Path, clock: FakeClock) -> None:
    with unlock(office, "admin", clock) as admin:
        admin.session.execute("UPDATE accounts SET role = 'clerk' WHERE name = 'sup'")
    with unlock(office, "sup", clock) as sup:
        assert sup.account.role == "supervisor"
        sup.audit.records()


# -- 3. the audit trail: signed records, anchors ------------------------------------------------------------
def test_a_record_rewritten_by_the_clerk_no_longer_carries_its_actors_signature(office: Path, clock: FakeClock) -> None:
    with unlock(office, "sup", clock) as sup:
        seq = sup.audit.append("review.signoff", "ok", {"day": "2026-01-01"})
    with unlock(office, "clerk", clock) as clerk:
        clerk.session.execute("UPDATE audit SET result = 'refused' WHERE seq = ?", (seq,))
        report = clerk.check()
    assert not report.ok and any(f"audit record {seq}" in p for p in report.problems)


def test_erasing_anchored_records_and_resealing_the_head_is_reported(office: Path, clock: FakeClock) -> None:
    with unlock(office, "clerk", clock) as clerk:
        for i in range(5):
            clerk.audit.append("cert.verify", "VALID", {"n": i})
        # What sync does: the head goes to the department log (here recorded as sync records it).
        head_seq, head_hash = clerk.audit.head_seq, clerk.audit.head_hash
        clerk.anchors.put(Anchor(bytes(32), ORIGIN, 7, clock(), head_seq, head_hash))
    with unlock(office, "clerk", clock) as clerk:
        # The attacker cuts the trail back before the anchored records and seals the head file again: its MAC key
        # comes from the database key, which the clerk's password opens.
        clerk.session.execute("DELETE FROM audit WHERE seq > ?", (head_seq - 4,))
        clerk.audit._load_tail()
        clerk.flush_head()
        cut = ChainHead(clerk.audit.head_seq, clerk.audit.head_hash, {})
    info = OfficeDir(office).read_office()
    mac_key = head_mac_key(attacker_db_key(office, "clerk", PASSWORDS["clerk"]), info.office_id)
    (office / "head.slots").unlink()
    OfficeDir(office).write_head(mac_key, cut)
    with unlock(office, "clerk", clock) as clerk:  # the head file agrees with the cut trail: it opens
        report = clerk.check()
    assert any("the department log holds an anchor" in p for p in report.problems), report.problems


# -- 5. lockout ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["delete", "zero"])
def test_removing_or_editing_logins_json_does_not_lift_a_lockout(office: Path, clock: FakeClock, how: str) -> None:
    for _ in range(10):
        clock.now_ms += 600_000
        with pytest.raises((WrongPassword, AccountLocked)):
            unlock(office, "clerk", clock, "guess")
    with pytest.raises(AccountLocked):
        unlock(office, "clerk", clock)
    logins = office / "logins.json"
    if how == "delete":
        logins.unlink()
    else:
        logins.write_text(json.dumps({"format": 1, "accounts": {}}))
    with pytest.raises(AccountLocked):
        unlock(office, "clerk", clock)
    with unlock(office, "sup", clock) as sup:
        failed = sup.session.one("SELECT count(*) FROM audit WHERE action = 'login.failed' AND account = 'clerk'")[0]
        assert failed == 10  # recorded at the next unlock, even with logins.json gone
        sup.accounts.reset_password("clerk", "after-reset")
    unlock(office, "clerk", clock, "after-reset").close()


# -- migration: an office made by the release before per-account keys ---------------------------------------
def test_an_office_of_the_previous_release_rewraps_each_key_at_that_accounts_unlock(tmp_path: Path) -> None:
    office = tmp_path / "office"
    shutil.copytree(FIXTURES / "office_v7", office)
    expected = json.loads((FIXTURES / "office_v7_expected.json").read_text())
    clock = FakeClock(1_790_000_100_000)
    passwords = {"admin": "v7-admin-pw", "sup": "v7-sup-pw", "clerk": "v7-clerk-pw"}
    with open_replica(office, "clerk", passwords["clerk"], clock=clock, kdf=FAST_KDF) as clerk:
        assert clerk.account_signer.kid.hex() == expected["kids"]["clerk"]
        assert [e.leaf_hash.hex() for e in clerk.outbox.pending()] == expected["outbox"]
        plain = clerk.session.all("SELECT name FROM accounts WHERE private_key IS NOT NULL ORDER BY name")
        assert plain == [("admin",), ("sup",)]  # the others wait for their own unlock
        assert clerk.check().ok
    db_key = attacker_db_key(office, "clerk", passwords["clerk"])
    for name in ("admin", "sup"):
        with open_replica(office, name, passwords[name], clock=clock, kdf=FAST_KDF) as r:
            assert r.account_signer.kid.hex() == expected["kids"][name]
    with open_replica(office, "admin", passwords["admin"], clock=clock, kdf=FAST_KDF) as admin:
        assert admin.session.all("SELECT name FROM accounts WHERE private_key IS NOT NULL") == []
        assert admin.session.one("SELECT count(*) FROM audit WHERE action = 'account.key_sealed'")[0] == 3
        assert admin.check().ok
    keyfile = OfficeDir(office).read_keyfile()
    assert sorted(keyfile.signing_keys) == ["admin", "clerk", "sup"]
    reserve = 80  # an office of that release authenticates its pages with HMAC-SHA512
    info = OfficeDir(office).read_office()
    reserve = 48 if info.cipher_hmac == "HMAC_SHA256" else reserve
    plain = decrypted_pages(office / "replica.db", db_key, reserve)
    assert b"Fixture Office v7" in plain
    for name in ("admin", "sup"):
        kek = derive_kek(passwords[name], keyfile.wraps[name].salt, keyfile.wraps[name].kdf)
        kid, sealed = keyfile.signing_keys[name]
        seed = open_sealed(sealed, kek, info.office_id, name, kid)._private
        assert seed not in plain, name  # erased, freed pages overwritten


# -- 7. files and folders ------------------------------------------------------------------------------------
def test_the_office_folder_is_0700_and_every_file_in_it_0600(office: Path, clock: FakeClock) -> None:
    os.chmod(office, 0o755)
    os.chmod(office / "replica.db", 0o644)
    with unlock(office, "clerk", clock) as clerk:
        clerk.audit.append("case.search", "ok")
    assert stat.S_IMODE(office.stat().st_mode) == 0o700
    for child in office.iterdir():
        assert stat.S_IMODE(child.stat().st_mode) == 0o600, child.name


def _open_under_file_size_limit(office: Path, limit: int, conn) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    try:
        open_replica(office, "clerk", PASSWORDS["clerk"], kdf=FAST_KDF).close()
        conn.send(("opened", ""))
    except Exception as exc:
        conn.send((type(exc).__name__, str(exc)))


def test_a_file_size_limit_hit_while_opening_is_reported_as_what_it_is(office: Path) -> None:
    for name in ("replica.db-wal", "replica.db-shm"):
        (office / name).unlink(missing_ok=True)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    proc = context.Process(target=_open_under_file_size_limit, args=(office, 8 * 1024, child))
    proc.start()
    assert parent.poll(60), "the child did not report"
    kind, message = parent.recv()
    proc.join(10)
    assert kind == "DiskFull", (kind, message)
    assert "re-sync" not in message.replace("do not re-sync", "")
    assert "damaged" not in message
