"""Take the README's screenshots of the counter app in both languages (run under Xvfb: xvfb-run -a ...)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.certs.image_input import read_qr_text
from app.cli.demo_command import DemoFederation, build_demo_office
from app.ledger.checkpoint import Checkpoint
from app.node.config import load_keys
from app.node.departments import department
from app.store.replica import open_replica
from ui.application import qt_application, start
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


def shoot(language: str, app: QApplication, tmp: Path) -> None:
    """Save login, picker, workspace, offline, fork alarm and settings in `language`, against the demo's nodes."""
    demo = build_demo_office(tmp / language / "office")
    nodes = DemoFederation(demo.federation_dir)
    nodes.start()
    counter = start(demo.path, user="li.na")
    window = counter.window
    counter.office.settings = counter.office.settings.with_changes(
        camera_source=str(demo.samples["valid-eid"]), sync_minutes=0
    )
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
    form.picker.search_edit.setText("jmsfzhl")
    form.picker._pick_current()
    screen.stop_camera()
    scan(counter, demo, "valid-eid")
    scan(counter, demo, "valid-hukou")
    form.id_edit.setText("110101199003071234")
    opened = []
    form.case_changed.connect(lambda c: opened.append(c))
    form.open_case()
    wait(app, lambda: len(opened) == 1)
    form.advance()
    wait(app, lambda: len(opened) == 2)
    pump(app, 0.5)
    window.grab().save(str(OUT / f"workspace_valid_{language}.png"))
    nodes.stop()
    window.sync_now()
    wait(app, lambda: window.sync_cancel is None)
    form.clear()
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
    form.clear()
    scan(counter, demo, "valid-eid")  # the same e-ID as before: its issuer's log is no longer trusted
    pump(app, 0.5)
    window.grab().save(str(OUT / f"fork_alarm_sync_{language}.png"))
    dialog = SettingsDialog(counter.office.settings, counter.office.scanner, is_admin=False, parent=window)
    dialog.show()
    dialog.test_camera()
    pump(app, 1.5)
    dialog.grab().save(str(OUT / f"settings_{language}.png"))
    dialog.stop_test()
    dialog.close()
    counter.shutdown()
    nodes.stop()
    pump(app)


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
