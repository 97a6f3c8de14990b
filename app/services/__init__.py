"""Services, cases and consent: the catalogue, cross-department case workflows and consented data exchange.

    catalogue = load_catalogue()
    desk = CaseDesk(replica, catalogue)          # open, verify documents, advance, decide, close
    consents = ConsentDesk(replica, catalogue)   # grant, revoke, request, answer, receive

What sync calls for every verified entry lives in the store: app.store.ledger_projection.apply_entry.
Docs: docs/services.md.
"""

from app.services.cases import CaseDesk, CaseView, DocumentCheck
from app.services.consent import ConsentDesk
from app.services.report import access_report, render_report

__all__ = [
    "CaseDesk",
    "CaseView",
    "ConsentDesk",
    "DocumentCheck",
    "access_report",
    "render_report",
]
