"""Opening the review of a day (or any period), filtering its timeline, comparing it, and signing it off.

review = open_day(replica, "2026-05-20")
review.anomalies, review.figures.by_clerk, review.integrity
review.timeline(clerk="li.na", verdict="REVOKED")
sign_day(replica, review, {anomaly.id: "checked with the clerk" for anomaly in review.anomalies})
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.review.after_signoff import after_signoff
from app.review.anomalies import Anomaly, find_anomalies
from app.review.errors import AlreadySigned
from app.review.figures import PeriodFigures, compute_figures
from app.review.integrity import IntegrityReport, check_integrity
from app.review.signoff import SignOff, check_acknowledgements, find_signoffs, write_signoff
from app.review.thresholds import ReviewThresholds, load_thresholds
from app.review.timeline import Action, Period, load_period, parse_day
from app.store import review_records, roles
from app.store.replica import Replica


@dataclass
class DayReview:
    """Everything a supervisor sees for one day (or period): timeline, figures, anomalies, integrity, sign-off."""

    period: Period
    figures: PeriodFigures
    anomalies: list[Anomaly]
    integrity: IntegrityReport
    signoff: SignOff | None

    @property
    def office(self) -> str:
        """The office's name."""
        return self.period.office

    @property
    def day(self) -> str:
        """The (first) day reviewed, YYYY-MM-DD."""
        return self.period.first_day.isoformat()

    def timeline(
        self,
        *,
        clerk: str | None = None,
        service: str | None = None,
        verdict: str | None = None,
        action: str | None = None,
    ) -> list[Action]:
        """Return the day's actions in time order, keeping those that match every filter given."""
        return filter_actions(self.period.actions, clerk=clerk, service=service, verdict=verdict, action=action)

    def anomaly(self, anomaly_id: str) -> Anomaly | None:
        """Return an anomaly by id."""
        return next((a for a in self.anomalies if a.id == anomaly_id), None)

    def to_json(self, language: str = "zh_CN") -> dict[str, Any]:
        """Return the review's summary as JSON-ready values (the timeline is exported as CSV)."""
        return {
            "office": self.office,
            "day": self.day,
            "days": self.period.days,
            "actions": len(self.period.actions),
            "figures": self.figures.to_json(),
            "anomalies": [a.to_json(language) for a in self.anomalies],
            "integrity": self.integrity.to_json(),
            "signoff": self.signoff.to_json() if self.signoff else None,
        }


def filter_actions(
    actions: list[Action],
    *,
    clerk: str | None = None,
    service: str | None = None,
    verdict: str | None = None,
    action: str | None = None,
) -> list[Action]:
    """Return the actions matching every given filter (None or empty: no filter)."""
    return [
        a
        for a in actions
        if (not clerk or a.account == clerk)
        and (not service or a.service == service)
        and (not verdict or a.verdict == verdict)
        and (not action or a.action == action)
    ]


def open_period(
    replica: Replica,
    first_day: str | date,
    days: int = 1,
    *,
    now_ms: int | None = None,
    thresholds: ReviewThresholds | None = None,
) -> DayReview:
    """Open the review of `days` days from `first_day` (supervisors and admins)."""
    replica.require(roles.AUDIT_REVIEW)
    first = parse_day(first_day) if isinstance(first_day, str) else first_day
    thresholds = thresholds or load_thresholds(replica)
    now = replica.session.now_ms() if now_ms is None else now_ms
    s = replica.session
    period = load_period(s, replica.name, first, days, thresholds, now)
    signoffs = find_signoffs(s)
    integrity = check_integrity(s, period, signoffs)
    anomalies = find_anomalies(period, integrity.problems, integrity.chain.problem) + after_signoff(s, period, signoffs)
    mine = next((x for x in signoffs if days == 1 and x.day == first.isoformat() and not x.problem), None)
    return DayReview(period, compute_figures(period), anomalies, integrity, mine)


def open_day(replica: Replica, day: str | date, *, now_ms: int | None = None) -> DayReview:
    """Open the review of one day."""
    return open_period(replica, day, 1, now_ms=now_ms)


def compare(replica: Replica, day: str | date, *, now_ms: int | None = None) -> dict[str, dict[str, float]]:
    """Return the office's counts per day for the day, the 7 days ending with it, and its calendar month."""
    replica.require(roles.AUDIT_REVIEW)
    the_day = parse_day(day) if isinstance(day, str) else day
    thresholds = load_thresholds(replica)
    now = replica.session.now_ms() if now_ms is None else now_ms
    month_first = the_day.replace(day=1)
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    out = {}
    for name, first, days in (
        ("day", the_day, 1),
        ("week", the_day - timedelta(days=6), 7),
        ("month", month_first, (next_month - month_first).days),
    ):
        period = load_period(replica.session, replica.name, first, days, thresholds, now)
        out[name] = compute_figures(period).per_day()
    return out


def signer_names(replica: Replica) -> dict[str, str]:
    """Whom each key id (hex) belongs to: the office's accounts by name, other enrolled keys by subject (to name the
    clerks the hall's ratings carry by key id)."""
    replica.require(roles.AUDIT_REVIEW)
    return {kid.hex(): name for kid, name in review_records.key_names(replica.session).items()}


def sign_day(replica: Replica, review: DayReview, comments: dict[str, str]) -> SignOff:
    """Sign the reviewed day off: every anomaly acknowledged with a comment; supervisors only, once per day."""
    if review.period.days != 1:
        raise ValueError("only a single day is signed off")
    if review.signoff is not None:  # said before any acknowledgement is asked for (the write checks it again)
        raise AlreadySigned(f"{review.day} has been signed off already; nobody signs a day twice")
    acks = check_acknowledgements([a.id for a in review.anomalies], comments)
    counts = {**review.figures.office.counts(), "anomalies": len(review.anomalies)}
    return write_signoff(replica, review.office, review.day, review.period.start_ms, review.period.end_ms, counts, acks)
