"""The small files beside the encrypted database, each written atomically with mode 0600.

- `office.json`: the office id and name, the SQLCipher salt of its database (to tell a damaged
  replica from a file that is not this office's replica at all), and the HMAC that authenticates its
  pages (absent in offices made before it could be chosen: SQLCipher 4's default, HMAC_SHA512).
- `keys.json`: per account, the database key wrapped under its password and its own signing key
  sealed under the same password-derived key (app/store/signing_keys.py), written together in one
  atomic replace so a password change never leaves the two under different passwords; and a copy of
  the failed-login counters.
- `logins.json`: failed-login counters and lockouts, which must be readable before any unlock. The
  counters are kept in `keys.json` too and the larger of the two counts, so deleting or editing
  `logins.json` resets nothing (deleting `keys.json` locks every account out).
- `head.slots` (`head.json` in offices made before 2026-11-24): the audit-chain head and the largest
  checkpoint size seen per log, MACed with a key derived from the database key, so a rollback to an
  older copy of the database file is detected. Its format is in app/store/chain_head.py.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.atomic_file import write_atomic
from app.store.chain_head import ChainHead, HeadFile
from app.store.connection import CIPHER_HMACS, LEGACY_CIPHER_HMAC
from app.store.errors import InvalidInput, NotADatabase, OfficeNotFound
from app.store.keywrap import WrappedKey
from app.store.signing_keys import SealedKey

DB_NAME = "replica.db"
MAX_SIDE_FILE = 4 * 1024 * 1024
FORMAT = 1
# office.json alone: format 2 names the HMAC that authenticates the database's pages. A release that knows only
# format 1 refuses it by its format number, instead of opening the file with the wrong HMAC and calling it damaged.
OFFICE_FORMAT = 2


def _read_json(path: Path, what: str) -> dict:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_SIDE_FILE + 1)
    except FileNotFoundError:
        raise OfficeNotFound(f"{what} {path} is missing") from None
    if len(raw) > MAX_SIDE_FILE:
        raise InvalidInput(f"{what} {path} is larger than {MAX_SIDE_FILE} bytes")
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput(f"{what} {path} is not valid JSON") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} {path} is not a JSON object")
    return value


def _write_json(path: Path, value: dict) -> None:
    write_atomic(path, json.dumps(value, sort_keys=True, indent=1).encode(), mode=0o600)


@dataclass(frozen=True)
class OfficeInfo:
    """What `office.json` records about the office."""

    office_id: str
    name: str
    db_salt: bytes
    cipher_hmac: str = LEGACY_CIPHER_HMAC


@dataclass
class LoginState:
    """Failed logins of one account since its last success or reset."""

    failures: int = 0
    last_failure_ms: int = 0
    failure_times_ms: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class KeyFile:
    """What `keys.json` holds: per account the database-key wrap, the sealed signing key (its key id and seal),
    and the failed-login counters."""

    wraps: dict[str, WrappedKey]
    signing_keys: dict[str, tuple[bytes, SealedKey]]
    failures: dict[str, LoginState]


class OfficeDir:
    """The directory of one office replica and the side files in it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.db_path = self.path / DB_NAME
        self.office_file = self.path / "office.json"
        self.keys_file = self.path / "keys.json"
        self.logins_file = self.path / "logins.json"
        self.head = HeadFile(self.path)

    def exists(self) -> bool:
        """Return True if an office has been created here."""
        return self.office_file.exists()

    def db_files(self) -> list[Path]:
        """Return the database file and its WAL and shared-memory files."""
        return [self.db_path, self.db_path.with_name(DB_NAME + "-wal"), self.db_path.with_name(DB_NAME + "-shm")]

    def read_office(self) -> OfficeInfo:
        """Return the office description, or raise OfficeNotFound."""
        if not self.path.is_dir():
            raise OfficeNotFound(f"no office directory at {self.path}")
        value = _read_json(self.office_file, "office file")
        try:
            if value["format"] not in (FORMAT, OFFICE_FORMAT):
                raise InvalidInput(f"office file format {value['format']!r} is not supported")
            page_hmac = value["cipher_hmac"] if value["format"] == OFFICE_FORMAT else LEGACY_CIPHER_HMAC
            if page_hmac not in CIPHER_HMACS:
                raise InvalidInput(f"office file names an unknown page authentication {page_hmac!r}")
            return OfficeInfo(str(value["office_id"]), str(value["name"]), bytes.fromhex(value["db_salt"]), page_hmac)
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(f"office file {self.office_file} is malformed") from None

    def write_office(self, info: OfficeInfo) -> None:
        """Write `office.json`."""
        _write_json(
            self.office_file,
            {
                "format": OFFICE_FORMAT,
                "office_id": info.office_id,
                "name": info.name,
                "db_salt": info.db_salt.hex(),
                "cipher_hmac": info.cipher_hmac,
            },
        )

    def check_db_file(self, info: OfficeInfo) -> None:
        """Raise NotADatabase unless the database file starts with this office's SQLCipher salt."""
        try:
            with self.db_path.open("rb") as f:
                head = f.read(16)
        except FileNotFoundError:
            raise NotADatabase(f"the replica database {self.db_path} is missing") from None
        if head == b"SQLite format 3\x00":
            raise NotADatabase(f"{self.db_path} is an unencrypted SQLite file, not this office's encrypted replica")
        if len(head) < 16 or head != info.db_salt:
            raise NotADatabase(f"{self.db_path} is not this office's replica database (replaced or truncated)")

    def read_keyfile(self) -> KeyFile:
        """Return everything `keys.json` holds."""
        value = _read_json(self.keys_file, "key file")
        wraps, sealed, failures = value.get("accounts"), value.get("signing_keys", {}), value.get("failures", {})
        if not isinstance(wraps, dict) or not isinstance(sealed, dict):
            raise InvalidInput(f"key file {self.keys_file} is malformed")
        try:
            keys = {str(n): (bytes.fromhex(k["kid"]), SealedKey.from_bytes(bytes.fromhex(k["sealed"]))) for n, k in
                    sealed.items()}  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidInput(f"key file {self.keys_file} is malformed") from None
        return KeyFile(
            {str(name): WrappedKey.from_json(w) for name, w in wraps.items()},
            keys,
            _parse_login_states(failures, self.keys_file),
        )

    def write_keyfile(self, keyfile: KeyFile) -> None:
        """Write `keys.json` in one atomic replace."""
        _write_json(
            self.keys_file,
            {
                "format": FORMAT,
                "accounts": {n: w.to_json() for n, w in sorted(keyfile.wraps.items())},
                "signing_keys": {
                    n: {"kid": kid.hex(), "sealed": sealed.to_bytes().hex()}
                    for n, (kid, sealed) in sorted(keyfile.signing_keys.items())
                },
                "failures": _login_states_json(keyfile.failures),
            },
        )

    def read_wraps(self) -> dict[str, WrappedKey]:
        """Return the wrapped database key of every account that may unlock."""
        return self.read_keyfile().wraps

    def write_wraps(self, wraps: dict[str, WrappedKey]) -> None:
        """Replace the database-key wraps in `keys.json`, keeping its other sections."""
        keyfile = self.read_keyfile() if self.keys_file.exists() else KeyFile({}, {}, {})
        self.write_keyfile(KeyFile(wraps, keyfile.signing_keys, keyfile.failures))

    def read_logins(self) -> dict[str, LoginState]:
        """Return the failed-login state of every account with failures: per account, the larger of the counts
        in `logins.json` and in `keys.json` (so removing or editing `logins.json` resets nothing)."""
        out: dict[str, LoginState] = {}
        if self.logins_file.exists():
            value = _read_json(self.logins_file, "login state file")
            out = _parse_login_states(value.get("accounts", {}), self.logins_file)
        mirrored = self.read_keyfile().failures if self.keys_file.exists() else {}
        for name, state in mirrored.items():
            mine = out.get(name)
            if mine is None or state.failures > mine.failures:
                out[name] = LoginState(
                    state.failures,
                    state.last_failure_ms,
                    state.failure_times_ms or (mine.failure_times_ms if mine else []),
                )
            elif mine is not None:
                mine.last_failure_ms = max(mine.last_failure_ms, state.last_failure_ms)
        return out

    def write_logins(self, states: dict[str, LoginState]) -> None:
        """Write `logins.json` and the copy of the counters in `keys.json`, dropping accounts without failures."""
        _write_json(self.logins_file, {"format": FORMAT, "accounts": _login_states_json(states)})
        if self.keys_file.exists():
            keyfile = self.read_keyfile()
            self.write_keyfile(KeyFile(keyfile.wraps, keyfile.signing_keys, states))

    def read_head(self, mac_key: bytes) -> ChainHead | None:
        """Return the recorded chain head, None if none was ever written, or raise RollbackDetected if forged."""
        return self.head.read(mac_key)

    def write_head(self, mac_key: bytes, head: ChainHead, record: bytes | None = None) -> None:
        """Write the chain head (already encoded as `record`, if given) into its next slot (app/store/chain_head.py)."""
        self.head.write(mac_key, head, record)

    def tighten_permissions(self) -> None:
        """Make the office folder 0700 and every file in it 0600, whoever made them (SQLCipher creates its files
        with the process umask; an installer or a copy may have left them readable to others)."""
        if not self.path.is_dir():
            return
        os.chmod(self.path, 0o700)
        for child in self.path.iterdir():
            try:
                mode = child.lstat().st_mode
            except FileNotFoundError:
                continue  # a temp file renamed away meanwhile
            if stat.S_ISREG(mode) and stat.S_IMODE(mode) != 0o600:
                os.chmod(child, 0o600)

    def remove_stale_temp_files(self) -> None:
        """Remove temp files a crash left behind in the middle of an atomic write."""
        for tmp in self.path.glob(".*.tmp-*"):
            pid = tmp.name.rsplit("-", 1)[-1]
            if pid.isdigit() and _process_alive(int(pid)):
                continue  # another process (the desk app beside the CLI) is writing it now
            tmp.unlink(missing_ok=True)


def _parse_login_states(value: object, path: Path) -> dict[str, LoginState]:
    if not isinstance(value, dict):
        raise InvalidInput(f"login state in {path} is malformed")
    out: dict[str, LoginState] = {}
    for name, state in value.items():
        try:
            times = [int(t) for t in state.get("failure_times_ms", [])][-100:]
            out[str(name)] = LoginState(int(state["failures"]), int(state["last_failure_ms"]), times)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidInput(f"login state in {path} is malformed") from None
    return out


def _login_states_json(states: dict[str, LoginState]) -> dict[str, dict]:
    return {
        name: {"failures": s.failures, "last_failure_ms": s.last_failure_ms, "failure_times_ms": s.failure_times_ms}
        for name, s in sorted(states.items())
        if s.failures or s.failure_times_ms
    }


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def head_mac_key(db_key: bytes, office_id: str) -> bytes:
    """Return the key that MACs the chain head file, derived from the database key."""
    return HKDF(hashes.SHA256(), 32, office_id.encode(), b"govdesk chain head mac v1").derive(db_key)
