"""The counter's e-licence panel: open a sealed OFD, see the verdict card, attach it to a case (real replica, Qt)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from app.ofd import gm
from app.ofd.counter import AnchorFact
from app.ofd.delivery import keep_result
from app.ofd.issue import issue_document
from app.ofd.seal import make_seal
from app.office import Office
from app.protocol.departments import department
from app.store.replica import create_office
from tests.ofd_support import Pki, licence_spec, make_pki, seal_request, sealed_document, to_file
from tests.store_support import FAST_KDF
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.ofd_panel import OfdPanel, monotonic_ms
from ui.ofd_verdict_card import AMBER, GREEN, RED

__all__ = ["dangling_threads", "dangling_timers"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    background = BackgroundWork()
    yield background
    background.shutdown()


@pytest.fixture
def office(tmp_path: Path, work: BackgroundWork, pki: Pki) -> Iterator[Office]:
    """An unlocked office whose administrator trusts the PKI's root for seals; its replica lives on the
    database thread, as in the app."""
    with create_office(tmp_path / "office", "Chaoyang Service Hall", "admin", "admin-pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "clerk-pw")
        admin.trust_roots.add("seal", pki.root.cert, "Beijing seal root (test)")
    office = Office(tmp_path / "office")
    work.db_now(lambda: office.session.unlock("clerk", "clerk-pw"))
    yield office
    work.db_now(office.session.lock)


@pytest.fixture
def panel(qtbot, office: Office, work: BackgroundWork) -> OfdPanel:
    widget = OfdPanel(office.ofd, work, "zh_CN")
    qtbot.addWidget(widget)
    return widget


def open_and_wait(qtbot, panel: OfdPanel, path: Path) -> None:
    with qtbot.waitSignal(panel.verdict_shown, timeout=20_000):
        panel.open_path(path)


def test_a_trusted_licence_shows_green_with_holder_seal_and_attaches(
    qtbot, panel: OfdPanel, office: Office, work: BackgroundWork, pki: Pki, tmp_path: Path
) -> None:
    path = tmp_path / "营业执照.ofd"
    path.write_bytes(to_file(sealed_document(pki)))
    assert not panel.attach_button.isEnabled()
    open_and_wait(qtbot, panel, path)
    card = panel.card
    assert card.colour == GREEN
    assert dict(card.field_rows)["Holder"] == "北京示例科技有限公司"  # no translator installed: English labels
    assert any(v == "北京示例科技有限公司" for _k, v in card.field_rows)
    assert any(v == "北京市朝阳区市场监督管理局" for _k, v in card.field_rows)  # the seal's name
    assert not card.seal_picture.pixmap().isNull()
    panel.set_case("CASE-0001")
    assert panel.attach_button.isEnabled()
    with qtbot.waitSignal(panel.attached, timeout=20_000) as attached:
        panel.attach()
    case_id, digest = attached.args
    assert case_id == "CASE-0001" and digest == gm.sm3(path.read_bytes())
    stored = work.db_now(lambda: office.replica.case_documents.list("CASE-0001"))
    assert [(d.digest, d.verdict, d.name) for d in stored] == [(digest, "valid", "营业执照.ofd")]
    assert work.db_now(lambda: office.replica.case_documents.data("CASE-0001", digest)) == path.read_bytes()


def test_another_persons_licence_is_refused_in_the_clerks_words(
    qtbot, panel: OfdPanel, office: Office, work: BackgroundWork, pki: Pki, tmp_path: Path
) -> None:
    """A licence held by a person (a resident ID number as its holder code) who is not the case's citizen is not
    attached, and the panel says why in Chinese, with only the last four characters of the other person's number."""
    citizen = ("王秀英", "110101199003074514")
    case = work.db_now(lambda: office.replica.cases.open("housing.purchase-eligibility", *citizen))
    spec = licence_spec()
    spec = replace(spec, licence={**spec.licence, "holder": "李四", "holder_id": "11010519491231002X"})
    path = tmp_path / "不动产权证书.ofd"
    path.write_bytes(to_file(sealed_document(pki, spec=spec)))
    open_and_wait(qtbot, panel, path)
    panel.set_case(case.case_ref)
    translations = Translations()
    translations.install("zh_CN")
    try:
        panel.attach()
        qtbot.waitUntil(lambda: "002X" in panel.status.text(), timeout=10_000)
        said = "该电子证照是签发给他人的（身份证号码尾号 002X），不是本办件的申请人，未附入办件。"
        assert panel.status.text() == said
    finally:
        translations.uninstall()
    assert work.db_now(lambda: office.replica.case_documents.list(case.case_ref)) == []


def test_an_untrusted_issuer_is_amber_and_a_tampered_file_red(
    qtbot, panel: OfdPanel, office: Office, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    members = sealed_document(make_pki(tmp_path / "elsewhere"))  # a root this office never trusted
    path = tmp_path / "a.ofd"
    path.write_bytes(to_file(members))
    open_and_wait(qtbot, panel, path)
    assert panel.card.colour == AMBER
    page = "Doc_0/Pages/Page_0/Content.xml"
    path.write_bytes(to_file({**members, page: members[page].replace(b"20", b"21", 1)}))
    open_and_wait(qtbot, panel, path)
    assert panel.card.colour == RED
    assert "在签章后被修改" in panel.card.reason.text()


def test_a_dropped_file_is_verified(qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path) -> None:
    path = tmp_path / "dropped.ofd"
    path.write_bytes(b"not an ofd at all")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.waitSignal(panel.verdict_shown, timeout=20_000):
        panel.dropEvent(event)
    assert panel.card.colour == RED and not panel.card.verdict.readable


def test_a_file_appearing_in_a_watched_folder_is_verified(qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / "old.ofd").write_bytes(b"already there")
    panel.watch_folder(stick)
    with qtbot.waitSignal(panel.verdict_shown, timeout=20_000):
        (stick / "new.ofd").write_bytes(to_file(sealed_document(pki)))
    assert panel.file_name == "new.ofd" and panel.card.colour == GREEN


# A USB stick as another process: copies a file in small pieces, stalls half-way until a go file appears, then
# finishes; a pause between pieces is the device's own pace.
SLOW_COPIER = """
import os, sys, time
source, target, go = sys.argv[1:4]
data = open(source, "rb").read()
half = len(data) // 2
with open(target, "wb") as out:
    for at in range(0, len(data), 4096):
        if at >= half and not os.path.exists(go):
            print("stalled", flush=True)
            while not os.path.exists(go):
                time.sleep(0.02)
        out.write(data[at : at + 4096])
        out.flush()
        time.sleep(0.005)
"""


def test_a_slow_copy_by_another_process_is_opened_only_when_whole_never_as_damaged(
    qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path
) -> None:
    """A real issued licence copied slowly into the watched folder, stalling longer than the watch's patience: the
    panel says the file is incomplete, never verifies half of it, and opens it once the copy has finished."""
    signer = pki.signer.signer()
    issued = issue_document(
        licence_spec(pages=3, image_size=30_000), seal=make_seal(seal_request(pki), pki.maker.signer()),
        seal_signer=signer, department="market.example", ledger_signer=signer.ledger_signer,
    )  # fmt: skip
    source = tmp_path / "issued.ofd"
    source.write_bytes(issued.ofd)
    stick = tmp_path / "usb"
    stick.mkdir()
    panel.watch_folder(stick)
    panel.arrivals.give_up_ms = 400  # the stall below outlasts it
    shown: list = []
    panel.verdict_shown.connect(shown.append)
    target, go = stick / "营业执照.ofd", tmp_path / "go"
    copier = subprocess.Popen([sys.executable, "-c", SLOW_COPIER, str(source), str(target), str(go)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert copier.stdout is not None and copier.stdout.readline().strip() == "stalled"
        qtbot.waitUntil(lambda: target in panel.arrivals.stalled(monotonic_ms()), timeout=20_000)
        qtbot.waitUntil(lambda: "营业执照.ofd" in panel.status.text() and "KB" in panel.status.text(), timeout=5_000)
        assert shown == [] and panel.verdict is None  # half a file was never verified
        assert 0 < target.stat().st_size < len(issued.ofd)
        go.write_bytes(b"")
        qtbot.waitUntil(lambda: panel.verdict is not None, timeout=30_000)
    finally:
        go.write_bytes(b"")
        assert copier.wait(timeout=60) == 0
    assert [v.readable for v in shown] == [True]
    assert panel.data == issued.ofd and panel.card.colour == GREEN and panel.file_name == "营业执照.ofd"


def test_the_card_shows_the_issue_time_in_beijing_time(qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path) -> None:
    sealed = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)  # within the test PKI's validity
    beijing = (sealed.replace(tzinfo=None) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")  # UTC+8, no DST
    path = tmp_path / "licence.ofd"
    path.write_bytes(to_file(sealed_document(pki, signed_at=sealed)))
    open_and_wait(qtbot, panel, path)
    card = panel.card
    assert card.verdict.issued_at == sealed
    assert dict(card.field_rows)["Issued at"] == f"{beijing} (Beijing time)"
    card.show_verdict(card.verdict, "licence.ofd", AnchorFact("cn-bj-market", "0A1B", "licence", revoked=False))
    assert dict(card.field_rows)["Ledger"] == f"issued by cn-bj-market at {beijing}, serial 0A1B, still valid"
    card.show_verdict(card.verdict, "licence.ofd", AnchorFact("cn-bj-market", "0A1B", "licence", revoked=True))
    assert dict(card.field_rows)["Ledger"].endswith("serial 0A1B, revoked")


def test_the_card_says_who_anchored_the_file_and_when_from_the_replica(
    qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path
) -> None:
    """The ledger line names the anchoring department and the anchor's own time; a revocation says when."""
    anchored_ms = 1_780_000_000_000  # 2026-05-28 20:26 UTC: 2026-05-29 04:26 in Beijing
    path = tmp_path / "licence.ofd"
    path.write_bytes(to_file(sealed_document(pki)))
    open_and_wait(qtbot, panel, path)
    card = panel.card
    anchor = AnchorFact("taxation.ledger.beijing.gov.cn", "0A1B", "licence", False, None, anchored_ms, "北京市税务局",
                        "Beijing Municipal Tax Service")  # fmt: skip
    translations = Translations()
    translations.install("zh_CN")
    try:
        card.show_verdict(card.verdict, "licence.ofd", anchor)
        ledger = dict(card.field_rows)[card.tr("Ledger")]
        assert (
            card.tr("Ledger") == "账本记录"
            and ledger == "由 北京市税务局 于 2026年5月29日 04:26 签发，编号 0A1B，仍然有效"
        )
        revoked = replace(anchor, revoked=True, revoked_at_ms=anchored_ms + 86_400_000)
        card.show_verdict(card.verdict, "licence.ofd", revoked)
        assert dict(card.field_rows)["账本记录"].endswith("编号 0A1B，已于 2026年5月30日 04:26 撤销")
        assert card.colour == GREEN  # the document's own verdict colours the card; the ledger line says the rest
        translations.install("en")
        card.set_language("en")
        ledger = dict(card.field_rows)["Ledger"]
        assert ledger.startswith("issued by Beijing Municipal Tax Service at 2026-05-29 04:26 Beijing time")
        assert ledger.endswith("revoked at 2026-05-30 04:26 Beijing time")
        card.show_verdict(card.verdict, "licence.ofd", replace(anchor, issuer_zh="", issuer_en=""))
        assert dict(card.field_rows)["Ledger"].startswith("issued by taxation.ledger.beijing.gov.cn at")
    finally:
        translations.uninstall()


def test_an_unsealed_or_broken_document_has_no_issue_time(qtbot, panel: OfdPanel, tmp_path: Path) -> None:
    path = tmp_path / "junk.ofd"
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    open_and_wait(qtbot, panel, path)
    assert panel.card.verdict.issued_at is None and "Issued at" not in dict(panel.card.field_rows)


def test_the_case_result_is_handed_out_saved_and_printed(
    qtbot, panel: OfdPanel, office: Office, work: BackgroundWork, pki: Pki, tmp_path: Path
) -> None:
    """A result the lead department sealed and kept with the case is shown, saved to a stick and printed."""
    panel.set_case("CASE-0042")
    assert panel.result_button.isEnabled() and not panel.save_button.isEnabled()
    panel.show_case_result()
    qtbot.waitUntil(lambda: "CASE-0042" in panel.status.text(), timeout=20_000)  # nothing issued yet
    assert panel.verdict is None
    result = to_file(sealed_document(pki))

    def keep() -> None:  # what ResultSealer stores at a hall-hosted records office (tested in test_ofd_case_result)
        office.replica.case_documents.put("CASE-0042", gm.sm3(result), "CASE-0042-licence.ofd", "application/ofd",
                                          "issued", result, office.replica.session.now_ms())  # fmt: skip

    work.db_now(keep)
    with qtbot.waitSignal(panel.verdict_shown, timeout=20_000):
        panel.show_case_result()
    assert panel.file_name == "CASE-0042-licence.ofd" and panel.card.colour == GREEN
    assert panel.save_button.isEnabled() and panel.print_button.isEnabled()
    stick = tmp_path / "usb"
    stick.mkdir()
    with qtbot.waitSignal(panel.handed_out, timeout=20_000):
        panel.save_copy(stick / "licence.ofd")
    assert (stick / "licence.ofd").read_bytes() == result
    with qtbot.waitSignal(panel.handed_out, timeout=30_000):
        panel.print_copy(stick / "licence.pdf")
    pdf = (stick / "licence.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2_000


def test_an_altered_document_cannot_be_handed_out(qtbot, panel: OfdPanel, pki: Pki, tmp_path: Path) -> None:
    members = sealed_document(pki)
    page = "Doc_0/Pages/Page_0/Content.xml"
    path = tmp_path / "altered.ofd"
    path.write_bytes(to_file({**members, page: members[page].replace(b"20", b"21", 1)}))
    open_and_wait(qtbot, panel, path)
    assert not panel.save_button.isEnabled() and not panel.print_button.isEnabled()
    panel.save_copy(tmp_path / "copy.ofd")
    panel.print_copy(tmp_path / "copy.pdf")
    assert not (tmp_path / "copy.ofd").exists() and not (tmp_path / "copy.pdf").exists()


def test_a_result_delivered_by_the_department_is_ready_to_hand_out_with_its_issuer(
    qtbot, panel: OfdPanel, office: Office, work: BackgroundWork, pki: Pki
) -> None:
    """统一窗口出件 across offices: the result sync kept with the case (app.ofd.delivery) is announced when the case
    opens, and shown with the department's "issued by X at Y" line, ready to save or print."""
    spec = licence_spec()
    spec.licence["number"] = "CASE-0077"
    result = to_file(sealed_document(pki, spec=spec))
    bank = department("banking-insurance")
    anchored_ms = 1_780_000_000_000  # 2026-05-29 04:26 in Beijing

    def deliver() -> None:  # the anchor as sync pulls it from the department's log, then the delivered file
        office.replica.certs.put_anchor(gm.sm3(result), "0C0D", bank.origin, "ofd.licence", bank.origin, 7,
                                        anchored_ms)  # fmt: skip
        keep_result(office.replica, "CASE-0077", bank.origin, result)

    work.db_now(deliver)
    panel.set_case("CASE-0077")
    qtbot.waitUntil(lambda: "ready to hand out" in panel.status.text(), timeout=20_000)
    assert "CASE-0077" in panel.status.text()
    with qtbot.waitSignal(panel.verdict_shown, timeout=20_000):
        panel.show_case_result()
    assert panel.file_name == "CASE-0077-licence.ofd" and panel.card.colour == GREEN
    assert dict(panel.card.field_rows)["Ledger"].startswith(f"issued by {bank.name_zh} at 2026年5月29日 04:26")
    assert panel.save_button.isEnabled() and panel.print_button.isEnabled()


@pytest.mark.parametrize("choose", ["choose_file", "choose_folder", "choose_save_path", "choose_print_path"])
def test_every_file_dialog_of_the_panel_is_qts_own_in_the_apps_language(qtbot, panel: OfdPanel, choose: str) -> None:
    """Open, watch, save and print ask in Qt's dialog (the desktop's would follow the system's language): under
    zh_CN its buttons are Chinese. The dialog is answered by Esc, so nothing is opened or written."""
    translations = Translations()
    translations.install("zh_CN")
    seen: list[list[str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, answer)  # not up yet: look again
            return
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        [buttons] = dialog.findChildren(QDialogButtonBox)
        seen.append([b.text() for b in buttons.buttons()])
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    try:
        QTimer.singleShot(0, answer)
        getattr(panel, choose)()
    finally:
        translations.uninstall()
    [named] = seen
    assert named and all(re.search(r"[\u4e00-\u9fff]", text) for text in named), named
