"""The registry held in the replica: enrolled keys with their roles, and enrolled devices, each enrolment per
(key id, department): one device key may be enrolled by several departments, each on its own log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import sqlcipher3

from app.protocol.departments import UnknownDepartment, department
from app.store import inputs, roles
from app.store.session import Account, Session

Connection = sqlite3.Connection | sqlcipher3.Connection


@dataclass(frozen=True)
class KeyRecord:
    """An enrolled signing key: whose it is, what role it signs in, and since/until when."""

    kid: bytes
    suite: str
    public_key: bytes
    role: str
    subject: str
    department: str
    valid_from_ms: int
    revoked_at_ms: int | None = None


@dataclass(frozen=True)
class DeviceRecord:
    """An enrolled office machine: its device key id, office and department."""

    kid: bytes
    office: str
    department: str
    enrolled_ms: int
    revoked_at_ms: int | None = None


@dataclass(frozen=True)
class WindowRecord:
    """A key another department enrolled for the acceptance of its cases at a comprehensive window (一窗受理)."""

    kid: bytes
    origin: str
    public_key: bytes
    suite: str
    subject: str
    valid_from_ms: int
    revoked_at_ms: int | None = None

    def active(self, now_ms: int) -> bool:
        """True if the enrolment stands at `now_ms`."""
        return self.revoked_at_ms is None or self.revoked_at_ms > now_ms


KEY_COLUMNS = "kid, suite, public_key, role, subject, department, valid_from_ms, revoked_at_ms"
WINDOW_COLUMNS = "kid, origin, public_key, suite, subject, valid_from_ms, revoked_at_ms"


class Registry:
    """Keys, roles and devices from the registry, as verified by sync."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def put_key(self, record: KeyRecord) -> None:
        """Insert or replace the enrolment of a key by the department the record names."""
        self._s.require(roles.SYNC)
        values = (
            inputs.blob(record.kid, "kid", size=16),
            inputs.text(record.suite, "suite", max_len=64),
            inputs.blob(record.public_key, "public key", max_len=1024),
            inputs.text(record.role, "role", max_len=64),
            inputs.text(record.subject, "subject"),
            inputs.text(record.department, "department", max_len=256),
            inputs.integer(record.valid_from_ms, "valid_from_ms"),
            inputs.integer(record.revoked_at_ms, "revoked_at_ms", optional=True),
        )
        with self._s.transaction():
            self._s.execute(f"INSERT OR REPLACE INTO registry_keys({KEY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)", values)

    def key(self, kid: bytes, origin: str | None = None) -> KeyRecord | None:
        """Return the enrolment of `kid` by the department whose log is `origin` (None if that department did not
        enrol it); without `origin`, the key's home enrolment (`home_enrolment`)."""
        records = self.enrolments(kid)
        if origin is None:
            return home_enrolment(records)
        return enrolment_by(records, inputs.text(origin, "origin", max_len=256))

    def signing_key(self, kid: bytes, origin: str) -> KeyRecord | None:
        """Return the enrolment of `kid` by the department of log `origin` if it has one, else its home enrolment
        (for the caller to refuse as another department's key, or to find a window enrolment for)."""
        return preferred_enrolment(self.enrolments(kid), inputs.text(origin, "origin", max_len=256))

    def enrolments(self, kid: bytes) -> list[KeyRecord]:
        """Return every enrolment of `kid`, one per department that enrolled it, by department."""
        self._s.require(roles.READ)
        rows = self._s.all(
            f"SELECT {KEY_COLUMNS} FROM registry_keys WHERE kid = ? ORDER BY department", (inputs.blob(kid, "kid"),)
        )
        return [KeyRecord(*row) for row in rows]

    def keys_for(self, department: str) -> list[KeyRecord]:
        """Return every key enrolled for a department, ordered by key id."""
        self._s.require(roles.READ)
        department = inputs.text(department, "department", max_len=256)
        rows = self._s.all(f"SELECT {KEY_COLUMNS} FROM registry_keys WHERE department = ? ORDER BY kid", (department,))
        return [KeyRecord(*row) for row in rows]

    def put_window(self, record: WindowRecord) -> None:
        """Insert or replace a window enrolment of one department's log."""
        self._s.require(roles.SYNC)
        values = (
            inputs.blob(record.kid, "kid", size=16),
            inputs.text(record.origin, "origin", max_len=256),
            inputs.blob(record.public_key, "public key", max_len=1024),
            inputs.text(record.suite, "suite", max_len=64),
            inputs.text(record.subject, "subject"),
            inputs.integer(record.valid_from_ms, "valid_from_ms"),
            inputs.integer(record.revoked_at_ms, "revoked_at_ms", optional=True),
        )
        with self._s.transaction():
            self._s.execute(f"INSERT OR REPLACE INTO registry_windows({WINDOW_COLUMNS}) VALUES (?,?,?,?,?,?,?)", values)

    def window(self, kid: bytes, origin: str) -> WindowRecord | None:
        """Return the window enrolment of `kid` in the log `origin`, or None."""
        self._s.require(roles.READ)
        row = self._s.one(
            f"SELECT {WINDOW_COLUMNS} FROM registry_windows WHERE kid = ? AND origin = ?",
            (inputs.blob(kid, "kid"), inputs.text(origin, "origin", max_len=256)),
        )
        return WindowRecord(*row) if row else None

    def windows_of(self, kid: bytes) -> list[WindowRecord]:
        """Return every window enrolment of `kid`, by log."""
        self._s.require(roles.READ)
        rows = self._s.all(
            f"SELECT {WINDOW_COLUMNS} FROM registry_windows WHERE kid = ? ORDER BY origin", (inputs.blob(kid, "kid"),)
        )
        return [WindowRecord(*row) for row in rows]

    def put_device(self, record: DeviceRecord) -> None:
        """Insert or replace the enrolment of a device by the department the record names."""
        self._s.require(roles.SYNC)
        values = (
            inputs.blob(record.kid, "kid", size=16),
            inputs.text(record.office, "office", max_len=256),
            inputs.text(record.department, "department", max_len=256),
            inputs.integer(record.enrolled_ms, "enrolled_ms"),
            inputs.integer(record.revoked_at_ms, "revoked_at_ms", optional=True),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR REPLACE INTO registry_devices(kid, office, department, enrolled_ms, revoked_at_ms) "
                "VALUES (?,?,?,?,?)",
                values,
            )

    def device(self, kid: bytes, department: str | None = None) -> DeviceRecord | None:
        """Return the enrolment of this device by `department` (as the record names it: the log origin sync
        stores), or without one its newest standing enrolment; None if there is none."""
        self._s.require(roles.READ)
        kid = inputs.blob(kid, "kid")
        if department is not None:
            row = self._s.one(
                "SELECT kid, office, department, enrolled_ms, revoked_at_ms FROM registry_devices "
                "WHERE kid = ? AND department = ?",
                (kid, inputs.text(department, "department", max_len=256)),
            )
        else:
            row = self._s.one(
                "SELECT kid, office, department, enrolled_ms, revoked_at_ms FROM registry_devices WHERE kid = ? "
                "ORDER BY revoked_at_ms IS NOT NULL, enrolled_ms DESC, department LIMIT 1",
                (kid,),
            )
        return DeviceRecord(*row) if row else None


def belongs_to(record: KeyRecord, origin: str) -> bool:
    """True if a registry record is an enrolment by the department whose log is `origin` (the record names the
    department by its log origin, as sync stores it, or by its department id)."""
    if record.department == origin:
        return True
    try:
        return department(record.department).origin == origin
    except UnknownDepartment:
        return False


def enrolment_by(records: Iterable[KeyRecord], origin: str) -> KeyRecord | None:
    """Return the record among one key's enrolments that the department of log `origin` made, or None."""
    return next((r for r in records if belongs_to(r, origin)), None)


def home_enrolment(records: Iterable[KeyRecord]) -> KeyRecord | None:
    """Return the enrolment that stands for the key when no department is asked about: a standing one before a
    revoked one, then the newest."""
    return min(records, key=lambda r: (r.revoked_at_ms is not None, -r.valid_from_ms, r.department), default=None)


def preferred_enrolment(records: list[KeyRecord], origin: str) -> KeyRecord | None:
    """Return the enrolment by the department of log `origin`, else the key's home enrolment."""
    return enrolment_by(records, origin) or home_enrolment(records)


# What a registry role lets an account do on this office machine. The ledger knows no admin: an admin manages
# accounts and settings of this machine only, and signs nothing the department accepts.
LEDGER_ROLES = {"clerk": roles.Role.CLERK.value, "supervisor": roles.Role.SUPERVISOR.value}


def effective_role(conn: Connection, account: Account, device_kid: bytes) -> str:
    """Return what `account` may do here, decided by the department's registry the replica holds, not its column.

    - Its key is enrolled (and not revoked) as a clerk or supervisor: that role, whatever the column says. Enrolled
      by several departments in different roles, the lesser one (a supervisor only where every department agrees).
    - Its key is enrolled as anything else, or revoked everywhere: a clerk at most (it signs nothing the department
      accepts).
    - Its key is not enrolled: an office whose device is enrolled with a department has joined it, so the account
      works provisionally as a clerk (an admin stays an admin: managing this machine is no ledger role); in an
      office that has joined no department yet (no registry to ask), the column's role.
    """
    rows = conn.execute("SELECT role, revoked_at_ms FROM registry_keys WHERE kid = ?", (account.kid,)).fetchall()
    if rows:
        standing = {LEDGER_ROLES[role] for role, revoked in rows if revoked is None and role in LEDGER_ROLES}
        if standing == {roles.Role.SUPERVISOR.value}:
            return roles.Role.SUPERVISOR.value
        return roles.Role.CLERK.value
    if account.role == roles.Role.ADMIN.value:
        return account.role
    joined = conn.execute("SELECT 1 FROM registry_keys WHERE kid = ? AND role = 'device'", (device_kid,)).fetchone()
    return roles.Role.CLERK.value if joined else account.role
