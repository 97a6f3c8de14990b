"""SHA256SUMS (GNU coreutils format) and its detached Ed25519 signature, SHA256SUMS.sig (64 raw bytes).

The signature covers the exact bytes of SHA256SUMS, so `sha256sum -c SHA256SUMS` and
`openssl pkeyutl -verify -rawin -pubin -inkey release-key.pub -in SHA256SUMS -sigfile SHA256SUMS.sig`
check a release without govdesk. `verify_release` does both, and refuses any artifact the sums do not name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.atomic_file import write_atomic
from app.release.keys import fingerprint

SUMS_FILE = "SHA256SUMS"
SIGNATURE_FILE = "SHA256SUMS.sig"
SIGNATURE_BYTES = 64
MAX_SUMS_BYTES = 1024 * 1024
MAX_NAME_BYTES = 255
_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")
_CHUNK = 1024 * 1024


class ReleaseError(Exception):
    """A release does not check out; the message says which file and why."""


class SumsFormatError(ReleaseError):
    """SHA256SUMS is not a well-formed list of sums."""


class SignatureInvalid(ReleaseError):
    """SHA256SUMS.sig is missing, malformed, or not made by the given release key over these sums."""


class MissingSum(ReleaseError):
    """An artifact is not named in SHA256SUMS."""


class MissingArtifact(ReleaseError):
    """SHA256SUMS names a file that is not there."""


class SumMismatch(ReleaseError):
    """A file's SHA-256 differs from its line in SHA256SUMS: it was changed or damaged."""


@dataclass(frozen=True)
class VerifiedRelease:
    """What was checked: the signing key's fingerprint and each artifact's name and digest."""

    key_fingerprint: str
    artifacts: tuple[tuple[str, str], ...]


def file_sha256(path: Path) -> str:
    """Return the lowercase hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_name(name: str) -> None:
    if name in (".", "..") or "/" in name or "\\" in name or not name.isprintable() or name != name.strip():
        raise SumsFormatError(f"SHA256SUMS names {name!r}, which is not a plain file name")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise SumsFormatError(f"SHA256SUMS names a file of more than {MAX_NAME_BYTES} bytes")
    if name in (SUMS_FILE, SIGNATURE_FILE):
        raise SumsFormatError(f"SHA256SUMS must not list {name}")


def parse_sums(data: bytes) -> dict[str, str]:
    """Parse SHA256SUMS strictly: `<64 hex>  <name>` lines, unique plain names, at least one line."""
    if len(data) > MAX_SUMS_BYTES:
        raise SumsFormatError(f"SHA256SUMS is larger than {MAX_SUMS_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SumsFormatError("SHA256SUMS is not UTF-8") from None
    if not text.endswith("\n"):
        raise SumsFormatError("SHA256SUMS does not end with a newline")
    sums: dict[str, str] = {}
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        match = _LINE.fullmatch(line)
        if not match:
            raise SumsFormatError(f"SHA256SUMS line {number} is not '<sha256 hex>  <file name>'")
        digest, name = match.groups()
        _check_name(name)
        if name in sums:
            raise SumsFormatError(f"SHA256SUMS lists {name} twice")
        sums[name] = digest
    return sums


def format_sums(sums: dict[str, str]) -> bytes:
    """Return SHA256SUMS bytes for name -> hex digest, sorted by name (the same input gives the same bytes)."""
    for name, digest in sums.items():
        _check_name(name)
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise SumsFormatError(f"not a SHA-256 hex digest for {name}: {digest!r}")
    if not sums:
        raise SumsFormatError("a release needs at least one artifact")
    return "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)).encode("utf-8")


def sign_release_dir(directory: Path, private_key: Ed25519PrivateKey) -> VerifiedRelease:
    """Write SHA256SUMS over every regular file in `directory` and SHA256SUMS.sig over it."""
    names = sorted(p.name for p in directory.iterdir() if p.is_file() and p.name not in (SUMS_FILE, SIGNATURE_FILE))
    sums = {name: file_sha256(directory / name) for name in names}
    data = format_sums(sums)
    write_atomic(directory / SUMS_FILE, data)
    write_atomic(directory / SIGNATURE_FILE, private_key.sign(data))
    return VerifiedRelease(fingerprint(private_key.public_key()), tuple(sorted(sums.items())))


def _read_limited(path: Path, limit: int, what: type[ReleaseError]) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise what(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise what(f"{path} is larger than {limit:,} bytes")
    return data


def verify_signed_sums(sums_path: Path, signature_path: Path, public_key: Ed25519PublicKey) -> dict[str, str]:
    """Check the signature over SHA256SUMS with `public_key`, then parse the sums."""
    data = _read_limited(sums_path, MAX_SUMS_BYTES, SumsFormatError)
    signature = _read_limited(signature_path, SIGNATURE_BYTES, SignatureInvalid)
    if len(signature) != SIGNATURE_BYTES:
        raise SignatureInvalid(f"{signature_path} is not a {SIGNATURE_BYTES}-byte Ed25519 signature")
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise SignatureInvalid(
            f"{signature_path} is not a signature over {sums_path.name} by release key {fingerprint(public_key)}"
        ) from None
    return parse_sums(data)


def verify_release(
    paths: list[Path],
    public_key: Ed25519PublicKey,
    sums_path: Path | None = None,
    signature_path: Path | None = None,
) -> VerifiedRelease:
    """Check artifacts against signed sums; raise a ReleaseError subclass on the first problem.

    `paths` is one release directory (every file it holds must be listed, every listed file must be
    there) or artifact files (each must be listed). The sums default to SHA256SUMS beside the first
    path, the signature to SHA256SUMS.sig beside the sums.
    """
    if not paths:
        raise MissingArtifact("name a release directory or at least one artifact")
    directory = paths[0] if paths[0].is_dir() else paths[0].parent
    if paths[0].is_dir() and len(paths) > 1:
        raise MissingArtifact("give either one release directory or artifact files, not both")
    sums_path = sums_path or directory / SUMS_FILE
    signature_path = signature_path or sums_path.with_name(SIGNATURE_FILE)
    sums = verify_signed_sums(sums_path, signature_path, public_key)
    if paths[0].is_dir():
        present = {p.name for p in directory.iterdir() if p.name not in (SUMS_FILE, SIGNATURE_FILE)}
        for name in sorted(present - sums.keys()):
            raise MissingSum(f"{name} is in the release directory but not in {SUMS_FILE}")
        artifacts = [directory / name for name in sorted(sums)]
    else:
        artifacts = list(paths)
    checked = []
    for path in artifacts:
        if path.name not in sums:
            raise MissingSum(f"{path.name} is not listed in {sums_path}")
        if not path.is_file():
            raise MissingArtifact(f"{path} is listed in {SUMS_FILE} but is not there")
        actual = file_sha256(path)
        if actual != sums[path.name]:
            raise SumMismatch(f"{path.name}: SHA-256 is {actual}, {SUMS_FILE} says {sums[path.name]}")
        checked.append((path.name, actual))
    return VerifiedRelease(fingerprint(public_key), tuple(checked))
