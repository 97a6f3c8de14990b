"""Which log a department writes to, and which department a registry record names. Pure lookups."""

from __future__ import annotations

from app.catalogue.errors import WrongDepartment
from app.protocol.departments import UnknownDepartment, all_departments, department


def origin_of(department_id: str) -> str:
    """Return the log origin of a department."""
    try:
        return department(department_id).origin
    except UnknownDepartment:
        raise WrongDepartment(f"no department {department_id!r}") from None


def department_id(value: str) -> str:
    """Return the department id a registry record names, whether it names the id or the log origin."""
    for d in all_departments():
        if value in (d.id, d.origin):
            return d.id
    return value
