"""Who acts: the acting account's enrolled key, checked for role and department before anything is signed."""

from __future__ import annotations

from collections.abc import Collection

from app.catalogue.department_logs import department_id, origin_of
from app.catalogue.errors import WrongDepartment
from app.ledger.suites import Signer, key_id
from app.protocol.policy import ACCEPTANCE_STEPS
from app.services.errors import LogUntrusted, NotEnrolled, ReplicaTooStale, WrongRole
from app.store.registry import KeyRecord
from app.store.replica import Replica


def enrolled_key(replica: Replica, signer: Signer | None) -> KeyRecord:
    """Return the registry record of `signer`, or raise NotEnrolled if it is unknown or revoked."""
    kid = _signer_kid(replica, signer)
    return _check_enrolled(replica, kid, replica.registry.key(kid))


def authorised_key(
    replica: Replica,
    signer: Signer | None,
    roles: Collection[str],
    performer: str,
    limit_ms: int,
    what: str,
    step: str | None = None,
) -> KeyRecord:
    """Return the registry record of `signer` once it may perform `what` for department `performer` from a replica
    that synced that department's log within `limit_ms`: raise NotEnrolled, WrongRole, WrongDepartment or
    ReplicaTooStale or LogUntrusted (a log marked untrusted after a fork) otherwise.

    Key and log facts come from the replica's trust cache, which rereads them after any write to the registry,
    the checkpoints or the sync state, by this connection or another one, so a revocation, a fork alarm or a
    newer checkpoint counts from the next transition on.

    An acceptance `step` (open, verify-documents) of another department's case is allowed to a key that department
    enrolled as a comprehensive window (一窗受理)."""
    kid = _signer_kid(replica, signer)
    origin = origin_of(performer)
    record, log = replica.certs.trust.signing_facts(kid, origin)
    record = _check_enrolled(replica, kid, record)
    if not window_enrolled(replica, record, performer, step):
        check_actor(record, roles, performer, what)
    if log.distrust_reason is not None:
        # A forked log: which of its branches holds the case is unknown, and sync neither pulls nor pushes it until
        # a supervisor resolves the alarm, so nothing is signed for it (as certificate checks refuse it offline).
        raise LogUntrusted(f"{what}: {origin} is marked untrusted ({log.distrust_reason}); a supervisor must "
                              "resolve the fork alarm first")  # fmt: skip
    _check_age(origin, log.age_ms(replica.session.now_ms()), limit_ms, what)
    return record


def window_enrolled(replica: Replica, record: KeyRecord, performer: str, step: str | None) -> bool:
    """True if `step` is an acceptance step and department `performer` enrolled this key as a comprehensive window."""
    if step not in ACCEPTANCE_STEPS or department_id(record.department) == performer:
        return False
    window = replica.registry.window(record.kid, origin_of(performer))
    return window is not None and window.active(replica.session.now_ms())


def may_perform(replica: Replica, record: KeyRecord, roles: Collection[str], performer: str, step: str,
                what: str) -> None:  # fmt: skip
    """Raise WrongRole or WrongDepartment unless the key may perform `step` for `performer` (window enrolments too)."""
    if not window_enrolled(replica, record, performer, step):
        check_actor(record, roles, performer, what)


def _signer_kid(replica: Replica, signer: Signer | None) -> bytes:
    if signer is None:
        raise NotEnrolled(f"account {replica.account.name!r} has no signing key")
    return key_id(signer.suite, signer.public_key)


def _check_enrolled(replica: Replica, kid: bytes, record: KeyRecord | None) -> KeyRecord:
    if record is None:
        raise NotEnrolled(f"the key {kid.hex()} of {replica.account.name!r} is not enrolled in the registry")
    if record.revoked_at_ms is not None and record.revoked_at_ms <= replica.session.now_ms():
        raise NotEnrolled(f"the key {kid.hex()} of {record.subject!r} was revoked")
    return record


def check_actor(record: KeyRecord, roles: Collection[str], performer: str, what: str) -> None:
    """Raise WrongRole or WrongDepartment unless the key may perform `what` for department `performer`."""
    if record.role not in roles:
        raise WrongRole(f"{what} needs the role {' or '.join(sorted(roles))}; {record.subject!r} is {record.role!r}")
    if department_id(record.department) != performer:
        raise WrongDepartment(
            f"{what} is performed by {performer!r}; {record.subject!r} belongs to {record.department!r}"
        )


def _check_age(origin: str, age: int | None, limit_ms: int, what: str) -> None:
    if age is None:
        raise ReplicaTooStale(f"{what}: this replica never synced {origin}; go online first")
    if age > limit_ms:
        raise ReplicaTooStale(
            f"{what}: this replica last synced {origin} {age // 60000} min ago; the service accepts {limit_ms // 60000}"
        )
