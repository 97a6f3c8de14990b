"""受理回执, 一次性告知单 and 不予受理通知书 issued as OFD documents sealed with the department's seal.

A notice (app/hall/notices.py) is laid out as one OFD page and issued the way a case's result is
(app/ofd/case_result.py): `app.ofd.issue.issue_document` seals it with the department's seal (GB/T 38540)
and checks it verifies, and `record_issue` queues a `cert.anchor` of type `ofd.<kind>` carrying the file's
SM3 digest for the issuing department's log, in one transaction with the audit record. A counter then
verifies the citizen's copy offline (`govdesk ofd verify`) and finds it anchored. The seal and its
holder's key are the department's: a counter never holds them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.beijing_time import BEIJING
from app.hall.notices import Notice, NoticeKind, chinese_date
from app.ledger.suites import Signer
from app.ofd.build import DocumentSpec, Page
from app.ofd.errors import IssueError
from app.ofd.issue import IssuedDocument, issue_document, record_issue
from app.ofd.seal import SealSigner
from app.store.replica import Replica

# The anchor's document kind (`ofd.<kind>`): a short ASCII word, as app.ofd.issue asks.
NOTICE_KINDS = {
    NoticeKind.ACCEPTANCE_RECEIPT: "acceptance-receipt",
    NoticeKind.ONE_TIME_NOTICE: "one-time-notice",
    NoticeKind.REFUSAL_NOTICE: "refusal-notice",
}


def notice_spec(notice: Notice, issued: datetime) -> DocumentSpec:
    """The OFD document a notice is: its lines, its list, its closing text, the issuer and the date (Chinese)."""
    day = issued.astimezone(BEIJING).date()
    paragraphs = [notice.title, *(f"{line.label}：{line.value}" for line in notice.lines)]
    paragraphs.append(f"{notice.list_title}：")
    paragraphs += [f"{n}. {item}" for n, item in enumerate(notice.items, 1)]
    paragraphs += [notice.closing, f"{notice.issuer}　{chinese_date(day)}"]
    fields = {"name": notice.title, "issuer": notice.issuer, "issued_on": day.isoformat()}
    if notice.qr:
        fields["number"] = notice.qr  # the case number of a receipt
    return DocumentSpec(title=notice.title, pages=[Page(tuple(paragraphs))], licence=fields, created=issued)


def issue_notice(
    replica: Replica,
    notice: Notice,
    *,
    seal: bytes,
    seal_signer: SealSigner,
    ledger_signer: Signer,
    now: datetime | None = None,
) -> IssuedDocument:
    """Seal `notice` as its issuing department, queue the anchor of its digest on that department's log and audit
    it; return the sealed document (raises IssueError: a seal that does not verify, a notice without its issuer)."""
    if not notice.issuer_origin:
        raise IssueError("the notice names no issuing department's log", code="issue_refused")
    now = (now or datetime.fromtimestamp(replica.session.now_ms() / 1000, UTC)).replace(microsecond=0)
    issued = issue_document(
        notice_spec(notice, now), seal=seal, seal_signer=seal_signer, department=notice.issuer_origin,
        ledger_signer=ledger_signer, kind=NOTICE_KINDS[notice.kind], now=now,
    )  # fmt: skip
    record_issue(replica, issued)
    return issued
