"""Verify every signature of an OFD document offline: digests, seal data, SM2 signatures, seal, chain, revocation.

Pure over its inputs: the container's bytes, the office's trusted roots for seals and e-documents,
a revocation lookup, and what the departments' registries say of seal keys (enrolled with the role `seal`,
revocable like any key). What it concludes is a `DocumentVerdict` with stable reason codes.

A seal key revoked at T: a document it sealed stays valid when the department's log anchors this exact file
(the node refuses the key's anchors from T on, so its anchors were made before; a department-key anchor is the
department's own word). Without that anchor the document is "seal key revoked": sealed at or after T
(`seal_key_revoked`), or before T by its own clock only (`seal_key_revoked_unanchored`; whoever stole the key can
set that clock).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.ofd import gm, revocation, ses, signed_data
from app.ofd.container import OfdPackage
from app.ofd.document import OfdDocument, SignatureEntry, read_document
from app.ofd.errors import Asn1Error, ContainerError, OfdError
from app.ofd.verdict import DocumentVerdict, SealInfo, SignatureVerdict, unreadable
from app.pki.sm2_x509 import Sm2Certificate

SM3_NAMES = {"SM3", "1.2.156.10197.1.401"}
SHA256_NAMES = {"SHA256", "SHA-256", "2.16.840.1.101.3.4.2.1"}
# SM2 with SM3 as producers name it: the OID (GB/T 33560), the SM2 signature OID of GB/T 35275, or a name
SM2_SIGN_OIDS = {ses.OID_SM2_SM3, "1.2.156.10197.1.301.1", "SM2", "SM3WITHSM2", "SM2WITHSM3"}

# Revocation lookup by revocation serial (`app.ofd.revocation`): True if a department revoked it.
RevocationCheck = Callable[[str], bool]

PICTURE_MAGIC = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPG": (b"\xff\xd8\xff",),
    "JPEG": (b"\xff\xd8\xff",),
    "GIF": (b"GIF87a", b"GIF89a"),
    "BMP": (b"BM",),
    "OFD": (b"PK\x03\x04",),
    "SVG": (b"<?xml", b"<svg"),
}


def _never_revoked(serial: str) -> bool:
    return False


@dataclass(frozen=True)
class SealKeyStanding:
    """What a department's registry says of an enrolled seal key: whose log enrolled it, and its revocation."""

    department: str  # the origin of the department's log
    revoked_at_ms: int | None


# Lookup of an enrolled seal key by the signer's SM2 public point (04||x||y); None when no registry names it.
SealKeyLookup = Callable[[bytes], SealKeyStanding | None]


def _no_seal_keys(public_point: bytes) -> SealKeyStanding | None:
    return None


@dataclass(frozen=True)
class OfdTrust:
    """The office's trusted roots for seals and e-documents, where revocations and seal keys are looked up, and
    which department's log anchors the exact file being verified (None: no anchor is known)."""

    roots: tuple[Sm2Certificate, ...] = ()
    is_revoked: RevocationCheck = field(default=_never_revoked)
    seal_key: SealKeyLookup = field(default=_no_seal_keys)
    anchored_by: str | None = None


def digest(method: str, data: bytes) -> bytes:
    """The digest `CheckMethod` names; raise `OfdError(unsupported_algorithm)` for anything else (MD5, SHA-1)."""
    name = method.strip().upper() if not method[:1].isdigit() else method.strip()
    if name in SM3_NAMES:
        return gm.sm3(data)
    if name in SHA256_NAMES:
        return hashlib.sha256(data).digest()
    raise OfdError(f"digest {method!r} is not accepted", code="unsupported_algorithm")


def verify_bytes(data: bytes, trust: OfdTrust) -> DocumentVerdict:
    """Open and verify one OFD file's bytes; an unreadable file yields a verdict with `readable` False."""
    try:
        package = OfdPackage(data)
        document = read_document(package)
    except OfdError as exc:
        return unreadable(exc.code, exc.detail)
    return verify_document(package, document, trust)


def verify_document(package: OfdPackage, document: OfdDocument, trust: OfdTrust) -> DocumentVerdict:
    """Verify every signature of `document` and whether together they cover every content file.

    Each signature is judged at its own signing time; revocation is as the replica knows it now.
    """
    verdicts = [verify_signature(package, entry, trust) for entry in document.signatures]
    for sig_id, kind, error in document.signature_errors:
        verdicts.append(
            SignatureVerdict(
                id=sig_id,
                kind="digital" if kind == "Sign" else "seal-v4",
                reason="signature_structure_invalid",
                params={"detail": error.detail, "code": error.code},
            )
        )
    uncovered = _uncovered(package, document)
    verdict = DocumentVerdict(
        valid=False,
        trusted=False,
        reason="ok",
        signatures=verdicts,
        uncovered=uncovered,
        licence=dict(document.licence),
        title=document.title,
        doc_id=document.doc_id,
        pages=len(document.pages),
    )
    verdict.trusted = bool(verdicts) and all(v.trusted and not v.revoked for v in verdicts)
    if not verdicts:
        verdict.reason = "no_signatures"
    elif not all(v.valid for v in verdicts):
        verdict.reason = "signature_failed"
    elif uncovered:
        verdict.reason = "content_not_covered"
        verdict.params = {"count": len(uncovered), "member": uncovered[0]}
    else:
        verdict.valid = True
        revoked = next((v for v in verdicts if v.revoked), None)
        if revoked is not None and revoked.reason in SEAL_KEY_REVOKED:
            verdict.reason, verdict.params = revoked.reason, dict(revoked.params)
        elif revoked is not None:
            verdict.reason = "revoked"
            verdict.params = {"what": "signer certificate"}
        elif not verdict.trusted:
            untrusted = next(v for v in verdicts if not v.trusted)
            verdict.reason = "issuer_untrusted"
            verdict.params = {"signer": untrusted.signer}
    if not verdict.valid:
        verdict.trusted = False
    return verdict


def _uncovered(package: OfdPackage, document: OfdDocument) -> list[str]:
    """Content files no valid-looking signature lists (signature machinery itself excluded)."""
    machinery: set[str] = set()
    if document.signatures_member:
        machinery.add(document.signatures_member)
    for entry in document.signatures:
        machinery.update({entry.signature_member, entry.signed_value_member})
        if entry.seal_member:
            machinery.add(entry.seal_member)
    covered = {ref.member for entry in document.signatures for ref in entry.references}
    return [name for name in package.names() if name not in machinery and name not in covered]


def verify_signature(package: OfdPackage, entry: SignatureEntry, trust: OfdTrust) -> SignatureVerdict:
    """The verdict on one signature of the document."""
    verdict = SignatureVerdict(id=entry.id, kind="digital" if entry.kind == "Sign" else "seal-v4")
    verdict.covered = [ref.member for ref in entry.references]
    failure = _check_references(package, entry)
    if failure is not None:
        verdict.reason, verdict.params = failure
        _describe_signer_quietly(package, entry, verdict)
        return verdict
    try:
        signed_value = package.read(entry.signed_value_member)
    except ContainerError as exc:
        verdict.reason, verdict.params = "reference_missing", {"member": entry.signed_value_member, "code": exc.code}
        return verdict
    if entry.kind == "Sign":
        return _verify_digital(entry, signed_value, trust, verdict)
    return _verify_seal_signature(package, entry, signed_value, trust, verdict)


def _check_references(package: OfdPackage, entry: SignatureEntry) -> tuple[str, dict[str, object]] | None:
    if not entry.references:
        return "signature_structure_invalid", {"detail": "the signature covers no file"}
    for ref in entry.references:
        if not package.has(ref.member):
            return "reference_missing", {"member": ref.member}
        try:
            actual = digest(entry.check_method, package.read(ref.member))
        except OfdError as exc:
            if exc.code == "unsupported_algorithm":
                return "unsupported_algorithm", {"alg": entry.check_method}
            return "digest_mismatch", {"member": ref.member, "code": exc.code}  # a corrupt member was changed
        if actual != ref.check_value:
            return "digest_mismatch", {"member": ref.member}
    return None


def _describe_signer_quietly(package: OfdPackage, entry: SignatureEntry, verdict: SignatureVerdict) -> None:
    """Fill in who signed, for a verdict that already failed, if the signature data can say."""
    if entry.kind == "Sign" or not package.has(entry.signed_value_member):
        return
    try:
        parsed = ses.parse_signature(package.read(entry.signed_value_member))
        verdict.kind = f"seal-v{1 if parsed.version < 4 else 4}"
        verdict.signer = gm.load_certificate(parsed.signer_cert).common_name
        verdict.signed_at = parsed.signed_at
        verdict.seal = _seal_info(parsed.seal)
    except OfdError:
        return


def _seal_info(seal: ses.Seal) -> SealInfo:
    owner = ""
    try:
        owner = gm.load_certificate(seal.holder_certs[0]).common_name if seal.holder_certs else ""
    except OfdError:
        owner = ""
    return SealInfo(
        seal.name, owner, seal.es_id, seal.version, seal.valid_from, seal.valid_until, seal.picture.kind,
        seal.picture.data,
    )  # fmt: skip


def _verify_seal_signature(
    package: OfdPackage, entry: SignatureEntry, signed_value: bytes, trust: OfdTrust, verdict: SignatureVerdict
) -> SignatureVerdict:
    try:
        parsed = ses.parse_signature(signed_value)
    except Asn1Error as exc:
        verdict.reason, verdict.params = "signed_value_invalid", {"detail": exc.detail, "code": exc.code}
        return verdict
    verdict.kind = "seal-v4" if parsed.version >= 4 else "seal-v1"
    verdict.signed_at = parsed.signed_at
    verdict.seal = _seal_info(parsed.seal)
    verdict.signer_cert = parsed.signer_cert
    try:
        signer = gm.load_certificate(parsed.signer_cert)
    except OfdError as exc:
        verdict.reason, verdict.params = "certificate_invalid", {"detail": exc.detail}
        return verdict
    verdict.signer = signer.common_name
    if parsed.data_hash != gm.sm3(entry.signature_xml):
        verdict.reason = "data_hash_mismatch"
        return verdict
    if parsed.alg.upper() not in SM2_SIGN_OIDS:
        verdict.reason, verdict.params = "unsupported_algorithm", {"alg": parsed.alg}
        return verdict
    if not gm.verify_with_certificate(signer, parsed.tbs, parsed.signature):
        verdict.reason = "signature_invalid"
        return verdict
    failure = _check_seal(package, entry, parsed)
    if failure is not None:
        verdict.reason, verdict.params = failure
        return verdict
    if not signer.valid_at(parsed.signed_at):
        verdict.reason = "certificate_expired"
        verdict.params = {"signed_at": parsed.signed_at.isoformat()}
        return verdict
    verdict.valid = True
    _judge_trust(verdict, [signer, gm.load_certificate(parsed.seal.maker_cert)], parsed.seal, trust)
    return verdict


def _check_seal(package: OfdPackage, entry: SignatureEntry, parsed: ses.SesSignature) -> tuple[str, dict] | None:
    seal = parsed.seal
    if entry.seal_member is not None:
        if not package.has(entry.seal_member):
            return "reference_missing", {"member": entry.seal_member}
        on_file_raw = package.read(entry.seal_member)
        if on_file_raw != seal.raw:
            try:
                on_file = ses.parse_seal(on_file_raw)
            except Asn1Error as exc:
                return "seal_invalid", {"detail": exc.detail}
            if on_file != seal:
                return "seal_mismatch", {}
    try:
        maker = gm.load_certificate(seal.maker_cert)
    except OfdError as exc:
        return "seal_invalid", {"detail": f"seal maker certificate: {exc.detail}"}
    if seal.maker_alg.upper() not in SM2_SIGN_OIDS:
        return "unsupported_algorithm", {"alg": seal.maker_alg}
    if not _maker_signed(seal.raw, maker.der) if seal.raw else not _maker_signature_matches(seal, maker):
        return "seal_invalid", {"detail": "the seal maker's signature does not match"}
    if not seal.valid_from <= parsed.signed_at <= seal.valid_until:
        return "seal_expired", {
            "signed_at": parsed.signed_at.isoformat(),
            "valid_from": seal.valid_from.isoformat(),
            "valid_until": seal.valid_until.isoformat(),
        }
    magic = PICTURE_MAGIC.get(seal.picture.kind.upper())
    if magic is None or not seal.picture.data.startswith(magic) or not 0 < seal.picture.width_mm < 1000:
        return "seal_picture_invalid", {"kind": seal.picture.kind}
    if not _signer_holds_seal(parsed.signer_cert, seal):
        return "signer_not_seal_holder", {"seal": seal.name}
    return None


def _maker_signature_matches(seal: ses.Seal, maker: gm.Certificate) -> bool:
    return any(gm.verify_with_certificate(maker, m, seal.maker_signature) for m in seal.maker_signed_candidates)


@functools.lru_cache(maxsize=256)
def _maker_signed(seal_raw: bytes, maker_der: bytes) -> bool:
    """The seal maker's check for one seal's exact bytes (pure, so remembered: a department's seal recurs on
    every document it seals)."""
    return _maker_signature_matches(ses.parse_seal(seal_raw), gm.load_certificate(maker_der))


def _signer_holds_seal(signer_cert: bytes, seal: ses.Seal) -> bool:
    if seal.holder_certs:
        return signer_cert in seal.holder_certs
    for kind, value in seal.holder_cert_digests:
        try:
            if digest(kind, signer_cert) == value:
                return True
        except OfdError:
            continue
    return False


def _verify_digital(
    entry: SignatureEntry, signed_value: bytes, trust: OfdTrust, verdict: SignatureVerdict
) -> SignatureVerdict:
    """A digital signature (Type="Sign"): a GB/T 35275 SignedData carries its signer; a bare value cannot be judged."""
    if entry.method.strip().upper() not in SM2_SIGN_OIDS:
        verdict.reason, verdict.params = "unsupported_algorithm", {"alg": entry.method}
        return verdict
    try:
        signed = signed_data.parse_signed_data(signed_value)
    except OfdError as exc:
        if exc.code == "bare_signature":
            verdict.reason = "signer_unknown"
        else:
            verdict.reason, verdict.params = "signed_value_invalid", {"detail": exc.detail, "code": exc.code}
        return verdict
    try:
        signer = gm.load_certificate(signed.signer_cert)
    except OfdError as exc:
        verdict.reason, verdict.params = "certificate_invalid", {"detail": exc.detail}
        return verdict
    verdict.signer = signer.common_name
    verdict.signer_cert = signed.signer_cert
    verdict.signed_at = signed.signed_at
    if not signed.verify(signer, entry.signature_xml):
        verdict.reason = "signature_invalid"
        return verdict
    at = signed.signed_at or datetime.now(UTC)
    if not signer.valid_at(at):
        verdict.reason, verdict.params = "certificate_expired", {"signed_at": at.isoformat()}
        return verdict
    verdict.valid = True
    _judge_trust(verdict, [signer], None, trust)
    return verdict


SEAL_KEY_REVOKED = ("seal_key_revoked", "seal_key_revoked_unanchored")


def _seal_key_revoked(verdict: SignatureVerdict, signer: gm.Certificate, trust: OfdTrust) -> bool:
    """Judge a seal signature by its key's standing in the department's registry; True if that revokes it."""
    standing = trust.seal_key(signer.public_point)
    if standing is None:
        return False
    verdict.seal_key_department = standing.department
    if standing.revoked_at_ms is None:
        return False
    verdict.seal_key_revoked_ms = standing.revoked_at_ms
    if trust.anchored_by == standing.department:
        return False  # the department's log vouches for this exact file: sealed while the key stood
    signed_ms = int(verdict.signed_at.timestamp() * 1000) if verdict.signed_at is not None else standing.revoked_at_ms
    verdict.revoked = True
    verdict.reason = "seal_key_revoked" if signed_ms >= standing.revoked_at_ms else "seal_key_revoked_unanchored"
    verdict.params = {"revoked_at_ms": standing.revoked_at_ms, "signed_at_ms": signed_ms}
    return True


def _judge_trust(
    verdict: SignatureVerdict, certs: list[gm.Certificate], seal: ses.Seal | None, trust: OfdTrust
) -> None:
    for cert in certs:
        if trust.is_revoked(revocation.certificate_serial(cert.der)):
            verdict.revoked = True
            verdict.reason, verdict.params = "revoked", {"what": "signer certificate"}
            return
    if seal is not None and trust.is_revoked(revocation.seal_serial(seal.vendor_id, seal.es_id)):
        verdict.revoked = True
        verdict.reason, verdict.params = "revoked", {"what": "seal"}
        return
    if seal is not None and _seal_key_revoked(verdict, certs[0], trust):
        return
    if all(gm.chains_to(cert, trust.roots, verdict.signed_at) for cert in certs):
        verdict.trusted = True
        verdict.reason = "ok"
        return
    verdict.reason = "issuer_untrusted"
