"""The review screen under pytest-qt (offscreen): load a day, filter, charts, acknowledge, sign, export."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.office import Office
from tests.review_daygen import PASSWORD, SUPERVISOR, Clock, local_ms, plant_anomalies, reopen_office
from tests.test_review import DAY, generated_day
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.review_screen import ReviewScreen

__all__ = ["dangling_threads", "dangling_timers", "generated_day"]


@pytest.fixture
def screen(qtbot, generated_day: Path, tmp_path: Path):
    """The review screen on a planted copy of the generated day, unlocked as the supervisor."""
    target = tmp_path / "office"
    shutil.copytree(generated_day, target)
    generated = reopen_office(target, Clock(local_ms(DAY, 17, 59)))
    plant_anomalies(generated, DAY)
    generated.clock.now_ms = local_ms(DAY, 17, 59)
    office = Office(target, clock=generated.clock)
    work = BackgroundWork()
    work.db_now(lambda: office.session.unlock(SUPERVISOR, PASSWORD))
    widget = ReviewScreen(office, work, "zh_CN")
    qtbot.addWidget(widget)
    yield widget
    work.shutdown(office.session.lock)


def test_the_screen_loads_a_day_filters_it_and_draws_the_charts(qtbot, screen) -> None:
    assert not screen.sign_button.isEnabled()
    with qtbot.waitSignal(screen.loaded, timeout=30_000):
        screen.load_day("2026-05-20")
    review = screen.review
    assert screen.timeline_model.rowCount() == len(review.period.actions) > 2000
    assert screen.anomaly_table.rowCount() == len(review.anomalies) >= 7
    assert "taxation.tax-payment-certificate" in screen.hourly_chart.series_names
    assert screen.verdict_chart.slices.get("VALID", 0) > 300
    assert screen.clerk_table.rowCount() >= 5 and screen.service_table.rowCount() == 1
    combo = screen.filters["clerk"]
    combo.setCurrentIndex(combo.findData("tax-zhao"))
    rows = screen.timeline_model.actions
    assert rows and all(a.account == "tax-zhao" for a in rows)
    verdicts = screen.filters["verdict"]
    verdicts.setCurrentIndex(verdicts.findData("UNKNOWN_ISSUER"))
    assert screen.timeline_model.rowCount() == 0  # tax-zhao gave no such verdict
    combo.setCurrentIndex(0)
    assert [a.verdict for a in screen.timeline_model.actions] == ["UNKNOWN_ISSUER"]
    integrity = screen.integrity_label.text()
    assert "Audit chain intact" in integrity and "inclusion proof does not verify" in integrity


def test_signing_needs_every_acknowledgement_then_signs_once(qtbot, screen, tmp_path: Path) -> None:
    with qtbot.waitSignal(screen.loaded, timeout=30_000):
        screen.load_day("2026-05-20")
    with qtbot.waitSignal(screen.failed, timeout=30_000) as refused:
        screen.sign()
    assert "acknowledge" in refused.args[0]
    for anomaly in screen.review.anomalies:
        screen.set_comment(anomaly.id, "已与工作人员核实")
    with qtbot.waitSignal(screen.loaded, timeout=30_000), qtbot.waitSignal(screen.signed, timeout=30_000):
        screen.sign()
    assert screen.review.signoff is not None and not screen.sign_button.isEnabled()
    assert set(screen.comments().values()) == {"已与工作人员核实"}
    with qtbot.waitSignal(screen.exported, timeout=30_000) as pdf:
        screen.export_pdf(str(tmp_path / "day.pdf"))
    assert Path(pdf.args[0]).read_bytes().startswith(b"%PDF")
    with qtbot.waitSignal(screen.exported, timeout=30_000) as csv_file:
        screen.export_csv(str(tmp_path / "day.csv"))
    assert "tax-li" in Path(csv_file.args[0]).read_text(encoding="utf-8-sig")
    with qtbot.waitSignal(screen.failed, timeout=30_000) as refused:
        screen.export_csv(str(tmp_path / "no-such-folder" / "x.csv"))
    assert "does not exist" in refused.args[0]


def test_a_clerk_cannot_open_the_review(qtbot, generated_day: Path, tmp_path: Path) -> None:
    target = tmp_path / "office"
    shutil.copytree(generated_day, target)
    office = Office(target, clock=Clock(local_ms(DAY, 17, 59)))
    work = BackgroundWork()
    try:
        work.db_now(lambda: office.session.unlock("tax-li", PASSWORD))
        widget = ReviewScreen(office, work, "en")
        qtbot.addWidget(widget)
        with qtbot.waitSignal(widget.failed, timeout=30_000) as refused:
            widget.load_day("2026-05-20")
        assert "may not" in refused.args[0]
    finally:
        work.shutdown(office.session.lock)


def test_the_main_window_opens_the_review_for_a_supervisor_with_ctrl_r(qtbot, generated_day: Path, tmp_path) -> None:
    from PySide6.QtCore import Qt

    from ui.application import start

    target = tmp_path / "office"
    shutil.copytree(generated_day, target)
    app = start(target, user=SUPERVISOR)
    qtbot.addWidget(app.window)
    try:
        login = app.window.login
        login.user_edit.setText(SUPERVISOR)
        login.password_edit.setText(PASSWORD)
        with qtbot.waitSignal(app.window.ready, timeout=15_000):
            qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        app.window.actions_by_name["review"].trigger()
        screens = app.window.findChildren(ReviewScreen)
        assert len(screens) == 1 and screens[0].isVisible()
        qtbot.waitUntil(lambda: screens[0].review is not None, timeout=30_000)  # today's review, opened at once
        with qtbot.waitSignal(screens[0].loaded, timeout=30_000):
            screens[0].load_day("2026-05-20")
        assert screens[0].review.period.actions
        screens[0].close()
    finally:
        app.shutdown()
