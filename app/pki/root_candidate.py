"""A certificate an administrator offers as a trusted root, examined before anyone is asked to confirm it.

`examine_root(data, at)` reads one SM2 certificate (PEM or DER, at most `MAX_ROOT_FILE` bytes) and
accepts it only as a root: a CA certificate (basicConstraints CA:TRUE, keyCertSign when keyUsage is
present), self-issued, its self-signature verifying (SM2 with SM3, ID 1234567812345678), not expired
at `at`. What the administrator compares with the issuer's published values is in the result: the
subject, the issuer, the validity, the serial and both fingerprints (SM3, and SHA-256 as
`openssl x509 -fingerprint -sha256` prints it). Every refusal is a `RootRefused` with a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.pki.sm2_x509 import CertificateError, Sm2Certificate, load_certificate, signed_by

MAX_ROOT_FILE = 64 * 1024

ROOT_CODES = (
    "root_too_large",  # the file is over MAX_ROOT_FILE bytes
    "root_malformed",  # not exactly one well-formed SM2 certificate
    "root_not_ca",  # not a CA, or a keyUsage without keyCertSign
    "root_not_self_issued",  # subject and issuer differ: an intermediate or a leaf, not a root
    "root_bad_signature",  # the self-signature does not verify under the certificate's own key
    "root_expired",  # past its notAfter (one whose notBefore is still ahead is accepted: chains check it at use)
)


class RootRefused(CertificateError):
    """The certificate cannot be a trusted root; `code` is one of ROOT_CODES, `detail` says more in English."""


@dataclass(frozen=True)
class RootCandidate:
    """A certificate that passed every check of a root, with what the administrator confirms on screen."""

    certificate: Sm2Certificate

    @property
    def subject(self) -> str:
        """The subject as an RFC 4514 string."""
        return self.certificate.subject.rfc4514_string()

    @property
    def common_name(self) -> str:
        """The subject's CN (or the whole subject)."""
        return self.certificate.common_name

    @property
    def not_before(self) -> datetime:
        """Start of validity (UTC)."""
        return self.certificate.not_before

    @property
    def not_after(self) -> datetime:
        """End of validity (UTC)."""
        return self.certificate.not_after

    @property
    def sm3_fingerprint(self) -> bytes:
        """SM3 of the DER: the fingerprint the replica keys the root by."""
        return self.certificate.fingerprint

    @property
    def sha256_fingerprint(self) -> bytes:
        """SHA-256 of the DER."""
        return self.certificate.sha256_fingerprint


def fingerprint_text(digest: bytes) -> str:
    """A fingerprint as OpenSSL prints it: upper-case hex bytes joined by colons."""
    return ":".join(f"{b:02X}" for b in digest)


def examine_root(data: bytes, at: datetime) -> RootCandidate:
    """Return the certificate in `data` as a root candidate not expired at `at`, or raise RootRefused."""
    if len(data) > MAX_ROOT_FILE:
        raise RootRefused("root_too_large", f"a root certificate file is at most {MAX_ROOT_FILE} bytes")
    try:
        certificate = load_certificate(data)
    except CertificateError as exc:
        raise RootRefused("root_malformed", exc.detail) from None
    except (ValueError, RecursionError) as exc:  # anything the X.509 reader may still raise on hostile bytes
        raise RootRefused("root_malformed", type(exc).__name__) from None
    usage = certificate.key_usage
    if not certificate.is_ca or (usage is not None and not usage.key_cert_sign):
        raise RootRefused("root_not_ca", "a root must be a CA certificate allowed to sign certificates")
    if certificate.subject != certificate.issuer:
        raise RootRefused("root_not_self_issued", "the certificate is issued by another CA")
    if not signed_by(certificate, certificate.public_key):
        raise RootRefused("root_bad_signature", "the self-signature does not verify")
    if at > certificate.not_after:
        raise RootRefused("root_expired", f"expired {certificate.not_after.isoformat()}")
    return RootCandidate(certificate)
