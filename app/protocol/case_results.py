"""What counter and node share about a case's sealed result (统一窗口出件): limits, header, who may read it.

The lead department's records office keeps the sealed OFD of a case on its node (`PUT /case-results/<case>`,
naming the office whose window accepted the case); that office's keys read it back during sync
(`GET /case-results/<case>`) and check it against the department's anchor before keeping it.
"""

from __future__ import annotations

import re

from app.protocol.policy import SEAL

MAX_CASE_RESULT_BYTES = 4 * 1024 * 1024  # a sealed licence or notice is tens of KiB; a picture or two stays far below
DIGEST_HEADER = "Govdesk-Digest"  # the SM3 of the body, hex
OFD_MEDIA = "application/ofd"
RESULT_UPLOADERS = frozenset({SEAL, "department"})
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def valid_case_reference(text: str) -> bool:
    """True for a case id or office key: 1 to 64 ASCII letters, digits, dots, dashes or underscores."""
    return _REFERENCE.fullmatch(text) is not None


def office_of_subject(subject: str) -> str:
    """The office an enrolled key belongs to: the part of its subject before the first slash (`office/account`)."""
    return subject.split("/", 1)[0]
