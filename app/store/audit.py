"""The local audit trail: who did what, when (UTC), on which device, with what result, hash-chained.

Record n's hash is SHA-256 over a domain tag, record n-1's hash and the deterministic CBOR of
record n. The newest (seq, hash) is also written outside the database (head.slots), so a rollback
of the database file to an older authentic copy is detected: SQLCipher alone cannot see it.

Since schema version 8 every record is also signed by the acting account's own key (sealed under that
account's password): SIGNATURE_DOMAIN followed by the record's hash. Whoever holds the shared database key
can still cut the trail's tail, but cannot rewrite or drop a record before another account's signed one
without that account's password; the chain head pushed to the department log at each sync
(app/sync/anchor.py) shows a cut tail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from app.ledger import dcbor
from app.ledger.errors import LedgerError
from app.ledger.suites import SignatureSuite, suite_by_name
from app.store import inputs, roles
from app.store.chain_head import ChainHead
from app.store.errors import AuditChainBroken, InvalidInput, RollbackDetected
from app.store.session import Session

GENESIS = bytes(32)
MAX_DETAIL = 16 * 1024
SIGNATURE_DOMAIN = b"govdesk audit record v1\n"


class RecordSigner(Protocol):
    """What signs audit records: an account's key (app/store/signing_keys.AccountKey)."""

    kid: bytes

    def sign(self, message: bytes) -> bytes:
        """Return the signature of `message`."""
        ...


@dataclass(frozen=True)
class AuditRecord:
    """One record of the audit trail."""

    seq: int
    at_ms: int
    account: str
    device: bytes
    action: str
    result: str
    detail: dict[str, Any]
    hash: bytes

    @property
    def at_utc(self) -> str:
        """The record's time as an ISO 8601 UTC timestamp."""
        return datetime.fromtimestamp(self.at_ms / 1000, UTC).isoformat(timespec="milliseconds")


def record_hash(
    prev: bytes,
    seq: int,
    at_ms: int,
    account: str,
    device: bytes,
    action: str,
    result: str,
    detail: bytes,
    signer: bytes | None = None,
) -> bytes:
    """Return the chained hash of one audit record (v2, covering its signer's key id, when it is signed)."""
    if signer is None:
        body = dcbor.encode([seq, at_ms, account, device, action, result, detail])
        return hashlib.sha256(b"govdesk audit v1\n" + prev + body).digest()
    body = dcbor.encode([seq, at_ms, account, device, action, result, detail, signer])
    return hashlib.sha256(b"govdesk audit v2\n" + prev + body).digest()


class AuditTrail:
    """Append and verify the audit trail of one replica."""

    def __init__(self, session: Session, on_append: Callable[[], None], signer: RecordSigner | None = None) -> None:
        self._s = session
        self._on_append = on_append
        self._signer = signer
        self._head_pending = False
        self._load_tail()

    def with_signer(self, signer: RecordSigner | None) -> AuditTrail:
        """Return a trail on the same session and head file that signs with `signer` (None: the unsigned baseline
        bench/replica.py measures against; replicas always sign)."""
        return AuditTrail(self._s, self._on_append, signer)

    def _load_tail(self) -> None:
        row = self._s.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        self.head_seq, self.head_hash = (row[0], row[1]) if row else (0, GENESIS)

    def append(
        self,
        action: str,
        result: str,
        detail: dict[str, Any] | None = None,
        *,
        account: str | None = None,
        at_ms: int | None = None,
    ) -> int:
        """Append one record for the acting account (inside the caller's transaction, if any); return its seq."""
        action = inputs.text(action, "audit action", max_len=128)
        result = inputs.text(result, "audit result", max_len=1024)
        try:
            detail_bytes = dcbor.encode(dict(detail or {}))
        except (LedgerError, TypeError, ValueError) as exc:
            raise InvalidInput(f"audit detail cannot be encoded: {exc}") from None
        if len(detail_bytes) > MAX_DETAIL:
            raise InvalidInput(f"audit detail is longer than {MAX_DETAIL} bytes")
        account = self._s.account.name if account is None else account
        at_ms = self._s.now_ms() if at_ms is None else at_ms
        with self._s.transaction():
            # Read the tail under the write lock: another process (the CLI beside the desk app) may have appended.
            self._load_tail()
            seq = self.head_seq + 1
            signer = self._signer
            kid = signer.kid if signer is not None else None
            digest = record_hash(
                self.head_hash, seq, at_ms, account, self._s.device_kid, action, result, detail_bytes, kid
            )
            signature = signer.sign(SIGNATURE_DOMAIN + digest) if signer is not None else None
            self._s.execute(
                "INSERT INTO audit(seq, at_ms, account, device, action, result, detail, prev_hash, hash, signer, "
                "signature) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (seq, at_ms, account, self._s.device_kid, action, result, detail_bytes, self.head_hash, digest, kid,
                 signature),
            )  # fmt: skip
            self.head_seq, self.head_hash = seq, digest
            if not self._head_pending:  # one head write per transaction, however many records it appends
                self._head_pending = True
                self._s.after_commit(self._committed, on_rollback=self._rolled_back)
        return seq

    def _committed(self) -> None:
        self._head_pending = False
        self._on_append()

    def _rolled_back(self) -> None:
        self._head_pending = False
        self._load_tail()

    def records(self, *, after_seq: int = 0, limit: int = 1000, account: str | None = None) -> list[AuditRecord]:
        """Return records after `after_seq`, oldest first, optionally for one account (supervisor review)."""
        self._s.require(roles.AUDIT_REVIEW)
        params: list[Any] = [inputs.integer(after_seq, "after_seq")]
        where = "seq > ?"
        if account is not None:
            where += " AND account = ?"
            params.append(inputs.text(account, "account", max_len=128))
        params.append(inputs.integer(limit, "limit", minimum=1))
        rows = self._s.all(
            f"SELECT seq, at_ms, account, device, action, result, detail, hash FROM audit WHERE {where} "
            "ORDER BY seq LIMIT ?",
            params,
        )
        return [
            AuditRecord(r[0], r[1], r[2], r[3], r[4], r[5], dcbor.decode(r[6], max_size=MAX_DETAIL), r[7]) for r in rows
        ]

    def verify_chain(self) -> tuple[int, bytes]:
        """Recompute every record's hash and check its signature; return (records, head hash) or raise
        AuditChainBroken naming the record."""
        self._s.require(roles.CHECK)
        keys = self._signing_keys()
        prev, expected_seq, signing_began = GENESIS, 1, False
        cur = self._s.execute(
            "SELECT seq, at_ms, account, device, action, result, detail, prev_hash, hash, signer, signature FROM audit "
            "ORDER BY seq"
        )
        for seq, at_ms, account, device, action, result, detail, prev_hash, digest, kid, signature in cur:
            if seq != expected_seq:
                raise AuditChainBroken(f"audit record {expected_seq} is missing (next is {seq})")
            if (
                prev_hash != prev
                or record_hash(prev, seq, at_ms, account, device, action, result, detail, kid) != digest
            ):
                raise AuditChainBroken(f"audit record {seq} ({action} by {account}) does not match the chain")
            if kid is None or signature is None:
                if signing_began or kid is not None:
                    raise AuditChainBroken(f"audit record {seq} ({action} by {account}) is not signed")
            else:
                signing_began = True
                key = keys.get(kid)
                if key is None or not key[0].verify(key[1], SIGNATURE_DOMAIN + digest, signature):
                    raise AuditChainBroken(
                        f"audit record {seq} ({action} by {account}) is not signed by an account of this office"
                    )
            prev, expected_seq = digest, seq + 1
        return expected_seq - 1, prev

    def _signing_keys(self) -> dict[bytes, tuple[SignatureSuite, bytes]]:
        rows = self._s.all("SELECT kid, suite, public_key FROM accounts UNION ALL "
                           "SELECT kid, suite, public_key FROM retired_keys")  # fmt: skip
        out = {}
        for kid, suite, public_key in rows:
            with suppress(LedgerError):
                out[kid] = (suite_by_name(suite), public_key)
        return out

    def check_against(self, head: ChainHead | None) -> None:
        """Raise RollbackDetected if the database's chain does not reach the head recorded outside it."""
        if head is None:
            if self.head_seq > 0:
                raise RollbackDetected("the chain head file beside the replica is missing")
            return
        if self.head_seq < head.audit_seq:
            raise RollbackDetected(
                f"the replica's audit trail ends at record {self.head_seq}, but record {head.audit_seq} "
                "was written: this is an older copy of the database file"
            )
        row = self._s.one("SELECT hash FROM audit WHERE seq = ?", (head.audit_seq,))
        if head.audit_seq and (row is None or row[0] != head.audit_hash):
            raise RollbackDetected(
                f"audit record {head.audit_seq} differs from the one recorded beside the replica: "
                "the database file was replaced"
            )


def chain_rows(session: Session, after_seq: int) -> Iterator[tuple]:
    """Yield every audit record after `after_seq` in order, text columns as their UTF-8 bytes (what is hashed):
    (seq, at_ms, account, device, action, result, detail, prev_hash, hash, signer)."""
    return session.execute(
        "SELECT seq, at_ms, CAST(account AS BLOB), device, CAST(action AS BLOB), CAST(result AS BLOB), detail, "
        "prev_hash, hash, signer FROM audit WHERE seq > ? ORDER BY seq",
        (after_seq,),
    )


def newest(session: Session) -> tuple[int, bytes]:
    """Return the (seq, hash) of the newest audit record (every opened replica has one)."""
    seq, digest = session.one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
    return seq, digest


def hash_at(session: Session, seq: int) -> bytes | None:
    """Return the hash of audit record `seq`, or None if there is no such record."""
    row = session.one("SELECT hash FROM audit WHERE seq = ?", (seq,))
    return None if row is None else row[0]


class ActionRecord(NamedTuple):
    """An audit record of one action, its detail still encoded."""

    seq: int
    at_ms: int
    account: str
    detail: bytes


def action_records(session: Session, action: str) -> list[ActionRecord]:
    """Return every audit record of `action`, oldest first."""
    rows = session.all("SELECT seq, at_ms, account, detail FROM audit WHERE action = ? ORDER BY seq", (action,))
    return [ActionRecord(*r) for r in rows]


class ActionOutcome(NamedTuple):
    """An audit record of one action with its result, its detail still encoded."""

    seq: int
    at_ms: int
    account: str
    result: str
    detail: bytes


def action_outcomes(session: Session, action: str, result_prefix: str) -> list[ActionOutcome]:
    """Return every audit record of `action` whose result starts with `result_prefix`, oldest first."""
    rows = session.all(
        "SELECT seq, at_ms, account, result, detail FROM audit WHERE action = ? AND substr(result, 1, ?) = ? "
        "ORDER BY seq",
        (action, len(result_prefix), result_prefix),
    )
    return [ActionOutcome(*r) for r in rows]
