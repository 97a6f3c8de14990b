"""The Ed25519 release key: made once, kept offline; its public half is what users check releases with."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.atomic_file import write_atomic

MAX_KEY_FILE_BYTES = 16 * 1024


class ReleaseKeyError(Exception):
    """A release key file is missing, unreadable, or not an Ed25519 key in PEM form."""


def _read_key_file(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise ReleaseKeyError(f"cannot read key file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise ReleaseKeyError(f"{path} is larger than {MAX_KEY_FILE_BYTES} bytes; it is not a key file")
    return data


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read a PEM Ed25519 public key (`openssl pkey -pubout` form)."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ReleaseKeyError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ReleaseKeyError(f"{path} is not an Ed25519 public key")
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PEM (PKCS#8) Ed25519 private key."""
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ReleaseKeyError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ReleaseKeyError(f"{path} is not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    """Return the PEM form of a public key."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    """Return the short name of a public key: SHA-256 of its 32 raw bytes, first 16 hex digits."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_release_key(private_path: Path) -> Path:
    """Write a new private key (mode 0600) and its public half beside it as `<name>.pub`; return the latter."""
    if private_path.exists():
        raise ReleaseKeyError(f"{private_path} exists; a release key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_atomic(private_path, pem, mode=0o600)
    public_path = private_path.with_name(private_path.name + ".pub")
    write_atomic(public_path, public_pem(key.public_key()))
    return public_path
