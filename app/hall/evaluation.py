"""好差评 at the hall's evaluation desk: ratings received, remediation items, satisfaction figures.

The rating levels and the signed `hall.rating` entry (shared with the evaluator pad) live in
app/protocol/hall_rating.py. The citizen's free-text reason can hold anything, so it stays in the
office with the remediation item; the ledger holds only its digest.

A bad rating (2 or 1) opens a remediation item (整改) due 15 working days after the rating, on the
official calendar; it is closed by the supervisor's recorded call-back (回访) and outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.catalogue.working_days import Deadline, deadline
from app.hall.hall import Hall, hall_day
from app.hall.store import HallTx, RemediationItem
from app.ledger.entry import decode_entry
from app.protocol.hall_evaluations import LEVEL_VALUES, MAX_GROUPS, MAX_ITEMS, DayEvaluations, OverdueItem, RatingCounts
from app.protocol.hall_rating import (
    BAD_LEVELS,
    MAX_REASON,
    Rating,
    RatingError,
    read_rating,
    reason_digest,
)
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_remediation import MalformedRemediation, RemediationView, check_ms, check_name, check_outcome
from app.protocol.hall_tickets import Device

REMEDIATION_WORKING_DAYS = 15


def remediation_due(rated_at_ms: int) -> Deadline:
    """Return the remediation deadline: 15 working days after the rating's day (Asia/Shanghai)."""
    return deadline(dt.date.fromisoformat(hall_day(rated_at_ms)), REMEDIATION_WORKING_DAYS)


@dataclass(frozen=True)
class Satisfaction:
    """Ratings of one clerk, service or department: how many, the mean level, and the bad ones."""

    count: int
    mean: float
    bad: int

    @property
    def satisfied_share(self) -> float:
        """The share of ratings above 不满意 (基本满意 or better)."""
        return 0.0 if not self.count else (self.count - self.bad) / self.count


def satisfaction_by(
    ratings: Iterable[Rating], key: str, lead_of: dict[str, str] | None = None
) -> dict[str, Satisfaction]:
    """Group ratings by 'clerk' (key id hex), 'service' or 'department' (the service's lead, from `lead_of`)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for r in ratings:
        if key == "clerk":
            name = r.clerk.hex()
        elif key == "service":
            name = r.service
        elif key == "department":
            name = (lead_of or {}).get(r.service, r.service.split(".")[0])
        else:
            raise ValueError(f"cannot group ratings by {key!r}")
        groups[name].append(r.level)
    return {
        name: Satisfaction(len(levels), sum(levels) / len(levels), sum(1 for v in levels if v in BAD_LEVELS))
        for name, levels in sorted(groups.items())
    }


class Evaluations:
    """The hall's ratings and remediation items (the hall store keeps them; the ledger gets the entries)."""

    def __init__(self, hall: Hall) -> None:
        self.hall = hall

    def record(self, data: bytes, evaluator: Device, reason: str | None = None) -> RemediationItem | None:
        """Record a rating signed by an enrolled evaluator of this hall; return the remediation item a bad one opens."""
        if evaluator.role != "evaluator" or evaluator.revoked:
            raise HallRefusal(HallCode.ROLE_NOT_ALLOWED, "only an enrolled evaluator device signs ratings")
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, f"a reason is text of at most {MAX_REASON} characters")
        try:
            signed, rating = read_rating(data, evaluator.public_key)
        except RatingError as exc:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, str(exc)) from None
        if rating.office != self.hall.config.office or self.hall.config.window(rating.window) is None:
            raise HallRefusal(HallCode.WRONG_OFFICE, "the rating names another office or an unknown window")
        if reason is not None and rating.reason_digest != reason_digest(reason):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "the reason does not match the rating's reason digest")
        due = remediation_due(rating.rated_at_ms)

        def work(tx: HallTx) -> RemediationItem | None:
            fresh = tx.add_rating(
                signed.leaf_hash, rating.level, rating.service, rating.office, rating.window, rating.clerk,
                rating.case_commitment, rating.rated_at_ms, data,
            )  # fmt: skip
            if fresh:  # the window's evaluator has nothing left to ask for this case
                tx.served_rated(rating.window, rating.case_commitment, self.hall.clock())
            if not fresh or not rating.bad:
                return None
            return tx.open_remediation(
                signed.leaf_hash, rating.level, rating.service, rating.window, self.hall.clock(),
                (due.due.isoformat(), due.provisional), reason,
            )  # fmt: skip

        return self.hall.store.run(work)

    def record_callback(
        self, item_id: int, supervisor: str, outcome: str, called_at_ms: int | None = None
    ) -> RemediationItem:
        """Record the supervisor's call-back (回访) and its outcome; this closes the item. The same call-back recorded
        again returns the item as it is (a counter that lost the answer sends it again); another one is refused."""
        try:
            supervisor, outcome = check_name(supervisor), check_outcome(outcome)
            now = self.hall.clock()
            at = now if called_at_ms is None else check_ms(called_at_ms, "called_at_ms")
        except MalformedRemediation:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a call-back needs the supervisor and the outcome") from None
        if at > now + int(self.hall.config.clock_skew_s * 1000):
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a call-back cannot lie in the future")

        def work(tx: HallTx) -> RemediationItem:
            item = tx.remediation(item_id)
            if item is None:
                raise HallRefusal(HallCode.NOT_FOUND, f"no remediation item {item_id}")
            if item.closed:
                if (item.callback_ms, item.callback_by, item.outcome) == (at, supervisor, outcome):
                    return item
                raise HallRefusal(HallCode.ALREADY_FINISHED, f"remediation item {item_id} is already closed")
            if at < item.opened_ms:
                raise HallRefusal(HallCode.MALFORMED_REQUEST, "a call-back comes after the rating")
            return tx.close_remediation(item_id, at, supervisor, outcome)

        return self.hall.store.run(work)

    def views(self) -> list[RemediationView]:
        """The newest remediation items, oldest first, as the supervisor's review lists them (their clerks named)."""
        return [
            RemediationView(
                i.id,
                i.entry_hash.hex(),
                i.level,
                i.service,
                i.window,
                "" if clerk is None else clerk.hex(),
                i.opened_ms,
                i.due_day,
                i.due_provisional,
                i.callback_ms,
                i.callback_by,
            )
            for i, clerk in self.hall.store.remediation_clerks(MAX_ITEMS)
        ]

    def items(self) -> list[RemediationItem]:
        """Return every remediation item."""
        return self.hall.store.remediation_items()

    def overdue(self) -> list[RemediationItem]:
        """Return the open items past their due day (they stand out in the supervisor's review)."""
        today = hall_day(self.hall.clock())
        return [i for i in self.items() if i.overdue(today)]

    def day(self, day: str) -> DayEvaluations:
        """The day's ratings per level, service and clerk, and the items overdue now (the supervisor's review)."""
        ratings = [r for r in self.ratings() if hall_day(r.rated_at_ms) == day]
        levels = dict.fromkeys(LEVEL_VALUES, 0)
        for r in ratings:
            levels[r.level] += 1

        def groups(key: str) -> dict[str, RatingCounts]:
            found = satisfaction_by(ratings, key).items()
            return {name: RatingCounts(s.count, s.bad, s.mean) for name, s in list(found)[:MAX_GROUPS]}

        overdue = tuple(OverdueItem(i.id, i.level, i.service, i.window, i.due_day, i.due_provisional)
                        for i in self.overdue()[:MAX_ITEMS])  # fmt: skip
        return DayEvaluations(day, levels, groups("service"), groups("clerk"), overdue)

    def ratings(self) -> list[Rating]:
        """Return every recorded rating."""
        out = []
        for data in self.hall.store.rating_entries():
            b = decode_entry(data).entry.body
            out.append(
                Rating(b["case_commitment"], b["level"], b["service"], b["office"], b["window"], b["clerk"],
                       b["rated_at"], b.get("reason_digest"))
            )  # fmt: skip
        return out
