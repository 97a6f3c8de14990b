"""The holder commitment: a salted, deliberately slow keyed hash of the holder's ID number.

The ID number never appears in a certificate or on the ledger. The certificate carries a random
16-byte salt and Argon2id(ID number, salt); a counter that has the citizen's ID card in hand can
check the match (`holder_matches`), and someone who only sees the QR code must pay the Argon2id
cost for every guess instead of reading the number off.
"""

from __future__ import annotations

import hmac
import os
import re
import unicodedata

from argon2.low_level import Type, hash_secret_raw

from app.catalogue.catalogue import credit_code_check

SALT_SIZE = 16
COMMITMENT_SIZE = 16
# OWASP's minimum for Argon2id (19 MiB, 2 passes): tens of milliseconds per guess on a desk PC.
TIME_COST = 2
MEMORY_KIB = 19 * 1024
MAX_ID_LENGTH = 64
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def normalise_id(id_number: str) -> bytes:
    """Return the canonical bytes of an ID number: NFKC, no spaces or dashes, upper case."""
    if not isinstance(id_number, str):
        raise TypeError("an ID number is text")
    text = unicodedata.normalize("NFKC", id_number).upper()
    text = "".join(c for c in text if not c.isspace() and c != "-")
    if not text or len(text) > MAX_ID_LENGTH:
        raise ValueError(f"an ID number must be 1 to {MAX_ID_LENGTH} characters")
    return text.encode("utf-8")


def new_salt() -> bytes:
    """Return a fresh random salt for one certificate's holder commitment."""
    return os.urandom(SALT_SIZE)


def commit(id_number: str, salt: bytes) -> bytes:
    """Return the 16-byte holder commitment of an ID number under a certificate's salt."""
    if len(salt) != SALT_SIZE:
        raise ValueError(f"the holder salt is {SALT_SIZE} bytes")
    return hash_secret_raw(
        normalise_id(id_number), b"govdesk holder v1" + salt, TIME_COST, MEMORY_KIB, 1, COMMITMENT_SIZE, Type.ID
    )


def holder_matches(id_number: str, salt: bytes, commitment: bytes) -> bool:
    """Return True if the ID number is the one the certificate's commitment was made from."""
    try:
        return hmac.compare_digest(commit(id_number, salt), commitment)
    except (TypeError, ValueError):
        return False


def id_number_check(body17: str) -> str:
    """Return the GB 11643 check character of a resident ID number's first 17 digits."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_number(body17: str) -> str:
    """Return the whole 18-character resident ID number of its first 17 digits (their check character appended)."""
    if not re.fullmatch(r"[0-9]{17}", body17):
        raise ValueError("a resident ID number's body is 17 digits")
    return body17 + id_number_check(body17)


def _id_shaped(code: str) -> str | None:
    """Return `code` normalised if it has a resident ID number's shape (17 digits and a check character), else None."""
    try:
        text = normalise_id(code).decode("utf-8")
    except (TypeError, ValueError):
        return None
    return text if _ID_SHAPE.fullmatch(text) else None


def personal_id_number(code: str) -> str | None:
    """Return `code` normalised if it names a person (a resident ID number's shape: 17 digits and a check character)
    rather than an organisation, else None.

    A unified social credit code (GB 32100) has the same length and may be all digits: a code whose GB 11643 check
    character is right is a person's; one whose check fails but whose GB 32100 check holds is an organisation's."""
    text = _id_shaped(code)
    if text is None or (id_number_check(text[:17]) != text[17] and credit_code_check(text[:17]) == text[17]):
        return None
    return text


def id_number_mistyped(code: str) -> bool:
    """Return True if `code` has a resident ID number's shape (17 digits and a check character) but its check character
    is wrong both as a person's (GB 11643) and as an organisation's code (GB 32100): a character was mistyped or
    misread, and the number names nobody.

    Other shapes (a passport, a permit's number, an old 15-digit ID) are not judged here."""
    text = _id_shaped(code)
    return text is not None and id_number_check(text[:17]) != text[17] and credit_code_check(text[:17]) != text[17]
