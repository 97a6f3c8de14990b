"""The hall's ratings this counter refused to pass on to a department, for the supervisor (issue 19).

`Office.cases.forward_ratings` writes each refusal to the audit trail in the transaction that queues the rest of the
page (action `hall.rating`, result `refused: <reason>`, the facts below as detail), so a refusal is never lost across
a crash or a restart. A counter that starts collects the last week of ratings again, so one rating may be refused
more than once: the review shows each rating once, with when it was first and last refused and how often.

    refused_ratings(replica)   # newest first; supervisors and admins
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.ledger import dcbor
from app.ledger.entry import decode_entry, entry_hash
from app.ledger.errors import LedgerError
from app.store import audit, review_records, roles
from app.store.audit import MAX_DETAIL
from app.store.replica import Replica

RATING_ACTION = "hall.rating"
REFUSED_RESULT = "refused: "
REASONS = ("not_a_rating", "wrong_office", "not_a_device", "bad_signature")
_MAX_FACT = 128


@dataclass(frozen=True)
class RefusedRating:
    """A rating from the hall the counter did not queue: why, when, and what the entry said of itself."""

    entry: str  # the entry hash in hex (of the bytes the hall gave, readable or not)
    reason: str  # one of REASONS ("" if the record does not say)
    first_ms: int
    last_ms: int
    times: int
    hall_office: str  # the office of this counter's hall
    office: str  # the office the rating names ("" if unreadable)
    window: str
    service: str
    signer: str  # the enrolled subject of the signing key, or its key id in hex
    message: str  # the English detail, for support (the screens word `reason`)


def _text(value: object) -> str:
    return value[:_MAX_FACT] if isinstance(value, str) and value.isprintable() else ""


def refused_rating_facts(data: bytes, hall_office: str) -> dict[str, str]:
    """What the audit record of a refused rating keeps: its entry hash, and the rating's own office, window, service
    and signer as far as the bytes can be read (no case, no personal data: a rating carries none)."""
    facts = {"entry": entry_hash(data).hex(), "hall_office": _text(hall_office)}
    try:
        signed = decode_entry(data)
    except LedgerError:
        return facts
    body: Any = signed.entry.body
    if isinstance(body, dict):
        facts.update({k: _text(body.get(k)) for k in ("office", "window", "service")})
    facts["signer"] = signed.kid.hex()
    return facts


def refused_ratings(replica: Replica) -> list[RefusedRating]:
    """Every rating this counter refused, once each, the most recently refused first (supervisors and admins)."""
    replica.require(roles.AUDIT_REVIEW)
    s = replica.session
    names = {kid.hex(): name for kid, name in review_records.key_names(s).items()}
    found: dict[str, RefusedRating] = {}
    for record in audit.action_outcomes(s, RATING_ACTION, REFUSED_RESULT):
        try:
            detail = dcbor.decode(record.detail, max_size=MAX_DETAIL, what="audit detail")
        except LedgerError:
            detail = {}  # the integrity panel reports a damaged trail; the refusal is still listed
        detail = detail if isinstance(detail, dict) else {}
        key = _text(detail.get("entry")) or f"audit-{record.seq}"  # a record from before the facts were kept
        reason = record.result.removeprefix(REFUSED_RESULT)
        reason = reason if reason in REASONS else ""
        earlier = found.get(key)
        if earlier is not None:
            found[key] = RefusedRating(
                earlier.entry, reason, earlier.first_ms, record.at_ms, earlier.times + 1, earlier.hall_office,
                earlier.office, earlier.window, earlier.service, earlier.signer, earlier.message,
            )  # fmt: skip
            continue
        signer = _text(detail.get("signer"))
        found[key] = RefusedRating(
            _text(detail.get("entry")), reason, record.at_ms, record.at_ms, 1,
            _text(detail.get("hall_office")), _text(detail.get("office")), _text(detail.get("window")),
            _text(detail.get("service")), names.get(signer, signer), str(detail.get("message", ""))[:500],
        )  # fmt: skip
    return sorted(found.values(), key=lambda r: r.last_ms, reverse=True)
