"""`govdesk pki`: make an SM2 CA and department certificates (demo and tests), and verify a chain."""

from __future__ import annotations

import argparse
import base64
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.atomic_file import write_atomic
from app.ledger import sm2
from app.pki import der
from app.pki.sm2_x509 import CertificateError, issue_certificate, load_certificate, make_root, name, verify_chain

KEY_FILE = "ca.key"
CERT_FILE = "ca.pem"
_PEM_KEY = re.compile(r"-----BEGIN EC PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END EC PRIVATE KEY-----")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `pki` command and its subcommands."""
    pki = sub.add_parser("pki", help="SM2 certificates: make a CA, certify department keys, verify chains")
    pki_sub = pki.add_subparsers(dest="pki_command", metavar="SUBCOMMAND", required=True)

    make_ca = pki_sub.add_parser("make-ca", help="make an SM2 root CA: DIR/ca.key (0600, OpenSSL-readable), DIR/ca.pem")
    make_ca.add_argument("directory", type=Path)
    make_ca.add_argument("--name", default="govdesk demo root CA", help="the CA's common name")
    make_ca.add_argument("--days", type=int, default=3650)
    make_ca.set_defaults(func=run_make_ca)

    issue = pki_sub.add_parser("issue", help="certify an SM2 public key (04||x||y hex) under the CA in DIR")
    issue.add_argument("directory", type=Path, help="the CA's directory (from make-ca)")
    issue.add_argument("--name", required=True, help="subject common name, e.g. taxation.ledger.beijing.gov.cn")
    issue.add_argument("--public-key", required=True, help="the SM2 public key, 65 bytes in hex")
    issue.add_argument("--ca", action="store_true", help="issue an intermediate CA certificate")
    issue.add_argument("--days", type=int, default=365)
    issue.add_argument("--out", type=Path, help="write the PEM here (default: standard output)")
    issue.set_defaults(func=run_issue)

    check = pki_sub.add_parser("verify", help="verify CERT against ROOT (and intermediates); exit 1 on refusal")
    check.add_argument("certificate", type=Path)
    check.add_argument("--root", type=Path, required=True, action="append", help="a trusted root (PEM or DER)")
    check.add_argument("--intermediate", type=Path, action="append", default=[], help="an intermediate CA")
    check.set_defaults(func=run_verify)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _key_pem(private: bytes) -> bytes:
    body = base64.b64encode(sm2.private_key_to_der(private)).decode()
    return f"-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n".encode()


def read_private_key(path: Path) -> bytes:
    """Return the 32-byte scalar of an SM2 ECPrivateKey PEM (as make-ca writes it); ValueError otherwise."""
    match = _PEM_KEY.search(path.read_text(encoding="ascii", errors="replace"))
    if match is None:
        raise ValueError(f"{path} holds no EC PRIVATE KEY")
    data = base64.b64decode("".join(match.group(1).split()), validate=True)
    tag, start, end = der.read(data)
    parts = der.children(data, start, end) if tag == 0x30 else []
    if len(parts) < 2 or parts[1][0] != 0x04 or parts[1][3] - parts[1][2] != 32:
        raise ValueError(f"{path} is not an SM2 ECPrivateKey")
    private = data[parts[1][2] : parts[1][3]]
    if sm2.private_key_to_der(private) != data[: len(sm2.private_key_to_der(private))]:
        raise ValueError(f"{path} is not an SM2 ECPrivateKey on the sm2 curve")
    return private


def run_make_ca(args: argparse.Namespace) -> int:
    """Make a root CA key and self-signed certificate."""
    if not 1 <= args.days <= 36500:
        return _fail("--days must be between 1 and 36500")
    if (args.directory / KEY_FILE).exists():
        return _fail(f"{args.directory / KEY_FILE} exists: a CA is made once")
    private = sm2.generate_private()
    root = make_root(sm2.SM2_SM3.signer(private), args.name, now=datetime.now(UTC), days=args.days)
    args.directory.mkdir(parents=True, exist_ok=True)
    write_atomic(args.directory / KEY_FILE, _key_pem(private), mode=0o600)
    write_atomic(args.directory / CERT_FILE, root.pem().encode())
    print(f"root CA    {root.common_name}")
    print(f"SM3        {root.fingerprint.hex()}")
    print(f"SHA-256    {root.sha256_fingerprint.hex()}")
    return 0


def run_issue(args: argparse.Namespace) -> int:
    """Certify a public key under the CA."""
    try:
        private = read_private_key(args.directory / KEY_FILE)
        ca = load_certificate((args.directory / CERT_FILE).read_bytes())
        public_key = bytes.fromhex(args.public_key)
        sm2.public_key_from_spki(sm2.public_key_to_spki(public_key))
    except (OSError, ValueError) as exc:
        return _fail(str(exc))
    if not 1 <= args.days <= 36500:
        return _fail("--days must be between 1 and 36500")
    signer = sm2.SM2_SM3.signer(private)
    if signer.public_key != ca.public_key:
        return _fail("ca.key does not belong to ca.pem")
    now = datetime.now(UTC)
    certificate = issue_certificate(
        signer,
        ca.subject,
        name(args.name),
        public_key,
        serial=int.from_bytes(sm2.generate_private()[:16], "big") or 1,
        not_before=now - timedelta(minutes=5),
        not_after=min(now + timedelta(days=args.days), ca.not_after),
        ca=args.ca,
    )
    if args.out:
        write_atomic(args.out, certificate.pem().encode())
    else:
        sys.stdout.write(certificate.pem())
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Verify a certificate chain now; print the path, or the refusal code."""
    try:
        leaf = load_certificate(args.certificate.read_bytes())
        roots = [load_certificate(path.read_bytes()) for path in args.root]
        intermediates = [load_certificate(path.read_bytes()) for path in args.intermediate]
        path = verify_chain(leaf, intermediates, roots, at=datetime.now(UTC), require_ca_leaf=leaf.is_ca)
    except OSError as exc:
        return _fail(str(exc))
    except CertificateError as exc:
        print(f"REFUSED {exc.code}: {exc.detail}")
        return 1
    for certificate in path:
        print(f"OK  {certificate.common_name}  (SM3 {certificate.fingerprint.hex()[:16]}…)")
    return 0
