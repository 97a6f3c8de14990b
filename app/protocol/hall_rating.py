"""好差评 on the wire: the rating levels and the signed `hall.rating` entry, shared by the evaluator pad and the hall.

Five levels after GB/T 39734-2020 and 国办发〔2019〕51号: 5 非常满意, 4 满意, 3 基本满意, 2 不满意,
1 非常不满意. The entry is signed by the evaluator device at the window, never by the clerk; it names
the case only by a salted commitment (SHA-256 over a domain tag, a 32-byte random salt kept in the
office, and the case id) and the citizen's free-text reason only by its digest.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from app.ledger.entry import Entry, SignedEntry, decode_entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id

RATING_TYPE = "hall.rating"
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


RATINGS_PAGE = 200  # the most ratings one GET /ratings answers
_MAX_MS = 1 << 62


@dataclass(frozen=True)
class RatingCursor:
    """A place in a hall's order of ratings (by rated_at, then entry hash): a counter collects what follows it."""

    rated_at: int
    entry_hash: bytes = b""

    def to_wire(self) -> str:
        """The cursor as the `after` query parameter: `<rated_at>` or `<rated_at>.<entry hash in hex>`."""
        return f"{self.rated_at}.{self.entry_hash.hex()}" if self.entry_hash else str(self.rated_at)

    @classmethod
    def from_wire(cls, text: str) -> RatingCursor:
        """Parse an `after` parameter; raise RatingError for anything else."""
        ms, dot, digest = text.partition(".")
        if not (ms.isascii() and ms.isdigit() and len(ms) <= 18) or int(ms) >= _MAX_MS:
            raise RatingError("bad_cursor", "'after' is <ms since the epoch>[.<entry hash in hex>]")
        if dot and (len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest)):
            raise RatingError("bad_cursor", "the entry hash in 'after' is 64 lowercase hex digits")
        return cls(int(ms), bytes.fromhex(digest))
