"""Work recorded on a day after that day was signed off (issue 16, point 7): flagged in the day's own review and
in the next day's, where the supervisor acknowledges it before signing that day.

A sign-off covers the audit trail up to its signed head; actions audited later in the same Beijing day are not
covered by it. The sync machinery's own records (sync runs, pushes, anchors), logins and logouts, and the
sign-off itself are not work and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from app.review.anomalies import AFTER_SIGNOFF, MAX_REFS, Anomaly
from app.review.signoff import SignOff
from app.review.timeline import AUDIT, DAY_MS, Period, day_start_ms
from app.store import review_records
from app.store.session import Session

NOT_WORK = frozenset({"review.signoff", "sync.run", "sync.push", "audit.anchor", "account.enrolment_request",
                      "sync.audit_trail_disagrees", "sync.office_restored", "login", "logout",
                      "login.failed"})  # fmt: skip


def after_signoff(session: Session, period: Period, signoffs: list[SignOff]) -> list[Anomaly]:
    """Return one anomaly per signed day (of the period or the day before it) with actions audited after its
    sign-off, in the order of the days."""
    first, last = (period.first_day - timedelta(days=1)).isoformat(), period.last_day.isoformat()
    out = []
    for signoff in sorted((s for s in signoffs if not s.problem and first <= s.day <= last), key=lambda s: s.day):
        day_start = day_start_ms(period.first_day, period.thresholds) + _days_from_first(period, signoff.day) * DAY_MS
        day_end = day_start + DAY_MS
        if day_start >= period.start_ms:  # a day of the period: its actions are loaded already
            later = [(a.ref, a.at_ms, a.account) for a in period.actions if a.source == AUDIT
                     and signoff.at_ms < a.at_ms < day_end and a.action not in NOT_WORK]  # fmt: skip
        else:  # the day before the period: read only what came after its sign-off
            later = [(str(r.seq), r.at_ms, r.account)
                     for r in review_records.audit_between(session, signoff.at_ms + 1, day_end)
                     if r.action not in NOT_WORK]  # fmt: skip
        if not later:
            continue
        later.sort(key=lambda x: x[1])
        accounts: dict[str, int] = defaultdict(int)
        for _ref, _at, account in later:
            accounts[account] += 1
        facts = {
            "count": len(later),
            "signed_at": period.local_time(signoff.at_ms).strftime("%H:%M"),
            "signed_by": signoff.account,
            "first": period.local_time(later[0][1]).strftime("%H:%M"),
            "accounts": ", ".join(f"{name} ({n})" for name, n in sorted(accounts.items())),
        }
        out.append(Anomaly(AFTER_SIGNOFF, signoff.day, tuple(ref for ref, _at, _account in later[:MAX_REFS]), facts))
    return out


def _days_from_first(period: Period, day: str) -> int:
    return (period.first_day.fromisoformat(day) - period.first_day).days
