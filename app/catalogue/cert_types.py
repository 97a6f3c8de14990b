"""The certificate types govdesk issues, with their display fields and how stale a replica may be to verify them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


class CertType(StrEnum):
    """A certificate type, by the short code carried in the certificate."""

    RESIDENT_EID = "eid"
    HOUSEHOLD_REGISTER = "hukou"
    BUSINESS_LICENCE = "biz"
    TAX_COMPLIANCE = "tax"
    PROPERTY = "prop"
    MARRIAGE = "marr"
    SOCIAL_SECURITY_CARD = "ssc"


@dataclass(frozen=True)
class TypePolicy:
    """What one certificate type shows and how fresh the revocation data must be to accept it offline."""

    name_en: str
    name_zh: str
    # Display fields beyond `name` that this type may carry; each is short, public-facing text.
    fields: tuple[str, ...]
    # The issuer's log must have been synced at most this long ago for a verdict of VALID.
    max_replica_age_ms: int


POLICIES: dict[CertType, TypePolicy] = {
    CertType.RESIDENT_EID: TypePolicy("Resident electronic ID", "居民电子身份证", ("region",), 7 * DAY_MS),
    CertType.HOUSEHOLD_REGISTER: TypePolicy("Household register", "户口簿", ("region", "relation"), 3 * DAY_MS),
    CertType.BUSINESS_LICENCE: TypePolicy("Business licence", "营业执照", ("credit_code", "scope"), 1 * DAY_MS),
    CertType.TAX_COMPLIANCE: TypePolicy(
        "Tax-compliance certificate", "完税证明", ("credit_code", "period"), 1 * DAY_MS
    ),
    CertType.PROPERTY: TypePolicy("Property certificate", "不动产权证书", ("property_ref", "share"), 3 * DAY_MS),
    CertType.MARRIAGE: TypePolicy("Marriage certificate", "结婚证", ("spouse", "registered_on"), 30 * DAY_MS),
    CertType.SOCIAL_SECURITY_CARD: TypePolicy("Social-security card", "社会保障卡", ("region",), 7 * DAY_MS),
}

MAX_FIELD_LENGTH = 48


def policy(cert_type: CertType) -> TypePolicy:
    """Return the policy of a certificate type."""
    return POLICIES[cert_type]


def parse_type(value: object) -> CertType | None:
    """Return the certificate type for a short code (or its enum name, any case), or None."""
    if not isinstance(value, str):
        return None
    try:
        return CertType(value)
    except ValueError:
        pass
    try:
        return CertType[value.upper().replace("-", "_")]
    except KeyError:
        return None
