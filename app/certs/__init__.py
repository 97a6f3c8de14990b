"""Electronic certificates: issue, anchor, revoke and verify offline; read EU digital certificates (HCERT) too.

    verdict = verify(qr_text, office=replica)          # a Verdict; verdict.status is a Status
    issued = issue_certificate(make_claims(...), department_signer, now_ms=...)

The format is in docs/certificate-format.md.
"""

from app.catalogue.cert_types import CertType
from app.certs.claims import CertClaims
from app.certs.errors import CertError, MalformedCertificate
from app.certs.issue import IssuedCertificate, issue_certificate, make_claims, record_issue, record_revocation
from app.certs.verdict import Status, Verdict
from app.certs.verify import CLOCK_SKEW, verify

__all__ = [
    "CLOCK_SKEW",
    "CertClaims",
    "CertError",
    "CertType",
    "IssuedCertificate",
    "MalformedCertificate",
    "Status",
    "Verdict",
    "issue_certificate",
    "make_claims",
    "record_issue",
    "record_revocation",
    "verify",
]
