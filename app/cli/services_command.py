"""`govdesk case` and `govdesk consent`: cases across departments and consented data exchange, with --json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import ServiceError
from app.cli.office_command import PasswordSource
from app.services import CaseDesk, ConsentDesk, access_report, render_report
from app.services.counter import perform_next
from app.store.errors import StoreError
from app.store.replica import Replica, open_replica


def _acting(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--office", type=Path, required=True, help="the office directory")
    parser.add_argument("--user", required=True, help="the acting account")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    parser.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `case` and `consent` commands."""
    case = sub.add_parser("case", help="open, show, advance and list cases of the service catalogue")
    case_sub = case.add_subparsers(dest="case_command", metavar="SUBCOMMAND", required=True)
    p = case_sub.add_parser(
        "open", help="accept a case for a citizen with their e-ID and required certificates (the ID number stays here)"
    )
    _acting(p)
    p.add_argument("service", help="catalogue service id, e.g. banking-insurance.sme-loan")
    p.add_argument("--name", required=True, help="the citizen's name")
    p.add_argument("--id-number", required=True, help="the citizen's ID number")
    p.add_argument("--certificate", action="append", default=[], help="QR text of a certificate shown (repeat)")
    p.set_defaults(func=run_case_open)
    p = case_sub.add_parser("show", help="show a case and its history")
    _acting(p)
    p.add_argument("case_id")
    p.set_defaults(func=run_case_show)
    p = case_sub.add_parser("advance", help="perform the next step (or decide, close, reject, withdraw)")
    _acting(p)
    p.add_argument("case_id")
    p.add_argument("--action", choices=["step", "decide", "close", "reject", "withdraw"], default="step")
    p.add_argument("--reason", default="other", help="rejection reason code")
    p.add_argument("--certificate", action="append", default=[], help="QR text of a certificate shown (repeat)")
    p.set_defaults(func=run_case_advance)
    p = case_sub.add_parser("list", help="list open cases, a department's work queue, or the overdue ones")
    _acting(p)
    p.add_argument("--department", help="show this department's work queue")
    p.add_argument("--overdue", action="store_true", help="only cases past their time limit")
    p.set_defaults(func=run_case_list)

    consent = sub.add_parser("consent", help="a citizen's consent to data sharing, and their access report")
    consent_sub = consent.add_subparsers(dest="consent_command", metavar="SUBCOMMAND", required=True)
    p = consent_sub.add_parser("grant", help="record a consent at this counter (the requesting department's)")
    _acting(p)
    p.add_argument("--id-number", required=True)
    p.add_argument("--provider", required=True, help="the department whose data may be read")
    p.add_argument("--scope", required=True, help="comma-separated data scope codes")
    p.add_argument("--purpose", required=True, help="the catalogue service the data is for")
    p.add_argument("--days", type=int, default=30, help="days until the consent expires")
    p.set_defaults(func=run_consent_grant)
    p = consent_sub.add_parser("revoke", help="withdraw a consent")
    _acting(p)
    p.add_argument("consent_id")
    p.set_defaults(func=run_consent_revoke)
    p = consent_sub.add_parser("report", help="print the citizen's access report")
    _acting(p)
    p.add_argument("--id-number", required=True)
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    p.set_defaults(func=run_consent_report)


def _run(args: argparse.Namespace, work) -> int:
    try:
        replica: Replica = open_replica(args.office, args.user, PasswordSource(args.password_stdin).next("password: "))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        out = work(replica, load_catalogue())
    except (ServiceError, StoreError) as exc:
        code = getattr(exc, "code", "error")
        if args.json:
            print(json.dumps({"refused": code, "message": str(exc)}, ensure_ascii=False))
        else:
            print(f"refused ({code}): {exc}", file=sys.stderr)
        return 1
    finally:
        replica.close()
    if args.json or not isinstance(out, str):
        print(json.dumps(out, ensure_ascii=False, indent=None if args.json else 2))
    else:
        print(out, end="")
    return 0


def run_case_open(args: argparse.Namespace) -> int:
    """Open a case, and verify the certificates shown if any were given."""

    def work(replica: Replica, catalogue) -> Any:
        desk = CaseDesk(replica, catalogue)
        case = desk.accept(args.service, args.name, args.id_number, args.certificate)
        return desk.get(case.case_id).to_json(replica.session.now_ms())

    return _run(args, work)


def run_case_show(args: argparse.Namespace) -> int:
    """Show a case."""
    return _run(args, lambda r, c: CaseDesk(r, c).get(args.case_id).to_json(r.session.now_ms()))


def run_case_advance(args: argparse.Namespace) -> int:
    """Move a case one transition."""

    def work(replica: Replica, catalogue) -> Any:
        desk = CaseDesk(replica, catalogue)
        if args.action == "step":
            perform_next(desk, args.case_id, args.certificate)
        elif args.action == "reject":
            desk.reject(args.case_id, args.reason)
        else:
            getattr(desk, args.action)(args.case_id)
        return desk.get(args.case_id).to_json(replica.session.now_ms())

    return _run(args, work)


def run_case_list(args: argparse.Namespace) -> int:
    """List cases."""

    def work(replica: Replica, catalogue) -> Any:
        desk = CaseDesk(replica, catalogue)
        if args.overdue:
            cases = desk.overdue()
        elif args.department:
            cases = desk.work_queue(args.department)
        else:
            cases = desk.list()
        return [c.to_json(replica.session.now_ms()) for c in cases]

    return _run(args, work)


def run_consent_grant(args: argparse.Namespace) -> int:
    """Grant a consent."""

    def work(replica: Replica, catalogue) -> Any:
        expires = replica.session.now_ms() + args.days * 86_400_000
        scope = [s.strip() for s in args.scope.split(",") if s.strip()]
        cid = ConsentDesk(replica, catalogue).grant(args.id_number, args.provider, scope, args.purpose, expires)
        return {"consent_id": cid, "expires_ms": expires}

    return _run(args, work)


def run_consent_revoke(args: argparse.Namespace) -> int:
    """Revoke a consent."""
    return _run(
        args, lambda r, c: {"revoked": args.consent_id, "entry": ConsentDesk(r, c).revoke(args.consent_id).hex()}
    )


def run_consent_report(args: argparse.Namespace) -> int:
    """Print a citizen's access report."""

    def work(replica: Replica, catalogue) -> Any:
        report = access_report(replica, ConsentDesk(replica, catalogue), args.id_number)
        return report.to_json() if args.json else render_report(report, args.lang)

    return _run(args, work)
