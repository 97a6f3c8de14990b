"""The office replica: create an office, unlock it as one account, and work through its sub-stores.

    replica = open_replica(office_dir, "li.na", password)
    with replica.transaction():
        replica.outbox.enqueue(origin, signed_entry)
        replica.audit.append("case.submit", "ok", {"case": ref})

A Replica and its SQLCipher connection belong to the thread that opened it (STYLE point 6): run
all store work through one single-worker executor. The database key, the device key and the
acting account's personal key live only in memory and inside the encrypted database.
"""

from __future__ import annotations

import time
import uuid
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3

from app.ledger.suites import key_id, suite_by_name
from app.store import logins, roles
from app.store.accounts import (
    ACCOUNT_COLUMNS,
    LEGACY_SUITE,
    Accounts,
    Keyring,
    check_name,
    check_suite,
    insert_account,
    new_account_key,
    store_office_suite,
)
from app.store.anchors import AnchorStore, anchor_problems
from app.store.audit import AuditTrail
from app.store.case_documents import CaseDocuments
from app.store.cases import Cases
from app.store.certs import CertStore
from app.store.chain_head import ChainHead
from app.store.connection import (
    CIPHER_HMACS,
    DEFAULT_CACHE_KIB,
    NEW_CIPHER_HMAC,
    classify,
    connect,
    translated_errors,
)
from app.store.errors import (
    AccountDisabled,
    DatabaseDamaged,
    DiskFull,
    InvalidInput,
    OfficeExists,
    RollbackDetected,
    StoreError,
    UnknownAccount,
    WrongPassword,
)
from app.store.head_writer import HeadWriter
from app.store.keywrap import DEFAULT_KDF, KdfParams, new_db_key, unwrap_key_with_kek, wrap_key_with_kek
from app.store.logs import LogStore
from app.store.office_files import KeyFile, OfficeDir, OfficeInfo, head_mac_key
from app.store.outbox import Outbox
from app.store.registry import Registry, effective_role
from app.store.schema import migrate
from app.store.session import Account, Clock, Session
from app.store.signing_keys import AccountKey, DeviceSigner, open_sealed
from app.store.trust_roots import TrustRoots

__all__ = ["CheckReport", "Replica", "create_office", "open_replica"]


def system_clock() -> int:
    """Return the current UTC time in Unix milliseconds."""
    return time.time_ns() // 1_000_000


@dataclass
class CheckReport:
    """What `Replica.check` found: an empty `problems` list means the replica is sound."""

    problems: list[str] = field(default_factory=list)
    audit_records: int = 0

    @property
    def ok(self) -> bool:
        """True when no check found damage."""
        return not self.problems


class Replica:
    """An unlocked office replica acting for one account. Use from one thread only."""

    def __init__(
        self,
        office: OfficeDir,
        info: OfficeInfo,
        conn: sqlcipher3.Connection,
        db_key: bytes,
        account: Account,
        clock: Clock,
        kdf: KdfParams,
        account_key: AccountKey | None,
    ) -> None:
        self.office = office
        self.info = info
        self._conn = conn
        self._mac_key = head_mac_key(db_key, info.office_id)
        self._head_writer = HeadWriter(office, self._mac_key)
        # The largest checkpoint size per log as last read after a commit, and the data_version it was read at.
        self._checkpoint_sizes: tuple[int, dict[str, int]] | None = None
        suite, private, _public, kid = conn.execute(
            "SELECT suite, private_key, public_key, kid FROM device WHERE id = 1"
        ).fetchone()
        self.device_kid: bytes = kid
        # The device key signs node requests and device-role entries only (app/store/signing_keys.py).
        self.device_signer: DeviceSigner = DeviceSigner(suite_by_name(suite), private)
        self.session = Session(conn, account, kid, clock)
        self.audit = AuditTrail(self.session, self._write_head, account_key)
        self.session.audit = self.audit
        self.registry = Registry(self.session)
        self.certs = CertStore(self.session)
        self.logs = LogStore(self.session, on_checkpoint=self._checkpoint_stored)
        self.outbox = Outbox(self.session)
        self.cases = Cases(self.session)
        self.case_documents = CaseDocuments(self.session)
        self.trust_roots = TrustRoots(self.session)
        self.anchors = AnchorStore(self.session)
        self.accounts = Accounts(self.session, Keyring(office, info.office_id, db_key, kdf, account_key))
        # The acting account's own key, opened with its password: a signer, never bytes. None only for an account
        # whose key could not be opened (a reset that did not finish); such an account may not sign.
        self.account_signer: AccountKey | None = account_key
        self._closed = False

    @property
    def account(self) -> Account:
        """The acting account: `.name` and `.role`."""
        return self.session.account

    @property
    def name(self) -> str:
        """The office's name."""
        return self.info.name

    def require(self, operation: str) -> None:
        """Raise PermissionDenied unless the acting account may perform `operation` (see app.store.roles)."""
        self.session.require(operation)

    def record(self, operation: str, action: str, result: str, detail: dict[str, Any] | None = None) -> int:
        """Check the role for `operation`, then append an audit record (a lookup, scan or verdict); return its seq."""
        self.session.require(operation)
        return self.audit.append(action, result, detail)

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic SQLCipher transaction around the caller's multi-table write."""
        return self.session.transaction()

    def setting(self, name: str) -> str | None:
        """Return an office setting, or None."""
        self.session.require(roles.READ)
        row = self.session.one("SELECT value FROM settings WHERE name = ?", (name,))
        return row[0] if row else None

    def put_setting(self, name: str, value: str) -> None:
        """Set an office setting (admins only). Secrets never go in settings."""
        self.session.require(roles.SETTINGS_WRITE)
        with self.session.transaction():
            self.session.execute("INSERT OR REPLACE INTO settings(name, value) VALUES (?, ?)", (name, value))
            self.audit.append("settings.write", "ok", {"name": name})

    def _checkpoint_stored(self, origin: str, size: int) -> None:
        self._checkpoint_sizes = None  # read them again after this commit (and not at all if it rolls back)
        self.session.after_commit(self._write_head)

    def _write_head(self) -> None:
        # Runs after the commit: reads the committed head here (the connection is this thread's) and hands it to
        # the background writer, so the clerk does not wait for the file, its fsync and the directory's. The head
        # lags behind the database by at most that one write (or more if the disk is full), which the rollback
        # check accepts; it is never ahead of what is committed. The commit must not be reported as failed.
        self._head_writer.submit(ChainHead(self.audit.head_seq, self.audit.head_hash, self._largest_checkpoints()))

    def _largest_checkpoints(self) -> dict[str, int]:
        # The sizes change only when a checkpoint is stored: by this connection (`_checkpoint_stored` drops what was
        # read) or by another one, which changes the data_version this connection sees. Nothing deletes checkpoints.
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._checkpoint_sizes is None or self._checkpoint_sizes[0] != version:
            self._checkpoint_sizes = (version, dict(self._conn.execute(LARGEST_CHECKPOINTS_SQL).fetchall()))
        return self._checkpoint_sizes[1]

    def flush_head(self) -> None:
        """Wait until the chain head of every commit so far is written beside the database."""
        self._head_writer.flush()

    def check_rollback(self) -> None:
        """Raise RollbackDetected if the database is older than the chain head and checkpoints recorded beside it."""
        self._head_writer.flush()  # compare against the newest head, not one still being written
        head = self.office.read_head(self._mac_key)
        self.audit.check_against(head)
        if head is not None:
            held = dict(self.session.all("SELECT origin, max(size) FROM checkpoints GROUP BY origin"))
            for origin, size in head.checkpoints.items():
                if held.get(origin, -1) < size:
                    raise RollbackDetected(
                        f"the replica holds log {origin!r} only up to size {held.get(origin, 0)}, but a checkpoint "
                        f"of size {size} was stored: this is an older copy of the database file"
                    )

    def check(self) -> CheckReport:
        """Run SQLite's and SQLCipher's integrity checks, the audit-chain check and the rollback check."""
        self.session.require(roles.CHECK)
        self._head_writer.flush()
        report = CheckReport()
        # Move committed pages from the WAL into the main file first: cipher_integrity_check reads the main
        # file, and a checkpoint cut short (disk full) may have left a partial last page there.
        with suppress(sqlcipher3.DatabaseError):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for pragma in ("integrity_check", "cipher_integrity_check"):
            try:
                rows = [r[0] for r in self._conn.execute(f"PRAGMA {pragma}").fetchall()]
            except sqlcipher3.DatabaseError as exc:
                report.problems.append(f"{pragma}: {classify(exc)}")
                continue
            bad = [r for r in rows if r != "ok"]
            if bad:
                report.problems.append(f"{pragma}: {'; '.join(bad[:10])}")
        try:
            report.audit_records, _ = self.audit.verify_chain()
            self.check_rollback()
        except StoreError as exc:
            report.problems.append(str(exc))
        # The trail against the heads anchored on the department log: a cut or rewritten trail whose head file was
        # sealed again passes every check above. Re-syncing would not bring those records back: it is evidence. The
        # anchors sit in the same file, so a damaged page can refuse this read too: that is reported, never raised.
        try:
            anchored = anchor_problems(self.anchors, self.audit.head_seq)
        except StoreError as exc:
            report.problems.append(str(exc))
            anchored = []
        if report.problems:
            report.problems += [*anchored, "re-sync this replica from the department node"]
        else:
            report.problems += anchored
        return report

    @property
    def closed(self) -> bool:
        """True once `close` has run."""
        return self._closed

    def close(self) -> None:
        """Record the logout and close the database (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.audit.append("logout", "ok")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (StoreError, sqlcipher3.DatabaseError):
            pass
        finally:
            try:
                self._head_writer.close()  # the logout's head, and any still in flight, are on disk before we return
            finally:
                self._conn.close()

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The largest checkpoint size of each log, after every audited commit: a skip-scan over the (origin, size) key, a
# few index probes per log. `GROUP BY origin` read every checkpoint row: 8.6 ms at 110,000 checkpoints.
LARGEST_CHECKPOINTS_SQL = """
WITH RECURSIVE logs(origin) AS (
    SELECT min(origin) FROM checkpoints
    UNION ALL
    SELECT (SELECT min(origin) FROM checkpoints WHERE origin > logs.origin) FROM logs WHERE logs.origin IS NOT NULL)
SELECT origin, (SELECT max(size) FROM checkpoints WHERE checkpoints.origin = logs.origin) FROM logs
WHERE origin IS NOT NULL"""


def _open_connection(office: OfficeDir, info: OfficeInfo, db_key: bytes, cache_kib: int) -> sqlcipher3.Connection:
    office.check_db_file(info)
    try:
        conn = connect(office.db_path, db_key, cache_kib=cache_kib, page_hmac=info.cipher_hmac)
    except sqlcipher3.DatabaseError as exc:
        typed = classify(exc)
        if isinstance(typed, DiskFull):
            # Opening writes too (the WAL index, a WAL left by a crash): a full disk or a file-size limit is not
            # damage, and calling it damage would make a clerk throw away an intact outbox.
            raise DiskFull(
                f"could not open the replica ({exc}): the disk or the file-size limit for this program is full. "
                "The replica is intact: free some space or raise the limit, then log in again (do not re-sync)"
            ) from None
        # The key is authentic (its AES-GCM wrap verified) and the salt is ours: the file itself is damaged,
        # unless office.json names the wrong page HMAC (edited, or restored from another copy). Re-syncing would
        # throw away the outbox and the audit trail, so that case must not be called damage.
        for other in CIPHER_HMACS:
            if other != info.cipher_hmac and _opens_with(office, db_key, other):
                raise InvalidInput(
                    f"office file {office.office_file} names the page authentication {info.cipher_hmac}, but the "
                    f'replica uses {other}: set "cipher_hmac" to "{other}" there (the replica itself is intact; '
                    "do not re-sync it)"
                ) from None
        raise DatabaseDamaged(f"SQLCipher cannot read the replica's first pages ({exc})") from None
    try:
        with translated_errors():
            applied = migrate(conn)
    except BaseException:
        conn.close()
        raise
    return _reopen(conn, office, info, db_key, cache_kib) if applied else conn


def _opens_with(office: OfficeDir, db_key: bytes, page_hmac: str) -> bool:
    try:
        connect(office.db_path, db_key, cache_kib=1024, page_hmac=page_hmac).close()
    except sqlcipher3.DatabaseError:
        return False
    return True


def _reopen(
    conn: sqlcipher3.Connection, office: OfficeDir, info: OfficeInfo, db_key: bytes, cache_kib: int
) -> sqlcipher3.Connection:
    # Measured: with cipher_memory_security ON, a connection that ran schema changes stays 3-4x slower on
    # every later statement (bench/replica.py); a fresh connection on the migrated file does not.
    conn.close()
    return connect(office.db_path, db_key, cache_kib=cache_kib, page_hmac=info.cipher_hmac)


def create_office(
    office_dir: str | Path,
    name: str,
    admin: str,
    password: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    clock: Clock = system_clock,
    cache_kib: int = DEFAULT_CACHE_KIB,
    suite: str = LEGACY_SUITE,
) -> Replica:
    """Create an office replica with one admin account and a device key; return it unlocked as that admin.

    `suite` is the office's configured signature suite: the admin's and the device's keys are made in it, and so
    are later accounts' keys (`ed25519`, or `sm2-sm3` for the national commercial algorithms)."""
    office = OfficeDir(office_dir)
    if office.exists():
        raise OfficeExists(f"an office already exists in {office.path}")
    check_name(admin)
    signature_suite = check_suite(suite)
    office.path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for leftover in office.db_files():  # from a create that crashed before office.json was written
        leftover.unlink(missing_ok=True)
    db_key = new_db_key()
    office_id = uuid.uuid4().hex
    conn = connect(office.db_path, db_key, cache_kib=cache_kib, page_hmac=NEW_CIPHER_HMAC)
    try:
        migrate(conn)
    finally:
        conn.close()
    conn = connect(office.db_path, db_key, cache_kib=cache_kib, page_hmac=NEW_CIPHER_HMAC)
    try:
        now = clock()
        private = signature_suite.generate_private()
        signer = signature_suite.signer(private)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO device(id, suite, private_key, public_key, kid, created_ms) VALUES (1,?,?,?,?,?)",
            (signature_suite.name, private, signer.public_key, key_id(signature_suite, signer.public_key), now),
        )
        probe = Session(conn, Account(admin, "admin", "active", b"", b""), b"", clock)
        store_office_suite(probe, signature_suite)
        admin_key = new_account_key(signature_suite)
        account = insert_account(probe, admin, roles.Role.ADMIN.value, now, admin_key)
        conn.execute("INSERT INTO settings(name, value) VALUES ('office_name', ?), ('office_id', ?)", (name, office_id))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        salt = bytes.fromhex(conn.execute("PRAGMA cipher_salt").fetchone()[0])
        info = OfficeInfo(office_id, name, salt, NEW_CIPHER_HMAC)
        wrapped, kek = wrap_key_with_kek(db_key, password, office_id, admin, kdf)
        sealed = admin_key.reseal(kek, office_id, admin)
        office.write_keyfile(KeyFile({admin: wrapped}, {admin: (admin_key.kid, sealed)}, {}))
        office.write_office(info)
        office.tighten_permissions()
        replica = Replica(office, info, conn, db_key, account, clock, kdf, admin_key)
    except BaseException:
        conn.close()
        raise
    replica.audit.append("office.create", "ok", {"office": name})
    replica.audit.append("login", "ok")
    return replica


def open_replica(
    office_dir: str | Path,
    user: str,
    password: str,
    *,
    clock: Clock = system_clock,
    cache_kib: int = DEFAULT_CACHE_KIB,
    kdf: KdfParams = DEFAULT_KDF,
) -> Replica:
    """Unlock the office replica as `user`; raises a typed StoreError naming why it cannot.

    `kdf` is used for key wraps made in this session (new accounts, password changes); existing wraps
    carry their own parameters.
    """
    office = OfficeDir(office_dir)
    info = office.read_office()
    office.remove_stale_temp_files()
    office.tighten_permissions()
    user = check_name(user)
    logins.check_may_try(user, office.read_logins().get(user), clock())
    keyfile = office.read_keyfile()
    wrapped = keyfile.wraps.get(user)
    if wrapped is None:
        logins.record_failure(office, user, clock())
        raise UnknownAccount(f"no account {user!r} may unlock this office (unknown, disabled or removed)")
    try:
        db_key, kek = unwrap_key_with_kek(wrapped, password, info.office_id, user)
    except WrongPassword:
        state = logins.record_failure(office, user, clock())
        left = logins.LOCK_AFTER - state.failures
        raise WrongPassword(f"wrong password for account {user!r} ({left} attempts left before lockout)") from None
    conn = _open_connection(office, info, db_key, cache_kib)
    try:
        with translated_errors():
            row = conn.execute(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (user,)).fetchone()
        if row is None:
            raise UnknownAccount(f"the replica has no account {user!r}")
        column = Account(*row)
        account_key, migrated = _open_account_key(conn, office, info, keyfile, column, kek)
        device_kid = conn.execute("SELECT kid FROM device WHERE id = 1").fetchone()[0]
        with translated_errors():
            role = effective_role(conn, column, device_kid)
        account = Account(column.name, role, column.status, column.kid, column.public_key)
        replica = Replica(office, info, conn, db_key, account, clock, kdf, account_key)
        replica.check_rollback()
        if account.status != "active":
            replica.audit.append("login", f"refused: account {account.status}")
            raise AccountDisabled(f"account {user!r} is {account.status} and may not unlock the replica")
        for name, at_ms in logins.take_unrecorded_failures(office):
            replica.audit.append("login.failed", "wrong password or unknown account", account=name, at_ms=at_ms)
        logins.clear(office, user)
        if migrated:
            replica.audit.append("account.key_sealed", "ok", {"kid": column.kid})
        if role != column.role:
            replica.audit.append("login.role", f"registry role {role}, local column {column.role}")
        replica.audit.append("login", "ok")
    except BaseException:
        conn.close()
        raise
    return replica


def _open_account_key(
    conn: sqlcipher3.Connection, office: OfficeDir, info: OfficeInfo, keyfile: KeyFile, account: Account, kek: bytes
) -> tuple[AccountKey | None, bool]:
    """Open the account's sealed signing key; an office made before keys were sealed per account has it in the
    database in the clear: seal it under this account's key now, erase it there, and say so (True)."""
    held = keyfile.signing_keys.get(account.name)
    if held is not None:
        kid, sealed = held
        key = open_sealed(sealed, kek, info.office_id, account.name, kid)
        return (key, False) if key.kid == account.kid else (None, False)
    with translated_errors():
        row = conn.execute("SELECT suite, private_key FROM accounts WHERE name = ?", (account.name,)).fetchone()
    if row is None or row[1] is None:
        return None, False
    key = AccountKey(suite_by_name(row[0]), bytes(row[1]))
    if key.kid != account.kid:
        return None, False
    signing = dict(keyfile.signing_keys)
    signing[account.name] = (key.kid, key.reseal(kek, info.office_id, account.name))
    current = office.read_keyfile()
    office.write_keyfile(KeyFile(current.wraps, {**current.signing_keys, **signing}, current.failures))
    # Overwrite the freed cells, and move the WAL's copy of the old page into the file at once: the bytes
    # must not stay readable to anyone holding the shared database key.
    with translated_errors():
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE accounts SET private_key = NULL WHERE name = ?", (account.name,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return key, True
