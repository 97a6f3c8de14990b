"""Sync: a light client that verifies everything it pulls, and an outbox pushed exactly once across crashes."""

from app.sync.errors import (
    Cancelled,
    ClockSkew,
    EntryRejected,
    ForkDetected,
    LogUntrusted,
    MalformedResponse,
    MissingQuorum,
    NodeUnreachable,
    SyncError,
    TreeRollback,
    UnknownSigner,
    VerificationFailed,
    WrongNode,
)
from app.sync.freshness import CannotVerifyOffline, LogAge, replica_ages, require_fresh
from app.sync.progress import SyncProgress
from app.sync.service import Scheduler, SyncReport, SyncService
from app.sync.trust import (
    LogTrust,
    TlsPins,
    TrustPolicy,
    load_policy,
    parse_policy,
    policy_from_federation,
    save_policy,
)

__all__ = [
    "Cancelled",
    "CannotVerifyOffline",
    "ClockSkew",
    "EntryRejected",
    "ForkDetected",
    "LogAge",
    "LogTrust",
    "LogUntrusted",
    "MalformedResponse",
    "MissingQuorum",
    "NodeUnreachable",
    "Scheduler",
    "SyncError",
    "SyncProgress",
    "SyncReport",
    "SyncService",
    "TlsPins",
    "TreeRollback",
    "TrustPolicy",
    "UnknownSigner",
    "VerificationFailed",
    "WrongNode",
    "load_policy",
    "parse_policy",
    "policy_from_federation",
    "replica_ages",
    "require_fresh",
    "save_policy",
]
