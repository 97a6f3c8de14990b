"""Outbox entries a department's node refused, and the supervisor's "set aside" of one (issue 16).

A refused entry stays in the outbox with an open `refused` task (app/sync/push.py), so it counted as
waiting forever. A supervisor may set it aside: a `set_aside` row beside the refusal in sync's task table
(recorded closed, so no clerk is asked to act on it) and the refusal task closed. The entry is never
deleted; it no longer counts as pending and push no longer sends it. Who set it aside is in the audit trail.
"""

from __future__ import annotations

from typing import NamedTuple

from app.store.session import Session

REFUSED = "refused"
SET_ASIDE = "set_aside"
# The entries push and the pending count leave out: set aside by a supervisor.
SET_ASIDE_LEAVES_SQL = f"SELECT leaf_hash FROM sync_tasks WHERE kind = '{SET_ASIDE}'"


class RefusedRow(NamedTuple):
    """A refused outbox entry as stored, with its case step when it is one and when it was set aside."""

    leaf_hash: bytes
    origin: str
    data: bytes
    enqueued_ms: int
    code: str
    refused_ms: int
    case_id: str | None
    step: str | None
    signer: bytes | None
    service: str | None
    set_aside_ms: int | None


def refused_rows(session: Session) -> list[RefusedRow]:
    """Return the unacknowledged entries whose refusal is open or that were set aside, oldest first.

    A refusal task a clerk closed (to send the entry again) is left out: that entry waits for push again."""
    return list(
        map(
            RefusedRow._make,
            session.all(
                "SELECT o.leaf_hash, o.origin, o.data, o.enqueued_ms, coalesce(t.code, a.code), "
                "coalesce(t.created_ms, a.created_ms), cs.case_id, cs.step, cs.signer, sc.service, a.created_ms "
                "FROM outbox o "
                f"LEFT JOIN sync_tasks t ON t.leaf_hash = o.leaf_hash AND t.kind = '{REFUSED}' "
                f"LEFT JOIN sync_tasks a ON a.leaf_hash = o.leaf_hash AND a.kind = '{SET_ASIDE}' "
                "LEFT JOIN case_steps cs ON cs.leaf_hash = o.leaf_hash "
                "LEFT JOIN service_cases sc ON sc.case_id = cs.case_id "
                "WHERE o.acked_ms IS NULL AND (a.id IS NOT NULL OR (t.id IS NOT NULL AND t.closed_ms IS NULL)) "
                "ORDER BY o.id"
            ),
        )
    )


def open_refusal(session: Session, leaf_hash: bytes) -> tuple[str, str, str] | None:
    """Return (origin, code, what) of an unacknowledged entry with an open refusal not set aside, else None."""
    row = session.one(
        "SELECT o.origin, t.code, t.what FROM outbox o JOIN sync_tasks t ON t.leaf_hash = o.leaf_hash "
        f"AND t.kind = '{REFUSED}' AND t.closed_ms IS NULL WHERE o.leaf_hash = ? AND o.acked_ms IS NULL "
        f"AND o.leaf_hash NOT IN ({SET_ASIDE_LEAVES_SQL})",
        (leaf_hash,),
    )
    return None if row is None else (row[0], row[1], row[2])


def is_set_aside(session: Session, leaf_hash: bytes) -> bool:
    """Return True if a supervisor set this entry aside."""
    return (
        session.one(f"SELECT 1 FROM sync_tasks WHERE leaf_hash = ? AND kind = '{SET_ASIDE}'", (leaf_hash,)) is not None
    )


def record_set_aside(session: Session, leaf_hash: bytes, origin: str, code: str, what: str, now_ms: int) -> None:
    """Record the set-aside (inside the caller's transaction): a closed `set_aside` row; the refusal task closed."""
    session.execute(
        "INSERT INTO sync_tasks(leaf_hash, origin, kind, code, case_id, what, advice, created_ms, closed_ms) "
        "VALUES (?,?,?,?,NULL,?,'',?,?)",
        (leaf_hash, origin, SET_ASIDE, code, what, now_ms, now_ms),
    )
    session.execute(
        f"UPDATE sync_tasks SET closed_ms = ? WHERE leaf_hash = ? AND kind = '{REFUSED}' AND closed_ms IS NULL",
        (now_ms, leaf_hash),
    )
