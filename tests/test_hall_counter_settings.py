"""The counter's hall settings (URL and enrolled key file): checked values, lenient reading, hostile key files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import settings as settings_file
from app.ledger.suites import ED25519, key_id
from app.office import HallKeyUnreadable, counter_hall
from app.protocol.hall_client import CounterHall
from app.settings import Settings


def test_the_hall_needs_an_http_url_and_a_key_file_together(tmp_path: Path) -> None:
    base = Settings()
    assert base.hall_url == "" and base.hall_key_file == ""
    ok = base.with_changes(hall_url="http://10.0.3.2:8800", hall_key_file="/etc/govdesk/c03.key")
    assert ok.hall_url == "http://10.0.3.2:8800"
    for bad in (
        {"hall_url": "ftp://10.0.3.2", "hall_key_file": "k"},
        {"hall_url": "http://10.0.3.2:8800"},
        {"hall_key_file": "k"},
        {"hall_url": "http://" + "a" * 2000, "hall_key_file": "k"},
        {"hall_url": "http://h", "hall_key_file": "k" * 5000},
        {"hall_url": 8800, "hall_key_file": "k"},
    ):
        with pytest.raises((ValueError, TypeError)):
            base.with_changes(**bad)
    settings_file.save(tmp_path, ok)
    assert settings_file.load(tmp_path) == ok


@pytest.mark.parametrize(
    "stored",
    [
        {"hall_url": "http://h:1"},  # no key file: no hall
        {"hall_url": "javascript:alert(1)", "hall_key_file": "k"},
        {"hall_url": ["http://h"], "hall_key_file": "k"},
        {"hall_url": "http://h", "hall_key_file": None},
    ],
)
def test_a_damaged_hall_setting_falls_back_to_no_hall(tmp_path: Path, stored: dict[str, object]) -> None:
    (tmp_path / settings_file.FILE_NAME).write_text(json.dumps({"schema": 1, "lock_minutes": 7, **stored}))
    loaded = settings_file.load(tmp_path)
    assert (loaded.hall_url, loaded.hall_key_file) == ("", "") and loaded.lock_minutes == 7


def test_the_counter_signs_with_the_key_in_its_key_file(tmp_path: Path) -> None:
    assert counter_hall(Settings()) is None
    seed = ED25519.generate_private()
    key = tmp_path / "c03.key"
    key.write_text(seed.hex() + "\n")
    hall = counter_hall(Settings(hall_url="http://127.0.0.1:9/", hall_key_file=str(key)))
    assert isinstance(hall, CounterHall)
    try:
        signer = hall.client.signer
        assert signer is not None
        assert key_id(ED25519, signer.public_key) == key_id(ED25519, ED25519.signer(seed).public_key)
        assert hall.client.url == "http://127.0.0.1:9"
    finally:
        hall.client.close()


@pytest.mark.parametrize(
    "content",
    [b"", b"not hex at all", b"00" * 31, b"00" * 33, b"\xff\xfe\x00", b"ab" * 100_000, "密钥".encode()],
)
def test_a_hostile_or_damaged_key_file_is_a_typed_error(tmp_path: Path, content: bytes) -> None:
    key = tmp_path / "c03.key"
    key.write_bytes(content)
    with pytest.raises(HallKeyUnreadable) as raised:
        counter_hall(Settings(hall_url="http://127.0.0.1:9", hall_key_file=str(key)))
    assert raised.value.code == "hall_key_unreadable"


def test_a_missing_key_file_or_a_directory_is_a_typed_error(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.key", tmp_path):
        with pytest.raises(HallKeyUnreadable):
            counter_hall(Settings(hall_url="http://127.0.0.1:9", hall_key_file=str(path)))
