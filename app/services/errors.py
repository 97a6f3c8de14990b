"""Typed refusals of the services area. Each names what was refused and why, in words a clerk can act on."""

from __future__ import annotations

from app.catalogue.errors import Refusal, ServiceError


class UnknownCase(ServiceError):
    """The replica knows no case with this id."""


class WrongRole(Refusal):
    """The signing key's role does not allow this transition."""

    code = "wrong_role"


class NotEnrolled(Refusal):
    """The acting account's key is not (or no longer) enrolled in the registry."""

    code = "not_enrolled"


class MissingCertificate(Refusal):
    """A certificate the service requires was not shown, or was not valid, or is someone else's."""

    code = "missing_certificate"

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message, missing=", ".join(missing))
        self.missing = missing


class ApplicantMismatch(Refusal):
    """The applicant typed at the counter is not the holder of the scanned e-ID (name or ID number differ), or a
    certificate shown belongs to someone else."""

    code = "applicant_mismatch"


class LicenceHolderMismatch(Refusal):
    """An e-licence names a person as its holder who is not the case's citizen (`tail`: the last four characters of
    the licence's holder ID number)."""

    code = "licence_holder_mismatch"


class IdNumberMistyped(Refusal):
    """The citizen's ID number fails its check character (GB 11643): one of its characters was mistyped or misread.
    Nothing is opened or signed; the clerk reads the number again from the card."""

    code = "id_number_mistyped"


class CaseConflict(Refusal):
    """Another office moved the case first; `explanation` says who won and how."""

    code = "case_conflict"


class ReplicaTooStale(Refusal):
    """The replica's copy of a log is older than the service accepts offline."""

    code = "replica_too_stale"


class LogUntrusted(Refusal):
    """The department's log is under a fork alarm: nothing is signed for it until a supervisor resolves it."""

    code = "log_untrusted"


class ConsentMissing(Refusal):
    """No consent covers this request."""

    code = "consent_missing"


class ConsentExpired(Refusal):
    """The consent has expired."""

    code = "consent_expired"


class ConsentRevoked(Refusal):
    """The citizen revoked the consent."""

    code = "consent_revoked"


class ScopeNotCovered(Refusal):
    """The request asks for data outside the consent's scope, or for another requester or provider."""

    code = "scope_not_covered"


class ExchangeError(ServiceError):
    """A data response cannot be opened: wrong hash, wrong key, or tampered ciphertext."""
