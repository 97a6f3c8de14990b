"""SM2 X.509 certificates: chains made by the OpenSSL CLI verify here, chains made here verify in OpenSSL."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.ledger import sm2
from app.pki import sm2_x509
from app.pki.sm2_x509 import CertificateError, issue_certificate, load_certificate, make_root, name, verify_chain

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DISTID = "distid:1234567812345678"


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60, check=False)


def _check(result: subprocess.CompletedProcess[bytes]) -> None:
    assert result.returncode == 0, result.stderr.decode()


@pytest.fixture(scope="module")
def openssl_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Root CA -> intermediate CA -> leaf, all SM2 with SM3 and ID 1234567812345678, made by the OpenSSL CLI."""
    work = tmp_path_factory.mktemp("openssl_pki")
    for key in ("root", "mid", "leaf"):
        _check(_openssl("genpkey", "-algorithm", "SM2", "-out", f"{key}.key", cwd=work))
    (work / "ca.cnf").write_text("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
    (work / "leaf.cnf").write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n")
    (work / "odd.cnf").write_text("basicConstraints=critical,CA:FALSE\n1.2.3.4=critical,ASN1:NULL\n")
    _check(
        _openssl(
            *("req", "-x509", "-new", "-key", "root.key", "-sm3", "-sigopt", DISTID, "-days", "3650"),
            *("-subj", "/C=CN/O=Beijing/CN=OpenSSL Root", "-addext", "basicConstraints=critical,CA:TRUE"),
            *("-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "root.pem"),
            cwd=work,
        )
    )
    for key, issuer, ext, subject in (
        ("mid", "root", "ca.cnf", "/C=CN/O=Beijing/CN=OpenSSL Intermediate"),
        ("leaf", "mid", "leaf.cnf", "/C=CN/O=Beijing/CN=taxation"),
        ("leaf", "mid", "odd.cnf", "/C=CN/O=Beijing/CN=odd"),
    ):
        out = "odd" if ext == "odd.cnf" else key
        _check(
            _openssl(
                "req",
                "-new",
                "-key",
                f"{key}.key",
                "-sm3",
                "-sigopt",
                DISTID,
                "-subj",
                subject,
                "-out",
                f"{out}.csr",
                cwd=work,
            )
        )
        _check(
            _openssl(
                *("x509", "-req", "-in", f"{out}.csr", "-CA", f"{issuer}.pem", "-CAkey", f"{issuer}.key"),
                *("-sm3", "-sigopt", DISTID, "-vfyopt", DISTID, "-days", "365", "-extfile", ext, "-out", f"{out}.pem"),
                cwd=work,
            )
        )
    return work


def _load(path: Path) -> sm2_x509.Sm2Certificate:
    return load_certificate(path.read_bytes())


def test_openssl_made_chain_verifies(openssl_chain: Path) -> None:
    root, mid, leaf = (_load(openssl_chain / f"{n}.pem") for n in ("root", "mid", "leaf"))
    now = datetime.now(UTC)
    path = verify_chain(leaf, [mid], [root], at=now)
    assert [c.common_name for c in path] == ["taxation", "OpenSSL Intermediate", "OpenSSL Root"]
    assert root.is_ca and mid.is_ca and not leaf.is_ca
    exported = _openssl("pkey", "-in", "leaf.key", "-pubout", "-outform", "DER", cwd=openssl_chain)
    assert leaf.public_key == sm2.public_key_from_spki(exported.stdout)
    with pytest.raises(CertificateError) as refused:
        verify_chain(leaf, [], [root], at=now)  # the intermediate is missing
    assert refused.value.code == "certificate_untrusted"
    with pytest.raises(CertificateError) as refused:
        verify_chain(leaf, [mid], [root], at=now + timedelta(days=400))
    assert refused.value.code == "certificate_expired"
    with pytest.raises(CertificateError) as refused:
        load_certificate((openssl_chain / "odd.pem").read_bytes())
    assert refused.value.code == "certificate_unknown_critical_extension"


def test_a_changed_byte_in_an_openssl_certificate_is_refused(openssl_chain: Path) -> None:
    root, mid, leaf = (_load(openssl_chain / f"{n}.pem") for n in ("root", "mid", "leaf"))
    tampered = bytearray(leaf.der)
    index = tampered.index(b"taxation")
    tampered[index] ^= 0x20  # "Taxation": still a well-formed certificate
    forged = load_certificate(bytes(tampered))
    with pytest.raises(CertificateError) as refused:
        verify_chain(forged, [mid], [root], at=datetime.now(UTC))
    assert refused.value.code == "certificate_bad_signature"


def test_govdesk_made_chain_verifies_in_openssl(tmp_path: Path) -> None:
    root_signer = sm2.SM2_SM3.signer(sm2.generate_private())
    mid_signer = sm2.SM2_SM3.signer(sm2.generate_private())
    leaf_key = sm2.SM2_SM3.signer(sm2.generate_private()).public_key
    now = datetime.now(UTC)
    root = make_root(root_signer, "govdesk root", now=now)
    mid = issue_certificate(
        root_signer, root.subject, name("govdesk departments CA"), mid_signer.public_key,
        serial=2, not_before=now - timedelta(hours=1), not_after=now + timedelta(days=365), ca=True, path_length=0,
    )  # fmt: skip
    leaf = issue_certificate(
        mid_signer, mid.subject, name("taxation.ledger.beijing.gov.cn"), leaf_key,
        serial=3, not_before=now - timedelta(hours=1), not_after=now + timedelta(days=30), ca=False,
    )  # fmt: skip
    assert [c.der for c in verify_chain(leaf, [mid], [root], at=now)] == [leaf.der, mid.der, root.der]
    (tmp_path / "root.pem").write_text(root.pem())
    (tmp_path / "mid.pem").write_text(mid.pem())
    (tmp_path / "leaf.pem").write_text(leaf.pem())
    # OpenSSL 3.0's `verify` applies -vfyopt to the target certificate only (the others are checked over an
    # empty ID), so each link is checked on its own: mid under root, then leaf under mid as a partial chain.
    for target, anchor in (("mid.pem", "root.pem"), ("leaf.pem", "mid.pem")):
        verify = ("verify", "-partial_chain", "-CAfile", anchor)
        accepted = _openssl(*verify, "-vfyopt", DISTID, target, cwd=tmp_path)
        assert accepted.returncode == 0 and f"{target}: OK".encode() in accepted.stdout, accepted.stderr
        # over an empty ID (OpenSSL's default without distid) the same signature is refused
        assert _openssl(*verify, target, cwd=tmp_path).returncode != 0
    text = _openssl("x509", "-in", "leaf.pem", "-noout", "-text", cwd=tmp_path).stdout.decode()
    assert "SM2-with-SM3" in text and "ASN1 OID: SM2" in text and "Digital Signature" in text


def _chain(path_length: int | None = None) -> tuple[list[sm2.Sm2Signer], list[sm2_x509.Sm2Certificate]]:
    signers = [sm2.SM2_SM3.signer(sm2.generate_private()) for _ in range(4)]
    root = make_root(signers[0], "root", now=NOW)
    certs = [root]
    for depth in (1, 2):
        certs.append(
            issue_certificate(
                signers[depth - 1], certs[-1].subject, name(f"ca{depth}"), signers[depth].public_key,
                serial=10 + depth, not_before=NOW, not_after=NOW + timedelta(days=10), ca=True,
                path_length=path_length if depth == 1 else None,
            )
        )  # fmt: skip
    certs.append(
        issue_certificate(
            signers[2], certs[-1].subject, name("leaf"), signers[3].public_key,
            serial=20, not_before=NOW, not_after=NOW + timedelta(days=5), ca=False,
        )
    )  # fmt: skip
    return signers, certs


def test_path_length_and_ca_constraints() -> None:
    _, (root, ca1, ca2, leaf) = _chain(path_length=1)
    assert len(verify_chain(leaf, [ca2, ca1], [root], at=NOW + timedelta(days=1))) == 4
    _, (root, ca1, ca2, leaf) = _chain(path_length=0)
    with pytest.raises(CertificateError) as refused:
        verify_chain(leaf, [ca2, ca1], [root], at=NOW + timedelta(days=1))
    assert refused.value.code == "certificate_path_too_long"


def test_a_leaf_cannot_issue_and_validity_is_checked() -> None:
    signers, (root, ca1, ca2, leaf) = _chain()
    grandchild = issue_certificate(
        signers[3], leaf.subject, name("grandchild"),
        signers[0].public_key, serial=99, not_before=NOW, not_after=NOW + timedelta(days=1), ca=False,
    )  # fmt: skip
    with pytest.raises(CertificateError) as refused:
        verify_chain(grandchild, [leaf, ca2, ca1], [root], at=NOW + timedelta(hours=1))
    assert refused.value.code == "certificate_not_ca"
    with pytest.raises(CertificateError) as refused:
        verify_chain(leaf, [ca2, ca1], [root], at=NOW - timedelta(days=1))
    assert refused.value.code == "certificate_not_yet_valid"
    with pytest.raises(CertificateError) as refused:
        verify_chain(ca2, [ca1], [root], at=NOW)  # a CA certificate is not a signing identity
    assert refused.value.code == "certificate_key_usage"
    assert verify_chain(ca2, [ca1], [root], at=NOW, require_ca_leaf=True)[-1] is root


def _p256_certificate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "p256")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=1))
    )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "certificate_malformed"),
        (b"\x30\x03\x02\x01\x01", "certificate_malformed"),
        (b"\x30\x84\xff\xff\xff\xff", "certificate_malformed"),
        (b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n", "certificate_malformed"),
        (b"-----BEGIN CERTIFICATE-----\n", "certificate_malformed"),
        (b"\x30\x82\x40\x01" + bytes(0x4001), "certificate_malformed"),
        (_p256_certificate(), "certificate_unsupported_algorithm"),
    ],
)
def test_hostile_certificates_are_refused_with_a_code(data: bytes, code: str) -> None:
    with pytest.raises(CertificateError) as refused:
        load_certificate(data)
    assert refused.value.code == code


def test_every_truncation_is_refused() -> None:
    _, (root, *_rest) = _chain()
    for size in range(0, len(root.der), 7):
        with pytest.raises(CertificateError):
            load_certificate(root.der[:size])
