"""Accounts, devices, the audit chain and the sign-off in the office's configured suite (issue 17): SM2/SM3 offices,
an Ed25519 office that changes suite (mixed history), and SM2 account signatures checked by the OpenSSL CLI."""

from __future__ import annotations

import base64
import io
import json
import subprocess
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger import sm2
from app.ledger.suites import ED25519, key_id
from app.protocol.device_key_file import read_device_key
from app.review.signoff import signoff_problems, write_signoff
from app.store.audit import SIGNATURE_DOMAIN
from app.store.errors import AuditChainBroken, InvalidInput, PermissionDenied
from app.store.office_files import KeyFile, OfficeDir
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from app.store.signing_keys import SealedKey
from tests.store_support import FAST_KDF, FakeClock

PASSWORD = "pw-of-the-office"
DISTID = "distid:1234567812345678"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_800_000_000_000)


def _open(path: Path, user: str, clock: FakeClock, password: str = PASSWORD) -> Replica:
    return open_replica(path, user, password, clock=clock, kdf=FAST_KDF)


def _audit_signatures(replica: Replica) -> list[tuple[bytes, bytes, bytes]]:
    return replica.session.all("SELECT signer, hash, signature FROM audit WHERE signer IS NOT NULL ORDER BY seq")


def test_an_sm2_office_makes_every_key_in_sm2_and_its_audit_chain_verifies(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "office"
    with create_office(path, "东城区政务服务中心", "admin", PASSWORD, kdf=FAST_KDF, clock=clock, suite="sm2-sm3") as r:
        assert r.accounts.suite() == "sm2-sm3"
        assert r.device_signer.suite is sm2.SM2_SM3 and len(r.device_signer.public_key) == 65
        assert r.account_signer is not None and r.account_signer.suite is sm2.SM2_SM3
        clerk = r.accounts.add("li.na", "clerk", PASSWORD)
        assert len(clerk.public_key) == 65 and clerk.kid == key_id(sm2.SM2_SM3, clerk.public_key)
        rows = r.session.all("SELECT name, suite FROM accounts ORDER BY name")
        assert rows == [("admin", "sm2-sm3"), ("li.na", "sm2-sm3")]
    keyfile = OfficeDir(path).read_keyfile()
    assert {sealed.suite for _kid, sealed in keyfile.signing_keys.values()} == {"sm2-sm3"}
    with _open(path, "li.na", clock) as clerk_replica:
        assert clerk_replica.account_signer is not None and clerk_replica.account_signer.suite is sm2.SM2_SM3
        clerk_replica.audit.append("case.search", "nothing found", {"q": "王"})
    with _open(path, "admin", clock) as admin:
        records, _head = admin.audit.verify_chain()
        signed = _audit_signatures(admin)
        assert records >= 5 and len(signed) == records
        for kid, digest, signature in signed:  # 64-byte r||s, each verifying under its account's SM2 key
            public = admin.session.one("SELECT public_key FROM accounts WHERE kid = ?", (kid,))[0]
            assert len(signature) == 64 and sm2.SM2_SM3.verify(public, SIGNATURE_DOMAIN + digest, signature)
        # a one-bit change to an SM2 signature breaks the chain check
        seq, signature = admin.session.one("SELECT seq, signature FROM audit WHERE account = 'li.na' LIMIT 1")
        forged = bytes([signature[0] ^ 1]) + signature[1:]
        admin.session.execute("UPDATE audit SET signature = ? WHERE seq = ?", (forged, seq))
        with pytest.raises(AuditChainBroken, match=str(seq)):
            admin.audit.verify_chain()


def test_an_ed25519_office_switching_to_sm2_keeps_its_old_records_verifying(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "office"
    with create_office(path, "Haidian Service Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock) as admin:
        assert admin.accounts.suite() == "ed25519"  # an office made without a suite keeps Ed25519
        old = admin.accounts.add("clerk", "clerk", PASSWORD)
        sup = admin.accounts.add("sup", "supervisor", PASSWORD)
        assert len(old.public_key) == 32
    with _open(path, "clerk", clock) as clerk:
        clerk.audit.append("case.search", "nothing found", {"q": "old key"})
    with _open(path, "sup", clock) as supervisor, pytest.raises(PermissionDenied):
        supervisor.accounts.set_suite("sm2-sm3")  # only an administrator changes the office's suite
    with _open(path, "admin", clock) as admin:
        admin.accounts.set_suite("sm2-sm3")
        action, _detail = admin.session.one("SELECT action, detail FROM audit ORDER BY seq DESC LIMIT 1")
        assert action == "account.suite"
        new_kid = admin.accounts.reset_password("clerk", "new-clerk-pw")
        fresh = admin.accounts.add("wang", "clerk", PASSWORD)
        assert len(fresh.public_key) == 65
        assert admin.session.one("SELECT suite FROM accounts WHERE name = 'clerk'")[0] == "sm2-sm3"
        assert admin.session.one("SELECT suite FROM retired_keys WHERE kid = ?", (old.kid,))[0] == "ed25519"
    with _open(path, "clerk", clock, "new-clerk-pw") as clerk:
        assert clerk.account_signer is not None and clerk.account_signer.suite is sm2.SM2_SM3
        assert clerk.account_signer.kid == new_kid
        clerk.audit.append("case.search", "nothing found", {"q": "new key"})
    with _open(path, "sup", clock) as supervisor:  # not reset: still Ed25519, still signing
        assert supervisor.account_signer is not None and supervisor.account_signer.suite is ED25519
        assert supervisor.account_signer.kid == sup.kid
    with _open(path, "admin", clock) as admin:
        admin.audit.verify_chain()
        sizes = {len(s) for _k, _h, s in _audit_signatures(admin)}
        assert sizes == {64}
        either = "SELECT suite FROM accounts WHERE kid = ? UNION SELECT suite FROM retired_keys WHERE kid = ?"
        suites = {admin.session.one(either, (kid, kid))[0] for kid, _h, _s in _audit_signatures(admin)}
        assert suites == {"ed25519", "sm2-sm3"}  # a mixed history, every record verified in its key's suite


@pytest.mark.parametrize("hostile", ["", "sm2", "ED25519", "x" * 10_000, "sm2-sm3\x00", "ed25519 "])
def test_an_unknown_suite_is_refused_and_changes_nothing(tmp_path: Path, clock: FakeClock, hostile: str) -> None:
    with pytest.raises(InvalidInput):
        create_office(tmp_path / "refused", "Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock, suite=hostile)
    assert not OfficeDir(tmp_path / "refused").exists()
    with create_office(tmp_path / "office", "Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock) as admin:
        with pytest.raises(InvalidInput):
            admin.accounts.set_suite(hostile)
        assert admin.accounts.suite() == "ed25519"


def test_a_damaged_suite_setting_stops_key_creation_with_a_typed_error(tmp_path: Path, clock: FakeClock) -> None:
    with create_office(tmp_path / "office", "Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock) as admin:
        admin.session.execute("UPDATE settings SET value = 'rsa-1024' WHERE name = 'signature_suite'")
        with pytest.raises(InvalidInput):
            admin.accounts.add("clerk", "clerk", PASSWORD)
        assert admin.accounts.get("clerk") is None


def test_a_supervisor_signs_a_day_off_with_sm2_and_a_suite_swap_is_caught(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "office"
    with create_office(path, "朝阳区政务服务中心", "admin", PASSWORD, kdf=FAST_KDF, clock=clock, suite="sm2-sm3") as a:
        sup = a.accounts.add("sup", "supervisor", PASSWORD)
        a.registry.put_key(KeyRecord(sup.kid, "sm2-sm3", sup.public_key, "supervisor", "sup", "taxation", 0))
    with _open(path, "sup", clock) as supervisor:
        day_start = clock.now_ms - 3_600_000
        signed = write_signoff(supervisor, "朝阳区政务服务中心", "2027-01-15", day_start, clock.now_ms, {}, [])
        assert signed.leaf_hash
        assert signoff_problems(supervisor) == []
        # the registry names the key's suite: a sign-off whose key is recorded under another suite does not verify
        supervisor.session.execute("UPDATE registry_keys SET suite = 'ed25519' WHERE kid = ?", (sup.kid,))
        supervisor.session.execute("UPDATE accounts SET suite = 'ed25519' WHERE kid = ?", (sup.kid,))
        problems = signoff_problems(supervisor)
        assert problems and "does not verify" in problems[0]


def _openssl(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=30, check=False)


def test_an_sm2_account_signature_verifies_with_the_openssl_cli_and_the_reverse(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock, suite="sm2-sm3") as admin:
        key = admin.account_signer
        assert key is not None
        message = SIGNATURE_DOMAIN + bytes(range(32))
        (tmp_path / "msg").write_bytes(message)
        pem = "-----BEGIN PUBLIC KEY-----\n" + _b64_lines(sm2.public_key_to_spki(key.public_key))
        (tmp_path / "pub.pem").write_text(pem + "-----END PUBLIC KEY-----\n")
        # govdesk signs (64-byte r||s), the CLI verifies the DER-wrapped signature with the default ID
        (tmp_path / "sig.der").write_bytes(sm2.rs_to_der(key.sign(message)))
        verify = ("pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin", "-digest", "sm3",
                  "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig.der"), "-pkeyopt", DISTID)  # fmt: skip
        done = _openssl(*verify)
        assert done.returncode == 0 and b"Verified Successfully" in done.stdout, done.stderr
        (tmp_path / "msg").write_bytes(message + b"!")  # the CLI refuses it for another message
        assert _openssl(*verify).returncode != 0
        (tmp_path / "msg").write_bytes(message)
        # the CLI signs with a key it made; the suite verifies the r||s inside its DER
        assert _openssl("genpkey", "-algorithm", "SM2", "-out", str(tmp_path / "k.pem")).returncode == 0
        spki = _openssl("pkey", "-in", str(tmp_path / "k.pem"), "-pubout", "-outform", "DER").stdout
        cli_public = sm2.public_key_from_spki(spki)
        signed = _openssl("pkeyutl", "-sign", "-inkey", str(tmp_path / "k.pem"), "-rawin", "-digest", "sm3",
                          "-in", str(tmp_path / "msg"), "-pkeyopt", DISTID)  # fmt: skip
        assert signed.returncode == 0, signed.stderr
        rs = sm2.der_to_rs(signed.stdout)
        assert sm2.SM2_SM3.verify(cli_public, message, rs)
        assert not sm2.SM2_SM3.verify(key.public_key, message, rs)  # not under the account's key
        # the CLI signs an audit record's digest with the account's own key (exported for the test): it verifies as
        # that account's audit signature
        digest = admin.session.one("SELECT hash FROM audit WHERE signer = ? LIMIT 1", (key.kid,))[0]
        (tmp_path / "rec").write_bytes(SIGNATURE_DOMAIN + digest)
        private_der = sm2.private_key_to_der(key._private)
        (tmp_path / "acct.der").write_bytes(private_der)
        by_cli = _openssl("pkeyutl", "-sign", "-keyform", "DER", "-inkey", str(tmp_path / "acct.der"), "-rawin",
                          "-digest", "sm3", "-in", str(tmp_path / "rec"), "-pkeyopt", DISTID)  # fmt: skip
        assert by_cli.returncode == 0, by_cli.stderr
        admin.session.execute("UPDATE audit SET signature = ? WHERE hash = ?", (sm2.der_to_rs(by_cli.stdout), digest))
        admin.audit.verify_chain()  # OpenSSL's signature of the record is as good as ours


def _b64_lines(der: bytes) -> str:
    text = base64.b64encode(der).decode()
    return "".join(text[i : i + 64] + "\n" for i in range(0, len(text), 64))


def test_the_command_line_makes_an_sm2_office_and_enrols_its_sm2_keys_at_a_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "office"
    monkeypatch.setattr("sys.stdin", io.StringIO("root-pw\n"))
    argv = ["office", "init", str(path), "--name", "西城区政务服务中心", "--admin", "root", "--password-stdin"]
    assert main([*argv, "--suite", "sm2-sm3"]) == 0
    assert "(sm2-sm3)" in capsys.readouterr().out
    with open_replica(path, "root", "root-pw") as replica:
        device = replica.device_signer.public_key
        assert replica.accounts.suite() == "sm2-sm3" and len(device) == 65
    home = tmp_path / "node"
    assert main(["node", "init", "--department", "taxation", "--home", str(home)]) == 0
    capsys.readouterr()
    enrol = ["node", "enroll", "--department", "taxation", "--home", str(home), "--role", "device"]
    assert main([*enrol, "--subject", "west/counter-01", "--suite", "sm2-sm3", "--public-key", device.hex()]) == 0
    out = json.loads(capsys.readouterr().out)
    assert bytes.fromhex(out["kid"]) == key_id(sm2.SM2_SM3, device)
    # an Ed25519-sized key, or the SM2 key declared as Ed25519, is refused
    assert main([*enrol, "--subject", "x", "--suite", "sm2-sm3", "--public-key", "ab" * 32]) == 2
    assert main([*enrol, "--subject", "x", "--suite", "ed25519", "--public-key", device.hex()]) == 2
    # the national suite is the default: the same key, its suite not named, is enrolled as SM2
    assert main([*enrol, "--subject", "west/counter-03", "--public-key", device.hex()]) == 0
    assert json.loads(capsys.readouterr().out)["kid"] == key_id(sm2.SM2_SM3, device).hex()
    key_file = tmp_path / "clerk.key"
    assert main([*enrol, "--subject", "west/counter-02", "--suite", "sm2-sm3", "--new-key", str(key_file)]) == 0
    drawn = json.loads(capsys.readouterr().out)
    assert key_file.read_text().startswith("sm2-sm3:")  # the key file names its suite (app/protocol/device_key_file.py)
    assert read_device_key(key_file).public_key.hex() == drawn["public_key"]


@pytest.mark.parametrize(("made_in", "claimed"), [("sm2-sm3", "ed25519"), ("ed25519", "sm2-sm3"), ("sm2-sm3", "rsa")])
def test_a_sealed_key_whose_suite_was_changed_does_not_unlock_as_a_key(
    tmp_path: Path, clock: FakeClock, made_in: str, claimed: str
) -> None:
    path = tmp_path / "office"
    with create_office(path, "Hall", "admin", PASSWORD, kdf=FAST_KDF, clock=clock, suite=made_in) as admin:
        admin.accounts.add("clerk", "clerk", PASSWORD)
    office = OfficeDir(path)
    keyfile = office.read_keyfile()
    kid, sealed = keyfile.signing_keys["clerk"]
    swapped = SealedKey(claimed, sealed.nonce, sealed.ciphertext)
    office.write_keyfile(KeyFile(keyfile.wraps, {**keyfile.signing_keys, "clerk": (kid, swapped)}, keyfile.failures))
    with pytest.raises(InvalidInput):
        _open(path, "clerk", clock)
    with _open(path, "admin", clock) as admin:  # the other accounts are untouched
        admin.audit.verify_chain()
