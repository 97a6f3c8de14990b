"""The clerk's day with the hall (issue #19), through the real counter window and a real hall on loopback: the
workspace shows the current ticket, calling the next ticket starts an empty form (nothing of the previous citizen
carries over), the clerk serves and finishes, the evaluator at the window rates, a bad rating opens a remediation
item; when the hall goes away the counter keeps serving and says so, in the clerk's language."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.certs import CertType, issue_certificate, make_claims
from app.hall.evaluation import Evaluations
from app.hall.hall import Hall
from app.ledger.entry import decode_entry
from app.node.config import load_keys
from app.office import RatingNotForwarded
from app.protocol.departments import department
from app.protocol.hall_client import CounterHall, HallClient
from app.services.rating_commitments import open_rating_commitment
from tests.hall_support import Server, counter_key_file, enrolled_device, serving_hall
from tests.test_ui_flows import log_in
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start
from ui.background import BackgroundWork
from ui.hall_evaluator import EvaluatorWindow
from ui.settings_dialog import SettingsDialog

__all__ = ["dangling_threads", "dangling_timers", "demo_nodes", "demo_office", "demo_template"]
SERVICE = "taxation.tax-payment-certificate"


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[tuple[Hall, Server]]:
    with serving_hall(tmp_path / "hall.db", "office-03") as served:
        yield served


def log_in_again(qtbot, app: CounterApp) -> None:
    """Unlock the locked workspace with the clerk's password."""
    app.window.login.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(app.window.ready, timeout=15_000):
        qtbot.keyClick(app.window.login.password_edit, Qt.Key.Key_Return)


@pytest.fixture
def hall_counter(qtbot, demo_office, hall_server, tmp_path: Path) -> Iterator[CounterApp]:
    hall, server = hall_server
    key = counter_key_file(hall, "w01", tmp_path / "counter-w01.key")
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0, hall_url=server.url, hall_key_file=str(key))
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    background = BackgroundWork()
    yield background
    background.shutdown()


def test_calling_serving_and_rating_at_the_counter(qtbot, hall_counter: CounterApp, hall_server, demo_nodes,
                                                   work) -> None:  # fmt: skip
    hall, server = hall_server
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    first, second = kiosk.issue("tax"), kiosk.issue("tax")
    window, office = hall_counter.window, hall_counter.office
    log_in(qtbot, hall_counter)
    slot = window.hall_ticket
    qtbot.waitUntil(lambda: slot.panel is not None and slot.panel.call_button.isEnabled(), timeout=10_000)
    panel = slot.panel
    assert slot.isVisible() and panel.number.text() == "—"
    assert panel.state.text() == "窗口空闲"
    form = window.counter.case_form
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    form.name_edit.setText("前一位市民")  # what a previous citizen left in the form
    form.id_edit.setText("110101198001010029")

    with qtbot.waitSignal(slot.next_citizen, timeout=10_000) as called:
        panel.call_button.click()
    assert called.args[0].number == first.number
    assert panel.number.text() == first.number and panel.finish_button.isEnabled()
    assert not panel.call_button.isEnabled()  # one ticket at a time
    assert form.name_edit.text() == "" and form.id_edit.text() == "" and form.service is None and not form.documents

    # Serve the citizen: the service, the e-ID, the case.
    issuer = load_keys(demo_nodes.directory / "public-security" / "node.keys").department_signer
    now_s = int(time.time())
    claims = make_claims(CertType.RESIDENT_EID, department("public-security").origin,
                         {"name": "赵敏", "region": "北京市东城区"}, "110101198203040023", now_s + 2,
                         now_s + 3650 * 86400)  # fmt: skip
    eid = issue_certificate(claims, issuer, now_ms=(now_s + 2) * 1000).text
    service = office.services.service(SERVICE)
    form.picker.search_edit.setText(service.name.zh)
    qtbot.keyClick(form.picker.search_edit, Qt.Key.Key_Return)
    assert form.service is not None and form.service.id == SERVICE
    window.counter.show_verdict(hall_counter.work.db_now(lambda: office.certs.verify(eid)), None, eid)
    assert form.name_edit.text() == "赵敏"
    form.id_edit.setText("110101198203040023")
    qtbot.waitUntil(lambda: form.open_button.isEnabled(), timeout=5000)
    with qtbot.waitSignal(form.case_changed, timeout=10_000) as accepted:
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case = accepted.args[0]
    window.lock()  # nobody calls from the lock screen; the window keeps its ticket
    assert not slot.isVisible()
    log_in_again(qtbot, hall_counter)
    qtbot.waitUntil(lambda: slot.isVisible() and panel.number.text() == first.number, timeout=10_000)

    # Finish: the evaluator on the window's second screen asks the citizen; a bad rating opens a remediation item.
    evaluator_key = enrolled_device(hall, "evaluator", "w01")
    evaluator = EvaluatorWindow(HallClient(server.url, evaluator_key), work, evaluator_key, "office-03", "w01", "zh_CN")
    qtbot.addWidget(evaluator)
    evaluator.watch()
    with (
        qtbot.waitSignal(evaluator.asked, timeout=10_000) as asked,
        qtbot.waitSignal(slot.served, timeout=10_000),
    ):  # the hall tells the evaluator the case served
        panel.finish_button.click()
    served = asked.args[0]
    clerk = hall_counter.work.db_now(lambda: office.session.account)
    assert (served.case.service, served.case.log, served.case.clerk, served.number) == (
        SERVICE,
        department("taxation").origin,
        clerk.kid,
        first.number,
    )
    assert evaluator.buttons[1].isEnabled() and "li.na" in evaluator.what.text() and "1号窗口" in evaluator.what.text()
    assert service.name.zh in evaluator.what.text() and "赵敏" not in evaluator.what.text()
    qtbot.waitUntil(lambda: panel.call_button.isEnabled() and panel.number.text() == "—", timeout=10_000)
    evaluator.reason.setText("等候时间太长")
    with qtbot.waitSignal(evaluator.rated, timeout=10_000) as rated:
        evaluator.buttons[1].click()
    assert rated.args[0] == 1
    items = Evaluations(hall).items()
    assert len(items) == 1 and items[0].window == "w01" and items[0].reason == "等候时间太长"
    assert case.case_id.encode() not in rated.args[1]  # the rating carries a commitment, not the case number
    assert "赵敏".encode() not in rated.args[1] and b"110101198203040023" not in rated.args[1]
    # The office (and a department holding the citizen's salt) opens the commitment from its own case data.
    commitment = decode_entry(rated.args[1]).entry.body["case_commitment"]
    opened = hall_counter.work.db_now(lambda: open_rating_commitment(office.replica, commitment, SERVICE))
    assert opened == case.case_id
    assert hall_counter.work.db_now(lambda: open_rating_commitment(office.replica, b"\x00" * 32, SERVICE)) is None
    evaluator.stop()
    # The rating goes to the department through the counter's outbox, like the case's own steps.
    before = {e.leaf_hash for e in hall_counter.work.db_now(lambda: office.replica.outbox.pending())}
    hall_counter.work.db_now(lambda: office.cases.forward_rating(rated.args[1], "office-03"))
    queued = [e for e in hall_counter.work.db_now(lambda: office.replica.outbox.pending()) if e.leaf_hash not in before]
    assert [(e.origin, e.data) for e in queued] == [(department("taxation").origin, rated.args[1])]
    step = next(e for e in hall_counter.work.db_now(lambda: office.replica.outbox.pending()) if e.leaf_hash in before)
    for hostile in (b"", b"\xff" * 70_000, rated.args[1][:-1], step.data):
        with pytest.raises(RatingNotForwarded):
            hall_counter.work.db_now(lambda hostile=hostile: office.cases.forward_rating(hostile, "office-03"))

    # The next citizen starts on an empty form again; then the hall goes away and the counter serves on.
    form.name_edit.setText("赵敏")
    with qtbot.waitSignal(slot.next_citizen, timeout=10_000) as called:
        panel.call_button.click()
    assert called.args[0].number == second.number
    assert form.name_edit.text() == "" and form.case is None
    server.stop()
    window.refresh_status()
    panel.refresh()
    qtbot.waitUntil(lambda: not panel.finish_button.isEnabled(), timeout=15_000)
    assert panel.number.text() == second.number  # the citizen at the window is still being served
    assert panel.state.text() == "叫号系统离线：可继续办理，暂停叫号。"
    assert form.picker.search_edit.isEnabled()  # serving goes on
    window.set_language("en")
    qtbot.waitUntil(
        lambda: panel.state.text() == "Queue system offline: keep serving; calling is paused.", timeout=5000
    )
    assert panel.call_button.text() == "Call next" and not panel.call_button.isEnabled()


def test_a_hall_key_that_cannot_be_read_is_said_and_the_counter_serves_on(qtbot, demo_office, tmp_path: Path) -> None:
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0, hall_url="http://127.0.0.1:9",
                                  hall_key_file=str(tmp_path / "missing.key"))  # fmt: skip
    qtbot.addWidget(app.window)
    try:
        log_in(qtbot, app)
        slot = app.window.hall_ticket
        assert slot.isVisible() and slot.panel is None
        assert slot.problem.text() == "已设置叫号系统，但无法读取本窗口的密钥文件。"
        assert app.window.counter.case_form.picker.search_edit.isEnabled()
    finally:
        app.shutdown()


def test_a_counter_without_a_hall_shows_no_ticket(qtbot, demo_office) -> None:
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0)
    qtbot.addWidget(app.window)
    try:
        log_in(qtbot, app)
        assert not app.window.hall_ticket.isVisible() and app.window.hall_ticket.panel is None
        clerk_dialog = SettingsDialog(app.office.settings, app.office.scanner, is_admin=False)
        qtbot.addWidget(clerk_dialog)
        assert not clerk_dialog.hall_url_edit.isEnabled() and not clerk_dialog.hall_key_edit.isEnabled()
        dialog = SettingsDialog(app.office.settings, app.office.scanner, is_admin=True)
        qtbot.addWidget(dialog)
        dialog.hall_url_edit.setText("ftp://10.0.3.2")
        dialog.hall_key_edit.setText("/etc/govdesk/c03.key")
        dialog.accept()
        assert dialog.result_settings is None and dialog.error_label.text().startswith("未保存")
        dialog.hall_url_edit.setText("http://10.0.3.2:8800")
        dialog.hall_key_edit.clear()
        dialog.accept()
        assert dialog.result_settings is None  # a URL without the counter's key is not a hall
        dialog.hall_key_edit.setText("  /etc/govdesk/c03.key ")
        dialog.accept()
        assert dialog.result_settings is not None
        assert dialog.result_settings.hall_url == "http://10.0.3.2:8800"
        assert dialog.result_settings.hall_key_file == "/etc/govdesk/c03.key"
    finally:
        app.shutdown()


def test_a_transfer_takes_the_case_along_both_ways(qtbot, hall_counter: CounterApp, hall_server) -> None:
    """转号 moves the ticket with its case: a ticket transferred here opens its case in the form, a ticket sent on
    takes the form's case along, and a case this counter does not hold yet is said plainly."""
    hall, server = hall_server
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    other = CounterHall(HallClient(server.url, enrolled_device(hall, "counter", "w02")))
    window, office = hall_counter.window, hall_counter.office
    try:
        log_in(qtbot, hall_counter)
        slot, form = window.hall_ticket, window.counter.case_form
        qtbot.waitUntil(lambda: slot.panel is not None and slot.panel.call_button.isEnabled(), timeout=10_000)
        opened = hall_counter.work.db_now(lambda: office.desk.open(SERVICE, "赵敏", "110101198203040023"))
        known = hall_counter.work.db_now(lambda: office.cases.get(opened.case_id))  # a case this counter holds

        # Window 2 sends its citizen here with that case: calling the ticket opens the case in the empty form.
        kiosk.issue("tax")
        other.call_next()
        other.transfer("w01", known.case_id)
        form.name_edit.setText("前一位市民")
        with qtbot.waitSignal(slot.next_citizen, timeout=10_000) as called:
            slot.panel.call_button.click()
        assert called.args[0].case_ref == known.case_id
        qtbot.waitUntil(lambda: form.case is not None and form.case.case_id == known.case_id, timeout=10_000)
        assert form.name_edit.text() == known.citizen_name
        receipts = window.counter.notice_panel  # the receipts panel follows the form, on window 1's documents
        assert (receipts.service.id, receipts.case_id, receipts.window_number()) == (SERVICE, known.case_id, 1)

        # This window sends it on to window 2, with the case in its form.
        panel = slot.panel
        panel.transfer_to.setCurrentIndex(panel.transfer_to.findData("w02"))
        panel.transfer_button.click()
        qtbot.waitUntil(lambda: panel.call_button.isEnabled() and panel.number.text() == "—", timeout=10_000)
        arrived = other.call_next()
        assert arrived is not None and arrived.case_ref == known.case_id
        assert [e.kind for e in arrived.history].count("transferred") == 2

        # A case this counter's copy does not hold yet (opened elsewhere, not synced): said, and the form is empty.
        other.transfer("w01", "C0123456789AB")
        with qtbot.waitSignal(slot.next_citizen, timeout=10_000):
            panel.call_button.click()
        qtbot.waitUntil(lambda: "C0123456789AB" in form.message.text(), timeout=10_000)
        assert form.case is None and "同步" in form.message.text()
    finally:
        kiosk.close()
        other.client.close()
