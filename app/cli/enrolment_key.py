"""The key a CLI enrols: a fresh one written to `--new-key`, or the hex given as `--public-key`, in one suite."""

from __future__ import annotations

from pathlib import Path

from app.ledger.sm2 import SM2_SM3, public_key_from_spki, public_key_to_spki
from app.ledger.suites import ED25519, SignatureSuite
from app.ofd import gm
from app.ofd.errors import OfdError
from app.ofd.x509_input import read_certificates
from app.protocol.device_key_file import write_device_key

# Beijing's departments deploy on the national suite (GB/T 39786; issue 17): every key a govdesk command makes
# is SM2/SM3 unless `--suite ed25519` is asked for (office init, node init and enroll, hall init, cert keygen).
NEW_KEY_SUITE = SM2_SM3.name
SUITE_CHOICES = (SM2_SM3.name, ED25519.name)


class EnrolmentKeyError(ValueError):
    """The public key given on the command line is not a public key of the suite."""


def enrolment_public_key(new_key: Path | None, public_key_hex: str | None, suite: SignatureSuite = ED25519) -> bytes:
    """Return the public key to enrol; with `new_key`, make a key pair and write its key file there (mode 0600,
    app/protocol/device_key_file.py: an Ed25519 seed in hex, another suite's key after its name)."""
    if new_key:
        private = suite.generate_private()
        write_device_key(new_key, suite, private)
        return suite.signer(private).public_key
    try:
        public = bytes.fromhex(public_key_hex or "")
    except ValueError:
        raise EnrolmentKeyError("--public-key must be hex") from None
    if len(public) != suite.public_key_size:
        raise EnrolmentKeyError(f"a {suite.name} public key is {suite.public_key_size} bytes")
    if suite.name == SM2_SM3.name:
        try:  # an SM2 key must be a point on the curve, or nothing it signs would ever verify
            public_key_from_spki(public_key_to_spki(public))
        except ValueError as exc:
            raise EnrolmentKeyError(f"not an SM2 public key: {exc}") from None
    return public


def certified_public_key(path: Path) -> tuple[bytes, bytes]:
    """The DER of the SM2 certificate in `path` and its public key (04||x||y), to enrol the key with it."""
    try:
        certificate = read_certificates(path)[0]
        return certificate, gm.load_certificate(certificate).public_point
    except (OSError, OfdError) as exc:
        raise EnrolmentKeyError(f"--certificate: {exc}") from None
