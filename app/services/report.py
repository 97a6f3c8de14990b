"""The citizen's access report: every access to their data this replica knows of, printable at the counter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.protocol.departments import UnknownDepartment, department
from app.services.commitments import CitizenSalts
from app.services.consent import ConsentDesk
from app.store import roles
from app.store.consents import exchanges_under
from app.store.replica import Replica


@dataclass(frozen=True)
class Access:
    """One data request: who asked, when, why, under which consent, and when it was answered."""

    request_id: str
    consent_id: str
    requester: str
    provider: str
    requested_by: str
    requested_ms: int
    scope: tuple[str, ...]
    purpose: str
    answered_ms: int | None


@dataclass(frozen=True)
class AccessReport:
    """The consents a citizen gave and every access made under them."""

    generated_ms: int
    consents: list[dict[str, Any]]
    accesses: list[Access]

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready values (no personal data: the citizen is the one holding it)."""
        return {
            "generated_ms": self.generated_ms,
            "consents": self.consents,
            "accesses": [a.__dict__ | {"scope": list(a.scope)} for a in self.accesses],
        }


def access_report(replica: Replica, consents: ConsentDesk, id_number: str) -> AccessReport:
    """Build the access report of the citizen with this ID number (shown at the counter, audited)."""
    replica.require(roles.LOOKUP)
    holder = CitizenSalts(replica).known_commitment(id_number)
    given = consents.consents_of(holder) if holder is not None else []
    accesses = []
    for c in given:
        for x in exchanges_under(replica.session, c.consent_id):
            key = replica.registry.key(x.signer)
            who = key.subject if key is not None else x.signer.hex()
            accesses.append(
                Access(
                    x.request_id,
                    c.consent_id,
                    x.requester,
                    c.provider,
                    who,
                    x.requested_ms,
                    x.scope,
                    c.purpose,
                    x.responded_ms,
                )
            )
    listed = [
        {
            "consent_id": c.consent_id,
            "requester": c.requester,
            "provider": c.provider,
            "scope": list(c.scope),
            "purpose": c.purpose,
            "granted_ms": c.granted_ms,
            "expires_ms": c.expires_ms,
            "revoked_ms": c.revoked_ms,
        }
        for c in given
    ]
    replica.audit.append("consent.report", "ok", {"consents": len(listed), "accesses": len(accesses)})
    return AccessReport(replica.session.now_ms(), listed, accesses)


def _when(ms: int | None) -> str:
    return "-" if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _dept(dept_id: str, lang: str) -> str:
    try:
        d = department(dept_id)
    except UnknownDepartment:
        return dept_id
    return d.name_zh if lang == "zh_CN" else d.name_en


def render_report(report: AccessReport, lang: str = "zh_CN") -> str:
    """Return the report as plain text for the counter printer, in zh_CN or en."""
    zh = lang == "zh_CN"
    lines = ["个人数据访问记录" if zh else "Access report: who read your data", f"{_when(report.generated_ms)}", ""]
    lines.append("授权 Consents:" if zh else "Consents:")
    for c in report.consents:
        state = ("已撤回 " if zh else "revoked ") + _when(c["revoked_ms"]) if c["revoked_ms"] else ""
        lines.append(
            f"  {c['consent_id']}  {_dept(c['requester'], lang)} <- {_dept(c['provider'], lang)}  "
            f"[{', '.join(c['scope'])}]  {c['purpose']}  {_when(c['granted_ms'])} .. {_when(c['expires_ms'])} {state}"
        )
    lines.append("")
    lines.append("访问 Accesses:" if zh else "Accesses:")
    if not report.accesses:
        lines.append("  （无）" if zh else "  (none)")
    for a in report.accesses:
        answered = _when(a.answered_ms) if a.answered_ms else ("未答复" if zh else "not answered")
        lines.append(
            f"  {_when(a.requested_ms)}  {_dept(a.requester, lang)} ({a.requested_by})  "
            f"[{', '.join(a.scope)}]  {a.purpose}  {a.consent_id}  -> {answered}"
        )
    return "\n".join(lines) + "\n"
