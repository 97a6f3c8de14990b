"""The counter workspace: cases on the left, the camera and the verdict in the middle, the case form on the right."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.certs import Verdict
from app.office import CaseFile, CaseService, CertService, ClerkTask, OfdService, ScannerService, ServiceDirectory
from app.scan import ScanError, Scanner, ScanResult, SourceStatus
from ui.background import BackgroundWork
from ui.case_form import CaseForm
from ui.case_panel import CasePanel
from ui.language_change import RetranslatedOnLanguageChange
from ui.notice_panel import NoticePanel
from ui.ofd_panel import OfdPanel
from ui.refusal_text import describe
from ui.scan_preview import ScanPreview, ScanSignals
from ui.verdict_card import VerdictCard


class CounterScreen(RetranslatedOnLanguageChange, QWidget):
    """One clerk's working surface. It receives only the services it uses."""

    verdict_shown = Signal(object, float)  # Verdict, seconds from the code's capture to the card showing it
    case_changed = Signal(object)  # CaseFile: a case was accepted or moved a step

    def __init__(
        self,
        certs: CertService,
        cases: CaseService,
        services: ServiceDirectory,
        scanners: ScannerService,
        work: BackgroundWork,
        language: str,
        parent: QWidget | None = None,
        ofd: OfdService | None = None,
    ) -> None:
        """Lay out the three columns."""
        super().__init__(parent)
        self._certs = certs
        self._scanners = scanners
        self._work = work
        self.scanner: Scanner | None = None
        # One adapter for the screen's life: a closed scanner may still hold references to its signals.
        self.scan_signals = ScanSignals(self)
        self._cases = cases
        self.case_panel = CasePanel(cases, work)
        self.preview = ScanPreview()
        self.preview.setObjectName("cameraPanel")
        self.preview.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verdict_card = VerdictCard(language)
        self.case_form = CaseForm(cases, services, work)
        self.case_form.set_language(language)
        self.case_panel.language = language
        self.camera_box = QGroupBox()
        camera_layout = QVBoxLayout(self.camera_box)
        camera_layout.addWidget(self.preview, 3)
        self.camera_hint = QLabel()
        self.camera_hint.setProperty("role", "hint")
        self.camera_hint.setWordWrap(True)
        camera_layout.addWidget(self.camera_hint)
        # The demo's sample certificates (a folder source): picked, then scanned once when the clerk asks (F4).
        self.sample_row = QWidget()
        sample_layout = QHBoxLayout(self.sample_row)
        sample_layout.setContentsMargins(0, 0, 0, 0)
        self.sample_label = QLabel()
        self.sample_picker = QComboBox()
        self.sample_picker.setObjectName("samplePicker")
        self.sample_label.setBuddy(self.sample_picker)
        self.scan_button = QPushButton()
        self.scan_button.setObjectName("scanAgain")
        sample_layout.addWidget(self.sample_label)
        sample_layout.addWidget(self.sample_picker, 1)
        sample_layout.addWidget(self.scan_button)
        camera_layout.addWidget(self.sample_row)
        self.scan_button.clicked.connect(self.scan_again)
        # The picker's items in order. Kept here, not as the items' data: the first Path converted to a QVariant made
        # Shiboken load Qt's binding types and enums, part of a 40-60 ms stall in the login switch (issue #16).
        self.samples: list[Path] = []
        self.last_code: str | None = None
        camera_layout.addWidget(self.verdict_card, 2)
        self.case_box = QGroupBox()
        case_layout = QVBoxLayout(self.case_box)
        case_layout.addWidget(self.case_form)
        # Materials received, 受理回执 and 一次性告知单 for the service and case in the form.
        self.notice_panel = NoticePanel(services, language)
        case_layout.addWidget(self.notice_panel)
        self.case_form.refreshed.connect(self._follow_form)
        # E-licences (OFD) open from a file or a drop; without the service (older callers) the panel is absent.
        self.ofd_panel = OfdPanel(ofd, work, language) if ofd is not None else None
        if self.ofd_panel is not None:
            case_layout.addWidget(self.ofd_panel)
        self.preview.connect_signals(self.scan_signals)
        self.scan_signals.code_read.connect(self.verify_code)
        splitter = QSplitter()
        splitter.addWidget(self.case_panel)
        splitter.addWidget(self.camera_box)
        splitter.addWidget(self.case_box)
        splitter.setSizes([300, 470, 520])
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self.case_panel.case_chosen.connect(self._case_chosen)
        self.case_form.case_changed.connect(lambda _case: self.case_panel.reload())
        self.case_form.case_changed.connect(self.case_changed)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.camera_box.setTitle(self.tr("Camera and verdict (F3)"))
        self.case_box.setTitle(self.tr("Case"))
        self.camera_hint.setText(
            self.tr("Codes are read as soon as they are in view; the outline takes the verdict's colour.")
        )
        self.sample_label.setText(self.tr("Sa&mple:"))
        for index, path in enumerate(self.samples):
            self.sample_picker.setItemText(index, self.sample_name(path.stem))
        self.scan_button.setText(self.tr("Scan (F4)") if self.samples else self.tr("Scan again (F4)"))

    def start_camera(self, source: str | None = None) -> None:
        """Start scanning from `source` (default: the configured camera); a failure shows on the preview."""
        self.stop_camera()
        samples = self._scanners.sample_images(source)
        self.sample_picker.clear()
        self.samples = list(samples)
        self.sample_picker.addItems([self.sample_name(path.stem) for path in self.samples])
        self.retranslate()
        if samples:
            self.preview.show_status(SourceStatus("idle", self.tr("Demo samples: pick one and press F4 to scan it.")))
            return
        try:
            scanner = self._scanners.open(source)
        except ScanError as exc:
            self.preview.show_status(SourceStatus("unavailable", str(exc)))
            return
        self.scan_signals.attach(scanner)
        self.scanner = scanner
        scanner.start()

    def stop_camera(self) -> None:
        """Stop the scanner's threads (bounded wait) and disconnect its signals."""
        scanner, self.scanner = self.scanner, None
        if scanner is not None:
            scanner.close()

    def verify_code(self, result: ScanResult) -> None:
        """Verify a code read by the camera, off the GUI thread, and show the verdict."""
        if self._work.closed:  # a code read while the app was shutting down
            return
        text = result.text
        self.last_code = text
        captured = result.timestamp
        self._work.db(
            lambda: self._certs.verify(text),
            lambda verdict: self.show_verdict(verdict, captured, text),
            lambda error: self.verdict_card.show_error(describe(error, self.verdict_card.language)),
            owner=self,
        )

    def sample_name(self, stem: str) -> str:
        """A demo sample's name in the clerk's language (an unknown file keeps its own name)."""
        names = {
            "valid-eid": self.tr("张伟 · e-ID (valid)"),
            "valid-hukou": self.tr("张伟 · household register (valid)"),
            "expired-eid": self.tr("李秀英 · e-ID (expired)"),
            "revoked-eid": self.tr("王强 · e-ID (revoked)"),
        }
        return names.get(stem, stem)

    def scan_again(self) -> None:
        """F4: scan the picked demo sample once, or verify the camera's last code again (a code is read once)."""
        if self._work.closed:
            return
        index = self.sample_picker.currentIndex()
        path = self.samples[index] if 0 <= index < len(self.samples) else None
        if path is not None:
            self.preview.show_image(QImage(str(path)))
            self._work.db(
                lambda: self._scanners.read_sample(path),
                lambda text: self.verify_code(ScanResult("QRCODE", text.encode("utf-8"), (), time.time())),
                lambda error: self.verdict_card.show_error(describe(error, self.verdict_card.language)),
                owner=self,
            )
        elif self.last_code is not None:
            self.verify_code(ScanResult("QRCODE", self.last_code.encode("utf-8"), (), time.time()))

    def show_verdict(self, verdict: Verdict, captured_wall_time: float | None = None, text: str = "") -> None:
        """Show a verdict on the card and list it among the case's documents (`text`: the code, for the case)."""
        self.verdict_card.show_verdict(verdict)
        self.preview.show_verdict_colour(self.verdict_card.colour)  # a forged code's outline turns red
        self.case_form.add_document(verdict, text)
        self.case_panel.set_last_verdict(verdict)
        self.verdict_card.repaint()
        latency = time.time() - captured_wall_time if captured_wall_time else 0.0
        self.verdict_shown.emit(verdict, latency)

    def new_citizen(self) -> None:
        """The next citizen steps up: the form, the verdict card and the last scan are cleared (Ctrl+N)."""
        self.case_form.clear()
        self.verdict_card.show_verdict(None)
        self.preview.show_verdict_colour(None)
        self.case_panel.set_last_verdict(None)

    def reload(self) -> None:
        """Load the service picker and the open cases afresh (a clerk has just logged in)."""
        self.case_form.picker.load()
        self.case_panel.reload()

    def focus(self, where: str) -> None:
        """Put the keyboard focus on the case search ("search"), the camera ("camera") or the open cases ("queue")."""
        {"search": self.case_panel.search_edit, "camera": self.preview, "queue": self.case_panel.queue_list}[
            where
        ].setFocus()

    def open_case(self) -> None:
        """Open (accept) the case in the form (Ctrl+S)."""
        self.case_form.open_case()

    def advance_case(self) -> None:
        """Move the form's case to its next step (Ctrl+Return)."""
        self.case_form.advance()

    def add_task(self, task: ClerkTask) -> None:
        """List a task sync returned (a node's refusal, a case conflict) with the cases."""
        self.case_panel.add_task(task)

    def forget_session(self) -> None:
        """The clerk logged out: clear the form, the verdict and the case lists."""
        self.new_citizen()
        self.case_panel.queue_list.clear()
        self.case_panel.results_list.clear()

    def _follow_form(self) -> None:
        form = self.case_form
        self.notice_panel.show_for(form.service, None if form.case is None else form.case.case_id)

    def open_transferred_case(self, number: str, case_id: str) -> None:
        """Open the case a ticket transferred to this window brought along; if this counter's copy does not hold it
        yet, say so (it arrives with the next sync)."""
        cases = self._cases

        def missing(_error: Exception) -> None:
            self.case_form.show_message(
                self.tr("Ticket %1 came with case %2, which this counter does not hold yet: sync (F5), then find it "
                        "(Ctrl+F).").replace("%1", number).replace("%2", case_id),
                error=True,
            )  # fmt: skip

        self._work.db(lambda: cases.get(case_id), self._case_chosen, missing, owner=self)

    def _case_chosen(self, case: CaseFile) -> None:
        self.case_form.load(case)
        if self.ofd_panel is not None:
            self.ofd_panel.set_case(case.case_id)

    def set_language(self, language: str) -> None:
        """Switch the language of the domain's own texts (verdict reasons)."""
        self.verdict_card.set_language(language)
        if self.ofd_panel is not None:
            self.ofd_panel.set_language(language)
        self.case_form.set_language(language)
        self.notice_panel.set_language(language)
        self.case_panel.language = language
        self.case_panel.reload()
