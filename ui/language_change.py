"""One place for the Qt rule every screen follows: when the language changes, set every text again."""

from __future__ import annotations

from PySide6.QtCore import QEvent


class RetranslatedOnLanguageChange:
    """Mixin for a QWidget subclass (list it before the Qt base): calls `retranslate()` on LanguageChange."""

    def retranslate(self) -> None:
        """Set every text in the current language."""
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        """Re-translate when the language changes."""
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]
