"""Translated names of the account roles, for the login, lock and status screens."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def role_name(role: str) -> str:
    """Return the role's name in the current language."""
    names = {
        "clerk": QCoreApplication.translate("Roles", "Clerk"),
        "supervisor": QCoreApplication.translate("Roles", "Supervisor"),
        "admin": QCoreApplication.translate("Roles", "Administrator"),
    }
    return names.get(role, role)
