"""Who acts: the acting account's enrolled key, checked for role and department before anything is signed."""

from __future__ import annotations

from collections.abc import Collection

from app.ledger.suites import Signer, key_id
from app.node.departments import UnknownDepartment, all_departments, department
from app.services.errors import NotEnrolled, ReplicaTooStale, WrongDepartment, WrongRole
from app.store.registry import KeyRecord
from app.store.replica import Replica


def origin_of(department_id: str) -> str:
    """Return the log origin of a department."""
    try:
        return department(department_id).origin
    except UnknownDepartment:
        raise WrongDepartment(f"no department {department_id!r}") from None


def department_id(value: str) -> str:
    """Return the department id a registry record names, whether it names the id or the log origin."""
    for d in all_departments():
        if value in (d.id, d.origin):
            return d.id
    return value


def enrolled_key(replica: Replica, signer: Signer | None) -> KeyRecord:
    """Return the registry record of `signer`, or raise NotEnrolled if it is unknown or revoked."""
    if signer is None:
        raise NotEnrolled(f"account {replica.account.name!r} has no signing key")
    kid = key_id(signer.suite, signer.public_key)
    record = replica.registry.key(kid)
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


def check_fresh(replica: Replica, department: str, limit_ms: int, what: str) -> None:
    """Raise ReplicaTooStale unless the replica synced the department's log within `limit_ms`."""
    origin = origin_of(department)
    age = replica.logs.age_ms(origin, replica.session.now_ms())
    if age is None:
        raise ReplicaTooStale(f"{what}: this replica never synced {origin}; go online first")
    if age > limit_ms:
        raise ReplicaTooStale(
            f"{what}: this replica last synced {origin} {age // 60000} min ago; the service accepts {limit_ms // 60000}"
        )
