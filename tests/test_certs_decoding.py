"""The fast decoding paths agree with the generic strict ones: base45 against RFC 9285 by the letter, the claim-set
decoder against app.ledger.dcbor's decode-and-re-encode check, and the COSE envelope against app.ledger.cose, on
valid, mutated and hostile input."""

from __future__ import annotations

from collections.abc import Mapping

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalogue.cert_types import parse_type
from app.certs import CertType, base45, hcert, issue_certificate, make_claims
from app.certs.claims import CertClaims, check_claims, decode_claims
from app.certs.envelope import decode_envelope
from app.certs.errors import Base45Error, MalformedCertificate
from app.ledger import cose, dcbor
from app.ledger.errors import LedgerError
from app.ledger.suites import ED25519

MAX = 8192


def reference_base45(text: str) -> bytes:
    """RFC 9285 section 4.2, one triple at a time."""
    if len(text) % 3 == 1:
        raise Base45Error("length")
    values = [base45.ALPHABET.index(c) if c in base45.ALPHABET else -1 for c in text]
    if -1 in values:
        raise Base45Error("alphabet")
    out = bytearray()
    for i in range(0, len(values) - len(values) % 3, 3):
        n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025
        if n > 0xFFFF:
            raise Base45Error("triple")
        out += n.to_bytes(2, "big")
    if len(values) % 3:
        n = values[-2] + values[-1] * 45
        if n > 0xFF:
            raise Base45Error("pair")
        out.append(n)
    return bytes(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=base45.ALPHABET + "a~", max_size=90))
def test_base45_decode_agrees_with_the_rfc_letter(text: str) -> None:
    try:
        expected = reference_base45(text)
    except Base45Error:
        with pytest.raises(Base45Error):
            base45.decode(text)
        return
    assert base45.decode(text) == expected


def test_base45_names_the_first_triple_over_65535() -> None:
    with pytest.raises(Base45Error, match="offset 3 has value 91124"):
        base45.decode("000:::000")


def reference_claims(payload: bytes) -> CertClaims:
    """The claim set decoded through the generic strict CBOR decoder, then the same field checks."""
    try:
        item = dcbor.decode(payload, max_size=MAX, what="certificate claims")
    except LedgerError as exc:
        raise MalformedCertificate(str(exc)) from None
    if not isinstance(item, Mapping) or set(item) != {1, 4, 6, 7, -65537}:
        raise MalformedCertificate("keys")
    inner = item[-65537]
    if not isinstance(inner, Mapping) or set(inner) != {1, 2, 3, 4}:
        raise MalformedCertificate("inner keys")
    cert_type = parse_type(inner[1]) if isinstance(inner[1], str) and inner[1] == inner[1].lower() else None
    if cert_type is None or cert_type.value != inner[1]:
        raise MalformedCertificate("type")
    cti = item[7]
    if not isinstance(cti, bytes) or len(cti) != 10:
        raise MalformedCertificate("cti")
    display = inner[2]
    if not isinstance(display, Mapping) or not all(isinstance(k, str) for k in display):
        raise MalformedCertificate("display")
    claims = CertClaims(cert_type, cti.hex().upper(), item[1], item[6], item[4], dict(display), inner[3], inner[4])
    check_claims(claims)
    return claims


@pytest.fixture(scope="module")
def payload() -> bytes:
    signer = ED25519.signer(ED25519.generate_private())
    display = {"name": "北京某某科技有限公司", "credit_code": "91110108MA01XXXX3K", "scope": "软件开发"}
    claims = make_claims(CertType.BUSINESS_LICENCE, "a.example", display, "X1", 1_700_000_000, 1_800_000_000)
    return cose.decode_sign1(issue_certificate(claims, signer, now_ms=1).cose, max_size=MAX).payload


def agree(data: bytes) -> None:
    """decode_claims accepts exactly what the reference accepts, with the same result."""
    try:
        expected = reference_claims(data)
    except MalformedCertificate:
        with pytest.raises(MalformedCertificate):
            decode_claims(data, max_size=MAX)
        return
    assert decode_claims(data, max_size=MAX) == expected


def mutate(original: bytes, data: st.DataObject) -> bytes:
    """Return `original` with one to three bytes set, inserted or deleted at places hypothesis draws."""
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 3))):
        action = data.draw(st.sampled_from(["set", "insert", "delete"]))
        i = data.draw(st.integers(0, len(mutated) - 1))
        if action == "set":
            mutated[i] = data.draw(st.integers(0, 255))
        elif action == "insert":
            mutated.insert(i, data.draw(st.integers(0, 255)))
        elif len(mutated) > 1:
            del mutated[i]
    return bytes(mutated)


def test_a_valid_claim_set_decodes_the_same_both_ways(payload: bytes) -> None:
    agree(payload)
    assert decode_claims(payload, max_size=MAX).display["scope"] == "软件开发"


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_mutated_claim_sets_are_judged_the_same_both_ways(payload: bytes, data: st.DataObject) -> None:
    agree(mutate(payload, data))


def _claim_map(payload: bytes) -> dict:
    return cbor2.loads(payload)


def _hostile_variants(payload: bytes) -> list[bytes]:
    item = _claim_map(payload)
    inner = item[-65537]
    unsorted = {**item, -65537: {**inner, 2: dict(reversed(list(inner[2].items())))}}
    bool_key = {(True if k == 1 else k): v for k, v in item.items()}
    float_key = {(1.0 if k == 1 else k): v for k, v in item.items()}
    reordered = dict(reversed(list(item.items())))
    tagged = {**item, 1: cbor2.CBORTag(32, item[1])}
    big_exp = {**item, 4: 1 << 70}
    extra = {**item, 8: 0}
    return [
        cbor2.dumps(unsorted),
        cbor2.dumps(bool_key),
        cbor2.dumps(float_key),
        cbor2.dumps(reordered),
        cbor2.dumps(tagged),
        cbor2.dumps(big_exp),
        cbor2.dumps(extra),
        payload[:1] + b"\x01" + payload[1:],  # a sixth key claimed but not present
        b"\xbf" + payload[1:] + b"\xff",  # indefinite-length map
        payload + b"\x00",  # trailing byte
        b"\xa5\x01\x61a\x01\x61b" + payload[1:],  # a duplicate key
    ]


def test_hostile_claim_encodings_are_refused_both_ways(payload: bytes) -> None:
    for variant in _hostile_variants(payload):
        agree(variant)
        with pytest.raises(MalformedCertificate):
            decode_claims(variant, max_size=MAX)


def test_a_claim_set_over_the_limit_is_refused_before_decoding(payload: bytes) -> None:
    with pytest.raises(MalformedCertificate, match="over the limit"):
        decode_claims(payload, max_size=len(payload) - 1)


def test_an_hcert_whose_algorithm_is_not_a_number_is_malformed() -> None:
    protected = cbor2.dumps({1: [-7], 4: b"12345678"})
    message = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, cbor2.dumps({-260: {1: {}}}), bytes(64)]))
    with pytest.raises(MalformedCertificate, match="algorithm"):
        hcert.decode_hcert(message)


# -- the COSE_Sign1 envelope against the ledger's generic decoder --------------------------------------------


@pytest.fixture(scope="module")
def envelope() -> bytes:
    signer = ED25519.signer(ED25519.generate_private())
    claims = make_claims(CertType.RESIDENT_EID, "a.example", {"name": "张三"}, "X1", 1_700_000_000, 1_800_000_000)
    return issue_certificate(claims, signer, now_ms=1).cose


def agree_envelope(data: bytes) -> None:
    """decode_envelope accepts what cose.decode_sign1 accepts (when the protected header is alg and kid only)."""
    try:
        expected = cose.decode_sign1(data, max_size=MAX, what="certificate")
    except LedgerError:
        with pytest.raises(MalformedCertificate):
            decode_envelope(data, max_size=MAX)
        return
    if [(type(k), k) for k in expected.protected] != [(int, 1), (int, 4)]:
        with pytest.raises(MalformedCertificate, match="exactly alg"):
            decode_envelope(data, max_size=MAX)
        return
    assert decode_envelope(data, max_size=MAX) == expected


def test_a_certificate_envelope_decodes_the_same_both_ways(envelope: bytes) -> None:
    agree_envelope(envelope)
    assert decode_envelope(envelope, max_size=MAX).suite is ED25519


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_mutated_envelopes_are_judged_the_same_both_ways(envelope: bytes, data: st.DataObject) -> None:
    agree_envelope(mutate(envelope, data))


def test_hostile_envelopes_are_refused(envelope: bytes) -> None:
    protected, _, payload, signature = cbor2.loads(envelope).value
    header = cbor2.loads(protected)
    variants = [
        cbor2.dumps(cbor2.CBORTag(18, [protected, {4: b"x"}, payload, signature])),  # unprotected header
        cbor2.dumps(cbor2.CBORTag(61, [protected, {}, payload, signature])),  # not tag 18
        cbor2.dumps([protected, {}, payload, signature]),  # untagged
        cbor2.dumps(cbor2.CBORTag(18, [protected, {}, None, signature])),  # detached payload
        cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature, b""])),  # five items
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -7, 4: header[4]}), {}, payload, signature])),  # ES256
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: True, 4: header[4]}), {}, payload, signature])),  # bool alg
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({4: header[4], 1: header[1]}), {}, payload, signature])),
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({**header, 3: 0}), {}, payload, signature])),  # content type
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({**header, 2: [3]}), {}, payload, signature])),  # crit
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: header[1], 4: b""}), {}, payload, signature])),  # empty kid
        cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature[:-1]])),  # short signature
        cbor2.dumps(cbor2.CBORTag(18, [protected + b"\x00", {}, payload, signature])),  # bytes after the header
        b"\xd2\x9f" + b"".join(cbor2.dumps(x) for x in (protected, {}, payload, signature)) + b"\xff",
        envelope + b"\x00",
        envelope[:-5],
        b"",
    ]
    for variant in variants:
        agree_envelope(variant)
        with pytest.raises(MalformedCertificate):
            decode_envelope(variant, max_size=MAX)
    with pytest.raises(MalformedCertificate, match="over the limit"):
        decode_envelope(envelope, max_size=len(envelope) - 1)
