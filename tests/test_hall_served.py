"""The evaluator learns from the hall which case its window finished (issue 19): the counter's finish carries the
case as a commitment (no case id, no personal data), `GET /served` gives it to that window's evaluator only, until it
is rated, replaced by the next finish, or stale; hostile `served` documents are refused; SIGKILLs while windows
finish never leave a served record without its finished ticket, nor lose an acknowledged one."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.hall.config import default_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, Signer, key_id
from app.protocol.departments import department
from app.protocol.hall_client import CounterHall, HallClient
from app.protocol.hall_rating import Rating, rating_entry
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_served import SERVED_FOR_S, MalformedServed, ServedCase, ServedTicket
from app.protocol.hall_tickets import TicketKind
from app.protocol.request_auth import sign_request
from tests.crash_pipe import fork_reporting, kill_and_drain, read_until
from tests.hall_support import Server, enrolled_device

OFFICE = "office-03"
SERVICE = "taxation.tax-payment-certificate"
TAX_LOG = department("taxation").origin
CLERK = key_id(ED25519, ED25519.signer(b"\x05" * 32).public_key)


def _served(n: int = 1) -> ServedCase:
    return ServedCase(SERVICE, TAX_LOG, bytes([n]) * 32, CLERK, "li.na")


class Clock:
    """The hall's clock, moved by the test (the served record's freshness is a matter of minutes)."""

    def __init__(self) -> None:
        self.now_ms = int(time.time() * 1000)

    def __call__(self) -> int:
        return self.now_ms


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[tuple[Hall, Server, Clock]]:
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    clock = Clock()
    hall = Hall(replace(default_config(OFFICE, 4), hold_timeout_s=600), store, clock)
    server = Server(hall)
    yield hall, server, clock
    server.stop()
    store.close()


@pytest.fixture
def window_one(hall) -> Iterator[tuple[HallClient, CounterHall, Signer, HallClient]]:
    """Window w01's devices: a kiosk, the counter, the evaluator's key and the evaluator's client."""
    hall_, server, _clock = hall
    kiosk = HallClient(server.url, enrolled_device(hall_, "kiosk"))
    counter = CounterHall(HallClient(server.url, enrolled_device(hall_, "counter", "w01")))
    evaluator = enrolled_device(hall_, "evaluator", "w01")
    pad = HallClient(server.url, evaluator)
    yield kiosk, counter, evaluator, pad
    for client in (kiosk, counter.client, pad):
        client.close()


def _rate(pad: HallClient, signer: Signer, served: ServedTicket, level: int) -> dict:
    case = served.case
    rating = Rating(
        case.case_commitment, level, case.service, OFFICE, served.window, case.clerk, int(time.time() * 1000)
    )
    return pad.rate(rating_entry(rating, case.log, signer))


def test_the_window_evaluator_is_told_the_case_finished_until_it_is_rated(hall, window_one) -> None:
    hall_, server, clock = hall
    kiosk, counter, evaluator, pad = window_one
    other_pad = HallClient(server.url, enrolled_device(hall_, "evaluator", "w02"))
    try:
        assert pad.served() is None
        tickets = [kiosk.issue("tax") for _ in range(3)]
        counter.call_next()
        counter.finish(_served(1))
        served = pad.served()
        assert served == ServedTicket(_served(1), tickets[0].number, "w01", 1, clock.now_ms)
        assert other_pad.served() is None  # another window's evaluator is told nothing of it
        with pytest.raises(HallRefusal) as refused:  # a counter does not read the evaluator's prompt
            counter.client._request("GET", "/served")
        assert refused.value.code is HallCode.ROLE_NOT_ALLOWED

        _rate(pad, evaluator, served, 4)
        assert pad.served() is None  # rated: nothing left to ask

        # The next finish replaces what the window served; a finish without a case leaves nothing to rate.
        counter.call_next()
        counter.finish(_served(2))
        assert pad.served().case == _served(2)
        counter.call_next()
        counter.finish()
        assert pad.served() is None

        # A served case not rated within SERVED_FOR_S is no longer put to the next person at the pad.
        kiosk.issue("tax")
        counter.call_next()
        counter.finish(_served(3))
        assert pad.served().case == _served(3)
        clock.now_ms += SERVED_FOR_S * 1000  # (asked of the hall itself: its requests' clock would be stale)
        assert hall_.served("w01").case == _served(3)
        clock.now_ms += 1
        assert hall_.served("w01") is None
    finally:
        other_pad.close()


def test_a_rating_of_another_case_leaves_the_served_one_waiting(window_one) -> None:
    kiosk, counter, evaluator, pad = window_one
    kiosk.issue("tax")
    counter.call_next()
    counter.finish(_served(1))
    served = pad.served()
    _rate(pad, evaluator, replace(served, case=_served(9)), 5)
    assert pad.served() == served


HOSTILE_SERVED = [
    "a string",
    [],
    {},
    {**_served().to_json(), "citizen": "赵敏"},  # nothing else rides along
    {**_served().to_json(), "case_commitment": "00" * 31},
    {**_served().to_json(), "case_commitment": b"GD-2026-000123".hex().ljust(64, "0").upper()},
    {**_served().to_json(), "case_commitment": 7},
    {**_served().to_json(), "clerk": "zz" * 16},
    {**_served().to_json(), "service": "Taxation/../../etc"},
    {**_served().to_json(), "service": "x" * 200},
    {**_served().to_json(), "log": "evil.example.com"},
    {**_served().to_json(), "staff_id": "li\nna"},
    {**_served().to_json(), "staff_id": "x" * 65},
    {**_served().to_json(), "staff_id": None},
]


@pytest.mark.parametrize("doc", HOSTILE_SERVED, ids=range(len(HOSTILE_SERVED)))
def test_hostile_served_documents_are_refused_and_the_ticket_stays_held(hall, doc) -> None:
    hall_, server, _clock = hall
    with pytest.raises(MalformedServed):
        ServedCase.from_json(doc)
    kiosk = HallClient(server.url, enrolled_device(hall_, "kiosk"))
    client = HallClient(server.url, enrolled_device(hall_, "counter", "w01"))
    try:
        kiosk.issue("tax")
        ticket = client.call_next()
        assert ticket is not None
        with pytest.raises(HallRefusal) as refused:
            client.act(ticket, "finish", served=doc)
        assert refused.value.code is HallCode.MALFORMED_REQUEST
        assert client.current() == replace(ticket, history=())  # not finished by a refused request
    finally:
        kiosk.close()
        client.close()


HOSTILE_ANSWERS = [
    {"served": "x"},
    {"served": {"case": _served().to_json(), "number": "A001", "window": "w01", "window_number": True,
                "finished_ms": 1}},
    {"served": {"case": _served().to_json(), "number": "<b>A001", "window": "w01", "window_number": 1,
                "finished_ms": 1}},
    {"served": {"case": _served().to_json(), "number": "A001", "window": "W 1", "window_number": 1,
                "finished_ms": 1}},
    {"served": {"case": {}, "number": "A001", "window": "w01", "window_number": 1, "finished_ms": 1}},
    {"served": {"case": _served().to_json(), "number": "A001", "window": "w01", "window_number": 1,
                "finished_ms": -1}},
    {"nothing": None},
]  # fmt: skip


@pytest.mark.parametrize("answer", HOSTILE_ANSWERS, ids=range(len(HOSTILE_ANSWERS)))
def test_the_evaluator_reads_the_halls_answer_strictly(answer) -> None:
    """A garbled answer is never a prompt shown to the citizen (HallClient.served turns it into HallUnavailable)."""
    with pytest.raises((MalformedServed, KeyError)):
        ServedTicket.from_json(answer["served"])


def test_an_unsigned_or_foreign_served_request_is_refused(hall) -> None:
    hall_, server, _clock = hall
    evaluator = enrolled_device(hall_, "evaluator", "w01")
    assert httpx.get(f"{server.url}/served").status_code == 401
    headers = sign_request(evaluator, "GET", "/served", b"", int(time.time() * 1000))
    assert httpx.get(f"{server.url}/served", headers=headers).json() == {"served": None}
    stranger = enrolled_device(hall_, "evaluator", "w01", office="office-07")
    headers = sign_request(stranger, "GET", "/served", b"", int(time.time() * 1000))
    assert httpx.get(f"{server.url}/served", headers=headers).json()["refusal"]["code"] == "wrong_office"
    unbound = enrolled_device(hall_, "evaluator")
    headers = sign_request(unbound, "GET", "/served", b"", int(time.time() * 1000))
    assert httpx.get(f"{server.url}/served", headers=headers).json()["refusal"]["code"] == "unknown_window"


# --- crash safety -------------------------------------------------------------------------------------------------

WINDOWS = ("w01", "w02")


def _finisher(db: Path, seed: int, report_fd: int) -> None:
    """In a child: each window calls and finishes with a served case, reporting before and after each finish."""
    store = open_hall_store(f"sqlite:///{db}")
    hall = Hall(default_config(OFFICE, 4), store)
    rng = random.Random(seed)
    os.write(report_fd, b"ready\n")
    for i in range(100_000):
        window = WINDOWS[i % 2]
        hall.issue("tax", TicketKind.NORMAL)
        ticket = hall.current(window) or hall.call_next(window)  # a ticket called before the last kill is finished
        assert ticket is not None and ticket.hold is not None
        n = rng.randrange(1, 1 << 30)
        os.write(report_fd, f"begin {window} {ticket.id} {n}\n".encode())
        hall.finish(window, ticket.id, ticket.hold, None, replace(_served(), case_commitment=n.to_bytes(32, "big")))
        os.write(report_fd, f"done {window} {ticket.id} {n}\n".encode())


@pytest.mark.slow
def test_sigkills_while_finishing_never_tear_a_finish_from_its_served_case(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    open_hall_store(f"sqlite:///{db}").close()
    rng = random.Random(19)
    killed_mid_finish = 0
    last_done: dict[str, tuple[int, int]] = {}
    last_begun: dict[str, tuple[int, int]] = {}
    start = time.monotonic()
    for round_no in range(12):
        pid, read_fd = fork_reporting(_finisher, db, round_no)
        buffer = read_until(read_fd, time.monotonic() + 20, marker=b"done ")
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.040))
        buffer += kill_and_drain(pid, read_fd)
        lines = [line.split(" ") for line in buffer.decode().split("\n")[:-1] if line != "ready"]
        killed_mid_finish += bool(lines) and lines[-1][0] == "begin"
        for kind, window, ticket_id, n in lines:
            (last_done if kind == "done" else last_begun)[window] = (int(ticket_id), int(n))
        # What the hall holds now: each window's served record is its last acknowledged finish, or the one it had
        # begun when killed, and then that ticket is finished too (one transaction).
        store = open_hall_store(f"sqlite:///{db}")
        hall = Hall(default_config(OFFICE, 4), store)
        try:
            for window in WINDOWS:
                found = store.served(window, 0)
                if window not in last_done:
                    continue
                assert found is not None, "an acknowledged finish lost its served case"
                case, ticket_id, _number, _at = found
                held = (ticket_id, int.from_bytes(case.case_commitment, "big"))
                assert held in (last_done[window], last_begun.get(window)), (held, last_done[window])
                assert hall.ticket(ticket_id).state.value == "finished"
        finally:
            store.close()
    assert killed_mid_finish >= 3, "kills should land while a finish is under way"
    assert time.monotonic() - start < 90
