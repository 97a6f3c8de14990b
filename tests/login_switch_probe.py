"""Run in a fresh interpreter: start the counter app on an office, log in, and print (JSON) what the switch from
the login screen to the workspace cost the GUI thread: the Qt enum types Shiboken had to create on the way and the
longest stall. Shiboken loads Qt's types once per process, so only a fresh process shows where that cost lands.

    python -m tests.login_switch_probe OFFICE_DIR USER PASSWORD
"""

from __future__ import annotations

import enum
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtTest import QTest

from ui.application import qt_application, start
from ui.stall_meter import StallMeter

READY_TIMEOUT_MS = 15_000


def main(office_dir: str, user: str, password: str) -> int:
    """Start, show the login screen as a clerk sees it, log in, and report the switch."""
    qt_application()
    counter = start(Path(office_dir), user=user)
    window = counter.window
    counter.office.settings = replace(counter.office.settings, sync_minutes=0)
    QTest.qWaitForWindowExposed(window)
    window.repaint()  # the login screen has drawn: what the app pays at its start is paid
    created: list[str] = []
    create = enum.EnumType._create_

    def counting(cls: enum.EnumType, class_name: str, *args: object, **kwargs: object) -> enum.EnumType:
        created.append(class_name)
        return create(cls, class_name, *args, **kwargs)

    enum.EnumType._create_ = counting  # type: ignore[method-assign]
    loop = QEventLoop()
    window.ready.connect(loop.quit)
    timeout = QTimer()
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    timeout.start(READY_TIMEOUT_MS)
    ready: list[bool] = []
    window.ready.connect(lambda: ready.append(True))
    with StallMeter() as meter:
        window.login.user_edit.setText(user)
        window.login.password_edit.setText(password)
        window.login.submit()
        loop.exec()
        window.repaint()  # the workspace's first full paint, inside the measurement
    enum.EnumType._create_ = create  # type: ignore[method-assign]
    timeout.stop()
    print(json.dumps({"ready": bool(ready), "created": created, "worst_ms": meter.worst_ms}))
    counter.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
