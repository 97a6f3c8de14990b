"""The hall's screens against a real hall: kiosk issues, the counter calls (next citizen), the display shows and
counts, the evaluator signs a rating, and the counter keeps serving when the hall goes away."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.hall.announcer import Announcer
from app.hall.config import default_config
from app.hall.evaluation import Evaluations
from app.hall.hall import Hall
from app.hall.store_open import open_hall_store
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_client import CounterHall, HallClient
from app.protocol.hall_served import ServedCase
from app.protocol.hall_tickets import CallRecord
from tests.hall_support import Server, enrolled_device
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.hall_display import HallDisplayWindow
from ui.hall_evaluator import EvaluatorWindow
from ui.hall_kiosk import KioskWindow
from ui.hall_ticket_widget import CurrentTicketWidget

__all__ = ["dangling_threads", "dangling_timers"]


class SpokenCalls(Announcer):
    """The speech synthesiser is the system edge: record what would be spoken."""

    def __init__(self) -> None:
        super().__init__("espeak-ng")
        self.spoken: list[str] = []

    def announce(self, call: CallRecord) -> bool:
        self.spoken.append(call.announcement_zh())
        return True


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[tuple[Hall, Server]]:
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    hall = Hall(replace(default_config("office-03", 4), hold_timeout_s=120), store)
    server = Server(hall)
    yield hall, server
    server.stop()
    store.close()


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    background = BackgroundWork()
    yield background
    background.shutdown()


def test_kiosk_counter_display_and_evaluator_through_one_citizen(qtbot, hall_server, work) -> None:
    hall, server = hall_server
    config = HallClient(server.url, None).config()
    kiosk = KioskWindow(HallClient(server.url, enrolled_device(hall, "kiosk")), work, config, "zh_CN")
    qtbot.addWidget(kiosk)
    assert "不动产登记" in kiosk.buttons["property"].text()
    announcer = SpokenCalls()
    display = HallDisplayWindow(HallClient(server.url, enrolled_device(hall, "display")), work, config, "zh_CN",
                                announcer)  # fmt: skip
    qtbot.addWidget(display)
    display.start()
    counter = CurrentTicketWidget(CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w01"))), work,
                                  config["windows"])  # fmt: skip
    qtbot.addWidget(counter)
    assert not counter.finish_button.isEnabled()

    kiosk.green.setChecked(True)
    kiosk.buttons["property"].click()
    qtbot.waitUntil(lambda: kiosk.ticket.text() == "A001", timeout=10_000)
    assert not kiosk.green.isChecked()
    kiosk.buttons["tax"].click()
    qtbot.waitUntil(lambda: kiosk.ticket.text() == "B001", timeout=10_000)
    qtbot.waitUntil(
        lambda: display.counts["tax"].text() == "1" and display.counts["property"].text() == "1", timeout=10_000
    )

    with qtbot.waitSignal(counter.next_citizen, timeout=10_000) as called:
        counter.call_button.click()
    assert called.args[0].number == "A001"  # the green channel first
    assert counter.number.text() == "A001" and counter.finish_button.isEnabled() and not counter.call_button.isEnabled()
    qtbot.waitUntil(
        lambda: "A001" in display.latest.text() and display.counts["property"].text() == "0", timeout=10_000
    )
    qtbot.waitUntil(lambda: announcer.spoken == ["请 A001 号到 1 号窗口"], timeout=10_000)

    signer = enrolled_device(hall, "evaluator", "w01")
    evaluator = EvaluatorWindow(HallClient(server.url, signer), work, signer, "office-03", "w01", "zh_CN")
    qtbot.addWidget(evaluator)
    evaluator.watch()
    assert not evaluator.buttons[1].isEnabled()
    clerk = key_id(ED25519, ED25519.signer(b"\x03" * 32).public_key)
    tax = "taxation.income-tax-annual-settlement"
    served = ServedCase(tax, "taxation.ledger.beijing.gov.cn", b"\x07" * 32, clerk, "li.na")
    counter.served_case = lambda: lambda: served  # what the workspace hands over at 办结
    with qtbot.waitSignal(evaluator.asked, timeout=10_000) as asked, qtbot.waitSignal(counter.served, timeout=10_000):
        counter.finish_button.click()
    assert asked.args[0].case == served and asked.args[0].number == "A001" and asked.args[0].window_number == 1
    # The citizen sees what they rate: the service, the window, the ticket and the clerk's staff id, nothing else.
    # (The words around them are in the catalogues; tests/test_ui_counter_hall.py reads them in Chinese.)
    shown = evaluator.what.text()
    assert all(part in shown for part in ("个人所得税综合所得汇算清缴", " 1 ", "A001", "li.na")), shown
    assert [b.text() for b in evaluator.buttons.values()] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    evaluator.reason.setText("等候时间太长")
    with qtbot.waitSignal(evaluator.rated, timeout=10_000) as rated:
        evaluator.buttons[2].click()
    assert rated.args[0] == 2 and not evaluator.buttons[2].isEnabled()
    assert decode_entry(rated.args[1]).entry.body["case_commitment"] == b"\x07" * 32
    assert hall.served("w01") is None  # rated: the evaluator has nothing left to ask
    evaluator.stop()
    items = Evaluations(hall).items()
    assert len(items) == 1 and items[0].reason == "等候时间太长" and items[0].window == "w01"
    qtbot.waitUntil(lambda: counter.call_button.isEnabled(), timeout=10_000)
    display.timer.stop()


def test_the_counter_keeps_serving_when_the_hall_goes_away(qtbot, hall_server, work) -> None:
    hall, server = hall_server
    HallClient(server.url, enrolled_device(hall, "kiosk")).issue("tax")
    config = HallClient(server.url, None).config()
    hall_view = CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w01"), timeout_s=2))
    counter = CurrentTicketWidget(hall_view, work, config["windows"])
    qtbot.addWidget(counter)
    with qtbot.waitSignal(counter.next_citizen, timeout=10_000):
        counter.call_button.click()
    server.stop()
    counter.refresh()
    qtbot.waitUntil(lambda: not hall_view.status().online, timeout=10_000)
    qtbot.waitUntil(lambda: not counter.finish_button.isEnabled(), timeout=10_000)
    assert counter.number.text() == "B001"  # the citizen at the window is still being served
    assert not counter.call_button.isEnabled()
    assert counter.state.text() == counter.tr("Queue system offline: keep serving; calling is paused.")
    counter.stop()
