"""SM2/SM3 primitives: standard vectors, an independent reference, OpenSSL CLI interop both ways, bit flips."""

from __future__ import annotations

import base64
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ledger import sm2
from app.ledger.errors import UnsupportedAlgorithm
from app.ledger.suites import ED25519, suite_by_cose_alg, suite_by_name

# GB/T 32918.5-2017 Annex A (GM/T 0003.5-2012 A.2): signature example on the recommended curve
ANNEX_D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
ANNEX_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
ANNEX_K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
ANNEX_Z = bytes.fromhex("B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3")
ANNEX_E = bytes.fromhex("F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640")
ANNEX_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)
MESSAGE = b"message digest"


# An independent affine-coordinate reference of GB/T 32918.2, slow and plain, to check the backend.
def _add(p1: tuple[int, int] | None, p2: tuple[int, int] | None) -> tuple[int, int] | None:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    if p1[0] == p2[0] and (p1[1] + p2[1]) % sm2.P == 0:
        return None
    if p1 == p2:
        slope = (3 * p1[0] * p1[0] + sm2.A) * pow(2 * p1[1], -1, sm2.P)
    else:
        slope = (p2[1] - p1[1]) * pow(p2[0] - p1[0], -1, sm2.P)
    x = (slope * slope - p1[0] - p2[0]) % sm2.P
    return x, (slope * (p1[0] - x) - p1[1]) % sm2.P


def _mul(k: int, point: tuple[int, int] | None) -> tuple[int, int] | None:
    result = None
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _encode(point: tuple[int, int]) -> bytes:
    return b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")


def reference_sign(d: int, message: bytes, k: int, signer_id: bytes = sm2.DEFAULT_SIGNER_ID) -> bytes:
    public = _encode(_mul(d, (sm2.GX, sm2.GY)))
    e = int.from_bytes(sm2.sm3(sm2.z_a(public, signer_id) + message), "big")
    x1, _ = _mul(k, (sm2.GX, sm2.GY))
    r = (e + x1) % sm2.N
    s = pow(1 + d, -1, sm2.N) * (k - r * d) % sm2.N
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def reference_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    point = (int.from_bytes(public[1:33], "big"), int.from_bytes(public[33:], "big"))
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    e = int.from_bytes(sm2.sm3(sm2.z_a(public) + message), "big")
    t = (r + s) % sm2.N
    x1, _ = _add(_mul(s, (sm2.GX, sm2.GY)), _mul(t, point))
    return (e + x1) % sm2.N == r


def test_sm3_standard_examples() -> None:
    assert sm2.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm2.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_annex_a_signature_example() -> None:
    signer = suite_by_name("sm2-sm3").signer(ANNEX_D)
    assert signer.public_key == ANNEX_PUBLIC
    assert sm2.z_a(ANNEX_PUBLIC) == ANNEX_Z
    assert sm2.sm2_digest(ANNEX_PUBLIC, MESSAGE) == ANNEX_E
    assert reference_sign(int.from_bytes(ANNEX_D, "big"), MESSAGE, ANNEX_K) == ANNEX_SIGNATURE
    assert sm2.SM2_SM3.verify(ANNEX_PUBLIC, MESSAGE, ANNEX_SIGNATURE)
    assert not sm2.SM2_SM3.verify(ANNEX_PUBLIC, b"message digesT", ANNEX_SIGNATURE)
    assert not sm2.sm2_verify_with_id(ANNEX_PUBLIC, MESSAGE, ANNEX_SIGNATURE, b"")


def test_signatures_are_fresh_and_verify_under_the_reference() -> None:
    signer = sm2.SM2_SM3.signer(ANNEX_D)
    first, second = signer.sign(b"payload"), signer.sign(b"payload")
    assert first != second  # a fresh k each time
    for signature in (first, second):
        assert len(signature) == 64
        assert reference_verify(ANNEX_PUBLIC, b"payload", signature)
        assert sm2.SM2_SM3.verify(ANNEX_PUBLIC, b"payload", signature)


def test_suite_registered_by_name_and_cose_alg() -> None:
    suite = suite_by_name("sm2-sm3")
    assert suite is suite_by_cose_alg(sm2.SM2_COSE_ALG) is sm2.SM2_SM3
    assert suite.cose_alg < -65536  # COSE private-use range
    assert (suite.public_key_size, suite.signature_size) == (65, 64)
    with pytest.raises(UnsupportedAlgorithm):
        suite_by_name("sm2")
    # the two suites never verify each other's signatures
    ed = ED25519.signer(bytes(32))
    assert not sm2.SM2_SM3.verify(ANNEX_PUBLIC, b"m", ed.sign(b"m"))


def test_other_signer_ids() -> None:
    signer = sm2.SM2_SM3.signer(sm2.generate_private())
    signature = signer.sign_with_id(b"m", b"alice@beijing")
    assert sm2.sm2_verify_with_id(signer.public_key, b"m", signature, b"alice@beijing")
    assert not sm2.SM2_SM3.verify(signer.public_key, b"m", signature)
    long_id = b"x" * sm2.MAX_SIGNER_ID_SIZE
    assert sm2.sm2_verify_with_id(signer.public_key, b"m", signer.sign_with_id(b"m", long_id), long_id)
    assert not sm2.sm2_verify_with_id(signer.public_key, b"m", signature, b"x" * (sm2.MAX_SIGNER_ID_SIZE + 1))


@pytest.mark.parametrize("private", [bytes(32), sm2.N.to_bytes(32, "big"), (sm2.N - 1).to_bytes(32, "big"), b"\x01"])
def test_private_keys_out_of_range_are_refused(private: bytes) -> None:
    with pytest.raises(ValueError):
        sm2.SM2_SM3.signer(private)


def test_edge_private_keys() -> None:
    for d in (1, sm2.N - 2):
        signer = sm2.SM2_SM3.signer(d.to_bytes(32, "big"))
        assert signer.public_key == _encode(_mul(d, (sm2.GX, sm2.GY)))
        assert sm2.SM2_SM3.verify(signer.public_key, b"edge", signer.sign(b"edge"))


HOSTILE = [
    (b"", b"m", bytes(64)),
    (ANNEX_PUBLIC, b"m", b""),
    (ANNEX_PUBLIC[:64], MESSAGE, ANNEX_SIGNATURE),
    (b"\x02" + ANNEX_PUBLIC[1:], MESSAGE, ANNEX_SIGNATURE),
    (b"\x04" + bytes(64), MESSAGE, ANNEX_SIGNATURE),  # not on the curve
    (b"\x04" + b"\xff" * 64, MESSAGE, ANNEX_SIGNATURE),  # coordinates beyond p
    (ANNEX_PUBLIC, MESSAGE, bytes(64)),  # r = s = 0
    (ANNEX_PUBLIC, MESSAGE, sm2.N.to_bytes(32, "big") * 2),  # r = s = n
    (ANNEX_PUBLIC, MESSAGE, (1).to_bytes(32, "big") + (sm2.N - 1).to_bytes(32, "big")),  # r + s = n
    (ANNEX_PUBLIC, MESSAGE, ANNEX_SIGNATURE + b"\x00"),
    (ANNEX_PUBLIC, MESSAGE, sm2.rs_to_der(ANNEX_SIGNATURE)),  # DER where r || s is required
    ("not bytes", MESSAGE, ANNEX_SIGNATURE),
    (ANNEX_PUBLIC, None, ANNEX_SIGNATURE),
    (ANNEX_PUBLIC, MESSAGE, None),
]


@pytest.mark.parametrize(("public", "message", "signature"), HOSTILE)
def test_malformed_input_is_refused_without_raising(public: object, message: object, signature: object) -> None:
    assert sm2.SM2_SM3.verify(public, message, signature) is False  # type: ignore[arg-type]


def test_der_round_trip_and_strictness() -> None:
    der = sm2.rs_to_der(ANNEX_SIGNATURE)
    assert der[0] == 0x30 and sm2.der_to_rs(der) == ANNEX_SIGNATURE
    small = (1).to_bytes(32, "big") + (0x80).to_bytes(32, "big")
    assert sm2.rs_to_der(small) == bytes.fromhex("3007020101020200 80".replace(" ", ""))
    assert sm2.der_to_rs(sm2.rs_to_der(small)) == small
    bad = [
        b"",
        der[:-1],
        der + b"\x00",
        b"\x31" + der[1:],
        bytes.fromhex("30080202000102020080"),  # non-minimal INTEGER
        bytes.fromhex("3006020181020101"),  # negative r
        bytes.fromhex("3006020100020101"),  # r = 0
        b"\x30\x81\x06" + bytes.fromhex("020101020101"),  # long-form length for a short SEQUENCE
        b"\x30\x46\x02\x21\x00" + sm2.N.to_bytes(32, "big") + b"\x02\x21\x00" + sm2.N.to_bytes(32, "big"),
        b"\x30" + bytes([2 + 40 + 3]) + b"\x02\x28" + b"\x01" * 40 + b"\x02\x01\x01",
    ]
    for encoding in bad:
        with pytest.raises(ValueError):
            sm2.der_to_rs(encoding)
    with pytest.raises(ValueError):
        sm2.rs_to_der(ANNEX_SIGNATURE[:63])


def test_spki_round_trip_and_refusals() -> None:
    spki = sm2.public_key_to_spki(ANNEX_PUBLIC)
    assert sm2.public_key_from_spki(spki) == ANNEX_PUBLIC
    p256 = spki.replace(sm2.SM2_CURVE_OID_DER, bytes.fromhex("06082a8648ce3d030107"))
    for bad in (spki[:-1], p256, spki[:-64] + bytes(64)):
        with pytest.raises(ValueError):
            sm2.public_key_from_spki(bad)


def test_verification_from_many_threads() -> None:
    signers = [sm2.SM2_SM3.signer(sm2.generate_private()) for _ in range(3)]
    cases = [(s.public_key, bytes([i]) * 300, s.sign(bytes([i]) * 300)) for i, s in enumerate(signers)]
    failures: list[object] = []

    def work(offset: int) -> None:
        for round_ in range(20):
            public, message, signature = cases[(offset + round_) % len(cases)]
            good = sm2.SM2_SM3.verify(public, message, signature)
            if not good or sm2.SM2_SM3.verify(public, message + b"!", signature):
                failures.append((offset, round_))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# Hypothesis: any single-bit change to a signature, key, message or ID is refused.
_SIGNER = sm2.SM2_SM3.signer(ANNEX_D)


def _flip(data: bytes, bit: int) -> bytes:
    index = bit % (len(data) * 8)
    changed = bytearray(data)
    changed[index // 8] ^= 1 << (index % 8)
    return bytes(changed)


@settings(max_examples=60, deadline=None)
@given(message=st.binary(max_size=400), signer_id=st.binary(min_size=1, max_size=40), bit=st.integers(0, 1 << 16))
def test_single_bit_changes_are_refused(message: bytes, signer_id: bytes, bit: int) -> None:
    signature = _SIGNER.sign_with_id(message, signer_id)
    public = _SIGNER.public_key
    assert sm2.sm2_verify_with_id(public, message, signature, signer_id)
    assert not sm2.sm2_verify_with_id(public, message, _flip(signature, bit), signer_id)
    assert not sm2.sm2_verify_with_id(_flip(public, bit), message, signature, signer_id)
    assert not sm2.sm2_verify_with_id(public, message, signature, _flip(signer_id, bit))
    if message:
        assert not sm2.sm2_verify_with_id(public, _flip(message, bit), signature, signer_id)


# Interop with the OpenSSL command line, both ways.
def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60, check=False)


def _pem(label: str, der: bytes) -> str:
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def test_openssl_signs_govdesk_verifies(tmp_path: Path) -> None:
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", "key.pem", cwd=tmp_path).returncode == 0
    exported = _openssl("pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der", cwd=tmp_path)
    assert exported.returncode == 0
    (tmp_path / "msg").write_bytes(b"a ledger entry signed by OpenSSL" * 10)
    signed = _openssl(
        "dgst", "-sm3", "-sign", "key.pem", "-sigopt", "distid:1234567812345678", "-out", "sig.der", "msg", cwd=tmp_path
    )
    assert signed.returncode == 0, signed.stderr
    public = sm2.public_key_from_spki((tmp_path / "pub.der").read_bytes())
    signature = sm2.der_to_rs((tmp_path / "sig.der").read_bytes())
    message = (tmp_path / "msg").read_bytes()
    assert suite_by_name("sm2-sm3").verify(public, message, signature)
    assert not suite_by_name("sm2-sm3").verify(public, message + b".", signature)
    # without distid OpenSSL signs over an empty ID: that is a different signature, refused by the suite
    _openssl("dgst", "-sm3", "-sign", "key.pem", "-out", "noid.der", "msg", cwd=tmp_path)
    no_id = sm2.der_to_rs((tmp_path / "noid.der").read_bytes())
    assert not suite_by_name("sm2-sm3").verify(public, message, no_id)
    assert sm2.sm2_verify_with_id(public, message, no_id, b"")


def test_govdesk_signs_openssl_verifies(tmp_path: Path) -> None:
    private = sm2.generate_private()
    signer = suite_by_name("sm2-sm3").signer(private)
    message = b"a ledger entry signed by govdesk" * 10
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig.der").write_bytes(sm2.rs_to_der(signer.sign(message)))
    (tmp_path / "pub.pem").write_text(_pem("PUBLIC KEY", sm2.public_key_to_spki(signer.public_key)))
    verify = ("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der")
    accepted = _openssl(*verify, "-sigopt", "distid:1234567812345678", "msg", cwd=tmp_path)
    assert accepted.returncode == 0 and b"Verified OK" in accepted.stdout, accepted.stdout + accepted.stderr
    assert _openssl(*verify, "-sigopt", "distid:1234567812345679", "msg", cwd=tmp_path).returncode != 0
    # the private key govdesk exports is read by OpenSSL as the same SM2 key
    (tmp_path / "key.der").write_bytes(sm2.private_key_to_der(private))
    exported = _openssl("pkey", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER", cwd=tmp_path)
    assert exported.returncode == 0 and sm2.public_key_from_spki(exported.stdout) == signer.public_key
