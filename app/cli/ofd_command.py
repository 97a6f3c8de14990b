"""`govdesk ofd`: verify sealed OFD documents (e-licences, e-invoices) offline; at a department, seal and issue them."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.atomic_file import write_atomic
from app.catalogue.catalogue import load_catalogue
from app.catalogue.errors import ServiceError
from app.certs.errors import CertError
from app.cli.cert_command import load_key
from app.cli.office_command import PasswordSource
from app.hall.notices import (
    Notice,
    NoticeError,
    NoticeKind,
    acceptance_receipt,
    one_time_notice,
    refusal_notice,
)
from app.hall.sealed_notice import issue_notice
from app.ledger.suites import Signer
from app.ofd import gm, revocation
from app.ofd.build import LICENCE_TAG_NAMES, DocumentSpec, Page
from app.ofd.case_result import Holder, issue_case_result
from app.ofd.container import MAX_FILE
from app.ofd.counter import ISSUED_STATE, SEAL_TRUST_LIST, verify_at_office
from app.ofd.delivery import upload_results
from app.ofd.errors import IssueError, OfdError
from app.ofd.issue import IssuedDocument, issue_document, record_issue
from app.ofd.issue_results import issue_results
from app.ofd.keys import MAX_KEY_FILE, sm2_private_scalar
from app.ofd.print_copy import printed_copy, qr_text
from app.ofd.seal import SealRequest, make_seal
from app.ofd.ses import MAX_PICTURE, MAX_SES_INPUT, parse_seal
from app.ofd.verdict import DocumentVerdict, unreadable
from app.ofd.verify import OfdTrust, verify_bytes
from app.ofd.x509_input import read_certificates
from app.pki.sm2_x509 import CertificateError
from app.pki.sm2_x509 import load_certificate as load_x509
from app.protocol.departments import UnknownDepartment, department
from app.protocol.node_client import NodeClient
from app.services import CaseDesk
from app.store.errors import StoreError
from app.store.replica import Replica, open_replica
from app.sync.transport import insecure_urls, make_http_client
from app.sync.trust import load_policy

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
    check.add_argument("--office", type=Path, help="verify against this office's seal roots and revocations")
    check.add_argument("--user", help="the acting account (with --office)")
    check.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    check.set_defaults(func=run_verify)

    roots = ofd_sub.add_parser("roots", help="the office's trusted roots for seals and e-documents (admin changes)")
    roots.add_argument("action", choices=("list", "add", "remove"))
    roots.add_argument("--office", type=Path, required=True, help="the office directory")
    roots.add_argument("--user", required=True, help="the acting account (an admin to add or remove)")
    roots.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    roots.add_argument("--cert", type=Path, help="the root certificate to add (PEM or DER, self-signed SM2 CA)")
    roots.add_argument("--label", default="", help="a label for the root")
    roots.add_argument("--fingerprint", help="the SM3 fingerprint (hex) of the root to remove")
    roots.set_defaults(func=run_roots)

    make = ofd_sub.add_parser(
        "make-seal", help="make an electronic seal (SESeal v4, .esl) for a department's seal certificate"
    )
    make.add_argument("--maker-key", type=Path, required=True, help="the seal maker's SM2 private key (PEM)")
    make.add_argument("--maker-cert", type=Path, required=True, help="the seal maker's SM2 certificate")
    make.add_argument("--holder-cert", type=Path, required=True, help="the certificate that may use the seal")
    make.add_argument("--name", required=True, help="the seal's name (the department's name)")
    make.add_argument("--es-id", required=True, help="the seal's code (esID)")
    make.add_argument("--picture", type=Path, required=True, help="the seal picture (PNG)")
    make.add_argument("--valid-days", type=int, default=1095, help="validity in days (default 1095)")
    make.add_argument("--out", type=Path, required=True, help="the .esl file to write")
    make.set_defaults(func=run_make_seal)

    issue = ofd_sub.add_parser(
        "issue",
        help="at a department: seal a result as an OFD e-licence and queue its anchor on the department's log",
    )
    _issuer_arguments(issue)
    issue.add_argument("--department", help="the department's log origin (with --case: the case's lead department)")
    issue.add_argument("--case", help="seal the result of this decided or rejected case (统一窗口出件)")
    issue.add_argument("--title", help="the document's title (without --case)")
    issue.add_argument("--paragraph", action="append", default=[], help="a paragraph of the page (repeatable)")
    issue.add_argument("--field", action="append", default=[], metavar="KEY=VALUE",
                       help="a licence field: " + ", ".join(LICENCE_TAG_NAMES))  # fmt: skip
    issue.add_argument("--kind", default="licence", help="what it is (licence, notice, receipt)")
    issue.set_defaults(func=run_issue)

    notice = ofd_sub.add_parser(
        "issue-notice",
        help="at a department: seal a 受理回执, 一次性告知单 or 不予受理通知书 as an OFD and queue its anchor",
    )
    _issuer_arguments(notice)
    notice.add_argument("--notice", required=True, choices=[k.value for k in NoticeKind], help="which document")
    notice.add_argument("--service", required=True, help="the catalogue service id")
    notice.add_argument("--case", help="the case number (acceptance_receipt)")
    notice.add_argument("--received", action="append", default=[], help="a material id received (repeatable)")
    notice.add_argument("--reason", help="why the application is not accepted (refusal_notice)")
    notice.add_argument("--window", type=int, default=1, help="the window's number in the hall (default 1)")
    notice.set_defaults(func=run_issue_notice)

    results = ofd_sub.add_parser(
        "issue-results",
        help="at a department's records office: seal and anchor, once each, the result of every case of its services "
        "that reached it (with the enrolled seal key)",
    )
    _records_office_arguments(results)
    results.add_argument("--department", required=True, help="the department id (its services' cases are issued)")
    results.add_argument("--out-dir", type=Path, required=True, help="where the citizens' copies (.ofd) are written")
    results.add_argument("--json", action="store_true", help="print what was done as one JSON object (last line)")
    results.set_defaults(func=run_issue_results)

    deliver = ofd_sub.add_parser(
        "deliver-results",
        help="at a department's records office: keep each issued result whose anchor is on the log on the "
        "department's node, for the office whose window accepted the case (run after a sync)",
    )
    _records_office_arguments(deliver)
    deliver.add_argument("--department", required=True, help="the department id (its issued results are delivered)")
    deliver.set_defaults(func=run_deliver_results)

    printed = ofd_sub.add_parser("print", help="print a citizen's copy of a valid OFD (A4 PDF with a QR code)")
    printed.add_argument("file", type=Path, help="the .ofd file")
    printed.add_argument("--pdf", type=Path, required=True, help="the PDF to write")
    printed.set_defaults(func=run_print)

    serial = ofd_sub.add_parser(
        "revocation-serial", help="the serial to revoke a seal or SM2 certificate with `govdesk cert revoke`"
    )
    target = serial.add_mutually_exclusive_group(required=True)
    target.add_argument("--cert", type=Path, help="an SM2 certificate (PEM or DER)")
    target.add_argument("--seal", type=Path, help="a seal (.esl)")
    serial.set_defaults(func=run_revocation_serial)


def run_verify(args: argparse.Namespace) -> int:
    """Verify one OFD file and print a verdict per signature and one for the document."""
    try:
        roots = tuple(load_x509(c) for path in args.trust_root for c in read_certificates(path))
    except (OSError, OfdError, CertificateError) as exc:
        print(f"error: trust root: {exc}", file=sys.stderr)
        return 2
    if (args.office is None) != (args.user is None):
        print("error: --office and --user go together", file=sys.stderr)
        return 2
    try:
        data = _read_file(args.file)
    except OfdError as exc:
        verdict = unreadable(exc.code, exc.detail)
    else:
        if args.office is not None:
            try:
                passwords = PasswordSource(args.password_stdin)
                with open_replica(args.office, args.user, passwords.next(f"password for {args.user}: ")) as replica:
                    verdict = verify_at_office(replica, data)
            except StoreError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        else:
            verdict = verify_bytes(data, OfdTrust(roots=roots))
    _print(verdict, as_json=args.json)
    if not verdict.readable:
        return 2
    return 0 if verdict.valid and verdict.trusted else 1


def _error(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _certificate(path: Path) -> bytes:
    certs = read_certificates(path)
    gm.load_certificate(certs[0])  # refuse anything but an SM2 certificate here, not deep in the seal
    return certs[0]


def _signer(key: Path, cert: Path) -> gm.Sm2SealSigner:
    return gm.Sm2SealSigner(_certificate(cert), sm2_private_scalar(_read_bounded(key, MAX_KEY_FILE)))


def _read_bounded(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OfdError(f"{path} is larger than {limit} bytes", code="file_too_large")
    return data


def run_make_seal(args: argparse.Namespace) -> int:
    """Make a seal for a holder certificate, signed by the seal maker."""
    if not 1 <= args.valid_days <= 36600:
        return _error("--valid-days must be between 1 and 36600")
    if args.out.exists():
        return _error(f"{args.out} exists; not overwriting a seal")
    try:
        maker = _signer(args.maker_key, args.maker_cert)
        now = datetime.now(UTC).replace(microsecond=0)
        request = SealRequest(
            name=args.name, es_id=args.es_id, vendor_id="govdesk", valid_from=now,
            valid_until=now + timedelta(days=args.valid_days), picture_png=_read_bounded(args.picture, MAX_PICTURE),
            holder_certificate=_certificate(args.holder_cert),
        )  # fmt: skip
        seal = make_seal(request, maker, created=now)
    except (OSError, OfdError) as exc:
        return _error(str(exc))
    write_atomic(args.out, seal)
    print(f"seal {args.es_id} written to {args.out}; revocation serial {revocation.seal_serial('govdesk', args.es_id)}")
    return 0


def _records_office_arguments(parser: argparse.ArgumentParser) -> None:
    """The records office, its account, and the department's seal with its holder's key and certificate."""
    parser.add_argument("--office", type=Path, required=True, help="the department records office's directory")
    parser.add_argument("--user", required=True, help="the acting account")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    parser.add_argument("--seal", type=Path, required=True, help="the department's seal (.esl)")
    parser.add_argument("--seal-key", type=Path, required=True, help="the SM2 private key of the seal's holder")
    parser.add_argument("--seal-cert", type=Path, required=True, help="the SM2 certificate of the seal's holder")


def _issuer_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every issuing command takes: the records office, the department's keys and seal, the output."""
    _records_office_arguments(parser)
    parser.add_argument(
        "--ledger-key",
        type=Path,
        help="a department ledger key to sign the anchor with (default: the seal key itself, enrolled with "
        "`govdesk node enroll --role seal`)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the citizen's copy (.ofd) to write")


def _notice(args: argparse.Namespace, at_ms: int) -> Notice:
    """The notice the arguments ask for, from the catalogue (raises NoticeError, ServiceError)."""
    if not 1 <= args.window <= 999:
        raise NoticeError("bad_window", "--window is a window number from 1 to 999")
    catalogue = load_catalogue()
    kind = NoticeKind(args.notice)
    if kind is NoticeKind.ACCEPTANCE_RECEIPT:
        if not args.case:
            raise NoticeError("case_missing", "an acceptance receipt needs --case")
        return acceptance_receipt(catalogue, args.service, args.case, args.received, at_ms, args.window)
    if kind is NoticeKind.ONE_TIME_NOTICE:
        return one_time_notice(catalogue, args.service, args.received, at_ms, args.window)
    return refusal_notice(catalogue, args.service, args.reason or "", at_ms, args.window)


def _seal_and_holder(args: argparse.Namespace) -> tuple[bytes, gm.Sm2SealSigner]:
    """The department's seal (checked to parse) and its holder's signer."""
    seal = _read_bounded(args.seal, MAX_SES_INPUT)
    parse_seal(seal)
    return seal, _signer(args.seal_key, args.seal_cert)


def _issuer_keys(args: argparse.Namespace) -> tuple[bytes, gm.Sm2SealSigner, Signer]:
    """The department's seal, its holder's signer and the key that signs the anchor: the enrolled seal key itself
    unless a ledger key is named."""
    seal, signer = _seal_and_holder(args)
    return seal, signer, load_key(args.ledger_key) if args.ledger_key is not None else signer.ledger_signer


def _records_office(args: argparse.Namespace) -> Replica:
    """The records office's replica, unlocked as --user (the password from the terminal or stdin)."""
    passwords = PasswordSource(args.password_stdin)
    return open_replica(args.office, args.user, passwords.next(f"password for {args.user}: "))


def _hand_out(issued: IssuedDocument, out: Path) -> int:
    """Write the citizen's copy of an issued document and say where its anchor goes."""
    write_atomic(out, issued.ofd)
    print(f"issued {issued.serial}: SM3 {issued.digest.hex()} anchored on {issued.department}; written to {out}")
    return 0


def run_issue_notice(args: argparse.Namespace) -> int:
    """Seal a hall notice at its department, write the citizen's copy, queue the anchor entry."""
    try:
        seal, signer, ledger_signer = _issuer_keys(args)
        with _records_office(args) as replica:
            notice = _notice(args, replica.session.now_ms())
            issued = issue_notice(replica, notice, seal=seal, seal_signer=signer, ledger_signer=ledger_signer)
    except (OSError, OfdError, CertError, StoreError, ServiceError, NoticeError) as exc:
        return _error(str(exc))
    return _hand_out(issued, args.out)


def run_issue(args: argparse.Namespace) -> int:
    """Seal a document at the department, write the citizen's copy, queue the anchor entry."""
    try:
        fields = dict(item.split("=", 1) for item in args.field if "=" in item)
        if len(fields) != len(args.field):
            return _error("--field takes KEY=VALUE")
        if args.case is None and (not args.title or not args.department):
            return _error("issue needs --title and --department, or --case")
        seal, signer, ledger_signer = _issuer_keys(args)
        with _records_office(args) as replica:
            if args.case is not None:
                issued = _issue_case(replica, args, fields, seal, signer, ledger_signer)
            else:
                spec = DocumentSpec(title=args.title, pages=[Page(tuple(args.paragraph) or (args.title,))],
                                    licence=fields)  # fmt: skip
                issued = issue_document(
                    spec, seal=seal, seal_signer=signer, department=args.department, ledger_signer=ledger_signer,
                    kind=args.kind, now=datetime.fromtimestamp(replica.session.now_ms() / 1000, UTC),
                )  # fmt: skip
                record_issue(replica, issued)
    except (OSError, OfdError, CertError, StoreError, ServiceError) as exc:
        return _error(str(exc))
    return _hand_out(issued, args.out)


def _issue_case(
    replica: Replica,
    args: argparse.Namespace,
    fields: dict[str, str],
    seal: bytes,
    signer: gm.Sm2SealSigner,
    ledger_signer: Signer,
) -> IssuedDocument:
    """Seal the result of `args.case` as its lead department; the holder is this office's or given by --field."""
    catalogue = load_catalogue()
    view = CaseDesk(replica, catalogue).get(args.case, history=False)
    service = catalogue.service(view.service)
    lead = department(service.lead).origin
    if args.department not in (None, lead):
        raise IssueError(f"case {args.case} is decided by {lead}, not {args.department}", code="issue_refused")
    local = replica.cases.get(args.case)
    holder = Holder(local.citizen_name, local.citizen_id) if local is not None else \
        Holder(fields.get("holder", ""), fields.get("holder_id", ""))  # fmt: skip
    return issue_case_result(replica, view, service, holder, seal=seal, seal_signer=signer,
                             ledger_signer=ledger_signer)  # fmt: skip


def run_issue_results(args: argparse.Namespace) -> int:
    """Issue the result of every case of the department's services that reached it; write the citizens' copies."""
    try:
        department(args.department)
        seal, signer = _seal_and_holder(args)
        with _records_office(args) as replica:
            run = issue_results(replica, load_catalogue(), args.department, seal=seal, seal_signer=signer)
            args.out_dir.mkdir(parents=True, exist_ok=True)
            # After each commit, never before: a copy written for a result the replica did not keep would be a
            # second original. A run killed between the two is completed here by the next run.
            written = export_issued(replica, args.out_dir)
    except (OSError, OfdError, StoreError, ServiceError, UnknownDepartment) as exc:
        return _error(str(exc))
    issued = [{"case": case_id, "kind": doc.kind, "serial": doc.serial, "digest": doc.digest.hex()}
              for case_id, doc in run.issued]  # fmt: skip
    waiting = [{"case": case_id, "reason": reason} for case_id, reason in run.waiting]
    if args.json:
        print(json.dumps({"issued": issued, "waiting": waiting, "written": written}, ensure_ascii=False))
        return 0
    for item in issued:
        print(f"issued {item['case']}: {item['kind']} {item['serial']}, SM3 {item['digest']}")
    for item in waiting:
        print(f"waiting {item['case']}: {item['reason']}")
    print(f"{len(issued)} issued, {len(waiting)} waiting, {written} cop{'y' if written == 1 else 'ies'} written to "
          f"{args.out_dir}")  # fmt: skip
    return 0


def run_deliver_results(args: argparse.Namespace) -> int:
    """Upload the issued results whose anchors are on the log to the department's node (统一窗口出件)."""
    try:
        origin = department(args.department).origin
        _seal, signer = _seal_and_holder(args)
        with _records_office(args) as replica:
            policy = load_policy(replica)
            trust = policy.log(origin) if policy is not None else None
            if trust is None or not trust.urls or insecure_urls(trust.urls, policy.tls):
                return _error(f"the trust policy has no usable node URL for {origin}")
            cursor_file = args.office / f"results-delivered-{args.department}"
            after = int(cursor_file.read_text()) if cursor_file.exists() else 0
            with NodeClient(trust.urls[0], key=signer.ledger_signer, http=make_http_client(policy.tls)) as client:
                run = upload_results(replica, client, args.department, after=after)
            if run.last_row != after:  # only after the node took every result up to it: a lost write re-uploads
                write_atomic(cursor_file, str(run.last_row).encode())
    except (OSError, ValueError, OfdError, StoreError, ServiceError, UnknownDepartment) as exc:
        return _error(str(exc))
    for case_id, digest in run.done:
        print(f"delivered {case_id}: SM3 {digest.hex()}")
    for case_id, reason in run.waiting:
        print(f"waiting {case_id}: {reason}")
    print(f"{len(run.done)} delivered, {len(run.waiting)} waiting")
    return 3 if any(reason == "node_unreachable" for _, reason in run.waiting) else 0


def export_issued(replica: Replica, out_dir: Path) -> int:
    """Write every kept issued result that is not yet in `out_dir`; return how many were written."""
    written, after = 0, 0
    while page := replica.case_documents.with_verdict(ISSUED_STATE, after=after):
        after = page[-1][0]
        for _row, document in page:
            target = out_dir / document.name
            if document.name != Path(document.name).name or document.name.startswith(".") or target.exists():
                continue
            data = replica.case_documents.data(document.case_id, document.digest)
            if data is not None:
                write_atomic(target, data)
                written += 1
    return written


def run_roots(args: argparse.Namespace) -> int:
    """List, add or remove the office's trusted seal roots (adding and removing are audited admin actions)."""
    try:
        passwords = PasswordSource(args.password_stdin)
        with open_replica(args.office, args.user, passwords.next(f"password for {args.user}: ")) as replica:
            if args.action == "add":
                if args.cert is None:
                    return _error("roots add needs --cert")
                root = replica.trust_roots.add(SEAL_TRUST_LIST, _read_bounded(args.cert, 64 * 1024), args.label)
                print(f"trusted {root.fingerprint.hex()} {root.certificate.common_name}")
            elif args.action == "remove":
                if not args.fingerprint:
                    return _error("roots remove needs --fingerprint")
                if not replica.trust_roots.remove(SEAL_TRUST_LIST, bytes.fromhex(args.fingerprint)):
                    return _error("no such root", 1)
                print(f"removed {args.fingerprint}")
            else:
                for root in replica.trust_roots.roots(SEAL_TRUST_LIST):
                    print(f"{root.fingerprint.hex()}  {root.certificate.common_name}  {root.label}  by {root.added_by}")
    except (OSError, OfdError, StoreError, ValueError) as exc:
        return _error(str(exc))
    return 0


def run_print(args: argparse.Namespace) -> int:
    """Print a citizen's copy of a valid document (the OFD file stays the licence)."""
    try:
        data = _read_file(args.file)
        verdict = verify_bytes(data, OfdTrust())
        pdf = printed_copy(data, verdict)
    except OfdError as exc:
        return _error(str(exc))
    write_atomic(args.pdf, pdf)
    print(f"printed copy written to {args.pdf}: {qr_text(verdict.doc_id, data)}")
    return 0


def run_revocation_serial(args: argparse.Namespace) -> int:
    """Print the revocation serial of a certificate or a seal."""
    try:
        if args.cert is not None:
            print(revocation.certificate_serial(_certificate(args.cert)))
        else:
            seal = parse_seal(_read_bounded(args.seal, MAX_SES_INPUT))
            print(revocation.seal_serial(seal.vendor_id, seal.es_id))
    except (OSError, OfdError) as exc:
        return _error(str(exc))
    return 0


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
