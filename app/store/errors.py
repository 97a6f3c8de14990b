"""Typed errors of the office replica. Each names what went wrong in words a clerk's screen can show."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the office replica raises."""


class OfficeNotFound(StoreError):
    """The directory holds no office replica."""


class OfficeExists(StoreError):
    """An office replica already exists where a new one was to be created."""


class UnknownAccount(StoreError):
    """No account of that name exists on this office machine."""


class WrongPassword(StoreError):
    """The password does not unwrap the account's database key."""


class AccountLocked(StoreError):
    """Too many failed logins: the account waits (`until_ms`) or needs a password reset."""

    def __init__(self, message: str, until_ms: int | None) -> None:
        super().__init__(message)
        self.until_ms = until_ms


class AccountDisabled(StoreError):
    """The account has been disabled and may not unlock the replica."""


class PermissionDenied(StoreError):
    """The acting account's role does not allow the operation."""

    def __init__(self, role: str, operation: str) -> None:
        super().__init__(f"role {role!r} may not perform {operation!r}")
        self.role = role
        self.operation = operation


class NotADatabase(StoreError):
    """The replica file is not an encrypted replica of this office (replaced, truncated or foreign)."""


class DatabaseDamaged(StoreError):
    """The replica file fails its integrity checks; the ledger data can be re-synced from the node."""

    resync_possible = True

    def __init__(self, message: str) -> None:
        super().__init__(
            f"{message}. The replica is damaged: keep the file as evidence and re-sync this office's "
            "replica from the department node"
        )


class RollbackDetected(StoreError):
    """The replica file is older than the audit-chain head or checkpoints recorded beside it."""


class AuditChainBroken(StoreError):
    """A record of the local audit trail does not hash to the chain."""


class DiskFull(StoreError):
    """The disk (or the file size limit) is full; the transaction was rolled back and nothing was lost."""


class SchemaTooNew(StoreError):
    """The replica was written by a newer version of govdesk than this one."""


class InvalidInput(StoreError):
    """An argument is malformed, too long, or out of range."""


class TrustRootRefused(InvalidInput):
    """A certificate offered as a trusted root is refused; `code` says why (app.pki.root_candidate's codes,
    `root_already_trusted`, `root_list_full`), for the administrator's screen."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
