"""`govdesk office roots`: the office's trusted root certificates from the command line (administrators).

The same checks, storage and audit records as the administrator's screen (app/trust_root_admin.py). Adding a
root is confirmed by naming its fingerprint: `add FILE` alone shows the root and changes nothing; `add FILE
--fingerprint HEX` trusts it only if HEX is its SM3 or its SHA-256 fingerprint (colons and case ignored), as the
administrator compares it with what the issuing authority handed over.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.beijing_time import shown_time
from app.pki.root_candidate import fingerprint_text
from app.pki.sm2_x509 import Sm2Certificate
from app.store.errors import StoreError
from app.store.replica import Replica
from app.store.trust_roots import TRUST_LISTS
from app.trust_root_admin import TrustRootAdmin


def register_roots(
    office_sub: argparse._SubParsersAction,
    acting_options: Callable[[argparse.ArgumentParser], None],
    open_acting: Callable[[argparse.Namespace], Replica],
) -> None:
    """Add `office roots list|add|remove`; `open_acting` opens the replica as the acting account of the options."""
    roots = office_sub.add_parser("roots", help="trusted root certificates: department and seal lists (admins change)")
    roots.set_defaults(open_acting=open_acting)
    roots_sub = roots.add_subparsers(dest="roots_command", metavar="ACTION", required=True)
    listing = roots_sub.add_parser("list", help="list the trusted roots")
    listing.add_argument("--list", dest="trust_list", choices=TRUST_LISTS, help="one list (default: both)")
    acting_options(listing)
    listing.set_defaults(func=run_list)
    add = roots_sub.add_parser("add", help="show a root certificate file; trust it when --fingerprint matches")
    add.add_argument("file", type=Path, help="the root certificate (PEM or DER)")
    add.add_argument("--list", dest="trust_list", choices=TRUST_LISTS, required=True)
    add.add_argument("--fingerprint", help="its SM3 or SHA-256 fingerprint as the issuing authority gave it (hex)")
    add.add_argument("--label", default="", help="where the root came from")
    acting_options(add)
    add.set_defaults(func=run_add)
    remove = roots_sub.add_parser("remove", help="stop trusting a root")
    remove.add_argument("--list", dest="trust_list", choices=TRUST_LISTS, required=True)
    remove.add_argument("--fingerprint", required=True, help="the root's SM3 fingerprint (hex, as `list` shows)")
    acting_options(remove)
    remove.set_defaults(func=run_remove)


def _hex(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text.replace(":", "").replace(" ", ""))
    except ValueError:
        return None


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _describe(certificate: Sm2Certificate) -> str:
    return "\n".join(
        [
            f"subject      {certificate.subject.rfc4514_string()}",
            f"issuer       {certificate.issuer.rfc4514_string()}",
            f"serial       {certificate.serial:X}",
            f"valid from   {shown_time(_ms(certificate.not_before), 'en')}",
            f"valid until  {shown_time(_ms(certificate.not_after), 'en')}",
            f"SM3          {fingerprint_text(certificate.fingerprint)}",
            f"SHA-256      {fingerprint_text(certificate.sha256_fingerprint)}",
        ]
    )


def _with_replica(args: argparse.Namespace, run: Callable[[Replica], int]) -> int:
    try:
        with args.open_acting(args) as replica:
            return run(replica)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run_list(args: argparse.Namespace) -> int:
    """Print the trusted roots of one list or both."""

    def show(replica: Replica) -> int:
        for trust_list in [args.trust_list] if args.trust_list else TRUST_LISTS:
            for root in replica.trust_roots.roots(trust_list):
                print(f"[{trust_list}] {root.certificate.common_name}  ({root.label or 'no note'}, by {root.added_by})")
                print(_describe(root.certificate))
        return 0

    return _with_replica(args, show)


def run_add(args: argparse.Namespace) -> int:
    """Show the root; trust it only when --fingerprint names it."""

    def add(replica: Replica) -> int:
        admin = TrustRootAdmin(lambda: replica)
        candidate = admin.examine(args.trust_list, args.file)
        print(_describe(candidate.certificate))
        given = _hex(args.fingerprint or "")
        if given not in (candidate.sm3_fingerprint, candidate.sha256_fingerprint):
            what = "does not match" if args.fingerprint else "was not given"
            print(f"not trusted: the fingerprint {what}; compare the SM3 or SHA-256 fingerprint above with the one the "
                  "issuing authority gave you, then run again with --fingerprint", file=sys.stderr)  # fmt: skip
            return 1
        root = admin.add(args.trust_list, candidate, args.label)
        print(f"trusted in the {args.trust_list} list: {root.certificate.common_name} ({root.fingerprint.hex()})")
        return 0

    return _with_replica(args, add)


def run_remove(args: argparse.Namespace) -> int:
    """Stop trusting a root."""

    def remove(replica: Replica) -> int:
        fingerprint = _hex(args.fingerprint)
        if fingerprint is None or not replica.trust_roots.remove(args.trust_list, fingerprint):
            print(
                f"error: no root with SM3 fingerprint {args.fingerprint} in the {args.trust_list} list", file=sys.stderr
            )
            return 1
        print(f"removed from the {args.trust_list} list: {fingerprint.hex()}")
        return 0

    return _with_replica(args, remove)
