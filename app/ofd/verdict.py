"""The outcome of verifying an OFD document: one verdict per signature and one for the document.

Reasons are stable codes; `REASONS` words each in English and Simplified Chinese. The CLI prints
the English sentence, the UI chooses by language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.beijing_time import shown_time

# code: (English, Simplified Chinese). Placeholders come from the verdict's params.
REASONS: dict[str, tuple[str, str]] = {
    "ok": ("Intact, correctly signed, and the issuer is trusted.", "文件完整、签名正确，签发者可信。"),
    "issuer_untrusted": (
        "Signature intact, issuer not trusted: {signer} does not chain to a trusted root for seals.",
        "签名完整，但签发者不受信任：{signer} 未链接到本所信任的印章根证书。",
    ),
    "revoked": ("Intact, but the {what} was revoked.", "文件完整，但{what_zh}已被撤销。"),
    "seal_key_revoked": (
        "Seal key revoked: the department revoked it at {revoked_at}; this document was sealed at {signed_at}.",
        "印章密钥已被撤销：签发部门于 {revoked_at} 撤销了该密钥，本文档签章时间为 {signed_at}。",
    ),
    "seal_key_revoked_unanchored": (
        "Seal key revoked at {revoked_at}: the document says it was sealed before ({signed_at}), but the department's"
        " log holds no anchor of this file to prove it.",
        "印章密钥已于 {revoked_at} 被撤销：文档自称签章于撤销之前（{signed_at}），"
        "但签发部门的账本上没有该文件的锚定记录可以证明。",
    ),
    "digest_mismatch": (
        "The file {member} was changed after signing.",
        "文件 {member} 在签章后被修改。",
    ),
    "reference_missing": (
        "The signed file {member} is missing from the document.",
        "签章覆盖的文件 {member} 在文档中缺失。",
    ),
    "data_hash_mismatch": (
        "Signature.xml was changed after signing (its hash does not match the seal).",
        "Signature.xml 在签章后被修改（摘要与签章数据不符）。",
    ),
    "signature_invalid": (
        "The signature value does not match the signer's certificate.",
        "签名值与签章人证书不符。",
    ),
    "signed_value_invalid": (
        "The signature data cannot be read: {detail}",
        "签章数据无法解析：{detail}",
    ),
    "seal_invalid": ("The seal is not genuine: {detail}", "印章无效：{detail}"),
    "seal_expired": (
        "The seal was used at {signed_at}, outside its validity {valid_from} to {valid_until}.",
        "印章使用时间 {signed_at} 不在其有效期 {valid_from} 至 {valid_until} 内。",
    ),
    "seal_picture_invalid": ("The seal picture is not a valid {kind} image.", "印章图片不是有效的 {kind} 图像。"),
    "seal_mismatch": (
        "The seal file does not match the seal inside the signature.",
        "印章文件与签章数据中的印章不一致。",
    ),
    "signer_not_seal_holder": (
        "The signer {signer} is not a holder of seal {seal}.",
        "签章人 {signer} 不是印章 {seal} 的持有人。",
    ),
    "certificate_invalid": ("The certificate cannot be used: {detail}", "证书无法使用：{detail}"),
    "certificate_expired": (
        "The certificate of {signer} was not valid at the signing time {signed_at}.",
        "{signer} 的证书在签章时间 {signed_at} 不在有效期内。",
    ),
    "unsupported_algorithm": ("Unsupported algorithm {alg}.", "不支持的算法 {alg}。"),
    "signer_unknown": (
        "The signature carries no signer certificate, so it cannot be checked.",
        "签名未携带签名人证书，无法核验。",
    ),
    "signature_structure_invalid": ("The signature's description is unusable: {detail}", "签名描述无法使用：{detail}"),
    # document level
    "no_signatures": ("The document carries no signature.", "文档未签章。"),
    "signature_failed": ("At least one signature is not valid.", "至少一个签章无效。"),
    "content_not_covered": (
        "{count} file(s) are not covered by any signature, e.g. {member}.",
        "{count} 个文件未被任何签章覆盖，例如 {member}。",
    ),
    "unreadable": ("The file cannot be read as an OFD document: {detail}", "文件无法作为 OFD 文档读取：{detail}"),
}

WHAT_ZH = {"signer certificate": "签章人证书", "seal": "印章", "seal maker certificate": "制章人证书"}


def word(code: str, params: dict[str, Any], *, language: str = "en") -> str:
    """The sentence for `code` in `language` ("en" or "zh_CN"), with its parameters filled."""
    english, chinese = REASONS.get(code, (code, code))
    template = chinese if language.startswith("zh") else english
    values = {**params, "what_zh": WHAT_ZH.get(str(params.get("what", "")), params.get("what", ""))}
    for key, value in params.items():  # times travel as UTC milliseconds and are read in Beijing time
        if key.endswith("_ms") and isinstance(value, int):
            values[key.removesuffix("_ms")] = shown_time(value, "zh_CN" if language.startswith("zh") else "en")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


@dataclass
class SealInfo:
    """What a clerk is shown of a seal: its name, owner, id, validity and picture."""

    name: str
    owner: str
    es_id: str
    version: int
    valid_from: datetime
    valid_until: datetime
    picture_kind: str
    picture: bytes


@dataclass
class SignatureVerdict:
    """The verdict on one signature: `valid` means intact and correctly signed; `trusted` adds the chain."""

    id: str
    kind: str  # "seal-v4", "seal-v1" or "digital"
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    signer: str = ""
    reason: str = "signature_structure_invalid"
    params: dict[str, Any] = field(default_factory=dict)
    signed_at: datetime | None = None
    covered: list[str] = field(default_factory=list)
    seal: SealInfo | None = None
    signer_cert: bytes = b""
    seal_key_department: str = ""  # the log origin of the department whose registry enrols the signing seal key
    seal_key_revoked_ms: int | None = None  # when that department revoked the seal key (UTC milliseconds)

    @property
    def message(self) -> str:
        """The English sentence for this verdict."""
        return word(self.reason, {"signer": self.signer, **self.params})

    def to_json(self) -> dict[str, Any]:
        """The JSON object `govdesk ofd verify --json` prints for this signature."""
        return {
            "id": self.id,
            "kind": self.kind,
            "valid": self.valid,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "signer": self.signer,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass
class DocumentVerdict:
    """The verdict on a whole document: valid, trusted, why not, and what it says it is."""

    valid: bool
    trusted: bool
    reason: str
    params: dict[str, Any] = field(default_factory=dict)
    signatures: list[SignatureVerdict] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    licence: dict[str, str] = field(default_factory=dict)
    title: str = ""
    doc_id: str = ""
    pages: int = 0
    readable: bool = True

    @property
    def issued_at(self) -> datetime | None:
        """When the document was issued: the earliest signing time of its valid signatures (None if none)."""
        times = [s.signed_at for s in self.signatures if s.valid and s.signed_at is not None]
        return min(times) if times else None

    @property
    def message(self) -> str:
        """The English sentence for the document's verdict."""
        return word(self.reason, self.params)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `govdesk ofd verify --json` (the issue's exact shape)."""
        return {
            "valid": self.valid,
            "trusted": self.trusted,
            "signatures": [s.to_json() for s in self.signatures],
        }


def unreadable(code: str, detail: str) -> DocumentVerdict:
    """The verdict for a file that cannot be read at all (exit 2)."""
    return DocumentVerdict(
        valid=False, trusted=False, reason="unreadable", params={"detail": detail, "code": code}, readable=False
    )
