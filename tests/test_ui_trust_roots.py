"""The administrator's trusted roots screen: add a root from a PEM or DER file after confirming its fingerprints on
screen, remove one likewise, every change audited; hostile files refused in words (real replica, real Qt)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.ledger import sm2
from app.office import Office
from app.pki import der
from app.pki.root_candidate import MAX_ROOT_FILE, RootRefused, examine_root, fingerprint_text
from app.pki.sm2_x509 import Sm2Certificate, issue_certificate, make_root, name
from app.store.errors import PermissionDenied, TrustRootRefused
from app.store.replica import create_office
from tests.store_support import FAST_KDF
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.trust_roots_screen import TrustRootsScreen

__all__ = ["dangling_threads", "dangling_timers"]
NOW = datetime.now(UTC)


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    background = BackgroundWork()
    yield background
    background.shutdown()


@pytest.fixture
def office(tmp_path: Path, work: BackgroundWork) -> Iterator[Office]:
    """An unlocked office (its administrator logged in), the replica on the database thread as in the app."""
    with create_office(tmp_path / "office", "Xicheng Service Hall", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "clerk-pw")
    office = Office(tmp_path / "office")
    work.db_now(lambda: office.session.unlock("admin", "admin-pw"))
    yield office
    work.db_now(office.session.lock)


@pytest.fixture
def screen(qtbot, office: Office, work: BackgroundWork) -> Iterator[TrustRootsScreen]:
    translations = Translations()
    translations.install("zh_CN")
    widget = TrustRootsScreen(office.trust_roots, work, "zh_CN")
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load()
    yield widget
    translations.uninstall()


def _root(common_name: str = "北京市政务根CA", *, now: datetime = NOW, days: int = 3650) -> Sm2Certificate:
    return make_root(sm2.SM2_SM3.signer(sm2.generate_private()), common_name, now=now, days=days)


def _audit(office: Office, work: BackgroundWork) -> list[tuple[str, dict]]:
    records = work.db_now(lambda: office.replica.audit.records())
    return [(r.action, r.detail) for r in records if r.action.startswith("trust_root")]


def _confirmation(qtbot, screen: TrustRootsScreen):
    qtbot.waitUntil(lambda: screen.confirmation is not None and screen.confirmation.isVisible(), timeout=10_000)
    return screen.confirmation


def test_an_admin_adds_a_root_only_after_confirming_its_fingerprints(
    qtbot, screen: TrustRootsScreen, office: Office, work: BackgroundWork, tmp_path: Path
) -> None:
    root = _root()
    pem = tmp_path / "root.pem"
    pem.write_text(root.pem())
    screen.examine_file(str(pem))
    box = _confirmation(qtbot, screen)
    assert box.fields["name"].text() == "北京市政务根CA"
    assert box.fields["sm3"].text().replace("\n", ":") == fingerprint_text(sm2.sm3(root.der))
    # the SHA-256 fingerprint is the one `openssl x509 -fingerprint -sha256` prints for the same file
    openssl = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-fingerprint", "-sha256"],
                             capture_output=True, text=True, check=True, timeout=30).stdout  # fmt: skip
    assert box.fields["sha256"].text().replace("\n", ":") == openssl.strip().split("=", 1)[1]
    assert "年" in box.fields["not_after"].text()  # Beijing time, in Chinese
    assert not box.ok_button.isEnabled()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Return is Cancel until the fingerprint is confirmed
    qtbot.waitUntil(lambda: screen.confirmation is None, timeout=5000)
    assert screen.message.text() == "未添加。"
    assert work.db_now(lambda: office.trust_roots.roots("department")) == []
    screen.examine_file(str(pem))
    box = _confirmation(qtbot, screen)
    box.label_edit.setText("市政务服务管理局 2026-12-05 当面交付")
    box.checked.setChecked(True)
    assert box.ok_button.isEnabled()
    with qtbot.waitSignal(screen.changed, timeout=10_000):
        qtbot.mouseClick(box.ok_button, Qt.MouseButton.LeftButton)
    assert screen.table.rowCount() == 1 and screen.table.item(0, 0).text() == "北京市政务根CA"
    assert screen.table.item(0, 1).text() == fingerprint_text(root.fingerprint)
    assert screen.table.item(0, 3).text() == "admin" and "当面交付" in screen.table.item(0, 4).text()
    assert "已信任" in screen.message.text()
    [(action, detail)] = _audit(office, work)
    assert action == "trust_root.add" and detail["list"] == "department"
    assert detail["fingerprint"] == root.fingerprint.hex() and detail["sha256"] == root.sha256_fingerprint.hex()
    # the same root twice is refused in words before anyone is asked to confirm
    screen.examine_file(str(pem))
    qtbot.waitUntil(lambda: "已在列表中" in screen.message.text(), timeout=10_000)
    assert screen.confirmation is None


def test_an_admin_removes_a_root_after_confirming_and_the_seal_list_is_apart(
    qtbot, screen: TrustRootsScreen, office: Office, work: BackgroundWork, tmp_path: Path
) -> None:
    root = _root("Beijing seal root")
    der_file = tmp_path / "seal-root.cer"
    der_file.write_bytes(root.der)  # DER, as issuers hand them out too
    screen.list_combo.setCurrentIndex(screen.list_combo.findData("seal"))
    qtbot.waitUntil(lambda: screen.trust_list() == "seal", timeout=5000)
    screen.examine_file(str(der_file))
    box = _confirmation(qtbot, screen)
    box.checked.setChecked(True)
    with qtbot.waitSignal(screen.changed, timeout=10_000):
        box.accept()
    assert [r.fingerprint for r in work.db_now(lambda: office.trust_roots.roots("seal"))] == [root.fingerprint]
    assert work.db_now(lambda: office.trust_roots.roots("department")) == []
    screen.table.selectRow(0)
    assert screen.remove_button.isEnabled()
    screen.remove_selected()
    box = _confirmation(qtbot, screen)
    assert box.fields["sm3"].text().replace("\n", ":") == fingerprint_text(root.fingerprint)
    assert "admin" in box.fields["added"].text()
    box.reject()
    qtbot.waitUntil(lambda: screen.message.text() == "未移除。", timeout=5000)
    assert screen.table.rowCount() == 1
    screen.table.selectRow(0)
    screen.remove_selected()
    box = _confirmation(qtbot, screen)
    box.accept()  # not ticked: nothing happens
    assert box.isVisible()
    box.checked.setChecked(True)
    with qtbot.waitSignal(screen.changed, timeout=10_000):
        box.accept()
    assert screen.table.rowCount() == 0 and "不再信任" in screen.message.text()
    actions = _audit(office, work)
    assert [a for a, _ in actions] == ["trust_root.add", "trust_root.remove"]
    assert actions[1][1]["subject"] == root.subject.rfc4514_string() and actions[1][1]["list"] == "seal"


def _deep_der(depth: int) -> bytes:
    body = b""
    for _ in range(depth):
        body = der.sequence(body)
    return body


def _hostile_files() -> dict[str, tuple[bytes, str]]:
    """Name -> (file content, the words the screen must say)."""
    ca = sm2.SM2_SM3.signer(sm2.generate_private())
    root = make_root(ca, "root", now=NOW)
    leaf_key = sm2.SM2_SM3.signer(sm2.generate_private()).public_key
    days = {"not_before": NOW - timedelta(days=1), "not_after": NOW + timedelta(days=9)}
    leaf_name = name("self-issued leaf")
    not_ca = issue_certificate(ca, leaf_name, leaf_name, ca.public_key, serial=3, ca=False, **days)
    intermediate = issue_certificate(ca, root.subject, name("intermediate"), leaf_key, serial=4, ca=True, **days)
    expired = make_root(ca, "old root", now=NOW - timedelta(days=800), days=365)
    tampered = root.der.replace(b"root", b"Root")  # subject and issuer alike: still self-issued, no longer signed
    return {
        "empty": (b"", "不是恰好一个"),
        "garbage": (b"\x00\x01garbage\xff" * 50, "不是恰好一个"),
        "huge": (b"0" * (MAX_ROOT_FILE + 10), "过大"),
        "deep": (_deep_der(3500), "不是恰好一个"),  # thousands of nested SEQUENCEs, under the size limits
        "deep certificate": (der.sequence(_deep_der(3500), der.sequence(), der.bit_string(b"x")), "不是恰好一个"),
        "truncated": (root.der[:-7], "不是恰好一个"),
        "two in one pem": ((root.pem() + root.pem()).encode(), "不是恰好一个"),
        "bad pem": (b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", "不是恰好一个"),
        "not a ca": (not_ca.der, "不是证书认证机构"),
        "intermediate": (intermediate.der, "由其他机构签发"),
        "expired": (expired.der, "已过期"),
        "tampered": (tampered, "不能通过验证"),
    }


HOSTILE = _hostile_files()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_files_are_refused_in_words_and_nothing_changes(
    qtbot, screen: TrustRootsScreen, office: Office, work: BackgroundWork, tmp_path: Path, kind: str
) -> None:
    content, words = HOSTILE[kind]
    path = tmp_path / "offered.pem"
    path.write_bytes(content)
    screen.examine_file(str(path))
    qtbot.waitUntil(lambda: words in screen.message.text(), timeout=10_000)
    assert screen.message.text().startswith("未作更改")
    assert screen.confirmation is None
    assert work.db_now(lambda: office.trust_roots.roots("department")) == []
    assert _audit(office, work) == []


def test_a_missing_file_or_a_directory_is_refused_in_words(qtbot, screen: TrustRootsScreen, tmp_path: Path) -> None:
    for path in (tmp_path / "missing.pem", tmp_path):
        screen.message.clear()
        screen.examine_file(str(path))
        qtbot.waitUntil(lambda: "无法读取" in screen.message.text(), timeout=10_000)


def test_the_checks_are_apps_and_a_clerk_may_not_change_roots(
    office: Office, work: BackgroundWork, tmp_path: Path
) -> None:
    root = _root()
    assert examine_root(root.der, NOW).sm3_fingerprint == root.fingerprint
    with pytest.raises(RootRefused) as refused:
        examine_root(root.der, NOW + timedelta(days=3651))
    assert refused.value.code == "root_expired"
    (tmp_path / "root.pem").write_text(root.pem())
    work.db_now(office.session.lock)
    work.db_now(lambda: office.session.unlock("clerk", "clerk-pw"))
    with pytest.raises(PermissionDenied):
        work.db_now(lambda: office.trust_roots.examine("department", tmp_path / "root.pem"))
    candidate = examine_root(root.der, NOW)
    with pytest.raises(PermissionDenied):
        work.db_now(lambda: office.trust_roots.add("department", candidate))
    with pytest.raises(PermissionDenied):
        work.db_now(lambda: office.trust_roots.examine("department", tmp_path / "nope.pem"))
    work.db_now(office.session.lock)
    work.db_now(lambda: office.session.unlock("admin", "admin-pw"))
    with pytest.raises(TrustRootRefused) as unreadable:
        work.db_now(lambda: office.trust_roots.examine("department", tmp_path / "nope.pem"))
    assert unreadable.value.code == "root_unreadable"
