"""Documents attached to a case (an OFD e-licence a citizen brought): the file, its SM3 digest, the verdict.

The replica is SQLCipher, so the file is stored encrypted with everything else. One row per case and
digest: attaching the same file twice keeps one copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.store import inputs, roles
from app.store.session import Session

MAX_DOCUMENT = 64 * 1024 * 1024


@dataclass(frozen=True)
class CaseDocument:
    """One attached file, without its bytes: what a case lists."""

    case_id: str
    digest: bytes
    name: str
    media_type: str
    verdict: str
    size: int
    added_ms: int


class CaseDocuments:
    """The `case_documents` table."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def put(
        self, case_id: str, digest: bytes, name: str, media_type: str, verdict: str, data: bytes, added_ms: int
    ) -> None:
        """Attach a file to a case (the same digest again replaces nothing)."""
        self._s.require(roles.CASE_WRITE)
        values = (
            inputs.text(case_id, "case_id", max_len=64),
            inputs.blob(digest, "digest", size=32),
            inputs.text(name, "name", max_len=256),
            inputs.text(media_type, "media_type", max_len=64),
            inputs.text(verdict, "verdict", max_len=64),
            inputs.blob(data, "data", max_len=MAX_DOCUMENT),
            inputs.integer(added_ms, "added_ms"),
        )
        with self._s.transaction():
            self._s.execute(
                "INSERT OR IGNORE INTO case_documents(case_id, digest, name, media_type, verdict, data, added_ms) "
                "VALUES (?,?,?,?,?,?,?)",
                values,
            )

    def list(self, case_id: str) -> list[CaseDocument]:
        """The documents of a case, oldest first."""
        self._s.require(roles.CASE_READ)
        rows = self._s.all(
            "SELECT case_id, digest, name, media_type, verdict, length(data), added_ms FROM case_documents "
            "WHERE case_id = ? ORDER BY added_ms, digest",
            (inputs.text(case_id, "case_id", max_len=64),),
        )
        return [CaseDocument(*row) for row in rows]

    def data(self, case_id: str, digest: bytes) -> bytes | None:
        """The bytes of one attached file, or None."""
        self._s.require(roles.CASE_READ)
        row = self._s.one(
            "SELECT data FROM case_documents WHERE case_id = ? AND digest = ?",
            (inputs.text(case_id, "case_id", max_len=64), inputs.blob(digest, "digest", size=32)),
        )
        return bytes(row[0]) if row else None

    def with_verdict(self, verdict: str, *, after: int = 0, limit: int = 100) -> list[tuple[int, CaseDocument]]:
        """Documents of any case with this verdict (e.g. the results a records office issued), in the order they were
        kept, after the row `after` (keyset paging), each with its row number."""
        self._s.require(roles.CASE_READ)
        rows = self._s.all(
            "SELECT id, case_id, digest, name, media_type, verdict, length(data), added_ms FROM case_documents "
            "WHERE verdict = ? AND id > ? ORDER BY id LIMIT ?",
            (
                inputs.text(verdict, "verdict", max_len=64),
                inputs.integer(after, "after"),
                inputs.integer(limit, "limit", minimum=1),
            ),
        )
        return [(row[0], CaseDocument(*row[1:])) for row in rows]
