"""EU digital certificates (HC1:) built here with test keys and DSCs: ES256, PS256, kid placement, tags, EKU."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from app.certs import Status, base45, hcert
from app.certs.errors import TrustListError
from app.certs.verify import verify, verify_hcert
from app.store.keywrap import KdfParams
from app.store.replica import create_office, open_replica

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OID = {
    "test": "1.3.6.1.4.1.1847.2021.1.1",
    "vaccination": "1.3.6.1.4.1.1847.2021.1.2",
    "recovery": "1.3.6.1.4.1.1847.2021.1.3",
}
DCC_VACCINATION = {
    "ver": "1.3.0",
    "nam": {"fn": "Mustermann", "gn": "Erika", "fnt": "MUSTERMANN", "gnt": "ERIKA"},
    "dob": "1964-08-12",
    "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "dn": 2, "sd": 2, "dt": "2021-05-29"}],
}
DCC_TEST = {**{k: v for k, v in DCC_VACCINATION.items() if k != "v"}, "t": [{"tg": "840539006", "tr": "260415000"}]}


class Dsc:
    """A document signer: a private key and its self-issued X.509 certificate."""

    def __init__(self, alg: str, *, eku: list[str] | None = None, not_after: datetime | None = None) -> None:
        self.alg = alg
        self.key = ec.generate_private_key(ec.SECP256R1()) if alg == "ES256" else rsa.generate_private_key(65537, 2048)
        name = x509.Name(
            [x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"), x509.NameAttribute(NameOID.COMMON_NAME, f"DSC {alg}")]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - timedelta(days=365))
            .not_valid_after(not_after or NOW + timedelta(days=365))
        )
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in eku]), False)
        self.cert = builder.sign(self.key, hashes.SHA256())
        self.der = self.cert.public_bytes(Encoding.DER)
        self.pem = self.cert.public_bytes(Encoding.PEM)
        self.kid = hashlib.sha256(self.der).digest()[:8]

    def sign(self, data: bytes) -> bytes:
        if self.alg == "ES256":
            r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return self.key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())


@pytest.fixture(scope="module")
def es256() -> Dsc:
    return Dsc("ES256")


@pytest.fixture(scope="module")
def ps256() -> Dsc:
    return Dsc("PS256")


def make_hcert(
    dsc: Dsc,
    *,
    dcc: dict | None = None,
    iat: datetime = NOW - timedelta(days=10),
    exp: datetime = NOW + timedelta(days=300),
    kid_protected: bytes | None = b"",
    kid_unprotected: bytes | None = None,
    cwt_tag: bool = False,
    cose_tag: bool = True,
    compress: bool = True,
    payload_edit: bytes | None = None,
    claims_edit: dict | None = None,
) -> str:
    """Build an HC1: text; kid_protected=b'' means 'the DSC's own kid', None means 'absent'."""
    alg = -7 if dsc.alg == "ES256" else -37
    protected_map = {1: alg}
    if kid_protected is not None:
        protected_map[4] = kid_protected or dsc.kid
    unprotected = {} if kid_unprotected is None else {4: kid_unprotected}
    protected = cbor2.dumps(protected_map)
    claims = {1: "DE", 4: int(exp.timestamp()), 6: int(iat.timestamp()), -260: {1: dcc or DCC_VACCINATION}}
    claims.update(claims_edit or {})
    payload = cbor2.dumps(claims)
    signature = dsc.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    if payload_edit is not None:
        payload = payload.replace(b"Erika", payload_edit)
    message: object = [protected, unprotected, payload, signature]
    if cose_tag:
        message = cbor2.CBORTag(18, message)
    if cwt_tag:
        message = cbor2.CBORTag(61, message)
    data = cbor2.dumps(message)
    return "HC1:" + base45.encode(zlib.compress(data) if compress else data)


def test_es256_with_kid_in_the_protected_header(es256: Dsc) -> None:
    verdict = verify(make_hcert(es256), trust_x509=[es256.pem], at=NOW)
    assert verdict.status is Status.VALID, verdict.reason_en
    assert verdict.format == "hcert"
    assert verdict.claims["kind"] == "vaccination" and verdict.claims["alg"] == "ES256"
    assert verdict.claims["hcert"]["1"]["nam"]["fn"] == "Mustermann"
    assert "欧盟" in verdict.reason_zh


def test_ps256_with_kid_in_the_unprotected_header(ps256: Dsc) -> None:
    text = make_hcert(ps256, kid_protected=None, kid_unprotected=ps256.kid)
    verdict = verify(text, trust_x509=[ps256.der], at=NOW)
    assert verdict.status is Status.VALID, verdict.reason_en
    assert verdict.claims["alg"] == "PS256"


def test_the_protected_kid_decides_when_both_are_present(es256: Dsc) -> None:
    right = make_hcert(es256, kid_unprotected=b"\x01" * 8)
    assert verify(right, trust_x509=[es256.pem], at=NOW).status is Status.VALID
    wrong = make_hcert(es256, kid_protected=b"\x01" * 8, kid_unprotected=es256.kid)
    assert verify(wrong, trust_x509=[es256.pem], at=NOW).status is Status.UNKNOWN_ISSUER


def test_cwt_tag_61_around_tag_18_and_an_untagged_cose_are_read(es256: Dsc) -> None:
    assert verify(make_hcert(es256, cwt_tag=True), trust_x509=[es256.pem], at=NOW).status is Status.VALID
    assert verify(make_hcert(es256, cose_tag=False), trust_x509=[es256.pem], at=NOW).status is Status.VALID


def test_claim_types_follow_rfc_8392_not_a_guess(es256: Dsc) -> None:
    """A floating-point NumericDate and an iss of any length are valid CWT claims (RFC 8392, HCERT 1.0)."""
    iat, exp = (NOW - timedelta(days=10)).timestamp() + 0.25, (NOW + timedelta(days=300)).timestamp() + 0.5
    floats = make_hcert(es256, claims_edit={6: iat, 4: exp})
    verdict = verify(floats, trust_x509=[es256.pem], at=NOW)
    assert verdict.status is Status.VALID, verdict.reason_en
    assert verdict.claims["issued_at"].endswith(".250000+00:00")
    long_iss = make_hcert(es256, claims_edit={1: "Ministry of Internally Displaced Persons, Labour, Health " * 4})
    assert verify(long_iss, trust_x509=[es256.pem], at=NOW).status is Status.VALID
    # a float exp in the past still expires the certificate
    past = make_hcert(es256, claims_edit={4: (NOW - timedelta(seconds=301)).timestamp() - 0.5})
    assert verify(past, trust_x509=[es256.pem], at=NOW).status is Status.EXPIRED
    # CBOR date/time values (tags 0 and 1) in the DCC are read and shown as ISO 8601
    dated = make_hcert(es256, dcc={**DCC_VACCINATION, "dob": datetime(1964, 8, 12, tzinfo=UTC)})
    verdict = verify(dated, trust_x509=[es256.pem], at=NOW)
    assert verdict.status is Status.VALID and verdict.claims["hcert"]["1"]["dob"].startswith("1964-08-12")


@pytest.mark.parametrize(
    "edit",
    [
        {6: True},
        {6: "1614000000"},
        {6: float("nan")},
        {4: float("inf")},
        {6: -1},
        {4: 1 << 41},
        {6: cbor2.CBORTag(1, 1614000000)},
        {4: None},
        {1: 1234},
        {1: b"DE"},
    ],
    ids=repr,
)
def test_claims_of_the_wrong_type_are_malformed(es256: Dsc, edit: dict) -> None:
    verdict = verify(make_hcert(es256, claims_edit=edit), trust_x509=[es256.pem], at=NOW)
    assert verdict.status is Status.MALFORMED, verdict.reason_en


def test_an_uncompressed_payload_is_refused(es256: Dsc) -> None:
    verdict = verify(make_hcert(es256, compress=False), trust_x509=[es256.pem], at=NOW)
    assert verdict.status is Status.MALFORMED and "uncompressed" in verdict.reason_en


def test_expired_certificate_and_expired_signer(es256: Dsc) -> None:
    text = make_hcert(es256, iat=NOW - timedelta(days=400), exp=NOW - timedelta(days=1))
    assert verify(text, trust_x509=[es256.pem], at=NOW).status is Status.EXPIRED
    old = Dsc("ES256", not_after=NOW - timedelta(days=2))
    verdict = verify(make_hcert(old), trust_x509=[old.pem], at=NOW)
    assert verdict.status is Status.EXPIRED and verdict.code == "signer_expired"


def test_not_yet_valid(es256: Dsc) -> None:
    text = make_hcert(es256, iat=NOW + timedelta(hours=2))
    assert verify(text, trust_x509=[es256.pem], at=NOW).status is Status.NOT_YET_VALID


def test_extended_key_usage_restricts_the_kind() -> None:
    tests_only = Dsc("ES256", eku=[OID["test"]])
    verdict = verify(make_hcert(tests_only), trust_x509=[tests_only.pem], at=NOW)
    assert verdict.status is Status.WRONG_KEY_USAGE and "vaccination" in verdict.reason_en
    assert verify(make_hcert(tests_only, dcc=DCC_TEST), trust_x509=[tests_only.pem], at=NOW).status is Status.VALID
    both = Dsc("PS256", eku=[OID["vaccination"], OID["recovery"]])
    assert verify(make_hcert(both), trust_x509=[both.pem], at=NOW).status is Status.VALID
    # An EKU without any HCERT OID does not restrict the kind.
    server = Dsc("ES256", eku=["1.3.6.1.5.5.7.3.1"])
    assert verify(make_hcert(server), trust_x509=[server.pem], at=NOW).status is Status.VALID


def test_every_dsc_sharing_the_kid_is_tried(es256: Dsc) -> None:
    other = Dsc("ES256")
    text = make_hcert(es256)
    message = hcert.decode_hcert(zlib.decompress(base45.decode(text[4:])))
    trust = hcert.load_trust_list([other.pem, es256.pem])
    collided = [replace(signer, kid=es256.kid) for signer in trust]  # both DSCs now answer to the same kid
    at_ms = int(NOW.timestamp() * 1000)
    verdict = verify_hcert(zlib.decompress(base45.decode(text[4:])), collided, at_ms)
    assert verdict.status is Status.VALID and message.kid == es256.kid
    assert verify_hcert(zlib.decompress(base45.decode(text[4:])), collided[:1], at_ms).status is Status.BAD_SIGNATURE


def test_unknown_issuer_without_a_matching_dsc(es256: Dsc, ps256: Dsc) -> None:
    assert verify(make_hcert(es256), at=NOW).status is Status.UNKNOWN_ISSUER
    assert verify(make_hcert(es256), trust_x509=[ps256.pem], at=NOW).status is Status.UNKNOWN_ISSUER


def test_bad_signature_on_altered_claims_and_wrong_key_type(es256: Dsc, ps256: Dsc) -> None:
    assert (
        verify(make_hcert(es256, payload_edit=b"Erikb"), trust_x509=[es256.pem], at=NOW).status is Status.BAD_SIGNATURE
    )
    # An ES256 message naming an RSA DSC's kid does not verify.
    text = make_hcert(es256, kid_protected=ps256.kid)
    assert verify(text, trust_x509=[ps256.pem], at=NOW).status is Status.BAD_SIGNATURE


def test_malformed_hcert_shapes(es256: Dsc) -> None:
    def wrap(obj: object) -> str:
        return "HC1:" + base45.encode(zlib.compress(cbor2.dumps(obj)))

    good = cbor2.loads(zlib.decompress(base45.decode(make_hcert(es256)[4:]))).value
    protected, _, payload, signature = good
    for obj in (
        cbor2.CBORTag(61, cbor2.CBORTag(19, good)),
        cbor2.CBORTag(18, good[:3]),
        cbor2.CBORTag(18, [cbor2.dumps({1: -8, 4: es256.kid}), {}, payload, signature]),  # EdDSA is not HCERT
        cbor2.CBORTag(18, [cbor2.dumps({1: -7, 2: [99], 4: es256.kid}), {}, payload, signature]),
        cbor2.CBORTag(18, [protected, {}, cbor2.dumps({4: 1, 6: 1}), signature]),  # no hcert claim
        cbor2.CBORTag(18, [protected, {}, cbor2.dumps({4: "soon", 6: 1, -260: {1: {}}}), signature]),
        cbor2.CBORTag(18, [protected, {}, payload, signature[:10]]),
        cbor2.CBORTag(18, [protected, [], payload, signature]),
    ):
        assert verify(wrap(obj), trust_x509=[es256.pem], at=NOW).status is Status.MALFORMED
    nested: object = 0
    for _ in range(40):
        nested = [nested]
    claims = cbor2.dumps({4: 2, 6: 1, -260: {1: {"deep": nested}}})
    assert verify(wrap(cbor2.CBORTag(18, [protected, {}, claims, signature])), at=NOW).status is Status.MALFORMED


def test_trust_list_items_must_be_certificates(es256: Dsc) -> None:
    with pytest.raises(TrustListError):
        verify(make_hcert(es256), trust_x509=[b"not a certificate"], at=NOW)
    two_in_one_pem = es256.pem + Dsc("PS256").pem
    assert len(hcert.load_trust_list([two_in_one_pem])) == 2


def test_hcert_verdicts_are_audited_without_the_dcc(tmp_path: Path, es256: Dsc) -> None:
    kdf = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    with create_office(tmp_path / "o", "Hall", "admin", "a-pw", kdf=kdf) as admin:
        admin.accounts.add("sup", "supervisor", "s-pw")
    with open_replica(tmp_path / "o", "sup", "s-pw") as sup:
        assert verify(make_hcert(es256), trust_x509=[es256.pem], at=NOW, office=sup).status is Status.VALID
        [record] = [r for r in sup.audit.records() if r.action == "cert.verify"]
    assert record.result == "VALID" and record.detail["format"] == "hcert"
    assert "Mustermann" not in repr(record.detail)
