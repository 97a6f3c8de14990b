"""Take the administrator's trusted roots screenshots in zh_CN and en: the confirmation of a new root over the list.

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python docs/screenshots/make_trust_root_screenshots.py
A real office replica (its administrator logged in) and a real SM2 root made for the picture.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from app.ledger import sm2
from app.office import Office
from app.pki.sm2_x509 import make_root
from app.store.replica import create_office
from tests.store_support import FAST_KDF
from ui.application import qt_application
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.trust_roots_screen import TrustRootsScreen

OUT = Path(__file__).resolve().parent


def wait(app: QApplication, predicate: Callable[[], bool], timeout: float = 30) -> None:
    """Run the event loop until `predicate()`."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("screenshot step did not finish")
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    """Save trust_roots_confirm_<language>.png: the list holding one root, and a second one being confirmed."""
    app = qt_application()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        held = make_root(sm2.SM2_SM3.signer(sm2.generate_private()), "北京市政务服务根CA（上一代）", now=now)
        offered = make_root(sm2.SM2_SM3.signer(sm2.generate_private()), "北京市政务服务部门根CA", now=now)
        (path / "offered.pem").write_text(offered.pem())
        with create_office(path / "office", "西城区政务服务中心", "admin", "admin-pw", kdf=FAST_KDF) as admin:
            admin.trust_roots.add("department", held.der, "市政务服务管理局 当面交付")
        office = Office(path / "office")
        work = BackgroundWork()
        work.db_now(lambda: office.session.unlock("admin", "admin-pw"))
        translations = Translations()
        for language in ("zh_CN", "en"):
            translations.install(language)
            screen = TrustRootsScreen(office.trust_roots, work, language)
            screen.resize(900, 420)
            screen.show()
            screen.load()
            wait(app, lambda s=screen: s.table.rowCount() == 1)
            screen.examine_file(str(path / "offered.pem"))
            wait(app, lambda s=screen: s.confirmation is not None and s.confirmation.isVisible())
            box = screen.confirmation
            assert box is not None
            box.label_edit.setText("市政务服务管理局 当面交付" if language == "zh_CN" else "handed over in person")
            box.checked.setChecked(True)
            for _ in range(30):
                app.processEvents()
            back, front = screen.grab(), box.grab()
            title_h, left, top = 30, 60, back.height() - 170  # the dialog over the list, with a drawn title bar
            canvas = QPixmap(max(back.width(), front.width() + left + 2), top + title_h + front.height() + 2)
            canvas.fill(screen.palette().window().color())
            painter = QPainter(canvas)
            painter.drawPixmap(0, 0, back)
            painter.fillRect(left, top, front.width(), title_h, QColor("#3c5a78"))
            painter.setPen(QColor("white"))
            title = box.windowTitle()
            painter.drawText(left + 10, top, front.width() - 20, title_h, Qt.AlignmentFlag.AlignVCenter, title)
            painter.drawPixmap(left, top + title_h, front)
            painter.setPen(QColor("#3c5a78"))
            painter.drawRect(left, top, front.width() - 1, title_h + front.height() - 1)
            painter.end()
            canvas.save(str(OUT / f"trust_roots_confirm_{language}.png"))
            box.reject()
            screen.close()
            screen.deleteLater()
            app.processEvents()
        work.shutdown(office.session.lock)


if __name__ == "__main__":
    main()
