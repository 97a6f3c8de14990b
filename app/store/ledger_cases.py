"""Cases as the ledger knows them (table `service_cases`) and their signed steps (table `case_steps`).

A case row is the resolved position of a case; each step row keeps the signed entry, its log index once
known, and how resolution treated it ('applied', 'pending', 'conflict' or 'refused', with why).
"""

from __future__ import annotations

from typing import NamedTuple

from app.store.session import Session

_ROW = "case_id, service, state, done, pending_department, is_open, holder, head, opened_ms, updated_ms, due_ms"


class CaseRow(NamedTuple):
    """A case's resolved position as stored."""

    case_id: str
    service: str
    state: str
    done: int
    pending_department: str | None
    is_open: int
    holder: bytes | None
    head: bytes
    opened_ms: int
    updated_ms: int
    due_ms: int


class StepRow(NamedTuple):
    """A case step as stored, for showing a case's history."""

    leaf_hash: bytes
    origin: str
    idx: int | None
    time_ms: int
    step: str
    state: str
    status: str
    explanation: str
    prev: bytes | None


def case(session: Session, case_id: str) -> CaseRow | None:
    """Return a case's row, or None."""
    row = session.one(f"SELECT {_ROW} FROM service_cases WHERE case_id = ?", (case_id,))
    return None if row is None else CaseRow._make(row)


def steps_of(session: Session, case_id: str) -> list[StepRow]:
    """Return every step held for a case, by time then leaf hash."""
    rows = session.all(
        "SELECT leaf_hash, origin, idx, time_ms, step, state, status, explanation, prev FROM case_steps "
        "WHERE case_id = ? ORDER BY time_ms, leaf_hash",
        (case_id,),
    )
    return list(map(StepRow._make, rows))


def queue(session: Session, department: str, limit: int) -> list[CaseRow]:
    """Return the open cases waiting for a department, the nearest deadline first."""
    rows = session.all(
        f"SELECT {_ROW} FROM service_cases WHERE pending_department = ? AND is_open = 1 ORDER BY due_ms LIMIT ?",
        (department, limit),
    )
    return list(map(CaseRow._make, rows))


def due_before(session: Session, now_ms: int, limit: int) -> list[CaseRow]:
    """Return the open cases due before `now_ms`, the most overdue first."""
    rows = session.all(
        f"SELECT {_ROW} FROM service_cases WHERE is_open = 1 AND due_ms < ? ORDER BY due_ms LIMIT ?", (now_ms, limit)
    )
    return list(map(CaseRow._make, rows))


def recent(session: Session, *, open_only: bool, limit: int) -> list[CaseRow]:
    """Return cases, the most recently moved first (only open ones with `open_only`)."""
    where = "WHERE is_open = 1" if open_only else ""
    rows = session.all(f"SELECT {_ROW} FROM service_cases {where} ORDER BY updated_ms DESC LIMIT ?", (limit,))
    return list(map(CaseRow._make, rows))


def reached_result(
    session: Session,
    services: list[str],
    states: tuple[str, ...],
    without_verdict: str,
    after: tuple[int, str],
    limit: int,
) -> list[CaseRow]:
    """Cases of `services` in one of `states` that keep no case document of verdict `without_verdict`, in
    (updated_ms, case_id) order after `after` (keyset paging: a page never repeats the cases before it)."""
    if not services or not states:
        return []
    marks = ",".join("?" * len(services))
    state_marks = ",".join("?" * len(states))
    rows = session.all(
        f"SELECT {_ROW} FROM service_cases sc WHERE service IN ({marks}) AND state IN ({state_marks}) "
        "AND NOT EXISTS (SELECT 1 FROM case_documents d WHERE d.case_id = sc.case_id AND d.verdict = ?) "
        "AND (updated_ms, case_id) > (?, ?) ORDER BY updated_ms, case_id LIMIT ?",
        (*services, *states, without_verdict, *after, limit),
    )
    return list(map(CaseRow._make, rows))


def insert_case(session: Session, row: CaseRow) -> None:
    """Store a new case's row."""
    session.execute(f"INSERT INTO service_cases({_ROW}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)


def replace_case(session: Session, row: CaseRow) -> None:
    """Store a case's row, replacing the one held."""
    session.execute(f"INSERT OR REPLACE INTO service_cases({_ROW}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)


def update_case(session: Session, case_id: str, expected_head: bytes, changed: dict[str, object]) -> bool:
    """Set the `changed` columns of a case if its head is still `expected_head`; return False if it moved.

    Only the columns that change are set: an unchanged pending_department or is_open leaves the two partial
    indexes on them (service_cases_queue, service_cases_due) unwritten."""
    sets = ", ".join(f"{c} = ?" for c in changed)
    cur = session.execute(
        f"UPDATE service_cases SET {sets} WHERE case_id = ? AND head = ?", (*changed.values(), case_id, expected_head)
    )
    return cur.rowcount == 1


def insert_own_step(
    session: Session,
    leaf_hash: bytes,
    case_id: str,
    origin: str,
    time_ms: int,
    step: str,
    state: str,
    prev: bytes | None,
    signer: bytes,
    data: bytes,
) -> None:
    """Store a step this office just signed (applied, its log index not yet known)."""
    session.execute(
        "INSERT INTO case_steps(leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, data, status) "
        "VALUES (?,?,?,NULL,?,?,?,?,?,?,'applied')",
        (leaf_hash, case_id, origin, time_ms, step, state, prev, signer, data),
    )


def keep_step(
    session: Session,
    leaf_hash: bytes,
    case_id: str,
    origin: str,
    idx: int | None,
    time_ms: int,
    step: str,
    state: str,
    prev: bytes | None,
    signer: bytes,
    data: bytes,
) -> None:
    """Store a step read from a log as pending resolution (kept as is if it is already held); fill in its index
    when it is given and the held step has none."""
    session.execute(
        "INSERT OR IGNORE INTO case_steps(leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, "
        "data, status) VALUES (?,?,?,?,?,?,?,?,?,?,'pending')",
        (leaf_hash, case_id, origin, idx, time_ms, step, state, prev, signer, data),
    )
    if idx is not None:
        session.execute("UPDATE case_steps SET idx = ? WHERE leaf_hash = ? AND idx IS NULL", (idx, leaf_hash))


def step_entries(session: Session, case_id: str) -> list[tuple[bytes, int | None]]:
    """Return (entry bytes, log index) of every step held for a case."""
    return [(r[0], r[1]) for r in session.all("SELECT data, idx FROM case_steps WHERE case_id = ?", (case_id,))]


def step_entry(session: Session, leaf_hash: bytes) -> bytes | None:
    """Return the entry bytes of a held step, or None."""
    row = session.one("SELECT data FROM case_steps WHERE leaf_hash = ?", (leaf_hash,))
    return None if row is None else row[0]


def mark_step(session: Session, leaf_hash: bytes, status: str, explanation: str = "") -> None:
    """Record how resolution treated a step."""
    session.execute(
        "UPDATE case_steps SET status = ?, explanation = ? WHERE leaf_hash = ?", (status, explanation, leaf_hash)
    )


def applied_steps(session: Session, case_id: str) -> list[tuple[bytes, bytes, int | None]]:
    """Return (leaf hash, entry bytes, log index) of every step of a case that resolution applied."""
    rows = session.all(
        "SELECT leaf_hash, data, idx FROM case_steps WHERE case_id = ? AND status = 'applied'", (case_id,)
    )
    return [(r[0], r[1], r[2]) for r in rows]
