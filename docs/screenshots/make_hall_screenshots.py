"""Take the hall's screenshots (kiosk, wall display, evaluator, acceptance receipt) in zh_CN, and the counter's
workspace with its current ticket in zh_CN and en.

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python docs/screenshots/make_hall_screenshots.py
A real hall serves on loopback; the windows talk to it as they would in a hall.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.catalogue.catalogue import load_catalogue
from app.certs.image_input import read_qr_text
from app.demo.demo_office import build_demo_office
from app.hall.announcer import Announcer
from app.hall.config import default_config
from app.hall.hall import Hall
from app.hall.notices import acceptance_receipt
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_client import CounterHall, HallClient
from app.protocol.hall_served import ServedCase, ServedTicket
from app.protocol.hall_tickets import Device, TicketKind
from tests.hall_support import Server, enrolled_device
from ui.application import qt_application, start
from ui.background import BackgroundWork
from ui.hall_display import HallDisplayWindow
from ui.hall_evaluator import EvaluatorWindow
from ui.hall_kiosk import KioskWindow
from ui.i18n import Translations
from ui.notice_printer import print_notice_to_pdf

OUT = Path(__file__).resolve().parent


def wait(app: QApplication, predicate: Callable[[], bool], timeout: float = 30) -> None:
    """Run the event loop until `predicate()`."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("screenshot step did not finish")
        app.processEvents()
        time.sleep(0.01)


def shoot(window: QWidget, name: str, app: QApplication) -> None:
    """Grab a window to docs/screenshots/<name>.png."""
    window.show()
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))


def main() -> None:
    """Take the four screenshots."""
    app = qt_application()
    Translations().install("zh_CN")
    with tempfile.TemporaryDirectory() as tmp:
        store = open_hall_store(f"sqlite:///{Path(tmp) / 'hall.db'}")
        hall = Hall(default_config("office-03", 6), store)
        server = Server(hall)
        work = BackgroundWork()
        try:
            config = HallClient(server.url, None).config()
            for category in ("property", "tax", "tax", "residence", "fund", "tax"):
                hall.issue(category, TicketKind.NORMAL)
            counters = {w: CounterHall(HallClient(server.url, enrolled_device(hall, "counter", w))) for w in
                        ("w01", "w03", "w05")}  # fmt: skip
            for w in ("w01", "w03", "w05"):
                counters[w].call_next()

            kiosk = KioskWindow(HallClient(server.url, enrolled_device(hall, "kiosk")), work, config, "zh_CN")
            kiosk.resize(900, 640)
            kiosk.buttons["tax"].click()
            wait(app, lambda: bool(kiosk.ticket.text()))
            shoot(kiosk, "hall_kiosk_zh_CN", app)

            display = HallDisplayWindow(HallClient(server.url, enrolled_device(hall, "display")), work, config,
                                        "zh_CN", Announcer())  # fmt: skip
            display.resize(1000, 700)
            display.poll()
            wait(app, lambda: bool(display.latest.text()))
            shoot(display, "hall_display_zh_CN", app)

            signer = enrolled_device(hall, "evaluator", "w01")
            evaluator = EvaluatorWindow(HallClient(server.url, signer), work, signer, "office-03", "w01", "zh_CN")
            clerk = key_id(ED25519, ED25519.signer(b"\x03" * 32).public_key)
            # What the counter tells the hall at 办结 (the case as a commitment), as the evaluator reads it back.
            case = ServedCase("taxation.income-tax-annual-settlement", "taxation.ledger.beijing.gov.cn", b"\x07" * 32,
                              clerk, "li.na")  # fmt: skip
            evaluator.ask(ServedTicket(case, kiosk.ticket.text(), "w01", 1, int(time.time() * 1000)))
            evaluator.resize(1000, 480)
            shoot(evaluator, "hall_evaluator_zh_CN", app)
        finally:
            work.shutdown()
            server.stop()
            store.close()
        catalogue = load_catalogue()
        service = catalogue.service("planning.property-first-registration")
        notice = acceptance_receipt(catalogue, service.id, "GD-2026-000123", [m.id for m in service.materials],
                                    int(time.time() * 1000), 3)  # fmt: skip
        pdf = Path(tmp) / "receipt.pdf"
        print_notice_to_pdf(notice, pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(OUT / "hall_receipt_zh_CN")],
                       check=True)  # fmt: skip


def counter_workspace(app: QApplication, language: str, tmp: Path) -> None:
    """The counter's workspace serving the ticket it called, in `language` (docs/screenshots/hall_workspace_*)."""
    demo = build_demo_office(tmp / language / "office")
    store = open_hall_store(f"sqlite:///{tmp / language / 'hall.db'}")
    hall = Hall(default_config("office-03", 6), store)
    server = Server(hall)
    seed = ED25519.generate_private()
    signer = ED25519.signer(seed)
    hall.store.enroll(Device(key_id(ED25519, signer.public_key), ED25519.name, signer.public_key, "counter",
                             "office-03/counter-03", "office-03", "w03", False))  # fmt: skip
    key_file = tmp / language / "counter-w03.key"
    key_file.write_text(seed.hex())
    for category in ("tax", "tax", "property"):
        hall.issue(category, TicketKind.NORMAL)
    counter = start(demo.path, user="li.na")
    window = counter.window
    try:
        counter.office.settings = counter.office.settings.with_changes(
            sync_minutes=0, hall_url=server.url, hall_key_file=str(key_file)
        )
        window.set_language(language)
        window.login.password_edit.setText(demo.password)
        ready: list[int] = []
        window.ready.connect(lambda: ready.append(1))
        window.login.submit()
        wait(app, lambda: bool(ready))
        slot = window.hall_ticket
        wait(app, lambda: slot.panel is not None and slot.panel.call_button.isEnabled())
        assert slot.panel is not None
        slot.panel.call_button.click()
        wait(app, lambda: slot.panel is not None and slot.panel.finish_button.isEnabled())
        form = window.counter.case_form
        wait(app, lambda: form.picker.loaded)
        service = counter.office.services.service("taxation.tax-payment-certificate")
        form.picker.search_edit.setText(service.name.zh if language == "zh_CN" else service.name.en)
        QTest.keyClick(form.picker.search_edit, Qt.Key.Key_Return)
        text = read_qr_text(demo.samples["valid-eid"])
        window.counter.show_verdict(counter.work.db_now(lambda: counter.office.certs.verify(text)), None, text)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.01)
        window.resize(1366, 800)
        for _ in range(20):
            app.processEvents()
        print(language, "workspace", window.size().toTuple(), "minimum", window.minimumSizeHint().toTuple())
        window.grab().save(str(OUT / f"hall_workspace_{language}.png"))
    finally:
        counter.shutdown()
        server.stop()
        store.close()


if __name__ == "__main__":
    main()
    with tempfile.TemporaryDirectory() as workspace_tmp:
        for workspace_language in ("zh_CN", "en"):
            counter_workspace(QApplication.instance(), workspace_language, Path(workspace_tmp))
