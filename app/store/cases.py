"""Cases opened at this office: the only place the replica holds personal data (encrypted with the rest)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from app.store import inputs, roles
from app.store.errors import InvalidInput
from app.store.session import Session

STATUSES = ("open", "in_progress", "waiting", "closed")
_COLUMNS = "case_ref, service, status, opened_ms, updated_ms, clerk, citizen_name, citizen_id, summary"
# The trigram tokenizer matches substrings of 3+ characters (Chinese names included); shorter text uses LIKE.
MIN_FTS_QUERY = 3


@dataclass(frozen=True)
class Case:
    """A citizen's case at the counter."""

    case_ref: str
    service: str
    status: str
    opened_ms: int
    updated_ms: int
    clerk: str
    citizen_name: str
    citizen_id: str
    summary: str


def fts_phrase(text: str) -> str:
    """Return `text` as one quoted FTS5 phrase, so none of its characters act as query syntax."""
    return '"' + text.replace('"', '""') + '"'


def like_pattern(text: str) -> str:
    """Return a LIKE pattern matching `text` literally anywhere (escape character: backslash)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Cases:
    """Open, update and search cases; every action is recorded in the audit trail."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def open(self, service: str, citizen_name: str, citizen_id: str, summary: str = "") -> Case:
        """Open a new case and return it."""
        self._s.require(roles.CASE_WRITE)
        now = self._s.now_ms()
        case = Case(
            case_ref="C" + os.urandom(6).hex().upper(),
            service=inputs.text(service, "service", max_len=128),
            status="open",
            opened_ms=now,
            updated_ms=now,
            clerk=self._s.account.name,
            citizen_name=inputs.text(citizen_name, "citizen name", max_len=256),
            citizen_id=inputs.text(citizen_id, "citizen id", max_len=64),
            summary=inputs.text(summary, "summary", max_len=4096, allow_empty=True),
        )
        with self._s.transaction():
            self._s.execute(
                f"INSERT INTO cases({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    case.case_ref,
                    case.service,
                    case.status,
                    case.opened_ms,
                    case.updated_ms,
                    case.clerk,
                    case.citizen_name,
                    case.citizen_id,
                    case.summary,
                ),
            )
            self._s.audit.append("case.open", "ok", {"case": case.case_ref, "service": case.service})
        return case

    def set_status(self, case_ref: str, status: str) -> Case:
        """Move a case to another status and return it."""
        case_ref = inputs.text(case_ref, "case reference", max_len=64)
        with self._s.transaction():
            found = self.move_status(case_ref, status)
            if not found:
                self._s.audit.append("case.status", "no such case", {"case": case_ref, "to": status})
        if not found:
            raise InvalidInput(f"no case {case_ref!r}")
        return self.get(case_ref)

    def move_status(self, case_ref: str, status: str) -> bool:
        """Move a case to another status (inside the caller's transaction, if any); False if there is no such case.

        Only a case that exists is moved and audited: a case opened at another office is not this replica's.
        """
        self._s.require(roles.CASE_WRITE)
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {list(STATUSES)}")
        case_ref = inputs.text(case_ref, "case reference", max_len=64)
        with self._s.transaction():
            cur = self._s.execute(
                "UPDATE cases SET status = ?, updated_ms = ? WHERE case_ref = ?", (status, self._s.now_ms(), case_ref)
            )
            if cur.rowcount != 1:
                return False
            self._s.audit.append("case.status", "ok", {"case": case_ref, "to": status})
        return True

    def review(self, case_ref: str, outcome: str, note: str = "") -> None:
        """Record a supervisor's review of a case (the outcome and a note) in the audit trail."""
        self._s.require(roles.CASE_REVIEW)
        case_ref = inputs.text(case_ref, "case reference", max_len=64)
        if self.get(case_ref) is None:
            raise InvalidInput(f"no case {case_ref!r}")
        self._s.audit.append(
            "case.review",
            inputs.text(outcome, "review outcome", max_len=128),
            {"case": case_ref, "note": inputs.text(note, "note", max_len=1024, allow_empty=True)},
        )

    def record_certificates(self, case_ref: str, certificates: list[tuple[str, str, bytes]]) -> None:
        """Record the certificates (serial, type, hash) a case was accepted or verified with."""
        self._s.require(roles.CASE_WRITE)
        case_ref = inputs.text(case_ref, "case reference", max_len=64)
        now = self._s.now_ms()
        with self._s.transaction():
            for serial, cert_type, digest in certificates:
                self._s.execute(
                    "INSERT OR IGNORE INTO case_certs(case_id, serial, cert_type, cert_hash, recorded_ms) "
                    "VALUES (?,?,?,?,?)",
                    (
                        case_ref,
                        inputs.text(serial, "serial", max_len=64),
                        inputs.text(cert_type, "certificate type", max_len=32),
                        inputs.blob(digest, "certificate hash", max_len=64),
                        now,
                    ),
                )

    def certificates_of(self, case_ref: str) -> list[tuple[str, str]]:
        """Return the (serial, type) of every certificate recorded for a case."""
        self._s.require(roles.CASE_READ)
        rows = self._s.all(
            "SELECT serial, cert_type FROM case_certs WHERE case_id = ? ORDER BY recorded_ms, serial",
            (inputs.text(case_ref, "case reference", max_len=64),),
        )
        return [(r[0], r[1]) for r in rows]

    def with_certificate(self, serial: str, limit: int = 100) -> list[str]:
        """Return the ids of the cases that recorded a certificate serial, the newest first."""
        self._s.require(roles.CASE_READ)
        rows = self._s.all(
            "SELECT case_id FROM case_certs WHERE serial = ? ORDER BY recorded_ms DESC LIMIT ?",
            (inputs.text(serial, "serial", max_len=64), inputs.integer(limit, "limit", minimum=1)),
        )
        return [r[0] for r in rows]

    def get(self, case_ref: str) -> Case | None:
        """Return a case by reference, or None."""
        self._s.require(roles.CASE_READ)
        row = self._s.one(
            f"SELECT {_COLUMNS} FROM cases WHERE case_ref = ?", (inputs.text(case_ref, "case reference", max_len=64),)
        )
        return Case(*row) if row else None

    def search(
        self,
        text: str | None = None,
        *,
        service: str | None = None,
        citizen_id: str | None = None,
        opened_from_ms: int | None = None,
        opened_to_ms: int | None = None,
        limit: int = 100,
    ) -> list[Case]:
        """Return cases matching every given field (text in the name or summary; dates inclusive), newest first."""
        self._s.require(roles.CASE_READ)
        where, params = [], []
        if text is not None:
            text = inputs.text(text, "search text", max_len=256)
            if len(text) >= MIN_FTS_QUERY:
                where.append("id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)")
                params.append(fts_phrase(text))
            else:
                where.append("(citizen_name LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\')")
                params += [like_pattern(text)] * 2
        if service is not None:
            where.append("service = ?")
            params.append(inputs.text(service, "service", max_len=128))
        if citizen_id is not None:
            where.append("citizen_id = ?")
            params.append(inputs.text(citizen_id, "citizen id", max_len=64))
        if opened_from_ms is not None:
            where.append("opened_ms >= ?")
            params.append(inputs.integer(opened_from_ms, "opened_from_ms"))
        if opened_to_ms is not None:
            where.append("opened_ms <= ?")
            params.append(inputs.integer(opened_to_ms, "opened_to_ms"))
        params.append(inputs.integer(limit, "limit", minimum=1))
        sql = (
            f"SELECT {_COLUMNS} FROM cases {'WHERE ' + ' AND '.join(where) if where else ''} "
            "ORDER BY opened_ms DESC, id DESC LIMIT ?"
        )
        cases = [Case(*row) for row in self._s.all(sql, params)]
        self._s.audit.append("case.search", "ok", {"fields": len(where), "found": len(cases)})
        return cases


def follow_ledger_status(session: Session, case_ref: str, status: str) -> bool:
    """Set a local case's status to what the ledger resolved, without a role check: sync may run as an admin,
    and this is derived, verified state. Return True if the case is held here and its status changed (the
    caller audits it)."""
    row = session.one("SELECT status FROM cases WHERE case_ref = ?", (case_ref,))
    if row is None or row[0] == status:
        return False
    session.execute(
        "UPDATE cases SET status = ?, updated_ms = ? WHERE case_ref = ?", (status, session.now_ms(), case_ref)
    )
    return True
