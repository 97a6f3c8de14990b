"""Words for the hall's typed refusal codes, in the clerk's or citizen's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.protocol.hall_client import HallUnavailable
from app.protocol.hall_refusals import HallRefusal


def _t(text: str) -> str:
    return QCoreApplication.translate("HallRefusals", text)


def hall_error_text(error: Exception) -> str:
    """Return a sentence for a hall error (never the exception's own English text)."""
    if isinstance(error, HallUnavailable):
        return _t("The queue system cannot be reached. Serving goes on; calling is paused.")
    if not isinstance(error, HallRefusal):
        return _t("Something went wrong. Please ask the staff for help.")
    words = {
        "unknown_category": _t("This service category is not offered in this hall."),
        "unknown_appointment": _t("No appointment has this number."),
        "appointment_used": _t("This appointment has already been turned into a ticket."),
        "window_busy": _t("This window still holds a ticket: finish, skip or transfer it first."),
        "ticket_not_held": _t("This window no longer holds the ticket (it timed out or moved)."),
        "already_finished": _t("This ticket is already finished."),
        "unknown_window": _t("This device is not enrolled for a window of this hall."),
        "day_full": _t("No more tickets can be issued today in this category."),
        "wrong_office": _t("This device belongs to another office."),
        "role_not_allowed": _t("This device may not do that."),
        "unauthenticated": _t("This device is not enrolled in the hall."),
        "revoked_signer": _t("This device's key has been revoked."),
        "stale_request": _t("This device's clock is wrong; please set the time."),
    }
    return words.get(error.code.value, _t("The queue system refused the request."))
