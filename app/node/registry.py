"""The department's registry of enrolled keys, kept from the `registry.*` entries of its own log,
and the checks every submitted entry must pass before it is sequenced.
"""

from __future__ import annotations

import threading

from app.ledger.entry import SignedEntry
from app.ledger.errors import BadSignature, UnsupportedAlgorithm
from app.ledger.suites import key_id, suite_by_name
from app.node.storage.interface import EnrolledKey, NodeStore
from app.protocol.policy import ROLES, SEAL, rating_office_refusal, seal_enrolment_refusal, step_may_write
from app.protocol.refusals import Code, Refusal


def check_entry(signed: SignedEntry, record: EnrolledKey | None, origin: str, department: str) -> None:
    """Raise a Refusal unless `signed` may go into the log `origin`, signed by the key `record`."""
    record = check_policy(signed, record, origin, department)
    try:
        signed.verify(record.public_key)
    except BadSignature as exc:
        raise Refusal(Code.BAD_SIGNATURE, str(exc)) from None


def check_policy(signed: SignedEntry, record: EnrolledKey | None, origin: str, department: str) -> EnrolledKey:
    """Every check of `check_entry` except the signature itself; return the signer's record."""
    entry = signed.entry
    if entry.log != origin:
        raise Refusal(Code.WRONG_LOG, f"entry is for log {entry.log!r}, this node sequences {origin!r}")
    if record is None:
        raise Refusal(Code.UNKNOWN_SIGNER, f"key {signed.kid.hex()} is not enrolled in this department's registry")
    if record.revoked:
        raise Refusal(Code.REVOKED_SIGNER, f"key {signed.kid.hex()} was revoked at index {record.revoked_idx}")
    if record.department and record.department != department:
        raise Refusal(Code.WRONG_LOG, f"key {signed.kid.hex()} is enrolled for department {record.department!r}")
    if not step_may_write(record.role, entry.type, entry.body):
        raise Refusal(Code.ROLE_NOT_ALLOWED, f"role {record.role!r} may not write this {entry.type!r} entry")
    wrong_office = rating_office_refusal(record.subject, entry.type, entry.body)
    if wrong_office is not None:
        raise Refusal(Code.ROLE_NOT_ALLOWED, wrong_office)
    if signed.sign1.suite.name != record.suite:  # the registry names the key's suite; the entry must sign in it
        raise Refusal(
            Code.BAD_SIGNATURE,
            f"key {signed.kid.hex()} is enrolled as {record.suite}, the entry is signed in {signed.sign1.suite.name}",
        )
    if key_id(signed.sign1.suite, record.public_key) != signed.kid:
        raise Refusal(Code.BAD_SIGNATURE, f"key {signed.kid.hex()} named by the entry is not the enrolled key")
    if entry.type == "registry.enroll":
        enrolled_record(signed, 0)
        if entry.body["role"] == SEAL and entry.body.get("department") != department:
            # Only a department's own key enrols its seal key, and only for itself (policy: registry.enroll is the
            # department role's; this adds that the seal named is this department's).
            raise Refusal(Code.WRONG_LOG, f"a seal key of {entry.body.get('department')!r} is not enrolled here")
    return record


def enrolled_record(signed: SignedEntry, index: int) -> EnrolledKey:
    """Return the registry record a `registry.enroll` entry creates, or refuse a malformed one."""
    body = signed.entry.body
    try:
        suite = suite_by_name(body["suite"])
    except UnsupportedAlgorithm as exc:
        raise Refusal(Code.MALFORMED_ENTRY, str(exc)) from None
    if len(body["public_key"]) != suite.public_key_size:
        raise Refusal(Code.MALFORMED_ENTRY, f"a {suite.name} public key is {suite.public_key_size} bytes")
    if key_id(suite, body["public_key"]) != body["kid"]:
        raise Refusal(Code.MALFORMED_ENTRY, "registry.enroll: kid does not match the public key")
    if body["role"] not in ROLES:
        raise Refusal(Code.MALFORMED_ENTRY, f"registry.enroll: unknown role {body['role']!r}")
    seal_refusal = seal_enrolment_refusal(body)
    if seal_refusal is not None:
        raise Refusal(Code.MALFORMED_ENTRY, f"registry.enroll: {seal_refusal}")
    return EnrolledKey(
        body["kid"], suite.name, body["public_key"], body["role"], body["subject"], body.get("department"), index, None
    )


class Registry:
    """An in-memory copy of the registry for submission checks, refreshed from the store."""

    def __init__(self, store: NodeStore) -> None:
        self._store = store
        self._keys: dict[bytes, EnrolledKey] = {}
        self._seen = 0
        self._lock = threading.Lock()

    def get(self, kid: bytes) -> EnrolledKey | None:
        """Return the record of `kid`, if enrolled."""
        return self._keys.get(kid)

    @property
    def loaded_size(self) -> int:
        """The tree size up to which registry entries are loaded (what /health reports as registry_size)."""
        return self._seen

    def refresh(self) -> None:
        """Load registry records changed since the last refresh (by this or any other node process)."""
        with self._lock:
            size = self._store.state().size
            for record in self._store.keys_changed_since(self._seen):
                self._keys[record.kid] = record
            self._seen = size

    def apply(self, records: list[EnrolledKey]) -> None:
        """Apply records the local sequencer has just committed."""
        with self._lock:
            for record in records:
                self._keys[record.kid] = record
