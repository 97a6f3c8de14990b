"""The node store's SQL, shared by both engines: a driver supplies its connection, its placeholder style,
how a write transaction takes the sequencing lock, and how a batch of entries is inserted fast."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from app.ledger.merkle import EMPTY_ROOT
from app.node.jsonlog import log_event
from app.node.storage import schema
from app.node.storage.interface import (
    DEFAULT_RETRY_S,
    BatchLookup,
    CaseResult,
    EnrolledKey,
    LogState,
    NodeStoreError,
    SchemaTooNew,
    StoreUnavailable,
    WitnessedFork,
    WitnessedLog,
)
from app.server_storage.migrations import migrate_schema
from app.server_storage.schema import ddl
from app.server_storage.statements import PerThreadConnections, SqlDialect, TransactionView

log = logging.getLogger("govdesk.node.store")

FIRST_BACKOFF_S = 0.05
LONGEST_BACKOFF_S = 1.0
T = TypeVar("T")

_KEY_COLUMNS = "kid, suite, public_key, role, subject, department, enrolled_idx, revoked_idx"


def _key(row: Sequence[Any]) -> EnrolledKey:
    return EnrolledKey(bytes(row[0]), row[1], bytes(row[2]), row[3], row[4], row[5], row[6], row[7])


class SequencingTx(TransactionView):
    """The sequencer's view of the store inside one exclusive write transaction."""

    def __init__(self, store: SqlStore, cur: Any) -> None:
        super().__init__(store, cur)
        self._store = store

    def lookup(self, hashes: Sequence[bytes], kids: Iterable[bytes]) -> BatchLookup:
        """Return the tree size and root, which of `hashes` are sequenced (hash -> index), and the registry
        records of `kids`: every statement is sent before any result is read, so that a pipelined transaction
        (PostgreSQL) asks the server once for all of them."""
        conn = self._cur.connection
        state = self._exec("SELECT size, root FROM log_state WHERE id = 1")
        found_hashes = [
            conn.execute(self._dialect.sql(f"SELECT hash, idx FROM entries WHERE {cond}"), params)
            for cond, params in self._dialect.one_of("hash", hashes)
        ]
        found_keys = [
            conn.execute(self._dialect.sql(f"SELECT {_KEY_COLUMNS} FROM keys WHERE {cond}"), params)
            for cond, params in self._dialect.one_of("kid", list(kids))
        ]
        row = state.fetchone()
        existing = {bytes(h): int(idx) for cur in found_hashes for h, idx in cur.fetchall()}
        records = {bytes(r[0]): _key(r) for cur in found_keys for r in cur.fetchall()}
        return BatchLookup(int(row[0]), bytes(row[1]), existing, records)

    def tile(self, level: int, index: int) -> bytes | None:
        """Return a stored tile."""
        row = self._exec("SELECT data FROM tiles WHERE level = ? AND idx = ?", (level, index)).fetchone()
        return bytes(row[0]) if row else None

    def insert_entries(self, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert (index, hash, data) rows."""
        if rows:
            self._store.insert_entries(self._cur, rows)

    def put_keys(self, changes: Iterable[tuple[EnrolledKey, int]]) -> None:
        """Insert or update registry records, each marked with the index of the entry that changed it."""
        sql = (
            f"INSERT INTO keys ({_KEY_COLUMNS}, changed_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kid) DO UPDATE SET suite = excluded.suite, public_key = excluded.public_key, "
            "role = excluded.role, subject = excluded.subject, department = excluded.department, "
            "enrolled_idx = excluded.enrolled_idx, revoked_idx = excluded.revoked_idx, "
            "changed_idx = excluded.changed_idx"
        )
        for r, changed_idx in changes:
            params = (r.kid, r.suite, r.public_key, r.role, r.subject, r.department, r.enrolled_idx, r.revoked_idx)
            self._exec(sql, (*params, changed_idx))

    def put_tiles(self, tiles: dict[tuple[int, int], bytes]) -> None:
        """Insert or replace tiles."""
        if tiles:
            self._store.put_tiles(self._cur, [(level, index, data) for (level, index), data in sorted(tiles.items())])

    def set_state(self, size: int, root: bytes, checkpoint: str, now_ms: int) -> None:
        """Record the new tree head and its signed checkpoint."""
        self._exec("UPDATE log_state SET size = ?, root = ?, checkpoint = ? WHERE id = 1", (size, root, checkpoint))
        self._exec(
            "INSERT INTO checkpoints (size, note, signed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (size) DO UPDATE SET note = excluded.note, signed_at = excluded.signed_at",
            (size, checkpoint, now_ms),
        )


class SqlStore(SqlDialect):
    """Storage over a SQL database; subclasses supply the dialect and how connections are held.

    Every operation borrows a connection for its own duration (`connection()`), and an operation that
    fails because its connection is gone is retried on a fresh one, with backoff, for up to `retry_s`
    seconds; then it raises StoreUnavailable.
    """

    def __init__(self, retry_s: float = DEFAULT_RETRY_S) -> None:
        self.retry_s = retry_s
        self._threads = PerThreadConnections(lambda: self.connect())  # late-bound: a driver (or a test) may wrap it

    # --- dialect hooks ---------------------------------------------------------------------
    def connect(self) -> Any:
        """Open a new connection in autocommit mode."""
        raise NotImplementedError

    @contextmanager
    def write_transaction(self, conn: Any, lock: str, *, pipelined: bool = False) -> Iterator[Any]:
        """Run a write transaction serialised with every other holder of `lock`, yield a cursor; `pipelined`:
        statements may be sent before earlier ones are answered (results are read where asked for)."""
        raise NotImplementedError
        yield

    def insert_entries(self, cur: Any, rows: list[tuple[int, bytes, bytes]]) -> None:
        """Insert entry rows as fast as the backend allows."""
        raise NotImplementedError

    def put_tiles(self, cur: Any, rows: list[tuple[int, int, bytes]]) -> None:
        """Insert or replace (level, index, data) tile rows as fast as the backend allows."""
        raise NotImplementedError

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """Lend a connection for one operation (here: this thread's own, opened on first use)."""
        yield self._threads.get()

    def connection_gone(self, exc: BaseException) -> bool:
        """True if `exc` means the connection or the server is gone (worth a retry on a fresh connection)."""
        return isinstance(exc, StoreUnavailable)

    def discard_broken(self) -> None:
        """Drop connections that a lost server left broken, so the next borrower gets a live one."""

    def can_write(self) -> bool:
        """True if the database accepts writes right now (one short probe, no retries)."""
        with self.connection() as conn, self.write_transaction(conn, "health") as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() is not None

    # --- plumbing --------------------------------------------------------------------------
    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        return exc if isinstance(exc, StoreUnavailable) else StoreUnavailable(f"the database is unavailable: {exc}")

    def retrying(self, operation: Callable[[Any], T]) -> T:
        """Run `operation(connection)`, again on a fresh connection with backoff while the connection is gone."""
        deadline = time.monotonic() + self.retry_s
        delay = FIRST_BACKOFF_S
        attempt = 0
        while True:
            try:
                with self.connection() as conn:
                    return operation(conn)
            except Exception as exc:
                if not self.connection_gone(exc):
                    raise
                attempt += 1
                self.discard_broken()
                if time.monotonic() + delay > deadline:
                    raise self._unavailable(exc) from exc
                if attempt == 1:
                    log_event(log, "db_connection_lost", level=logging.WARNING, error=str(exc).strip()[:200])
                time.sleep(delay)  # backoff while the database comes back; a fixed poll step, not a state wait
                delay = min(delay * 2, LONGEST_BACKOFF_S)

    def _write(self, lock: str, operation: Callable[[Any], T]) -> T:
        """Run `operation(cursor)` in a write transaction holding `lock`, retried while the connection is gone."""

        def run(conn: Any) -> T:
            with self.write_transaction(conn, lock) as cur:
                return operation(cur)

        return self.retrying(run)

    @contextmanager
    def _transaction(self, lock: str, *, pipelined: bool = False) -> Iterator[Any]:
        """One write transaction for a caller's block (not retried: the caller decides; gone -> StoreUnavailable)."""
        try:
            with self.connection() as conn, self.write_transaction(conn, lock, pipelined=pipelined) as cur:
                yield cur
        except Exception as exc:
            if not self.connection_gone(exc):
                raise
            self.discard_broken()
            raise self._unavailable(exc) from exc

    def _query(self, text: str, params: Sequence[Any] = ()) -> list[Any]:
        def run(conn: Any) -> list[Any]:
            cur = conn.cursor()
            try:
                cur.execute(self.sql(text), params)
                return cur.fetchall() if cur.description else []
            finally:
                cur.close()

        return self.retrying(run)

    def close(self) -> None:
        """Close every connection this store opened."""
        self._threads.close_all()

    # --- schema ----------------------------------------------------------------------------
    def init_schema(self) -> None:
        """Create the tables if they do not exist, and check the schema version."""
        self._write("schema", self._init_schema)

    def _init_schema(self, cur: Any) -> None:
        for statement in ddl(schema.NODE_SCHEMA, self.engine):
            cur.execute(statement)
        found = migrate_schema(cur, self.sql, schema.SCHEMA_VERSION, schema.MIGRATIONS, SchemaTooNew)
        if 0 < found < schema.SCHEMA_VERSION:
            log_event(log, "node_schema_migrated", from_version=found, to_version=schema.SCHEMA_VERSION)
        cur.execute(self.sql("SELECT size FROM log_state WHERE id = 1"))
        if cur.fetchone() is None:
            cur.execute(
                self.sql("INSERT INTO log_state (id, size, root, published_size) VALUES (1, 0, ?, 0)"),
                (EMPTY_ROOT,),
            )

    # --- sequencing --------------------------------------------------------------------------
    @contextmanager
    def sequencing(self) -> Iterator[SequencingTx]:
        """Open the exclusive sequencing transaction (one sequencer at a time across processes)."""
        with self._transaction("sequencer", pipelined=True) as cur:
            yield SequencingTx(self, cur)

    # --- reads -------------------------------------------------------------------------------
    def state(self) -> LogState:
        """Return the tree head and the latest checkpoints."""
        row = self._query("SELECT size, root, checkpoint, published, published_size FROM log_state WHERE id = 1")
        if not row:
            raise NodeStoreError("the node database is not initialised (run `govdesk node init`)")
        size, root, checkpoint, published, published_size = row[0]
        return LogState(int(size), bytes(root), checkpoint, published, int(published_size))

    def tile(self, level: int, index: int) -> bytes | None:
        """Return the stored content of tile (level, index), possibly wider than a reader needs."""
        rows = self._query("SELECT data FROM tiles WHERE level = ? AND idx = ?", (level, index))
        return bytes(rows[0][0]) if rows else None

    def entries(self, start: int, end: int) -> list[bytes]:
        """Return the entries with indexes in [start, end)."""
        rows = self._query("SELECT data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx", (start, end))
        return [bytes(r[0]) for r in rows]

    def entry_by_hash(self, entry_hash: bytes) -> tuple[int, bytes] | None:
        """Return (index, data) of the entry with this hash, if it is sequenced."""
        rows = self._query("SELECT idx, data FROM entries WHERE hash = ?", (entry_hash,))
        return (int(rows[0][0]), bytes(rows[0][1])) if rows else None

    def keys_changed_since(self, index: int) -> list[EnrolledKey]:
        """Return registry records changed by entries at or after `index`."""
        rows = self._query(f"SELECT {_KEY_COLUMNS} FROM keys WHERE changed_idx >= ?", (index,))
        return [_key(r) for r in rows]

    def checkpoint_at(self, size: int) -> str | None:
        """Return the checkpoint signed at tree size `size`, if one was."""
        rows = self._query("SELECT note FROM checkpoints WHERE size = ?", (size,))
        return rows[0][0] if rows else None

    # --- publishing ----------------------------------------------------------------------------
    def publish(self, size: int, text: str) -> bool:
        """Publish a (cosigned) checkpoint unless a larger one is already published."""

        def run(cur: Any) -> bool:
            cur.execute(
                self.sql("UPDATE log_state SET published = ?, published_size = ? WHERE id = 1 AND published_size <= ?"),
                (text, size, size),
            )
            return cur.rowcount == 1

        return self._write("publish", run)

    def cosigner_size(self, name: str) -> int:
        """Return the tree size a witness last cosigned for this log (0 if never)."""
        rows = self._query("SELECT size FROM cosigners WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set_cosigner_size(self, name: str, size: int) -> None:
        """Record the size a witness last cosigned for this log."""
        self._write(
            "cosigners",
            lambda cur: cur.execute(
                self.sql(
                    "INSERT INTO cosigners (name, size) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET size = excluded.size"
                ),
                (name, size),
            ),
        )

    # --- case results (统一窗口出件) -------------------------------------------------------------------
    def put_case_result(self, case_id: str, office: str, digest: bytes, data: bytes, now_ms: int) -> bool:
        """Keep a case's sealed result for `office`; False if the case already holds another document."""

        def run(cur: Any) -> bool:
            cur.execute(
                self.sql(
                    "INSERT INTO case_results (case_id, office, digest, data, stored_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (case_id) DO NOTHING"
                ),
                (case_id, office, digest, data, now_ms),
            )
            cur.execute(self.sql("SELECT office, digest FROM case_results WHERE case_id = ?"), (case_id,))
            held = cur.fetchone()
            return held is not None and (held[0], bytes(held[1])) == (office, digest)

        return self._write("case_results", run)

    def case_result(self, case_id: str) -> CaseResult | None:
        """Return the sealed result kept for a case, if any."""
        rows = self._query("SELECT office, digest, data FROM case_results WHERE case_id = ?", (case_id,))
        if not rows:
            return None
        office, digest, data = rows[0]
        return CaseResult(case_id, office, bytes(digest), bytes(data))

    # --- replay protection ---------------------------------------------------------------------
    def use_nonce(self, kid: bytes, nonce: bytes, now_ms: int, forget_before_ms: int) -> bool:
        """Record a request nonce; return False if this key already used it (a replay)."""

        def run(conn: Any) -> bool:
            # One statement in autocommit, atomic on its own over the (kid, nonce) key: no transaction and no lock,
            # so one round trip, and nonces of concurrent requests are not queued behind one another.
            cur = conn.cursor()
            try:
                cur.execute(
                    self.sql("INSERT INTO nonces (kid, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
                    (kid, nonce, now_ms),
                )
                fresh = cur.rowcount == 1
                if fresh and nonce[0] == 0:  # about one request in 256 sweeps out expired nonces
                    cur.execute(self.sql("DELETE FROM nonces WHERE seen_at < ?"), (forget_before_ms,))
                return fresh
            finally:
                cur.close()

        # A retry after a lost commit would see its own nonce and call the request a replay; the client then
        # resubmits under a new nonce (submission is idempotent), so nothing is lost.
        return self.retrying(run)

    # --- witnessing ----------------------------------------------------------------------------
    @contextmanager
    def witness_transaction(self, origin: str) -> Iterator[WitnessTx]:
        """Open a transaction in which a witness checks and replaces its record of `origin` atomically."""
        with self._transaction("witness") as cur:
            yield WitnessTx(self, cur, origin)

    def witnessed(self, origin: str) -> WitnessedLog | None:
        """Return the last checkpoint this node cosigned for `origin`."""
        rows = self._query("SELECT origin, size, root, checkpoint FROM witnessed WHERE origin = ?", (origin,))
        return WitnessedLog(rows[0][0], int(rows[0][1]), bytes(rows[0][2]), rows[0][3]) if rows else None

    def all_witnessed(self) -> list[WitnessedLog]:
        """Return this node's record of every log it witnesses."""
        rows = self._query("SELECT origin, size, root, checkpoint FROM witnessed ORDER BY origin")
        return [WitnessedLog(r[0], int(r[1]), bytes(r[2]), r[3]) for r in rows]

    def forks(self) -> list[WitnessedFork]:
        """Return every piece of fork evidence this node kept."""
        rows = self._query(
            "SELECT id, origin, held, offered, old_size, proof, reason, received_at FROM forks ORDER BY id"
        )
        return [WitnessedFork(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5], r[6], int(r[7])) for r in rows]


class WitnessTx(TransactionView):
    """A witness's record of one log, read and written inside one transaction."""

    def __init__(self, store: SqlStore, cur: Any, origin: str) -> None:
        super().__init__(store, cur)
        self.origin = origin

    def held(self) -> WitnessedLog | None:
        """Return what this witness last cosigned for the log."""
        sql = "SELECT origin, size, root, checkpoint FROM witnessed WHERE origin = ?"
        row = self._exec(sql, (self.origin,)).fetchone()
        return WitnessedLog(row[0], int(row[1]), bytes(row[2]), row[3]) if row else None

    def replace(self, size: int, root: bytes, checkpoint: str) -> None:
        """Record a newly cosigned checkpoint."""
        self._exec(
            "INSERT INTO witnessed (origin, size, root, checkpoint) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, "
            "checkpoint = excluded.checkpoint",
            (self.origin, size, root, checkpoint),
        )

    def record_fork(self, held: str, offered: str, old_size: int, proof: str, reason: str, now_ms: int) -> None:
        """Keep a pair of conflicting checkpoints as evidence."""
        self._exec(
            "INSERT INTO forks (origin, held, offered, old_size, proof, reason, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self.origin, held, offered, old_size, proof, reason, now_ms),
        )
