"""The supervisor's call-back (回访) of a bad rating's remediation item (issue 19 item 3), against a real hall on
loopback and a real office replica: recorded only with the supervisor's own unlocked key (a clerk is refused, in
words), signed in the audit trail, then sent to the hall, which closes the item; hostile form input refused; the
review's call-back tab in Chinese, driven by the keyboard, with overdue items highlighted across a holiday."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.hall.config import default_config
from app.hall.evaluation import Evaluations
from app.hall.hall import SHANGHAI, Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.office import Office
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_remediation import MalformedRemediation, RemediationView, read_items
from app.protocol.hall_tickets import Device
from app.review.errors import BadCallback, CallbackNeedsSupervisor
from app.review.remediation_callback import CALLBACK_ACTION
from tests.hall_support import Server, counter_key_file
from tests.review_daygen import PASSWORD, SUPERVISOR, Clock, local_ms, make_office
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.refusal_text import describe
from ui.review_remediation import OVERDUE_BACKGROUND
from ui.review_screen import ReviewScreen

__all__ = ["dangling_threads", "dangling_timers"]
OFFICE = "office-03"
TAX = "taxation.tax-payment-certificate"
RATED = dt.date(2026, 9, 24)  # 15 working days on: 2026-10-22, past the National Day holiday (10-01 .. 10-08)
DUE = "2026-10-22"
CALLBACK_TAB = 6


def _ms(day: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).timestamp() * 1000)


@pytest.fixture(scope="module")
def office_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The office (clerks tax-*, supervisor tax-sup); returns its path and tax-li's key id."""
    generated = make_office(tmp_path_factory.mktemp("remediation") / "office", RATED - dt.timedelta(days=30))
    with generated.open("tax-li") as li:
        return generated.path, li.account.kid


@pytest.fixture
def hall(tmp_path: Path, office_dir) -> Iterator[tuple[Hall, Server, Path]]:
    """A real hall on loopback with two bad ratings of tax-li on RATED (so two open items due DUE), a good one, and
    the counter key file of the supervisor's machine."""
    _path, clerk = office_dir
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    config = default_config(OFFICE, 4)
    rated = Hall(config, store, clock=lambda: _ms(RATED, 11))  # the hall as it was on the day of the ratings
    signer = ED25519.signer(ED25519.generate_private())
    device = Device(key_id(ED25519, signer.public_key), "ed25519", signer.public_key, "evaluator", "pad", OFFICE,
                    "w01", False)  # fmt: skip
    store.enroll(device)
    for level in (2, 1, 5):
        rating = Rating(case_commitment("C1", new_salt()), level, TAX, OFFICE, "w01", clerk, _ms(RATED))
        Evaluations(rated).record(rating_entry(rating, "taxation.ledger.beijing.gov.cn", signer), device)
    live = Hall(config, store)  # serving now: requests are signed with the real time
    server = Server(live)
    key = counter_key_file(live, "w01", tmp_path / "counter.key")
    yield live, server, key
    server.stop()
    store.close()


def _stored(hall: Hall, item_id: int):
    """The item as the hall's store holds it."""
    return next(i for i in hall.store.remediation_items() if i.id == item_id)


def _office(path: Path, today: dt.date, hall_url: str, key: Path) -> Office:
    office = Office(path, clock=Clock(local_ms(today, 15)))
    office.settings = replace(office.settings, hall_url=hall_url, hall_key_file=str(key))
    return office


def test_a_supervisor_records_a_signed_call_back_and_the_hall_closes_the_item(hall, office_dir) -> None:
    the_hall, server, key = hall
    path, clerk = office_dir
    office = _office(path, dt.date(2026, 10, 23), server.url, key)
    office.session.unlock(SUPERVISOR, PASSWORD)
    try:
        items = office.reviews.remediation_items()
        assert [(i.level, i.due_day, i.clerk, i.closed) for i in items] == [
            (2, DUE, clerk.hex(), False),
            (1, DUE, clerk.hex(), False),
        ]
        at = local_ms(dt.date(2026, 10, 23), 9, 30)
        record = office.reviews.record_callback(items[0], at, "  已电话回访，已致歉并当场办结。\n", True)
        assert (record.by, record.called_at_ms, record.outcome, record.resolved) == (
            SUPERVISOR, at, "已电话回访，已致歉并当场办结。", True)  # fmt: skip
        assert _stored(the_hall, items[0].id).callback_ms is None  # the office first, then the hall
        office.reviews.send_callback(record)
        office.reviews.send_callback(record)  # a counter that lost the answer sends it again: no harm
        closed = _stored(the_hall, items[0].id)
        assert (closed.callback_ms, closed.callback_by, closed.reason) == (at, SUPERVISOR, None)
        # Recording again returns the first signed record: nothing at the counter rewrites it.
        again = office.reviews.record_callback(items[0], at + 1, "改写", False)
        assert again == record
        replica = office.replica
        rows = replica.session.all("SELECT account, signer FROM audit WHERE action = ?", (CALLBACK_ACTION,))
        assert rows == [(SUPERVISOR, replica.account.kid)]  # signed by the supervisor's own key
        assert replica.check().ok, replica.check().problems  # the chain and every signature verify
        assert office.reviews.remediation_callbacks()[items[0].rating] == record
        # Another call-back of a closed item is refused by the hall.
        with pytest.raises(HallRefusal) as refused:
            office.reviews.send_callback(replace(record, outcome="另一个结果"))
        assert refused.value.code is HallCode.ALREADY_FINISHED
    finally:
        office.close()


def test_a_clerk_cannot_record_a_call_back_and_is_told_why(qapp, hall, office_dir) -> None:
    the_hall, server, key = hall
    path, _clerk = office_dir
    office = _office(path, dt.date(2026, 10, 23), server.url, key)
    office.session.unlock("tax-li", PASSWORD)
    translations = Translations()
    try:
        item = office.reviews.remediation_items()[0]  # the counter key may list; recording is the supervisor's
        with pytest.raises(CallbackNeedsSupervisor) as refused:
            office.reviews.record_callback(item, local_ms(dt.date(2026, 10, 23), 9), "我来回访", True)
        translations.install("zh_CN")
        assert describe(refused.value, "zh_CN") == "只有主管用本人的签名密钥登录后才能记录回访。"
        translations.install("en")
        assert describe(refused.value, "en") == (
            "Only the supervisor, logged in with their own signing key, records a call-back.")  # fmt: skip
        query = "SELECT count(*) FROM audit WHERE action = ? AND account = ?"
        count = office.replica.session.one(query, (CALLBACK_ACTION, "tax-li"))[0]
        assert count == 0 and _stored(the_hall, item.id).callback_ms is None
    finally:
        translations.uninstall()
        office.close()


@pytest.mark.parametrize(
    ("outcome", "hours", "field"),
    [
        ("", 0, "outcome"), ("   \n\t ", 0, "outcome"), ("回" * 1001, 0, "outcome"), ("已回访\x00", 0, "outcome"),
        ("已回访\x1b[31m", 0, "outcome"), ("\x07已回访", 0, "outcome"), ("已回访\u202e\x85", 0, "outcome"),
        ("已回访", 48, "time"), ("已回访", -24 * 40, "time"),
    ],
)  # fmt: skip
def test_hostile_call_back_input_is_refused_and_nothing_is_recorded(hall, office_dir, outcome, hours, field) -> None:
    _hall, server, key = hall
    path, _clerk = office_dir
    office = _office(path, dt.date(2026, 10, 23), server.url, key)
    office.session.unlock(SUPERVISOR, PASSWORD)
    try:
        item = office.reviews.remediation_items()[0]
        with pytest.raises(BadCallback) as refused:
            office.reviews.record_callback(item, office.clock() + hours * 3_600_000, outcome, True)
        assert refused.value.field == field
        assert item.rating not in office.reviews.remediation_callbacks()
    finally:
        office.close()


@pytest.mark.parametrize(
    "body",
    [
        {}, {"by": "", "outcome": "ok", "called_at_ms": 1}, {"by": "sup", "outcome": "", "called_at_ms": 1},
        {"by": "sup", "outcome": "x" * 1001}, {"by": "sup\n", "outcome": "ok"}, {"by": "sup", "outcome": "a\x00"},
        {"by": "sup", "outcome": "ok", "called_at_ms": -1}, {"by": "sup", "outcome": "ok", "called_at_ms": "1"},
        {"by": "sup", "outcome": "ok", "called_at_ms": True}, {"by": "sup", "outcome": "ok", "called_at_ms": 1},
        {"by": "sup", "outcome": "ok", "called_at_ms": 1 << 61}, {"by": ["sup"], "outcome": "ok"},
    ],
)  # fmt: skip
def test_the_hall_refuses_a_malformed_call_back(hall, body: dict) -> None:
    the_hall, server, key = hall
    client = HallClient(server.url, ED25519.signer(bytes.fromhex(key.read_text().strip())))
    item = the_hall.store.remediation_items()[0]
    try:
        with pytest.raises(HallRefusal) as refused:
            client._request("POST", f"/remediation/{item.id}/callback", body)
        assert refused.value.code is HallCode.MALFORMED_REQUEST
        for path in ("/remediation/x/callback", "/remediation/99999/callback"):
            with pytest.raises(HallRefusal):
                client._request("POST", path, {"by": "sup", "outcome": "ok"})
    finally:
        client.close()
    assert _stored(the_hall, item.id).callback_ms is None


GOOD_ITEM = {
    "id": 1, "rating": "ab" * 32, "level": 2, "service": TAX, "window": "w01", "clerk": "cd" * 16, "opened_ms": 1,
    "due_day": DUE, "provisional": False, "callback_ms": None, "callback_by": None,
}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"id": 0}, {"id": True}, {"level": 5}, {"level": True}, {"rating": "ab"}, {"rating": "AB" * 32},
        {"clerk": "xyz"}, {"service": ""}, {"window": "w\n1"}, {"due_day": "2026-02-30"}, {"provisional": 0},
        {"opened_ms": -5}, {"callback_ms": 5}, {"callback_by": "sup"}, {"callback_ms": 5, "callback_by": ""},
    ],
)  # fmt: skip
def test_a_hostile_list_of_items_is_refused(change: dict) -> None:
    assert read_items({"items": [GOOD_ITEM]})[0].to_json() == GOOD_ITEM
    with pytest.raises(MalformedRemediation):
        read_items({"items": [{**GOOD_ITEM, **change}]})
    for doc in (None, [], {"items": {}}, {"items": [GOOD_ITEM] * 2001}, {"items": ["x"]}):
        with pytest.raises(MalformedRemediation):
            read_items(doc)


@pytest.fixture
def screen(qtbot, office_dir):
    """The review screen in Chinese for the supervisor; the office's clock is the test's to move."""
    path, _clerk = office_dir
    office = Office(path, clock=Clock(local_ms(dt.date(2026, 10, 23), 15)))
    work = BackgroundWork()
    work.db_now(lambda: office.session.unlock(SUPERVISOR, PASSWORD))
    translations = Translations()
    translations.install("zh_CN")
    widget = ReviewScreen(office.reviews, work, "zh_CN")
    widget.office = office
    widget.db_now = work.db_now
    qtbot.addWidget(widget)
    yield widget
    work.shutdown(office.session.lock)
    translations.uninstall()


def _row(panel, row: int) -> list[str]:
    return [panel.table.item(row, c).text() for c in range(panel.table.columnCount())]


def test_the_supervisor_records_a_call_back_from_the_review_by_keyboard(qtbot, screen, hall) -> None:
    the_hall, server, key = hall
    screen.office.settings = replace(screen.office.settings, hall_url=server.url, hall_key_file=str(key))
    panel = screen.remediation_panel
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        screen.load_day("2026-10-23")
    qtbot.waitUntil(lambda: "tax-li" in _row(panel, 0)[3], timeout=10_000)
    assert screen.tabs.tabText(CALLBACK_TAB) == "整改回访"
    assert _row(panel, 0)[1:3] == ["不满意", "完税证明开具"] and _row(panel, 0)[5] == "2026年10月22日"
    assert _row(panel, 0)[6] == "逾期" and "2 条待回访" in panel.summary.text()
    assert panel.table.item(0, 0).background().color() == OVERDUE_BACKGROUND
    screen.show()
    screen.tabs.setCurrentIndex(CALLBACK_TAB)
    panel.table.setFocus()
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.dialog_opened, timeout=5_000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert dialog.windowTitle() == "记录回访"
    qtbot.waitUntil(dialog.outcome.hasFocus, timeout=5_000)
    # Empty first: refused in words, the dialog stays open and nothing is recorded.
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()), timeout=10_000)
    assert "回访结果" in dialog.error_label.text() and dialog.isVisible()
    qtbot.keyClicks(dialog.outcome, "called back, apologised")
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Tab)  # Tab leaves the outcome box
    assert dialog.resolved.hasFocus()
    qtbot.keyClick(dialog.resolved, Qt.Key.Key_Space)
    assert dialog.resolved.isChecked()
    with qtbot.waitSignal(panel.recorded, timeout=30_000) as recorded:
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record = recorded.args[0]
    assert record.outcome == "called back, apologised" and record.resolved and record.by == SUPERVISOR
    closed = _stored(the_hall, panel.items[0].id)
    assert closed.callback_by == SUPERVISOR and closed.outcome == record.outcome
    qtbot.waitUntil(lambda: _row(panel, 0)[6] == "已回访", timeout=30_000)
    assert "已解决" in _row(panel, 0)[7] and panel.table.item(0, 0).background().color() != OVERDUE_BACKGROUND
    assert "1 条待回访" in panel.summary.text()


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(dt.date(2026, 10, 16), False), (dt.date(2026, 10, 22), False), (dt.date(2026, 10, 23), True)],
)
def test_an_item_is_overdue_only_after_15_working_days_past_the_holiday(qtbot, screen, hall, today, overdue) -> None:
    """Rated 2026-09-24: counting calendar weekdays only it would be due 10-15; the National Day holiday moves the
    due day to 10-22, so the item is highlighted from 10-23 on, not before."""
    _hall, server, key = hall
    screen.office.clock.now_ms = local_ms(today, 15)
    screen.office.settings = replace(screen.office.settings, hall_url=server.url, hall_key_file=str(key))
    panel = screen.remediation_panel
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        panel.load()
    assert {_row(panel, r)[5] for r in range(2)} == {"2026年10月22日"}
    assert (_row(panel, 0)[6] == "逾期") is overdue
    assert (panel.table.item(0, 0).background().color() == OVERDUE_BACKGROUND) is overdue
    assert all(isinstance(i, RemediationView) and i.overdue(today.isoformat()) is overdue for i in panel.items)
