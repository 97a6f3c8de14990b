"""Qt's translation system for govdesk: zh_CN by default, en on request, switchable at run time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


class Translations:
    """Installs the govdesk catalogue for one language and swaps it when the clerk switches."""

    def __init__(self) -> None:
        """Start with no catalogue installed."""
        self._translator: QTranslator | None = None
        self.language = DEFAULT_LANGUAGE

    def install(self, language: str) -> None:
        """Install the catalogue for `language` (zh_CN or en); widgets get a LanguageChange event."""
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {list(LANGUAGES)}")
        app = QCoreApplication.instance()
        translator = QTranslator(app)
        if not translator.load(str(catalogue_path(language, compiled=True))):
            raise FileNotFoundError(f"translation catalogue {catalogue_path(language, compiled=True)} is missing")
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator.deleteLater()
        app.installTranslator(translator)
        self._translator = translator
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.Chinese if language == "zh_CN" else QLocale.Language.English))

    def uninstall(self) -> None:
        """Remove the installed catalogue (source texts show again); used when the app shuts down."""
        if self._translator is not None:
            QCoreApplication.instance().removeTranslator(self._translator)
            self._translator.deleteLater()
            self._translator = None


def catalogue_path(language: str, *, compiled: bool) -> Path:
    """Return the path of the .qm (compiled) or .ts (source) catalogue for `language`."""
    return I18N_DIR / f"govdesk_{language}.{'qm' if compiled else 'ts'}"
