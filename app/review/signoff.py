"""Signing a day off: a `review.signoff` ledger entry carrying the audit-chain head, the counts and the
acknowledgements, written with its audit record in one transaction; and checking signed days later.

The signed head pins every audit record up to it; the signed root of the day's entries pins the
entries. `check_signoff` finds any later change, and `govdesk office check` runs it for every day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.catalogue.department_logs import department_id, origin_of
from app.ledger import dcbor
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.merkle import root_of
from app.ledger.suites import key_id
from app.review.errors import AlreadySigned, NotAcknowledged
from app.services.actors import enrolled_key
from app.store import audit, inputs, review_records, roles
from app.store.audit import MAX_DETAIL
from app.store.errors import InvalidInput, PermissionDenied
from app.store.findings import Finding
from app.store.replica import Replica
from app.store.session import Session

SIGNOFF_ACTION = "review.signoff"
ENTRY_TYPE = "review.signoff"
MAX_COMMENT = 500


@dataclass(frozen=True)
class SignOff:
    """A signed-off day as the replica holds it."""

    day: str
    account: str
    at_ms: int
    leaf_hash: bytes
    audit_seq: int
    audit_head: bytes = b""
    counts: dict[str, Any] = field(default_factory=dict)
    acknowledgements: tuple[dict[str, str], ...] = ()
    origin: str = ""
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the sign-off as JSON-ready values."""
        counts = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in self.counts.items()}
        return {
            "day": self.day,
            "signed_by": self.account,
            "signed_at_ms": self.at_ms,
            "entry": self.leaf_hash.hex(),
            "log": self.origin,
            "audit_seq": self.audit_seq,
            "audit_head": self.audit_head.hex(),
            "counts": counts,
            "acknowledgements": list(self.acknowledgements),
        }


def find_signoffs(session: Session) -> list[SignOff]:
    """Return every sign-off recorded in this replica's audit trail, read back from its ledger entry."""
    out = []
    for seq, at_ms, account, raw in audit.action_records(session, SIGNOFF_ACTION):
        try:
            detail = dcbor.decode(raw, max_size=MAX_DETAIL, what="audit detail")
            day, leaf = str(detail["day"]), bytes.fromhex(str(detail["entry"]))
        except (LedgerError, KeyError, TypeError, ValueError):
            problem = Finding("signoff_unreadable", f"sign-off record {seq} is unreadable", seq=seq)
            out.append(SignOff("?", account, at_ms, b"", 0, problem=problem))
            continue
        data = review_records.entry_data(session, leaf)
        if data is None:
            problem = Finding("signoff_missing", f"the sign-off entry of {day} is missing", day=day)
            out.append(SignOff(day, account, at_ms, leaf, 0, problem=problem))
            continue
        try:
            signed = decode_entry(data)
            body = signed.entry.body
            if signed.entry.type != ENTRY_TYPE or body["day"] != day:
                raise InvalidInput("not this day's sign-off")
            counts = dict(body["counts"])
            out.append(SignOff(day, account, signed.entry.time, leaf, int(counts.get("audit_seq", 0)),
                               bytes(body["audit_head"]), counts, tuple(dict(a) for a in body["acknowledgements"]),
                               signed.entry.log))  # fmt: skip
        except (LedgerError, InvalidInput, KeyError, TypeError, ValueError) as exc:
            problem = Finding("signoff_invalid", f"the sign-off entry of {day} is invalid: {exc}", day=day)
            out.append(SignOff(day, account, at_ms, leaf, 0, problem=problem))
    return out


def day_entries_root(
    session: Session, start_ms: int, end_ms: int, until_ms: int, exclude: set[bytes]
) -> tuple[int, bytes]:
    """Return how many entries this office wrote in [start, end) up to `until_ms`, and the Merkle root of their
    hashes in hash order (the sign-off entries, `exclude`, left out)."""
    leaves = sorted(leaf for leaf in review_records.outbox_leaves(session, start_ms, end_ms, until_ms)
                    if leaf not in exclude)  # fmt: skip
    return len(leaves), root_of(leaves)


def check_signoff(session: Session, signoff: SignOff, signoff_leaves: set[bytes], *, entries: bool = True) -> list[str]:
    """Return what no longer matches a signed day: its entry, its signature, its audit head (and its entries)."""
    if signoff.problem:
        return [signoff.problem]
    problems = []
    signed = decode_entry(review_records.entry_data(session, signoff.leaf_hash))
    key = review_records.signer_key(session, signed.kid)
    try:
        if key is None:
            raise LedgerError("its signer is unknown")
        suite_name, public_key = key
        if signed.sign1.suite.name != suite_name:  # verify in the suite the registry names for the key
            raise LedgerError(f"it is signed in {signed.sign1.suite.name}, its key is registered as {suite_name}")
        signed.verify(public_key)
    except LedgerError as exc:
        problems.append(
            Finding("signoff_bad_signature", f"the sign-off of {signoff.day} does not verify: {exc}", day=signoff.day)
        )
    record = audit.hash_at(session, signoff.audit_seq)
    if record is None or record != signoff.audit_head:
        problems.append(Finding(
            "signoff_trail_changed", f"the audit trail signed off on {signoff.day} was changed: record "
            f"{signoff.audit_seq} no longer has the signed chain head", day=signoff.day, seq=signoff.audit_seq,
        ))  # fmt: skip
    counts = signoff.counts
    if not entries:
        return problems
    try:
        start, end = int(counts["day_start_ms"]), int(counts["day_end_ms"])
        n, root = day_entries_root(session, start, end, signoff.at_ms, signoff_leaves)
        if (n, root) != (int(counts["entries"]), bytes(counts["entries_root"])):
            problems.append(Finding(
                "signoff_entries_changed", f"the ledger entries of {signoff.day} were changed after the sign-off "
                f"({n} now, {counts['entries']} signed, or their content differs)", day=signoff.day, now=n,
                signed=counts["entries"],
            ))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        problems.append(
            Finding("signoff_no_counts", f"the sign-off of {signoff.day} lacks its entry counts", day=signoff.day)
        )
    return problems


def signoff_problems(replica: Replica) -> list[str]:
    """Check every signed-off day of the replica (what `govdesk office check` adds to its checks)."""
    replica.require(roles.CHECK)
    problems = []
    signoffs = find_signoffs(replica.session)
    leaves = {x.leaf_hash for x in signoffs}
    for signoff in signoffs:
        problems += check_signoff(replica.session, signoff, leaves)
    return problems


def check_acknowledgements(anomaly_ids: list[str], comments: dict[str, str]) -> list[dict[str, str]]:
    """Return the acknowledgements in order, or raise NotAcknowledged naming the anomalies without a comment."""
    missing = [i for i in anomaly_ids if not str(comments.get(i, "")).strip()]
    if missing:
        raise NotAcknowledged(f"acknowledge every anomaly with a comment before signing: {', '.join(missing)}", missing)
    out = []
    for anomaly_id in anomaly_ids:
        comment = inputs.text(str(comments[anomaly_id]).strip(), "acknowledgement comment", max_len=MAX_COMMENT)
        out.append({"anomaly": anomaly_id[:200], "comment": comment})
    return out


def write_signoff(
    replica: Replica,
    office: str,
    day: str,
    start_ms: int,
    end_ms: int,
    counts: dict[str, int],
    acknowledgements: list[dict[str, str]],
) -> SignOff:
    """Sign the day as the acting supervisor: one entry on their department's log, audited, in one transaction."""
    replica.require(roles.AUDIT_REVIEW)
    if replica.account.role != roles.Role.SUPERVISOR:
        raise PermissionDenied(replica.account.role, "review.signoff (supervisors sign days off)")
    if len(acknowledgements) > 1024:
        raise InvalidInput("a sign-off carries at most 1024 acknowledgements")
    signer = replica.account_signer
    record = enrolled_key(replica, signer)
    origin = origin_of(department_id(record.department))
    s = replica.session
    with replica.transaction():
        existing = find_signoffs(s)
        if any(x.day == day for x in existing):
            raise AlreadySigned(f"{day} has been signed off already; nobody signs a day twice")
        now = s.now_ms()
        head_seq, head_hash = audit.newest(s)
        n, root = day_entries_root(s, start_ms, end_ms, now, {x.leaf_hash for x in existing})
        body_counts: dict[str, Any] = {**counts, "audit_seq": head_seq, "day_start_ms": start_ms,
                                       "day_end_ms": end_ms, "entries": n, "entries_root": root}  # fmt: skip
        body = {"office": office[:128], "day": day, "audit_head": head_hash, "counts": body_counts,
                "acknowledgements": acknowledgements}  # fmt: skip
        data = sign_entry(Entry(origin, ENTRY_TYPE, now, key_id(signer.suite, signer.public_key), body), signer)
        leaf = replica.outbox.enqueue(origin, data)
        replica.audit.append(SIGNOFF_ACTION, "ok", {"day": day, "entry": leaf.hex(), "audit_seq": head_seq})
    return SignOff(day, replica.account.name, now, leaf, head_seq, head_hash, body_counts, tuple(acknowledgements),
                   origin)  # fmt: skip
