"""A clerk's whole day through the real counter window (pytest-qt, offscreen, the demo federation on loopback):
30 citizens across 12 services of 11 departments, a revoked and a forged e-ID, a name typed against the e-ID, a
node outage in the middle, then the supervisor's sign-off with the PDF and the CSV. Every certificate reaches the
counter as a QR image it decodes itself (F4 on a folder source). After each step every visible
text is scanned for the wrong language: Latin words in zh_CN (outside ids, serials, URLs and a short list) and
Chinese in en outside what citizens and catalogue data bring."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from app.certs import CertType, issue_certificate, make_claims
from app.certs.holder import resident_id_number
from app.certs.image_input import read_qr_text
from app.certs.render import write_png
from app.certs.transport import unwrap, wrap
from app.hall.hall import Hall
from app.ledger.entry import decode_entry, entry_hash
from app.ledger.suites import Signer
from app.node.config import load_keys
from app.protocol.departments import department
from app.protocol.hall_client import HallClient
from app.protocol.node_client import NodeClient
from app.store.replica import open_replica
from tests.hall_support import Server, counter_key_file, enrol_at_department, enrolled_device, in_log, serving_hall
from tests.test_ui_flows import log_in, sync_and_wait
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start
from ui.case_form import CaseForm
from ui.hall_evaluator import EvaluatorWindow
from ui.review_screen import ReviewScreen

__all__ = ["dangling_threads", "dangling_timers", "demo_nodes", "demo_office", "demo_template"]
SERVICES = (  # 12 services of the 11 departments that need only an e-ID and a household register
    "public-security.resident-id-renewal",
    "taxation.tax-payment-certificate",
    "housing.housing-status-certificate",
    "planning.property-record-query",
    "market-supervision.individual-business",
    "civil-affairs.marriage-record-query",
    "banking-insurance.credit-report",
    "provident-fund.deposit-certificate",
    "electric-power.bill-invoice",
    "gas.safety-inspection",
    "gehua-cable.account-closure",
    "public-security.electronic-resident-id",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
# Latin words a Chinese screen may show: identifiers and names of things that have no Chinese name. OFD is the
# national document format's own name (GB/T 33190 版式文档), written in Latin letters in Chinese too, as is .ofd.
ZH_ALLOWED = {"QR", "PDF", "CSV", "OFD", "ofd", "Ctrl", "Enter", "Tab", "Esc", "F2", "F3", "F4", "F5", "hkqr",
              "transfer", "govdesk", "li", "na", "wang", "fang", "admin", "min", "UTC"}  # fmt: skip
ID_LIKE = re.compile(  # ids, serials, URLs, file names, paths and patterns (a save dialog shows the disk's)
    r"…[0-9A-F]+|https?://\S+|\b[\w-]+(\.[\w-]+)+\b|\b[0-9A-F]{8,}\b|\bC[0-9A-F]{12}\b|\b\d+[A-Za-z]?\b"
    r"|(?:/[\w.-]+)+/?|\*\.\w+|\b[0-9a-f]{16,}\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def citizen(i: int) -> tuple[str, str]:
    """The i-th citizen of the day: a name and an 18-digit ID number."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3 + 1) % len(GIVEN)]
    return name, resident_id_number(f"1101011980{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}")


def visible_texts() -> list[str]:
    """Every text a person sees now, in every shown window and dialog: titles, labels, fields, buttons, tabs, lists,
    combo boxes, table headers and cells, message boxes, the status bar. The names in a file dialog's list are the
    disk's, not the app's: its headers count, its rows do not."""
    out = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        out.append(top.windowTitle())
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            if isinstance(widget, QLabel | QAbstractButton):
                out.append(re.sub(r"<[^>]+>", " ", widget.text()))
            elif isinstance(widget, QLineEdit):
                out.extend([widget.text(), widget.placeholderText()])
            elif isinstance(widget, QComboBox):
                out.append(widget.currentText())
            elif isinstance(widget, QTabBar):
                out.extend(widget.tabText(i) for i in range(widget.count()))
            elif isinstance(widget, QGroupBox):
                out.append(widget.title())
            elif isinstance(widget, QTextEdit | QPlainTextEdit):
                out.append(widget.toPlainText())
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                in_file_dialog = isinstance(top, QFileDialog) or any(
                    isinstance(w, QFileDialog) for w in ancestors(widget)
                )
                out.extend(view_texts(widget.model(), headers_only=in_file_dialog))
            if isinstance(widget, QMessageBox):
                out.extend([widget.text(), widget.informativeText()])
    return [t for t in out if t]


def ancestors(widget: QWidget) -> Iterator[QWidget]:
    """The widget's parents up to its window."""
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def view_texts(model: QAbstractItemModel, headers_only: bool) -> list[str]:
    """A list's or table's column titles and cell texts (the titles only where the rows are the disk's names: the
    folders and files of a file dialog)."""
    root = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)  # a list's is private
    out = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    if headers_only:
        return out
    for row in range(min(model.rowCount(root), 500)):
        out.extend(str(model.index(row, c, root).data() or "") for c in range(columns))
    return out


def wrong_language(texts: list[str], language: str, data: set[str]) -> list[str]:
    """The texts that show words of the other language (citizen and catalogue data excepted)."""
    bad = []
    for text in texts:
        cleaned = ID_LIKE.sub(" ", text)
        for value in data:
            cleaned = cleaned.replace(value, " ")
        if language == "zh_CN":
            words = [w for w in LATIN_WORD.findall(cleaned) if w not in ZH_ALLOWED]
            if words:
                bad.append(f"{text!r}: {words}")
        elif CJK.search(cleaned):
            bad.append(repr(text))
    return bad


def issued_now(issuer: Signer, origin: str, now_s: int, cert_type: CertType, name: str, id_number: str) -> str:
    """A certificate of the citizen issued now (the department key was enrolled when the demo federation was built)."""
    claims = make_claims(cert_type, origin, {"name": name, "region": "北京市东城区"}, id_number, now_s + 2,
                         now_s + 3650 * 86400)  # fmt: skip
    return issue_certificate(claims, issuer, now_ms=(now_s + 2) * 1000).text


def choose_service(qtbot, form: CaseForm, name_zh: str, service_id: str) -> None:
    """Pick the service by its Chinese name, as the clerk does, and wait until the case can be opened."""
    form.picker.search_edit.setText(name_zh)  # what the input method commits (QTest types no Chinese)
    qtbot.keyClick(form.picker.search_edit, Qt.Key.Key_Return)
    assert form.service is not None and form.service.id == service_id
    qtbot.waitUntil(lambda: form.open_button.isEnabled(), timeout=5000)  # 一窗受理: every service is taken


@pytest.fixture
def counter(qtbot, demo_office) -> Iterator[CounterApp]:
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key where the keyboard focus is, as a person at the keyboard does."""
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifiers)


def type_text(qtbot, text: str) -> None:
    """Type `text` where the focus is: Latin keys one by one, Chinese as the input method commits it."""
    target = QApplication.focusWidget()
    if text.isascii():
        qtbot.keyClicks(target, text)
        return
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(target, commit)


# Where things happen in a day of 30 citizens: the name typed over the e-ID, the revoked and the forged
# e-ID, the nodes going down (and back up after the last citizen).
DAY = (30, {"typed": 7, "revoked": 10, "outage": 14})
TEXTS = {  # what the day's refusals and the save dialog's buttons say, and the supervisor's comment
    "zh_CN": {"mismatch": "电子身份证不符", "first": "请先", "comment": "已核实", "save_cancel": ["保存(S)", "取消"]},
    "en": {
        "mismatch": "does not match the scanned e-ID",
        "first": "first",
        "comment": "checked",
        "save_cancel": ["Save", "Cancel"],
    },
}


def show_code(qtbot, window: QWidget, folder: Path, text: str) -> None:
    """The citizen shows a code: the counter reads it from a PNG (a folder source, through OpenCV and pyzbar as the
    camera's frames are), verifies it off the GUI thread and shows the verdict, on F4 as a clerk scans."""
    folder.mkdir(parents=True)
    write_png(text, folder / "1.png")
    window.counter.start_camera(str(folder))
    with qtbot.waitSignal(window.counter.verdict_shown, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F4)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_counter_day(qtbot, counter: CounterApp, demo_office, demo_nodes, tmp_path: Path, language: str) -> None:
    """The whole day by keyboard, the clerk's and the supervisor's, every shown text in `language` after each step
    (about 15 s a language on a quiet machine)."""
    started = time.monotonic()
    citizens, at = DAY
    texts = TEXTS[language]
    issuer = load_keys(demo_nodes.directory / "public-security" / "node.keys").department_signer
    origin = department("public-security").origin
    now_s = int(time.time())

    def certificate(cert_type: CertType, name: str, id_number: str) -> str:
        return issued_now(issuer, origin, now_s, cert_type, name, id_number)

    demo_nodes.start()
    window, office = counter.window, counter.office
    if language != "zh_CN":  # the clerk switches the language at the login screen
        press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: window.login.submit_button.text() == "Log in", timeout=5000)
    names = {s.id: (s.name.zh, s.name.en) for s in office.services.catalogue.services}
    # Data, not the app's words: citizens, the catalogue's names in both languages, the office, and the revocation
    # reason the issuing department signed on its log (free text, shown as the department wrote it).
    data = {"张伟", "王强", "李秀英", "假冒", "北京市东城区", "北京市朝阳区", "户主", "证件挂失", "reported lost"}
    data |= set(office.name.split())
    data |= {n for pair in names.values() for n in pair} | {office.name} | {citizen(i)[0] for i in range(citizens)}
    steps = [0]

    def check_language(step: str) -> None:
        steps[0] += 1
        leaks = wrong_language(visible_texts(), language, data)
        assert leaks == [], f"{step}: " + "\n".join(sorted(set(leaks)))

    check_language("login screen")
    log_in(qtbot, counter)
    screen = window.counter
    form = screen.case_form
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    check_language("workspace")
    sync_and_wait(qtbot, window)
    check_language("first sync")

    shown = itertools.count(1)

    def scan(text: str) -> None:
        show_code(qtbot, window, tmp_path / "shown" / str(next(shown)), text)

    def choose(service_id: str) -> None:
        choose_service(qtbot, form, names[service_id][0], service_id)

    def accept(expect_case: bool = True) -> object:
        if not expect_case:
            qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
            return None
        with qtbot.waitSignal(form.case_changed, timeout=10_000, raising=False) as accepted:
            qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert accepted.signal_triggered, (i_now[0], form.message.text())
        return accepted.args[0]

    accepted: dict[str, tuple[str, str, list[str]]] = {}  # case -> (name, id number, serials)
    i_now = [0]
    for i in range(citizens):
        i_now[0] = i
        name, id_number = citizen(i)
        service = SERVICES[i % len(SERVICES)]
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the next citizen
        choose(service)
        check_language(f"citizen {i}: service chosen")
        eid = certificate(CertType.RESIDENT_EID, name, id_number)
        hukou = certificate(CertType.HOUSEHOLD_REGISTER, name, id_number)
        scan(eid)
        assert form.documents and form.documents[-1][0].ok, form.documents[-1][0]
        if "hukou" in form.service.requires:
            scan(hukou)
        check_language(f"citizen {i}: certificates scanned")
        assert form.name_edit.text() == name  # the name follows the scanned e-ID
        form.id_edit.setFocus()
        qtbot.keyClicks(form.id_edit, id_number)
        if i == at["typed"]:  # a name typed over the e-ID's
            press(qtbot, Qt.Key.Key_Backtab)  # back from the ID number to the name
            assert QApplication.focusWidget() is form.name_edit
            press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            type_text(qtbot, "Zhang San")
            accept(expect_case=False)
            qtbot.waitUntil(lambda: texts["mismatch"] in form.message.text(), timeout=10_000)
            data.add("Zhang San")  # the typed name is the clerk's input, shown back as typed
            check_language(f"citizen {i}: a name typed against the e-ID")
            assert QApplication.focusWidget() is form.name_edit
            press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            type_text(qtbot, name)  # corrected (the input method commits the Chinese name)
            assert form.name_edit.text() == name
        case = accept()
        check_language(f"citizen {i}: case accepted")
        serials = [v.claims["serial"] for v, _ in form.documents]
        accepted[case.case_id] = (name, id_number, serials)
        if i == at["outage"]:  # the nodes go down in the middle of the day: work goes on offline
            demo_nodes.stop()
            sync_and_wait(qtbot, window)
            assert window.offline_banner.isVisible()
            check_language("the nodes are down")
        if i == at["revoked"]:  # a revoked e-ID, then a forged one: neither can carry a case
            qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            choose(SERVICES[0])
            scan(read_qr_text(demo_office.samples["revoked-eid"]))
            assert screen.verdict_card.colour == "red"
            check_language("a revoked e-ID")
            forged = unwrap(certificate(CertType.RESIDENT_EID, "假冒", "110101190001010006")).cose
            scan(wrap(forged[:-1] + bytes([forged[-1] ^ 0x01])))  # a signature that does not verify
            assert form.documents[-1][0].status.value == "BAD_SIGNATURE"
            assert screen.verdict_card.colour == "red" and form.case is None
            check_language("a forged e-ID")
            form.id_edit.setText("110105197702153314")
            accept(expect_case=False)
            assert form.case is None and texts["first"] in form.message.text()  # the forged holder is a new applicant
            check_language("nothing opens for the forged e-ID")
    demo_nodes.start()
    sync_and_wait(qtbot, window)
    check_language("back online")
    assert counter.work.db_now(lambda: office.replica.outbox.count_pending()) == 0  # nothing lost across the outage
    assert len(accepted) == citizens and len({s for _, _, ss in accepted.values() for s in ss}) >= citizens
    departments = {SERVICES[i % len(SERVICES)].split(".")[0] for i in range(citizens)}
    assert len(departments) >= min(6, citizens)
    for case_id, (name, id_number, serials) in accepted.items():
        case = counter.work.db_now(lambda case_id=case_id: office.cases.get(case_id))
        assert (case.citizen_name, case.citizen_id) == (name, id_number)  # no other citizen's data
        assert sorted(s for s, _ in case.certificates) == sorted(serials)  # only the applicant's certificates
        others = {s for other, (_, _, ss) in accepted.items() if other != case_id for s in ss}
        assert not others & {s for s, _ in case.certificates}

    # The supervisor signs the day off, with the PDF and the CSV: by keyboard only.
    supervisor_signs_off(qtbot, counter, tmp_path, texts, check_language)
    with open_replica(office.path, "wang.fang", PASSWORD) as supervisor:
        assert supervisor.outbox.count_pending() <= 1  # the sign-off entry itself waits for the next sync
    for exported, kind in ((tmp_path / "exports" / "day.pdf", "pdf"), (tmp_path / "exports" / "day.csv", "csv")):
        if kind == "pdf":
            lines = subprocess.run(["pdftotext", str(exported), "-"], capture_output=True, text=True,
                                   check=True).stdout.splitlines()  # fmt: skip
        else:
            lines = next(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))  # the column titles
        leaks = wrong_language(lines, language, data)
        assert lines and leaks == [], f"{kind}: " + "\n".join(leaks)
    print(f"{language}: {citizens} citizens, {steps[0]} language checks, {time.monotonic() - started:.1f} s")
    assert time.monotonic() - started < 150


def supervisor_signs_off(qtbot, counter: CounterApp, tmp_path: Path, texts: dict[str, str], check_language) -> None:
    """The supervisor logs in by keyboard, walks every tab of the review (Ctrl+Tab), types a comment for each anomaly,
    signs (Ctrl+Enter, Enter), exports the PDF (Ctrl+P) and the CSV (Ctrl+E) through the save dialog, and leaves
    (Esc); the language is checked after each step."""
    window, comment = counter.window, texts["comment"]
    press(qtbot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # log out
    login = window.login
    qtbot.waitUntil(lambda: QApplication.focusWidget() is login.password_edit, timeout=5000)
    check_language("logged out")
    press(qtbot, Qt.Key.Key_Backtab)  # back to the account name
    assert QApplication.focusWidget() is login.user_edit
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "wang.fang")
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is login.password_edit
    type_text(qtbot, PASSWORD)
    with qtbot.waitSignal(window.ready, timeout=15_000):
        press(qtbot, Qt.Key.Key_Return)
    check_language("the supervisor logged in")
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(window.findChildren(ReviewScreen)), timeout=5000)
    review = window.findChildren(ReviewScreen)[-1]
    qtbot.waitUntil(lambda: review.review is not None and QApplication.activeWindow() is review, timeout=30_000)
    check_language("the review is open")
    for i in range(review.tabs.count()):  # every tab once, back to the timeline
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        assert review.tabs.currentIndex() == (i + 1) % review.tabs.count()
        check_language(f"review tab {review.tabs.tabText(review.tabs.currentIndex())}")
    for _ in range(review.tabs.indexOf(review.anomaly_table)):
        press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert review.tabs.currentWidget() is review.anomaly_table
    assert QApplication.focusWidget() is review.anomaly_table
    anomalies = review.review.anomalies
    for row in range(len(anomalies)):
        assert (review.anomaly_table.currentRow(), review.anomaly_table.currentColumn()) == (row, 2)
        press(qtbot, Qt.Key.Key_F2)  # edit the comment
        type_text(qtbot, comment)
        press(qtbot, Qt.Key.Key_Return)  # the editor hands the comment to the table, then closes
        qtbot.waitUntil(lambda row=row: list(review.comments().values())[row] == comment, timeout=5000)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is review.anomaly_table, timeout=5000)
        press(qtbot, Qt.Key.Key_Down)
    assert review.comments() == {a.id: comment for a in anomalies}
    check_language("the anomalies commented")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # sign
    qtbot.waitUntil(lambda: review.confirmation is not None and review.confirmation.isVisible(), timeout=5000)
    check_language("the sign-off asks to confirm")
    box = review.confirmation
    qtbot.waitUntil(lambda: QApplication.focusWidget() in box.findChildren(QWidget), timeout=5000)
    with qtbot.waitSignal(review.signed, timeout=30_000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: review.review is not None and review.review.signoff is not None, timeout=30_000)
    check_language("signed off")
    (tmp_path / "exports").mkdir()
    for key, name in ((Qt.Key.Key_P, "day.pdf"), (Qt.Key.Key_E, "day.csv")):
        press(qtbot, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: review.file_dialog is not None and review.file_dialog.isVisible(), timeout=5000)
        dialog = review.file_dialog
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's dialog, in the app's language
        [buttons] = dialog.findChildren(QDialogButtonBox)
        assert [b.text().replace("&", "") for b in buttons.buttons()] == texts["save_cancel"]
        check_language(f"the save dialog of {name}")
        qtbot.waitUntil(lambda dialog=dialog: QApplication.focusWidget() in dialog.findChildren(QLineEdit))
        press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text(qtbot, str(tmp_path / "exports" / name))
        with qtbot.waitSignal(review.exported, timeout=30_000):
            press(qtbot, Qt.Key.Key_Return)
        check_language(f"{name} written")
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.findChildren(ReviewScreen), timeout=5000)
    check_language("the review closed")


HALL_OFFICE = "office-03"
HALL_SERVICES = ((SERVICES[1], 5), (SERVICES[2], 2), (SERVICES[1], 4))  # (service, the citizen's rating)


@pytest.fixture
def hall_counter(qtbot, demo_office, tmp_path: Path) -> Iterator[tuple[CounterApp, Hall, Server]]:
    """The counter of window w01 in a real hall on loopback (its key file named in the counter's settings)."""
    with serving_hall(tmp_path / "hall.db", HALL_OFFICE) as (hall, server):
        key = counter_key_file(hall, "w01", tmp_path / "counter-w01.key")
        app = start(demo_office.path, user="li.na")
        app.office.settings = replace(app.office.settings, sync_minutes=0, hall_url=server.url, hall_key_file=str(key))
        qtbot.addWidget(app.window)
        yield app, hall, server
        app.shutdown()


def test_part_of_the_day_called_from_the_hall(qtbot, hall_counter, demo_nodes, tmp_path: Path) -> None:
    """Citizens called from the hall: next citizen -> an empty form -> the case -> finish -> the evaluator's rating,
    which the counter collects from the hall and sync carries to the department's log."""
    started = time.monotonic()
    app, hall, server = hall_counter
    evaluator = enrolled_device(hall, "evaluator", "w01")
    for dept in {service.split(".")[0] for service, _ in HALL_SERVICES}:
        enrol_at_department(demo_nodes.directory, dept, evaluator, f"{HALL_OFFICE}/evaluator-w01")
    issuer = load_keys(demo_nodes.directory / "public-security" / "node.keys").department_signer
    origin, now_s = department("public-security").origin, int(time.time())
    kiosk = HallClient(server.url, enrolled_device(hall, "kiosk"))
    pad = HallClient(server.url, evaluator)
    demo_nodes.start()
    log_in(qtbot, app)
    window, office = app.window, app.office
    form, slot = window.counter.case_form, window.hall_ticket
    qtbot.waitUntil(lambda: slot.panel is not None and slot.panel.call_button.isEnabled(), timeout=10_000)
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    evaluator_screen = EvaluatorWindow(pad, app.work, evaluator, HALL_OFFICE, "w01", "zh_CN")
    qtbot.addWidget(evaluator_screen)
    evaluator_screen.watch()
    clerk = app.work.db_now(lambda: office.session.account).kid
    names = {s.id: s.name.zh for s in office.services.catalogue.services}
    tickets = [kiosk.issue("tax") for _ in HALL_SERVICES]
    data = {"上一位市民", "北京市东城区", office.name, *office.name.split(), *names.values()}
    ratings: list[bytes] = []
    try:
        for i, (service, level) in enumerate(HALL_SERVICES):
            name, id_number = citizen(100 + i)
            data.add(name)
            form.name_edit.setText("上一位市民")  # what the previous citizen left in the form
            with qtbot.waitSignal(slot.next_citizen, timeout=10_000) as called:
                slot.panel.call_button.click()
            assert called.args[0].number == tickets[i].number == slot.panel.number.text()
            assert form.name_edit.text() == "" and form.service is None and not form.documents and form.case is None
            choose_service(qtbot, form, names[service], service)
            for cert_type in (CertType.RESIDENT_EID, CertType.HOUSEHOLD_REGISTER)[
                : 1 + ("hukou" in form.service.requires)
            ]:
                text = issued_now(issuer, origin, now_s, cert_type, name, id_number)
                show_code(qtbot, window, tmp_path / f"{i}-{cert_type.value}", text)
            form.id_edit.setText(id_number)
            with qtbot.waitSignal(form.case_changed, timeout=10_000) as accepted:
                qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
            case = accepted.args[0]
            assert (case.citizen_name, case.citizen_id) == (name, id_number)
            if i == 0:
                assert wrong_language(visible_texts(), "zh_CN", data) == []  # the hall's strip is Chinese too
            with (
                qtbot.waitSignal(evaluator_screen.asked, timeout=10_000) as asked,
                qtbot.waitSignal(slot.served, timeout=10_000),
            ):
                slot.panel.finish_button.click()
            assert (asked.args[0].case.service, asked.args[0].case.clerk) == (service, clerk)
            with qtbot.waitSignal(evaluator_screen.rated, timeout=10_000) as rated:
                evaluator_screen.buttons[level].click()
            assert case.case_id.encode() not in rated.args[1] and name.encode() not in rated.args[1]
            ratings.append(rated.args[1])
        assert [item.level for item in hall.store.remediation_items()] == [2]  # 不满意 opens a remediation item

        # The counter collects its window's ratings from the hall (the status tick does it every 5 s) into the outbox.
        wanted = {entry_hash(r) for r in ratings}

        def queued() -> bool:
            slot.collect_ratings(office.cases.forward_ratings)
            return wanted <= {e.leaf_hash for e in app.work.db_now(lambda: office.replica.outbox.pending())}

        qtbot.waitUntil(queued, timeout=15_000)
        sync_and_wait(qtbot, window)
        assert app.work.db_now(lambda: office.replica.outbox.count_pending()) == 0
        for entry in ratings:
            log = decode_entry(entry).entry.log
            with NodeClient(next(n["url"] for n in demo_nodes.nodes if n["origin"] == log), timeout=10) as node:
                assert in_log(node, entry) == 1
    finally:
        evaluator_screen.stop()
        kiosk.close()
        pad.close()
    assert time.monotonic() - started < 30
