"""好差评 end to end (issue #19): an evaluator at a window rates a finished ticket at the real hall server, the
counter office collects the signed `hall.rating` from the hall, queues it in its outbox, sync pushes it, and the
department's real node (the demo federation on loopback) sequences it: it is in that department's log, read back
through the node client. Refused on the way: a rating of another office's ticket, a rating with a bad signature (each
with a plain reason, at the hall, the counter and the node); a rating collected and submitted twice is in the log
once. The entry on the log names the case only by its salted commitment and the reason only by its digest."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.hall.hall import Hall
from app.ledger.entry import decode_entry, entry_hash
from app.ledger.suites import ED25519, Signer, key_id
from app.office import Office, RatingNotForwarded
from app.protocol.departments import department
from app.protocol.hall_client import CounterHall, HallClient
from app.protocol.hall_rating import (
    RATINGS_PAGE,
    Rating,
    RatingCursor,
    case_commitment,
    new_salt,
    rating_entry,
    reason_digest,
)
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import Device
from app.protocol.node_client import NodeClient
from tests.hall_support import Server, enrol_at_department, enrolled_device, in_log, serving_hall
from tests.ui_fixtures import PASSWORD, dangling_threads, demo_nodes, demo_office, demo_template

__all__ = ["dangling_threads", "demo_nodes", "demo_office", "demo_template"]
OFFICE, OTHER_OFFICE = "office-03", "office-07"
SERVICE = "taxation.tax-payment-certificate"
TAXATION = department("taxation").origin
REASON = "等候时间太长"


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[tuple[Hall, Server]]:
    with serving_hall(tmp_path / "hall.db", OFFICE) as served:
        yield served


def evaluator_key(hall: Hall | None, window: str) -> Signer:
    """A fresh Ed25519 evaluator key, enrolled at the hall for `window` when a hall is given."""
    signer = ED25519.signer(ED25519.generate_private())
    if hall is not None:
        kid = key_id(ED25519, signer.public_key)
        hall.store.enroll(
            Device(kid, ED25519.name, signer.public_key, "evaluator", f"{hall.config.office}/evaluator-{window}",
                   hall.config.office, window, False)
        )  # fmt: skip
    return signer


def rating(evaluator: Signer, clerk: bytes, office: str = OFFICE, level: int = 1, case_id: str = "C0001") -> bytes:
    """The evaluator's signed rating of a case served at window w01."""
    body = Rating(case_commitment(case_id, new_salt()), level, SERVICE, office, "w01", clerk, int(time.time() * 1000),
                  reason_digest(REASON))  # fmt: skip
    return rating_entry(body, TAXATION, evaluator)


def bad_signature(data: bytes) -> bytes:
    """The entry with the last byte of its signature flipped (COSE_Sign1 ends with the signature)."""
    return data[:-1] + bytes([data[-1] ^ 0x01])


def test_a_rating_reaches_the_department_log_once_and_others_are_refused(hall_server, demo_office, demo_nodes) -> None:
    hall, server = hall_server
    evaluator = evaluator_key(hall, "w01")
    stranger = evaluator_key(None, "w01")  # another office's evaluator, enrolled by the same department
    enrol_at_department(demo_nodes.directory, "taxation", evaluator, f"{OFFICE}/evaluator-w01")
    enrol_at_department(demo_nodes.directory, "taxation", stranger, f"{OTHER_OFFICE}/evaluator-w01")
    demo_nodes.start()
    office = Office(demo_office.path)
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    counter = CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w01")))
    pad = HallClient(server.url, evaluator)
    node_url = next(n["url"] for n in demo_nodes.nodes if n["origin"] == TAXATION)
    node = NodeClient(node_url, timeout=10)
    try:
        clerk = office.session.unlock("li.na", PASSWORD).kid
        assert office.sync_log(TAXATION, lambda _: None).error is None  # the office learns the evaluators' keys

        # The citizen is served and the ticket finished; the evaluator at the window rates it at the hall.
        ticket = kiosk.issue("tax")
        assert counter.call_next().id == ticket.id
        assert counter.finish().state.value == "finished"
        data = rating(evaluator, clerk)
        answer = pad.rate(data, REASON)
        assert answer["remediation"] is not None  # 非常不满意 opens a remediation item at the hall

        # The counter office collects it from the hall, queues it, and sync pushes it to the taxation node.
        hall_office = counter.client.config()["office"]
        taken: list = []
        assert counter.collect_ratings(lambda entries: taken.append(office.cases.forward_ratings(entries, hall_office)))
        assert [t.queued for t in taken] == [(entry_hash(data),)], [str(r) for t in taken for r in t.refused]
        assert office.replica.outbox.count_pending() == 1
        outcome = office.sync_log(TAXATION, lambda _: None)
        assert outcome.error is None and office.replica.outbox.count_pending() == 0
        assert in_log(node, data) == 1
        on_log = decode_entry(data).entry.body
        assert set(on_log) == {"case_commitment", "level", "service", "office", "window", "clerk", "reason_digest",
                               "rated_at"}  # fmt: skip
        assert b"C0001" not in data and REASON.encode() not in data  # a commitment and a digest, nothing personal

        # Replayed: collected again by a restarted counter, and submitted again straight to the node: once in the log.
        restarted = CounterHall(HallClient(server.url, counter.client.signer))
        again: list = []
        assert restarted.collect_ratings(lambda entries: again.append(office.cases.forward_ratings(entries, OFFICE)))
        assert again[0].queued == (entry_hash(data),) and office.replica.outbox.count_pending() == 0
        assert office.sync_log(TAXATION, lambda _: None).error is None
        device = NodeClient(node_url, key=office.replica.device_signer, timeout=10)
        try:
            first_index = device.submit([data])[0].index
            assert device.submit([data])[0].index == first_index  # idempotent by entry hash
            assert in_log(node, data) == 1

            # Another office's ticket: the hall, the counter and the node each refuse it, saying why.
            foreign = rating(evaluator, clerk, office=OTHER_OFFICE)
            with pytest.raises(HallRefusal) as refused:
                pad.rate(foreign, REASON)
            assert refused.value.code is HallCode.WRONG_OFFICE
            with pytest.raises(RatingNotForwarded, match="office-07") as not_forwarded:
                office.cases.forward_rating(foreign, OFFICE)
            assert not_forwarded.value.reason == "wrong_office"
            [result] = device.submit([foreign])
            assert result.code == "role_not_allowed" and "office-07" in result.message
            posing = rating(stranger, clerk)  # office-07's evaluator naming office-03
            with pytest.raises(RatingNotForwarded, match="office-07") as not_forwarded:
                office.cases.forward_rating(posing, OFFICE)
            assert not_forwarded.value.reason == "wrong_office"
            [result] = device.submit([posing])
            assert result.code == "role_not_allowed" and "office-03" in result.message

            # A bad signature: refused at the hall, at the counter and at the node, in plain words.
            forged = bad_signature(rating(evaluator, clerk, level=5))
            with pytest.raises(HallRefusal) as refused:
                pad.rate(forged)
            assert refused.value.code is HallCode.MALFORMED_REQUEST and "signature" in refused.value.message
            with pytest.raises(RatingNotForwarded, match="signature does not verify") as not_forwarded:
                office.cases.forward_rating(forged, OFFICE)
            assert not_forwarded.value.reason == "bad_signature"
            [result] = device.submit([forged])
            assert result.code == "bad_signature" and result.index is None
            outcome = office.cases.forward_ratings([forged, foreign, data], OFFICE)
            assert outcome.queued == (entry_hash(data),)
            assert [r.reason for r in outcome.refused] == ["bad_signature", "wrong_office"]
            for entry in (foreign, posing, forged):
                assert in_log(node, entry) == 0
            assert office.replica.outbox.count_pending() == 0
        finally:
            device.close()
    finally:
        node.close()
        for client in (kiosk, counter.client, pad):
            client.close()
        office.close()


def test_a_counter_collects_only_its_own_windows_ratings_page_by_page(hall_server) -> None:
    hall, server = hall_server
    evaluator = evaluator_key(hall, "w01")
    counters = {w: CounterHall(HallClient(server.url, enrolled_device(hall, "counter", w))) for w in ("w01", "w02")}
    pad = HallClient(server.url, evaluator)
    try:
        sent = [rating(evaluator, b"\x01" * 16, level=4, case_id=f"C{i:04d}") for i in range(RATINGS_PAGE + 3)]
        for data in sent:
            pad.rate(data)
        pages: list[list[bytes]] = []
        assert counters["w01"].collect_ratings(pages.append) == len(sent)
        assert [len(p) for p in pages] == [RATINGS_PAGE, 3]
        assert sorted(e for p in pages for e in p) == sorted(sent)
        assert counters["w01"].collect_ratings(pages.append) == 0  # nothing new
        assert counters["w02"].collect_ratings(pages.append) == 0  # w01's ratings are not w02's

        # An office that could not take a page gets it again next time.
        late = rating(evaluator, b"\x01" * 16, level=3)
        pad.rate(late)

        def fail(_: list[bytes]) -> None:
            raise RuntimeError("the replica is locked")

        with pytest.raises(RuntimeError):
            counters["w01"].collect_ratings(fail)
        again: list[list[bytes]] = []
        assert counters["w01"].collect_ratings(again.append) == 1 and again == [[late]]
    finally:
        pad.close()
        for c in counters.values():
            c.client.close()


@pytest.mark.parametrize(
    "after", ["x", "-1", "1.", "1.zz", "1." + "A" * 64, "1." + "0" * 63, "9" * 19, "4611686018427387904", "1.2.3"]
)
def test_a_malformed_ratings_cursor_is_refused(hall_server, after: str) -> None:
    hall, server = hall_server
    signer = enrolled_device(hall, "counter", "w01")
    client = HallClient(server.url, signer)
    try:
        with pytest.raises(HallRefusal) as refused:
            client._request("GET", f"/ratings?after={after}")
        assert refused.value.code is HallCode.MALFORMED_REQUEST
    finally:
        client.close()


def test_only_a_counter_collects_ratings(hall_server) -> None:
    hall, server = hall_server
    for role in ("kiosk", "display", "evaluator"):
        client = HallClient(server.url, enrolled_device(hall, role, "w01"))
        try:
            with pytest.raises(HallRefusal) as refused:
                client.window_ratings(RatingCursor(0))
            assert refused.value.code is HallCode.ROLE_NOT_ALLOWED
        finally:
            client.close()
    unsigned = httpx.get(f"{server.url}/ratings?after=0", timeout=5)
    assert unsigned.status_code == 401
