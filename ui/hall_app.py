"""Entry points of the hall's own screens: the kiosk, the wall display and the citizen evaluator."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from app.hall.announcer import Announcer
from app.ledger.suites import Signer
from app.protocol.device_key_file import read_device_key
from app.protocol.hall_client import HallClient
from ui.application import qt_application
from ui.background import BackgroundWork
from ui.hall_display import HallDisplayWindow
from ui.hall_evaluator import EvaluatorWindow
from ui.hall_kiosk import KioskWindow
from ui.i18n import Translations


def _signer_from(key_file: Path) -> Signer:
    return read_device_key(key_file)  # an Ed25519 seed in hex, or `sm2-sm3:` and an SM2 scalar


def _run(app: QApplication, work: BackgroundWork, window: QWidget, full_screen: bool) -> int:
    if full_screen:
        window.showFullScreen()
    else:
        window.resize(1024, 720)
        window.show()
    try:
        return app.exec()
    finally:
        work.shutdown()


def run_kiosk(url: str, key_file: Path, language: str, full_screen: bool = False) -> int:
    """Open the kiosk against the hall at `url`, signing with the kiosk's device key."""
    app = qt_application()
    Translations().install(language)
    client = HallClient(url, _signer_from(key_file))
    work = BackgroundWork()
    return _run(app, work, KioskWindow(client, work, client.config(), language), full_screen)


def run_display(url: str, key_file: Path, language: str, full_screen: bool = False) -> int:
    """Open the wall display (it announces calls through espeak-ng when installed)."""
    app = qt_application()
    Translations().install(language)
    client = HallClient(url, _signer_from(key_file))
    work = BackgroundWork()
    window = HallDisplayWindow(client, work, client.config(), language, Announcer())
    window.start()
    return _run(app, work, window, full_screen)


def run_evaluator(url: str, key_file: Path, window_id: str, language: str, full_screen: bool = False) -> int:
    """Open the evaluator of a window (on the counter's second screen): it asks the hall what the window finished."""
    app = qt_application()
    Translations().install(language)
    signer = _signer_from(key_file)
    client = HallClient(url, signer)
    work = BackgroundWork()
    evaluator = EvaluatorWindow(client, work, signer, client.config()["office"], window_id, language)
    evaluator.watch()
    return _run(app, work, evaluator, full_screen)
