"""`govdesk office`: create an office replica, manage its accounts and check it, non-interactively if need be."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from app.cli.enrolment_key import NEW_KEY_SUITE, SUITE_CHOICES
from app.cli.roots_command import register_roots
from app.review.signoff import signoff_problems
from app.store.errors import StoreError
from app.store.replica import Replica, create_office, open_replica
from app.store.roles import Role

MAX_PASSWORD_LINE = 1024


class PasswordSource:
    """Passwords from stdin, one per line (with --password-stdin), or asked for on the terminal."""

    def __init__(self, from_stdin: bool, stream: TextIO | None = None) -> None:
        self.from_stdin = from_stdin
        self.stream = stream if stream is not None else sys.stdin

    def next(self, prompt: str) -> str:
        """Return the next password; raise StoreError if stdin has no further line."""
        if not self.from_stdin:
            return getpass.getpass(prompt)
        line = self.stream.readline(MAX_PASSWORD_LINE + 2)
        if not line:
            raise StoreError(f"stdin ended before the password for: {prompt.strip(': ')}")
        password = line.rstrip("\r\n")
        if not password:
            raise StoreError(f"an empty line was given as the password for: {prompt.strip(': ')}")
        return password


def _acting_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--office", type=Path, required=True, help="the office directory")
    parser.add_argument("--user", required=True, help="the acting account")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password (then any new password) from stdin lines"
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `office` command and its subcommands."""
    office = sub.add_parser("office", help="the encrypted office replica: create it, manage accounts, check it")
    office_sub = office.add_subparsers(dest="office_command", metavar="SUBCOMMAND", required=True)

    init = office_sub.add_parser("init", help="create an office replica with its admin account")
    init.add_argument("directory", type=Path)
    init.add_argument("--name", required=True, help="the office's name")
    init.add_argument("--admin", required=True, help="name of the first (admin) account")
    init.add_argument("--password-stdin", action="store_true", help="read the admin's password from stdin")
    init.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="signature suite of the office's account and device keys (default sm2-sm3, GB/T 32918; or ed25519)",
    )
    init.set_defaults(func=run_init)

    user = office_sub.add_parser("user", help="add, disable or reset the password of an account")
    user_sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", help="add an account (admins); its password is the next stdin line")
    add.add_argument("new_user")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    _acting_options(add)
    add.set_defaults(func=run_user_add)
    disable = user_sub.add_parser("disable", help="disable an account (admins)")
    disable.add_argument("target")
    _acting_options(disable)
    disable.set_defaults(func=run_user_disable)
    reset = user_sub.add_parser(
        "reset-password", help="set an account's password and lift its lockout (supervisors: clerks; admins: all)"
    )
    reset.add_argument("target")
    _acting_options(reset)
    reset.set_defaults(func=run_user_reset)

    check = office_sub.add_parser("check", help="integrity, rollback and audit-chain checks; non-zero exit on damage")
    _acting_options(check)
    check.set_defaults(func=run_check)

    register_roots(office_sub, _acting_options, lambda args: _open(args, PasswordSource(args.password_stdin)))


def _fail(exc: StoreError) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 1


def _open(args: argparse.Namespace, passwords: PasswordSource) -> Replica:
    return open_replica(args.office, args.user, passwords.next(f"password for {args.user}: "))


def run_init(args: argparse.Namespace) -> int:
    """Create an office."""
    try:
        password = PasswordSource(args.password_stdin).next(f"new password for {args.admin}: ")
        with create_office(args.directory, args.name, args.admin, password, suite=args.suite) as replica:
            print(f"created office {replica.name!r} in {args.directory} with admin {args.admin!r}")
            print(f"device key {replica.device_kid.hex()} ({replica.device_signer.suite.name})")
    except StoreError as exc:
        return _fail(exc)
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    """Add an account."""
    passwords = PasswordSource(args.password_stdin)
    try:
        with _open(args, passwords) as replica:
            account = replica.accounts.add(
                args.new_user, args.role, passwords.next(f"new password for {args.new_user}: ")
            )
            print(f"added {account.role} {account.name!r} (signing key {account.kid.hex()})")
    except StoreError as exc:
        return _fail(exc)
    return 0


def run_user_disable(args: argparse.Namespace) -> int:
    """Disable an account."""
    try:
        with _open(args, PasswordSource(args.password_stdin)) as replica:
            replica.accounts.disable(args.target)
            print(f"disabled {args.target!r}")
    except StoreError as exc:
        return _fail(exc)
    return 0


def run_user_reset(args: argparse.Namespace) -> int:
    """Reset another account's password."""
    passwords = PasswordSource(args.password_stdin)
    try:
        with _open(args, passwords) as replica:
            kid = replica.accounts.reset_password(args.target, passwords.next(f"new password for {args.target}: "))
            print(f"reset the password of {args.target!r}")
            # A reset gives the account a new key: the department must enrol it (the request goes at the next sync).
            print(f"new signing key {kid.hex()} (the old one is retired; enrolment requested from the department)")
    except StoreError as exc:
        return _fail(exc)
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Check the replica; exit 1 naming the damage."""
    try:
        with _open(args, PasswordSource(args.password_stdin)) as replica:
            report = replica.check()
            report.problems += signoff_problems(replica)  # signed-off days (app/review)
    except StoreError as exc:
        return _fail(exc)
    if not report.ok:
        for problem in report.problems:
            print(f"DAMAGE: {problem}", file=sys.stderr)
        return 1
    print(f"ok: integrity, cipher integrity, rollback and audit chain ({report.audit_records} records)")
    return 0
