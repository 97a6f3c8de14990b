"""The hall on the national suite: SM2 device keys made by `govdesk hall enroll`, their key files, a real hall
on loopback that kiosk, counter, display and evaluator work with SM2 keys, and the refusals of mixed suites."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli.main import main as govdesk
from app.hall.config import HallConfigError, default_config, load_config, parse_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519, SM2_SM3, key_id
from app.office import counter_hall
from app.protocol.device_key_file import DeviceKeyUnreadable, format_device_key, parse_device_key, read_device_key
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.request_auth import HEADER_KEY, sign_request
from app.settings import Settings
from tests.hall_support import Server, enrolled_device
from ui.hall_refusals import hall_error_text
from ui.i18n import Translations

OFFICE = "office-03"


def test_key_files_name_their_suite_and_old_ed25519_files_read_as_before(tmp_path: Path) -> None:
    for suite in (ED25519, SM2_SM3):
        private = suite.generate_private()
        data = format_device_key(suite, private)
        assert data.startswith(b"sm2-sm3:") == (suite is SM2_SM3)
        signer = parse_device_key(data)
        assert signer.suite.name == suite.name and signer.public_key == suite.signer(private).public_key
    seed = ED25519.generate_private()
    (tmp_path / "old.key").write_text(seed.hex() + "\n")  # a key file from before the national suite
    assert read_device_key(tmp_path / "old.key").public_key == ED25519.signer(seed).public_key


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"sm2-sm3:",
        b"sm2-sm3:" + b"00" * 32,  # d = 0 is no SM2 key
        b"sm2-sm3:" + b"ff" * 32,  # d beyond n - 2
        b"sm2-sm3:" + b"01" * 31,
        b"sm2-sm3:" + b"01" * 33,
        b"rsa:" + b"01" * 32,
        b"SM2-SM3:" + b"01" * 32,
        b"sm2-sm3:sm2-sm3:" + b"01" * 32,
        b"ed25519:" + b"01" * 31,
        b"sm2-sm3 " + b"01" * 32,
        b"01" * 32 + b":sm2-sm3",
        "sm2-sm3：".encode() + b"01" * 32,  # a full-width colon
        b"sm2-sm3:" + b"01" * 32 + b"\x00",
        b"sm2-sm3:" + b"ab" * 3000,
        b"\xff\xfe",
    ],
)
def test_hostile_or_damaged_key_files_are_a_typed_error(tmp_path: Path, content: bytes) -> None:
    key = tmp_path / "device.key"
    key.write_bytes(content)
    with pytest.raises(DeviceKeyUnreadable) as raised:
        read_device_key(key)
    assert str(key) in str(raised.value)


@given(st.binary(max_size=120) | st.text(max_size=120).map(str.encode))
def test_any_key_file_either_gives_a_signer_or_is_refused(data: bytes) -> None:
    with contextlib.suppress(DeviceKeyUnreadable):
        signer = parse_device_key(b"sm2-sm3:" + data)
        assert signer.suite.name == "sm2-sm3" and len(signer.public_key) == 65


def test_the_hall_configuration_carries_its_suite() -> None:
    doc = json.loads(json.dumps(default_config(OFFICE, 2, "sm2-sm3").to_json()))
    assert doc["suite"] == "sm2-sm3" and parse_config(doc).suite == "sm2-sm3"
    assert parse_config({k: v for k, v in doc.items() if k != "suite"}).suite == "ed25519"  # an older hall.json
    for bad in ("rsa", "", 1, None, ["sm2-sm3"], "sm2-sm3\n"):
        with pytest.raises(HallConfigError):
            parse_config({**doc, "suite": bad})
    with pytest.raises(HallConfigError):
        default_config(OFFICE, 2, "ecdsa")


def _enroll(
    directory: Path, role: str, name: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[Path, dict]:
    key = directory.parent / f"{name}.key"
    argv = ["hall", "enroll", "--dir", str(directory), "--role", role, "--subject", f"{OFFICE}/{name}", *extra]
    assert govdesk([*argv, "--new-key", str(key)]) == 0
    return key, json.loads(capsys.readouterr().out)


@pytest.fixture
def sm2_hall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Hall, Server, dict[str, Path]]]:
    """A hall made and enrolled through the CLI in sm2-sm3, then served on a real loopback socket."""
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", OFFICE, "--windows", "2", "--suite", "sm2-sm3"]) == 0
    assert "(sm2-sm3)" in capsys.readouterr().out
    keys = {}
    for role, name, extra in (
        ("kiosk", "kiosk-1", ()),
        ("counter", "counter-01", ("--window", "w01")),
        ("display", "display-1", ()),
        ("evaluator", "eval-01", ("--window", "w01")),
    ):
        keys[role], out = _enroll(d, role, name, capsys, *extra)
        signer = read_device_key(keys[role])
        assert out["suite"] == "sm2-sm3" and bytes.fromhex(out["kid"]) == key_id(SM2_SM3, signer.public_key)
        assert keys[role].read_text().startswith("sm2-sm3:") and keys[role].stat().st_mode & 0o777 == 0o600
    config = load_config(d / "hall.json")
    store = open_hall_store(f"sqlite:///{d / 'hall.db'}")
    hall = Hall(config, store)
    server = Server(hall)
    try:
        yield hall, server, keys
    finally:
        server.stop()
        store.close()


def test_enrolment_takes_only_keys_of_the_halls_suite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "hall"
    assert govdesk(["hall", "init", "--dir", str(d), "--office", OFFICE, "--suite", "sm2-sm3"]) == 0
    with pytest.raises(SystemExit):
        govdesk(["hall", "init", "--dir", str(tmp_path / "x"), "--office", OFFICE, "--suite", "rsa"])
    capsys.readouterr()
    enroll = ["hall", "enroll", "--dir", str(d), "--role", "kiosk", "--subject", f"{OFFICE}/kiosk-2"]
    ed_public = ED25519.signer(ED25519.generate_private()).public_key
    sm2_public = SM2_SM3.signer(SM2_SM3.generate_private()).public_key
    assert govdesk([*enroll, "--public-key", ed_public.hex()]) == 2  # an Ed25519 key on an SM2 hall
    assert govdesk([*enroll, "--public-key", "04" + "00" * 64]) == 2  # 65 bytes, but not a point on the curve
    assert govdesk([*enroll, "--public-key", "05" + sm2_public.hex()[2:]]) == 2
    capsys.readouterr()
    assert govdesk([*enroll, "--public-key", sm2_public.hex()]) == 0
    assert json.loads(capsys.readouterr().out)["kid"] == key_id(SM2_SM3, sm2_public).hex()
    # a new hall is on the national suite unless asked; an Ed25519 hall takes no SM2 key
    assert govdesk(["hall", "init", "--dir", str(tmp_path / "default"), "--office", OFFICE]) == 0
    assert load_config(tmp_path / "default" / "hall.json").suite == "sm2-sm3"
    e = tmp_path / "ed-hall"
    assert govdesk(["hall", "init", "--dir", str(e), "--office", OFFICE, "--suite", "ed25519"]) == 0
    assert load_config(e / "hall.json").suite == "ed25519"
    assert govdesk(["hall", "enroll", "--dir", str(e), "--role", "kiosk", "--subject", "k", "--public-key",
                    sm2_public.hex()]) == 2  # fmt: skip


def test_sm2_devices_work_a_real_hall_on_loopback(sm2_hall: tuple[Hall, Server, dict[str, Path]]) -> None:
    _, server, keys = sm2_hall
    kiosk = HallClient(server.url, read_device_key(keys["kiosk"]))
    ticket = kiosk.issue("property")
    assert ticket.number == "A001"
    counter = counter_hall(Settings(hall_url=server.url, hall_key_file=str(keys["counter"])))
    assert counter is not None and counter.client.signer is not None
    assert counter.client.signer.suite.name == "sm2-sm3"
    called = counter.call_next()
    assert called is not None and called.id == ticket.id and called.window == "w01"
    assert counter.finish().state.value == "finished"
    display = HallClient(server.url, read_device_key(keys["display"]))
    assert [c.number for c in display.display().calls][:1] == [ticket.number]
    evaluator_signer = read_device_key(keys["evaluator"])
    evaluator = HallClient(server.url, evaluator_signer)
    clerk = key_id(SM2_SM3, SM2_SM3.signer(SM2_SM3.generate_private()).public_key)
    rating = Rating(case_commitment("GD-1", new_salt()), 1, "gas.account-opening", OFFICE, "w01", clerk,
                    int(time.time() * 1000))  # fmt: skip
    entry = rating_entry(rating, "gas.ledger.beijing.gov.cn", evaluator_signer)
    assert decode_entry(entry).sign1.suite.name == "sm2-sm3"  # the 好差评 entry carries COSE alg -65537
    assert evaluator.rate(entry)["remediation"] is not None
    for client in (kiosk, counter.client, display, evaluator):
        client.close()


def test_mixed_suites_are_refused_by_a_real_hall(sm2_hall: tuple[Hall, Server, dict[str, Path]]) -> None:
    hall, server, keys = sm2_hall
    # an Ed25519 device left in an SM2 hall's store signs correctly, and is still refused for its suite
    stray = HallClient(server.url, enrolled_device(hall, "kiosk", suite=ED25519))
    with pytest.raises(HallRefusal) as refused:
        stray.issue("tax")
    assert refused.value.code is HallCode.WRONG_SUITE and refused.value.status == 403
    # an Ed25519 signature presented under an enrolled SM2 device's key id does not verify
    body = b'{"category": "tax"}'
    sm2_kid = key_id(SM2_SM3, read_device_key(keys["kiosk"]).public_key)
    ed_signer = ED25519.signer(ED25519.generate_private())
    headers = sign_request(ed_signer, "POST", "/tickets", body, int(time.time() * 1000))
    headers[HEADER_KEY] = sm2_kid.hex()
    answer = httpx.post(server.url + "/tickets", content=body, headers=headers)
    assert answer.status_code == 401 and answer.json()["refusal"]["code"] == "bad_request_signature"
    # an SM2 signature over other bytes, under the same key id: refused too (and nothing was issued)
    forged = sign_request(read_device_key(keys["kiosk"]), "POST", "/tickets", b"{}", int(time.time() * 1000))
    answer = httpx.post(server.url + "/tickets", content=body, headers=forged)
    assert answer.json()["refusal"]["code"] == "bad_request_signature"
    assert hall.tickets_from(0) == []
    stray.close()


def test_an_ed25519_hall_refuses_an_sm2_device(tmp_path: Path) -> None:
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    hall = Hall(default_config(OFFICE, 2), store)
    server = Server(hall)
    try:
        sm2_kiosk = HallClient(server.url, enrolled_device(hall, "kiosk", suite=SM2_SM3))
        with pytest.raises(HallRefusal) as refused:
            sm2_kiosk.issue("tax")
        assert refused.value.code is HallCode.WRONG_SUITE
        ed_kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
        assert ed_kiosk.issue("tax").number == "B001"
        for client in (sm2_kiosk, ed_kiosk):
            client.close()
    finally:
        server.stop()
        store.close()


def test_a_screen_does_not_open_on_a_key_file_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "kiosk.key"
    key.write_bytes(b"sm2-sm3:" + b"00" * 32)
    assert govdesk(["kiosk", "--url", "http://127.0.0.1:9", "--key", str(key)]) == 2
    assert govdesk(["hall", "display", "--url", "http://127.0.0.1:9", "--key", str(tmp_path / "missing.key")]) == 2
    assert "missing.key" in capsys.readouterr().err


def test_a_wrong_suite_refusal_is_worded_in_the_devices_language(qapp) -> None:
    refusal = HallRefusal(HallCode.WRONG_SUITE, "device kiosk-x has a ed25519 key; this hall signs in sm2-sm3")
    translations = Translations()
    translations.install("zh_CN")
    try:
        assert "密钥算法" in hall_error_text(refusal) and "wrong_suite" not in hall_error_text(refusal)
        translations.install("en")
        assert hall_error_text(refusal) == "This device's key is not in the hall's signature suite; enrol it again."
    finally:
        translations.uninstall()
