"""`govdesk sync`: sync an office with its department nodes, once or on a schedule; set its trust policy."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from app.catalogue.catalogue import load_catalogue
from app.cli.office_command import PasswordSource
from app.ofd.delivery import collect_results
from app.store import sync_state
from app.store.errors import StoreError
from app.store.replica import Replica, open_replica
from app.sync.freshness import replica_ages
from app.sync.progress import SyncProgress
from app.sync.service import EXIT_VERIFICATION, SyncReport, SyncService
from app.sync.trust import TrustPolicyError, load_policy, parse_policy, policy_from_federation, save_policy

MAX_POLICY_FILE = 256 * 1024


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `sync` command."""
    p = sub.add_parser(
        "sync",
        help="sync an office with its department nodes: push the outbox, pull and verify every log",
        description=(
            "Push the office's outbox and pull every log of its trust policy, verifying checkpoints (log signature, "
            "witness quorum, consistency), entries and inclusion. Exit status: 0 ok, 1 fork or verification "
            "failure, 2 usage or replica error, 3 a node unreachable, 4 cancelled, 5 gave up: outbox entries "
            "still wait after every retry (the node kept answering retry-later, or no node serves their log)."
        ),
    )
    p.add_argument("--office", type=Path, required=True, help="the office directory (replica)")
    p.add_argument("--user", required=True, help="the acting account")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument("--once", action="store_true", help="run once and exit (default: every --interval seconds)")
    p.add_argument("--interval", type=float, default=300.0, help="seconds between scheduled runs (default 300)")
    p.add_argument("--runs", type=int, help="stop after this many scheduled runs")
    p.add_argument("--push-only", action="store_true", help="only push the outbox")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    trust = p.add_mutually_exclusive_group()
    trust.add_argument("--set-policy", type=Path, help="store this trust policy (JSON) in the replica (admin), exit")
    trust.add_argument("--from-federation", type=Path, help="store a policy built from a federation.json (admin)")
    trust.add_argument("--forks", action="store_true", help="list the fork alarms (evidence kept), then exit")
    trust.add_argument(
        "--acknowledge-fork", type=int, metavar="ID", help="a supervisor acknowledges fork alarm ID, then exit"
    )
    p.add_argument(
        "--trust-again", action="store_true", help="with --acknowledge-fork: sync that log again (evidence stays)"
    )
    p.add_argument("--quorum", type=int, default=2, help="witness cosignatures required (with --from-federation)")
    p.add_argument("--cases", choices=["known", "all"], default="known", help="which case entries to replicate")
    p.set_defaults(func=run_sync)


def _print_progress(progress: SyncProgress) -> None:
    if progress.error:
        print(f"  {progress.origin}: {progress.error}", flush=True)
    elif progress.origin and not progress.cancelled:
        print(
            f"  {progress.phase} {progress.origin}: {progress.items_done}/{progress.items_total} entries, "
            f"{progress.bytes_done}/{progress.bytes_total} bytes",
            flush=True,
        )


def _set_policy(args: argparse.Namespace, replica) -> int:
    path = args.set_policy or args.from_federation
    text = path.read_text(encoding="utf-8")[:MAX_POLICY_FILE]
    if args.set_policy:
        policy = parse_policy(text)
    else:
        policy = policy_from_federation(json.loads(text), quorum=args.quorum, cases=args.cases)
    save_policy(replica, policy)
    print(f"trust policy stored: {len(policy.logs)} logs")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    """Sync the office; print progress and a summary; non-zero on a fork or a verification failure."""
    if args.trust_again and args.acknowledge_fork is None:
        print("error: --trust-again goes with --acknowledge-fork ID", file=sys.stderr)
        return 2
    try:
        replica = open_replica(args.office, args.user, PasswordSource(args.password_stdin).next("password: "))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.set_policy or args.from_federation:
            return _set_policy(args, replica)
        if args.forks:
            return _list_forks(replica)
        if args.acknowledge_fork is not None:
            sync_state.acknowledge_fork(replica, args.acknowledge_fork, trust_again=args.trust_again)
            again = "; the log is trusted and syncs again" if args.trust_again else "; the log stays untrusted"
            print(f"fork alarm {args.acknowledge_fork} acknowledged by {replica.account.name}{again}")
            return 0
        policy = load_policy(replica)
        if policy is None:
            print("error: no trust policy: set one with --set-policy or --from-federation", file=sys.stderr)
            return 2
        service = SyncService(
            replica,
            policy,
            on_fork=lambda e: print(f"ALARM fork on {e.origin}: {e.reason} (evidence {e.id})", flush=True),
            on_task=lambda t: print(f"TASK {t.kind} {t.code}: {t.what}\n      what to do: {t.advice}", flush=True),
        )
        status, runs = 0, 0
        cancel = threading.Event()
        try:
            while True:
                report = service.run(
                    (lambda _p: None) if args.quiet else _print_progress, cancel, pull=not args.push_only
                )
                runs += 1
                for line in report.summary():
                    print(line)
                if not args.push_only:
                    _collect_results(replica, service, report)
                waiting = report.waiting()
                if waiting:
                    print("still waiting:")
                    for line in waiting:
                        print(f"  {line}")
                for age in replica_ages(replica, [log.origin for log in policy.logs]):
                    print(f"  age {age.describe()}")
                worst = max(status, report.exit_status)
                status = EXIT_VERIFICATION if EXIT_VERIFICATION in (status, report.exit_status) else worst
                if args.once or (args.runs is not None and runs >= args.runs):
                    break
                if cancel.wait(args.interval):
                    break
        except KeyboardInterrupt:
            cancel.set()
            print("interrupted", file=sys.stderr)
            return 4
        finally:
            service.close()
        tasks = sync_state.open_tasks(replica)
        if tasks:
            print(f"{len(tasks)} open clerk task(s) from sync")
        pending = replica.outbox.count_pending()
        if status != 0 and pending:
            print(f"{pending} entries wait in the outbox", file=sys.stderr)
        return status
    except (TrustPolicyError, OSError, ValueError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    finally:
        replica.close()


def _list_forks(replica) -> int:
    forks = sync_state.fork_evidence(replica)
    for f in forks:
        status = "open" if f.acknowledged_ms is None else "acknowledged"
        print(f"{f.id}  {f.origin}  {status}  detected_ms={f.detected_ms}  {f.reason}")
    if not forks:
        print("no fork alarms")
    return 0


def _collect_results(replica: Replica, service: SyncService, report: SyncReport) -> None:
    """After a pull, fetch the sealed results of this office's cases from each log that synced (统一窗口出件)."""
    catalogue = load_catalogue()
    for outcome in report.logs:
        client = service.node_client(outcome.origin) if outcome.error is None and outcome.pull is not None else None
        if client is None:
            continue
        delivery = collect_results(replica, catalogue, outcome.origin, client)
        if delivery.not_allowed:
            print(f"results of cases not collected: {replica.account.name} may not read cases (sync as a clerk)")
            return
        for case_id, digest in delivery.done:
            print(f"result of case {case_id} received from {outcome.origin}: SM3 {digest.hex()}")
        for case_id, code in delivery.waiting:
            print(f"result of case {case_id} from {outcome.origin} not kept: {code}")
