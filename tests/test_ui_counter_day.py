"""A clerk's whole day through the real counter window (pytest-qt, offscreen, the demo federation on loopback):
30 citizens across 12 services of 11 departments, a revoked and a forged e-ID, a name typed against the e-ID, a
node outage in the middle, then the supervisor's sign-off with the PDF and the CSV. After each step every visible
text is scanned for the wrong language: Latin words in zh_CN (outside ids, serials, URLs and a short list) and
Chinese in en outside what citizens and catalogue data bring."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QListWidget, QMessageBox

from app.certs import CertType, issue_certificate, make_claims
from app.certs.image_input import read_qr_text
from app.certs.transport import unwrap, wrap
from app.node.config import load_keys
from app.protocol.departments import department
from app.store.replica import open_replica
from tests.test_ui_flows import log_in, sync_and_wait
from tests.ui_fixtures import PASSWORD, dangling_threads, dangling_timers, demo_nodes, demo_office, demo_template
from ui.application import CounterApp, start
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
ID_LIKE = re.compile(
    r"…[0-9A-F]+|https?://\S+|\b[\w-]+(\.[\w-]+)+\b|\b[0-9A-F]{8,}\b|\bC[0-9A-F]{12}\b|\b\d+[A-Za-z]?\b"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def citizen(i: int) -> tuple[str, str]:
    """The i-th citizen of the day: a name and an 18-digit ID number."""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3 + 1) % len(GIVEN)]
    return name, f"1101011980{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i:03d}7"


def visible_texts(app: CounterApp) -> list[str]:
    """Every text a person sees now: labels, fields, buttons, lists, combo boxes, message boxes, the status bar."""
    out = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in [top, *top.findChildren(QLabel), *top.findChildren(QAbstractButton), *top.findChildren(QLineEdit),
                       *top.findChildren(QListWidget), *top.findChildren(QComboBox)]:  # fmt: skip
            if not widget.isVisible():
                continue
            if isinstance(widget, QLabel | QAbstractButton):
                out.append(re.sub(r"<[^>]+>", " ", widget.text()))
            elif isinstance(widget, QLineEdit):
                out.extend([widget.text(), widget.placeholderText()])
            elif isinstance(widget, QListWidget):
                out.extend(widget.item(i).text() for i in range(widget.count()))
            elif isinstance(widget, QComboBox):
                out.append(widget.currentText())
            if isinstance(widget, QMessageBox):
                out.append(widget.text())
    return [t for t in out if t]


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


@pytest.fixture
def counter(qtbot, demo_office) -> Iterator[CounterApp]:
    app = start(demo_office.path, user="li.na")
    app.office.settings = replace(app.office.settings, sync_minutes=0)
    qtbot.addWidget(app.window)
    yield app
    app.shutdown()


def test_a_counter_day(qtbot, counter: CounterApp, demo_office, demo_nodes, tmp_path: Path) -> None:
    started = time.monotonic()
    issuer = load_keys(demo_nodes.directory / "public-security" / "node.keys").department_signer
    origin = department("public-security").origin
    now_s = int(time.time())

    def certificate(cert_type: CertType, name: str, id_number: str) -> str:
        # Issued now (the department key was enrolled when the demo federation was built, moments ago).
        claims = make_claims(cert_type, origin, {"name": name, "region": "北京市东城区"}, id_number, now_s + 2,
                             now_s + 3650 * 86400)  # fmt: skip
        return issue_certificate(claims, issuer, now_ms=(now_s + 2) * 1000).text

    demo_nodes.start()
    log_in(qtbot, counter)
    window, office = counter.window, counter.office
    screen = window.counter
    form = screen.case_form
    qtbot.waitUntil(lambda: form.picker.loaded, timeout=5000)
    sync_and_wait(qtbot, window)
    names = {s.id: (s.name.zh, s.name.en) for s in office.services.catalogue.services}
    data = {"张伟", "王强", "李秀英", "北京市东城区", "北京市朝阳区", "户主", "证件挂失", *office.name.split()}
    data |= {n for pair in names.values() for n in pair} | {office.name} | {citizen(i)[0] for i in range(30)}

    def check_language(language: str) -> None:
        assert wrong_language(visible_texts(counter), language, data) == []

    def scan(text: str) -> None:
        verdict = counter.work.db_now(lambda: office.certs.verify(text))
        screen.show_verdict(verdict, None, text)

    def choose(service_id: str) -> None:
        picker = form.picker
        picker.search_edit.setText(names[service_id][0])  # what the input method commits (QTest types no Chinese)
        qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)
        assert form.service is not None and form.service.id == service_id
        qtbot.waitUntil(lambda: form.open_button.isEnabled(), timeout=5000)  # 一窗受理: every service is taken

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
    for i in range(30):
        i_now[0] = i
        name, id_number = citizen(i)
        service = SERVICES[i % len(SERVICES)]
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the next citizen
        choose(service)
        eid = certificate(CertType.RESIDENT_EID, name, id_number)
        hukou = certificate(CertType.HOUSEHOLD_REGISTER, name, id_number)
        scan(eid)
        assert form.documents and form.documents[-1][0].ok, form.documents[-1][0]
        if "hukou" in form.service.requires:
            scan(hukou)
        assert form.name_edit.text() == name  # the name follows the scanned e-ID
        form.id_edit.setFocus()
        qtbot.keyClicks(form.id_edit, id_number)
        if i == 7:  # a name typed over the e-ID's
            form.name_edit.clear()
            qtbot.keyClicks(form.name_edit, "Zhang San")
            accept(expect_case=False)
            qtbot.waitUntil(lambda: "电子身份证不符" in form.message.text(), timeout=10_000)
            form.name_edit.setText(name)  # corrected (the input method commits the Chinese name)
        case = accept()
        serials = [v.claims["serial"] for v, _ in form.documents]
        accepted[case.case_id] = (name, id_number, serials)
        if i in (5, 20):
            check_language("zh_CN")
        if i == 14:  # the nodes go down in the middle of the day: work goes on offline
            demo_nodes.stop()
            sync_and_wait(qtbot, window)
            assert window.offline_banner.isVisible()
            check_language("zh_CN")
        if i == 10:  # a revoked e-ID, then a forged one: neither can carry a case
            qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
            choose(SERVICES[0])
            scan(read_qr_text(demo_office.samples["revoked-eid"]))
            assert screen.verdict_card.colour == "red"
            forged = unwrap(certificate(CertType.RESIDENT_EID, "假冒", "110101190001010000")).cose
            scan(wrap(forged[:-1] + bytes([forged[-1] ^ 0x01])))  # a signature that does not verify
            assert form.documents[-1][0].status.value == "BAD_SIGNATURE"
            assert screen.verdict_card.colour == "red" and form.case is None
            form.id_edit.setText("110105197702153317")
            accept(expect_case=False)
            assert form.case is None and "请先" in form.message.text()  # the forged holder is a new applicant
            check_language("zh_CN")
    demo_nodes.start()
    sync_and_wait(qtbot, window)
    assert counter.work.db_now(lambda: office.replica.outbox.count_pending()) == 0  # nothing lost across the outage
    assert len(accepted) == 30 and len({s for _, _, serials in accepted.values() for s in serials}) >= 30
    departments = {SERVICES[i % len(SERVICES)].split(".")[0] for i in range(30)}
    assert len(departments) >= 6
    for case_id, (name, id_number, serials) in accepted.items():
        case = counter.work.db_now(lambda case_id=case_id: office.cases.get(case_id))
        assert (case.citizen_name, case.citizen_id) == (name, id_number)  # no other citizen's data
        assert sorted(s for s, _ in case.certificates) == sorted(serials)  # only the applicant's certificates
        others = {s for other, (_, _, ss) in accepted.items() if other != case_id for s in ss}
        assert not others & {s for s, _ in case.certificates}

    # The supervisor signs the day off, with the PDF and the CSV.
    window.logout()
    log_in(qtbot, counter, user="wang.fang")
    window.open_review()
    review = window.findChildren(ReviewScreen)[-1]
    qtbot.waitUntil(lambda: review.review is not None, timeout=30_000)
    check_language("zh_CN")
    for anomaly in review.review.anomalies:
        review.set_comment(anomaly.id, "已核实")
    review.sign()
    qtbot.waitUntil(lambda: review.confirmation is not None and review.confirmation.isVisible(), timeout=5000)
    check_language("zh_CN")
    with qtbot.waitSignal(review.signed, timeout=30_000):
        qtbot.keyClick(review.confirmation, Qt.Key.Key_Return)
    pdf, table = tmp_path / "day.pdf", tmp_path / "day.csv"
    with qtbot.waitSignal(review.exported, timeout=30_000):
        review.export_pdf(str(pdf))
    with qtbot.waitSignal(review.exported, timeout=30_000):
        review.export_csv(str(table))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert wrong_language(text.splitlines(), "zh_CN", data) == []
    header = next(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert wrong_language(header, "zh_CN", data) == []
    with open_replica(office.path, "wang.fang", PASSWORD) as supervisor:
        assert supervisor.outbox.count_pending() <= 1  # the sign-off entry itself waits for the next sync
    review.close()
    # The same screens in English carry no Chinese of their own.
    window.set_language("en")
    qtbot.wait(100)
    window.open_review()
    review = window.findChildren(ReviewScreen)[-1]
    qtbot.waitUntil(lambda: review.review is not None and review.isVisible(), timeout=30_000)
    data |= {a.explanation("zh_CN") for a in review.review.anomalies}
    leftovers = wrong_language(visible_texts(counter), "en", data)
    assert leftovers == []
    review.close()
    assert time.monotonic() - started < 150
