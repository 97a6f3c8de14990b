"""A hall on loopback under load and faults, checked like a Jepsen set test from the clients' own responses.

One `govdesk hall serve` process, a kiosk process issuing 2,000 tickets (green channel and
appointments among them), seven counter processes calling, recalling, skipping, transferring and
finishing concurrently, and an eighth counter that calls a ticket and is SIGKILLed while holding it.
Midway the hall itself is SIGKILLed and restarted. Every process logs its own requests and answers;
the checks use those logs and the clients' final reads only:

- no acknowledged ticket is lost: each ends finished, or waiting (skipped or transferred, with its history);
- no ticket is finished twice, and no two windows definitely held one ticket at overlapping times;
- the killed counter's ticket came back after the hold timeout, and its late finish is refused;
- the wall display's waiting counts match the tickets.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main as govdesk
from app.hall.config import load_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_client import HallClient, HallUnavailable
from app.protocol.hall_tickets import Device, TicketState

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "hall_worker.py"
TICKETS = 2000
COUNTERS = 8
HOLD_TIMEOUT_S = 3.0
KILL_HALL_AFTER = 700
DEADLINE_S = 150


def _poll(condition: Any, timeout_s: float, what: str, every_s: float = 0.05) -> Any:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}")


def _read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.endswith("}")]


def _enroll(store: Any, directory: Path, name: str, role: str, window: str | None) -> Path:
    seed = ED25519.generate_private()
    public = ED25519.signer(seed).public_key
    key_file = directory / f"{name}.key"
    key_file.write_text(seed.hex())
    store.enroll(
        Device(key_id(ED25519, public), ED25519.name, public, role, f"office-03/{name}", "office-03", window, False)
    )
    return key_file


class HallProcess:
    """The hall service as a child process; it reports its port through a file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port_file = directory / "port"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the hall and wait until it answers."""
        self.port_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "hall", "serve", "--dir", str(self.directory),
             "--port-file", str(self.port_file), "--hold-timeout", str(HOLD_TIMEOUT_S)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port = int(_poll(lambda: self.port_file.exists() and self.port_file.read_text().strip(), 30, "the hall's port"))
        client = HallClient(f"http://127.0.0.1:{port}", None)
        _poll(lambda: _answers(client), 30, "the hall to answer")
        client.close()

    @property
    def url(self) -> str:
        """The hall's URL now."""
        return f"http://127.0.0.1:{int(self.port_file.read_text().strip())}"

    def kill(self) -> None:
        """SIGKILL the hall and check that the kill landed."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(timeout=10) == -signal.SIGKILL

    def stop(self) -> None:
        """Stop the hall (SIGTERM)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


def _answers(client: HallClient) -> bool:
    try:
        return client.health()["status"] == "ok"
    except HallUnavailable:
        return False


def _worker(role: str, hall: HallProcess, key: Path, log: Path, control: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(WORKER), role, str(hall.port_file), str(key), str(log), str(control), *extra],
        cwd=ROOT, env=env, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_a_loaded_hall_loses_nothing_holds_nothing_twice_and_survives_kills(tmp_path: Path) -> None:
    started = time.monotonic()
    directory = tmp_path / "hall"
    init = ["hall", "init", "--dir", str(directory), "--office", "office-03", "--windows", str(COUNTERS)]
    assert govdesk([*init, "--suite", "ed25519"]) == 0  # the workers sign with Ed25519 key files
    config = load_config(directory / "hall.json")
    store = open_hall_store(f"sqlite:///{directory / 'hall.db'}")
    windows = [w.id for w in config.windows]
    kiosk_key = _enroll(store, directory, "kiosk-1", "kiosk", None)
    counter_keys = {w: _enroll(store, directory, f"counter-{w}", "counter", w) for w in windows}
    now_ms = int(time.time() * 1000)
    booking = Hall(config, store)
    codes = [f"YY{n:04d}" for n in range(20)]
    for code in codes:
        booking.book(code, "tax", now_ms - 60_000, now_ms + 3_600_000)
    store.close()

    control = tmp_path / "control"
    control.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    hall = HallProcess(directory)
    hall.start()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        kiosk = _worker("kiosk", hall, kiosk_key, logs / "kiosk.jsonl", control,
                        "--tickets", str(TICKETS), "--appointments", ",".join(codes))  # fmt: skip
        workers.append(kiosk)
        counters = {}
        victim = windows[-1]
        for w in windows:
            extra = ["--window", w, "--windows", ",".join(windows)] + (["--hang"] if w == victim else [])
            counters[w] = _worker("counter", hall, counter_keys[w], logs / f"{w}.jsonl", control, *extra)
            workers.append(counters[w])

        # 1. the victim counter calls a ticket and dies holding it
        hang = _poll(
            lambda: next((r for r in _read_log(logs / f"{victim}.jsonl") if r["op"] == "hang"), None),
            60, "the victim counter to hold a ticket",
        )  # fmt: skip
        counters[victim].send_signal(signal.SIGKILL)
        assert counters[victim].wait(timeout=10) == -signal.SIGKILL
        stale = hang["ticket"]

        # 2. the hall dies mid-run and comes back
        _poll(lambda: sum(r["result"] == "ok" for r in _read_log(logs / "kiosk.jsonl")) >= KILL_HALL_AFTER,
              90, "the kiosk to issue tickets")  # fmt: skip
        hall.kill()
        hall.start()

        # 3. the victim's ticket comes back after the timeout; the window that lost it is refused
        reader = HallClient(hall.url, ED25519.signer(bytes.fromhex(kiosk_key.read_text())))
        _poll(lambda: reader.ticket(stale["id"]).hold != stale["hold"], 30, "the victim's ticket to be released")
        released = reader.ticket(stale["id"])
        assert any(e.kind == "timeout" and e.window == victim for e in released.history)
        replacement = _worker("counter", hall, counter_keys[victim], logs / f"{victim}-2.jsonl", control,
                              "--window", victim, "--windows", ",".join(windows),
                              "--stale", f"{stale['id']}:{stale['hold']}")  # fmt: skip
        workers.append(replacement)

        # 4. drain, then stop every counter
        assert kiosk.wait(timeout=DEADLINE_S) == 0, kiosk.stderr.read().decode() if kiosk.stderr else ""
        reader.close()
        reader = HallClient(hall.url, ED25519.signer(bytes.fromhex(kiosk_key.read_text())))

        def drained() -> bool:
            first = sum(reader.display().waiting.values())
            time.sleep(0.3)
            return first == 0 and sum(reader.display().waiting.values()) == 0

        _poll(drained, DEADLINE_S, "the queue to drain", every_s=0.2)
        (control / "stop").touch()
        for proc in [p for p in workers if p is not counters[victim]]:
            assert proc.wait(timeout=60) == 0, proc.stderr.read().decode() if proc.stderr else ""

        # 5. a few tickets left waiting for the display check
        extra_tickets = [reader.issue("fund") for _ in range(3)] + [reader.issue("tax", green=True) for _ in range(2)]
        display = reader.display()
        final = _final_reads(reader)
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        hall.stop()

    records = {p.stem: _read_log(p) for p in logs.glob("*.jsonl")}
    _check(records, final, windows, victim, stale, extra_tickets)
    waiting: dict[str, int] = defaultdict(int)
    for t in final.values():
        if t.state is TicketState.WAITING:
            waiting[t.category] += 1
    assert display.waiting == {c.id: waiting.get(c.id, 0) for c in config.categories}
    assert sum(display.waiting.values()) >= 5
    assert time.monotonic() - started < DEADLINE_S


def _final_reads(reader: HallClient) -> dict[int, Any]:
    """Read every ticket the hall holds, page by page."""
    return {t.id: t for t in reader.tickets()}


def _check(records: dict[str, list[dict[str, Any]]], final: dict[int, Any], windows: list[str], victim: str,
           stale: dict[str, Any], extra: list[Any]) -> None:  # fmt: skip
    kiosk = records.pop("kiosk")
    issued = {r["ticket"]["id"] for r in kiosk if r["result"] == "ok"}
    assert len(issued) == TICKETS
    assert sum(r["result"] == "unknown" for r in kiosk) >= 0
    assert {r["kind"] for r in kiosk if r["result"] == "ok"} == {"normal", "green", "appointment"}
    assert any(r["result"] == "unknown" for rs in records.values() for r in rs) or any(
        r["result"] == "unknown" for r in kiosk
    ), "the hall's kill was seen by no client"

    # -- set check: every acknowledged ticket is there, and ends finished or waiting with its history
    for ticket_id in issued:
        ticket = final.get(ticket_id)
        assert ticket is not None, f"issued ticket {ticket_id} was lost"
        assert ticket.state in (TicketState.FINISHED, TicketState.WAITING), (ticket_id, ticket.state)
        if ticket.state is TicketState.WAITING:
            assert {e.kind for e in ticket.history} & {"transferred", "skipped", "timeout"}, ticket.history

    # -- holds and finishes from the counters' own answers
    holds: dict[tuple[int, int], dict[str, Any]] = {}
    finished_acks: dict[int, int] = defaultdict(int)
    transfers: dict[int, list[str]] = defaultdict(list)
    for name, rows in records.items():
        window = name.split("-")[0]
        for r in rows:
            t = r.get("ticket")
            if r["op"] == "call" and r["result"] == "ok" and t:
                key = (t["id"], t["hold"])
                assert key not in holds, f"hold {key} handed out twice"
                holds[key] = {"window": window, "start": r["t1"], "end": None}
            elif r["op"] == "current" and t and (t["id"], t["hold"]) not in holds:
                holds[(t["id"], t["hold"])] = {"window": window, "start": r["t1"], "end": None}
            elif r["op"] in ("finish", "skip", "transfer") and r["result"] == "ok":
                held = r["held"]
                key = (held["id"], held["hold"])
                assert key in holds and holds[key]["window"] == window
                holds[key]["end"] = r["t0"]
                if r["op"] == "finish":
                    finished_acks[held["id"]] += 1
                if r["op"] == "transfer":
                    transfers[held["id"]].append(r["to"])
            elif r["op"] == "stale-finish":
                assert r["result"] == "refused" and r["code"] in ("ticket_not_held", "already_finished"), r
    assert all(n == 1 for n in finished_acks.values()), "a ticket was finished twice"
    for ticket_id in finished_acks:
        assert final[ticket_id].state is TicketState.FINISHED
    by_ticket: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (ticket_id, _), h in holds.items():
        # a hold whose end the window never learned (lost, or the answer lost) is certain only at its start
        by_ticket[ticket_id].append({**h, "end": h["end"] if h["end"] is not None else h["start"]})
    for ticket_id, hs in by_ticket.items():
        hs.sort(key=lambda h: h["start"])
        for a, b in itertools.pairwise(hs):
            assert b["start"] >= a["end"], f"ticket {ticket_id} held by {a['window']} and {b['window']} at once"
    # -- transfers carry their history and case, and were served at the window they went to
    assert transfers, "the run made no transfers"
    for ticket_id, targets in transfers.items():
        ticket = final[ticket_id]
        moved = [e for e in ticket.history if e.kind == "transferred"]
        assert [e.detail for e in moved] == targets
        assert ticket.case_ref == f"case-{ticket_id}"
        if ticket.state is TicketState.FINISHED:
            assert [e for e in ticket.history if e.kind == "finished"][-1].window == targets[-1]
    assert any(e.kind == "skipped" for t in final.values() for e in t.history)
    assert any(e.kind == "recalled" for t in final.values() for e in t.history)
    assert final[stale["id"]].state is TicketState.FINISHED
    assert all(final[t.id].state is TicketState.WAITING for t in extra)
    assert victim in windows
