"""Open an OFD file (button or drag and drop), show its verdict card, attach it to the open case."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.atomic_file import write_atomic
from app.ofd.arrival import ArrivalWatch, look_at
from app.ofd.container import MAX_FILE
from app.ofd.counter import AnchorFact
from app.ofd.verdict import DocumentVerdict
from app.office import OfdService
from ui.background import BackgroundWork
from ui.language_change import RetranslatedOnLanguageChange
from ui.ofd_verdict_card import OfdVerdictCard
from ui.refusal_text import describe

ARRIVAL_POLL_MS = 100
# Qt's own file dialogs, not the desktop's: they speak the screen's language (qtbase's catalogue, ui/i18n.py).
QT_DIALOG = QFileDialog.Option.DontUseNativeDialog


def monotonic_ms() -> int:
    """A clock for the arrival watch that never goes back."""
    return time.monotonic_ns() // 1_000_000


class OfdPanel(RetranslatedOnLanguageChange, QWidget):
    """The e-licence (OFD) panel of the counter screen. The counter verifies; it never seals."""

    verdict_shown = Signal(object)  # DocumentVerdict
    attached = Signal(str, bytes)  # case id, SM3 digest
    handed_out = Signal(str)  # the path a copy was written to

    def __init__(self, ofd: OfdService, work: BackgroundWork, language: str, parent: QWidget | None = None) -> None:
        """Lay out the open button, the card and the attach button."""
        super().__init__(parent)
        self._ofd = ofd
        self._work = work
        self.case_id: str | None = None
        self.data: bytes | None = None
        self.file_name = ""
        self.verdict: DocumentVerdict | None = None
        self.setAcceptDrops(True)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.choose_file)
        self.attach_button = QPushButton()
        self.attach_button.clicked.connect(self.attach)
        self.watch_button = QPushButton()
        self.watch_button.clicked.connect(self.choose_folder)
        # Handing out (统一窗口出件): the case's sealed result, saved to the citizen's USB stick or printed.
        self.result_button = QPushButton()
        self.result_button.clicked.connect(self.show_case_result)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.choose_save_path)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.choose_print_path)
        # A watched folder (a USB stick's mount point): a new .ofd file appearing there is opened at once.
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self.watched: Path | None = None
        self.seen: set[str] = set()
        # A file still being copied is opened only once whole (size and mtime steady, ZIP directory readable).
        self.arrivals = ArrivalWatch()
        self.stalled_shown: Path | None = None  # the stalled copy the status line last spoke of
        self.arrival_timer = QTimer(self)
        self.arrival_timer.setInterval(ARRIVAL_POLL_MS)
        self.arrival_timer.timeout.connect(self._poll_arrivals)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.card = OfdVerdictCard(language)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.watch_button)
        buttons.addStretch(1)
        hand_out = QHBoxLayout()
        hand_out.addWidget(self.result_button)
        hand_out.addWidget(self.save_button)
        hand_out.addWidget(self.print_button)
        hand_out.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addLayout(hand_out)
        layout.addWidget(self.card)
        layout.addWidget(self.status)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        """Set every text in the current language."""
        self.open_button.setText(self.tr("Open e-licence (OFD)…"))
        self.attach_button.setText(self.tr("Attach to case"))
        self.watch_button.setText(self.tr("Watch a folder (USB)…"))
        self.result_button.setText(self.tr("Result of the case"))
        self.save_button.setText(self.tr("Save a copy (USB)…"))
        self.print_button.setText(self.tr("Printable copy (PDF)…"))

    def set_language(self, language: str) -> None:
        """Switch the language of the domain's reason texts."""
        self.card.set_language(language)

    def set_case(self, case_id: str | None) -> None:
        """The case a document would be attached to (None: no case open); say so when its sealed result is here."""
        self.case_id = case_id
        self._update_buttons()
        if case_id is None:
            return

        def arrived(found: tuple[str, bytes] | None) -> None:
            if found is not None and self.case_id == case_id:  # still the open case
                self.status.setText(
                    self.tr("The sealed result of case %1 is here, ready to hand out: press “Result of the case”.")
                    .replace("%1", case_id)
                )  # fmt: skip

        # only a hint: a failed lookup says nothing here ("Result of the case" reports its own errors)
        self._work.db(lambda: self._ofd.issued_result(case_id), arrived, lambda _error: None, owner=self)

    def _update_buttons(self) -> None:
        self.attach_button.setEnabled(self.case_id is not None and self.data is not None)
        self.result_button.setEnabled(self.case_id is not None)
        handable = self.data is not None and self.verdict is not None and self.verdict.valid
        self.save_button.setEnabled(handable)
        self.print_button.setEnabled(handable)

    def show_case_result(self) -> None:
        """Open the sealed result the lead department issued for the open case, if it is here."""
        case_id = self.case_id
        if case_id is None:
            return

        def work() -> tuple[str, bytes, DocumentVerdict, AnchorFact | None] | None:
            found = self._ofd.issued_result(case_id)
            if found is None:
                return None
            name, data = found
            return name, data, self._ofd.verify(data), self._ofd.anchor(data)

        def done(result: tuple[str, bytes, DocumentVerdict, AnchorFact | None] | None) -> None:
            if result is None:
                self.status.setText(self.tr("No sealed result has been issued for case %1 yet.").replace("%1", case_id))
                return
            name, data, verdict, anchor = result
            self.status.clear()
            self._show(data, name, verdict, anchor)

        self._work.db(work, done, self._failed, owner=self)

    def choose_save_path(self) -> None:
        """Ask where to save the shown document (the citizen's USB stick) and write it there."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the e-licence"), self.file_name,
                                              self.tr("OFD documents (*.ofd)"), options=QT_DIALOG)  # fmt: skip
        if path:
            self.save_copy(Path(path))

    def save_copy(self, path: Path) -> None:
        """Write the shown valid document, byte for byte, to `path`."""
        data = self.data
        if data is None or self.verdict is None or not self.verdict.valid:
            return
        self._work.db(lambda: write_atomic(path, data), lambda _r: self._saved(path), self._failed, owner=self)

    def choose_print_path(self) -> None:
        """Ask where to write the printable copy (PDF with the QR code) of the shown document."""
        stem = Path(self.file_name).stem or "e-licence"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Printable copy"), f"{stem}.pdf",
                                              self.tr("PDF documents (*.pdf)"), options=QT_DIALOG)  # fmt: skip
        if path:
            self.print_copy(Path(path))

    def print_copy(self, path: Path) -> None:
        """Write the printable copy of the shown valid document (fields, seal picture, QR code) as a PDF."""
        data, verdict = self.data, self.verdict
        if data is None or verdict is None or not verdict.valid:
            return
        self._work.db(lambda: write_atomic(path, self._ofd.printed_copy(data, verdict)),
                      lambda _r: self._saved(path), self._failed, owner=self)  # fmt: skip

    def _saved(self, path: Path) -> None:
        self.status.setText(self.tr("Written to %1.").replace("%1", str(path)))
        self.handed_out.emit(str(path))

    def choose_file(self) -> None:
        """Ask for an .ofd file and verify it."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open e-licence"), "", self.tr("OFD documents (*.ofd)"), options=QT_DIALOG
        )
        if path:
            self.open_path(Path(path))

    def choose_folder(self) -> None:
        """Ask for a folder (a USB stick) to watch for .ofd files."""
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Watch a folder for e-licences"), "", QT_DIALOG | QFileDialog.Option.ShowDirsOnly
        )
        if path:
            self.watch_folder(Path(path))

    def watch_folder(self, folder: Path) -> None:
        """Open every .ofd file that appears in `folder` from now on (files already there are left alone)."""
        if self.watched is not None:
            self.watcher.removePath(str(self.watched))
        self.watched = folder
        self.arrivals = ArrivalWatch()
        self.stalled_shown = None
        self.arrival_timer.stop()
        self.seen = {p.name for p in folder.glob("*.ofd")}
        self.watcher.addPath(str(folder))
        self.status.setText(self.tr("Watching %1 for new e-licences.").replace("%1", str(folder)))

    def _folder_changed(self, path: str) -> None:
        folder = Path(path)
        fresh = sorted(p for p in folder.glob("*.ofd") if p.name not in self.seen and p.is_file())
        self.seen.update(p.name for p in fresh)
        if fresh:
            self.arrivals.arrived(fresh, monotonic_ms())
            self.status.setText(self.tr("Waiting for %1 to finish copying…").replace("%1", fresh[-1].name))
            self.arrival_timer.start()

    def _poll_arrivals(self) -> None:
        now = monotonic_ms()
        ready = self.arrivals.poll(now)
        if not self.arrivals.waiting:
            self.arrival_timer.stop()
        if ready:
            self._open_arrival(ready[-1])
            return
        stalled = self.arrivals.stalled(now)
        if stalled and self.stalled_shown != stalled[-1]:
            self.stalled_shown = stalled[-1]
            size = look_at(stalled[-1])
            self.status.setText(
                self.tr("%1 is not complete yet (%2 KB). Waiting for the copy to finish; if it has finished, the file "
                        "is damaged: open it by hand to see why.")
                .replace("%1", stalled[-1].name).replace("%2", str((size.size if size else 0) // 1024))
            )  # fmt: skip

    def _open_arrival(self, path: Path) -> None:
        """Open a file the watch found whole; if it changed while being read (the copy went on), watch it again."""
        before = look_at(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE + 1)
        except OSError:
            data = None
        after = look_at(path)
        whole = after is not None and data is not None and len(data) == min(after.size, MAX_FILE + 1)
        if data is None or not whole or before != after:
            self.arrivals.arrived([path], monotonic_ms())
            self.arrival_timer.start()
            return
        self.stalled_shown = None
        self.open_bytes(data, path.name)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        """Accept a dragged local .ofd file."""
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile() and urls[0].toLocalFile().lower().endswith(".ofd"):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        """Verify the dropped file."""
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.open_path(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    def open_path(self, path: Path) -> None:
        """Read a file (bounded) and verify it on the database thread."""
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE + 1)
        except OSError:
            self.status.setText(self.tr("The file cannot be read."))
            return
        self.open_bytes(data, path.name)

    def open_bytes(self, data: bytes, name: str) -> None:
        """Verify a file's bytes (read bounded, at most one byte over the limit) on the database thread."""
        if len(data) > MAX_FILE:
            self.status.setText(self.tr("The file is too large for an e-licence."))
            return
        self.status.clear()

        def work() -> tuple[DocumentVerdict, AnchorFact | None]:
            return self._ofd.verify(data), self._ofd.anchor(data)

        self._work.db(work, lambda result: self._show(data, name, *result), self._failed, owner=self)

    def _show(self, data: bytes, name: str, verdict: DocumentVerdict, anchor: AnchorFact | None) -> None:
        self.data, self.file_name, self.verdict = data, name, verdict
        self.card.show_verdict(verdict, name, anchor)
        self._update_buttons()
        self.verdict_shown.emit(verdict)

    def _failed(self, error: Exception) -> None:
        self.status.setText(self.tr("Verification failed: %1").replace("%1", describe(error, self.card.language)))

    def _attach_failed(self, error: Exception) -> None:
        """Say in the clerk's words why the file was not attached (another person's licence, an unknown case, …)."""
        self.status.setText(describe(error, self.card.language))

    def attach(self) -> None:
        """Attach the shown file to the case (stored encrypted, its SM3 digest on the case)."""
        case_id, data, verdict, name = self.case_id, self.data, self.verdict, self.file_name
        if case_id is None or data is None or verdict is None:
            return
        self._work.db(
            lambda: self._ofd.attach(case_id, name, data, verdict),
            lambda digest: self._attached(case_id, digest),
            self._attach_failed,
            owner=self,
        )

    def _attached(self, case_id: str, digest: bytes) -> None:
        self.status.setText(
            self.tr("Attached to case %1 (SM3 %2…).").replace("%1", case_id).replace("%2", digest.hex()[:16])
        )
        self.attached.emit(case_id, digest)
