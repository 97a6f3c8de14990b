"""What looks wrong in a period, each anomaly with a plain-language explanation and the actions behind it.

The checks compare the period's records with the admin's thresholds (app.review.thresholds):
actions outside office hours, lookups that belong to no case, failed logins, a certificate refused
and then accepted, a case moved by a clerk not assigned to it, outbox entries stuck, replica
verification failures and fork alarms, and a break in the audit chain (from the integrity check).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from app.protocol.departments import all_departments
from app.review.texts import explain
from app.review.timeline import AUDIT, LEDGER, Action, Period

OFF_HOURS = "off_hours"
DATA_FISHING = "data_fishing"
FAILED_LOGINS = "failed_logins"
REFUSED_THEN_ACCEPTED = "refused_then_accepted"
UNASSIGNED_MOVE = "unassigned_move"
OUTBOX_STUCK = "outbox_stuck"
REPLICA_ALARM = "replica_alarm"
CHAIN_BREAK = "audit_chain_break"
KINDS = (OFF_HOURS, DATA_FISHING, FAILED_LOGINS, REFUSED_THEN_ACCEPTED, UNASSIGNED_MOVE, OUTBOX_STUCK,
         REPLICA_ALARM, CHAIN_BREAK)  # fmt: skip
AFTER_SIGNOFF = "after_signoff"  # work after a day's sign-off: app.review.after_signoff finds it from the sign-offs

LOOKUP_ACTIONS = frozenset({"cert.verify", "case.search", "citizen.lookup", "certificate.scan", "scan"})
CASE_ACTIONS = frozenset({"case.open", "case.status", "case.step", "case.review", "case.submit"})
LOGIN_FAILURES = frozenset({"login.failed"})
MAX_REFS = 200


@dataclass(frozen=True)
class Anomaly:
    """One finding: its kind, who or what it concerns, the facts, and the actions (refs) behind it."""

    kind: str
    subject: str
    refs: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """A stable name for the finding, used to acknowledge it."""
        return f"{self.kind}:{self.subject}"

    def explanation(self, language: str = "zh_CN") -> str:
        """Say in plain words what was found and why it matters."""
        return explain(self.kind, language, subject=self.subject, **self.facts)

    def to_json(self, language: str = "zh_CN") -> dict[str, Any]:
        """Return the finding as JSON-ready values."""
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "facts": self.facts,
            "explanation": self.explanation(language),
            "actions": list(self.refs),
        }


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def find_anomalies(period: Period, integrity_problems: list[str] = (), chain_problem: str = "") -> list[Anomaly]:
    """Return every anomaly of the period (integrity findings come from app.review.integrity)."""
    found = [
        *_off_hours(period),
        *_data_fishing(period),
        *_failed_logins(period),
        *_refused_then_accepted(period),
        *_unassigned_moves(period),
        *_outbox_stuck(period),
        *_replica_alarms(period, integrity_problems),
    ]
    if chain_problem:
        found.append(Anomaly(CHAIN_BREAK, "audit", (), {"problem": chain_problem}))
    return found


def _off_hours(period: Period) -> list[Anomaly]:
    t = period.thresholds
    by_account: dict[str, list[Action]] = defaultdict(list)
    for a in period.actions:
        minute = period.local_minute(a.at_ms)
        if a.account and not t.opens_minute <= minute < t.closes_minute:
            by_account[a.account].append(a)
    return [
        Anomaly(OFF_HOURS, name, _refs(acts), {"count": len(acts), "opens": _hhmm(t.opens_minute),
                "closes": _hhmm(t.closes_minute), "first": period.local_time(acts[0].at_ms).strftime("%H:%M")})
        for name, acts in sorted(by_account.items())
    ]  # fmt: skip


def _data_fishing(period: Period) -> list[Anomaly]:
    window = period.thresholds.link_minutes * 60_000
    case_times: dict[str, list[int]] = defaultdict(list)
    lookups: dict[str, list[Action]] = defaultdict(list)
    for a in period.actions:
        if a.action in CASE_ACTIONS or (a.source == AUDIT and a.case):
            case_times[a.account].append(a.at_ms)
        elif a.source == AUDIT and a.action in LOOKUP_ACTIONS:
            lookups[a.account].append(a)
    out = []
    for name, acts in sorted(lookups.items()):
        times = case_times.get(name, [])  # already in time order
        unlinked = [a for a in acts if not _near(times, a.at_ms, window)]
        if len(unlinked) > period.thresholds.lookup_limit:
            out.append(Anomaly(DATA_FISHING, name, _refs(unlinked),
                               {"count": len(unlinked), "limit": period.thresholds.lookup_limit,
                                "minutes": period.thresholds.link_minutes}))  # fmt: skip
    return out


def _near(times: list[int], at: int, window: int) -> bool:
    """True if some time in the sorted list `times` lies within `window` of `at`."""
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if times[mid] < at - window:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(times) and times[lo] <= at + window


def _failed_logins(period: Period) -> list[Anomaly]:
    failures: dict[str, list[Action]] = defaultdict(list)
    refused: dict[str, list[Action]] = defaultdict(list)
    for a in period.actions:
        if a.source != AUDIT:
            continue
        if a.action in LOGIN_FAILURES:
            failures[a.account].append(a)
        elif a.action == "login" and a.result.startswith("refused"):
            refused[a.account].append(a)
    out = []
    for name in sorted(set(failures) | set(refused)):
        fails, refusals = failures.get(name, []), refused.get(name, [])
        if len(fails) >= period.thresholds.failed_login_limit or refusals:
            out.append(Anomaly(FAILED_LOGINS, name, _refs(sorted(fails + refusals, key=lambda a: a.at_ms)),
                               {"count": len(fails), "refused": len(refusals),
                                "limit": period.thresholds.failed_login_limit}))  # fmt: skip
    return out


def _holder_key(a: Action) -> str:
    """Who a verdict was about: the holder reference if audited, else the certificate (issuer and serial)."""
    holder = a.detail.get("holder")
    if isinstance(holder, bytes | str) and holder:
        return f"holder {holder.hex() if isinstance(holder, bytes) else holder}"
    issuer, serial = a.detail.get("issuer"), a.detail.get("serial")
    return f"{issuer}/{serial}" if issuer and serial else ""


def _refused_then_accepted(period: Period) -> list[Anomaly]:
    refused: dict[str, Action] = {}
    out: dict[str, Anomaly] = {}
    for a in period.actions:
        if a.source != AUDIT or a.action != "cert.verify":
            continue
        key = _holder_key(a)
        if not key:
            continue
        if a.verdict != "VALID":
            refused.setdefault(key, a)
        elif key in refused and key not in out:
            first = refused[key]
            out[key] = Anomaly(REFUSED_THEN_ACCEPTED, key, (first.ref, a.ref),
                               {"status": first.verdict, "refused_by": first.account, "accepted_by": a.account,
                                "refused_at": period.local_time(first.at_ms).strftime("%H:%M"),
                                "accepted_at": period.local_time(a.at_ms).strftime("%H:%M")})  # fmt: skip
    return list(out.values())


def _unassigned_moves(period: Period) -> list[Anomaly]:
    lead_origins = {d.origin for d in all_departments()}
    origin_of_leaf = {o.leaf_hash.hex(): o.origin for o in period.outbox}
    out = []
    for a in period.actions:
        if a.source != LEDGER or a.action != "case.step" or a.result == "open":
            continue
        if period.roles.get(a.account) != "clerk":
            continue  # supervisors may move any case; other offices' staff are not reviewed here
        info = period.cases.get(a.case)
        if info is None or not info.opener or info.opener == a.account:
            continue
        lead = _lead_origin(info.service)
        if lead is not None and lead in lead_origins and origin_of_leaf.get(a.ref) != lead:
            continue  # another department's step: that department's queue, any of its clerks may take it
        facts = {"case": a.case, "clerk": a.account, "assigned": info.opener, "step": a.result}
        out.append(Anomaly(UNASSIGNED_MOVE, f"{a.case}/{a.ref[:12]}", (a.ref,), facts))
    return out


def _lead_origin(service_id: str) -> str | None:
    """Return the log origin of the department that leads a service (its id starts with the department id)."""
    lead = service_id.split(".", 1)[0]
    for d in all_departments():
        if d.id == lead:
            return d.origin
    return None


def _outbox_stuck(period: Period) -> list[Anomaly]:
    limit = period.thresholds.outbox_stuck_minutes * 60_000
    stuck = [
        o for o in period.outbox if (o.acked_ms if o.acked_ms is not None else period.now_ms) - o.enqueued_ms > limit
    ]
    by_origin: dict[str, list] = defaultdict(list)
    for o in stuck:
        by_origin[o.origin].append(o)
    return [
        Anomaly(OUTBOX_STUCK, origin, tuple(o.leaf_hash.hex() for o in items[:MAX_REFS]),
                {"count": len(items), "pending": sum(o.pending for o in items),
                 "minutes": period.thresholds.outbox_stuck_minutes})
        for origin, items in sorted(by_origin.items())
    ]  # fmt: skip


def _replica_alarms(period: Period, integrity_problems: list[str]) -> list[Anomaly]:
    out = []
    for alarm in period.alarms:
        if alarm.kind == "fork":
            out.append(Anomaly(REPLICA_ALARM, f"fork {alarm.origin} {alarm.ref}", (alarm.ref,),
                               {"origin": alarm.origin, "problem": alarm.text}))  # fmt: skip
    for a in period.actions:
        if a.source == AUDIT and a.action.startswith("sync.") and ("fork" in a.action or "verif" in a.result.lower()):
            if a.action == "sync.fork" and any(x.kind == "fork" for x in period.alarms):
                continue  # the evidence row already stands for it
            if a.action.endswith(".acknowledge"):
                continue
            out.append(Anomaly(REPLICA_ALARM, f"{a.action} {a.ref}", (a.ref,),
                               {"origin": str(a.detail.get("origin", "")),
                                "problem": f"{a.result}: {a.detail.get('reason', a.action)}"}))  # fmt: skip
    for i, problem in enumerate(integrity_problems):
        out.append(Anomaly(REPLICA_ALARM, f"integrity {i + 1}", (), {"origin": "", "problem": problem}))
    return out


def _refs(actions: list[Action]) -> tuple[str, ...]:
    return tuple(a.ref for a in actions[:MAX_REFS])
