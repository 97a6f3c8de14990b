"""The replica schema as numbered migrations, applied in order on open. Never edit a released step.

Version 1 held accounts, the device key, settings, the audit trail, registry keys, checkpoints,
log entries and the outbox. Version 2 added certificates (revocations, anchors), enrolled devices
and cases with full-text search. Version 3 added checkpoint cosignatures and the case date index.
Version 4 (app/services) added the case chains, consents, data exchanges and per-citizen salts.
Version 5 (app/sync) added the sync state per log, fork evidence and the clerk tasks sync returns.
Version 6 made the full-text trigger and the checkpoint age cheaper. Version 7 rebuilt case_steps as a
rowid table (new steps append to its last page), its leaf hash a unique key. Version 8 signed the audit
records and added the retired keys, the enrolment requests and the audit anchors of this office; each
account's signing key is sealed under its own password in keys.json, and the plaintext
`accounts.private_key` of an older office is erased at that account's next unlock. Version 9 added the window
enrolments (a key enrolled by another department for the acceptance of its cases, 一窗受理) and the
certificates each case was accepted with.
Version 10 (app/ofd) added the documents attached to a case (an OFD file, its SM3 digest and verdict).
Version 11 (app/ofd) added when each certificate or document was anchored.
Version 12 keyed the enrolled keys and devices by (key id, department): one device key is enrolled by several
departments (a hall's evaluator and counters, an office serving every department), each enrolment on its own log.
tests/fixtures/store holds a replica made at version 1.
"""

from __future__ import annotations

import sqlite3

import sqlcipher3

from app.store.errors import SchemaTooNew

Connection = sqlite3.Connection | sqlcipher3.Connection

_V1 = """
CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE device(
    id INTEGER PRIMARY KEY CHECK (id = 1), suite TEXT NOT NULL, private_key BLOB NOT NULL,
    public_key BLOB NOT NULL, kid BLOB NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE accounts(
    name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled', 'removed')),
    suite TEXT NOT NULL, private_key BLOB, public_key BLOB NOT NULL, kid BLOB NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL, changed_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE audit(
    seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, account TEXT NOT NULL, device BLOB NOT NULL,
    action TEXT NOT NULL, result TEXT NOT NULL, detail BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
CREATE TABLE registry_keys(
    kid BLOB PRIMARY KEY, suite TEXT NOT NULL, public_key BLOB NOT NULL, role TEXT NOT NULL,
    subject TEXT NOT NULL, department TEXT NOT NULL, valid_from_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER) WITHOUT ROWID;
CREATE INDEX registry_keys_by_department ON registry_keys(department);
CREATE TABLE checkpoints(
    origin TEXT NOT NULL, size INTEGER NOT NULL, root_hash BLOB NOT NULL, note_text TEXT NOT NULL,
    fetched_at_ms INTEGER NOT NULL, PRIMARY KEY (origin, size)) WITHOUT ROWID;
CREATE TABLE log_entries(
    id INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, origin TEXT NOT NULL, idx INTEGER,
    data BLOB NOT NULL, proof BLOB);
CREATE UNIQUE INDEX log_entries_by_hash ON log_entries(leaf_hash);
CREATE TABLE outbox(
    id INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, origin TEXT NOT NULL, data BLOB NOT NULL,
    enqueued_ms INTEGER NOT NULL, acked_ms INTEGER, idx INTEGER, proof BLOB);
CREATE INDEX outbox_pending ON outbox(id) WHERE acked_ms IS NULL;
"""

_V2 = """
CREATE TABLE revocations(
    issuer TEXT NOT NULL, serial TEXT NOT NULL, reason TEXT NOT NULL, revoked_at_ms INTEGER NOT NULL,
    PRIMARY KEY (issuer, serial)) WITHOUT ROWID;
CREATE TABLE anchors(
    cert_hash BLOB PRIMARY KEY, serial TEXT NOT NULL, issuer TEXT NOT NULL, cert_type TEXT NOT NULL,
    log_origin TEXT NOT NULL, idx INTEGER) WITHOUT ROWID;
CREATE TABLE registry_devices(
    kid BLOB PRIMARY KEY, office TEXT NOT NULL, department TEXT NOT NULL, enrolled_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER) WITHOUT ROWID;
CREATE TABLE cases(
    id INTEGER PRIMARY KEY, case_ref TEXT NOT NULL UNIQUE, service TEXT NOT NULL, status TEXT NOT NULL,
    opened_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, clerk TEXT NOT NULL,
    citizen_name TEXT NOT NULL, citizen_id TEXT NOT NULL, summary TEXT NOT NULL);
CREATE VIRTUAL TABLE cases_fts USING fts5(
    citizen_name, summary, content='cases', content_rowid='id', tokenize='trigram');
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, citizen_name, summary) VALUES (new.id, new.citizen_name, new.summary);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, citizen_name, summary)
    VALUES ('delete', old.id, old.citizen_name, old.summary);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, citizen_name, summary)
    VALUES ('delete', old.id, old.citizen_name, old.summary);
    INSERT INTO cases_fts(rowid, citizen_name, summary) VALUES (new.id, new.citizen_name, new.summary);
END;
"""

_V3 = """
CREATE TABLE checkpoint_cosignatures(
    origin TEXT NOT NULL, size INTEGER NOT NULL, witness TEXT NOT NULL, timestamp INTEGER NOT NULL,
    signature BLOB NOT NULL, PRIMARY KEY (origin, size, witness)) WITHOUT ROWID;
CREATE INDEX cases_by_opened ON cases(opened_ms);
"""

# Version 4 (app/services): the case chain per case, consents, data exchanges and per-citizen salts.
_V4 = """
CREATE TABLE service_cases(
    case_id TEXT PRIMARY KEY, service TEXT NOT NULL, state TEXT NOT NULL, done INTEGER NOT NULL,
    pending_department TEXT, is_open INTEGER NOT NULL, holder BLOB, head BLOB NOT NULL,
    opened_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, due_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX service_cases_queue ON service_cases(pending_department, due_ms) WHERE is_open = 1;
CREATE INDEX service_cases_due ON service_cases(due_ms) WHERE is_open = 1;
CREATE TABLE case_steps(
    leaf_hash BLOB PRIMARY KEY, case_id TEXT NOT NULL, origin TEXT NOT NULL, idx INTEGER,
    time_ms INTEGER NOT NULL, step TEXT NOT NULL, state TEXT NOT NULL, prev BLOB, signer BLOB NOT NULL,
    data BLOB NOT NULL, status TEXT NOT NULL, explanation TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE INDEX case_steps_by_case ON case_steps(case_id, time_ms);
CREATE TABLE citizen_salts(
    id_number TEXT PRIMARY KEY, salt BLOB NOT NULL, commitment BLOB NOT NULL UNIQUE) WITHOUT ROWID;
CREATE TABLE consents(
    consent_id TEXT PRIMARY KEY, holder BLOB NOT NULL, requester TEXT NOT NULL, provider TEXT NOT NULL,
    scope TEXT NOT NULL, purpose TEXT NOT NULL, expires_ms INTEGER NOT NULL, granted_ms INTEGER NOT NULL,
    signer BLOB NOT NULL, entry_hash BLOB NOT NULL, revoked_ms INTEGER) WITHOUT ROWID;
CREATE INDEX consents_by_holder ON consents(holder);
CREATE TABLE data_exchanges(
    request_id TEXT PRIMARY KEY, consent_id TEXT NOT NULL, scope TEXT NOT NULL, requester TEXT NOT NULL,
    requested_ms INTEGER NOT NULL, signer BLOB NOT NULL, request_hash BLOB NOT NULL, reply_public BLOB,
    reply_private BLOB, responder BLOB, responded_ms INTEGER, response_hash BLOB, payload_hash BLOB) WITHOUT ROWID;
CREATE INDEX data_exchanges_by_consent ON data_exchanges(consent_id);
"""

# Version 5 (app/sync): per log, the download cursor (size and right edge of the verified tree) and whether the
# log is still trusted; the two checkpoints of every fork seen; the tasks sync hands back to clerks.
_V5 = """
CREATE TABLE sync_logs(
    origin TEXT PRIMARY KEY, trusted INTEGER NOT NULL DEFAULT 1, reason TEXT NOT NULL DEFAULT '',
    cursor_size INTEGER NOT NULL DEFAULT 0, cursor_edge BLOB NOT NULL, synced_ms INTEGER) WITHOUT ROWID;
CREATE TABLE sync_evidence(
    id INTEGER PRIMARY KEY, origin TEXT NOT NULL, held TEXT NOT NULL, offered TEXT NOT NULL, proof BLOB,
    reason TEXT NOT NULL, detected_ms INTEGER NOT NULL, acknowledged_ms INTEGER, acknowledged_by TEXT);
CREATE TABLE sync_tasks(
    id INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, origin TEXT NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL,
    case_id TEXT, what TEXT NOT NULL, advice TEXT NOT NULL, created_ms INTEGER NOT NULL, closed_ms INTEGER,
    UNIQUE (leaf_hash, kind));
CREATE INDEX sync_tasks_open ON sync_tasks(kind, leaf_hash) WHERE closed_ms IS NULL;
"""

# Version 6 (speed, no new data): the full-text index is rebuilt only when the text it indexes changes (not on
# every status move of a case), and the age of a log's newest checkpoint is an index probe, not a scan of all
# the checkpoints of that log (every counter transition asks it).
_V6 = """
DROP TRIGGER cases_fts_update;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF citizen_name, summary ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, citizen_name, summary)
    VALUES ('delete', old.id, old.citizen_name, old.summary);
    INSERT INTO cases_fts(rowid, citizen_name, summary) VALUES (new.id, new.citizen_name, new.summary);
END;
CREATE INDEX checkpoints_by_fetch ON checkpoints(origin, fetched_at_ms);
"""

# Version 7 (speed, no new data): case_steps keyed by the random 32-byte leaf hash stored its ~550-byte rows in
# hash order, a handful per page, so nearly every step split a page somewhere in the table (about 3 pages written
# per step). As a rowid table each new step is appended to the last page; the leaf hash stays unique (INSERT OR
# IGNORE from sync still deduplicates on it) through a small index. Rows are copied in (time_ms, leaf_hash) order.
_V7 = """
CREATE TABLE case_steps_v7(
    id INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, case_id TEXT NOT NULL, origin TEXT NOT NULL, idx INTEGER,
    time_ms INTEGER NOT NULL, step TEXT NOT NULL, state TEXT NOT NULL, prev BLOB, signer BLOB NOT NULL,
    data BLOB NOT NULL, status TEXT NOT NULL, explanation TEXT NOT NULL DEFAULT '');
INSERT INTO case_steps_v7(leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, data, status,
    explanation)
SELECT leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, data, status, explanation
FROM case_steps ORDER BY time_ms, leaf_hash;
DROP TABLE case_steps;
ALTER TABLE case_steps_v7 RENAME TO case_steps;
CREATE INDEX case_steps_by_case ON case_steps(case_id, time_ms);
"""

# Version 8 (accounts and keys, issue 15): every audit record signed by the acting account's key; keys an account
# held before a reset (their entries and audit records stay verifiable); the enrolment requests sent for new keys;
# and the audit-chain anchors of this office, pushed or found on the department log at sync.
_V8 = """
ALTER TABLE audit ADD COLUMN signer BLOB;
ALTER TABLE audit ADD COLUMN signature BLOB;
CREATE TABLE retired_keys(
    kid BLOB PRIMARY KEY, account TEXT NOT NULL, suite TEXT NOT NULL, public_key BLOB NOT NULL,
    retired_ms INTEGER NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE enrolment_requests(
    kid BLOB PRIMARY KEY, account TEXT NOT NULL, role TEXT NOT NULL, replaces BLOB, requested_ms INTEGER NOT NULL,
    leaf_hash BLOB) WITHOUT ROWID;
CREATE TABLE audit_anchors(
    leaf_hash BLOB PRIMARY KEY, origin TEXT NOT NULL, idx INTEGER, time_ms INTEGER NOT NULL,
    audit_count INTEGER NOT NULL, audit_head BLOB NOT NULL) WITHOUT ROWID;
"""

# Version 9: one key may be enrolled by several departments as a comprehensive-window key (role `window`) beside
# its home enrolment in registry_keys, so those enrolments are rows of their own, per (key, log). case_certs keeps
# the certificates a case was accepted with (serial, type, hash), so a case is found by any of them.
_V9 = """
CREATE TABLE registry_windows(
    kid BLOB NOT NULL, origin TEXT NOT NULL, public_key BLOB NOT NULL, suite TEXT NOT NULL, subject TEXT NOT NULL,
    valid_from_ms INTEGER NOT NULL, revoked_at_ms INTEGER, PRIMARY KEY (kid, origin)) WITHOUT ROWID;
CREATE TABLE case_certs(
    case_id TEXT NOT NULL, serial TEXT NOT NULL, cert_type TEXT NOT NULL, cert_hash BLOB NOT NULL,
    recorded_ms INTEGER NOT NULL, PRIMARY KEY (case_id, serial)) WITHOUT ROWID;
CREATE INDEX case_certs_by_serial ON case_certs(serial);
"""

_V10 = """
CREATE TABLE case_documents(
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL, digest BLOB NOT NULL, name TEXT NOT NULL,
    media_type TEXT NOT NULL, verdict TEXT NOT NULL, data BLOB NOT NULL, added_ms INTEGER NOT NULL,
    UNIQUE (case_id, digest));
"""

# Version 11: when a certificate or document was anchored (the anchoring entry's time on the issuer's log), so a
# counter can say "issued by X at Y" from the ledger itself; NULL for anchors recorded before.
_V11 = """
ALTER TABLE anchors ADD COLUMN anchored_ms INTEGER;
"""

# Version 12: an enrolment is per (key id, department). Versions 1-11 kept one row per key id, replaced by the last
# log pulled, so a key enrolled by two departments lost its enrolment on the other log and that log's next sync
# refused the key's new entries as not enrolled there. The rows held are kept as they are (each is the enrolment of
# the department it names); an enrolment an older replica already replaced is not on this machine any more.
_V12 = """
CREATE TABLE registry_keys_v12(
    kid BLOB NOT NULL, suite TEXT NOT NULL, public_key BLOB NOT NULL, role TEXT NOT NULL, subject TEXT NOT NULL,
    department TEXT NOT NULL, valid_from_ms INTEGER NOT NULL, revoked_at_ms INTEGER,
    PRIMARY KEY (kid, department)) WITHOUT ROWID;
INSERT INTO registry_keys_v12(kid, suite, public_key, role, subject, department, valid_from_ms, revoked_at_ms)
SELECT kid, suite, public_key, role, subject, department, valid_from_ms, revoked_at_ms FROM registry_keys;
DROP TABLE registry_keys;
ALTER TABLE registry_keys_v12 RENAME TO registry_keys;
CREATE INDEX registry_keys_by_department ON registry_keys(department);
CREATE TABLE registry_devices_v12(
    kid BLOB NOT NULL, office TEXT NOT NULL, department TEXT NOT NULL, enrolled_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER, PRIMARY KEY (kid, department)) WITHOUT ROWID;
INSERT INTO registry_devices_v12(kid, office, department, enrolled_ms, revoked_at_ms)
SELECT kid, office, department, enrolled_ms, revoked_at_ms FROM registry_devices;
DROP TABLE registry_devices;
ALTER TABLE registry_devices_v12 RENAME TO registry_devices;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12)
LATEST = len(MIGRATIONS)


def schema_version(conn: Connection) -> int:
    """Return the database's schema version (SQLite's user_version)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, *, upto: int = LATEST) -> list[int]:
    """Apply every missing migration up to `upto`, each in its own transaction; return the versions applied."""
    current = schema_version(conn)
    if current > LATEST:
        raise SchemaTooNew(f"the replica has schema version {current}; this govdesk knows up to {LATEST}")
    applied = []
    for version in range(current + 1, upto + 1):
        statements = [s.strip() for s in _split(MIGRATIONS[version - 1]) if s.strip()]
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some failures (an interrupt, a full disk, an I/O error); a
            # second ROLLBACK would fail and hide the error that stopped the migration.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _split(script: str) -> list[str]:
    """Split a migration script into whole statements (trigger bodies included), as SQLite's own tokenizer
    decides where a statement ends (`sqlite3.complete_statement`)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
