"""The counter app's main flows, driven with pytest-qt under QT_QPA_PLATFORM=offscreen."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from app import settings as settings_file
from app.certs import Status
from app.certs.image_input import read_qr_text
from app.office import ForkAlarm, NodeState, SyncProgress, WorkTask
from tests.framegen import Code, code_run, empty_run, write_video
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_office, demo_template
from ui.application import CounterApp, start
from ui.verdict_card import GREEN, RED

__all__ = ["dangling_threads", "dangling_timers", "demo_office", "demo_template"]
STALL_LIMIT_MS = 50


@pytest.fixture
def counter(qtbot, demo_office) -> Iterator[CounterApp]:
    """The app on a fresh demo office, on its login screen; shut down in order afterwards."""
    app = start(demo_office.path, user="li.na")
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def log_in(qtbot, app: CounterApp, user: str = "li.na", password: str = PASSWORD) -> None:
    """Type the credentials and wait for the workspace to be ready."""
    login = app.window.login
    login.user_edit.setText(user)
    login.password_edit.setText(password)
    with qtbot.waitSignal(app.window.ready, timeout=15_000):
        qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)


class StallMeter:
    """Measures the longest gap between 5 ms ticks of a GUI-thread timer: how long the event loop was blocked."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.clock = QElapsedTimer()
        self.last = 0
        self.worst_ms = 0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst_ms = max(self.worst_ms, now - self.last)
        self.last = now

    def __enter__(self) -> StallMeter:
        self.clock.start()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


def test_login_shows_the_office_and_explains_a_wrong_password(qtbot, counter: CounterApp) -> None:
    window = counter.window
    assert counter.office.name in window.login.office_label.text()
    window.login.password_edit.setText("not the password")
    window.login.submit()
    qtbot.waitUntil(lambda: window.login.error_label.isVisible(), timeout=10_000)
    assert "密码错误" in window.login.error_label.text()
    assert counter.office.replica_or_none is None
    log_in(qtbot, counter)
    assert window.stack.currentWidget() is window.counter
    assert "li.na" in window.status_panel.account_label.text()
    assert "窗口人员" in window.status_panel.account_label.text()  # the role, in Chinese by default


def test_unknown_account_is_named_in_plain_words(qtbot, counter: CounterApp) -> None:
    login = counter.window.login
    login.user_edit.setText("nobody")
    login.password_edit.setText("x")
    login.submit()
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=10_000)
    assert "没有可登录的该账号" in login.error_label.text()


def test_lock_keeps_unsaved_work_and_drops_the_key(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    window = counter.window
    form = window.counter.case_form
    form.service_edit.setText("户口迁移")
    form.name_edit.setText("赵敏")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.login
    qtbot.waitUntil(lambda: counter.office.replica_or_none is None, timeout=5000)
    assert "li.na" in window.login.heading.text() and not window.login.user_edit.isEnabled()
    assert not window.actions_by_name["save_case"].isEnabled()  # no case can be opened behind the lock
    log_in(qtbot, counter)
    assert (form.service_edit.text(), form.name_edit.text()) == ("户口迁移", "赵敏")


def test_idle_auto_lock_then_logout_discards_the_form(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    window = counter.window
    window.counter.case_form.name_edit.setText("钱七")
    window.idle.set_timeout(200)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=5000)
    qtbot.waitUntil(lambda: counter.office.replica_or_none is None, timeout=5000)
    window.login.logout_button.click()
    assert window.login.user_edit.isEnabled()
    assert window.counter.case_form.name_edit.text() == ""


def test_scanning_a_certificate_video_shows_verdicts_without_stalling(
    qtbot, counter: CounterApp, demo_office, tmp_path: Path
) -> None:
    valid = read_qr_text(demo_office.samples["valid-eid"])
    revoked = read_qr_text(demo_office.samples["revoked-eid"])
    rng = np.random.default_rng(7)
    frames = code_run(Code(valid), 20, rng) + empty_run(10, rng) + code_run(Code(revoked), 20, rng, "card")
    video = write_video(tmp_path / "counter.avi", frames, fps=30)
    counter.office.settings = replace(counter.office.settings, camera_source=str(video))
    shown = []
    with StallMeter() as meter:
        log_in(qtbot, counter)
        screen = counter.window.counter
        screen.verdict_shown.connect(lambda verdict, _latency: shown.append(verdict))
        qtbot.waitUntil(lambda: len(shown) >= 2, timeout=20_000)
    assert [v.status for v in shown[:2]] == [Status.VALID, Status.REVOKED]
    assert screen.verdict_card.colour == RED  # the last one shown: revoked
    assert len(screen.case_form.documents) == 2
    assert screen.preview.outlines or screen.preview.status_text  # the preview drew frames
    assert meter.worst_ms <= STALL_LIMIT_MS, f"the GUI thread stalled for {meter.worst_ms} ms"


def test_open_advance_finish_and_find_a_case(qtbot, counter: CounterApp, demo_office, tmp_path: Path) -> None:
    counter.office.settings = replace(counter.office.settings, camera_source=str(tmp_path / "no-camera"))
    log_in(qtbot, counter)
    screen = counter.window.counter
    assert "不可用" in screen.preview.status_text  # a missing camera is said in words, and nothing else breaks
    verdict = counter.work.db_now(lambda: counter.office.certs.verify(read_qr_text(demo_office.samples["valid-eid"])))
    screen.show_verdict(verdict)
    assert screen.verdict_card.colour == GREEN and "张伟" in screen.verdict_card.claims.text()
    form = screen.case_form
    assert form.name_edit.text() == "张伟"  # filled in from the valid e-ID
    form.service_edit.setText("居住证办理")
    form.id_edit.setText("110101199003071234")
    with qtbot.waitSignal(form.case_changed, timeout=5000) as opened:
        qtbot.keyClick(counter.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    case = opened.args[0]
    assert case.status == "open" and verdict.claims["serial"] in case.summary
    qtbot.waitUntil(lambda: screen.case_panel.queue_list.count() == 1, timeout=5000)
    for expected in ("in_progress", "closed"):
        with qtbot.waitSignal(form.case_changed, timeout=5000) as moved:
            qtbot.keyClick(counter.window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert moved.args[0].status == expected
    assert not form.advance_button.isEnabled()
    qtbot.waitUntil(lambda: screen.case_panel.queue_list.count() == 0, timeout=5000)  # closed: off the queue
    panel = screen.case_panel
    for query in (case.case_ref, verdict.claims["serial"], "110101199003071234"):
        panel.search_edit.setText(query)
        panel.results_list.clear()
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.results_list.count() == 1, timeout=5000)
    panel.results_list.clear()
    panel.by_scan_button.click()
    qtbot.waitUntil(lambda: panel.results_list.count() == 1, timeout=5000)
    panel.search_edit.setText("CFFFFFFFFFFFF")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "未找到" in panel.results_hint.text(), timeout=5000)


def test_a_case_form_with_missing_fields_is_refused_in_words(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    form = counter.window.counter.case_form
    form.open_case()
    assert "请先填写" in form.message.text() and form.case is None


def test_working_offline_then_syncing(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    window, events = counter.window, counter.office.events
    origins = [n.origin for n in counter.office.settings.nodes]
    for origin in origins:
        events.publish_node_state(NodeState(origin, online=False))
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=5000)
    assert "离线" in window.offline_banner.text.text()
    assert window.status_panel.nodes_label.text().count("○") == len(origins)
    # Offline work is normal work: a case opens against the replica.
    form = window.counter.case_form
    form.service_edit.setText("社保卡补办")
    form.name_edit.setText("孙丽")
    form.id_edit.setText("110101198001011111")
    with qtbot.waitSignal(form.case_changed, timeout=5000):
        form.open_case()
    events.publish_node_state(NodeState(origins[0], online=True))
    qtbot.waitUntil(lambda: not window.offline_banner.isVisible(), timeout=5000)
    with StallMeter() as meter:
        for done in range(0, 100_001, 500):
            events.publish_sync_progress(SyncProgress(origins[0], done, 100_000))
        qtbot.waitUntil(lambda: window.status_panel.progress.value() == 100_000, timeout=10_000)
        assert window.status_panel.progress.isVisible() and window.status_panel.cancel_button.isVisible()
        events.publish_sync_progress(SyncProgress(origins[0], 100_000, 100_000, finished=True))
        qtbot.waitUntil(lambda: not window.status_panel.progress.isVisible(), timeout=5000)
    assert meter.worst_ms <= STALL_LIMIT_MS, f"the GUI thread stalled for {meter.worst_ms} ms"
    qtbot.waitUntil(lambda: "尚未" not in window.status_panel.sync_label.text(), timeout=5000)
    assert "上次同步" in window.status_panel.sync_label.text()
    events.publish_task(WorkTask("refusal", "C0123456789AB", "节点拒绝：签名密钥已吊销"))
    qtbot.waitUntil(lambda: window.counter.case_panel.tasks_list.count() == 1, timeout=5000)
    assert "签名密钥已吊销" in window.counter.case_panel.tasks_list.item(0).text()


def test_the_fork_alarm_cannot_be_missed(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    window = counter.window
    assert not window.fork_bar.isVisible()
    counter.office.events.publish_fork(ForkAlarm("gongan.beijing.gov.cn/log", 42, "two roots at size 42"))
    qtbot.waitUntil(window.fork_bar.isVisible, timeout=5000)
    assert "gongan.beijing.gov.cn/log" in window.fork_bar.text.text() and "警报" in window.fork_bar.text.text()
    window.lock()  # the alarm stays up over the lock screen
    assert window.fork_bar.isVisible()
    window.fork_bar.button.click()
    assert not window.fork_bar.isVisible()


def test_switching_language_retranslates_everything_and_is_remembered(qtbot, counter: CounterApp) -> None:
    log_in(qtbot, counter)
    window = counter.window
    screen = window.counter
    qtbot.waitUntil(lambda: screen.case_panel.search_button.text() == "查找", timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: screen.case_panel.search_button.text() == "Search", timeout=3000)
    assert "Clerk" in window.status_panel.account_label.text()
    assert window.actions_by_name["lock"].text() == "Lock screen"
    qtbot.waitUntil(lambda: settings_file.load(counter.office.path).language == "en", timeout=5000)
    window.set_language("zh_CN")
    qtbot.waitUntil(lambda: screen.case_panel.search_button.text() == "查找", timeout=3000)


def test_settings_need_an_admin_for_nodes_and_trust(qtbot, counter: CounterApp) -> None:
    from app.store.errors import PermissionDenied

    log_in(qtbot, counter)
    office = counter.office
    changed = office.settings.with_changes(trust_policy="strict")
    with pytest.raises(PermissionDenied):
        counter.work.db_now(lambda: office.save_settings(changed))
    counter.work.db_now(lambda: office.save_settings(office.settings.with_changes(lock_minutes=9)))
    assert settings_file.load(office.path).lock_minutes == 9


def test_cold_start_to_the_login_window_is_quick(qtbot, demo_office) -> None:
    began = time.perf_counter()
    app = start(demo_office.path)
    try:
        qtbot.waitExposed(app.window)
        assert time.perf_counter() - began < 1.5
    finally:
        app.shutdown()


def test_thousands_of_emits_do_not_exhaust_the_reference_count_of_true(qtbot) -> None:
    """PySide6 6.12.0 on CPython 3.11 loses a reference to True per Signal.emit (CPython then aborts);
    pyproject.toml keeps PySide6 below 6.12. This fails if an upgrade brings the bug back."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Source(QObject):
        fired = Signal(object)

    source, got = Source(), []
    source.fired.connect(got.append)
    before = sys.getrefcount(True)
    for i in range(5000):
        source.fired.emit(i)
    assert len(got) == 5000 and sys.getrefcount(True) >= before - 2
