"""Accounts of the office machine: add, disable, remove, password changes and resets.

Each account's signing key is sealed under that account's own password (app/store/signing_keys.py) and
kept with its database-key wrap in `keys.json`. A password change re-wraps and re-seals that one account's
keys; a reset by a supervisor or admin gives the account a new signing key (nobody learns the old one),
retires the old key and records an enrolment request for the new one.

New keys (accounts, resets) are made in the office's configured signature suite (the `signature_suite`
setting: `ed25519`, or `sm2-sm3` as Beijing deploys); each account's row and sealed key name their own suite,
so keys made before a change of suite keep verifying (docs/accounts-suites.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.suites import ED25519, SignatureSuite, suite_by_name
from app.store import logins, roles
from app.store.errors import AccountDisabled, InvalidInput, PermissionDenied, UnknownAccount
from app.store.keywrap import KdfParams, wrap_key_with_kek
from app.store.office_files import KeyFile, OfficeDir
from app.store.session import Account, Session
from app.store.signing_keys import AccountKey, SealedKey

NAME_PATTERN = re.compile(r"[^\W][\w.\-]{0,63}")
ACCOUNT_COLUMNS = "name, role, status, kid, public_key"
SUITE_SETTING = "signature_suite"
LEGACY_SUITE = ED25519.name  # an office made before the setting existed signs with Ed25519


def check_name(name: object) -> str:
    """Return `name` if it is a valid account name (letters, digits, . _ -; up to 64), else raise InvalidInput."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise InvalidInput("an account name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


@dataclass(frozen=True)
class Keyring:
    """What re-wrapping needs: the office, its id, the database key, the Argon2id parameters and the acting
    account's own signing key (re-sealed when its password changes)."""

    office: OfficeDir
    office_id: str
    db_key: bytes
    kdf: KdfParams
    account_key: AccountKey | None = None


def check_suite(name: object) -> SignatureSuite:
    """Return the signature suite named `name`, or raise InvalidInput."""
    if not isinstance(name, str):
        raise InvalidInput("a signature suite is named by text")
    try:
        return suite_by_name(name)
    except UnsupportedAlgorithm:
        raise InvalidInput(f"no signature suite named {name[:64]!r}") from None


def office_suite(session: Session) -> SignatureSuite:
    """Return the suite new account and device keys of this office are made in (its `signature_suite` setting)."""
    row = session.one("SELECT value FROM settings WHERE name = ?", (SUITE_SETTING,))
    return check_suite(row[0] if row else LEGACY_SUITE)


def store_office_suite(session: Session, suite: SignatureSuite) -> None:
    """Record the office's configured suite (inside the caller's transaction)."""
    session.execute("INSERT OR REPLACE INTO settings(name, value) VALUES (?, ?)", (SUITE_SETTING, suite.name))


def new_account_key(suite: SignatureSuite) -> AccountKey:
    """Return a fresh signing key for an account in `suite` (the office's configured suite)."""
    return AccountKey(suite, suite.generate_private())


def insert_account(session: Session, name: str, role: str, now_ms: int, key: AccountKey) -> Account:
    """Insert an active account whose signing key is `key` (its private half is never stored here); return it."""
    session.execute(
        "INSERT INTO accounts(name, role, status, suite, private_key, public_key, kid, created_ms, changed_ms) "
        "VALUES (?,?,?,?,NULL,?,?,?,?)",
        (name, role, "active", key.suite.name, key.public_key, key.kid, now_ms, now_ms),
    )
    return Account(name, role, "active", key.kid, key.public_key)


def store_keys(office: OfficeDir, name: str, wrap: object, sealed: tuple[bytes, SealedKey] | None) -> None:
    """Replace one account's database-key wrap and sealed signing key in `keys.json` (one atomic write)."""
    keyfile = office.read_keyfile() if office.keys_file.exists() else KeyFile({}, {}, {})
    wraps, signing = dict(keyfile.wraps), dict(keyfile.signing_keys)
    if wrap is None:
        wraps.pop(name, None)
        signing.pop(name, None)
    else:
        wraps[name] = wrap  # type: ignore[assignment]
        if sealed is not None:
            signing[name] = sealed
    office.write_keyfile(KeyFile(wraps, signing, keyfile.failures))


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

    def _remove_keys(self, name: str) -> None:
        store_keys(self._k.office, name, None, None)

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
        wrapped, kek = wrap_key_with_kek(self._k.db_key, password, self._k.office_id, name, self._k.kdf)
        key = new_account_key(office_suite(self._s))
        sealed = key.reseal(kek, self._k.office_id, name)
        with self._s.transaction():
            account = insert_account(self._s, name, role, self._s.now_ms(), key)
            self._s.audit.append(
                "account.add", "ok", {"account": name, "role": role, "kid": key.kid, "suite": key.suite.name}
            )
        store_keys(self._k.office, name, wrapped, (key.kid, sealed))
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
        # The wrap and the sealed key go too: the password no longer opens anything, and a copy of the old wrap (a
        # cached credential) is refused at unlock because the database says the account is not active.
        self._remove_keys(name)

    def disable(self, name: str) -> None:
        """Disable an account: it can no longer unlock the replica."""
        self._set_status(name, "disabled", "account.disable")

    def remove(self, name: str) -> None:
        """Remove an account: disabled for good, its private signing key erased, its name never reused."""
        self._set_status(name, "removed", "account.remove")

    def reset_password(self, name: str, new_password: str) -> bytes:
        """Set another account's password (supervisor: clerks only; admin: anyone), lift its lockout, and give it a
        new signing key: the old key is retired and an enrolment request for the new one is recorded. Returns the
        new key's id."""
        target = self._existing(check_name(name))
        if not roles.may_reset_password_of(self._s.account.role, target.role):
            raise PermissionDenied(self._s.account.role, f"{roles.RESET_CLERK_PASSWORD} of a {target.role}")
        if target.status != "active":
            raise AccountDisabled(f"account {name!r} is {target.status}; an admin must add a new account")
        wrapped, kek = wrap_key_with_kek(self._k.db_key, new_password, self._k.office_id, name, self._k.kdf)
        key = new_account_key(office_suite(self._s))
        sealed = key.reseal(kek, self._k.office_id, name)
        now = self._s.now_ms()
        old_suite = self._s.one("SELECT suite FROM accounts WHERE name = ?", (name,))[0]
        with self._s.transaction():
            self._s.execute(
                "INSERT OR IGNORE INTO retired_keys(kid, account, suite, public_key, retired_ms, reason) "
                "VALUES (?,?,?,?,?,?)",
                (target.kid, name, old_suite, target.public_key, now, "password reset"),
            )
            self._s.execute(
                "UPDATE accounts SET suite = ?, public_key = ?, kid = ?, private_key = NULL, changed_ms = ? "
                "WHERE name = ?",
                (key.suite.name, key.public_key, key.kid, now, name),
            )
            self._s.execute(
                "INSERT OR REPLACE INTO enrolment_requests(kid, account, role, replaces, requested_ms, leaf_hash) "
                "VALUES (?,?,?,?,?,NULL)",
                (key.kid, name, target.role, target.kid, now),
            )
            self._s.audit.append(
                "account.reset_password",
                "ok",
                {"account": name, "old_kid": target.kid, "new_kid": key.kid, "suite": key.suite.name},
            )
        store_keys(self._k.office, name, wrapped, (key.kid, sealed))
        logins.clear(self._k.office, name)
        return key.kid

    def suite(self) -> str:
        """Return the name of the suite this office makes new account keys in."""
        return office_suite(self._s).name

    def set_suite(self, name: str) -> None:
        """Change the suite new account keys are made in (admins only, audited). Existing keys keep their own suite
        until their account's password is reset."""
        self._s.require(roles.ACCOUNT_MANAGE)  # admins only
        suite = check_suite(name)
        old = office_suite(self._s).name
        with self._s.transaction():
            store_office_suite(self._s, suite)
            self._s.audit.append("account.suite", "ok", {"old": old, "new": suite.name})

    def change_password(self, new_password: str) -> None:
        """Change the acting account's own password: re-wraps the database key and re-seals this account's own
        signing key (one atomic write of `keys.json`), nothing else."""
        name = self._s.account.name
        wrapped, kek = wrap_key_with_kek(self._k.db_key, new_password, self._k.office_id, name, self._k.kdf)
        own = self._k.account_key
        sealed = (own.kid, own.reseal(kek, self._k.office_id, name)) if own is not None else None
        store_keys(self._k.office, name, wrapped, sealed)
        self._s.audit.append("account.change_password", "ok", {})
