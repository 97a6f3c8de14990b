"""The OFD verdict card: green (valid and trusted), amber (intact, issuer not trusted) or red, with the licence.

No first-page preview: no maintained Python library renders OFD faithfully (ofdrw is Java; the Python
renderers drop fonts and clipping), and a wrong preview at a counter is worse than none. The card shows
the licence's own fields and the seal picture, which are what the clerk compares with the citizen.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.beijing_time import shown_time
from app.ofd.counter import AnchorFact
from app.ofd.verdict import DocumentVerdict, SignatureVerdict, word
from app.ofd.verify import SEAL_KEY_REVOKED
from ui.traffic_light_card import AMBER, GREEN, RED, TrafficLightCard, rows_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEAL_PICTURE_PX = 96


def shanghai_text(moment: datetime) -> str:
    """A moment as Beijing wall-clock time (Asia/Shanghai), to the minute."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def colour_of(verdict: DocumentVerdict) -> str:
    """Green only for valid and trusted; amber for intact but not trusted; red otherwise."""
    if verdict.valid and verdict.trusted:
        return GREEN
    return AMBER if verdict.valid and verdict.reason == "issuer_untrusted" else RED


def licence_label(key: str) -> str:
    """The label of a licence field in the current language."""
    labels = {
        "name": QCoreApplication.translate("OfdVerdictCard", "Licence"),
        "number": QCoreApplication.translate("OfdVerdictCard", "Number"),
        "holder": QCoreApplication.translate("OfdVerdictCard", "Holder"),
        "holder_id": QCoreApplication.translate("OfdVerdictCard", "Holder code"),
        "issuer": QCoreApplication.translate("OfdVerdictCard", "Issued by"),
        "issued_on": QCoreApplication.translate("OfdVerdictCard", "Issued on"),
        "valid_from": QCoreApplication.translate("OfdVerdictCard", "Valid from"),
        "valid_until": QCoreApplication.translate("OfdVerdictCard", "Valid until"),
        "type_code": QCoreApplication.translate("OfdVerdictCard", "Licence type"),
    }
    return labels.get(key, key)


class OfdVerdictCard(TrafficLightCard):
    """Shows the verdict on one OFD document; empty until a file is opened."""

    def __init__(self, language: str = "zh_CN", parent: QWidget | None = None) -> None:
        """Start with the hint to open a file."""
        super().__init__("ofdVerdictCard", "ofdHeadline", 16, language, parent)
        self.verdict: DocumentVerdict | None = None
        self.anchor: AnchorFact | None = None
        self.file_name = ""
        self.fields = QLabel()
        self.fields.setTextFormat(Qt.TextFormat.RichText)
        self.fields.setWordWrap(True)
        self.field_rows: list[tuple[str, str]] = []
        self.seal_picture = QLabel()
        self.seal_picture.setFixedSize(SEAL_PICTURE_PX, SEAL_PICTURE_PX)
        self.seal_picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fields.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        self.fields.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        picture_column = QVBoxLayout()
        picture_column.addWidget(self.seal_picture)
        picture_column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.fields, 1)
        row.addLayout(picture_column)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.reason)
        layout.addLayout(row, 1)
        self.refresh()

    def show_verdict(self, verdict: DocumentVerdict, file_name: str = "", anchor: AnchorFact | None = None) -> None:
        """Show the verdict on a file (and where the ledger anchors it, if the replica knows)."""
        self.verdict, self.file_name, self.anchor = verdict, file_name, anchor
        self.refresh()

    def _add(self, label: str, value: str) -> None:
        self.field_rows.append((label, value))

    def _headline(self, verdict: DocumentVerdict) -> str:
        if not verdict.readable:
            return self.tr("Not a readable OFD document")
        if verdict.valid and verdict.trusted:
            return self.tr("Sealed and trusted: accept the document")
        if verdict.valid and verdict.reason in ("revoked", *SEAL_KEY_REVOKED):
            return self.tr("Revoked: do not accept")
        if verdict.valid:
            return self.tr("Intact, but the issuer is not trusted: do not accept as proof")
        return self.tr("Altered or not properly sealed: do not accept")

    def refresh(self) -> None:
        """Redraw the card in the current language."""
        verdict = self.verdict
        self.field_rows = []
        self.seal_picture.clear()
        if verdict is None:
            self.colour = None
            self._paint(None)
            self.headline.setText(self.tr("No OFD document opened"))
            self.reason.setText(self.tr("Open the citizen's .ofd file, or drop it here."))
            self.fields.clear()
            return
        self.colour = colour_of(verdict)
        self._paint(self.colour)
        self.headline.setText(self._headline(verdict))
        self.reason.setText(self._reason(verdict))
        if self.file_name:
            self._add(self.tr("File"), self.file_name)
        for key, value in verdict.licence.items():
            self._add(licence_label(key), value)
        issued_at = verdict.issued_at
        if issued_at is not None:  # the seal's own time: for an anchored file the department's anchor vouches for it
            self._add(self.tr("Issued at"), self.tr("%1 (Beijing time)").replace("%1", shanghai_text(issued_at)))
        if self.anchor is not None:
            self._add(self.tr("Ledger"), self._anchor_line(self.anchor, issued_at))
        for signature in verdict.signatures:
            self._signature_rows(signature)
        self.fields.setText(rows_table(self.field_rows, 12))
        seal = next((s.seal for s in verdict.signatures if s.seal is not None), None)
        if seal is not None:
            pixmap = QPixmap()
            if pixmap.loadFromData(seal.picture):
                self.seal_picture.setPixmap(
                    pixmap.scaled(
                        SEAL_PICTURE_PX, SEAL_PICTURE_PX, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )  # fmt: skip

    def _anchor_line(self, anchor: AnchorFact, issued_at: datetime | None) -> str:
        """The ledger line from the department's anchor in the replica: issued by X at Y, serial Z, still valid (or
        revoked at T)."""
        if anchor.revoked and anchor.revoked_at_ms is not None:
            state = self.tr("revoked at %1").replace("%1", shown_time(anchor.revoked_at_ms, self.language))
        else:
            state = self.tr("revoked") if anchor.revoked else self.tr("still valid")
        if anchor.anchored_ms is not None:  # the anchoring entry's own time on the department's log
            when = shown_time(anchor.anchored_ms, self.language)
        else:  # anchored before the replica kept anchor times: the seal's time, which the anchor covers
            when = shanghai_text(issued_at) if issued_at is not None else "?"
        issuer = (anchor.issuer_zh if self.language == "zh_CN" else anchor.issuer_en) or anchor.issuer
        return (self.tr("issued by %1 at %2, serial %3, %4").replace("%1", issuer).replace("%2", when)
                .replace("%3", anchor.serial).replace("%4", state))  # fmt: skip

    def _reason(self, verdict: DocumentVerdict) -> str:
        """The document's reason; when a signature failed, that signature's own sentence says more."""
        failed = next((s for s in verdict.signatures if not s.valid), None)
        if verdict.reason == "signature_failed" and failed is not None:
            return word(failed.reason, {"signer": failed.signer, **failed.params}, language=self.language)
        return word(verdict.reason, verdict.params, language=self.language)

    def _signature_rows(self, signature: SignatureVerdict) -> None:
        if signature.valid and signature.trusted and signature.seal_key_revoked_ms is not None:
            revoked_at = shown_time(signature.seal_key_revoked_ms, self.language)
            state = self.tr("valid, sealed before its seal key was revoked at %1").replace("%1", revoked_at)
        elif signature.valid and signature.trusted:
            state = self.tr("valid, trusted")
        elif signature.revoked:
            state = self.tr("valid, but revoked")
        elif signature.valid:
            state = self.tr("valid, issuer not trusted")
        else:
            state = word(signature.reason, {"signer": signature.signer, **signature.params}, language=self.language)
        self._add(self.tr("Signature %1").replace("%1", signature.id), state)
        if signature.seal is not None:
            self._add(self.tr("Seal"), signature.seal.name)
            if signature.seal.owner:
                self._add(self.tr("Seal owner"), signature.seal.owner)
        if signature.signer:
            self._add(self.tr("Signer"), signature.signer)
        if signature.signed_at is not None:
            self._add(self.tr("Sealed at"), shanghai_text(signature.signed_at))
