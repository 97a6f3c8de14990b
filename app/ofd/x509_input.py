"""Read certificates given as files: PEM (one or more blocks) or a single DER certificate, bounded."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

from app.ofd.errors import OfdError

MAX_CERT_FILE = 1024 * 1024
PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.DOTALL)


def read_certificates(path: Path) -> list[bytes]:
    """The DER certificates in `path`; raise `OfdError(certificate_invalid)` if it holds none."""
    with path.open("rb") as handle:
        data = handle.read(MAX_CERT_FILE + 1)
    if len(data) > MAX_CERT_FILE:
        raise OfdError(f"{path} is larger than {MAX_CERT_FILE} bytes", code="certificate_invalid")
    return parse_certificates(data)


def parse_certificates(data: bytes) -> list[bytes]:
    """The DER certificates in PEM text or a DER blob."""
    if b"-----BEGIN" not in data:
        if data[:1] != b"\x30":
            raise OfdError("neither PEM nor DER", code="certificate_invalid")
        return [data]
    out = []
    for block in PEM_BLOCK.findall(data):
        try:
            out.append(base64.b64decode(b"".join(block.split()), validate=True))
        except (binascii.Error, ValueError) as exc:
            raise OfdError("a PEM block is not base64", code="certificate_invalid") from exc
    if not out:
        raise OfdError("no CERTIFICATE block", code="certificate_invalid")
    return out
