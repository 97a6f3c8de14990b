"""One citizen at a time and 一窗受理 through the real counter window (pytest-qt, offscreen, the demo federation)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.ledger.entry import decode_entry
from app.protocol.departments import department
from app.store.replica import open_replica
from tests.test_ui_flows import log_in, scan, sync_and_wait
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start

__all__ = ["dangling_threads", "dangling_timers", "demo_nodes", "demo_office", "demo_template"]
ZHANG_WEI_ID = "110101199003071233"


@pytest.fixture
def counter(qtbot, demo_office) -> Iterator[CounterApp]:
    """The app on a fresh demo office (its camera: the folder of sample certificates), no timed sync."""
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def test_the_demo_scans_only_what_the_clerk_asks_for(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    screen = counter.window.counter
    shown = []
    screen.verdict_shown.connect(lambda verdict, _latency: shown.append(verdict))
    qtbot.wait(300)
    assert shown == [] and screen.scanner is None  # the sample folder is not replayed at unlock
    picker = screen.sample_picker
    assert picker.count() == 4 and picker.isVisible()
    picker.setCurrentIndex(next(i for i, path in enumerate(screen.samples) if path.stem == "revoked-eid"))
    assert "王强" in picker.currentText() and "eid" not in picker.currentText()  # named for the clerk
    qtbot.keyClick(counter.window, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert shown[0].claims["display"]["name"] == "王强"
    qtbot.keyClick(counter.window, Qt.Key.Key_F4)  # scan again: the same code, a new verdict
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    with open_replica(counter.office.path, "wang.fang", PASSWORD) as supervisor:
        records = supervisor.audit.records(limit=1000)
    assert sum(1 for r in records if r.action == "cert.verify") == 2  # logged: what the clerk asked for, no more


def test_a_new_citizen_clears_the_form_and_ctrl_n_clears_the_window(qtbot, counter: CounterApp, demo_office) -> None:
    log_in(qtbot, counter)
    screen = counter.window.counter
    form = screen.case_form
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    form.picker.search_edit.setText("jmsfzhl")
    qtbot.keyClick(form.picker.search_edit, Qt.Key.Key_Return)
    scan(counter, demo_office, "valid-eid")
    scan(counter, demo_office, "valid-hukou")
    form.id_edit.setText(ZHANG_WEI_ID)
    form.summary_edit.setPlainText("换领")
    scan(counter, demo_office, "revoked-eid")  # 王强 steps up
    assert form.name_edit.text() == "王强" and form.id_edit.text() == "" and form.summary_edit.toPlainText() == ""
    assert [v.claims["display"]["name"] for v, _ in form.documents] == ["王强"]
    assert form.service is None and "王强" in form.message.text()
    qtbot.keyClick(counter.window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.documents == [] and form.name_edit.text() == "" and screen.verdict_card.verdict is None
    assert not screen.case_panel.by_scan_button.isEnabled()


def test_the_counter_accepts_another_departments_service_and_the_node_takes_it(
    qtbot, counter: CounterApp, demo_office, demo_nodes
) -> None:
    log_in(qtbot, counter)
    window, office = counter.window, counter.office
    form = window.counter.case_form
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    form.choose_service(counter.work.db_now(lambda: office.services.service("taxation.tax-payment-certificate")))
    qtbot.waitUntil(lambda: form.open_button.isEnabled(), timeout=5000)  # accepted here: a window enrolment
    scan(counter, demo_office, "valid-eid")
    form.id_edit.setText(ZHANG_WEI_ID)
    with qtbot.waitSignal(form.case_changed, timeout=5000) as accepted:
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case = accepted.args[0]
    assert case.view.state == "documents-verified" and case.blocker is not None
    assert not form.advance_button.isEnabled() and "税务" in form.message.text()  # the lead department goes on
    origin = department("taxation").origin
    pending = counter.work.db_now(lambda: office.replica.outbox.pending(10))
    assert {decode_entry(p.data).entry.log for p in pending} == {origin}
    demo_nodes.start()
    sync_and_wait(qtbot, window)
    assert counter.work.db_now(lambda: office.replica.outbox.count_pending()) == 0  # the node took both steps
    assert window.counter.case_panel.tasks_list.count() == 0
