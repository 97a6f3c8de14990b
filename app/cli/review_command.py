"""`govdesk review day`: a supervisor's review of one day from the command line, with PDF, CSV and sign-off."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.office_command import PasswordSource
from app.review import NotAcknowledged, compare, open_day, sign_day
from app.review.exports import write_csv
from app.review.texts import LANGUAGES, service_names
from app.store.errors import StoreError
from app.store.replica import open_replica


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `review` command and its `day` subcommand."""
    review = sub.add_parser("review", help="the supervisor's daily review: figures, anomalies, integrity, sign-off")
    review_sub = review.add_subparsers(dest="review_command", metavar="SUBCOMMAND", required=True)
    day = review_sub.add_parser("day", help="review one day of an office; optionally export and sign it off")
    day.add_argument("--office", type=Path, required=True, help="the office directory")
    day.add_argument("--user", required=True, help="the reviewing account (a supervisor to sign)")
    day.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    day.add_argument("--date", required=True, help="the day, YYYY-MM-DD (office local time)")
    day.add_argument("--pdf", type=Path, help="write the PDF report to this file")
    day.add_argument("--csv", type=Path, help="write the day's timeline as CSV to this file")
    day.add_argument("--language", choices=LANGUAGES, default="zh_CN", help="report language (default zh_CN)")
    day.add_argument("--ack", action="append", default=[], metavar="ANOMALY_ID=COMMENT",
                     help="acknowledge one anomaly with a comment (repeatable)")  # fmt: skip
    day.add_argument("--ack-all", metavar="COMMENT", help="acknowledge every anomaly with this comment")
    day.add_argument("--sign", action="store_true", help="sign the day off (every anomaly acknowledged)")
    day.add_argument("--json", action="store_true", help="print a JSON summary instead of text")
    day.set_defaults(func=run_day)


def _comments(args: argparse.Namespace, anomaly_ids: list[str]) -> dict[str, str]:
    comments = {i: args.ack_all for i in anomaly_ids} if args.ack_all else {}
    for item in args.ack:
        anomaly_id, sep, comment = item.partition("=")
        if not sep:
            raise StoreError(f"--ack takes ANOMALY_ID=COMMENT, not {item!r}")
        comments[anomaly_id] = comment
    return comments


def run_day(args: argparse.Namespace) -> int:
    """Review a day: print the summary, write the exports asked for, sign if asked."""
    try:
        password = PasswordSource(args.password_stdin).next(f"password for {args.user}: ")
        with open_replica(args.office, args.user, password) as replica:
            review = open_day(replica, args.date)
            comments = _comments(args, [a.id for a in review.anomalies])
            signed = None
            if args.sign:
                signed = sign_day(replica, review, comments)
                review = open_day(replica, args.date)
            comparison = compare(replica, args.date)
            written = {}
            if args.csv:
                offset = review.period.thresholds.utc_offset_minutes
                names = service_names(args.language)
                written["csv"] = str(write_csv(review.timeline(), args.csv, utc_offset_minutes=offset,
                                               language=args.language, service_names=names))  # fmt: skip
            if args.pdf:
                from app.review.pdf_report import write_pdf  # fpdf loads only when a report is written

                written["pdf"] = str(write_pdf(review, args.pdf, language=args.language, comparison=comparison,
                                               comments=comments))  # fmt: skip
    except NotAcknowledged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = {**review.to_json(args.language), "compare": comparison, "written": written,
               "signed_now": signed is not None}  # fmt: skip
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return 0
    office = review.figures.office
    print(f"{review.office} {review.day}: {len(review.period.actions)} actions, {office.opened} opened, "
          f"{office.closed} closed, {office.rejected} rejected")  # fmt: skip
    for anomaly in review.anomalies:
        print(f"ANOMALY {anomaly.id}: {anomaly.explanation(args.language)}")
    integrity = review.integrity
    print(f"integrity: {'ok' if integrity.ok else 'PROBLEMS'}; audit chain {integrity.chain.records} records; "
          f"{integrity.included} entries included, {len(integrity.pending)} pending")  # fmt: skip
    for problem in [integrity.chain.problem, *integrity.problems]:
        if problem:
            print(f"INTEGRITY: {problem}")
    if review.signoff:
        print(f"signed off by {review.signoff.account} (entry {review.signoff.leaf_hash.hex()})")
    for kind, path in written.items():
        print(f"wrote {kind}: {path}")
    return 0
