"""Typed settings with a schema version: defaults, round trip, and hostile or damaged files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import settings as settings_file
from app.settings import NodeSetting, Settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.settings_dialog import parse_nodes


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    loaded = settings_file.load(tmp_path)
    assert loaded == Settings() and loaded.language == "zh_CN" and loaded.schema == settings_file.SCHEMA_VERSION


def test_round_trip_keeps_every_field_and_writes_0600(tmp_path: Path) -> None:
    value = Settings(language="en", lock_minutes=12, camera_source="rtsp://cam/1", trust_policy="strict",
                     nodes=(NodeSetting("a.gov/log", "https://a.gov"),))  # fmt: skip
    settings_file.save(tmp_path, value)
    assert settings_file.load(tmp_path) == value
    assert (tmp_path / settings_file.FILE_NAME).stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"language": "en"}',  # no schema: not ours
        b"\xff\xfe garbage",
        b'{"schema": 1, "language": "fr", "lock_minutes": "5", "trust_policy": null, "nodes": "x"}',
        b'{"schema": 1, "lock_minutes": 100000, "nodes": [{"origin": "a", "url": "ftp://x"}]}',
        b'{"schema": 1, "lock_minutes": true}',
        b" " * (settings_file.MAX_FILE_SIZE + 1),
    ],
)
def test_damaged_or_hostile_files_fall_back_to_defaults(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / settings_file.FILE_NAME).write_bytes(raw)
    assert settings_file.load(tmp_path) == Settings()


def test_good_fields_survive_beside_bad_ones(tmp_path: Path) -> None:
    body = {"schema": 1, "language": "en", "lock_minutes": -3, "secret": "x", "nodes": [{"origin": "a/log"}]}
    (tmp_path / settings_file.FILE_NAME).write_text(json.dumps(body))
    loaded = settings_file.load(tmp_path)
    assert loaded.language == "en" and loaded.lock_minutes == Settings().lock_minutes and loaded.nodes == ()
    assert "secret" not in json.dumps(loaded.to_json())


def test_bad_values_are_refused_on_save(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Settings().with_changes(lock_minutes=0)
    with pytest.raises(ValueError):
        settings_file.save(tmp_path, Settings(language="de"))
    assert not (tmp_path / settings_file.FILE_NAME).exists()


@given(st.dictionaries(st.text(max_size=20), st.one_of(st.none(), st.integers(), st.text(max_size=40),
                                                        st.lists(st.integers(), max_size=3)), max_size=8))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_any_json_object_loads_to_valid_settings(tmp_path_factory, body: dict) -> None:
    path = tmp_path_factory.mktemp("s") / settings_file.FILE_NAME
    path.write_text(json.dumps({"schema": 1, **body}))
    assert settings_file.check(settings_file.load(path)) == []


def test_node_lines_are_parsed_or_refused_with_the_line_number() -> None:
    assert parse_nodes("a.gov/log https://a.gov\n\n b/log http://127.0.0.1:8701 ") == (
        NodeSetting("a.gov/log", "https://a.gov"),
        NodeSetting("b/log", "http://127.0.0.1:8701"),
    )
    with pytest.raises(ValueError, match="line 2"):
        parse_nodes("a https://a\nonly-one-field")
