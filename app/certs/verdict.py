"""The outcome of verifying a certificate: a status, a reason in zh_CN and en, the claims, the replica age."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What a counter may conclude from one certificate. Only VALID lets the citizen through."""

    VALID = "VALID"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    REVOKED = "REVOKED"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    WRONG_KEY_USAGE = "WRONG_KEY_USAGE"
    MALFORMED = "MALFORMED"
    CANNOT_VERIFY_OFFLINE = "CANNOT_VERIFY_OFFLINE"


# Reason templates by code: (English, Simplified Chinese). Placeholders are filled from `Verdict.params`.
REASONS: dict[str, tuple[str, str]] = {
    "valid": (
        "Genuine, current and not revoked ({issuer}, serial {serial}).",
        "证书真实有效、在有效期内且未被撤销（{issuer}，编号 {serial}）。",
    ),
    "valid_hcert": (
        "Genuine EU digital certificate, signed by {signer}, not expired.",
        "欧盟数字证书真实有效，签发者 {signer}，未过期。",
    ),
    "malformed": ("The code is not a readable certificate: {detail}", "二维码不是可识别的证书：{detail}"),
    "expired": ("The certificate expired at {expires}.", "证书已于 {expires} 过期。"),
    "signer_expired": (
        "The document signer certificate {signer} is not valid at {at}.",
        "文档签名证书 {signer} 在 {at} 不在有效期内。",
    ),
    "not_yet_valid": ("The certificate is valid only from {issued_at}.", "证书自 {issued_at} 起才生效。"),
    "revoked": (
        "The issuer revoked this certificate at {revoked_at}: {revocation_reason}",
        "签发机关已于 {revoked_at} 撤销此证书：{revocation_reason}",
    ),
    "unknown_key": (
        "No enrolled key {kid} is known for issuer {issuer}.",
        "未找到签发机关 {issuer} 的登记密钥 {kid}。",
    ),
    "key_not_valid_at_issue": (
        "Key {kid} of {issuer} was not valid when the certificate says it was issued ({issued_at}).",
        "签发机关 {issuer} 的密钥 {kid} 在证书所称签发时间（{issued_at}）无效。",
    ),
    "unknown_dsc": (
        "No trusted document signer certificate has key id {kid}.",
        "信任列表中没有密钥标识为 {kid} 的文档签名证书。",
    ),
    "bad_signature": (
        "The signature does not match: the certificate was altered or forged.",
        "签名不符：证书被篡改或伪造。",
    ),
    "key_role": (
        "Key {kid} is enrolled as {role}, which may not sign certificates.",
        "密钥 {kid} 登记的角色为 {role}，无权签发证书。",
    ),
    "key_department": (
        "Key {kid} belongs to {department}, not to the issuer {issuer} the certificate names.",
        "密钥 {kid} 属于 {department}，而非证书所称的签发机关 {issuer}。",
    ),
    "wrong_eku": (
        "Signer {signer} may sign only {allowed}, not a {kind} certificate.",
        "签名证书 {signer} 只能签发 {allowed}，不能签发{kind}证书。",
    ),
    "no_replica": (
        "No office replica is open: a govdesk certificate cannot be checked offline without it.",
        "未打开本所副本：离线状态下无法核验本系统证书。",
    ),
    "stale_replica": (
        "The replica last synced {issuer} {age} ago; a {type_en} needs data no older than {limit}.",
        "本所副本上次同步 {issuer} 已是 {age} 前；{type_zh}要求数据不超过 {limit}。",
    ),
    "log_untrusted": (
        "{issuer}'s log is not trusted since it showed two histories (fork evidence {evidence}); a supervisor "
        "must resolve it first.",
        "{issuer} 的日志出现了两份不同的历史，已不再可信（分叉证据 {evidence}）；须由主管先行处理。",
    ),
    "never_synced": (
        "The replica holds no checkpoint of {issuer}'s log, so revocations cannot be checked.",
        "本所副本没有 {issuer} 日志的检查点，无法核查撤销情况。",
    ),
    "anchor_mismatch": (
        "The ledger anchors this certificate hash under different facts ({anchor}).",
        "账本中此证书哈希对应的信息不一致（{anchor}）。",
    ),
}


@dataclass(frozen=True)
class Verdict:
    """The result of one verification. `status` decides; the rest explains."""

    status: Status
    code: str
    params: dict[str, str]
    format: str
    claims: dict[str, Any] = field(default_factory=dict)
    replica_age_ms: int | None = None
    anchored: bool | None = None
    checked_at: datetime | None = None

    @property
    def reason_en(self) -> str:
        """The reason in English."""
        return REASONS[self.code][0].format(**self.params)

    @property
    def reason_zh(self) -> str:
        """The reason in Simplified Chinese."""
        return REASONS[self.code][1].format(**self.params)

    def reason(self, language: str = "zh_CN") -> str:
        """The reason in `language` ('zh_CN' or 'en'); Chinese first, as clerks read it."""
        return self.reason_en if language.startswith("en") else self.reason_zh

    @property
    def ok(self) -> bool:
        """True only for VALID."""
        return self.status is Status.VALID

    def to_json(self) -> dict[str, Any]:
        """Return the verdict as JSON-ready values."""
        return {
            "status": self.status.value,
            "reason": self.reason_en,
            "reasons": {"zh_CN": self.reason_zh, "en": self.reason_en},
            "format": self.format,
            "claims": self.claims,
            "replica_age_ms": self.replica_age_ms,
            "anchored": self.anchored,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }


def format_duration(ms: int) -> str:
    """Return a duration as a short text such as '3d 4h' or '25m'."""
    minutes = ms // 60_000
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"
