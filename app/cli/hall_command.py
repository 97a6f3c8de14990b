"""`govdesk hall`: create, serve and enrol devices on a service hall's queue service (docs/hall.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.catalogue.catalogue import load_catalogue
from app.cli.enrolment_key import NEW_KEY_SUITE, SUITE_CHOICES, EnrolmentKeyError, enrolment_public_key
from app.hall.config import HallConfig, HallConfigError, default_config, load_config, save_config
from app.hall.evaluation import Evaluations, satisfaction_by
from app.hall.hall import SHANGHAI, Hall, hall_day
from app.hall.service import serve_hall
from app.hall.store import HallStoreError, SqlHallStore
from app.hall.store_open import open_hall_store
from app.ledger.suites import key_id, suite_by_name
from app.node.jsonlog import configure_logging
from app.protocol.device_key_file import DeviceKeyUnreadable, read_device_key
from app.protocol.hall_refusals import HallRefusal
from app.protocol.hall_tickets import DEVICE_ROLES, Device

CONFIG_FILE = "hall.json"
DB_FILE = "hall.db"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _open(directory: Path, db: str | None = None) -> tuple[HallConfig, SqlHallStore]:
    config = load_config(directory / CONFIG_FILE)
    url = db or config.db_url or f"sqlite:///{directory / DB_FILE}"
    return config, open_hall_store(url)


def _with_hall(args: argparse.Namespace, run: Callable[[argparse.Namespace, HallConfig, SqlHallStore], int]) -> int:
    """Open the hall in `args.dir`, run one command on it and close its store; a hall that will not open fails."""
    try:
        config, store = _open(args.dir)
    except (HallConfigError, HallStoreError) as exc:
        return _fail(str(exc))
    try:
        return run(args, config, store)
    finally:
        store.close()


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `hall` command and its subcommands."""
    hall = sub.add_parser("hall", help="the service hall's queue service: tickets, windows, calling")
    hall_sub = hall.add_subparsers(dest="hall_command", metavar="SUBCOMMAND", required=True)

    init = hall_sub.add_parser("init", help="create a hall: its configuration (hall.json) and its database")
    init.add_argument("--dir", type=Path, required=True, help="the hall's directory")
    init.add_argument("--office", required=True, help="the office this hall belongs to, e.g. office-03")
    init.add_argument("--windows", type=int, default=8, help="number of windows (default 8)")
    init.add_argument("--db", help="database URL: sqlite:///path (default: hall.db in the directory) or postgresql://")
    init.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="signature suite of the hall's device keys (default sm2-sm3, GB/T 32918; or ed25519)",
    )
    init.set_defaults(func=run_init)

    serve = hall_sub.add_parser("serve", help="serve the hall over HTTP; prints its URL as JSON on stdout")
    serve.add_argument("--dir", type=Path, required=True)
    serve.add_argument("--db", help="database URL (overrides hall.json)")
    serve.add_argument("--host", help="listen address (default from hall.json, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default from hall.json; 0 picks a free one)")
    serve.add_argument("--port-file", type=Path, help="also write the bound port to this file")
    serve.add_argument("--hold-timeout", type=float, help="seconds before an untouched called ticket returns")
    serve.add_argument("--access-log", action="store_true")
    serve.set_defaults(func=run_serve)

    enroll = hall_sub.add_parser("enroll", help="enrol a counter, kiosk, display or evaluator device key")
    enroll.add_argument("--dir", type=Path, required=True)
    enroll.add_argument("--role", required=True, choices=DEVICE_ROLES)
    enroll.add_argument("--subject", required=True, help="who holds the key, e.g. office-03/counter-02")
    enroll.add_argument("--window", help="the window a counter serves (its id in hall.json)")
    enroll.add_argument("--office", help="the device's office (default: the hall's)")
    key = enroll.add_mutually_exclusive_group(required=True)
    key.add_argument("--public-key", help="the device's public key in the hall's suite, in hex")
    key.add_argument("--new-key", type=Path, help="draw a new key in the hall's suite, write its key file (mode 0600)")
    enroll.set_defaults(func=run_enroll)

    devices = hall_sub.add_parser("devices", help="list the enrolled device keys (JSON lines), revoked ones marked")
    devices.add_argument("--dir", type=Path, required=True)
    devices.set_defaults(func=run_devices)

    revoke = hall_sub.add_parser(
        "revoke", help="revoke a device key (lost or replaced): its next request is refused, even by a running hall"
    )
    revoke.add_argument("--dir", type=Path, required=True)
    revoke.add_argument("--kid", required=True, help="the key id, in hex, as `hall enroll` or `hall devices` print it")
    revoke.set_defaults(func=run_revoke)

    display = hall_sub.add_parser("display", help="open the wall display of a hall (announces calls via espeak-ng)")
    _add_screen(display)
    display.set_defaults(func=run_display)

    evaluator = hall_sub.add_parser(
        "evaluator", help="open the citizen evaluator (好差评) of a window: it rates what the window finishes"
    )
    _add_screen(evaluator)
    evaluator.add_argument("--window", required=True, help="the window this evaluator stands at")
    evaluator.set_defaults(func=run_evaluator)

    kiosk = sub.add_parser("kiosk", help="open the hall's ticket kiosk (取号机)")
    _add_screen(kiosk)
    kiosk.set_defaults(func=run_kiosk)

    # A call-back is recorded only in the supervisor's review, signed with their own key (app/review/
    # remediation_callback.py): this machine holds no supervisor's key, so it only lists.
    remediation = hall_sub.add_parser("remediation", help="bad ratings' remediation items (call-backs: the review)")
    remediation.add_argument("--dir", type=Path, required=True)
    remediation.set_defaults(func=run_remediation)

    satisfaction = hall_sub.add_parser("satisfaction", help="好差评 per clerk, service or department")
    satisfaction.add_argument("--dir", type=Path, required=True)
    satisfaction.add_argument("--by", choices=["clerk", "service", "department"], default="service")
    satisfaction.set_defaults(func=run_satisfaction)

    book = hall_sub.add_parser("book", help="record an appointment (预约) that becomes a ticket on arrival")
    book.add_argument("--dir", type=Path, required=True)
    book.add_argument("--code", required=True)
    book.add_argument("--category", required=True)
    book.add_argument("--start", required=True, help="slot start, ISO time in Asia/Shanghai, e.g. 2026-12-04T09:30")
    book.add_argument("--minutes", type=int, default=30)
    book.set_defaults(func=run_book)


def _add_screen(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", required=True, help="the hall service, e.g. http://10.0.3.2:8800")
    p.add_argument("--key", type=Path, required=True, help="this device's key seed file (from 'govdesk hall enroll')")
    p.add_argument("--language", choices=["zh_CN", "en"], default="zh_CN")
    p.add_argument("--full-screen", action="store_true")


def _screens() -> Any:
    # app never imports the ui package by name (tests/test_architecture.py); the screens load as a plug-in.
    return importlib.import_module("ui.hall_app")


def _key_file_problem(key_file: Path) -> str | None:
    """Why this device key file cannot sign (None: it can), before a screen opens on it."""
    try:
        read_device_key(key_file)
    except DeviceKeyUnreadable as exc:
        return str(exc)
    return None


def run_kiosk(args: argparse.Namespace) -> int:
    """Open the kiosk."""
    if problem := _key_file_problem(args.key):
        return _fail(problem)
    return _screens().run_kiosk(args.url, args.key, args.language, args.full_screen)


def run_display(args: argparse.Namespace) -> int:
    """Open the wall display."""
    if problem := _key_file_problem(args.key):
        return _fail(problem)
    return _screens().run_display(args.url, args.key, args.language, args.full_screen)


def run_evaluator(args: argparse.Namespace) -> int:
    """Open the evaluator of a window; it asks the hall for each case the window finishes."""
    if problem := _key_file_problem(args.key):
        return _fail(problem)
    return _screens().run_evaluator(args.url, args.key, args.window, args.language, args.full_screen)


def run_init(args: argparse.Namespace) -> int:
    """Create the hall's directory, configuration and database."""
    if not 0 < args.windows < 200:
        return _fail("--windows must be from 1 to 199")
    path = args.dir / CONFIG_FILE
    if path.exists():
        return _fail(f"{path} exists")
    args.dir.mkdir(parents=True, exist_ok=True)
    try:
        config = replace(default_config(args.office, args.windows, args.suite), db_url=args.db or "")
        save_config(path, config)
        _open(args.dir)[1].close()
    except (HallConfigError, HallStoreError) as exc:
        return _fail(str(exc))
    print(f"created hall of {config.office} in {args.dir}: {len(config.windows)} windows ({config.suite})")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve the hall until interrupted."""
    try:
        config, store = _open(args.dir, args.db)
    except (HallConfigError, HallStoreError) as exc:
        return _fail(str(exc))
    if args.hold_timeout is not None:
        config = replace(config, hold_timeout_s=args.hold_timeout)
    configure_logging("INFO")
    host = args.host or config.host
    port = config.port if args.port is None else args.port
    serve_hall(Hall(config, store), host, port, args.port_file, args.access_log)
    return 0


def run_enroll(args: argparse.Namespace) -> int:
    """Enrol a device key; print its key id as JSON."""
    return _with_hall(args, _run_enroll)


def _run_enroll(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """Enrol a device key; print its key id as JSON."""
    if args.role == "counter" and (not args.window or config.window(args.window) is None):
        return _fail("a counter is enrolled for one of the hall's windows: --window ID")
    suite = suite_by_name(config.suite)  # the hall's suite: its devices sign in it (parse_config checked the name)
    try:
        public = enrolment_public_key(args.new_key, args.public_key, suite)
    except EnrolmentKeyError as exc:
        return _fail(str(exc))
    kid = key_id(suite, public)
    office = args.office or config.office
    store.enroll(Device(kid, suite.name, public, args.role, args.subject, office, args.window, False))
    enrolled = {"kid": kid.hex(), "role": args.role, "subject": args.subject, "office": office, "suite": suite.name}
    print(json.dumps(enrolled))
    return 0


def run_devices(args: argparse.Namespace) -> int:
    """List the enrolled devices as JSON lines."""
    return _with_hall(args, _run_devices)


def _run_devices(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """List the enrolled devices as JSON lines."""
    for d in store.devices():
        print(json.dumps({"kid": d.kid.hex(), "role": d.role, "subject": d.subject, "office": d.office,
                          "window": d.window, "suite": d.suite, "revoked": d.revoked}, ensure_ascii=False))  # fmt: skip
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a device key; print what was revoked as JSON."""
    return _with_hall(args, _run_revoke)


def _run_revoke(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """Revoke a device key; print what was revoked as JSON."""
    try:
        kid = bytes.fromhex(args.kid)
    except ValueError:
        return _fail("--kid is a key id in hex")
    device = store.device(kid)
    if device is None or not store.revoke(kid):
        return _fail(f"no device key {args.kid} is enrolled in this hall")
    print(json.dumps({"revoked": kid.hex(), "role": device.role, "subject": device.subject}, ensure_ascii=False))
    return 0


def run_book(args: argparse.Namespace) -> int:
    """Record an appointment."""
    return _with_hall(args, _run_book)


def _run_book(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """Record an appointment."""
    try:
        start = dt.datetime.fromisoformat(args.start)
    except ValueError as exc:
        return _fail(str(exc))
    if start.tzinfo is None:
        start = start.replace(tzinfo=SHANGHAI)
    start_ms = int(start.timestamp() * 1000)
    try:
        Hall(config, store).book(args.code, args.category, start_ms, start_ms + args.minutes * 60_000)
    except HallRefusal as exc:
        return _fail(exc.message)
    print(json.dumps({"code": args.code, "category": args.category, "slot_start": start.isoformat()}))
    return 0


def run_remediation(args: argparse.Namespace) -> int:
    """List remediation items as JSON lines (overdue ones marked)."""
    return _with_hall(args, _run_remediation)


def _run_remediation(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """List remediation items as JSON lines (overdue ones marked)."""
    evaluations = Evaluations(Hall(config, store))
    today = hall_day(Hall(config, store).clock())
    for item in evaluations.items():
        print(json.dumps({"id": item.id, "level": item.level, "service": item.service, "window": item.window,
                          "due": item.due_day, "provisional": item.due_provisional, "closed": item.closed,
                          "overdue": item.overdue(today), "outcome": item.outcome}, ensure_ascii=False))  # fmt: skip
    return 0


def run_satisfaction(args: argparse.Namespace) -> int:
    """Print satisfaction per clerk, service or department as JSON."""
    return _with_hall(args, _run_satisfaction)


def _run_satisfaction(args: argparse.Namespace, config: HallConfig, store: SqlHallStore) -> int:
    """Print satisfaction per clerk, service or department as JSON."""
    leads = {s.id: s.lead for s in load_catalogue().services}
    groups = satisfaction_by(Evaluations(Hall(config, store)).ratings(), args.by, leads)
    out = {k: {"count": v.count, "mean": round(v.mean, 2), "bad": v.bad} for k, v in groups.items()}
    print(json.dumps(out, ensure_ascii=False))
    return 0
