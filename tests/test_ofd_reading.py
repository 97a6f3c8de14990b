"""OFD reading: the ZIP container's bounds, hardened XML, the strict DER reader and the SES parsers, fuzzed."""

from __future__ import annotations

import contextlib
import io
import tracemalloc
import zipfile
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ofd import der, gm, ses
from app.ofd.build import DocumentSpec, Page, build_members, write_container
from app.ofd.container import Limits, OfdPackage, resolve
from app.ofd.document import read_document
from app.ofd.errors import Asn1Error, ContainerError, OfdError, StructureError, XmlError
from app.ofd.keys import sm2_private_scalar
from app.ofd.x509_input import parse_certificates
from app.ofd.xml_reader import parse_xml

MEMORY_LIMIT = 8 * 1024 * 1024


def _zip(members: dict[str, bytes], *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compress) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _plain_document() -> bytes:
    spec = DocumentSpec(
        title="营业执照",
        pages=[Page(("统一社会信用代码 91110000000000000X，北京市朝阳区。",))],
        licence={"name": "营业执照", "number": "BJ-2026-0001", "holder": "北京示例科技有限公司"},
    )
    return write_container(build_members(spec))


def test_reads_what_govdesk_builds() -> None:
    package = OfdPackage(_plain_document())
    doc = read_document(package)
    assert doc.title == "营业执照"
    assert doc.pages == ["Doc_0/Pages/Page_0/Content.xml"]
    assert doc.licence["number"] == "BJ-2026-0001"
    assert doc.licence["holder"] == "北京示例科技有限公司"
    assert doc.signatures == []


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "Doc_0/../../x", "a//b", "C:/x", "a\\b", "./OFD.xml"])
def test_member_names_that_escape_are_refused(name: str) -> None:
    data = _zip({"OFD.xml": b"<a/>", name: b"x"})
    with pytest.raises(ContainerError) as info:
        OfdPackage(data)
    assert info.value.code == "path_traversal"


@pytest.mark.parametrize("location", ["../../etc/passwd", "/../x", "a/../../../b", "", "x\x00y"])
def test_locations_inside_documents_cannot_leave_the_root(location: str) -> None:
    with pytest.raises(ContainerError) as info:
        resolve(location, "Doc_0")
    assert info.value.code == "path_traversal"


def test_relative_and_absolute_locations() -> None:
    assert resolve("/Doc_0/Signs/Sign_0/Signature.xml", "ignored") == "Doc_0/Signs/Sign_0/Signature.xml"
    assert resolve("Sign_0/Signature.xml", "Doc_0/Signs") == "Doc_0/Signs/Sign_0/Signature.xml"
    assert resolve("../Res/a.png", "Doc_0/Pages") == "Doc_0/Res/a.png"


def test_zip_bomb_is_refused_before_inflating() -> None:
    bomb = _zip({"OFD.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ContainerError) as info:
            OfdPackage(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "zip_bomb"
    assert peak < MEMORY_LIMIT


def test_member_count_size_and_total_limits() -> None:
    many = _zip({f"f{i}": b"x" for i in range(20)})
    with pytest.raises(ContainerError) as info:
        OfdPackage(many, Limits(max_members=10))
    assert info.value.code == "too_many_members"
    with pytest.raises(ContainerError) as info:
        OfdPackage(_zip({"a": b"x" * 5000}), Limits(max_member=4096))
    assert info.value.code == "member_too_large"
    with pytest.raises(ContainerError) as info:
        OfdPackage(_zip({"a": b"x" * 3000, "b": b"y" * 3000}), Limits(max_total=5000))
    assert info.value.code == "zip_bomb"
    with pytest.raises(ContainerError) as info:
        OfdPackage(b"PK" + b"\x00" * 100, Limits(max_file=50))
    assert info.value.code == "file_too_large"


def test_lying_size_in_the_central_directory_is_refused() -> None:
    data = bytearray(_zip({"OFD.xml": b"<a>" + b"x" * 100 + b"</a>"}, compress=zipfile.ZIP_STORED))
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # uncompressed size 10 instead of 107
    package = OfdPackage(bytes(data))
    with pytest.raises(ContainerError) as info:
        package.read("OFD.xml")
    assert info.value.code == "member_corrupt"


def test_duplicate_members_are_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", b"<a/>")
        with pytest.warns(UserWarning):
            archive.writestr("OFD.xml", b"<b/>")
    with pytest.raises(ContainerError) as info:
        OfdPackage(out.getvalue())
    assert info.value.code == "duplicate_member"


def test_not_a_zip() -> None:
    with pytest.raises(ContainerError) as info:
        OfdPackage(b"%PDF-1.7 not an ofd")
    assert info.value.code == "container_invalid"


XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;</l>'
)


@pytest.mark.parametrize("payload", [XXE, LAUGHS, b'<!DOCTYPE r SYSTEM "http://x/y.dtd"><r/>'])
def test_hostile_xml_is_refused_not_expanded(payload: bytes) -> None:
    with pytest.raises(XmlError) as info:
        parse_xml(payload, "OFD.xml")
    assert info.value.code == "xml_forbidden"


def test_hostile_ofd_xml_is_a_typed_refusal() -> None:
    with pytest.raises(XmlError):
        read_document(OfdPackage(_zip({"OFD.xml": XXE})))
    with pytest.raises(XmlError) as info:
        parse_xml(b"<a>" * 10, "x", limit=5)
    assert info.value.code == "xml_too_large"
    for malformed in (b"<a><b></a>", b'<?xml version="1.0" encoding="bogus"?><a/>', b"<a>\x00</a>"):
        with pytest.raises(XmlError) as info:
            parse_xml(malformed, "x")
        assert info.value.code == "xml_invalid"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_fuzzed_xml_raises_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(XmlError):
        parse_xml(b'<?xml version="1.0" encoding="' + data[:12] + b'"?>' + data, "x")
    with contextlib.suppress(XmlError):
        parse_xml(data, "x")


def test_missing_parts_are_structure_errors() -> None:
    with pytest.raises(StructureError) as info:
        read_document(OfdPackage(_zip({"Doc_0/Document.xml": b"<a/>"})))
    assert info.value.code == "member_missing"
    ofd = b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>'
    with pytest.raises(StructureError):
        read_document(OfdPackage(_zip({"OFD.xml": ofd})))


# --- DER ------------------------------------------------------------------------------------------


def test_der_round_trip_of_the_encoders() -> None:
    value = der.enc_sequence(der.enc_integer(4), der.enc_ia5("ES"), der.enc_oid("1.2.156.10197.1.501"))
    items = der.sequence(der.parse(value), "x", minimum=3, maximum=3)
    assert der.integer(items[0], "v") == 4
    assert der.text(items[1], "s") == "ES"
    assert der.oid(items[2], "o") == "1.2.156.10197.1.501"
    big = der.enc_octets(b"x" * 70000)
    assert der.octets(der.parse(big), "o") == b"x" * 70000


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x30\x80\x00\x00", "asn1_invalid"),  # indefinite length (BER)
        (b"\x04\x81\x05abcde", "asn1_invalid"),  # non-minimal length
        (b"\x04\x85\x00\x00\x00\x00\x01a", "asn1_too_large"),  # length field of 5 bytes
        (b"\x04\x05abc", "asn1_invalid"),  # truncated
        (b"\x04\x01ab", "asn1_invalid"),  # trailing byte
        (b"\x02\x02\x00\x01", "asn1_invalid"),  # non-minimal INTEGER (checked by integer())
    ],
)
def test_der_refusals(data: bytes, code: str) -> None:
    with pytest.raises(Asn1Error) as info:
        node = der.parse(data)
        der.integer(node, "i")
    assert info.value.code == code


def test_deep_nesting_is_refused() -> None:
    value = b"\x05\x00"
    for _ in range(200):
        value = der.enc_sequence(value)
    with pytest.raises(Asn1Error) as info:
        _walk(der.parse(value))
    assert info.value.code == "asn1_too_deep"


def test_huge_input_is_refused() -> None:
    with pytest.raises(Asn1Error) as info:
        ses.parse_signature(der.enc_octets(b"x" * (ses.MAX_SES_INPUT + 1)))
    assert info.value.code == "asn1_too_large"


def _walk(node: der.Node) -> None:
    if node.constructed:
        for item in node.children():
            _walk(item)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzzed_der_raises_only_typed_errors(data: bytes) -> None:
    for parse in (ses.parse_signature, ses.parse_seal):
        with contextlib.suppress(Asn1Error):
            parse(data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_seal_signatures_raise_only_typed_errors(data: st.DataObject) -> None:
    blob = bytearray(_SAMPLE_SES)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(blob) - 1))
        blob[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(blob)))
    with contextlib.suppress(Asn1Error):
        ses.parse_signature(bytes(blob[:cut]) if data.draw(st.booleans()) else bytes(blob))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_containers_raise_only_typed_errors(data: st.DataObject) -> None:
    blob = bytearray(_PLAIN)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(blob) - 1))
        blob[position] = data.draw(st.integers(0, 255))
    with contextlib.suppress(OfdError):
        read_document(OfdPackage(bytes(blob)))


def _sample_ses() -> bytes:
    header = der.enc_sequence(der.enc_ia5("ES"), der.enc_integer(4), der.enc_ia5("govdesk"))
    when = der.enc_generalized_time(datetime(2026, 1, 1, tzinfo=UTC))
    prop = der.enc_sequence(
        der.enc_integer(1), der.enc_utf8("测试章"), der.enc_integer(1), der.enc_sequence(der.enc_octets(b"c")),
        when, when, when,
    )  # fmt: skip
    pic = der.enc_sequence(
        der.enc_ia5("PNG"), der.enc_octets(b"\x89PNG\r\n\x1a\n"), der.enc_integer(40), der.enc_integer(40)
    )
    seal = der.enc_sequence(
        der.enc_sequence(header, der.enc_ia5("1"), prop, pic), der.enc_octets(b"cert"),
        der.enc_oid(ses.OID_SM2_SM3), der.enc_bits(b"s" * 64),
    )  # fmt: skip
    tbs = der.enc_sequence(der.enc_integer(4), seal, when, der.enc_bits(b"h" * 32), der.enc_ia5("/x"))
    return der.enc_sequence(tbs, der.enc_octets(b"cert"), der.enc_oid(ses.OID_SM2_SM3), der.enc_bits(b"s" * 64))


_SAMPLE_SES = _sample_ses()
_PLAIN = _plain_document()


def test_sample_ses_parses() -> None:
    parsed = ses.parse_signature(_SAMPLE_SES)
    assert parsed.version == 4 and parsed.seal.name == "测试章" and parsed.data_hash == b"h" * 32


# --- key and certificate files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a key",
        b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
        b"x" * (20 * 1024),
    ],
)
def test_unusable_key_files_are_refused(data: bytes) -> None:
    with pytest.raises(OfdError) as info:
        sm2_private_scalar(data)
    assert info.value.code == "key_invalid"


def test_a_non_sm2_key_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(OfdError) as info:
        sm2_private_scalar(pem)
    assert info.value.code == "key_invalid"


@pytest.mark.parametrize("data", [b"", b"hello", b"-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----"])
def test_unusable_certificate_files_are_refused(data: bytes) -> None:
    with pytest.raises(OfdError) as info:
        for cert in parse_certificates(data):
            gm.load_certificate(cert)
    assert info.value.code == "certificate_invalid"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_certificates_raise_only_typed_errors(data: bytes) -> None:
    with contextlib.suppress(OfdError):
        gm.load_certificate(b"\x30" + data)
