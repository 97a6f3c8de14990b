"""The one table that words every typed refusal and error from app/ in the user's language.

A refusal from app/ carries a stable code (app.services' Refusal.code, the node's wire codes in a sync
RequestRefused, the class of a store, sync or review error) and parameters; the exception's own English text is
never shown to a clerk. An unknown code still gets a sentence of its own language, with the code for support.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.catalogue.cert_types import CertType, policy
from app.catalogue.errors import ServiceError, UnknownService
from app.review.errors import (
    AlreadySigned,
    BadCallback,
    CallbackNeedsSupervisor,
    NotAcknowledged,
    NotRefused,
    ReviewError,
    UnsafeExportPath,
)
from app.services.errors import Refusal, UnknownCase
from app.store import errors as store_errors
from app.sync import errors as sync_errors


def refusal_sentences() -> dict[str, str]:
    """Every refusal code and its sentence in the current language (%name: a parameter of the refusal)."""
    return {
        # app/services: case steps, acceptance and consent
        "wrong_role": QCoreApplication.translate("Refusal", "Your role may not perform this step."),
        "wrong_department": QCoreApplication.translate(
            "Refusal", "This step is done by another department; this counter is not enrolled for it."
        ),
        "not_enrolled": QCoreApplication.translate(
            "Refusal", "Your signing key is not enrolled with the department (or was revoked)."
        ),
        "missing_certificate": QCoreApplication.translate(
            "Refusal", "Required certificates are missing or not valid: %missing."
        ),
        "applicant_mismatch": QCoreApplication.translate(
            "Refusal", "The applicant does not match the scanned e-ID or a certificate is someone else's."
        ),
        "licence_holder_mismatch": QCoreApplication.translate(
            "Refusal",
            "This e-licence was issued to another person (ID number ending %tail), not to this case's citizen. "
            "It was not attached.",
        ),
        "id_number_mistyped": QCoreApplication.translate(
            "Refusal",
            "The ID number's last character does not match the rest of it: a character was mistyped or misread. "
            "Read the number again from the card. Nothing was signed.",
        ),
        "step_out_of_order": QCoreApplication.translate(
            "Refusal", "This step is not allowed at the case's current stage."
        ),
        "case_conflict": QCoreApplication.translate(
            "Refusal", "Another office moved this case first; look at the case again."
        ),
        "replica_too_stale": QCoreApplication.translate(
            "Refusal", "The local copy of this department's log is too old for this service: sync first."
        ),
        "log_untrusted": QCoreApplication.translate(
            "Refusal", "This department's log is under a fork alarm: a supervisor must resolve it first."
        ),
        "consent_missing": QCoreApplication.translate("Refusal", "No consent of the citizen covers this request."),
        "consent_expired": QCoreApplication.translate("Refusal", "The citizen's consent has expired."),
        "consent_revoked": QCoreApplication.translate("Refusal", "The citizen revoked the consent."),
        "scope_not_covered": QCoreApplication.translate("Refusal", "The request asks for data outside the consent."),
        "refused": QCoreApplication.translate("Refusal", "The request was refused by the rules."),
        "unknown_service": QCoreApplication.translate("Refusal", "There is no such service in the catalogue."),
        "unknown_case": QCoreApplication.translate("Refusal", "This office knows no such case."),
        "service_error": QCoreApplication.translate("Refusal", "The service catalogue or a case could not be read."),
        # the hall's ratings the counter did not pass on to a department (app/office.py forward_ratings)
        "rating_not_a_rating": QCoreApplication.translate(
            "Refusal", "What the hall gave as a rating is not a signed rating for a department's log."
        ),
        "rating_wrong_office": QCoreApplication.translate(
            "Refusal", "The rating is of another office's ticket, or its evaluator is enrolled for another office."
        ),
        "rating_not_a_device": QCoreApplication.translate(
            "Refusal", "The rating is not signed by an active evaluator device (a person's key, or a revoked device)."
        ),
        "rating_bad_signature": QCoreApplication.translate(
            "Refusal", "The rating's signature does not verify: it may have been altered on the way."
        ),
        "rating_not_forwarded": QCoreApplication.translate(
            "Refusal", "The counter did not pass this rating on to its department."
        ),
        # the department nodes' refusals (docs/node.md), as sync reports them
        "malformed_entry": QCoreApplication.translate("Refusal", "The department refused the entry as malformed."),
        "bad_signature": QCoreApplication.translate(
            "Refusal", "The department refused the entry: its signature does not verify."
        ),
        "unknown_signer": QCoreApplication.translate("Refusal", "The department does not know this signing key."),
        "revoked_signer": QCoreApplication.translate("Refusal", "The department revoked this signing key."),
        "role_not_allowed": QCoreApplication.translate(
            "Refusal", "The department does not allow this role to write this entry."
        ),
        "wrong_log": QCoreApplication.translate("Refusal", "The entry was sent to the wrong department."),
        "entry_too_large": QCoreApplication.translate("Refusal", "The entry is too large for the department."),
        "batch_too_large": QCoreApplication.translate("Refusal", "Too many entries were sent at once."),
        "body_too_large": QCoreApplication.translate("Refusal", "The request was too large for the department."),
        "malformed_request": QCoreApplication.translate("Refusal", "The department could not read the request."),
        "unauthenticated": QCoreApplication.translate(
            "Refusal", "The department did not accept this counter's credentials."
        ),
        "bad_request_signature": QCoreApplication.translate(
            "Refusal", "The department did not accept the request's signature."
        ),
        "stale_request": QCoreApplication.translate(
            "Refusal", "The request was too old when it arrived: check the computer's clock."
        ),
        "replayed_request": QCoreApplication.translate("Refusal", "The department saw this request before."),
        "rate_limited": QCoreApplication.translate("Refusal", "The department is busy: it will be tried again."),
        "overloaded": QCoreApplication.translate("Refusal", "The department is overloaded: it will be tried again."),
        "sequencing_timeout": QCoreApplication.translate(
            "Refusal", "The department did not finish in time: it will be tried again."
        ),
        "request_timeout": QCoreApplication.translate("Refusal", "The request timed out: it will be tried again."),
        "not_found": QCoreApplication.translate("Refusal", "The department does not have what was asked for."),
        # the replica (app/store)
        "office_not_found": QCoreApplication.translate("Refusal", "There is no office database here."),
        "office_exists": QCoreApplication.translate("Refusal", "An office database already exists here."),
        "unknown_account": QCoreApplication.translate("Refusal", "Unknown user name or wrong password."),
        "wrong_password": QCoreApplication.translate("Refusal", "Unknown user name or wrong password."),
        "account_locked": QCoreApplication.translate(
            "Refusal", "Too many wrong passwords: the account is locked for a while."
        ),
        "account_disabled": QCoreApplication.translate("Refusal", "This account is disabled: ask the administrator."),
        "permission_denied": QCoreApplication.translate("Refusal", "Your role does not allow this."),
        "not_a_database": QCoreApplication.translate(
            "Refusal", "The office database cannot be opened: wrong key or not a database."
        ),
        "database_damaged": QCoreApplication.translate("Refusal", "The office database is damaged: call support."),
        "rollback_detected": QCoreApplication.translate(
            "Refusal", "The office database was rolled back to an older copy: call support."
        ),
        "audit_chain_broken": QCoreApplication.translate("Refusal", "The audit trail was altered: call support."),
        "disk_full": QCoreApplication.translate("Refusal", "The disk is full: nothing was saved."),
        "schema_too_new": QCoreApplication.translate(
            "Refusal", "The office database is from a newer govdesk: update this program."
        ),
        "invalid_input": QCoreApplication.translate("Refusal", "A field holds a value that is not accepted."),
        "not_unlocked": QCoreApplication.translate("Refusal", "The office is locked: log in first."),
        "store_error": QCoreApplication.translate("Refusal", "The office database refused the action."),
        # sync (app/sync)
        "node_unreachable": QCoreApplication.translate(
            "Refusal", "The department's node cannot be reached: work continues offline."
        ),
        "cancelled": QCoreApplication.translate("Refusal", "Sync was cancelled."),
        "verification_failed": QCoreApplication.translate(
            "Refusal", "What the department sent does not verify: nothing of it was kept."
        ),
        "fork_detected": QCoreApplication.translate(
            "Refusal", "The department's log shows two histories: the fork alarm is raised."
        ),
        "sync_log_untrusted": QCoreApplication.translate(
            "Refusal", "This department's log is under a fork alarm and is not synced."
        ),
        "clock_skew": QCoreApplication.translate(
            "Refusal", "This computer's clock differs too much from the department's."
        ),
        "sync_error": QCoreApplication.translate("Refusal", "Sync failed."),
        # the supervisor's review
        "already_signed": QCoreApplication.translate("Refusal", "This day is already signed off."),
        "not_acknowledged": QCoreApplication.translate(
            "Refusal", "Every anomaly must be acknowledged with a comment before signing."
        ),
        "unsafe_export_path": QCoreApplication.translate("Refusal", "Reports can only be saved in a folder you chose."),
        "not_refused": QCoreApplication.translate(
            "Refusal", "This entry is no longer refused (it was sent again or set aside already): reopen the list."
        ),
        "callback_needs_supervisor": QCoreApplication.translate(
            "Refusal", "Only the supervisor, logged in with their own signing key, records a call-back."
        ),
        "callback_bad_outcome": QCoreApplication.translate(
            "Refusal", "Write the call-back's outcome: 1 to 1000 characters, without control characters."
        ),
        "callback_bad_time": QCoreApplication.translate(
            "Refusal", "The call-back's time must lie after the rating and not in the future."
        ),
        "review_error": QCoreApplication.translate("Refusal", "The review could not be completed."),
        # trusted root certificates (the administrator's screen)
        "root_unreadable": QCoreApplication.translate("Refusal", "The certificate file cannot be read."),
        "root_too_large": QCoreApplication.translate(
            "Refusal", "The file is too large to be a root certificate (at most 64 KiB)."
        ),
        "root_malformed": QCoreApplication.translate(
            "Refusal", "The file does not hold exactly one well-formed SM2 certificate (PEM or DER)."
        ),
        "root_not_ca": QCoreApplication.translate(
            "Refusal", "This certificate is not a certification authority's: it cannot be a trusted root."
        ),
        "root_not_self_issued": QCoreApplication.translate(
            "Refusal", "This certificate was issued by another authority: only a root (self-issued) can be trusted."
        ),
        "root_bad_signature": QCoreApplication.translate(
            "Refusal", "The certificate's own signature does not verify: it was altered or damaged."
        ),
        "root_expired": QCoreApplication.translate("Refusal", "This root certificate has expired."),
        "root_already_trusted": QCoreApplication.translate("Refusal", "This root is already in the list."),
        "root_list_full": QCoreApplication.translate(
            "Refusal", "The list is full: remove a root before adding another."
        ),
    }


_STORE_CODES: tuple[tuple[type, str], ...] = (
    (store_errors.OfficeNotFound, "office_not_found"),
    (store_errors.OfficeExists, "office_exists"),
    (store_errors.UnknownAccount, "unknown_account"),
    (store_errors.WrongPassword, "wrong_password"),
    (store_errors.AccountLocked, "account_locked"),
    (store_errors.AccountDisabled, "account_disabled"),
    (store_errors.PermissionDenied, "permission_denied"),
    (store_errors.NotADatabase, "not_a_database"),
    (store_errors.DatabaseDamaged, "database_damaged"),
    (store_errors.RollbackDetected, "rollback_detected"),
    (store_errors.AuditChainBroken, "audit_chain_broken"),
    (store_errors.DiskFull, "disk_full"),
    (store_errors.SchemaTooNew, "schema_too_new"),
    (store_errors.InvalidInput, "invalid_input"),
)
_REVIEW_CODES: tuple[tuple[type, str], ...] = (
    (AlreadySigned, "already_signed"),
    (NotAcknowledged, "not_acknowledged"),
    (UnsafeExportPath, "unsafe_export_path"),
    (NotRefused, "not_refused"),
    (CallbackNeedsSupervisor, "callback_needs_supervisor"),
)
_SYNC_CODES: tuple[tuple[type, str], ...] = (
    (sync_errors.NodeUnreachable, "node_unreachable"),
    (sync_errors.Cancelled, "cancelled"),
    (sync_errors.ForkDetected, "fork_detected"),
    (sync_errors.LogUntrusted, "sync_log_untrusted"),
    (sync_errors.ClockSkew, "clock_skew"),
    (sync_errors.VerificationFailed, "verification_failed"),
)


def error_code(error: BaseException) -> str:
    """Return the stable code of an error from app/ (its own code, else its class's)."""
    if isinstance(error, Refusal | store_errors.TrustRootRefused):
        return error.code
    if isinstance(error, sync_errors.RequestRefused):
        return str(getattr(error, "code", "refused"))
    if isinstance(error, BadCallback):
        return "callback_bad_time" if error.field == "time" else "callback_bad_outcome"
    if isinstance(error, UnknownService):
        return "unknown_service"
    if isinstance(error, UnknownCase):
        return "unknown_case"
    if isinstance(error, ServiceError):
        return "service_error"
    for table, fallback in ((_REVIEW_CODES, "review_error"), (_STORE_CODES, "store_error"), (_SYNC_CODES, "")):
        for kind, code in table:
            if isinstance(error, kind):
                return code
        if fallback == "review_error" and isinstance(error, ReviewError):
            return fallback
    if type(error).__name__ == "NotUnlocked":
        return "not_unlocked"
    if isinstance(error, store_errors.StoreError):
        return "store_error"
    if isinstance(error, sync_errors.SyncError):
        return "sync_error"
    return "unexpected"


def certificate_names(codes: str, language: str) -> str:
    """Certificate type codes ('eid, hukou') as their names in `language`."""
    names = []
    for code in (c.strip() for c in codes.split(",") if c.strip()):
        try:
            kind = policy(CertType(code))
        except ValueError:
            names.append(code)
            continue
        names.append(kind.name_zh if language == "zh_CN" else kind.name_en)
    return ("、" if language == "zh_CN" else ", ").join(names)


def describe(error: BaseException, language: str = "zh_CN") -> str:
    """Return the sentence for an error from app/ in the current language (never the exception's English text)."""
    code = error_code(error)
    sentence = refusal_sentences().get(code)
    if sentence is None:
        return QCoreApplication.translate(
            "Refusal", "Something went wrong (%1); the action was not completed."
        ).replace("%1", code)
    params = dict(getattr(error, "params", None) or {})
    if "missing" in params:
        params["missing"] = certificate_names(params["missing"], language)
    for key, value in params.items():
        sentence = sentence.replace(f"%{key}", value)
    return sentence


def describe_code(code: str) -> str:
    """Return the sentence for a refusal code alone (a code stored with a task or an outbox entry)."""
    sentence = refusal_sentences().get(code)
    if sentence is None:
        return QCoreApplication.translate("Refusal", "Refused (%1).").replace("%1", code)
    return sentence


__all__ = ["describe", "describe_code", "error_code", "refusal_sentences"]
