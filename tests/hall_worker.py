"""A kiosk or counter process for the hall loopback test: it logs every request and its own response.

    python tests/hall_worker.py kiosk   PORT_FILE KEY_FILE LOG_FILE DIR --tickets N [--appointments CODES]
    python tests/hall_worker.py counter PORT_FILE KEY_FILE LOG_FILE DIR --window W --windows W1,W2,... [--hang]
                                        [--stale TICKET:HOLD]

Each line of LOG_FILE is one JSON object: the operation, when it was sent and answered (monotonic
ns, comparable across processes on one machine), and the answer: ok with the ticket, a refusal
code, or `unknown` when the hall did not answer (it may or may not have done it). The test checks
the hall like a Jepsen set test from these logs alone. DIR holds the control files `kiosk-done`
and `stop` the test creates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from app.ledger.suites import ED25519
from app.protocol.hall_client import CounterHall, HallClient, HallUnavailable
from app.protocol.hall_refusals import HallRefusal
from app.protocol.hall_tickets import Ticket

GREEN_SHARE = 0.1


class Log:
    """Appends one flushed JSON line per operation."""

    def __init__(self, path: Path) -> None:
        self._f = path.open("a", encoding="utf-8")

    def write(self, **fields: Any) -> None:
        """Append a record."""
        self._f.write(json.dumps(fields, separators=(",", ":")) + "\n")
        self._f.flush()


def _url(port_file: Path) -> str:
    while True:
        try:
            port = int(port_file.read_text().strip())
            return f"http://127.0.0.1:{port}"
        except (OSError, ValueError):
            time.sleep(0.05)


class Connection:
    """A client that follows the hall to its new port after a restart."""

    def __init__(self, port_file: Path, key_file: Path) -> None:
        self.port_file = port_file
        self.signer = ED25519.signer(bytes.fromhex(key_file.read_text().strip()))
        self.url = _url(port_file)
        self.client = HallClient(self.url, self.signer, timeout_s=10)

    def reconnect(self) -> None:
        """Wait until the hall answers /health again (possibly on another port)."""
        while True:
            url = _url(self.port_file)
            client = HallClient(url, self.signer, timeout_s=10)
            try:
                client.health()
            except HallUnavailable:
                client.close()
                time.sleep(0.05)
                continue
            self.client.close()
            self.url, self.client = url, client
            return


def _ticket(t: Ticket | None) -> dict[str, Any] | None:
    return None if t is None else {"id": t.id, "number": t.number, "hold": t.hold, "state": t.state.value}


def run_kiosk(args: argparse.Namespace, conn: Connection, log: Log) -> None:
    """Issue the tickets (and the appointments' tickets), retrying through outages."""
    rng = random.Random(os.getpid())
    config = conn.client.config()
    categories = [c["id"] for c in config["categories"]]
    codes = [c for c in (args.appointments or "").split(",") if c]
    issued = 0
    while issued < args.tickets:
        code = codes.pop() if codes and rng.random() < 0.05 else None
        green = rng.random() < GREEN_SHARE
        category = rng.choice(categories)
        t0 = time.monotonic_ns()
        try:
            ticket = conn.client.arrive(code) if code else conn.client.issue(category, green)
        except HallUnavailable:
            log.write(op="issue", t0=t0, t1=time.monotonic_ns(), result="unknown")
            conn.reconnect()
            continue
        except HallRefusal as refusal:
            log.write(op="issue", t0=t0, t1=time.monotonic_ns(), result="refused", code=refusal.code.value)
            continue
        log.write(
            op="issue", t0=t0, t1=time.monotonic_ns(), result="ok", ticket=_ticket(ticket), kind=ticket.kind.value
        )
        issued += 1


def _counter_op(hall: CounterHall, conn: Connection, log: Log, op: str, fn: Any, **extra: Any) -> Ticket | None:
    """Run one counter operation and log it; on an outage wait for the hall and adopt whatever it says we hold."""
    before = hall.status().ticket
    t0 = time.monotonic_ns()
    try:
        result = fn(**extra)
    except HallUnavailable:
        log.write(op=op, t0=t0, t1=time.monotonic_ns(), result="unknown", ticket=_ticket(before), **extra)
        conn.reconnect()
        hall.client = conn.client
        while True:
            t0 = time.monotonic_ns()
            try:
                status = hall.refresh()
            except HallRefusal:
                time.sleep(0.05)
                continue
            if status.online:
                log.write(op="current", t0=t0, t1=time.monotonic_ns(), result="ok", ticket=_ticket(status.ticket))
                return None
            conn.reconnect()
            hall.client = conn.client
    except HallRefusal as refusal:
        log.write(op=op, t0=t0, t1=time.monotonic_ns(), result="refused", code=refusal.code.value,
                  ticket=_ticket(before), **extra)  # fmt: skip
        return None
    log.write(op=op, t0=t0, t1=time.monotonic_ns(), result="ok", ticket=_ticket(result), held=_ticket(before), **extra)
    return result


def run_counter(args: argparse.Namespace, conn: Connection, log: Log, control: Path) -> None:
    """Call, then recall/skip/transfer/finish, until told to stop."""
    rng = random.Random(os.getpid())
    hall = CounterHall(conn.client)
    others = [w for w in args.windows.split(",") if w != args.window]
    if args.stale:
        ticket_id, hold = (int(x) for x in args.stale.split(":"))
        t0 = time.monotonic_ns()
        try:
            conn.client.act_on(ticket_id, hold, "finish")
            log.write(op="stale-finish", t0=t0, t1=time.monotonic_ns(), result="ok", ticket={"id": ticket_id})
        except HallRefusal as refusal:
            log.write(op="stale-finish", t0=t0, t1=time.monotonic_ns(), result="refused", code=refusal.code.value,
                      ticket={"id": ticket_id, "hold": hold})  # fmt: skip
    idle = 0
    while True:
        stopping = (control / "stop").exists()
        held = hall.status().ticket
        if held is None:
            if stopping:
                return
            ticket = _counter_op(hall, conn, log, "call", hall.call_next)
            if ticket is None:
                idle += 1
                time.sleep(min(0.25, 0.03 * idle))  # an idle window polls gently: each call is a write
                continue
            idle = 0
            if args.hang:
                log.write(
                    op="hang", t0=time.monotonic_ns(), t1=time.monotonic_ns(), result="ok", ticket=_ticket(ticket)
                )
                threading.Event().wait()  # hold the ticket until the test kills this process
            continue
        roll = rng.random()
        if not stopping and roll < 0.05:
            _counter_op(hall, conn, log, "recall", hall.recall)
        elif not stopping and roll < 0.13 and held.skips < 2:
            _counter_op(hall, conn, log, "skip", hall.skip)
        elif not stopping and roll < 0.21 and held.transfer_to is None and others:
            _counter_op(hall, conn, log, "transfer", hall.transfer, to=rng.choice(others), case_ref=f"case-{held.id}")
        else:
            _counter_op(hall, conn, log, "finish", hall.finish)


def main(argv: list[str]) -> int:
    """Run one worker."""
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["kiosk", "counter"])
    parser.add_argument("port_file", type=Path)
    parser.add_argument("key_file", type=Path)
    parser.add_argument("log_file", type=Path)
    parser.add_argument("control", type=Path)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--appointments")
    parser.add_argument("--window")
    parser.add_argument("--windows", default="")
    parser.add_argument("--hang", action="store_true")
    parser.add_argument("--stale")
    args = parser.parse_args(argv)
    conn = Connection(args.port_file, args.key_file)
    log = Log(args.log_file)
    if args.role == "kiosk":
        run_kiosk(args, conn, log)
        (args.control / "kiosk-done").touch()
    else:
        run_counter(args, conn, log, args.control)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
