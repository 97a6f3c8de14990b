"""Take the hall's screenshots (kiosk, wall display, evaluator, acceptance receipt) in zh_CN.

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python docs/screenshots/make_hall_screenshots.py
A real hall serves on loopback; the windows talk to it as they would in a hall.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from app.catalogue.catalogue import load_catalogue
from app.hall.announcer import Announcer
from app.hall.config import default_config
from app.hall.hall import Hall
from app.hall.notices import acceptance_receipt
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_client import CounterHall, HallClient
from app.protocol.hall_tickets import TicketKind
from tests.hall_support import Server, enrolled_device
from ui.application import qt_application
from ui.background import BackgroundWork
from ui.hall_display import HallDisplayWindow
from ui.hall_evaluator import EvaluatorWindow, ServedCase
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
            evaluator.ask(ServedCase("GD-2026-000777", "taxation.individual-tax", "taxation.ledger.beijing.gov.cn",
                                     clerk, int(time.time() * 1000)))  # fmt: skip
            evaluator.resize(1000, 420)
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


if __name__ == "__main__":
    main()
