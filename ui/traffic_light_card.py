"""The frame both verdict cards share: painted green, amber or red, a headline, a plain reason, labelled rows."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtWidgets import QFrame, QLabel, QWidget

from ui import style
from ui.language_change import RetranslatedOnLanguageChange

GREEN, AMBER, RED = "green", "amber", "red"
COLOURS = {
    GREEN: (style.GREEN_BG, style.GREEN_INK),
    AMBER: (style.AMBER_BG, style.AMBER_INK),
    RED: (style.RED_BG, style.RED_INK),
}


def rows_table(rows: Iterable[tuple[str, str]], gap_px: int) -> str:
    """Return labelled rows as an HTML table (label, then the value in bold), every text escaped."""
    cells = "".join(
        f"<tr><td style='padding-right:{gap_px}px'>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"


class TrafficLightCard(RetranslatedOnLanguageChange, QFrame):
    """A card whose colour is the verdict; a subclass builds its rows and redraws everything in `refresh()`."""

    def __init__(self, name: str, headline_name: str, headline_pt: int, language: str, parent: QWidget | None) -> None:
        """Make the frame `name` with its headline and reason labels (the subclass adds the rest)."""
        super().__init__(parent)
        self.setObjectName(name)
        self._headline_css = f"QLabel#{headline_name} {{ font-size: {headline_pt}pt; font-weight: bold; }}"
        self.language = language
        self.colour: str | None = None
        self.headline = QLabel()
        self.headline.setObjectName(headline_name)
        self.headline.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setWordWrap(True)

    def refresh(self) -> None:
        """Redraw the card in the current language."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.refresh()

    def set_language(self, language: str) -> None:
        """Pick the language of the domain's reason texts (zh_CN or en)."""
        self.language = language
        self.refresh()

    def _paint(self, colour: str | None) -> None:
        bg, ink = COLOURS.get(colour, ("#ffffff", style.INK))
        border = ink if colour else "#c4c7cc"
        name = self.objectName()
        self.setStyleSheet(
            f"QFrame#{name} {{ background: {bg}; border: 3px solid {border}; border-radius: 8px; }}"
            f"QFrame#{name} QLabel {{ color: {ink}; background: transparent; border: none; }}" + self._headline_css
        )
