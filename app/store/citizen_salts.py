"""The citizens' salts: per normalised ID number the random salt and the commitment entries carry instead."""

from __future__ import annotations

from dataclasses import dataclass

from app.store.session import Session


@dataclass(frozen=True)
class SaltRecord:
    """A citizen's salt and the commitment it yields."""

    salt: bytes
    commitment: bytes


def salt_of(session: Session, id_number: str) -> SaltRecord | None:
    """Return the salt record of a normalised ID number, or None if this replica holds none."""
    row = session.one("SELECT salt, commitment FROM citizen_salts WHERE id_number = ?", (id_number,))
    return None if row is None else SaltRecord(row[0], row[1])


def insert_salt(session: Session, id_number: str, salt: bytes, commitment: bytes) -> None:
    """Store a new citizen's salt (fails if the ID number already has one)."""
    session.execute(
        "INSERT INTO citizen_salts(id_number, salt, commitment) VALUES (?,?,?)", (id_number, salt, commitment)
    )


def keep_salt(session: Session, id_number: str, salt: bytes, commitment: bytes) -> None:
    """Store a citizen's salt unless the ID number already has one."""
    session.execute(
        "INSERT OR IGNORE INTO citizen_salts(id_number, salt, commitment) VALUES (?,?,?)", (id_number, salt, commitment)
    )


def salt_of_case(session: Session, case_id: str) -> bytes | None:
    """Return the salt of a case's citizen (found by the holder commitment of its opening step), or None if this
    replica does not hold it."""
    row = session.one(
        "SELECT cs.salt FROM service_cases sc JOIN citizen_salts cs ON cs.commitment = sc.holder WHERE sc.case_id = ?",
        (case_id,),
    )
    return None if row is None else bytes(row[0])


def salted_cases(session: Session, service: str) -> list[tuple[str, bytes]]:
    """Return (case id, citizen's salt) of every case of `service` whose citizen's salt this replica holds."""
    rows = session.all(
        "SELECT sc.case_id, cs.salt FROM service_cases sc JOIN citizen_salts cs ON cs.commitment = sc.holder "
        "WHERE sc.service = ? ORDER BY sc.opened_ms DESC",
        (service,),
    )
    return [(r[0], bytes(r[1])) for r in rows]
