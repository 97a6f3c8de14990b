"""Certificate facts held in the replica: revocations and ledger anchors of issued certificates.

Verifying a certificate also needs trust facts that change only when sync or an enrolment writes
them: the issuer's key (registry_keys), the newest checkpoint of the issuer's log (checkpoints) and
whether that log is still trusted (sync_logs). `TrustCache` keeps those in memory between writes;
revocations and anchors are never cached, every verification reads them afresh.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from app.store import inputs, roles
from app.store.registry import KEY_COLUMNS, KeyRecord, preferred_enrolment
from app.store.session import Session


@dataclass(frozen=True)
class Revocation:
    """A certificate revoked by its issuer."""

    issuer: str
    serial: str
    reason: str
    revoked_at_ms: int


@dataclass(frozen=True)
class Anchor:
    """Where an issued certificate's hash sits on the ledger."""

    cert_hash: bytes
    serial: str
    issuer: str
    cert_type: str
    log_origin: str
    index: int | None
    anchored_ms: int | None = None  # the anchoring entry's time (None: recorded before schema version 11)


@dataclass(frozen=True)
class LogTrust:
    """What the replica holds about an issuer's log: when its newest checkpoint was fetched, and any distrust."""

    newest_fetch_ms: int | None
    distrust_reason: str | None

    def age_ms(self, now_ms: int) -> int | None:
        """Return how long ago the newest checkpoint was fetched, or None if none is held."""
        return None if self.newest_fetch_ms is None else max(0, now_ms - self.newest_fetch_ms)


# Tables whose rows the trust cache copies; a write to any of them on this connection empties it.
TRUST_TABLES = ("registry_keys", "checkpoints", "sync_logs")
# Bound on cached entries: certificates carry arbitrary kids and issuers, and a miss is cached too.
MAX_TRUST_ENTRIES = 4096
_CACHE_IDS = itertools.count(1)
_LOG_TRUST_SQL = (
    "SELECT (SELECT max(fetched_at_ms) FROM checkpoints WHERE origin = ?1), "
    "(SELECT trusted FROM sync_logs WHERE origin = ?1), (SELECT reason FROM sync_logs WHERE origin = ?1)"
)
_CERT_FACTS_SQL = (
    "SELECT 0, reason, revoked_at_ms, NULL, NULL, NULL FROM revocations WHERE issuer = ?1 AND serial = ?2 "
    "UNION ALL SELECT 1, serial, issuer, cert_type, log_origin, idx FROM anchors WHERE cert_hash = ?3"
)


class TrustCache:
    """Issuer keys and log trust from the replica, held in memory for as long as nothing they rest on changes.

    The copy is checked on every use against three counters, read before any row it copies:
    `PRAGMA data_version`, which changes whenever another connection (another process, another
    Replica) commits; `PRAGMA schema_version`, which changes when a table is rebuilt on this
    connection (dropping a table drops its triggers, which are then installed again); and the writes
    this connection makes to TRUST_TABLES, counted by temporary triggers (so sync, enrolment and fork
    alarms are seen whatever code path wrote them, committed or not). It is filled only outside a
    transaction, from committed rows, so a rollback cannot leave rows behind that no longer exist;
    inside a transaction that changed a trust table it reads through. Revocations and anchors are not
    cached at all (CertStore.certificate_facts reads them every time).
    """

    def __init__(self, session: Session) -> None:
        self._s = session
        self._function = f"govdesk_trust_changed_{next(_CACHE_IDS)}"
        self._installed_on: object = None  # the connection whose writes the triggers count
        self._writes = 0
        self._schema: int | None = None  # the schema the triggers were installed on
        self._tag: tuple[int, int, int] | None = None
        self._keys: dict[tuple[bytes, str], KeyRecord | None] = {}
        self._logs: dict[str, LogTrust] = {}

    def _count_write(self) -> None:
        self._writes += 1

    def _install(self) -> bool:
        """Create the temporary triggers that count this connection's trust writes; False inside a transaction."""
        conn = self._s.conn
        if self._installed_on is conn:
            return True
        if conn.in_transaction:  # DDL inside a transaction would vanish with its rollback
            return False
        conn.create_function(self._function, 0, self._count_write)
        for table in TRUST_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                self._s.execute(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS {self._function}_{table}_{event.lower()} "
                    f"AFTER {event} ON main.{table} BEGIN SELECT {self._function}(); END"
                )
        self._installed_on = conn
        self._writes += 1  # nothing cached before now was counted by these triggers
        return True

    def signing_facts(self, kid: bytes, origin: str) -> tuple[KeyRecord | None, LogTrust]:
        """Return the enrolment of this key id by the department of log `origin` (else its home enrolment, else
        None) and the trust facts of the log `origin`."""
        self._s.require(roles.READ)
        kid = inputs.blob(kid, "kid")
        origin = inputs.text(origin, "origin", max_len=256)
        version = self._s.one("PRAGMA data_version")[0]  # read before any row, so a later commit is never missed
        schema = self._s.one("PRAGMA schema_version")[0]
        if schema != self._schema:  # a dropped table takes its temporary triggers with it: install them again
            self._installed_on, self._schema = None, schema
        # Without triggers on this connection (first use inside a transaction) its own writes are not counted:
        # nothing cached may be used then, and nothing is cached.
        tag = (version, schema, self._writes) if self._install() else None
        if tag is None or tag != self._tag:
            self._keys.clear()
            self._logs.clear()
            self._tag = tag
        fill = tag is not None and not self._s.conn.in_transaction
        if len(self._keys) + len(self._logs) >= MAX_TRUST_ENTRIES:
            self._keys.clear()
            self._logs.clear()
        if (kid, origin) in self._keys:
            key = self._keys[(kid, origin)]
        else:
            rows = self._s.all(f"SELECT {KEY_COLUMNS} FROM registry_keys WHERE kid = ?", (kid,))
            key = preferred_enrolment([KeyRecord(*row) for row in rows], origin)
            if fill:
                self._keys[(kid, origin)] = key
        trust = self._logs.get(origin)
        if trust is None:
            fetched, trusted, reason = self._s.one(_LOG_TRUST_SQL, (origin,))
            trust = LogTrust(fetched, None if trusted is None or trusted else (reason or "untrusted"))
            if fill:
                self._logs[origin] = trust
        return key, trust


class CertStore:
    """Revocations and anchors; lookups are primary-key reads, fast at millions of rows."""

    def __init__(self, session: Session) -> None:
        self._s = session
        self.trust = TrustCache(session)

    def put_revocation(self, issuer: str, serial: str, reason: str, revoked_at_ms: int) -> None:
        """Record a revocation (a later record for the same certificate replaces the earlier one)."""
        self._s.require(roles.SYNC)
        values = (
            inputs.text(issuer, "issuer", max_len=256),
            inputs.text(serial, "serial", max_len=256),
            inputs.text(reason, "reason", allow_empty=True),
            inputs.integer(revoked_at_ms, "revoked_at_ms"),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR REPLACE INTO revocations(issuer, serial, reason, revoked_at_ms) VALUES (?,?,?,?)", values
            )

    def revocation(self, issuer: str, serial: str) -> Revocation | None:
        """Return the revocation of a certificate, or None if it is not revoked."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT issuer, serial, reason, revoked_at_ms FROM revocations WHERE issuer = ? AND serial = ?",
            (inputs.text(issuer, "issuer", max_len=256), inputs.text(serial, "serial", max_len=256)),
        )
        return Revocation(*row) if row else None

    def certificate_facts(self, issuer: str, serial: str, cert_hash: bytes) -> tuple[Revocation | None, Anchor | None]:
        """Return a certificate's revocation and its anchor (each None if the replica holds none), in one read."""
        self._s.require(roles.READ)
        issuer = inputs.text(issuer, "issuer", max_len=256)
        serial = inputs.text(serial, "serial", max_len=256)
        cert_hash = inputs.blob(cert_hash, "cert_hash")
        revocation = anchor = None
        for kind, a, b, c, d, e in self._s.all(_CERT_FACTS_SQL, (issuer, serial, cert_hash)):
            if kind == 0:
                revocation = Revocation(issuer, serial, a, b)
            else:
                anchor = Anchor(cert_hash, a, b, c, d, e)
        return revocation, anchor

    def put_anchor(
        self,
        cert_hash: bytes,
        serial: str,
        issuer: str,
        cert_type: str,
        log_origin: str,
        index: int | None,
        anchored_ms: int | None = None,
    ) -> None:
        """Record where a certificate is anchored on the ledger (and when: the anchoring entry's time)."""
        self._s.require(roles.SYNC)
        values = (
            inputs.blob(cert_hash, "cert_hash", size=32),
            inputs.text(serial, "serial", max_len=256),
            inputs.text(issuer, "issuer", max_len=256),
            inputs.text(cert_type, "cert_type", max_len=256),
            inputs.text(log_origin, "log_origin", max_len=256),
            inputs.integer(index, "index", optional=True),
            inputs.integer(anchored_ms, "anchored_ms", optional=True),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR REPLACE INTO anchors(cert_hash, serial, issuer, cert_type, log_origin, idx, anchored_ms) "
                "VALUES (?,?,?,?,?,?,?)",
                values,
            )

    def anchor(self, cert_hash: bytes) -> Anchor | None:
        """Return the anchor of a certificate hash, or None."""
        self._s.require(roles.READ)
        row = self._s.one(
            "SELECT cert_hash, serial, issuer, cert_type, log_origin, idx, anchored_ms FROM anchors "
            "WHERE cert_hash = ?",
            (inputs.blob(cert_hash, "cert_hash"),),
        )
        return Anchor(*row) if row else None
