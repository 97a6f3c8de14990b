"""Take the README's screenshots of the counter app in both languages (run under Xvfb: xvfb-run -a ...)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.certs.image_input import read_qr_text
from app.demo.demo_office import build_demo_office
from app.ledger.checkpoint import Checkpoint
from app.node.config import load_keys
from app.node.federation import FederationProcess
from app.protocol.departments import department
from app.store.replica import open_replica
from ui.application import qt_application, start
from ui.review_screen import ReviewScreen
from ui.settings_dialog import SettingsDialog

OUT = Path(__file__).resolve().parent


def pump(app: QApplication, seconds: float = 0.3) -> None:
    """Let the event loop run for a moment."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


def wait(app: QApplication, predicate, timeout: float = 60) -> None:
    """Run the event loop until `predicate()`."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("screenshot step did not finish")
        app.processEvents()


def scan(counter, demo, name: str) -> None:
    """Verify a sample certificate as the camera hands it over."""
    text = read_qr_text(demo.samples[name])
    counter.window.counter.preview.show_image(QImage(str(demo.samples[name])))
    counter.window.counter.show_verdict(counter.work.db_now(lambda: counter.office.certs.verify(text)), None, text)


def forge_fork(demo) -> None:
    """Give the office a checkpoint the public security log key signed that its node's tree does not extend."""
    origin = department("public-security").origin
    keys = load_keys(demo.federation_dir / "public-security" / "node.keys")
    replica = open_replica(demo.path, "admin", demo.password)
    try:
        held = replica.logs.latest_checkpoint(origin)
        forged = Checkpoint(origin, held.size + 1, b"\x07" * 32)
        note = forged.sign([keys.log_signer])
        replica.logs.put_checkpoint(origin, forged.size, forged.root_hash, note, replica.session.now_ms())
    finally:
        replica.close()


def accept(app: QApplication, counter, demo, service_id: str, samples: list[str]) -> None:
    """Accept a case of `service_id` for 张伟 with his scanned certificates (Ctrl+N first: a new citizen)."""
    screen = counter.window.counter
    form = screen.case_form
    screen.new_citizen()
    form.choose_service(counter.work.db_now(lambda: counter.office.services.service(service_id)))
    wait(app, lambda: form.open_button.isEnabled())
    for name in samples:
        scan(counter, demo, name)
    form.id_edit.setText("110101199003071233")
    opened = []

    def record(case: object) -> None:
        opened.append(case)

    form.case_changed.connect(record)
    form.open_case()
    wait(app, lambda: opened)
    form.case_changed.disconnect(record)


def shoot(language: str, app: QApplication, tmp: Path) -> None:
    """Save login, lock, picker, workspace, a case for another department, offline, fork alarm, settings, the
    review with its charts, the sign-off confirmation and a PDF page in `language`, against the demo's nodes."""
    demo = build_demo_office(tmp / language / "office")
    nodes = FederationProcess(demo.federation_dir)
    nodes.start()
    counter = start(demo.path, user="li.na")
    window = counter.window
    counter.office.settings = counter.office.settings.with_changes(sync_minutes=0)
    window.set_language(language)
    pump(app)
    window.grab().save(str(OUT / f"login_{language}.png"))
    window.login.password_edit.setText(demo.password)
    ready = []
    window.ready.connect(lambda: ready.append(1))
    window.login.submit()
    wait(app, lambda: ready)
    window.sync_now()
    wait(app, lambda: window.sync_cancel is None)
    screen = window.counter
    form = screen.case_form
    wait(app, lambda: form.picker.loaded)
    form.picker.search_edit.setText("hkqr" if language == "zh_CN" else "transfer")
    pump(app, 0.5)
    window.grab().save(str(OUT / f"service_picker_{language}.png"))
    accept(app, counter, demo, "public-security.resident-id-renewal", ["valid-eid", "valid-hukou"])
    pump(app, 0.5)
    window.grab().save(str(OUT / f"workspace_valid_{language}.png"))
    accept(app, counter, demo, "taxation.tax-payment-certificate", ["valid-eid"])
    pump(app, 0.5)
    window.grab().save(str(OUT / f"case_for_another_department_{language}.png"))
    screen.new_citizen()  # 张伟's number with its last digit misread: refused before anything else
    form.choose_service(
        counter.work.db_now(lambda: counter.office.services.service("public-security.resident-id-renewal"))
    )
    wait(app, lambda: form.open_button.isEnabled())
    scan(counter, demo, "valid-eid")
    form.id_edit.setText("110101199003071234")
    form.open_case()
    pump(app, 0.5)
    window.grab().save(str(OUT / f"id_number_mistyped_{language}.png"))
    window.lock()
    wait(app, lambda: counter.office.replica_or_none is None)
    pump(app, 0.5)
    window.grab().save(str(OUT / f"lock_{language}.png"))
    window.login.password_edit.setText(demo.password)
    ready.clear()
    window.login.submit()
    wait(app, lambda: ready)
    nodes.stop()
    window.sync_now()
    wait(app, lambda: window.sync_cancel is None)
    screen.new_citizen()
    scan(counter, demo, "revoked-eid")
    pump(app, 0.5)
    window.grab().save(str(OUT / f"workspace_revoked_offline_{language}.png"))
    window.lock()
    wait(app, lambda: counter.office.replica_or_none is None)
    forge_fork(demo)
    nodes.start()
    window.login.password_edit.setText(demo.password)
    ready.clear()
    window.login.submit()
    wait(app, lambda: ready)
    window.sync_now()
    wait(app, lambda: window.sync_cancel is None and window.fork_bar.isVisible())
    screen.new_citizen()
    scan(counter, demo, "valid-eid")  # the same e-ID as before: its issuer's log is no longer trusted
    pump(app, 0.5)
    window.grab().save(str(OUT / f"fork_alarm_sync_{language}.png"))
    dialog = SettingsDialog(counter.office.settings, counter.office.scanner, is_admin=False, parent=window)
    dialog.show()
    pump(app, 1.0)
    dialog.grab().save(str(OUT / f"settings_{language}.png"))
    dialog.close()
    shoot_review(language, app, counter, demo, tmp)
    counter.shutdown()
    nodes.stop()
    pump(app)


def shoot_review(language: str, app: QApplication, counter, demo, tmp: Path) -> None:
    """The supervisor's review of the day: charts, the sign-off confirmation, a page of the PDF."""
    window = counter.window
    window.logout()
    window.login.user_edit.setText("wang.fang")
    window.login.password_edit.setText(demo.password)
    ready = []
    window.ready.connect(lambda: ready.append(1))
    window.login.submit()
    wait(app, lambda: ready)
    window.open_review()
    review = window.findChildren(ReviewScreen)[-1]
    wait(app, lambda: review.review is not None)
    review.tabs.setCurrentIndex(1)
    pump(app, 1.0)
    review.grab().save(str(OUT / f"review_charts_{language}.png"))
    review.sign()
    wait(app, lambda: review.confirmation is not None and review.confirmation.isVisible())
    pump(app, 0.5)
    review.confirmation.grab().save(str(OUT / f"signoff_confirmation_{language}.png"))
    review.confirmation.reject()
    pdf = tmp / f"review_{language}.pdf"
    done = []
    review.exported.connect(lambda path: done.append(path))
    review.export_pdf(str(pdf))
    wait(app, lambda: done)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(OUT / f"review_pdf_{language}")], check=True)  # fmt: skip
    review.close()


def main() -> int:
    """Take every screenshot in Chinese and English."""
    app = qt_application()
    with tempfile.TemporaryDirectory() as tmp:
        for language in ("zh_CN", "en"):
            shoot(language, app, Path(tmp))
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
