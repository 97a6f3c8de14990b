"""The commitment by which a 好差评 rating names its case, and how a replica that holds the citizen's salt opens it.

    rating salt = HMAC-SHA256(citizen's salt, "govdesk-hall-rating-salt/v1\\n" ‖ case id)
    commitment  = SHA-256("govdesk-hall-rating/v1\\n" ‖ rating salt ‖ case id)      (app/protocol/hall_rating.py)

The citizen's salt lives only in the encrypted replicas of the offices and departments that serve the citizen
(`CitizenSalts`, handed over off the ledger), never on the ledger nor in the hall; the case's holder commitment (its
opening step, `service_cases.holder`) finds it. So the counter that finishes the case computes the commitment, and
a department opens a rating from its own case data: the cases of the rated service, their holders, its salts.
The hall, the evaluator and a reader of the public log learn nothing from it, though the case ids are public.
"""

from __future__ import annotations

import hashlib
import hmac

from app.protocol.hall_rating import case_commitment, new_salt
from app.store import citizen_salts, inputs, roles
from app.store.replica import Replica

_SALT_TAG = b"govdesk-hall-rating-salt/v1\n"


def rating_salt(citizen_salt: bytes, case_id: str) -> bytes:
    """Return the 32-byte salt of a case's rating commitment, derived from its citizen's salt."""
    return hmac.new(citizen_salt, _SALT_TAG + case_id.encode("utf-8"), hashlib.sha256).digest()


def rating_commitment(replica: Replica, case_id: str) -> tuple[bytes, bool]:
    """Return the commitment a rating of this case carries, and whether the replica's salt makes it openable.

    A case whose citizen's salt this replica does not hold (opened elsewhere, not handed over) is rated under a
    fresh random salt: it counts in the hall's satisfaction figures, and nobody can tie it to the case."""
    replica.require(roles.LOOKUP)
    case_id = inputs.text(case_id, "case id", max_len=64)
    salt = citizen_salts.salt_of_case(replica.session, case_id)
    if salt is None:
        return case_commitment(case_id, new_salt()), False
    return case_commitment(case_id, rating_salt(salt, case_id)), True


def open_rating_commitment(replica: Replica, commitment: bytes, service: str) -> str | None:
    """Return the case of `service` a rating's commitment names, if this replica holds its citizen's salt; else None."""
    replica.require(roles.LOOKUP)
    for case_id, salt in citizen_salts.salted_cases(replica.session, service):
        if hmac.compare_digest(case_commitment(case_id, rating_salt(salt, case_id)), commitment):
            return case_id
    return None
