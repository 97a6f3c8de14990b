"""The key a CLI enrols: a fresh one written to `--new-key`, or the hex given as `--public-key`, in one suite."""

from __future__ import annotations

from pathlib import Path

from app.atomic_file import write_atomic
from app.ledger.suites import ED25519, SignatureSuite


class EnrolmentKeyError(ValueError):
    """The public key given on the command line is not a public key of the suite."""


def enrolment_public_key(new_key: Path | None, public_key_hex: str | None, suite: SignatureSuite = ED25519) -> bytes:
    """Return the public key to enrol; with `new_key`, make a key pair and write its seed there (mode 0600)."""
    if new_key:
        seed = suite.generate_private()
        write_atomic(new_key, (seed.hex() + "\n").encode(), mode=0o600)
        return suite.signer(seed).public_key
    try:
        public = bytes.fromhex(public_key_hex or "")
    except ValueError:
        raise EnrolmentKeyError("--public-key must be hex") from None
    if len(public) != suite.public_key_size:
        raise EnrolmentKeyError(f"a {suite.name} public key is {suite.public_key_size} bytes")
    return public
