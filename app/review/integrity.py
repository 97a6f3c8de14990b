"""The integrity panel: the audit chain, the replica's checkpoints, and the inclusion of every entry of the day.

- The audit chain is recomputed record by record (app.review.chain) up to now; every sign-off's
  signed head must still be the hash of its record, so a change to a signed day cannot hide.
- Each stored checkpoint must say what its columns say, and sync must still trust its log.
- Every entry written on the day hashes to its identity and is either included in its department's
  log (its inclusion proof verifies against a stored checkpoint) or listed as pending.
- The local audit trail must still reach every head this office anchored on its department's log
  (app/sync/anchor.py); the panel also shows the anchoring window: how many records, written since the
  last sync that anchored, the department does not vouch for yet, and for how long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from app.ledger.checkpoint import parse_checkpoint
from app.ledger.errors import LedgerError
from app.ledger.merkle import SHA256_TREE, ProofError, TreeHash, hash_leaf
from app.ledger.note import split_note
from app.review.chain import ChainCheck, verify_audit_chain
from app.review.signoff import SignOff, check_signoff
from app.review.timeline import Period
from app.store import review_records
from app.store.anchors import AnchorStore, AnchorWindow, anchor_problems, anchor_window
from app.store.findings import Finding
from app.store.logs import decode_proof
from app.store.session import Session
from app.sync.trust import SETTING as TRUST_POLICY_SETTING
from app.sync.trust import TrustPolicyError, parse_policy

FULL_CHECK_DAYS = 31
FULL_CHECK_MAX_DAYS = 7


@dataclass
class IntegrityReport:
    """What the integrity panel shows; `problems` lists every finding except a chain break."""

    chain: ChainCheck
    last_signed_day: str | None = None
    last_signed_seq: int = 0
    checkpoints: int = 0
    included: int = 0
    pending: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    anchoring: AnchorWindow | None = None

    @property
    def ok(self) -> bool:
        """True when the chain holds and nothing else was found."""
        return self.chain.ok and not self.problems

    def to_json(self) -> dict:
        """Return the report as JSON-ready values."""
        return {
            "ok": self.ok,
            "audit_chain": {"ok": self.chain.ok, "records": self.chain.records, "head_seq": self.chain.head_seq,
                            "problem": self.chain.problem},
            "last_signed_day": self.last_signed_day,
            "checkpoints": self.checkpoints,
            "entries_included": self.included,
            "entries_pending": self.pending,
            "problems": self.problems,
            "anchoring": None if self.anchoring is None else {
                "anchored_records": self.anchoring.anchored_records,
                "unanchored_records": self.anchoring.unanchored_records,
                "last_anchor_ms": self.anchoring.since_ms, "window_ms": self.anchoring.age_ms},
        }  # fmt: skip


def check_checkpoints(session: Session) -> tuple[int, list[str]]:
    """Return how many checkpoints the replica holds and what is inconsistent about them."""
    problems = []
    rows = review_records.checkpoint_notes(session)
    for origin, size, root, note_text in rows:
        try:
            body, _signatures = split_note(note_text)
            parsed = parse_checkpoint(body)
        except (LedgerError, ValueError) as exc:
            problems.append(
                Finding(
                    "checkpoint_unreadable",
                    f"checkpoint {origin} size {size} cannot be read: {exc}",
                    origin=origin,
                    size=size,
                )
            )
            continue
        if (parsed.origin, parsed.size, parsed.root_hash) != (origin, size, root):
            problems.append(
                Finding(
                    "checkpoint_mismatch",
                    f"checkpoint {origin} size {size} does not match its signed note",
                    origin=origin,
                    size=size,
                )
            )
    for origin, reason in review_records.untrusted_logs(session):
        problems.append(Finding("log_untrusted", f"log {origin} is no longer trusted: {reason}", origin=origin))
    return len(rows), problems


def log_trees(session: Session) -> dict[str, TreeHash]:
    """Each followed log's tree hash, as the office's trust policy declares it (a log not listed: SHA-256)."""
    text = review_records.office_setting(session, TRUST_POLICY_SETTING)
    try:
        policy = None if text is None else parse_policy(text)
    except TrustPolicyError:
        return {}  # the sync settings show a broken policy; here every proof is then checked as SHA-256
    return {} if policy is None else {log.origin: log.tree for log in policy.logs}


def check_entries(session: Session, period: Period) -> tuple[int, list[str], list[str]]:
    """Return (included, pending leaf hashes, problems) for the period's entries; each inclusion proof is checked in
    its log's tree hash."""
    roots: dict[str, list[tuple[int, bytes]]] = {}
    for origin, size, root in review_records.checkpoint_roots(session):
        roots.setdefault(origin, []).append((size, root))
    included, pending, problems = 0, [], []
    rows = review_records.outbox_data_between(session, period.start_ms, period.end_ms)
    data_of = dict(rows)
    trees = log_trees(session)
    hashes_ok = {leaf for leaf, data in rows if data is None or hash_leaf(data) == leaf}
    for leaf, _data in rows:
        if leaf not in hashes_ok:
            problems.append(
                Finding(
                    "entry_changed",
                    f"entry {leaf.hex()[:16]} no longer hashes to its identity: its data was changed",
                    entry=leaf.hex()[:16],
                )
            )
    for item in period.outbox:
        if item.leaf_hash not in hashes_ok:
            continue
        if item.index is None or item.proof is None:
            pending.append(item.leaf_hash.hex())
            continue
        try:
            proof = decode_proof(item.proof)
        except LedgerError:
            entry = item.leaf_hash.hex()[:16]
            problems.append(
                Finding("proof_unreadable", f"entry {entry} has an unreadable inclusion proof", entry=entry)
            )
            continue
        tree = trees.get(item.origin, SHA256_TREE)
        data = data_of.get(item.leaf_hash)
        leaf = item.leaf_hash if data is None else tree.entry_leaf(data, item.leaf_hash)
        if _included(tree, leaf, item.index, proof, roots.get(item.origin, [])):
            included += 1
        else:
            entry = item.leaf_hash.hex()[:16]
            problems.append(Finding(
                "proof_not_verified",
                f"entry {entry} at index {item.index} of {item.origin}: its inclusion proof does not verify against "
                "any checkpoint the replica holds", entry=entry, index=item.index, origin=item.origin,
            ))  # fmt: skip
    return included, pending, problems


def _included(
    tree: TreeHash, leaf: bytes, index: int, proof: list[bytes], checkpoints: list[tuple[int, bytes]]
) -> bool:
    for size, root in checkpoints:
        if size <= index:
            break
        try:
            tree.verify_inclusion(leaf, index, size, proof, root)
        except (ProofError, ValueError):
            continue
        return True
    return False


def check_integrity(session: Session, period: Period, signoffs: list[SignOff]) -> IntegrityReport:
    """Run every check of the integrity panel for a period."""
    chain = verify_audit_chain(session)
    report = IntegrityReport(chain)
    before = [s for s in signoffs if s.day <= period.last_day.isoformat()]
    if before:
        last = max(before, key=lambda s: s.audit_seq)
        report.last_signed_day, report.last_signed_seq = last.day, last.audit_seq
    leaves = {s.leaf_hash for s in signoffs}
    recent = (period.first_day - timedelta(days=FULL_CHECK_DAYS)).isoformat()
    for signoff in signoffs:
        # Every signed head is checked; the entries of the last month's signed days too (office check: all days).
        full = recent <= signoff.day <= period.last_day.isoformat() or signoff.problem != ""
        report.problems += check_signoff(session, signoff, leaves, entries=full)
    report.checkpoints, problems = check_checkpoints(session)
    report.problems += problems
    included, pending, problems = check_entries(session, period)
    report.included, report.pending = included, pending
    report.problems += problems
    anchors = AnchorStore(session)
    report.problems += anchor_problems(anchors, chain.head_seq)
    report.anchoring = anchor_window(anchors, chain.head_seq, anchors.first_audit_ms(), session.now_ms())
    return report
