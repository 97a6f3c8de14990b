"""A device's key file: the private key a hall device or an enrolled office key signs with, and its suite.

One line of ASCII. An Ed25519 key is its 32-byte seed in hex, as every key file written before the
national suite; a key of another suite names it first: `sm2-sm3:` and the 32-byte SM2 scalar d in
hex. So a file never leaves its suite to be guessed, and old files read as they always did. The
file is written owner-only (0600) and atomically; reading takes at most `MAX_KEY_FILE` bytes.
"""

from __future__ import annotations

from pathlib import Path

from app.atomic_file import write_atomic
from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.suites import ED25519, SignatureSuite, Signer, suite_by_name

MAX_KEY_FILE = 4096
SUITE_SEPARATOR = ":"


class DeviceKeyUnreadable(ValueError):
    """A key file that is missing, too large, not ASCII, of an unknown suite or not a private key of its suite."""


def format_device_key(suite: SignatureSuite, private: bytes) -> bytes:
    """Return the key file's bytes for `private` in `suite` (Ed25519 as bare hex, others prefixed by the name)."""
    prefix = "" if suite.name == ED25519.name else suite.name + SUITE_SEPARATOR
    return (prefix + private.hex() + "\n").encode("ascii")


def parse_device_key(data: bytes) -> Signer:
    """Return the signer a key file's bytes hold, or raise DeviceKeyUnreadable."""
    if len(data) > MAX_KEY_FILE:
        raise DeviceKeyUnreadable(f"a key file is at most {MAX_KEY_FILE} bytes")
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise DeviceKeyUnreadable("a key file is ASCII text") from None
    name, separator, key_hex = text.rpartition(SUITE_SEPARATOR)
    try:
        suite = suite_by_name(name) if separator else ED25519
        return suite.signer(bytes.fromhex(key_hex))
    except UnsupportedAlgorithm:
        raise DeviceKeyUnreadable(f"a key file names an unknown suite {name[:40]!r}") from None
    except ValueError as exc:
        raise DeviceKeyUnreadable(f"not a {(name or ED25519.name)[:40]} private key: {exc}") from None


def read_device_key(path: str | Path) -> Signer:
    """Read a key file and return its signer, or raise DeviceKeyUnreadable (naming the file)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise DeviceKeyUnreadable(f"{path}: {exc.strerror or exc}") from None
    try:
        return parse_device_key(data)
    except DeviceKeyUnreadable as exc:
        raise DeviceKeyUnreadable(f"{path}: {exc}") from None


def write_device_key(path: str | Path, suite: SignatureSuite, private: bytes) -> None:
    """Write a key file owner-only (0600), atomically."""
    write_atomic(path, format_device_key(suite, private), mode=0o600)
