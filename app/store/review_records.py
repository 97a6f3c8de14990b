"""What a supervisor's review reads from the replica: a period's audit records, entries, cases, contacts with
the nodes and sync alarms; the checkpoints and entries the integrity panel re-checks; sign-off lookups.

Rows come back as named tuples (the review reads months of records: a tuple costs the least to build).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from app.store.refused_entries import SET_ASIDE
from app.store.session import Session

# SQLite allows 999 host parameters per statement in old builds; the case lookups go in chunks below that.
_CHUNK = 500


class AccountKey(NamedTuple):
    """An account of this office with its role and key id."""

    name: str
    role: str
    kid: bytes


class KeySubject(NamedTuple):
    """An enrolled key and whom it belongs to."""

    kid: bytes
    subject: str


class AuditRow(NamedTuple):
    """An audit record of the period, its detail still encoded."""

    seq: int
    at_ms: int
    account: str
    action: str
    result: str
    detail: bytes


class OutboxActivity(NamedTuple):
    """An entry this office wrote, with its case step and case when it is one (`data` only for other entries)."""

    leaf_hash: bytes
    origin: str
    enqueued_ms: int
    acked_ms: int | None
    idx: int | None
    proof: bytes | None
    case_id: str | None
    step: str | None
    signer: bytes | None
    service: str | None
    opened_ms: int | None
    data: bytes | None
    set_aside_ms: int | None  # when a supervisor set the (refused) entry aside; it waits no more


class CaseOpening(NamedTuple):
    """Who opened a case for which service, and when (`opener` is a key id for ledger cases, a name for local)."""

    case_id: str
    service: str
    opened_ms: int
    opener: bytes | str | None


class ForkAlarm(NamedTuple):
    """Fork evidence sync recorded."""

    id: int
    origin: str
    reason: str
    detected_ms: int


class RefusalTask(NamedTuple):
    """A task sync handed back to a clerk (not a conflict)."""

    leaf_hash: bytes
    origin: str
    kind: str
    code: str
    what: str
    created_ms: int


class CheckpointNote(NamedTuple):
    """A checkpoint as stored, with the signed note it came in."""

    origin: str
    size: int
    root_hash: bytes
    note_text: str


class CheckpointRoot(NamedTuple):
    """A checkpoint's size and root."""

    origin: str
    size: int
    root_hash: bytes


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def account_keys(session: Session) -> list[AccountKey]:
    """Return every account of this office with its role and key id."""
    return [AccountKey(*r) for r in session.all("SELECT name, role, kid FROM accounts")]


def key_names(session: Session) -> dict[bytes, str]:
    """Return whom each key id belongs to: this office's accounts by name, other enrolled keys by subject."""
    names = {kid: name for name, _, kid in account_keys(session)}
    for kid, subject in key_subjects(session):
        names.setdefault(kid, subject)
    return names


def key_subjects(session: Session) -> list[KeySubject]:
    """Return every enrolled key with its subject."""
    return [KeySubject(*r) for r in session.all("SELECT kid, subject FROM registry_keys")]


def audit_between(session: Session, start_ms: int, end_ms: int) -> list[AuditRow]:
    """Return the audit records written in [start, end)."""
    rows = session.all(
        "SELECT seq, at_ms, account, action, result, detail FROM audit WHERE at_ms >= ? AND at_ms < ?",
        (start_ms, end_ms),
    )
    return list(map(AuditRow._make, rows))


def outbox_between(session: Session, start_ms: int, end_ms: int) -> list[OutboxActivity]:
    """Return the entries this office wrote in [start, end), joined with their case step and case, and when a
    supervisor set one aside."""
    rows = session.all(
        "SELECT o.leaf_hash, o.origin, o.enqueued_ms, o.acked_ms, o.idx, o.proof, cs.case_id, cs.step, cs.signer, "
        "sc.service, sc.opened_ms, CASE WHEN cs.case_id IS NULL THEN o.data END, "
        f"(SELECT min(a.created_ms) FROM sync_tasks a WHERE a.leaf_hash = o.leaf_hash AND a.kind = '{SET_ASIDE}') "
        "FROM outbox o LEFT JOIN case_steps cs ON cs.leaf_hash = o.leaf_hash "
        "LEFT JOIN service_cases sc ON sc.case_id = cs.case_id WHERE o.enqueued_ms >= ? AND o.enqueued_ms < ?",
        (start_ms, end_ms),
    )
    return list(map(OutboxActivity._make, rows))


def contact_times(session: Session, start_ms: int, end_ms: int) -> list[int]:
    """Return when the office heard from a node in [start, end): checkpoints fetched, entries acknowledged, logs
    synced (unsorted)."""
    times = [
        r[0]
        for r in session.all(
            "SELECT fetched_at_ms FROM checkpoints WHERE fetched_at_ms >= ? AND fetched_at_ms < ? UNION ALL "
            "SELECT acked_ms FROM outbox WHERE acked_ms >= ? AND acked_ms < ?",
            (start_ms, end_ms, start_ms, end_ms),
        )
    ]
    times += [
        r[0]
        for r in session.all(
            "SELECT synced_ms FROM sync_logs WHERE synced_ms >= ? AND synced_ms < ?", (start_ms, end_ms)
        )
    ]
    return times


def ledger_case_openings(session: Session, case_ids: list[str]) -> list[CaseOpening]:
    """Return service, opening time and opening signer's key id of the ledger cases among `case_ids`."""
    out = []
    for chunk in _chunks(case_ids):
        marks = ",".join("?" * len(chunk))
        out += map(
            CaseOpening._make,
            session.all(
                f"SELECT sc.case_id, sc.service, sc.opened_ms, cs.signer FROM service_cases sc LEFT JOIN case_steps cs "
                f"ON cs.case_id = sc.case_id AND cs.step = 'open' WHERE sc.case_id IN ({marks})",
                chunk,
            ),
        )
    return out


def local_case_openings(session: Session, case_refs: list[str]) -> list[CaseOpening]:
    """Return service, opening time and clerk of the local cases among `case_refs`."""
    out = []
    for chunk in _chunks(case_refs):
        marks = ",".join("?" * len(chunk))
        out += (
            CaseOpening(ref, service, opened, clerk)
            for ref, service, clerk, opened in session.all(
                f"SELECT case_ref, service, clerk, opened_ms FROM cases WHERE case_ref IN ({marks})", chunk
            )
        )
    return out


def fork_alarms_between(session: Session, start_ms: int, end_ms: int) -> list[ForkAlarm]:
    """Return the fork evidence detected in [start, end)."""
    rows = session.all(
        "SELECT id, origin, reason, detected_ms FROM sync_evidence WHERE detected_ms >= ? AND detected_ms < ?",
        (start_ms, end_ms),
    )
    return [ForkAlarm(*r) for r in rows]


def refusal_tasks_between(session: Session, start_ms: int, end_ms: int) -> list[RefusalTask]:
    """Return the clerk tasks (conflicts and supervisors' set-asides left out) created in [start, end)."""
    rows = session.all(
        "SELECT leaf_hash, origin, kind, code, what, created_ms FROM sync_tasks WHERE created_ms >= ? "
        "AND created_ms < ? AND kind NOT IN ('conflict', 'set_aside')",
        (start_ms, end_ms),
    )
    return [RefusalTask(*r) for r in rows]


def checkpoint_notes(session: Session) -> list[CheckpointNote]:
    """Return every checkpoint held with its note, by log and size."""
    rows = session.all("SELECT origin, size, root_hash, note_text FROM checkpoints ORDER BY origin, size")
    return [CheckpointNote(*r) for r in rows]


def checkpoint_roots(session: Session) -> list[CheckpointRoot]:
    """Return every checkpoint's root, largest first."""
    return [
        CheckpointRoot(*r) for r in session.all("SELECT origin, size, root_hash FROM checkpoints ORDER BY size DESC")
    ]


def untrusted_logs(session: Session) -> list[tuple[str, str]]:
    """Return (origin, reason) of every log sync no longer trusts."""
    return [(r[0], r[1]) for r in session.all("SELECT origin, reason FROM sync_logs WHERE trusted = 0")]


def outbox_data_between(session: Session, start_ms: int, end_ms: int) -> list[tuple[bytes, bytes | None]]:
    """Return (leaf hash, data) of the entries written in [start, end)."""
    return session.all(
        "SELECT leaf_hash, data FROM outbox WHERE enqueued_ms >= ? AND enqueued_ms < ?", (start_ms, end_ms)
    )


def office_setting(session: Session, name: str) -> str | None:
    """Return an office setting's value, or None."""
    row = session.one("SELECT value FROM settings WHERE name = ?", (name,))
    return None if row is None else row[0]


def outbox_leaves(session: Session, start_ms: int, end_ms: int, until_ms: int) -> list[bytes]:
    """Return the leaf hashes of the entries written in [start, end) no later than `until_ms`."""
    rows = session.all(
        "SELECT leaf_hash FROM outbox WHERE enqueued_ms >= ? AND enqueued_ms < ? AND enqueued_ms <= ?",
        (start_ms, end_ms, until_ms),
    )
    return [r[0] for r in rows]


def entry_data(session: Session, leaf_hash: bytes) -> bytes | None:
    """Return an entry's bytes from the outbox, else from the downloaded log entries, else None."""
    row = session.one("SELECT data FROM outbox WHERE leaf_hash = ?", (leaf_hash,)) or session.one(
        "SELECT data FROM log_entries WHERE leaf_hash = ?", (leaf_hash,)
    )
    return None if row is None else row[0]


def signer_key(session: Session, kid: bytes) -> tuple[str, bytes] | None:
    """Return (suite name, public key) of `kid`: one of this office's accounts (current or retired by a reset),
    else an enrolled key, else None."""
    row = (
        session.one("SELECT suite, public_key FROM accounts WHERE kid = ?", (kid,))
        or session.one("SELECT suite, public_key FROM retired_keys WHERE kid = ?", (kid,))
        or session.one("SELECT suite, public_key FROM registry_keys WHERE kid = ?", (kid,))
    )
    return None if row is None else (row[0], row[1])
