"""Start the counter app: `govdesk gui [--office DIR]` and `govdesk demo` end up in `run`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.office import Office
from ui import style
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.main_window import MainWindow


@dataclass
class CounterApp:
    """The running app's parts, kept together so they can be shut down in order."""

    office: Office
    work: BackgroundWork
    translations: Translations
    window: MainWindow

    def shutdown(self) -> None:
        """Close the window, lock the office on the database thread, and stop every worker."""
        self.window.close()
        self.work.shutdown(final_db_work=self.office.close)
        self.translations.uninstall()
        self.window.deleteLater()


def qt_application() -> QApplication:
    """Return the QApplication, creating and styling it once."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("govdesk")
    app.setOrganizationName("govdesk")
    style.apply(app)
    return app


def start(office_dir: Path, *, user: str = "") -> CounterApp:
    """Create the app on `office_dir` and show its login window (does not enter the event loop)."""
    qt_application()
    office = Office(office_dir)
    translations = Translations()
    translations.install(office.settings.language)
    work = BackgroundWork()
    window = MainWindow(office, work, translations)
    window.login.show_login(user)
    window.show()
    return CounterApp(office, work, translations, window)


def run(office_dir: Path, *, user: str = "") -> int:
    """Run the app on `office_dir` until its window closes; return the exit status."""
    app = qt_application()
    counter = start(office_dir, user=user)
    try:
        return app.exec()
    finally:
        counter.shutdown()
