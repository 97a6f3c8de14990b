"""The hall's configuration: its office, its service categories (with ticket letters) and its windows.

Stored as JSON (`hall.json`). Categories group the services a window handles; each has a ticket
letter (A, B, ...) so tickets read 'A012'. Limits and timers are part of the configuration, and so is
the signature suite the hall's device keys are made and checked in (`suite`; a hall.json written
before it existed reads as `ed25519`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from app.atomic_file import write_atomic
from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.suites import ED25519, suite_by_name

FORMAT = "govdesk.hall/1"
MAX_CONFIG_BYTES = 256 * 1024
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LETTER = re.compile(r"[A-Z]")


class HallConfigError(ValueError):
    """The hall configuration is not valid; the message names the field."""


@dataclass(frozen=True)
class Category:
    """A service category of the hall: its id, ticket letter and names."""

    id: str
    letter: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class WindowSpec:
    """A window of the hall: its id, the number on the wall above it, and the categories it serves."""

    id: str
    number: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class HallConfig:
    """Everything the hall service needs to run."""

    office: str
    categories: tuple[Category, ...]
    windows: tuple[WindowSpec, ...]
    db_url: str = ""
    host: str = "127.0.0.1"
    port: int = 0
    hold_timeout_s: float = 300.0
    skip_return_calls: int = 3
    max_skips: int = 3
    clock_skew_s: float = 120.0
    display_calls: int = 8
    suite: str = ED25519.name
    extra: dict[str, Any] = field(default_factory=dict)

    def category(self, category_id: str) -> Category | None:
        """Return the category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)

    def window(self, window_id: str) -> WindowSpec | None:
        """Return the window with this id, or None."""
        return next((w for w in self.windows if w.id == window_id), None)

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as its JSON document."""
        doc = asdict(self)
        doc.pop("extra")
        if not doc["db_url"]:
            doc.pop("db_url")
        doc["format"] = FORMAT
        doc["windows"] = [{"id": w.id, "number": w.number, "categories": list(w.categories)} for w in self.windows]
        return doc


DEFAULT_CATEGORIES = (
    Category("property", "A", "不动产登记", "Real property registration"),
    Category("tax", "B", "税务", "Taxation"),
    Category("residence", "C", "户籍与证件", "Residence and identity papers"),
    Category("business", "D", "企业开办", "Starting a business"),
    Category("social", "E", "社会救助与民政", "Social assistance and civil affairs"),
    Category("fund", "F", "住房公积金", "Housing provident fund"),
    Category("utilities", "G", "水电气热与有线电视", "Utilities and cable television"),
)


def default_config(office: str, windows: int = 8, suite: str = ED25519.name) -> HallConfig:
    """Return a hall of `windows` windows: each serves two categories in turn, window 1 serves them all."""
    ids = [c.id for c in DEFAULT_CATEGORIES]
    specs = [WindowSpec("w01", 1, tuple(ids))]
    for n in range(2, windows + 1):
        specs.append(WindowSpec(f"w{n:02d}", n, (ids[(n - 2) % len(ids)], ids[(n - 1) % len(ids)])))
    return HallConfig(office, DEFAULT_CATEGORIES, tuple(specs), suite=_suite_name(suite))


def _suite_name(name: str) -> str:
    try:
        return suite_by_name(name).name
    except UnsupportedAlgorithm:
        raise HallConfigError(f"suite must name a signature suite (ed25519, sm2-sm3), not {name[:40]!r}") from None


def _text(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= 128 or not value.isprintable():
        raise HallConfigError(f"{where}.{key} must be printable text of 1 to 128 characters")
    return value


def parse_config(doc: object) -> HallConfig:
    """Validate a hall configuration document."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise HallConfigError(f"a hall configuration is a JSON object with format {FORMAT!r}")
    office = _text(doc, "office", "hall")
    if not _ID.fullmatch(office):
        raise HallConfigError("hall.office must be a lower-case id")
    raw_categories = doc.get("categories")
    if not isinstance(raw_categories, list) or not 0 < len(raw_categories) <= 26:
        raise HallConfigError("categories must be a list of 1 to 26 categories")
    categories = []
    for i, c in enumerate(raw_categories):
        if not isinstance(c, dict):
            raise HallConfigError(f"categories[{i}] must be an object")
        cid, letter = _text(c, "id", f"categories[{i}]"), _text(c, "letter", f"categories[{i}]")
        if not _ID.fullmatch(cid) or not _LETTER.fullmatch(letter):
            raise HallConfigError(f"categories[{i}] needs a lower-case id and one capital letter")
        categories.append(Category(cid, letter, _text(c, "name_zh", cid), _text(c, "name_en", cid)))
    if len({c.id for c in categories}) != len(categories) or len({c.letter for c in categories}) != len(categories):
        raise HallConfigError("category ids and letters must be distinct")
    known = {c.id for c in categories}
    raw_windows = doc.get("windows")
    if not isinstance(raw_windows, list) or not 0 < len(raw_windows) <= 200:
        raise HallConfigError("windows must be a list of 1 to 200 windows")
    windows = []
    for i, w in enumerate(raw_windows):
        if not isinstance(w, dict):
            raise HallConfigError(f"windows[{i}] must be an object")
        wid, number, cats = _text(w, "id", f"windows[{i}]"), w.get("number"), w.get("categories")
        if not _ID.fullmatch(wid) or not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 1000:
            raise HallConfigError(f"windows[{i}] needs a lower-case id and a number from 1 to 999")
        if not isinstance(cats, list) or not cats or not set(cats) <= known:
            raise HallConfigError(f"windows[{i}].categories must name known categories")
        windows.append(WindowSpec(wid, number, tuple(cats)))
    if len({w.id for w in windows}) != len(windows) or len({w.number for w in windows}) != len(windows):
        raise HallConfigError("window ids and numbers must be distinct")
    config = HallConfig(office, tuple(categories), tuple(windows))
    numbers = {
        "port": (0, 65535),
        "hold_timeout_s": (0.5, 86400),
        "skip_return_calls": (0, 1000),
        "max_skips": (0, 100),
        "clock_skew_s": (1, 3600),
        "display_calls": (1, 50),
    }
    changes: dict[str, Any] = {}
    for key, (low, high) in numbers.items():
        if key in doc:
            value = doc[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                raise HallConfigError(f"{key} must be a number from {low} to {high}")
            changes[key] = type(getattr(config, key))(value)
    for key in ("db_url", "host"):
        if key in doc:
            changes[key] = _text(doc, key, "hall")
    if "suite" in doc:
        changes["suite"] = _suite_name(_text(doc, "suite", "hall"))
    return replace(config, **changes)


def load_config(path: Path) -> HallConfig:
    """Read and validate `hall.json`."""
    try:
        data = path.read_bytes()[: MAX_CONFIG_BYTES + 1]
    except OSError as exc:
        raise HallConfigError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise HallConfigError(f"{path} is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise HallConfigError(f"{path} is not UTF-8 JSON ({exc})") from None
    return parse_config(doc)


def save_config(path: Path, config: HallConfig) -> None:
    """Write `hall.json` atomically."""
    write_atomic(path, (json.dumps(config.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
