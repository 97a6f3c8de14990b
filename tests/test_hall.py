"""The hall's rules (priority, skip, transfer, timeout, finish once) and its HTTP API against hostile requests."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.hall.announcer import Announcer
from app.hall.config import HallConfigError, default_config, parse_config
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_client import CounterHall, HallClient, HallUnavailable
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry, reason_digest
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import CallRecord, Ticket, TicketEvent, TicketKind, TicketState
from app.protocol.request_auth import sign_request
from tests.hall_support import Server, enrolled_device

T0 = 1_796_000_000_000  # 2026-12-01, a working Tuesday morning in Beijing


class Clock:
    """A settable clock for the hall's rules."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hall(tmp_path: Path, clock: Clock) -> Iterator[Hall]:
    config = replace(default_config("office-03", 4), hold_timeout_s=60, skip_return_calls=2, max_skips=2)
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    yield Hall(config, store, clock)
    store.close()


def test_tickets_are_numbered_per_category_and_called_in_order(hall: Hall) -> None:
    a1, a2, b1 = (
        hall.issue("property", TicketKind.NORMAL),
        hall.issue("property", TicketKind.NORMAL),
        hall.issue("tax", TicketKind.NORMAL),
    )
    assert (a1.number, a2.number, b1.number) == ("A001", "A002", "B001")
    first = hall.call_next("w01")
    assert first is not None and first.id == a1.id and first.state is TicketState.CALLED and first.window == "w01"
    with pytest.raises(HallRefusal) as busy:
        hall.call_next("w01")
    assert busy.value.code is HallCode.WINDOW_BUSY and busy.value.detail["ticket"]["id"] == a1.id
    hall.finish("w01", a1.id, first.hold or 0)
    with pytest.raises(HallRefusal) as twice:
        hall.finish("w01", a1.id, first.hold or 0)
    assert twice.value.code is HallCode.ALREADY_FINISHED


def test_green_channel_then_appointment_in_its_slot_then_issue_order(hall: Hall, clock: Clock) -> None:
    normal = hall.issue("tax", TicketKind.NORMAL)
    hall.book("APPT01", "tax", T0 + 10 * 60_000, T0 + 40 * 60_000)
    hall.book("APPT02", "tax", T0 - 30 * 60_000, T0 + 30 * 60_000)
    early = hall.arrive("APPT01")  # its slot has not begun: it queues as normal
    in_slot = hall.arrive("APPT02")
    green = hall.issue("tax", TicketKind.GREEN)
    with pytest.raises(HallRefusal) as used:
        hall.arrive("APPT02")
    assert used.value.code is HallCode.APPOINTMENT_USED
    with pytest.raises(HallRefusal):
        hall.arrive("NOPE99")
    order = []
    for _ in range(4):
        t = hall.call_next("w01")
        assert t is not None
        order.append(t.id)
        hall.finish("w01", t.id, t.hold or 0)
    assert order == [green.id, in_slot.id, normal.id, early.id]
    assert hall.call_next("w01") is None


def test_a_window_calls_only_its_categories(hall: Hall) -> None:
    w02 = hall.config.window("w02")
    assert w02 is not None
    other = next(c.id for c in hall.config.categories if c.id not in w02.categories)
    hall.issue(other, TicketKind.GREEN)
    assert hall.call_next("w02") is None
    with pytest.raises(HallRefusal) as err:
        hall.call_next("w99")
    assert err.value.code is HallCode.UNKNOWN_WINDOW


def test_a_skipped_ticket_returns_after_the_set_number_of_calls_then_is_missed(hall: Hall) -> None:
    skipped = hall.issue("property", TicketKind.NORMAL)
    others = [hall.issue("property", TicketKind.NORMAL) for _ in range(3)]
    t = hall.call_next("w01")
    assert t is not None and t.id == skipped.id
    hall.skip("w01", t.id, t.hold or 0)
    served = []
    for _ in range(3):
        n = hall.call_next("w01")
        assert n is not None
        served.append(n.id)
        hall.finish("w01", n.id, n.hold or 0)
    # skip_return_calls = 2: two other calls, then the skipped ticket is first in line again
    assert served == [others[0].id, others[1].id, skipped.id]
    again = hall.ticket(skipped.id)
    assert [e.kind for e in again.history][:3] == ["issued", "called", "skipped"]


def test_skipping_past_the_limit_marks_the_ticket_missed(hall: Hall) -> None:
    t = hall.issue("tax", TicketKind.NORMAL)
    for _ in range(hall.config.max_skips):
        c = hall.call_next("w01")
        assert c is not None and c.id == t.id  # nobody else waits: it comes straight back
        hall.skip("w01", c.id, c.hold or 0)
    c = hall.call_next("w01")
    assert c is not None
    assert hall.skip("w01", c.id, c.hold or 0).state is TicketState.MISSED
    assert hall.call_next("w01") is None


def test_a_transfer_goes_first_to_its_window_with_history_and_case(hall: Hall) -> None:
    t = hall.issue("property", TicketKind.NORMAL)
    hall.issue("property", TicketKind.GREEN)
    c = hall.call_next("w01")
    assert c is not None
    c2 = hall.call_next("w02")  # w02 serves property too: gets the other one
    assert c2 is not None and c2.id != c.id
    moved = hall.transfer("w01", c.id, c.hold or 0, "w03", "GD-2026-000123")
    assert moved.state is TicketState.WAITING and moved.transfer_to == "w03"
    with pytest.raises(HallRefusal):
        hall.finish("w01", c.id, c.hold or 0)  # the window that sent it away no longer holds it
    at3 = hall.call_next("w03")
    assert at3 is not None and at3.id == c.id and at3.case_ref == "GD-2026-000123"
    assert [e.kind for e in at3.history] == ["issued", "called", "transferred", "called"]
    for bad in ("w03", "w99"):
        with pytest.raises(HallRefusal):
            hall.transfer("w03", at3.id, at3.hold or 0, bad, None)
    with pytest.raises(HallRefusal):
        hall.transfer("w03", at3.id, at3.hold or 0, "w01", "bad ref with spaces")
    assert t.id in (c.id, c2.id)


def test_a_lapsed_hold_returns_the_ticket_and_the_late_finish_is_refused(hall: Hall, clock: Clock) -> None:
    t = hall.issue("tax", TicketKind.NORMAL)
    c = hall.call_next("w01")
    assert c is not None
    clock.now += 30_000
    hall.heartbeat("w01", c.id, c.hold or 0)
    clock.now += 45_000
    assert hall.sweep() == 0  # the heartbeat kept it
    clock.now += 61_000
    assert hall.sweep() == 1
    back = hall.ticket(t.id)
    assert back.state is TicketState.WAITING and back.history[-1].kind == "timeout"
    again = hall.call_next("w02")
    assert again is not None and again.id == t.id and again.hold != c.hold
    with pytest.raises(HallRefusal) as lost:
        hall.finish("w01", c.id, c.hold or 0)
    assert lost.value.code is HallCode.TICKET_NOT_HELD
    with pytest.raises(HallRefusal):
        hall.recall("w01", c.id, c.hold or 0)
    hall.finish("w02", again.id, again.hold or 0)


def test_the_display_shows_calls_recalls_and_waiting_counts(hall: Hall) -> None:
    for _ in range(3):
        hall.issue("tax", TicketKind.NORMAL)
    c = hall.call_next("w01")
    assert c is not None
    hall.recall("w01", c.id, c.hold or 0)
    state = hall.display()
    assert state.waiting["tax"] == 2 and sum(state.waiting.values()) == 2
    assert [(r.number, r.window_number, r.recall) for r in state.calls] == [("B001", 1, True), ("B001", 1, False)]
    assert state.calls[0].announcement_zh() == "请 B001 号到 1 号窗口"


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"format": "govdesk.hall/1", "office": "Office 3"},
        {**default_config("o", 2).to_json(), "windows": [{"id": "w1", "number": 1, "categories": ["nope"]}]},
        {**default_config("o", 2).to_json(), "hold_timeout_s": -1},
        {
            **default_config("o", 2).to_json(),
            "categories": [{"id": "a", "letter": "aa", "name_zh": "x", "name_en": "y"}],
        },
    ],
)
def test_a_bad_configuration_is_refused(doc: dict) -> None:
    with pytest.raises(HallConfigError):
        parse_config(doc)


# --- over HTTP ---------------------------------------------------------------------------------------
@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Hall, Server]]:
    config = replace(default_config("office-03", 4), hold_timeout_s=60)
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    hall = Hall(config, store)
    server = Server(hall)
    yield hall, server
    server.stop()
    store.close()


def test_signed_devices_of_the_office_work_through_the_client(served: tuple[Hall, Server]) -> None:
    hall, server = served
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    counter = CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w01")))
    issued = kiosk.issue("tax", green=True)
    assert issued.kind is TicketKind.GREEN
    called = counter.call_next()
    assert called is not None and called.id == issued.id and counter.status().ticket == called
    assert counter.recall().calls == 2
    assert counter.finish().state is TicketState.FINISHED
    assert counter.status().can_call
    display = HallClient(server.url, enrolled_device(hall, "display")).display()
    assert display.calls[0].number == issued.number
    with pytest.raises(HallRefusal) as err:
        kiosk.call_next()
    assert err.value.code is HallCode.ROLE_NOT_ALLOWED


def test_unenrolled_foreign_revoked_and_replayed_requests_are_refused(served: tuple[Hall, Server]) -> None:
    hall, server = served
    stranger = HallClient(server.url, ED25519.signer(ED25519.generate_private()))
    with pytest.raises(HallRefusal) as err:
        stranger.issue("tax")
    assert err.value.code is HallCode.UNAUTHENTICATED
    foreign = HallClient(server.url, enrolled_device(hall, "kiosk", office="office-99"))
    with pytest.raises(HallRefusal) as err:
        foreign.issue("tax")
    assert err.value.code is HallCode.WRONG_OFFICE
    signer = enrolled_device(hall, "kiosk")
    hall.store.revoke(key_id(ED25519, signer.public_key))
    with pytest.raises(HallRefusal) as err:
        HallClient(server.url, signer).issue("tax")
    assert err.value.code is HallCode.REVOKED_SIGNER
    # a captured request sent twice
    signer = enrolled_device(hall, "kiosk")
    body = json.dumps({"category": "tax"}).encode()
    headers = sign_request(signer, "POST", "/tickets", body, int(time.time() * 1000))
    first = httpx.post(server.url + "/tickets", content=body, headers=headers)
    second = httpx.post(server.url + "/tickets", content=body, headers=headers)
    assert first.status_code == 200 and second.json()["refusal"]["code"] == "replayed_request"
    # altered body, stale time
    altered = httpx.post(server.url + "/tickets", content=body.replace(b"tax", b"fund"), headers=headers)
    assert altered.json()["refusal"]["code"] == "bad_request_signature"
    old = sign_request(signer, "POST", "/tickets", body, int(time.time() * 1000) - 3_600_000)
    assert httpx.post(server.url + "/tickets", content=body, headers=old).json()["refusal"]["code"] == "stale_request"
    unsigned = httpx.post(server.url + "/tickets", content=body)
    assert unsigned.status_code == 401


def test_a_device_changed_by_another_process_after_it_was_cached_acts_as_it_is_now(
    served: tuple[Hall, Server], tmp_path: Path
) -> None:
    """The server keeps the enrolments it has admitted, but each write re-reads the device in its own transaction:
    a revocation or a re-enrolment made by another process (here the hall CLI's own store) takes effect at once."""
    hall, server = served
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    for _ in range(3):
        kiosk.issue("tax")
    signer = enrolled_device(hall, "counter", "w01")
    counter = HallClient(server.url, signer)
    first = counter.call_next()
    assert first is not None and first.window == "w01"  # the device is now cached by the server
    counter.act(first, "finish")
    kid = key_id(ED25519, signer.public_key)
    other = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")  # as `govdesk hall enroll` would, beside the server
    try:
        moved = hall.store.device(kid)
        assert moved is not None
        other.enroll(replace(moved, window="w02"))
        second = counter.call_next()
        assert second is not None and second.window == "w02"  # the fresh enrolment, not the cached one
        counter.act(second, "finish")
        other.revoke(kid)
        waiting = hall.display().waiting
        with pytest.raises(HallRefusal) as err:
            counter.call_next()
        assert err.value.code is HallCode.REVOKED_SIGNER
        assert hall.display().waiting == waiting  # the refused call took no ticket
    finally:
        other.close()


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/tickets", b"not json", "malformed_request"),
        ("/tickets", b"[1, 2]", "malformed_request"),
        ("/tickets", b'{"category": 7}', "malformed_request"),
        ("/tickets", b'{"category": "tax", "kind": "vip"}', "malformed_request"),
        ("/tickets", b'{"category": "casino"}', "unknown_category"),
        ("/tickets", b'{"appointment": "x y"}', "malformed_request"),
        ("/tickets", b"{" * 9000, "body_too_large"),
        ("/tickets", b"\xff\xfe", "malformed_request"),
        ("/tickets", b'{"category": "' + b"a" * 9000 + b'"}', "body_too_large"),
    ],
)
def test_hostile_kiosk_bodies_get_typed_refusals(
    served: tuple[Hall, Server], path: str, body: bytes, code: str
) -> None:
    hall, server = served
    signer = enrolled_device(hall, "kiosk")
    headers = sign_request(signer, "POST", path, body, int(time.time() * 1000))
    response = httpx.post(server.url + path, content=body, headers=headers)
    assert response.json()["refusal"]["code"] == code


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/tickets/1/finish", b"{}", "malformed_request"),
        ("/tickets/1/finish", b'{"hold": -1}', "malformed_request"),
        ("/tickets/1/finish", b'{"hold": true}', "malformed_request"),
        ("/tickets/999/finish", b'{"hold": 1}', "unknown_ticket"),
        ("/tickets/1/explode", b'{"hold": 1}', "not_found"),
        ("/tickets/abc/finish", b'{"hold": 1}', "malformed_request"),
        ("/tickets/1/transfer", b'{"hold": 1, "to": 3}', "malformed_request"),
        ("/nowhere", b"{}", "not_found"),
    ],
)
def test_hostile_counter_requests_get_typed_refusals(
    served: tuple[Hall, Server], path: str, body: bytes, code: str
) -> None:
    hall, server = served
    hall.issue("tax", TicketKind.NORMAL)
    signer = enrolled_device(hall, "counter", "w01")
    headers = sign_request(signer, "POST", path, body, int(time.time() * 1000))
    response = httpx.post(server.url + path, content=body, headers=headers)
    assert response.json()["refusal"]["code"] == code


def test_a_counter_without_the_hall_keeps_serving_and_says_so(served: tuple[Hall, Server]) -> None:
    hall, server = served
    HallClient(server.url, enrolled_device(hall, "kiosk")).issue("tax")
    counter = CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w01"), timeout_s=2))
    serving = counter.call_next()
    assert serving is not None
    server.stop()
    with pytest.raises(HallUnavailable):
        counter.call_next()
    assert counter.status().code == "hall_unavailable"
    status = counter.refresh()
    assert not status.online and status.code == "hall_unavailable" and not status.can_call
    assert status.ticket == serving  # the citizen at the window is still being served


def test_an_evaluator_posts_a_signed_rating_and_a_bad_one_opens_remediation(served: tuple[Hall, Server]) -> None:
    hall, server = served
    signer = enrolled_device(hall, "evaluator", "w01")
    client = HallClient(server.url, signer)
    clerk = key_id(ED25519, ED25519.signer(b"\x02" * 32).public_key)
    rating = Rating(case_commitment("GD-1", new_salt()), 1, "gas.account-opening", "office-03", "w01", clerk,
                    int(time.time() * 1000), reason_digest("太慢"))  # fmt: skip
    answer = client.rate(rating_entry(rating, "gas.ledger.beijing.gov.cn", signer), "太慢")
    assert answer["remediation"]["due_day"] > "2026-01-01"
    good = replace(rating, level=5, reason_digest=None)
    assert client.rate(rating_entry(good, "gas.ledger.beijing.gov.cn", signer))["remediation"] is None
    with pytest.raises(HallRefusal) as err:
        HallClient(server.url, enrolled_device(hall, "kiosk")).rate(rating_entry(good, "o", signer))
    assert err.value.code is HallCode.ROLE_NOT_ALLOWED
    body = b'{"entry": "not base64!"}'
    headers = sign_request(signer, "POST", "/ratings", body, int(time.time() * 1000))
    assert httpx.post(server.url + "/ratings", content=body, headers=headers).json()["refusal"]["code"] == (
        "malformed_request"
    )


def test_hostile_reads_and_a_counter_without_a_window(served: tuple[Hall, Server]) -> None:
    hall, server = served
    signer = enrolled_device(hall, "display")
    for query in ("from=abc", "from=-1", "from=" + "9" * 30):
        headers = sign_request(signer, "GET", f"/tickets?{query}", b"", int(time.time() * 1000))
        answer = httpx.get(f"{server.url}/tickets?{query}", headers=headers)
        assert answer.json()["refusal"]["code"] == "malformed_request"
    # the query is covered by the signature: a signed page cannot be swapped for another
    headers = sign_request(signer, "GET", "/tickets?from=1", b"", int(time.time() * 1000))
    assert httpx.get(f"{server.url}/tickets?from=2", headers=headers).json()["refusal"]["code"] == (
        "bad_request_signature"
    )
    lost = HallClient(server.url, enrolled_device(hall, "counter", None))
    with pytest.raises(HallRefusal) as err:
        lost.call_next()
    assert err.value.code is HallCode.UNKNOWN_WINDOW


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        Ticket,
        id=st.integers(1, 2**40),
        day=st.dates().map(str),
        number=st.from_regex(r"[A-Z][0-9]{3,4}", fullmatch=True),
        category=st.from_regex(r"[a-z]{1,12}", fullmatch=True),
        kind=st.sampled_from(TicketKind),
        state=st.sampled_from(TicketState),
        window=st.none() | st.from_regex(r"w[0-9]{2}", fullmatch=True),
        hold=st.none() | st.integers(1, 2**40),
        issued_ms=st.integers(0, 2**45),
        calls=st.integers(0, 99),
        skips=st.integers(0, 9),
        transfer_to=st.none() | st.just("w02"),
        case_ref=st.none() | st.text(min_size=1, max_size=64),
        slot_start_ms=st.none() | st.integers(0, 2**45),
        slot_end_ms=st.none() | st.integers(0, 2**45),
        history=st.lists(
            st.builds(
                TicketEvent,
                kind=st.sampled_from(["issued", "called", "skipped"]),
                window=st.none() | st.just("w01"),
                at_ms=st.integers(0, 2**45),
                detail=st.none() | st.text(max_size=20),
            ),
            max_size=5,
        ).map(tuple),
    )
)
def test_a_ticket_survives_its_json_round_trip(ticket: Ticket) -> None:
    assert Ticket.from_json(json.loads(json.dumps(ticket.to_json()))) == ticket


def test_the_announcement_is_spoken_by_espeak_ng_in_mandarin(tmp_path: Path) -> None:
    call = CallRecord("A012", "w03", 3, T0, False)
    announcer = Announcer()
    assert announcer.available, "espeak-ng is installed by scripts/setup"
    wav = tmp_path / "call.wav"
    command = announcer.command(call)
    assert command[1:3] == ["-v", "cmn"] and command[-1] == "请 A012 号到 3 号窗口"
    subprocess.run([*command, "-w", str(wav)], check=True, timeout=30)
    assert wav.read_bytes()[:4] == b"RIFF" and wav.stat().st_size > 20_000  # about a second of speech
    assert not Announcer(executable="").announce(call)  # no synthesiser: the display shows the call alone
