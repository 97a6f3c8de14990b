"""Keyed commitments to citizens: HMAC-SHA256 of the ID number under a per-citizen salt held by the replica.

The ledger only ever sees the commitment. The salt lives in the encrypted replica of each office
and department that serves the citizen (`CitizenSalts`); without it, a commitment cannot be linked
to an ID number, even by trying every ID number.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from app.certs.holder import normalise_id
from app.store import citizen_salts, inputs, roles
from app.store.errors import InvalidInput
from app.store.replica import Replica

SALT_SIZE = 32
COMMITMENT_SIZE = 32
_LABEL = b"govdesk citizen commitment v1\x00"


def citizen_commitment(id_number: str, salt: bytes) -> bytes:
    """Return the 32-byte keyed commitment to an ID number under a citizen's salt."""
    if len(salt) != SALT_SIZE:
        raise InvalidInput(f"a citizen salt is {SALT_SIZE} bytes")
    try:
        normalised = normalise_id(id_number)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"ID number: {exc}") from None
    return hmac.new(salt, _LABEL + normalised, hashlib.sha256).digest()


class CitizenSalts:
    """The per-citizen salts this replica holds, keyed by normalised ID number (inside SQLCipher only)."""

    def __init__(self, replica: Replica) -> None:
        self._r = replica

    @staticmethod
    def _key(id_number: str) -> str:
        try:
            return normalise_id(id_number).decode("utf-8")
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"ID number: {exc}") from None

    def commitment(self, id_number: str) -> bytes:
        """Return the citizen's commitment, creating their salt on first contact."""
        self._r.require(roles.LOOKUP)
        key = self._key(id_number)
        known = citizen_salts.salt_of(self._r.session, key)
        if known is not None:
            return known.commitment
        salt = os.urandom(SALT_SIZE)
        commitment = citizen_commitment(key, salt)
        with self._r.transaction():
            citizen_salts.insert_salt(self._r.session, key, salt, commitment)
        return commitment

    def known_commitment(self, id_number: str) -> bytes | None:
        """Return the citizen's commitment if this replica holds their salt, else None."""
        self._r.require(roles.LOOKUP)
        known = citizen_salts.salt_of(self._r.session, self._key(id_number))
        return known.commitment if known else None

    def export_salt(self, id_number: str) -> bytes:
        """Return the citizen's salt, to hand to another office or department that will serve them."""
        self._r.require(roles.LOOKUP)
        known = citizen_salts.salt_of(self._r.session, self._key(id_number))
        if known is None:
            raise InvalidInput("this replica holds no salt for that citizen")
        self._r.audit.append("citizen.salt.export", "ok", {})
        return known.salt

    def adopt_salt(self, id_number: str, salt: bytes) -> bytes:
        """Keep a salt handed over by another office for this citizen; return the commitment."""
        self._r.require(roles.LOOKUP)
        salt = inputs.blob(salt, "citizen salt", size=SALT_SIZE)
        key = self._key(id_number)
        commitment = citizen_commitment(key, salt)
        with self._r.transaction():
            known = citizen_salts.salt_of(self._r.session, key)
            if known is not None and known.salt != salt:
                raise InvalidInput("this replica already holds a different salt for that citizen")
            citizen_salts.keep_salt(self._r.session, key, salt, commitment)
            self._r.audit.append("citizen.salt.adopt", "ok", {})
        return commitment
