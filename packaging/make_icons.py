"""Render packaging/icons/govdesk.svg to the hicolor PNG sizes (packaging/icons/hicolor/NxN/apps/govdesk.png).

Run by hand after changing the SVG: `.venv/bin/python packaging/make_icons.py`. The PNGs are committed, so a
build needs no renderer and the .deb's icons do not change between builds.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent / "icons"


def render(size: int, renderer: QSvgRenderer) -> QImage:
    """Draw the SVG into a transparent square image of `size` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Write one PNG per hicolor size."""
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "govdesk.svg"))
    if not renderer.isValid():
        print("govdesk.svg does not parse", file=sys.stderr)
        return 1
    for size in HICOLOR_SIZES:
        out = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "govdesk.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(size, renderer).save(str(out), "PNG"):
            print(f"could not write {out}", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
