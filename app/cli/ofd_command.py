"""`govdesk ofd`: verify sealed OFD documents (e-licences, e-invoices) offline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from app.ofd import gm
from app.ofd.container import MAX_FILE
from app.ofd.errors import OfdError
from app.ofd.verdict import DocumentVerdict, unreadable
from app.ofd.verify import OfdTrust, verify_bytes
from app.ofd.x509_input import read_certificates

SHANGHAI = ZoneInfo("Asia/Shanghai")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `ofd` command and its subcommands."""
    ofd = sub.add_parser("ofd", help="OFD e-licences and e-invoices: verify seals and signatures offline")
    ofd_sub = ofd.add_subparsers(dest="ofd_command", metavar="SUBCOMMAND", required=True)
    check = ofd_sub.add_parser(
        "verify", help="verify every seal and signature of an OFD file; exit 0 valid and trusted, 1 not, 2 unreadable"
    )
    check.add_argument("file", type=Path, help="the .ofd file")
    check.add_argument("--json", action="store_true", help="print the verdict as one JSON object (last line)")
    check.add_argument(
        "--trust-root",
        type=Path,
        action="append",
        default=[],
        help="a trusted root for seals and e-documents (PEM or DER SM2 certificate; repeatable)",
    )
    check.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    """Verify one OFD file and print a verdict per signature and one for the document."""
    try:
        roots = tuple(gm.load_certificate(c) for path in args.trust_root for c in read_certificates(path))
    except (OSError, OfdError) as exc:
        print(f"error: trust root: {exc}", file=sys.stderr)
        return 2
    try:
        data = _read_file(args.file)
    except OfdError as exc:
        verdict = unreadable(exc.code, exc.detail)
    else:
        verdict = verify_bytes(data, OfdTrust(roots=roots))
    _print(verdict, as_json=args.json)
    if not verdict.readable:
        return 2
    return 0 if verdict.valid and verdict.trusted else 1


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError as exc:
        raise OfdError(f"{path}: {exc.strerror or exc}", code="file_unreadable") from exc
    if len(data) > MAX_FILE:
        raise OfdError(f"{path} is larger than {MAX_FILE} bytes", code="file_too_large")
    return data


def _print(verdict: DocumentVerdict, *, as_json: bool) -> None:
    if not as_json:
        for sig in verdict.signatures:
            state = "VALID" if sig.valid else "INVALID"
            trust = "trusted" if sig.trusted else ("revoked" if sig.revoked else "not trusted")
            print(f"signature {sig.id} ({sig.kind}): {state}, {trust} [{sig.reason}]")
            print(f"  {sig.message}")
            if sig.signer:
                print(f"  signer: {sig.signer}")
            if sig.signed_at is not None:
                print(f"  signed at: {sig.signed_at.astimezone(SHANGHAI).isoformat()} (Asia/Shanghai)")
            if sig.seal is not None:
                print(f"  seal: {sig.seal.name} (id {sig.seal.es_id}, v{sig.seal.version})")
            print(f"  covers {len(sig.covered)} file(s)")
        state = "VALID" if verdict.valid else ("UNREADABLE" if not verdict.readable else "INVALID")
        print(f"document: {state}, {'trusted' if verdict.trusted else 'not trusted'} [{verdict.reason}]")
        print(f"  {verdict.message}")
        for key, value in verdict.licence.items():
            print(f"  {key}: {value}")
        return
    print(json.dumps(verdict.to_json(), ensure_ascii=False))
