"""The figures of a period, per clerk and per service: cases moved, handling times, verdicts, refusals, offline
time, waiting entries and, apart, those a supervisor set aside; and the hourly load per service and the verdict
mix that the charts draw."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from app.review.timeline import AUDIT, DAY_MS, LEDGER, Period

OPENED_STEPS = frozenset({"open"})
CLOSED_STEPS = frozenset({"close", "withdraw"})
REJECTED_STEPS = frozenset({"reject"})
OTHER = "(none)"


@dataclass
class Figures:
    """The counts and times of one clerk, one service, or the whole office."""

    actions: int = 0
    opened: int = 0
    advanced: int = 0
    closed: int = 0
    rejected: int = 0
    handling_ms: list[int] = field(default_factory=list)
    verdicts: Counter = field(default_factory=Counter)
    refusals: int = 0
    offline_ms: int | None = None
    outbox_pending: int = 0
    outbox_set_aside: int = 0  # refused entries a supervisor set aside: not sent, not pending

    @property
    def median_handling_ms(self) -> int | None:
        """The median time from opening to closing or rejecting, for cases finished in the period."""
        return percentile(self.handling_ms, 50)

    @property
    def p90_handling_ms(self) -> int | None:
        """The 90th percentile of the handling time."""
        return percentile(self.handling_ms, 90)

    def counts(self) -> dict[str, int]:
        """Return the whole-number figures (what a sign-off records)."""
        return {
            "actions": self.actions,
            "opened": self.opened,
            "advanced": self.advanced,
            "closed": self.closed,
            "rejected": self.rejected,
            "refusals": self.refusals,
            "outbox_pending": self.outbox_pending,
            "outbox_set_aside": self.outbox_set_aside,
            "verdicts": sum(self.verdicts.values()),
        }

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {
            **self.counts(),
            "median_handling_ms": self.median_handling_ms,
            "p90_handling_ms": self.p90_handling_ms,
            "verdicts_by_status": dict(sorted(self.verdicts.items())),
            "offline_ms": self.offline_ms,
        }


def percentile(values: list[int], pct: int) -> int | None:
    """Return the nearest-rank percentile of `values`, or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-pct * len(ordered) // 100))
    return ordered[rank - 1]


@dataclass
class PeriodFigures:
    """Figures for the office, per clerk and per service, with the chart series."""

    office: Figures
    by_clerk: dict[str, Figures]
    by_service: dict[str, Figures]
    hourly_by_service: dict[str, list[int]]
    verdict_mix: dict[str, int]
    offline_intervals: list[tuple[int, int]]
    days: int

    def per_day(self) -> dict[str, float]:
        """Return the office's counts divided by the number of days (to compare a day with a week or month)."""
        return {k: round(v / self.days, 2) for k, v in self.office.counts().items()}

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values."""
        return {
            "office": self.office.to_json(),
            "by_clerk": {k: v.to_json() for k, v in sorted(self.by_clerk.items())},
            "by_service": {k: v.to_json() for k, v in sorted(self.by_service.items())},
            "hourly_by_service": dict(sorted(self.hourly_by_service.items())),
            "verdict_mix": self.verdict_mix,
            "offline_intervals": [list(i) for i in self.offline_intervals],
        }


def office_hours(period: Period) -> list[tuple[int, int]]:
    """Return the opening hours of every day of the period as UTC millisecond intervals."""
    t = period.thresholds
    return [
        (
            period.start_ms + d * DAY_MS + t.opens_minute * 60_000,
            period.start_ms + d * DAY_MS + t.closes_minute * 60_000,
        )
        for d in range(period.days)
    ]


def offline_intervals(period: Period) -> list[tuple[int, int]]:
    """Return the stretches of opening hours (up to now) with no contact with any node for longer than allowed."""
    gap = period.thresholds.offline_gap_minutes * 60_000
    out = []
    for open_ms, close_ms in office_hours(period):
        close_ms = min(close_ms, period.now_ms)
        if close_ms <= open_ms:
            continue
        marks = [open_ms - gap, *(c for c in period.contacts if open_ms - gap < c < close_ms), close_ms + gap]
        for a, b in itertools.pairwise(marks):
            if b - a > gap:
                lo, hi = max(a + gap, open_ms), min(b, close_ms)
                if hi > lo:
                    out.append((lo, hi))
    return out


def _overlap(intervals: list[tuple[int, int]], lo: int, hi: int) -> int:
    return sum(max(0, min(b, hi) - max(a, lo)) for a, b in intervals)


def compute_figures(period: Period) -> PeriodFigures:
    """Compute every figure of a period from its records."""
    office = Figures()
    clerks: dict[str, Figures] = defaultdict(Figures)
    services: dict[str, Figures] = defaultdict(Figures)
    hourly: dict[str, list[int]] = defaultdict(lambda: [0] * 24)
    spans: dict[str, list[int]] = {}
    offset = period.thresholds.utc_offset_minutes
    for a in period.actions:
        service = a.service or OTHER
        targets = (office, clerks[a.account] if a.account else None, services[service] if a.service else None)
        hourly[service][((a.at_ms // 60_000 + offset) // 60) % 24] += 1
        if a.account:
            span = spans.setdefault(a.account, [a.at_ms, a.at_ms])
            span[1] = a.at_ms
        for f in targets:
            if f is None:
                continue
            f.actions += 1
            if a.source == LEDGER and a.action == "case.step":
                if a.result in OPENED_STEPS:
                    f.opened += 1
                elif a.result in CLOSED_STEPS:
                    f.closed += 1
                elif a.result in REJECTED_STEPS:
                    f.rejected += 1
                else:
                    f.advanced += 1
            elif a.source == AUDIT and a.verdict:
                f.verdicts[a.verdict] += 1
        if a.source == LEDGER and a.action == "case.step" and a.result in CLOSED_STEPS | REJECTED_STEPS:
            info = period.cases.get(a.case)
            if info is not None and info.opened_ms is not None:
                took = a.at_ms - info.opened_ms
                owner = info.opener or a.account
                for f in (office, clerks[owner], services[service] if a.service else None):
                    if f is not None:
                        f.handling_ms.append(took)
    by_leaf = {o.leaf_hash.hex(): o for o in period.outbox}
    for alarm in period.alarms:
        if alarm.kind != "refusal":
            continue
        office.refusals += 1
        item = by_leaf.get(alarm.ref)
        if alarm.account:
            clerks[alarm.account].refusals += 1
        if item is not None and item.service:
            services[item.service].refusals += 1
    for item in period.outbox:
        if item.acked_ms is not None:
            continue
        clerk = clerks[item.account] if item.account else None
        for f in (office, clerk, services[item.service] if item.service else None):
            if f is None:
                continue
            if item.set_aside_ms is None:
                f.outbox_pending += 1
            else:
                f.outbox_set_aside += 1
    offline = offline_intervals(period)
    office.offline_ms = sum(b - a for a, b in offline)
    for name, f in clerks.items():
        lo, hi = spans.get(name, (0, 0))
        f.offline_ms = _overlap(offline, lo, hi)
    mix = dict(sorted(office.verdicts.items()))
    return PeriodFigures(office, dict(clerks), dict(services), dict(hourly), mix, offline, period.days)
