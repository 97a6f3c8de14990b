"""Typed refusals of the hall service: every reason it says no, with the HTTP status that carries it."""

from __future__ import annotations

from enum import StrEnum

from app.protocol.refusals import WireRefusal


class HallCode(StrEnum):
    """A refusal code as it appears on the wire (`{"refusal": {"code": ...}}`)."""

    MALFORMED_REQUEST = "malformed_request"
    BODY_TOO_LARGE = "body_too_large"
    REQUEST_TIMEOUT = "request_timeout"
    UNAUTHENTICATED = "unauthenticated"
    BAD_REQUEST_SIGNATURE = "bad_request_signature"
    STALE_REQUEST = "stale_request"
    REPLAYED_REQUEST = "replayed_request"
    REVOKED_SIGNER = "revoked_signer"
    WRONG_OFFICE = "wrong_office"
    WRONG_SUITE = "wrong_suite"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_WINDOW = "unknown_window"
    UNKNOWN_TICKET = "unknown_ticket"
    UNKNOWN_APPOINTMENT = "unknown_appointment"
    APPOINTMENT_USED = "appointment_used"
    WINDOW_BUSY = "window_busy"
    TICKET_NOT_HELD = "ticket_not_held"
    ALREADY_FINISHED = "already_finished"
    DAY_FULL = "day_full"
    NOT_FOUND = "not_found"


HTTP_STATUS: dict[HallCode, int] = {
    HallCode.MALFORMED_REQUEST: 400,
    HallCode.BODY_TOO_LARGE: 413,
    HallCode.REQUEST_TIMEOUT: 408,
    HallCode.UNAUTHENTICATED: 401,
    HallCode.BAD_REQUEST_SIGNATURE: 401,
    HallCode.STALE_REQUEST: 401,
    HallCode.REPLAYED_REQUEST: 401,
    HallCode.REVOKED_SIGNER: 403,
    HallCode.WRONG_OFFICE: 403,
    HallCode.WRONG_SUITE: 403,
    HallCode.ROLE_NOT_ALLOWED: 403,
    HallCode.UNKNOWN_CATEGORY: 404,
    HallCode.UNKNOWN_WINDOW: 404,
    HallCode.UNKNOWN_TICKET: 404,
    HallCode.UNKNOWN_APPOINTMENT: 404,
    HallCode.APPOINTMENT_USED: 409,
    HallCode.WINDOW_BUSY: 409,
    HallCode.TICKET_NOT_HELD: 409,
    HallCode.ALREADY_FINISHED: 409,
    HallCode.DAY_FULL: 503,
    HallCode.NOT_FOUND: 404,
}


class HallRefusal(WireRefusal):
    """The hall refuses a request for the reason `code`; `detail` carries machine-readable context."""

    status_of = HTTP_STATUS
    code: HallCode

    def __init__(self, code: HallCode, message: str, detail: dict[str, object] | None = None) -> None:
        super().__init__(code, message, detail)
