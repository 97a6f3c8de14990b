"""Typed, machine-readable refusals: every reason the node says no, with its HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar


class Code(StrEnum):
    """A refusal code as it appears on the wire (`{"refusal": {"code": ...}}`)."""

    MALFORMED_ENTRY = "malformed_entry"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_SIGNER = "unknown_signer"
    REVOKED_SIGNER = "revoked_signer"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    WRONG_LOG = "wrong_log"
    ENTRY_TOO_LARGE = "entry_too_large"
    BATCH_TOO_LARGE = "batch_too_large"
    BODY_TOO_LARGE = "body_too_large"
    MALFORMED_REQUEST = "malformed_request"
    UNAUTHENTICATED = "unauthenticated"
    BAD_REQUEST_SIGNATURE = "bad_request_signature"
    STALE_REQUEST = "stale_request"
    REPLAYED_REQUEST = "replayed_request"
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    SEQUENCING_TIMEOUT = "sequencing_timeout"
    REQUEST_TIMEOUT = "request_timeout"
    NOT_FOUND = "not_found"
    STORE_UNAVAILABLE = "store_unavailable"
    DIGEST_MISMATCH = "digest_mismatch"
    RESULT_CONFLICT = "result_conflict"


HTTP_STATUS: dict[Code, int] = {
    Code.MALFORMED_ENTRY: 400,
    Code.BAD_SIGNATURE: 403,
    Code.UNKNOWN_SIGNER: 403,
    Code.REVOKED_SIGNER: 403,
    Code.ROLE_NOT_ALLOWED: 403,
    Code.WRONG_LOG: 403,
    Code.ENTRY_TOO_LARGE: 413,
    Code.BATCH_TOO_LARGE: 413,
    Code.BODY_TOO_LARGE: 413,
    Code.MALFORMED_REQUEST: 400,
    Code.DIGEST_MISMATCH: 400,
    Code.RESULT_CONFLICT: 409,
    Code.UNAUTHENTICATED: 401,
    Code.BAD_REQUEST_SIGNATURE: 401,
    Code.STALE_REQUEST: 401,
    Code.REPLAYED_REQUEST: 401,
    Code.RATE_LIMITED: 429,
    Code.OVERLOADED: 503,
    Code.SEQUENCING_TIMEOUT: 503,
    Code.REQUEST_TIMEOUT: 408,
    Code.NOT_FOUND: 404,
    Code.STORE_UNAVAILABLE: 503,
}


class WireRefusal(Exception):
    """A server's refusal of a request: a wire code, a message, optional machine-readable detail, an HTTP status.

    Each server's refusal class names its code enum and its table of statuses (`status_of`)."""

    status_of: ClassVar[Mapping[StrEnum, int]] = {}

    def __init__(self, code: StrEnum, message: str, detail: dict[str, object] | None = None) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message
        self.detail = detail or {}

    @property
    def status(self) -> int:
        """The HTTP status that carries this refusal."""
        return self.status_of[self.code]

    def to_json(self) -> dict[str, object]:
        """Return the refusal as the JSON object the API sends (`detail` only when there is some)."""
        out: dict[str, object] = {"code": self.code.value, "message": self.message}
        if self.detail:
            out["detail"] = self.detail
        return out


class Refusal(WireRefusal):
    """The node refuses a request or an entry, for the reason `code`."""

    status_of = HTTP_STATUS
    code: Code

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(code, message)
