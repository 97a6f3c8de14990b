"""Typed errors of the service catalogue, and the base class every services-area error shares."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error the catalogue and app/services raise."""


class CatalogueError(ServiceError):
    """The catalogue file (or a published catalogue entry) is not valid; the message names service and field."""

    def __init__(self, message: str, service: str | None = None, field: str | None = None) -> None:
        parts = (f"service {service!r}" if service else "", f"field {field!r}" if field else "")
        where = " ".join(p for p in parts if p)
        super().__init__(f"catalogue: {where + ': ' if where else ''}{message}")
        self.service = service
        self.field = field


class UnknownService(ServiceError):
    """No service of the catalogue has this id."""


class Refusal(ServiceError):
    """A transition or exchange refused by the rules; `code` is stable and machine-readable, `params` fill its
    sentence in the UI's table of refusals (ui/refusal_text.py)."""

    code = "refused"

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message)
        self.params = {key: str(value) for key, value in params.items()}


class WrongDepartment(Refusal):
    """The signing key belongs to another department than the one that performs this step."""

    code = "wrong_department"


class StepOutOfOrder(Refusal):
    """The transition is not allowed from the case's current state."""

    code = "step_out_of_order"
