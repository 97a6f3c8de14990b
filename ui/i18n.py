"""Qt's translation system for govdesk: zh_CN by default, en on request, switchable at run time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


class Translations:
    """Installs the govdesk catalogue for one language and swaps it when the clerk switches."""

    def __init__(self) -> None:
        """Start with no catalogue installed."""
        self._translator: QTranslator | None = None
        self._qt_translators: list[QTranslator] = []
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
        self._install_qt_catalogue(language)
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.Chinese if language == "zh_CN" else QLocale.Language.English))

    def _install_qt_catalogue(self, language: str) -> None:
        """Qt's own texts (file dialogs, message box buttons, context menus) in `language`: qtbase's catalogue, and
        ours of the few Qt 6 texts that the catalogue PySide6 ships lacks."""
        app = QCoreApplication.instance()
        for translator in self._qt_translators:
            app.removeTranslator(translator)
            translator.deleteLater()
        self._qt_translators = []
        if language == "en":
            return  # Qt's source texts are English
        for path in (qt_catalogue_path(language), qt_supplement_path(language)):
            translator = QTranslator(app)
            if not translator.load(str(path)):
                raise FileNotFoundError(f"Qt's own catalogue {path} is missing")
            app.installTranslator(translator)
            self._qt_translators.append(translator)

    def uninstall(self) -> None:
        """Remove the installed catalogues (source texts show again); used when the app shuts down."""
        for translator in (self._translator, *self._qt_translators):
            if translator is not None:
                QCoreApplication.instance().removeTranslator(translator)
                translator.deleteLater()
        self._translator, self._qt_translators = None, []


def catalogue_path(language: str, *, compiled: bool) -> Path:
    """Return the path of the .qm (compiled) or .ts (source) catalogue for `language`."""
    return I18N_DIR / f"govdesk_{language}.{'qm' if compiled else 'ts'}"


def qt_catalogue_path(language: str) -> Path:
    """Return the path of Qt's own compiled catalogue (qtbase) for `language`, as PySide6 ships it."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{language}.qm"


def qt_supplement_path(language: str) -> Path:
    """Return the path of our compiled supplement to Qt's catalogue: Qt 6 texts that qtbase_`language`.qm lacks."""
    return I18N_DIR / f"qtbase_supplement_{language}.qm"
