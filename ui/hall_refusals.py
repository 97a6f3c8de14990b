"""Words for the hall's typed refusal codes, in the clerk's or citizen's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.protocol.hall_client import HallUnavailable
from app.protocol.hall_refusals import HallRefusal


def hall_error_text(error: Exception) -> str:
    """Return a sentence for a hall error (never the exception's own English text)."""
    if isinstance(error, HallUnavailable):
        return QCoreApplication.translate(
            "HallRefusals", "The queue system cannot be reached. Serving goes on; calling is paused."
        )
    if not isinstance(error, HallRefusal):
        return QCoreApplication.translate("HallRefusals", "Something went wrong. Please ask the staff for help.")
    words = {
        "unknown_category": QCoreApplication.translate(
            "HallRefusals", "This service category is not offered in this hall."
        ),
        "unknown_appointment": QCoreApplication.translate("HallRefusals", "No appointment has this number."),
        "appointment_used": QCoreApplication.translate(
            "HallRefusals", "This appointment has already been turned into a ticket."
        ),
        "window_busy": QCoreApplication.translate(
            "HallRefusals", "This window still holds a ticket: finish, skip or transfer it first."
        ),
        "ticket_not_held": QCoreApplication.translate(
            "HallRefusals", "This window no longer holds the ticket (it timed out or moved)."
        ),
        "already_finished": QCoreApplication.translate("HallRefusals", "This ticket is already finished."),
        "unknown_window": QCoreApplication.translate(
            "HallRefusals", "This device is not enrolled for a window of this hall."
        ),
        "day_full": QCoreApplication.translate("HallRefusals", "No more tickets can be issued today in this category."),
        "wrong_office": QCoreApplication.translate("HallRefusals", "This device belongs to another office."),
        "wrong_suite": QCoreApplication.translate(
            "HallRefusals", "This device's key is not in the hall's signature suite; enrol it again."
        ),
        "role_not_allowed": QCoreApplication.translate("HallRefusals", "This device may not do that."),
        "unauthenticated": QCoreApplication.translate("HallRefusals", "This device is not enrolled in the hall."),
        "revoked_signer": QCoreApplication.translate("HallRefusals", "This device's key has been revoked."),
        "stale_request": QCoreApplication.translate(
            "HallRefusals", "This device's clock is wrong; please set the time."
        ),
    }
    return words.get(
        error.code.value, QCoreApplication.translate("HallRefusals", "The queue system refused the request.")
    )
