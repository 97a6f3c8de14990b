"""Every user-facing string goes through Qt's translation system, and both catalogues are complete and compiled."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QFileDialog, QLabel

from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.i18n import LANGUAGES, Translations, catalogue_path, qt_supplement_path

__all__ = ["dangling_threads", "dangling_timers"]
ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
UI_SOURCES = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))


def run_lupdate(ts: Path) -> str:
    """Update a catalogue from the ui sources (as a developer would) and return lupdate's report."""
    result = subprocess.run(
        [str(BIN / "pyside6-lupdate"), *UI_SOURCES, "-ts", str(ts), "-no-obsolete"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_covers_every_string_in_the_code_and_is_finished(language: str, tmp_path: Path) -> None:
    ts = tmp_path / f"govdesk_{language}.ts"
    shutil.copy(catalogue_path(language, compiled=False), ts)
    report = run_lupdate(ts)
    assert "(0 new " in report, f"strings in ui/ missing from the {language} catalogue:\n{report}"
    problems = []
    for message in ET.parse(ts).iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if message.get("numerus") == "yes" and translation is not None:  # a form per plural of the language
            texts = [form.text or "" for form in translation.iter("numerusform")]
        else:
            texts = [translation.text or ""] if translation is not None else []
        if not texts or not all(t.strip() for t in texts) or translation.get("type"):
            problems.append(source)
    assert problems == [], f"untranslated or unfinished in {language}: {problems}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language: str, tmp_path: Path) -> None:
    qm = tmp_path / "fresh.qm"
    result = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(catalogue_path(language, compiled=False)), "-qm", str(qm)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert qm.read_bytes() == catalogue_path(language, compiled=True).read_bytes(), "run pyside6-lrelease"


def test_chinese_is_the_default_and_english_is_one_switch_away(qapp) -> None:
    translations = Translations()
    translations.install("zh_CN")
    assert QCoreApplication.translate("LoginScreen", "Log in") == "登录"
    # Qt's own dialogs speak Chinese too (qtbase_zh_CN.qm from PySide6), and English after the switch.
    look_in = QCoreApplication.translate("QFileDialog", "Look in:")
    assert look_in != "Look in:" and any("\u4e00" <= c <= "\u9fff" for c in look_in)
    translations.install("en")
    assert QCoreApplication.translate("LoginScreen", "Log in") == "Log in"
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
    translations.install("zh_CN")
    with pytest.raises(ValueError):
        translations.install("fr")
    translations.uninstall()
    assert QCoreApplication.translate("LoginScreen", "Log in") == "Log in"


def test_counts_read_right_in_english_whatever_the_number(qapp) -> None:
    """A count alone in a sentence takes Qt's plural forms (one rating, two ratings); sentences with several counts
    say them as "label: count", which reads right for any number. Chinese needs one form."""
    translations = Translations()
    chain = "Audit chain intact: %n record(s) verified."
    try:
        translations.install("en")
        assert QCoreApplication.translate("ReviewScreen", chain, None, 1) == "Audit chain intact: 1 record verified."
        assert QCoreApplication.translate("ReviewScreen", chain, None, 2) == "Audit chain intact: 2 records verified."
        assert QCoreApplication.translate("ReviewScreen", chain, None, 0) == "Audit chain intact: 0 records verified."
        translations.install("zh_CN")
        assert QCoreApplication.translate("ReviewScreen", chain, None, 1) == "审计链完整：已校验 1 条记录。"
    finally:
        translations.uninstall()
    sources = [m.findtext("source") or "" for m in ET.parse(catalogue_path("en", compiled=False)).iter("message")]
    counted = [
        s for s in sources if re.search(r"%[1-9n] (?:[a-z-]+ )?(?:actions|anomalies|records|ratings|items)\b", s)
    ]
    assert counted == [], counted


def test_the_supplement_to_qts_catalogue_is_compiled_from_its_source(tmp_path: Path) -> None:
    qm = tmp_path / "fresh.qm"
    source = qt_supplement_path("zh_CN").with_suffix(".ts")
    result = subprocess.run([str(BIN / "pyside6-lrelease"), str(source), "-qm", str(qm)], capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert qm.read_bytes() == qt_supplement_path("zh_CN").read_bytes(), "run pyside6-lrelease"


@pytest.mark.parametrize("language", LANGUAGES)
def test_qts_save_dialog_speaks_the_apps_language(qtbot, language: str) -> None:
    """The review's exports ask for a path in Qt's own dialog (not the desktop's): every label and button of it in
    `language`, with the Qt 6 labels PySide6's qtbase_zh_CN lacks from our supplement."""
    translations = Translations()
    translations.install(language)
    try:
        dialog = QFileDialog(None, "x", "", "*.pdf")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        qtbot.addWidget(dialog)
        dialog.show()
        texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton) if w.text()]
        [buttons] = dialog.findChildren(QDialogButtonBox)
        named = [b.text() for b in buttons.buttons()]
        dialog.close()
    finally:
        translations.uninstall()
    chinese = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)]
    if language == "zh_CN":
        assert named == ["保存(&S)", "取消"] and chinese == texts, texts
    else:
        assert named == ["&Save", "Cancel"] and chinese == [] and "&Look in:" in texts, texts


def test_the_ui_never_shows_a_bare_string_literal() -> None:
    """Widgets get text through tr()/translate(); a setText("...") with a literal would bypass the catalogues."""
    offenders = []
    for path in (ROOT / "ui").glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            for call in ('setText("', 'setTitle("', 'setWindowTitle("', 'setPlaceholderText("', 'QLabel("'):
                if call in stripped:
                    offenders.append(f"{path.name}:{number}: {stripped}")
    assert offenders == []
