"""Services, cases and consent: cross-department case workflows and consented data exchange.

    catalogue = load_catalogue()
    desk = CaseDesk(replica, catalogue)          # open, verify documents, advance, decide, close
    consents = ConsentDesk(replica, catalogue)   # grant, revoke, request, answer, receive
    apply_entry(replica, catalogue, data, index) # what sync calls for every verified entry

Docs: docs/services.md.
"""

from app.services.cases import CaseDesk, CaseView, DocumentCheck
from app.services.consent import ConsentDesk
from app.services.ledger_view import apply_entry
from app.services.report import access_report, render_report

__all__ = [
    "CaseDesk",
    "CaseView",
    "ConsentDesk",
    "DocumentCheck",
    "access_report",
    "apply_entry",
    "render_report",
]
