"""Releases: the one version number, SHA-256 sums and the Ed25519 release signature over them."""

from app.release.sums import (
    SIGNATURE_FILE,
    SUMS_FILE,
    MissingArtifact,
    MissingSum,
    ReleaseError,
    SignatureInvalid,
    SumMismatch,
    SumsFormatError,
    VerifiedRelease,
    file_sha256,
    format_sums,
    parse_sums,
    sign_release_dir,
    verify_release,
)
from app.release.version import current_version

__all__ = [
    "SIGNATURE_FILE",
    "SUMS_FILE",
    "MissingArtifact",
    "MissingSum",
    "ReleaseError",
    "SignatureInvalid",
    "SumMismatch",
    "SumsFormatError",
    "VerifiedRelease",
    "current_version",
    "file_sha256",
    "format_sums",
    "parse_sums",
    "sign_release_dir",
    "verify_release",
]
