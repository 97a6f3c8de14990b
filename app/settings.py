"""Typed settings of the counter app, with a schema version. Secrets (passwords, keys) never go here.

Settings live in `settings.json` in the office directory, written atomically. Reading is lenient
about what it does not know (an older or newer file) and strict about types: a value of the wrong
type or out of range falls back to its default, so a damaged file can never stop the app starting.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.atomic_file import write_atomic

SCHEMA_VERSION = 1
FILE_NAME = "settings.json"
MAX_FILE_SIZE = 256 * 1024
LANGUAGES = ("zh_CN", "en")
TRUST_POLICIES = ("strict", "standard")
MIN_LOCK_MINUTES = 1
MAX_LOCK_MINUTES = 240
MAX_NODES = 32
MAX_SYNC_MINUTES = 24 * 60
MAX_HALL_TEXT = 1024


@dataclass(frozen=True)
class NodeSetting:
    """A department node the office syncs with: its log origin and base URL."""

    origin: str
    url: str


@dataclass(frozen=True)
class Settings:
    """What a clerk or admin can change. `schema` names the layout of this record."""

    schema: int = SCHEMA_VERSION
    language: str = "zh_CN"
    lock_minutes: int = 5
    sync_minutes: int = 5  # sync every so often while unlocked (and shortly after unlocking); 0: only on F5
    camera_source: str = "0"
    trust_policy: str = "standard"
    nodes: tuple[NodeSetting, ...] = field(default_factory=tuple)
    hall_url: str = ""  # the service hall's queue service (docs/hall.md); empty: this counter does no calling
    hall_key_file: str = ""  # the counter's enrolled device key seed ('govdesk hall enroll --role counter')

    def to_json(self) -> dict[str, Any]:
        """Return the settings as JSON-ready values."""
        value = asdict(self)
        value["nodes"] = [asdict(n) for n in self.nodes]
        return value

    def with_changes(self, **changes: Any) -> Settings:
        """Return a copy with `changes` applied and checked (raises ValueError on a bad value)."""
        updated = replace(self, **changes)
        problems = check(updated)
        if problems:
            raise ValueError("; ".join(problems))
        return updated


def check(settings: Settings) -> list[str]:
    """Return what is wrong with `settings` (an empty list when every value is valid)."""
    problems = []
    if settings.language not in LANGUAGES:
        problems.append(f"language must be one of {list(LANGUAGES)}")
    lock = settings.lock_minutes
    if not isinstance(lock, int) or isinstance(lock, bool) or not MIN_LOCK_MINUTES <= lock <= MAX_LOCK_MINUTES:
        problems.append(f"lock_minutes must be {MIN_LOCK_MINUTES} to {MAX_LOCK_MINUTES}")
    sync = settings.sync_minutes
    if not isinstance(sync, int) or isinstance(sync, bool) or not 0 <= sync <= MAX_SYNC_MINUTES:
        problems.append(f"sync_minutes must be 0 to {MAX_SYNC_MINUTES}")
    if not isinstance(settings.camera_source, str) or not 0 < len(settings.camera_source) <= 1024:
        problems.append("camera_source must be 1 to 1024 characters")
    if settings.trust_policy not in TRUST_POLICIES:
        problems.append(f"trust_policy must be one of {list(TRUST_POLICIES)}")
    if len(settings.nodes) > MAX_NODES:
        problems.append(f"at most {MAX_NODES} nodes")
    for node in settings.nodes:
        if not (0 < len(node.origin) <= 256 and node.url.startswith(("http://", "https://")) and len(node.url) < 1024):
            problems.append(f"node {node.origin!r}: an origin and an http(s) URL are required")
    if (
        not isinstance(settings.hall_url, str)
        or len(settings.hall_url) >= MAX_HALL_TEXT
        or (settings.hall_url and not settings.hall_url.startswith(("http://", "https://")))
    ):
        problems.append("hall_url must be empty or an http(s) URL")
    if not isinstance(settings.hall_key_file, str) or len(settings.hall_key_file) >= MAX_HALL_TEXT:
        problems.append(f"hall_key_file must be a path under {MAX_HALL_TEXT} characters")
    elif bool(settings.hall_url) != bool(settings.hall_key_file):
        problems.append("the hall needs both its URL and the counter's key file")
    return problems


def _from_json(value: dict[str, Any]) -> Settings:
    defaults = Settings()
    known = {f.name for f in fields(Settings)} - {"schema", "nodes", "hall_url", "hall_key_file"}
    result = defaults
    for name in known:
        if name in value:
            try:
                result = result.with_changes(**{name: value[name]})
            except (ValueError, TypeError):
                continue
    nodes = value.get("nodes")
    if isinstance(nodes, list):
        parsed = []
        for item in nodes[:MAX_NODES]:
            if isinstance(item, dict) and isinstance(item.get("origin"), str) and isinstance(item.get("url"), str):
                parsed.append(NodeSetting(item["origin"], item["url"]))
        with suppress(ValueError):
            result = result.with_changes(nodes=tuple(parsed))
    with suppress(ValueError, TypeError):  # the hall's URL and key file only make sense together
        result = result.with_changes(hall_url=value.get("hall_url", ""), hall_key_file=value.get("hall_key_file", ""))
    return result


def load(path: Path) -> Settings:
    """Read settings from `path` (a file or an office directory); defaults for anything missing or bad."""
    path = path / FILE_NAME if path.is_dir() else path
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_SIZE + 1)
    except (FileNotFoundError, NotADirectoryError):
        return Settings()
    if len(raw) > MAX_FILE_SIZE:
        return Settings()
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Settings()
    if not isinstance(value, dict) or not isinstance(value.get("schema"), int):
        return Settings()
    return _from_json(migrate(value))


def migrate(value: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings record of an older schema to the current one (schema 1 is the first)."""
    return {**value, "schema": SCHEMA_VERSION}


def save(path: Path, settings: Settings) -> None:
    """Write settings to `path` (a file or an office directory) atomically, mode 0600."""
    problems = check(settings)
    if problems:
        raise ValueError("; ".join(problems))
    path = path / FILE_NAME if path.is_dir() else path
    write_atomic(path, json.dumps(settings.to_json(), indent=1, ensure_ascii=False).encode(), mode=0o600)
