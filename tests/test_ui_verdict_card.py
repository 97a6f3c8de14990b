"""The verdict card says how old the replica data behind a verdict is, in words a clerk reads at a glance."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.certs import Status, Verdict
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.i18n import Translations
from ui.verdict_card import VerdictCard

__all__ = ["dangling_threads", "dangling_timers"]


@pytest.mark.parametrize(
    ("language", "age_ms", "expected"),
    [
        ("zh_CN", 20_000, "依据刚刚同步的副本数据。"),
        ("zh_CN", 25 * 60_000, "依据 25 分钟前同步的副本数据。"),
        ("zh_CN", (26 * 60 + 5) * 60_000, "依据 1 天 2 小时前同步的副本数据。"),
        ("en", 20_000, "Based on replica data synced just now."),
        ("en", 25 * 60_000, "Based on replica data synced 25 min ago."),
        ("zh_CN", None, "本网点副本没有该签发机关的数据。"),
    ],
)
def test_the_age_of_the_data_behind_a_verdict(qtbot, language: str, age_ms: int | None, expected: str) -> None:
    translations = Translations()
    translations.install(language)
    try:
        card = VerdictCard(language)
        qtbot.addWidget(card)
        params = {"issuer": "tax.example", "serial": "AB12"}
        verdict = Verdict(Status.VALID, "valid", params, "govdesk", replica_age_ms=age_ms)
        card.show_verdict(verdict)
        assert card.age.text() == expected
    finally:
        translations.uninstall()
