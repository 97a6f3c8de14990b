"""Read a department's SM2 seal key: PKCS#8 ("PRIVATE KEY", as `openssl genpkey` writes) or SEC1 ("EC PRIVATE KEY").

The scalar is all the SM2 suite needs. The file lives with the department's records office, never on
a counter; it is read once per issuing run.
"""

from __future__ import annotations

import base64
import binascii
import re

from app.ofd import der
from app.ofd.errors import Asn1Error, IssueError

OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"
MAX_KEY_FILE = 16 * 1024
PEM = re.compile(rb"-----BEGIN ((?:EC )?PRIVATE KEY)-----(.+?)-----END \1-----", re.DOTALL)


def sm2_private_scalar(data: bytes) -> bytes:
    """The 32-byte private scalar of an SM2 key file; raise `IssueError(key_invalid)` for anything else."""
    if len(data) > MAX_KEY_FILE:
        raise IssueError("key file too large", code="key_invalid")
    match = PEM.search(data)
    try:
        if match is None:
            raise IssueError("not a PEM private key", code="key_invalid")
        body = base64.b64decode(b"".join(match.group(2).split()), validate=True)
        if match.group(1) == b"PRIVATE KEY":
            items = der.sequence(der.parse(body), "PrivateKeyInfo", minimum=3, maximum=4)
            alg = der.sequence(items[1], "AlgorithmIdentifier", minimum=2, maximum=2)
            if der.oid(alg[0], "algorithm") != OID_EC_PUBLIC_KEY or der.oid(alg[1], "curve") != OID_SM2_CURVE:
                raise IssueError("the key is not an SM2 key", code="key_invalid")
            body = der.octets(items[2], "privateKey")
        ec = der.sequence(der.parse(body), "ECPrivateKey", minimum=2, maximum=4)
        for extra in ec[2:]:
            if extra.tag_class == der.CONTEXT and extra.tag == 0:
                params = extra.children()
                if not params or der.oid(params[0], "curve") != OID_SM2_CURVE:
                    raise IssueError("the key is not an SM2 key", code="key_invalid")
        scalar = der.octets(ec[1], "privateKey")
    except (Asn1Error, binascii.Error, ValueError) as exc:
        if isinstance(exc, IssueError):
            raise
        raise IssueError(f"unreadable private key: {exc}", code="key_invalid") from exc
    if not 0 < len(scalar) <= 32:
        raise IssueError("SM2 private key of the wrong size", code="key_invalid")
    return scalar.rjust(32, b"\x00")
