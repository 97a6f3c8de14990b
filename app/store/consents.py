"""Consents and the data exchanges made under them, as the replica holds them (tables `consents` and
`data_exchanges`). Scopes are stored as JSON lists of scope codes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from app.store.session import Session

_CONSENT_COLS = "consent_id, holder, requester, provider, scope, purpose, expires_ms, granted_ms, signer, revoked_ms"


@dataclass(frozen=True)
class Consent:
    """A consent as the replica holds it."""

    consent_id: str
    holder: bytes
    requester: str
    provider: str
    scope: tuple[str, ...]
    purpose: str
    expires_ms: int
    granted_ms: int
    signer: bytes
    revoked_ms: int | None


@dataclass(frozen=True)
class DataExchange:
    """A data request made under a consent, and its answer once recorded."""

    request_id: str
    consent_id: str
    scope: tuple[str, ...]
    requester: str
    requested_ms: int
    signer: bytes
    reply_public: bytes | None
    reply_private: bytes | None
    responded_ms: int | None
    response_hash: bytes | None


_EXCHANGE_COLS = (
    "request_id, consent_id, scope, requester, requested_ms, signer, reply_public, reply_private, responded_ms, "
    "response_hash"
)


def _consent(row: tuple) -> Consent:
    cid, holder, requester, provider, scope, purpose, expires, granted, signer, revoked = row
    return Consent(cid, holder, requester, provider, tuple(json.loads(scope)), purpose, expires, granted, signer,
                   revoked)  # fmt: skip


def _exchange(row: tuple) -> DataExchange:
    request_id, consent_id, scope, *rest = row
    return DataExchange(request_id, consent_id, tuple(json.loads(scope)), *rest)


def consent(session: Session, consent_id: str) -> Consent | None:
    """Return a consent by id, or None."""
    row = session.one(f"SELECT {_CONSENT_COLS} FROM consents WHERE consent_id = ?", (consent_id,))
    return _consent(row) if row else None


def consents_of(session: Session, holder: bytes) -> list[Consent]:
    """Return every consent held for a citizen commitment, oldest first."""
    rows = session.all(
        f"SELECT {_CONSENT_COLS} FROM consents WHERE holder = ? ORDER BY granted_ms, consent_id", (holder,)
    )
    return [_consent(r) for r in rows]


def put_consent(
    session: Session,
    consent: Consent,
    entry_hash: bytes,
) -> None:
    """Record a granted consent (kept as first recorded if it is already held)."""
    session.execute(
        "INSERT OR IGNORE INTO consents(consent_id, holder, requester, provider, scope, purpose, expires_ms, "
        "granted_ms, signer, entry_hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (consent.consent_id, consent.holder, consent.requester, consent.provider, json.dumps(list(consent.scope)),
         consent.purpose, consent.expires_ms, consent.granted_ms, consent.signer, entry_hash),
    )  # fmt: skip


def mark_revoked(session: Session, consent_id: str, at_ms: int) -> None:
    """Record a consent's revocation (the first revocation time stays)."""
    session.execute(
        "UPDATE consents SET revoked_ms = coalesce(revoked_ms, ?) WHERE consent_id = ?", (at_ms, consent_id)
    )


def put_request(
    session: Session,
    request_id: str,
    consent_id: str,
    scope: Sequence[str],
    requester: str,
    requested_ms: int,
    signer: bytes,
    request_hash: bytes,
    reply_public: bytes | None,
) -> None:
    """Record a data request (kept as first recorded if it is already held)."""
    session.execute(
        "INSERT OR IGNORE INTO data_exchanges(request_id, consent_id, scope, requester, requested_ms, signer, "
        "request_hash, reply_public) VALUES (?,?,?,?,?,?,?,?)",
        (request_id, consent_id, json.dumps(list(scope)), requester, requested_ms, signer, request_hash, reply_public),
    )


def keep_reply_key(session: Session, request_id: str, reply_private: bytes) -> None:
    """Keep the private reply key of a request made at this office."""
    session.execute("UPDATE data_exchanges SET reply_private = ? WHERE request_id = ?", (reply_private, request_id))


def put_response(
    session: Session, request_id: str, responder: bytes, responded_ms: int, response_hash: bytes, payload_hash: bytes
) -> None:
    """Record the provider's answer to a request."""
    session.execute(
        "UPDATE data_exchanges SET responder = ?, responded_ms = ?, response_hash = ?, payload_hash = ? "
        "WHERE request_id = ?",
        (responder, responded_ms, response_hash, payload_hash, request_id),
    )


def exchange(session: Session, request_id: str) -> DataExchange | None:
    """Return a data exchange by request id, or None."""
    row = session.one(f"SELECT {_EXCHANGE_COLS} FROM data_exchanges WHERE request_id = ?", (request_id,))
    return _exchange(row) if row else None


def exchanges_under(session: Session, consent_id: str) -> list[DataExchange]:
    """Return the data exchanges made under a consent, oldest request first."""
    rows = session.all(
        f"SELECT {_EXCHANGE_COLS} FROM data_exchanges WHERE consent_id = ? ORDER BY requested_ms", (consent_id,)
    )
    return [_exchange(r) for r in rows]
