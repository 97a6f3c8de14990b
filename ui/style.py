"""The look of the counter app: a CJK font, readable contrast and a focus ring that is always visible."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback")
BASE_POINT_SIZE = 11

# Colours chosen for at least 4.5:1 contrast of text on its background (WCAG AA).
INK = "#1a1a1a"
MUTED = "#4a4a4a"
FOCUS = "#0b57d0"
GREEN_BG, GREEN_INK = "#e3f4e5", "#0f5a1c"
AMBER_BG, AMBER_INK = "#fff4d6", "#6b4700"
RED_BG, RED_INK = "#fde4e2", "#8c1d18"

STYLE_SHEET = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QDialog {{ background: #f6f7f9; }}
QLineEdit, QComboBox, QSpinBox, QPlainTextEdit, QListWidget, QTableWidget {{
    background: white; border: 1px solid #8a8f98; border-radius: 4px; padding: 4px;
}}
QPushButton {{
    background: #ffffff; border: 1px solid #6b7079; border-radius: 4px; padding: 6px 14px;
}}
QPushButton:hover {{ background: #eef2fb; }}
QPushButton[primary="true"] {{ background: {FOCUS}; color: white; border-color: {FOCUS}; font-weight: bold; }}
QPushButton:disabled {{ color: #767676; background: #eeeeee; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QPlainTextEdit:focus, QListWidget:focus, QTableWidget:focus,
QPushButton:focus, QCheckBox:focus, QTabBar::tab:focus {{
    border: 3px solid {FOCUS};
}}
QGroupBox {{ font-weight: bold; border: 1px solid #c4c7cc; border-radius: 6px; margin-top: 12px; padding-top: 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QLabel[role="hint"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {RED_INK}; font-weight: bold; }}
QFrame#offlineBanner {{ background: {AMBER_BG}; border: 1px solid #c99a2e; border-radius: 4px; }}
QFrame#offlineBanner QLabel {{ color: {AMBER_INK}; }}
QFrame#forkAlarm {{ background: #b3261e; border-radius: 4px; }}
QFrame#forkAlarm QLabel {{ color: white; font-weight: bold; }}
QFrame#forkAlarm QPushButton {{ color: #b3261e; font-weight: bold; }}
"""


def pick_cjk_family() -> str | None:
    """Return the first installed CJK font family we know renders Simplified Chinese well, or None."""
    installed = set(QFontDatabase.families())
    return next((family for family in CJK_FAMILIES if family in installed), None)


def apply(app: QApplication) -> None:
    """Give the application its font and style sheet."""
    app.setStyle("Fusion")
    family = pick_cjk_family()
    font = QFont(family) if family else app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
