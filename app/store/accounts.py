"""Accounts of the office machine: add, disable, remove, and password changes that re-wrap the key only."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.ledger.suites import ED25519, key_id
from app.store import logins, roles
from app.store.errors import AccountDisabled, InvalidInput, PermissionDenied, UnknownAccount
from app.store.keywrap import KdfParams, wrap_key
from app.store.office_files import OfficeDir
from app.store.session import Account, Session

NAME_PATTERN = re.compile(r"[^\W][\w.\-]{0,63}")
ACCOUNT_COLUMNS = "name, role, status, kid, public_key"


def check_name(name: object) -> str:
    """Return `name` if it is a valid account name (letters, digits, . _ -; up to 64), else raise InvalidInput."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput("an account name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


@dataclass(frozen=True)
class Keyring:
    """What re-wrapping needs: the office, its id, the database key and the Argon2id parameters."""

    office: OfficeDir
    office_id: str
    db_key: bytes
    kdf: KdfParams


def insert_account(session: Session, name: str, role: str, now_ms: int) -> Account:
    """Insert an active account with a fresh personal Ed25519 key; return it."""
    private = ED25519.generate_private()
    public = ED25519.signer(private).public_key
    kid = key_id(ED25519, public)
    session.execute(
        "INSERT INTO accounts(name, role, status, suite, private_key, public_key, kid, created_ms, changed_ms) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        (name, role, "active", ED25519.name, private, public, kid, now_ms, now_ms),
    )
    return Account(name, role, "active", kid, public)


class Accounts:
    """Account management, with each operation checked against the acting account's role."""

    def __init__(self, session: Session, keyring: Keyring) -> None:
        self._s = session
        self._k = keyring

    def get(self, name: str) -> Account | None:
        """Return an account by name, or None."""
        row = self._s.one(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ?", (check_name(name),))
        return Account(*row) if row else None

    def list(self) -> list[Account]:
        """Return every account, by name."""
        if not (roles.allowed(self._s.account.role, roles.ACCOUNT_MANAGE)):
            self._s.require(roles.AUDIT_REVIEW)
        return [Account(*row) for row in self._s.all(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY name")]

    def _existing(self, name: str) -> Account:
        account = self.get(name)
        if account is None or account.status == "removed":
            raise UnknownAccount(f"no account named {name!r}")
        return account

    def _set_wrap(self, name: str, password: str | None) -> None:
        wraps = self._k.office.read_wraps()
        if password is None:
            wraps.pop(name, None)
        else:
            wraps[name] = wrap_key(self._k.db_key, password, self._k.office_id, name, self._k.kdf)
        self._k.office.write_wraps(wraps)

    def add(self, name: str, role: str, password: str) -> Account:
        """Create an account with its own signing key and a wrap of the database key under its password."""
        self._s.require(roles.ACCOUNT_MANAGE)
        name = check_name(name)
        try:
            role = roles.Role(role).value
        except ValueError:
            raise InvalidInput(f"role must be one of {[r.value for r in roles.Role]}") from None
        if self.get(name) is not None:
            raise InvalidInput(f"an account named {name!r} exists already (names are never reused)")
        wrapped = wrap_key(self._k.db_key, password, self._k.office_id, name, self._k.kdf)
        with self._s.transaction():
            account = insert_account(self._s, name, role, self._s.now_ms())
            self._s.audit.append("account.add", "ok", {"account": name, "role": role})
        wraps = self._k.office.read_wraps()
        wraps[name] = wrapped
        self._k.office.write_wraps(wraps)
        return account

    def _set_status(self, name: str, status: str, action: str) -> None:
        self._s.require(roles.ACCOUNT_MANAGE)
        account = self._existing(check_name(name))
        if account.role == roles.Role.ADMIN and account.status == "active":
            admins = self._s.one("SELECT count(*) FROM accounts WHERE role = 'admin' AND status = 'active'")[0]
            if admins <= 1:
                raise InvalidInput("the last active admin account cannot be disabled or removed")
        with self._s.transaction():
            wipe = ", private_key = NULL" if status == "removed" else ""
            self._s.execute(
                f"UPDATE accounts SET status = ?, changed_ms = ?{wipe} WHERE name = ?", (status, self._s.now_ms(), name)
            )
            self._s.audit.append(action, "ok", {"account": name})
        # The wrap goes too: the password no longer opens anything, and a copy of the old wrap (a cached
        # credential) is refused at unlock because the database says the account is not active.
        self._set_wrap(name, None)

    def disable(self, name: str) -> None:
        """Disable an account: it can no longer unlock the replica."""
        self._set_status(name, "disabled", "account.disable")

    def remove(self, name: str) -> None:
        """Remove an account: disabled for good, its private signing key erased, its name never reused."""
        self._set_status(name, "removed", "account.remove")

    def reset_password(self, name: str, new_password: str) -> None:
        """Set another account's password (supervisor: clerks only; admin: anyone) and lift its lockout."""
        target = self._existing(check_name(name))
        if not roles.may_reset_password_of(self._s.account.role, target.role):
            raise PermissionDenied(self._s.account.role, f"{roles.RESET_CLERK_PASSWORD} of a {target.role}")
        if target.status != "active":
            raise AccountDisabled(f"account {name!r} is {target.status}; an admin must add a new account")
        self._set_wrap(name, new_password)
        logins.clear(self._k.office, name)
        self._s.audit.append("account.reset_password", "ok", {"account": name})

    def change_password(self, new_password: str) -> None:
        """Change the acting account's own password (re-wraps the database key, nothing else)."""
        self._set_wrap(self._s.account.name, new_password)
        self._s.audit.append("account.change_password", "ok", {})
