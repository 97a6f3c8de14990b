"""The review screen's refused-entries tab under pytest-qt (offscreen), keyboard only: a case step a node refused is
shown with the node's reason in Chinese, the case, its service, the signer and Beijing times; Ctrl+D and Enter set
it aside; the office's waiting count leaves it out and the tab keeps showing it, as set aside."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.office import Office
from app.services import CaseDesk
from app.store import sync_state
from tests.review_daygen import (
    CATALOGUE,
    PASSWORD,
    SERVICES,
    SUPERVISOR,
    Clock,
    citizens_of,
    generate_day,
    local_ms,
    make_office,
)
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.review_screen import ReviewScreen

__all__ = ["dangling_threads", "dangling_timers"]
DAY = date(2026, 5, 20)
REFUSED_TAB = 4


@pytest.fixture(scope="module")
def refused_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A small day whose last case was opened by tax-li at 16:40; the node refused the opening step."""
    generated = make_office(tmp_path_factory.mktemp("refused") / "office", date(2026, 5, 19))
    generate_day(generated, DAY, 3)
    citizens, _eids = citizens_of(generated, DAY)
    generated.clock.now_ms = local_ms(DAY, 16, 40)
    with generated.open("tax-li") as li:
        case = CaseDesk(li, CATALOGUE).open(SERVICES[0], "持证人", citizens[5], "walk-in")
        leaf = li.session.one("SELECT cs.leaf_hash FROM case_steps cs WHERE cs.case_id = ?", (case.case_id,))[0]
        generated.clock.now_ms = local_ms(DAY, 16, 45)
        with li.transaction():  # what push records when the node refuses it (app/sync/push.py)
            sync_state.add_task(li, leaf, li.session.one("SELECT origin FROM outbox WHERE leaf_hash = ?", (leaf,))[0],
                                "refused", "revoked_signer", case.case_id, "revoked", "redo", reopen=True)  # fmt: skip
    generated.clock.now_ms = local_ms(DAY, 17, 59)
    return generated.path, leaf


@pytest.fixture
def screen(qtbot, refused_day):
    """The review screen in Chinese, unlocked as the supervisor."""
    path, _leaf = refused_day
    office = Office(path, clock=Clock(local_ms(DAY, 17, 59)))
    work = BackgroundWork()
    work.db_now(lambda: office.session.unlock(SUPERVISOR, PASSWORD))
    translations = Translations()
    translations.install("zh_CN")
    widget = ReviewScreen(office.reviews, work, "zh_CN")
    widget.office = office
    qtbot.addWidget(widget)
    yield widget
    work.shutdown(office.session.lock)
    translations.uninstall()


def test_a_supervisor_reads_why_an_entry_was_refused_and_sets_it_aside_by_keyboard(qtbot, screen, refused_day) -> None:
    _path, leaf = refused_day
    panel = screen.refused_panel
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        screen.load_day(DAY.isoformat())
    assert screen.tabs.tabText(REFUSED_TAB) == "被拒记录"
    assert panel.table.rowCount() == 1
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    refused_at, department, entry, case, signer, written, reason, state = row
    assert refused_at == "2026年5月20日 16:45" and written == "2026年5月20日 16:40"  # Beijing time, Chinese format
    assert department == "北京市税务局" or "税务" in department
    assert "受理" in entry and "完税证明开具" in entry and case.startswith("C")
    assert signer == "tax-li" and "吊销" in reason and state == "待处理"
    assert "吊销" in panel.details.text() and "tax-li" in panel.details.text()  # the reason in full, below
    assert "revoked_signer" not in reason and "refused" not in " ".join(row)  # no raw code in the cells
    assert screen._work.db_now(screen.office.status).outbox_count == 1  # the refused step still counts as waiting
    pending_before, aside_before = clerk_outbox(screen, "tax-li")
    assert aside_before == 0 and pending_before >= 1
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    screen.tabs.setFocus()
    for _ in range(REFUSED_TAB):  # Ctrl+Tab walks to the tab
        qtbot.keyClick(screen.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert screen.tabs.currentIndex() == REFUSED_TAB
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.confirmation is not None and panel.confirmation.isVisible(), timeout=5000)
    statement = panel.confirmation.text()
    assert "tax-li" in statement and case in statement and "吊销" in statement
    with qtbot.waitSignal(panel.set_aside_done, timeout=30_000) as done:
        qtbot.keyClick(panel.confirmation, Qt.Key.Key_Return)
    assert done.args[0].leaf_hash == leaf and done.args[0].set_aside_by == SUPERVISOR
    assert (
        panel.table.item(0, 7).text() == "已搁置"
        and f"已由 {SUPERVISOR} 于 2026年5月20日 17:59" in panel.details.text()
    )
    assert not panel.set_aside_button.isEnabled()  # once
    assert screen._work.db_now(screen.office.status).outbox_count == 0  # the status bar's count leaves it out
    refusals = screen._work.db_now(lambda: screen.office.reviews.open_day(DAY.isoformat()).figures.office.refusals)
    assert refusals == screen.review.figures.office.refusals == 1  # the set-aside is not a second refusal
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        screen.load_day(DAY.isoformat())  # still there after reopening, as set aside
    assert panel.table.rowCount() == 1 and panel.table.item(0, 7).text() == "已搁置"
    # The day's figures count it apart: no longer in tax-li's pending column, in the "set aside" one.
    assert clerk_outbox(screen, "tax-li") == (pending_before - 1, 1)
    office = screen.review.figures.office
    assert office.outbox_set_aside == 1


def clerk_outbox(screen: ReviewScreen, clerk: str) -> tuple[int, int]:
    """The clerk's pending and set-aside counts as the figures table shows them, found by the Chinese headers."""
    table = screen.clerk_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == clerk)
    return int(table.item(row, headers.index("待发送")).text()), int(table.item(row, headers.index("已搁置")).text())
