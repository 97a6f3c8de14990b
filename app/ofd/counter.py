"""The counter's use of OFD documents: verify a file a citizen brought against the replica, attach it to a case.

The counter never seals: it holds no seal key. Trust comes from the office's own list of roots for
seals and e-documents (set by an administrator) and revocations synced from every department's log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.certs.holder import personal_id_number
from app.ledger.suites import key_id
from app.ofd import gm
from app.ofd.verdict import DocumentVerdict
from app.ofd.verify import OfdTrust, SealKeyStanding, verify_bytes
from app.protocol.departments import all_departments
from app.protocol.policy import SEAL
from app.services.errors import LicenceHolderMismatch, UnknownCase
from app.store.replica import Replica

OFD_MEDIA_TYPE = "application/ofd"
ISSUED_STATE = "issued"  # the case_documents verdict of a result the lead department sealed for the case


@dataclass(frozen=True)
class AnchorFact:
    """What the replica knows of a document a department issued: who, under which serial, of what kind."""

    issuer: str  # the origin of the department's log
    serial: str
    kind: str
    revoked: bool
    revoked_at_ms: int | None = None
    anchored_ms: int | None = None  # the anchoring entry's time on the department's log
    issuer_zh: str = ""  # the department's name, when the origin is one of Beijing's departments
    issuer_en: str = ""


SEAL_TRUST_LIST = "seal"


def office_trust(replica: Replica) -> OfdTrust:
    """The trust a verification at this office uses: its seal roots and the revocations of every department."""
    origins = [d.origin for d in all_departments()]
    roots = tuple(replica.trust_roots.certificates(SEAL_TRUST_LIST))

    def is_revoked(serial: str) -> bool:
        return any(replica.certs.revocation(origin, serial) is not None for origin in origins)

    def seal_key(public_point: bytes) -> SealKeyStanding | None:
        record = replica.registry.key(key_id(gm.SM2_SUITE, public_point))
        if record is None or record.role != SEAL:
            return None
        return SealKeyStanding(record.department, record.revoked_at_ms)

    return OfdTrust(roots=roots, is_revoked=is_revoked, seal_key=seal_key)


def verify_at_office(replica: Replica, data: bytes) -> DocumentVerdict:
    """Verify an OFD file offline against the replica and audit the verdict (never the file's content)."""
    anchor = replica.certs.anchor(gm.sm3(data))
    anchored_by = anchor.log_origin if anchor is not None and anchor.cert_type.startswith("ofd.") else None
    verdict = verify_bytes(data, replace(office_trust(replica), anchored_by=anchored_by))
    replica.audit.append(
        "ofd.verify",
        "ok" if verdict.valid and verdict.trusted else verdict.reason,
        {"digest": gm.sm3(data).hex(), "valid": verdict.valid, "trusted": verdict.trusted},
    )
    return verdict


def anchor_fact(replica: Replica, data: bytes) -> AnchorFact | None:
    """Where the ledger says this exact file was issued (a department's `cert.anchor`), or None."""
    anchor = replica.certs.anchor(gm.sm3(data))
    if anchor is None or not anchor.cert_type.startswith("ofd."):
        return None
    revocation = replica.certs.revocation(anchor.issuer, anchor.serial)
    revoked_at = revocation.revoked_at_ms if revocation is not None else None
    named = next((d for d in all_departments() if d.origin == anchor.issuer), None)
    return AnchorFact(
        anchor.issuer, anchor.serial, anchor.cert_type.removeprefix("ofd."), revoked_at is not None, revoked_at,
        anchor.anchored_ms, named.name_zh if named else "", named.name_en if named else "",
    )  # fmt: skip


def attach_to_case(replica: Replica, case_id: str, name: str, data: bytes, verdict: DocumentVerdict) -> bytes:
    """Store the file encrypted in the replica under the case, with its SM3 digest; return the digest.

    A licence whose holder is a person (its holder code is a resident ID number) is taken only for a case of that
    person: one naming anyone else is refused (LicenceHolderMismatch, audited) and nothing is stored. A licence held
    by an organisation (a unified social credit code), or naming no holder code, is the applicant's to bring."""
    digest = gm.sm3(data)
    state = "valid" if verdict.valid and verdict.trusted else verdict.reason
    holder_id = personal_id_number(verdict.licence.get("holder_id", ""))
    if holder_id is not None:
        case = replica.cases.get(case_id)
        if case is None:
            raise UnknownCase(f"case {case_id!r} was not opened at this office: its documents are attached there")
        if personal_id_number(case.citizen_id) != holder_id:
            facts = {"case": case_id, "digest": digest.hex(), "verdict": state}
            replica.audit.append("ofd.attach", f"refused: {LicenceHolderMismatch.code}", facts)
            raise LicenceHolderMismatch(
                f"the licence was issued to the holder of ID number ...{holder_id[-4:]}, not to this case's citizen",
                tail=holder_id[-4:],
            )
    with replica.transaction():
        replica.case_documents.put(case_id, digest, name[:256], OFD_MEDIA_TYPE, state, data, replica.session.now_ms())
        replica.audit.append("ofd.attach", "ok", {"case": case_id, "digest": digest.hex(), "verdict": state})
    return digest


def issued_result(replica: Replica, case_id: str) -> tuple[str, bytes] | None:
    """The file name and bytes of the sealed result kept with `case_id` (to hand out again), or None."""
    for document in replica.case_documents.list(case_id):
        if document.verdict == ISSUED_STATE:
            data = replica.case_documents.data(case_id, document.digest)
            if data is not None:
                return document.name, data
    return None
