"""A department hands out a case's result as a sealed OFD document and anchors its digest on its log.

Building and sealing is pure (`issue_document`); `record_issue` queues the `cert.anchor` entry in an
office replica's outbox, records the anchor and audits it, in one transaction (like `app.certs`).
The anchor's hash is SM3 of the whole OFD file, its serial the document's serial, its type
`ofd.<kind>`, so a counter that later receives the file finds "issued by X at Y" in its replica.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.certs.issue import new_serial
from app.ledger.entry import Entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id
from app.ofd import gm
from app.ofd.build import DocumentSpec, build_members, write_container
from app.ofd.errors import IssueError
from app.ofd.seal import SealSigner, seal_document
from app.ofd.verify import OfdTrust, verify_bytes
from app.store.replica import Replica

ANCHOR_TYPE_PREFIX = "ofd."


@dataclass(frozen=True)
class IssuedDocument:
    """A sealed OFD file, its SM3 digest, its serial, and the signed anchor entry for the department's log."""

    ofd: bytes
    digest: bytes
    serial: str
    department: str
    kind: str
    anchor_entry: bytes
    anchored_ms: int  # the anchor entry's time (the seal's time, to the second)


def issue_document(
    spec: DocumentSpec,
    *,
    seal: bytes,
    seal_signer: SealSigner,
    department: str,
    ledger_signer: Signer,
    kind: str = "licence",
    now: datetime | None = None,
    expires: datetime | None = None,
) -> IssuedDocument:
    """Seal `spec` with the department's seal and build the `cert.anchor` entry naming its digest."""
    if not kind.isascii() or not kind.replace("-", "").isalnum() or len(kind) > 32:
        raise IssueError(f"document kind {kind!r} is not a short ASCII word", code="issue_refused")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    serial = new_serial()
    spec.doc_id = serial
    members = seal_document(build_members(spec), seal, seal_signer, signed_at=now)
    ofd = write_container(members)
    check = verify_bytes(ofd, OfdTrust())  # what is handed out must verify: a wrong seal or key stops here
    if not check.valid:
        reasons = ", ".join(s.reason for s in check.signatures) or check.reason
        raise IssueError(f"the sealed document does not verify ({reasons})", code="issue_refused")
    digest = gm.sm3(ofd)
    body: dict[str, object] = {"cert_hash": digest, "serial": serial, "cert_type": ANCHOR_TYPE_PREFIX + kind}
    if expires is not None:
        body["expires"] = int(expires.timestamp() * 1000)
    kid = key_id(ledger_signer.suite, ledger_signer.public_key)
    now_ms = int(now.timestamp() * 1000)
    try:
        entry = sign_entry(Entry(department, "cert.anchor", now_ms, kid, body), ledger_signer)
    except LedgerError as exc:
        raise IssueError(f"cannot anchor: {exc}", code="issue_refused") from None
    return IssuedDocument(ofd, digest, serial, department, kind, entry, now_ms)


def record_issue(replica: Replica, issued: IssuedDocument) -> bytes:
    """Queue the anchor in the outbox, record it and audit the issue in one transaction; return the leaf hash."""
    kind = ANCHOR_TYPE_PREFIX + issued.kind
    with replica.transaction():
        leaf = replica.outbox.enqueue(issued.department, issued.anchor_entry)
        replica.certs.put_anchor(
            issued.digest, issued.serial, issued.department, kind, issued.department, None, issued.anchored_ms
        )
        replica.audit.append(
            "ofd.issue", "ok", {"serial": issued.serial, "issuer": issued.department, "type": kind, "entry": leaf}
        )
    return leaf
