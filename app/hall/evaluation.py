"""好差评: the citizen's rating of a served case, as a signed ledger entry without personal data.

Five levels after GB/T 39734-2020 and 国办发〔2019〕51号: 5 非常满意, 4 满意, 3 基本满意, 2 不满意,
1 非常不满意. The entry (`hall.rating`) is signed by the evaluator device at the window, never by the
clerk; it names the case only by a salted commitment (SHA-256 over a domain tag, a 32-byte random
salt kept in the office, and the case id) and the citizen's free-text reason only by its digest: the
reason itself can hold anything, so it stays in the office with the remediation item.

A bad rating (2 or 1) opens a remediation item (整改) due 15 working days after the rating, on the
official calendar; it is closed by the supervisor's recorded call-back (回访) and outcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.hall.hall import Hall, hall_day
from app.hall.refusals import HallCode, HallRefusal
from app.hall.store import HallTx, RemediationItem
from app.hall.tickets import Device
from app.ledger.entry import Entry, SignedEntry, decode_entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id
from app.services.working_days import Deadline, deadline

RATING_TYPE = "hall.rating"
REMEDIATION_WORKING_DAYS = 15
BAD_LEVELS = (1, 2)
MAX_REASON = 500
_COMMITMENT_TAG = b"govdesk-hall-rating/v1\n"


@dataclass(frozen=True)
class Level:
    """One rating level: its value and its names."""

    value: int
    zh: str
    en: str


LEVELS = (
    Level(5, "非常满意", "Very satisfied"),
    Level(4, "满意", "Satisfied"),
    Level(3, "基本满意", "Basically satisfied"),
    Level(2, "不满意", "Dissatisfied"),
    Level(1, "非常不满意", "Very dissatisfied"),
)


class RatingError(ValueError):
    """A rating is malformed, or not what it claims; `code` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def new_salt() -> bytes:
    """Return a fresh 32-byte salt for a case commitment (kept in the office, never on the ledger)."""
    return os.urandom(32)


def case_commitment(case_id: str, salt: bytes) -> bytes:
    """Return the commitment that ties a rating to a case without naming it."""
    if len(salt) != 32:
        raise RatingError("bad_salt", "a commitment salt is 32 bytes")
    return hashlib.sha256(_COMMITMENT_TAG + salt + case_id.encode("utf-8")).digest()


def reason_digest(reason: str) -> bytes:
    """Return the digest of the citizen's reason (the reason itself never goes on the ledger)."""
    return hashlib.sha256(b"govdesk-hall-reason/v1\n" + reason.encode("utf-8")).digest()


@dataclass(frozen=True)
class Rating:
    """A rating as the evaluator records it."""

    case_commitment: bytes
    level: int
    service: str
    office: str
    window: str
    clerk: bytes
    rated_at_ms: int
    reason_digest: bytes | None = None

    @property
    def bad(self) -> bool:
        """True for 不满意 and 非常不满意, which open a remediation item."""
        return self.level in BAD_LEVELS


def check_level(level: object) -> int:
    """Return the level if it is one of the five, else raise RatingError."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise RatingError("bad_level", "a rating level is an integer from 1 (非常不满意) to 5 (非常满意)")
    return level


def rating_entry(rating: Rating, origin: str, evaluator: Signer) -> bytes:
    """Return the signed `hall.rating` entry for the log `origin`, signed by the evaluator device."""
    check_level(rating.level)
    body: dict[str, object] = {
        "case_commitment": rating.case_commitment,
        "level": rating.level,
        "service": rating.service,
        "office": rating.office,
        "window": rating.window,
        "clerk": rating.clerk,
        "rated_at": rating.rated_at_ms,
    }
    if rating.reason_digest is not None:
        body["reason_digest"] = rating.reason_digest
    kid = key_id(evaluator.suite, evaluator.public_key)
    return sign_entry(Entry(origin, RATING_TYPE, rating.rated_at_ms, kid, body), evaluator)


def read_rating(data: bytes, evaluator_public_key: bytes) -> tuple[SignedEntry, Rating]:
    """Decode a rating entry and check it is signed by this evaluator key; raise RatingError otherwise."""
    try:
        signed = decode_entry(data)
        signed.verify(evaluator_public_key)
    except LedgerError as exc:
        raise RatingError("bad_entry", str(exc)) from None
    if signed.entry.type != RATING_TYPE:
        raise RatingError("bad_entry", f"a {signed.entry.type} entry is not a rating")
    b = signed.entry.body
    rating = Rating(
        b["case_commitment"], check_level(b["level"]), b["service"], b["office"], b["window"], b["clerk"],
        b["rated_at"], b.get("reason_digest"),
    )  # fmt: skip
    return signed, rating


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
            if not fresh or not rating.bad:
                return None
            return tx.open_remediation(
                signed.leaf_hash, rating.level, rating.service, rating.window, self.hall.clock(),
                (due.due.isoformat(), due.provisional), reason,
            )  # fmt: skip

        return self.hall.store.run(work)

    def record_callback(self, item_id: int, supervisor: str, outcome: str) -> RemediationItem:
        """Record the supervisor's call-back (回访) and its outcome; this closes the item."""
        if not supervisor or not outcome or len(outcome) > 1000 or len(supervisor) > 64:
            raise HallRefusal(HallCode.MALFORMED_REQUEST, "a call-back needs the supervisor and the outcome")
        now = self.hall.clock()

        def work(tx: HallTx) -> RemediationItem:
            item = tx.remediation(item_id)
            if item is None:
                raise HallRefusal(HallCode.NOT_FOUND, f"no remediation item {item_id}")
            if item.closed:
                raise HallRefusal(HallCode.ALREADY_FINISHED, f"remediation item {item_id} is already closed")
            return tx.close_remediation(item_id, now, supervisor, outcome)

        return self.hall.store.run(work)

    def items(self) -> list[RemediationItem]:
        """Return every remediation item."""
        return self.hall.store.remediation_items()

    def overdue(self) -> list[RemediationItem]:
        """Return the open items past their due day (they stand out in the supervisor's review)."""
        today = hall_day(self.hall.clock())
        return [i for i in self.items() if i.overdue(today)]

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
