"""Take the README's screenshots of the counter app in both languages (run under Xvfb: xvfb-run -a ...)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.certs.image_input import read_qr_text
from app.cli.demo_command import build_demo_office
from app.office import ForkAlarm, NodeState, SyncProgress, WorkTask
from ui.application import qt_application, start
from ui.settings_dialog import SettingsDialog

OUT = Path(__file__).resolve().parent


def pump(app: QApplication, seconds: float = 0.3) -> None:
    """Let the event loop run for a moment."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()


def shoot(language: str, app: QApplication, tmp: Path) -> None:
    """Save login, workspace (green and red verdicts), offline/sync/fork states and settings in `language`."""
    demo = build_demo_office(tmp / language)
    counter = start(demo.path, user="li.na")
    window = counter.window
    counter.office.settings = counter.office.settings.with_changes(camera_source=str(demo.samples["valid-eid"]))
    window.set_language(language)
    pump(app)
    window.grab().save(str(OUT / f"login_{language}.png"))
    window.login.password_edit.setText(demo.password)
    ready = []
    window.ready.connect(lambda: ready.append(1))
    window.login.submit()
    while not ready:
        app.processEvents()
    screen = window.counter
    form = screen.case_form
    form.service_edit.setText("居住证办理" if language == "zh_CN" else "Residence permit")
    form.id_edit.setText("110101199003071234")
    shown = []
    screen.verdict_shown.connect(lambda v, _l: shown.append(v))
    while not shown:
        app.processEvents()
    pump(app, 0.5)
    window.grab().save(str(OUT / f"workspace_valid_{language}.png"))
    screen.stop_camera()
    for name in ("revoked-eid",):
        verdict = counter.work.db_now(lambda n=name: counter.office.certs.verify(read_qr_text(demo.samples[n])))
        screen.show_verdict(verdict)
    form.open_case()
    pump(app, 0.5)
    events = counter.office.events
    for node in counter.office.settings.nodes:
        events.publish_node_state(NodeState(node.origin, online=False))
    events.publish_task(
        WorkTask(
            "refusal",
            form.case.case_ref if form.case else "C0123456789AB",
            "节点拒绝：材料已被撤销" if language == "zh_CN" else "Refused by the node: a document was revoked",
        )
    )
    pump(app, 0.5)
    window.grab().save(str(OUT / f"workspace_revoked_offline_{language}.png"))
    events.publish_node_state(NodeState(counter.office.settings.nodes[0].origin, online=True))
    events.publish_sync_progress(SyncProgress(counter.office.settings.nodes[0].origin, 41_000, 100_000))
    events.publish_fork(ForkAlarm("shuiwu.beijing.gov.cn/log", 1234, "two roots"))
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
