"""OFD verification: documents govdesk seals verify, every mutation fails with its typed reason, other vendors' too."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ledger.suites import ED25519
from app.ofd import der, gm, revocation, ses
from app.ofd.errors import IssueError
from app.ofd.issue import issue_document
from app.ofd.seal import make_seal
from app.ofd.verdict import REASONS
from app.ofd.verify import OfdTrust, verify_bytes
from app.pki.sm2_x509 import load_certificate as load_x509
from tests.ofd_support import (
    DISTID,
    Pki,
    licence_spec,
    make_pki,
    seal_png,
    seal_request,
    sealed_document,
    to_file,
    unzip,
)

SIGN_DIR = "Doc_0/Signs/Sign_0"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ofd"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def trust(pki: Pki) -> OfdTrust:
    return OfdTrust(roots=(load_x509(pki.root.cert),))


@pytest.fixture(scope="module")
def members(pki: Pki) -> dict[str, bytes]:
    return sealed_document(pki)


def test_a_sealed_licence_is_valid_and_trusted(members: dict[str, bytes], trust: OfdTrust) -> None:
    verdict = verify_bytes(to_file(members), trust)
    assert (verdict.valid, verdict.trusted, verdict.reason) == (True, True, "ok"), verdict.signatures[0].params
    (sig,) = verdict.signatures
    assert sig.kind == "seal-v4" and sig.id == "1"
    assert sig.signer == "北京市市场监督管理局"
    assert sig.seal is not None and sig.seal.name == "北京市朝阳区市场监督管理局"
    assert sig.seal.owner == "北京市市场监督管理局"
    assert sig.seal.picture.startswith(b"\x89PNG")
    assert verdict.licence["holder"] == "北京示例科技有限公司"
    assert verdict.licence["number"] == "91110105MA01ABCD2X"
    assert verdict.uncovered == []


def test_an_unknown_root_is_intact_but_not_trusted(members: dict[str, bytes], pki: Pki) -> None:
    for roots in ((), (load_x509(pki.other_root.cert),)):
        verdict = verify_bytes(to_file(members), OfdTrust(roots=roots))
        assert (verdict.valid, verdict.trusted, verdict.reason) == (True, False, "issuer_untrusted")
        assert verdict.signatures[0].valid and not verdict.signatures[0].trusted
        assert "issuer not trusted" in verdict.signatures[0].message


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def _replace_signature(members: dict[str, bytes], signature: bytes) -> dict[str, bytes]:
    items = der.parse(members[f"{SIGN_DIR}/SignedValue.dat"]).children()
    out = dict(members)
    out[f"{SIGN_DIR}/SignedValue.dat"] = der.enc_sequence(
        items[0].raw, items[1].raw, items[2].raw, der.enc_bits(signature)
    )
    return out


def _replace_cert(members: dict[str, bytes], cert: bytes) -> dict[str, bytes]:
    items = der.parse(members[f"{SIGN_DIR}/SignedValue.dat"]).children()
    out = dict(members)
    out[f"{SIGN_DIR}/SignedValue.dat"] = der.enc_sequence(
        items[0].raw, der.enc_octets(cert), items[2].raw, items[3].raw
    )
    return out


def _mutations(m: dict[str, bytes], pki: Pki) -> dict[str, tuple[dict[str, bytes], str]]:
    page = "Doc_0/Pages/Page_0/Content.xml"
    parsed = ses.parse_signature(m[f"{SIGN_DIR}/SignedValue.dat"])
    signature_xml = m[f"{SIGN_DIR}/Signature.xml"]
    return {
        "page byte": ({**m, page: _flip(m[page], len(m[page]) // 2)}, "digest_mismatch"),
        "image byte": ({**m, "Doc_0/Res/image_4.jpg": _flip(m["Doc_0/Res/image_4.jpg"], 500)}, "digest_mismatch"),
        "OFD.xml": (
            {**m, "OFD.xml": m["OFD.xml"].replace("营业执照".encode(), "营业执熙".encode())},
            "digest_mismatch",
        ),
        "page removed": ({k: v for k, v in m.items() if k != page}, "reference_missing"),
        "Signature.xml": (
            {**m, f"{SIGN_DIR}/Signature.xml": signature_xml.replace(b'Version="1"', b'Version="2"')},
            "data_hash_mismatch",
        ),
        "signature value": (_replace_signature(m, _flip(parsed.signature, 10)), "signature_invalid"),
        "another certificate": (_replace_cert(m, pki.maker.cert), "signature_invalid"),
        "garbled certificate": (_replace_cert(m, _flip(parsed.signer_cert, 3)), "certificate_invalid"),
        "seal file": ({**m, f"{SIGN_DIR}/Seal.esl": _flip(m[f"{SIGN_DIR}/Seal.esl"], 40)}, "digest_mismatch"),
        "signed value garbage": ({**m, f"{SIGN_DIR}/SignedValue.dat": b"\x30\x03\x02\x01"}, "signed_value_invalid"),
    }


MUTATIONS = [
    "page byte", "image byte", "OFD.xml", "page removed", "Signature.xml", "signature value", "another certificate",
    "garbled certificate", "seal file", "signed value garbage",
]  # fmt: skip


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_every_mutation_is_refused_with_its_reason(
    mutation: str, members: dict[str, bytes], pki: Pki, trust: OfdTrust
) -> None:
    mutated, reason = _mutations(members, pki)[mutation]
    verdict = verify_bytes(to_file(mutated), trust)
    assert not verdict.valid and not verdict.trusted
    assert verdict.reason == "signature_failed"
    assert verdict.signatures[0].reason == reason, verdict.signatures[0].params
    assert not verdict.signatures[0].valid


def test_an_unsigned_extra_file_leaves_content_uncovered(members: dict[str, bytes], trust: OfdTrust) -> None:
    verdict = verify_bytes(to_file({**members, "Doc_0/Res/extra.png": b"\x89PNG added later"}), trust)
    assert verdict.signatures[0].valid
    assert not verdict.valid and verdict.reason == "content_not_covered"
    assert verdict.uncovered == ["Doc_0/Res/extra.png"]


def test_removing_the_signature_list_leaves_no_signature(members: dict[str, bytes], trust: OfdTrust) -> None:
    stripped = {k: v for k, v in members.items() if k != "Doc_0/Signs/Signatures.xml"}
    verdict = verify_bytes(to_file(stripped), trust)
    assert (verdict.valid, verdict.reason, verdict.signatures) == (False, "no_signatures", [])


def test_a_broken_zip_is_unreadable(members: dict[str, bytes], trust: OfdTrust) -> None:
    data = to_file(members)
    verdict = verify_bytes(data[: len(data) - 30], trust)
    assert not verdict.readable and verdict.reason == "unreadable"
    assert verdict.to_json() == {"valid": False, "trusted": False, "signatures": []}


def test_seal_maker_signature_is_checked(pki: Pki, trust: OfdTrust) -> None:
    seal = make_seal(seal_request(pki), pki.maker.signer())
    items = der.parse(seal).children()
    forged = der.enc_sequence(
        items[0].raw, items[1].raw, items[2].raw, der.enc_bits(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    )
    verdict = verify_bytes(to_file(sealed_document(pki, seal=forged)), trust)
    assert verdict.signatures[0].reason == "seal_invalid"


def test_a_seal_used_outside_its_validity_is_refused(pki: Pki, trust: OfdTrust) -> None:
    past = datetime.now(UTC) - timedelta(days=400)
    seal = make_seal(seal_request(pki, valid_from=past, valid_until=past + timedelta(days=30)), pki.maker.signer())
    verdict = verify_bytes(to_file(sealed_document(pki, seal=seal)), trust)
    assert verdict.signatures[0].reason == "seal_expired"


def test_a_seal_picture_that_is_not_its_type_is_refused(pki: Pki, trust: OfdTrust) -> None:
    seal = make_seal(seal_request(pki, picture=b"GIF89a not a png"), pki.maker.signer())
    verdict = verify_bytes(to_file(sealed_document(pki, seal=seal)), trust)
    assert verdict.signatures[0].reason == "seal_picture_invalid"


def test_a_signer_who_does_not_hold_the_seal_is_refused(pki: Pki, trust: OfdTrust) -> None:
    seal = make_seal(seal_request(pki, holder=pki.maker.cert), pki.maker.signer())
    verdict = verify_bytes(to_file(sealed_document(pki, seal=seal)), trust)
    assert verdict.signatures[0].reason == "signer_not_seal_holder"


def test_a_certificate_expired_at_signing_time_is_refused(pki: Pki, trust: OfdTrust) -> None:
    seal = make_seal(seal_request(pki, holder=pki.short_signer.cert), pki.maker.signer())
    later = datetime.now(UTC) + timedelta(days=3)
    members = sealed_document(pki, seal=seal, signer=pki.short_signer, signed_at=later)
    verdict = verify_bytes(to_file(members), trust)
    assert verdict.signatures[0].reason == "certificate_expired"


@pytest.mark.parametrize("what", ["signer", "maker", "seal"])
def test_revocation_makes_a_valid_signature_untrusted(
    what: str, members: dict[str, bytes], pki: Pki, trust: OfdTrust
) -> None:
    parsed = ses.parse_signature(members[f"{SIGN_DIR}/SignedValue.dat"])
    serial = {
        "signer": revocation.certificate_serial(pki.signer.cert),
        "maker": revocation.certificate_serial(pki.maker.cert),
        "seal": revocation.seal_serial(parsed.seal.vendor_id, parsed.seal.es_id),
    }[what]
    revoked = OfdTrust(roots=trust.roots, is_revoked=lambda s: s == serial)
    verdict = verify_bytes(to_file(members), revoked)
    sig = verdict.signatures[0]
    assert sig.valid and sig.revoked and not sig.trusted and sig.reason == "revoked"
    assert verdict.valid and not verdict.trusted and verdict.reason == "revoked"


def test_openssl_verifies_the_signature_of_an_issued_document(
    members: dict[str, bytes], pki: Pki, tmp_path: Path
) -> None:
    parsed = ses.parse_signature(members[f"{SIGN_DIR}/SignedValue.dat"])
    (tmp_path / "tbs.der").write_bytes(parsed.tbs)
    (tmp_path / "sig.der").write_bytes(parsed.signature)
    (tmp_path / "cert.der").write_bytes(parsed.signer_cert)
    subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-in", "cert.der", "-out", "cert.pem"], cwd=tmp_path, check=True
    )
    command = [
        "openssl", "pkeyutl", "-verify", "-certin", "-inkey", "cert.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", DISTID, "-in", "tbs.der", "-sigfile", "sig.der",
    ]  # fmt: skip
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stdout + ok.stderr
    (tmp_path / "tbs.der").write_bytes(_flip(parsed.tbs, 20))
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0


def test_openssl_signed_tbs_verifies_in_govdesk(pki: Pki, tmp_path: Path) -> None:
    """The other way: OpenSSL signs the bytes with the department key, govdesk's verifier accepts it."""
    message = tmp_path / "m.bin"
    message.write_bytes("营业执照 TBS_Sign stand-in".encode())
    subprocess.run(
        ["openssl", "pkeyutl", "-sign", "-inkey", str(pki.signer.key_path), "-rawin", "-digest", "sm3",
         "-pkeyopt", DISTID, "-in", str(message), "-out", str(tmp_path / "sig.der")],
        check=True, capture_output=True,
    )  # fmt: skip
    cert = gm.load_certificate(pki.signer.cert)
    signature = (tmp_path / "sig.der").read_bytes()
    assert gm.verify_with_certificate(cert, message.read_bytes(), signature)
    assert not gm.verify_with_certificate(cert, message.read_bytes() + b"x", signature)


def test_the_pki_root_signed_the_leaf(pki: Pki) -> None:
    signer = gm.load_certificate(pki.signer.cert)
    assert gm.chains_to(signer, (load_x509(pki.root.cert),), datetime.now(UTC))
    assert not gm.chains_to(signer, (load_x509(pki.other_root.cert),), None)
    assert not gm.chains_to(signer, (load_x509(pki.root.cert),), datetime.now(UTC) + timedelta(days=4000))


# --- other producers' documents (ofdrw test resources, Apache-2.0; see tests/fixtures/ofd/NOTICE.md) ----------

SAMPLES = {
    # file: (document valid, reason of each signature)
    "v4signed.ofd": (True, ["issuer_untrusted"]),
    "keyword2.ofd": (True, ["issuer_untrusted"]),
    "1.ofd": (True, ["issuer_untrusted"]),
    "SignScaleError.ofd": (True, ["issuer_untrusted"]),
    "allprotected.ofd": (True, ["issuer_untrusted"]),
    # sealed once protecting Signatures.xml, then sealed again: the second seal changed what the first covers
    "h.ofd": (False, ["digest_mismatch", "issuer_untrusted"]),
    # sealed in 2026 with a seal valid 2020-2022
    "SESV4SignDoc.ofd": (False, ["seal_expired"]),
    # the Chongqing invoice seal does not cover OFD.xml (where the invoice's fields are)
    "999.ofd": (False, ["issuer_untrusted"]),
    "DigitalSign.ofd": (False, ["signer_unknown"]),
    "testImageOverridePage.ofd": (True, ["issuer_untrusted", "issuer_untrusted"]),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_other_vendors_documents(name: str) -> None:
    verdict = verify_bytes((FIXTURES / name).read_bytes(), OfdTrust())
    valid, reasons = SAMPLES[name]
    assert [s.reason for s in verdict.signatures] == reasons, [(s.reason, s.params) for s in verdict.signatures]
    assert verdict.valid is valid and not verdict.trusted


# --- version-1 seals (GM/T 0031-2014), built here from the standard's structures -------------------------


def _v1_seal(pki: Pki) -> bytes:
    now = datetime.now(UTC)
    header = der.enc_sequence(der.enc_ia5("ES"), der.enc_integer(1), der.enc_ia5("govdesk"))
    utc = lambda t: der.encode(0x17, t.strftime("%y%m%d%H%M%SZ").encode())  # noqa: E731 (v1 uses UTCTime)
    prop = der.enc_sequence(
        der.enc_integer(1), der.enc_utf8("北京市朝阳区市场监督管理局"),
        der.enc_sequence(der.enc_octets(pki.signer.cert)),
        utc(now - timedelta(days=1)), utc(now - timedelta(days=1)), utc(now + timedelta(days=300)),
    )  # fmt: skip
    picture = der.enc_sequence(der.enc_ia5("PNG"), der.enc_octets(seal_png()), der.enc_integer(40), der.enc_integer(40))
    info = der.enc_sequence(header, der.enc_ia5("110105V1"), prop, picture)
    cert, alg = der.enc_octets(pki.maker.cert), der.enc_oid(ses.OID_SM2_SM3)
    maker_signature = pki.maker.signer().sign(der.enc_sequence(info, cert, alg))
    return der.enc_sequence(info, der.enc_sequence(cert, alg, der.enc_bits(maker_signature)))


def _seal_v1(members: dict[str, bytes], pki: Pki) -> dict[str, bytes]:
    """Re-sign a v4-sealed document's Signature.xml as a version-1 SES_Signature."""
    signature_xml = members[f"{SIGN_DIR}/Signature.xml"].replace(b"<ofd:Seal><ofd:BaseLoc>/Doc_0/Signs/Sign_0/Seal.esl"
                                                                 b"</ofd:BaseLoc></ofd:Seal>", b"")  # fmt: skip
    out = dict(members)  # the v4 seal file stays, as a covered member; the v1 signature carries its own seal
    out[f"{SIGN_DIR}/Signature.xml"] = signature_xml
    tbs = der.enc_sequence(
        der.enc_integer(1), _v1_seal(pki), der.enc_bits(datetime.now(UTC).strftime("%Y%m%d%H%M%SZ").encode()),
        der.enc_bits(gm.sm3(signature_xml)), der.enc_ia5("/Doc_0/Signs/Sign_0/Signature.xml"),
        der.enc_octets(pki.signer.cert), der.enc_oid(ses.OID_SM2_SM3),
    )  # fmt: skip
    out[f"{SIGN_DIR}/SignedValue.dat"] = der.enc_sequence(tbs, der.enc_bits(pki.signer.signer().sign(tbs)))
    return out


def test_version_1_seals_verify_and_fail_like_version_4(members: dict[str, bytes], pki: Pki, trust: OfdTrust) -> None:
    v1 = _seal_v1(members, pki)
    verdict = verify_bytes(to_file(v1), trust)
    sig = verdict.signatures[0]
    assert sig.kind == "seal-v1" and sig.reason == "ok" and verdict.valid and verdict.trusted, sig.params
    assert sig.seal is not None and sig.seal.version == 1
    page = "Doc_0/Pages/Page_0/Content.xml"
    tampered = verify_bytes(to_file({**v1, page: _flip(v1[page], 30)}), trust)
    assert tampered.signatures[0].reason == "digest_mismatch"
    value = der.parse(v1[f"{SIGN_DIR}/SignedValue.dat"]).children()
    forged = der.enc_sequence(value[0].raw, der.enc_bits(_flip(der.bits(value[1], "s"), 12)))
    bad = verify_bytes(to_file({**v1, f"{SIGN_DIR}/SignedValue.dat": forged}), trust)
    assert bad.signatures[0].reason == "signature_invalid"


# --- fuzzing the whole file: any change either keeps every covered byte or is refused with a typed reason ---


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_changes_to_a_sealed_file_never_pass_unnoticed(
    data: st.DataObject, members: dict[str, bytes], trust: OfdTrust
) -> None:
    original = to_file(members)
    blob = bytearray(original)
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(blob) - 1))
        blob[position] ^= data.draw(st.integers(1, 255))
    verdict = verify_bytes(bytes(blob), trust)  # never raises
    assert verdict.reason in REASONS
    assert all(s.reason in REASONS for s in verdict.signatures)
    if verdict.valid:
        assert unzip(bytes(blob)) == members  # only ZIP metadata changed: every member is what was sealed


def test_a_department_cannot_hand_out_a_document_its_seal_does_not_allow(pki: Pki) -> None:
    """Issuing verifies what it made: a seal held by another certificate is refused before anything is anchored."""
    seal = make_seal(seal_request(pki, holder=pki.maker.cert), pki.maker.signer())
    with pytest.raises(IssueError) as info:
        issue_document(
            licence_spec(), seal=seal, seal_signer=pki.signer.signer(), department="x.example",
            ledger_signer=ED25519.signer(ED25519.generate_private()),
        )  # fmt: skip
    assert "signer_not_seal_holder" in str(info.value)
