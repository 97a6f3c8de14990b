"""Typed errors of sync. Each names what went wrong and what the office should do; none of them except
`ForkDetected` leaves a trace in the replica (a fork is kept as evidence and the log is marked untrusted)."""

from __future__ import annotations


class SyncError(Exception):
    """Base of every error sync raises."""

    #: A verification failure (exit status 1 of `govdesk sync`), as opposed to a network problem.
    verification = False


class NodeUnreachable(SyncError):
    """No node or mirror of a log answered (connection refused, cut, timed out, or 5xx after retries)."""


class InsecureNodeUrl(SyncError):
    """TLS pins are configured, but a node's URL is plain http://: nothing is sent to it (signed requests included)."""


class RequestRefused(SyncError):
    """The node refused a whole request (for example this device's key is not enrolled there, or revoked)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Cancelled(SyncError):
    """The run was cancelled; what was committed before stays, the rest resumes next time."""


class VerificationFailed(SyncError):
    """Something a node sent did not verify; nothing of it was stored."""

    verification = True

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin


class MalformedResponse(VerificationFailed):
    """A response was truncated, too large, or not the data it claims to be (garbage)."""


class WrongNode(VerificationFailed):
    """The server at a node's address is not that node: it has no /checkpoint (HTTP 404), or its checkpoint is
    another log's. Usually another program (another govdesk instance, say) listens where the node used to:
    check the node's address in the settings. Nothing it sent was stored."""


class UnknownSigner(VerificationFailed):
    """A checkpoint is not signed by the log key of the trust policy, or an entry by an enrolled key."""


class MissingQuorum(VerificationFailed):
    """A checkpoint carries fewer witness cosignatures than the trust policy requires."""


class TreeRollback(VerificationFailed):
    """A node offers a tree smaller than one the replica already verified."""


class ClockSkew(VerificationFailed):
    """The node's clock or the office's is far off (response date or cosignature time out of tolerance)."""


class EntryRejected(VerificationFailed):
    """An entry in the log fails its signature, its signer's role, or its inclusion in the checkpoint."""


class LogUntrusted(VerificationFailed):
    """The log was marked untrusted after a fork; a supervisor must resolve it before it syncs again."""


class ForkDetected(VerificationFailed):
    """Two checkpoints of one log that cannot both be true; both are kept as evidence (`evidence_id`)."""

    def __init__(self, origin: str, message: str, evidence_id: int) -> None:
        super().__init__(origin, message)
        self.evidence_id = evidence_id
