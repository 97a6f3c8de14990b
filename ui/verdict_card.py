"""The verdict card: green, amber or red, with the status, the plain reason, the claims and the replica's age."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.beijing_time import ms_of_iso, shown_time
from app.certs import Status, Verdict
from ui.traffic_light_card import AMBER, GREEN, RED, TrafficLightCard, rows_table

# Amber: nothing is wrong with the certificate itself, but the counter cannot conclude now.
AMBER_STATUSES = frozenset({Status.CANNOT_VERIFY_OFFLINE, Status.NOT_YET_VALID})


def verdict_reason(verdict: Verdict, language: str) -> str:
    """The verdict's reason in `language`, every time in it shown on Beijing's clock (app/ gives ISO UTC)."""
    params = dict(verdict.params)
    if "detail" in params:  # a decoder's own (English) words: the clerk reads what it means
        params["detail"] = QCoreApplication.translate("VerdictCard", "its data is damaged or incomplete")
    for key, value in params.items():
        at_ms = ms_of_iso(value) if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" else None
        if at_ms is not None:
            params[key] = shown_time(at_ms, language)
    try:
        return replace(verdict, params=params).reason(language)
    except (KeyError, IndexError, ValueError):
        return verdict.reason(language)


def colour_of(verdict: Verdict) -> str:
    """Return the card colour for a verdict: green only for VALID."""
    if verdict.status is Status.VALID:
        return GREEN
    return AMBER if verdict.status in AMBER_STATUSES else RED


def status_text(status: Status) -> str:
    """Return the status headline in the current language."""
    return {
        Status.VALID: QCoreApplication.translate("VerdictCard", "Valid: accept the certificate"),
        Status.EXPIRED: QCoreApplication.translate("VerdictCard", "Expired: do not accept"),
        Status.NOT_YET_VALID: QCoreApplication.translate("VerdictCard", "Not yet valid"),
        Status.REVOKED: QCoreApplication.translate("VerdictCard", "Revoked: do not accept"),
        Status.UNKNOWN_ISSUER: QCoreApplication.translate("VerdictCard", "Unknown issuer: do not accept"),
        Status.BAD_SIGNATURE: QCoreApplication.translate("VerdictCard", "Forged or altered: do not accept"),
        Status.WRONG_KEY_USAGE: QCoreApplication.translate("VerdictCard", "Signed by the wrong key: do not accept"),
        Status.MALFORMED: QCoreApplication.translate("VerdictCard", "Not a readable certificate"),
        Status.CANNOT_VERIFY_OFFLINE: QCoreApplication.translate("VerdictCard", "Cannot verify offline: sync first"),
    }[status]


def field_label(key: str) -> str:
    """Return the label of a certificate display field in the current language."""
    labels = {
        "name": QCoreApplication.translate("VerdictCard", "Name"),
        "region": QCoreApplication.translate("VerdictCard", "Region"),
        "relation": QCoreApplication.translate("VerdictCard", "Relation to head"),
        "credit_code": QCoreApplication.translate("VerdictCard", "Credit code"),
        "scope": QCoreApplication.translate("VerdictCard", "Business scope"),
        "period": QCoreApplication.translate("VerdictCard", "Period"),
        "property_ref": QCoreApplication.translate("VerdictCard", "Property unit"),
        "share": QCoreApplication.translate("VerdictCard", "Share"),
        "spouse": QCoreApplication.translate("VerdictCard", "Spouse"),
        "registered_on": QCoreApplication.translate("VerdictCard", "Registered on"),
    }
    return labels.get(key, key)


class VerdictCard(TrafficLightCard):
    """Shows one verdict; empty until the first scan."""

    def __init__(self, language: str = "zh_CN", parent: QWidget | None = None) -> None:
        """Start with the hint to scan a code."""
        super().__init__("verdictCard", "verdictHeadline", 18, language, parent)
        self.verdict: Verdict | None = None
        self.claims = QLabel()
        self.claims.setObjectName("verdictClaims")
        self.claims.setTextFormat(Qt.TextFormat.RichText)
        self.claim_rows: list[tuple[str, str]] = []
        self.age = QLabel()
        self.age.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.reason)
        layout.addWidget(self.claims)
        layout.addWidget(self.age)
        layout.addStretch(1)
        self.setMinimumHeight(220)
        self.refresh()

    def show_verdict(self, verdict: Verdict | None) -> None:
        """Show a verdict (None: the empty card, waiting for the next citizen)."""
        self.verdict = verdict
        self.refresh()

    def show_error(self, message: str) -> None:
        """Show that verification itself failed (red: nothing may be concluded)."""
        self.verdict = None
        self.colour = RED
        self._paint(RED)
        self.headline.setText(self.tr("Verification failed"))
        self.reason.setText(message)
        self._clear_claims()
        self.age.clear()

    def _clear_claims(self) -> None:
        self.claim_rows = []
        self.claims.clear()

    def _add_claim(self, label: str, value: str) -> None:
        self.claim_rows.append((label, value))
        self.claims.setText(rows_table(self.claim_rows, 14))

    def duration(self, ms: int) -> str:
        """A duration in the reader's words: '3 天 4 小时', '25 分钟' / '3 d 4 h', '25 min'."""
        minutes = max(0, ms) // 60_000
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        if days:
            return self.tr("%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))
        if hours:
            return self.tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(mins))
        return self.tr("%1 min").replace("%1", str(mins))

    def refresh(self) -> None:
        """Redraw the card in the current language."""
        verdict = self.verdict
        self._clear_claims()
        if verdict is None:
            self.colour = None
            self._paint(None)
            self.headline.setText(self.tr("No certificate scanned yet"))
            self.reason.setText(self.tr("Hold the citizen's QR code up to the camera (F3 focuses the camera panel)."))
            self.age.clear()
            return
        self.colour = colour_of(verdict)
        self._paint(self.colour)
        if verdict.code == "log_untrusted":  # syncing will not help: the issuer's log forked
            self.headline.setText(self.tr("Cannot verify: the issuer's log is under a fork alarm"))
        else:
            self.headline.setText(status_text(verdict.status))
        self.reason.setText(verdict_reason(verdict, self.language))
        claims = verdict.claims
        type_name = claims.get("type_name", {}).get("zh_CN" if self.language == "zh_CN" else "en")
        if type_name:
            self._add_claim(self.tr("Certificate"), type_name)
        for key, value in claims.get("display", {}).items():
            self._add_claim(field_label(key), str(value))
        if claims.get("expires"):
            expires_ms = ms_of_iso(str(claims["expires"]))
            shown = shown_time(expires_ms, self.language) if expires_ms is not None else str(claims["expires"])
            self._add_claim(self.tr("Valid until"), shown)
        if claims.get("serial"):
            self._add_claim(self.tr("Serial"), str(claims["serial"]))
        if verdict.replica_age_ms is None:
            self.age.setText(self.tr("The replica holds no data from this issuer."))
        elif verdict.replica_age_ms < 60_000:
            self.age.setText(self.tr("Based on replica data synced just now."))
        else:
            self.age.setText(
                self.tr("Based on replica data synced %1 ago.").replace("%1", self.duration(verdict.replica_age_ms))
            )
