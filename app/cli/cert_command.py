"""`govdesk cert`: make a department key, issue (PNG, SVG, PDF), revoke and verify electronic certificates."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.catalogue.cert_types import CertType, parse_type, policy
from app.certs import render
from app.certs.errors import CertError
from app.certs.holder import id_number_mistyped
from app.certs.image_input import read_qr_text
from app.certs.issue import issue_certificate, make_claims, record_issue, record_revocation
from app.certs.transport import PREFIXES
from app.certs.verify import verify
from app.cli.enrolment_key import NEW_KEY_SUITE, SUITE_CHOICES
from app.cli.office_command import PasswordSource
from app.ledger.suites import Signer, key_id, suite_by_name
from app.protocol.device_key_file import DeviceKeyUnreadable, read_device_key, write_device_key
from app.store.errors import StoreError
from app.store.replica import Replica, open_replica

MAX_TRUST_FILE = 1024 * 1024


def _acting(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--office", type=Path, required=required, help="the office directory (replica)")
    parser.add_argument("--user", required=required, help="the acting account")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password (then any ID number) from stdin"
    )


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `cert` command and its subcommands."""
    cert = sub.add_parser("cert", help="electronic certificates: issue, revoke, verify offline (also EU HC1: codes)")
    cert_sub = cert.add_subparsers(dest="cert_command", metavar="SUBCOMMAND", required=True)

    keygen = cert_sub.add_parser("keygen", help="make a department signing key file (mode 0600)")
    keygen.add_argument("out", type=Path, help="the key file to write")
    keygen.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="signature suite of the key (default sm2-sm3, GB/T 32918; or ed25519)",
    )
    keygen.set_defaults(func=run_keygen)

    issue = cert_sub.add_parser("issue", help="issue a certificate: QR PNG (and SVG) plus a printable PDF card")
    _acting(issue, required=True)
    issue.add_argument("--key", type=Path, required=True, help="the department key file (from `cert keygen`)")
    issue.add_argument("--issuer", required=True, help="the issuing department's log origin")
    issue.add_argument("--type", required=True, help="certificate type: " + ", ".join(t.value for t in CertType))
    issue.add_argument("--name", required=True, help="the holder's display name")
    issue.add_argument("--field", action="append", default=[], metavar="KEY=VALUE", help="another display field")
    issue.add_argument("--valid-days", type=int, default=365, help="validity in days (default 365)")
    issue.add_argument("--png", type=Path, required=True, help="where to write the QR code PNG")
    issue.add_argument("--pdf", type=Path, required=True, help="where to write the printable card PDF")
    issue.add_argument("--svg", type=Path, help="where to write the QR code SVG")
    issue.set_defaults(func=run_issue)

    revoke = cert_sub.add_parser(
        "revoke", help="revoke a certificate by serial (a cert.revoke entry on the issuer's log)"
    )
    _acting(revoke, required=True)
    revoke.add_argument("--key", type=Path, required=True, help="the department key file")
    revoke.add_argument("--issuer", required=True, help="the issuing department's log origin")
    revoke.add_argument("--serial", required=True)
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(func=run_revoke)

    check = cert_sub.add_parser("verify", help="verify a certificate offline; exit 0 only for VALID")
    check.add_argument("input", help="the QR text (GD1:... or HC1:...), or a path to an image holding the QR code")
    _acting(check, required=False)
    check.add_argument("--trust-x509", type=Path, action="append", default=[], help="a PEM or DER DSC (HCERT)")
    check.add_argument("--at", help="verify as of this ISO 8601 time (default: now)")
    check.add_argument("--json", action="store_true", help="print the verdict as JSON")
    check.set_defaults(func=run_verify)


def _error(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def load_key(path: Path) -> Signer:
    """Load a department key file (app/protocol/device_key_file.py: an Ed25519 seed in hex, or `sm2-sm3:` and an
    SM2 scalar); raise CertError if it is not one."""
    try:
        return read_device_key(path)
    except DeviceKeyUnreadable as exc:
        raise CertError(f"not a department key file: {exc}") from None


def _open(args: argparse.Namespace, passwords: PasswordSource) -> Replica:
    return open_replica(args.office, args.user, passwords.next(f"password for {args.user}: "))


def run_keygen(args: argparse.Namespace) -> int:
    """Write a new department key and print its key id and public key (to enrol in the registry)."""
    if args.out.exists():
        return _error(f"{args.out} exists; not overwriting a key")
    suite = suite_by_name(args.suite)
    private = suite.generate_private()
    signer = suite.signer(private)
    write_device_key(args.out, suite, private)
    print(f"kid        {key_id(suite, signer.public_key).hex()}")
    print(f"public key {signer.public_key.hex()}")
    print(f"suite      {suite.name}")
    return 0


def _fields(items: list[str], name: str) -> dict[str, str]:
    display = {"name": name}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise CertError(f"--field {item!r} is not KEY=VALUE")
        display[key.strip()] = value.strip()
    return display


def run_issue(args: argparse.Namespace) -> int:
    """Issue a certificate, queue its anchor entry, and write the PNG, PDF (and SVG)."""
    cert_type = parse_type(args.type)
    if cert_type is None:
        return _error(f"unknown certificate type {args.type!r}")
    if not 1 <= args.valid_days <= 36600:
        return _error("--valid-days must be between 1 and 36600")
    passwords = PasswordSource(args.password_stdin)
    try:
        signer = load_key(args.key)
        display = _fields(args.field, args.name)
        with _open(args, passwords) as replica:
            id_number = passwords.next("holder ID number: ")
            if id_number_mistyped(id_number):  # a certificate for a number that is nobody's would never match
                return _error(
                    "the holder ID number's check character (GB 11643) does not match its first 17 digits: "
                    "a character was mistyped; nothing was issued",
                    1,
                )
            now_ms = replica.session.now_ms()
            issued_at = now_ms // 1000
            claims = make_claims(
                cert_type, args.issuer, display, id_number, issued_at, issued_at + args.valid_days * 86400
            )
            issued = issue_certificate(claims, signer, now_ms=now_ms)
            render.write_png(issued.text, args.png)
            render.write_pdf_card(claims, issued.text, args.pdf)
            if args.svg:
                render.write_svg(issued.text, args.svg)
            record_issue(replica, issued)
    except (CertError, StoreError) as exc:
        return _error(str(exc), 1)
    print(f"issued     {policy(cert_type).name_en} ({policy(cert_type).name_zh})")
    print(f"serial     {claims.serial}")
    print(f"cert hash  {issued.cert_hash.hex()}")
    version = render.qr_code(issued.text).version
    print(f"QR         version {version}, level {render.ERROR_LEVEL}, {len(issued.text)} chars")
    print(f"wrote      {args.png} {args.pdf}" + (f" {args.svg}" if args.svg else ""))
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a certificate: queue a cert.revoke entry and record the revocation at this office."""
    try:
        signer = load_key(args.key)
        with _open(args, PasswordSource(args.password_stdin)) as replica:
            leaf = record_revocation(
                replica, args.issuer, args.serial.upper(), args.reason, replica.session.now_ms(), signer
            )
    except (CertError, StoreError) as exc:
        return _error(str(exc), 1)
    print(f"revoked    {args.serial.upper()} (entry {leaf.hex()} queued for {args.issuer})")
    return 0


def _parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _input_text(value: str) -> str:
    if value.startswith(tuple(PREFIXES.values())):
        return value
    path = Path(value)
    if path.exists():
        return read_qr_text(path)
    return value


def _read_trust(paths: list[Path]) -> list[bytes]:
    out = []
    for path in paths:
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_TRUST_FILE + 1)
        except OSError as exc:
            raise CertError(f"cannot read {path}: {exc.strerror or exc}") from None
        if len(data) > MAX_TRUST_FILE:
            raise CertError(f"{path} is larger than {MAX_TRUST_FILE} bytes")
        out.append(data)
    return out


def run_verify(args: argparse.Namespace) -> int:
    """Verify a certificate; print the verdict; exit 0 only for VALID."""
    if (args.office is None) != (args.user is None):
        return _error("--office and --user go together")
    try:
        at = _parse_at(args.at)
    except ValueError:
        return _error(f"--at {args.at!r} is not an ISO 8601 time")
    try:
        trust = _read_trust(args.trust_x509)
        text = _input_text(args.input)
        if args.office is not None:
            with _open(args, PasswordSource(args.password_stdin)) as replica:
                verdict = verify(text, trust_x509=trust, at=at, office=replica)
        else:
            verdict = verify(text, trust_x509=trust, at=at)
    except (CertError, StoreError) as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps(verdict.to_json(), ensure_ascii=False, indent=None))
    else:
        print(verdict.status.value)
        print(verdict.reason_zh)
        print(verdict.reason_en)
        if verdict.replica_age_ms is not None:
            print(f"replica age {verdict.replica_age_ms // 1000} s")
        for key, value in verdict.claims.items():
            if key not in ("hcert",):
                print(f"  {key}: {value}")
    return 0 if verdict.ok else 1
