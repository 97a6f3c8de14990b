"""Consent and data exchange: a citizen's consent, a department's request, the provider's sealed answer.

    consents = ConsentDesk(replica, catalogue)
    cid = consents.grant(id_number, provider="public-security", scope=["identity", "address"],
                         purpose="banking-insurance.personal-account-opening", expires_ms=...)
    request = consents.request(cid, ["address"])                       # at the requester
    answer = consents.answer(request_id, department_signer, source)    # at the provider
    data = consents.receive(request_id, answer.entry, answer.sealed)   # back at the requester

The ledger holds the citizen's keyed commitment, department ids, scope codes, a catalogue service id
as purpose, and the hash of the sealed payload: never the data itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.catalogue.catalogue import Catalogue
from app.catalogue.department_logs import department_id, origin_of
from app.catalogue.errors import WrongDepartment
from app.certs.holder import id_number_mistyped
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id
from app.services.actors import check_actor, enrolled_key
from app.services.commitments import CitizenSalts
from app.services.errors import (
    ConsentExpired,
    ConsentMissing,
    ConsentRevoked,
    ExchangeError,
    IdNumberMistyped,
    Refusal,
    ScopeNotCovered,
)
from app.services.sealing import new_reply_key, open_sealed, payload_hash, seal
from app.store import consents, inputs, roles
from app.store.consents import Consent
from app.store.ledger_projection import apply_consent_entry
from app.store.replica import Replica

SERVING_ROLES = frozenset({"clerk", "supervisor"})
PROVIDER_ROLES = frozenset({"department"})
MAX_CONSENT_MS = 366 * 24 * 3_600_000
MAX_PAYLOAD = 64 * 1024
DataSource = Callable[[bytes, Sequence[str]], Mapping[str, Any]]


@dataclass(frozen=True)
class Answer:
    """The provider's signed `data.response` entry and the sealed payload it hashes."""

    request_id: str
    entry: bytes
    sealed: bytes


def new_id(prefix: str) -> str:
    """Return a fresh random identifier for a consent or request (no personal data in it)."""
    return prefix + os.urandom(10).hex().upper()


class ConsentDesk:
    """Consents and data exchanges of one replica."""

    def __init__(self, replica: Replica, catalogue: Catalogue) -> None:
        self._r = replica
        self.catalogue = catalogue
        self.salts = CitizenSalts(replica)

    def _scope(self, scope: Sequence[str]) -> list[str]:
        if not isinstance(scope, list | tuple) or not 0 < len(scope) <= 16:
            raise Refusal("a data scope is a list of 1 to 16 scope codes")
        for item in scope:
            if item not in self.catalogue.data_scopes:
                raise Refusal(f"unknown data scope {item!r} (known: {sorted(self.catalogue.data_scopes)})")
        return sorted(set(scope))

    def _sign(self, signer: Signer, department: str, etype: str, body: dict[str, Any]) -> bytes:
        now = self._r.session.now_ms()
        entry = Entry(origin_of(department), etype, now, key_id(signer.suite, signer.public_key), body)
        return sign_entry(entry, signer)

    def consent(self, consent_id: str) -> Consent | None:
        """Return a consent by id, or None."""
        self._r.require(roles.READ)
        return consents.consent(self._r.session, inputs.text(consent_id, "consent id"))

    def grant(self, id_number: str, provider: str, scope: Sequence[str], purpose: str, expires_ms: int) -> str:
        """Record the citizen's consent at this counter (the requester's); return the consent id."""
        self._r.require(roles.CASE_WRITE)
        record = enrolled_key(self._r, self._r.account_signer)
        check_actor(record, SERVING_ROLES, department_id(record.department), "granting consent")
        if id_number_mistyped(id_number):  # a consent of a number that is nobody's would cover no one
            raise IdNumberMistyped("the citizen's ID number's check character is wrong: a character was mistyped")
        origin_of(provider)
        if provider == department_id(record.department):
            raise Refusal("a consent lets one department read another's data: requester and provider differ")
        self.catalogue.service(purpose)
        now = self._r.session.now_ms()
        expires_ms = inputs.integer(expires_ms, "expiry")
        if not now < expires_ms <= now + MAX_CONSENT_MS:
            raise Refusal("a consent expires in the future, within a year")
        consent_id = new_id("K")
        body = {
            "consent_id": consent_id,
            "holder": self.salts.commitment(id_number),
            "requester": department_id(record.department),
            "provider": provider,
            "scope": self._scope(scope),
            "purpose": purpose,
            "expires": expires_ms,
        }
        data = self._sign(self._r.account_signer, department_id(record.department), "consent.grant", body)
        with self._r.transaction():
            self._r.outbox.enqueue(origin_of(department_id(record.department)), data)
            apply_consent_entry(self._r, decode_entry(data), trusted_key=record)
            self._r.audit.append("consent.grant", "ok", {"consent": consent_id, "provider": provider})
        return consent_id

    def revoke(self, consent_id: str) -> bytes:
        """Withdraw a consent at the citizen's request (a counter of the requester or the provider)."""
        self._r.require(roles.CASE_WRITE)
        consent = self.consent(consent_id)
        if consent is None:
            raise ConsentMissing(f"no consent {consent_id!r}")
        record = enrolled_key(self._r, self._r.account_signer)
        if department_id(record.department) not in (consent.requester, consent.provider):
            where = f"{consent.requester} or {consent.provider}"
            raise WrongDepartment(f"consent {consent_id} is revoked at a counter of {where}")
        check_actor(record, SERVING_ROLES, department_id(record.department), "revoking consent")
        data = self._sign(
            self._r.account_signer, department_id(record.department), "consent.revoke", {"consent_id": consent_id}
        )
        with self._r.transaction():
            leaf = self._r.outbox.enqueue(origin_of(department_id(record.department)), data)
            apply_consent_entry(self._r, decode_entry(data), trusted_key=record)
            self._r.audit.append("consent.revoke", "ok", {"consent": consent_id})
        return leaf

    def request(self, consent_id: str, scope: Sequence[str]) -> str:
        """Ask the provider for data under a consent; return the request id (its reply key stays here)."""
        self._r.require(roles.CASE_WRITE)
        record = enrolled_key(self._r, self._r.account_signer)
        consent = self.consent(consent_id)
        if consent is None:
            raise ConsentMissing(f"no consent {consent_id!r} is known here")
        check_actor(record, SERVING_ROLES, consent.requester, "requesting data")
        scope = self._scope(scope)
        check_consent(consent, department_id(record.department), scope, self._r.session.now_ms())
        private, public = new_reply_key(self._r.account_signer.suite.name)
        request_id = new_id("R")
        body = {"request_id": request_id, "consent_id": consent_id, "scope": scope, "reply_key": public}
        data = self._sign(self._r.account_signer, department_id(record.department), "data.request", body)
        with self._r.transaction():
            self._r.outbox.enqueue(origin_of(department_id(record.department)), data)
            apply_consent_entry(self._r, decode_entry(data), trusted_key=record)
            consents.keep_reply_key(self._r.session, request_id, private)
            self._r.audit.append("data.request", "ok", {"request": request_id, "consent": consent_id})
        return request_id

    def answer(self, request_id: str, signer: Signer, source: DataSource) -> Answer:
        """At the provider: check the consent, seal the data to the requester, sign `data.response`."""
        self._r.require(roles.OUTBOX_WRITE)
        asked = consents.exchange(self._r.session, inputs.text(request_id, "request id", max_len=64))
        if asked is None:
            raise ConsentMissing(f"no data request {request_id!r} is known here")
        consent_id, requester, requested_ms, reply_public = (
            asked.consent_id, asked.requester, asked.requested_ms, asked.reply_public
        )  # fmt: skip
        scope = list(asked.scope)
        record = self._r.registry.key(key_id(signer.suite, signer.public_key))
        try:
            if record is None:
                raise Refusal("the answering key is not enrolled")
            consent = self.consent(consent_id)
            if consent is None:
                raise ConsentMissing(f"request {request_id}: no consent {consent_id!r}")
            check_actor(record, PROVIDER_ROLES, consent.provider, "answering a data request")
            check_consent(consent, requester, scope, max(requested_ms, self._r.session.now_ms()))
            if reply_public is None:
                raise Refusal("the request carries no reply key")
        except Refusal as exc:
            self._r.audit.append("data.answer", f"refused: {exc.code}", {"request": request_id})
            raise
        payload = json.dumps(dict(source(consent.holder, scope)), ensure_ascii=False, sort_keys=True).encode()
        if len(payload) > MAX_PAYLOAD:
            raise ExchangeError(f"the answer is larger than {MAX_PAYLOAD} bytes")
        sealed = seal(payload, reply_public, request_id.encode())
        body = {"request_id": request_id, "payload_hash": payload_hash(sealed)}
        data = self._sign(signer, department_id(record.department), "data.response", body)
        with self._r.transaction():
            self._r.outbox.enqueue(origin_of(department_id(record.department)), data)
            apply_consent_entry(self._r, decode_entry(data), trusted_key=record)
            self._r.audit.append("data.answer", "ok", {"request": request_id})
        return Answer(request_id, data, sealed)

    def receive(self, request_id: str, response_entry: bytes, sealed: bytes) -> dict[str, Any]:
        """At the requester: check the response entry names our request and hashes `sealed`; decrypt it."""
        self._r.require(roles.CASE_READ)
        try:
            signed = decode_entry(response_entry)
        except LedgerError as exc:
            raise ExchangeError(f"not a ledger entry: {exc}") from None
        asked = consents.exchange(self._r.session, inputs.text(request_id, "request id", max_len=64))
        if asked is None or asked.reply_private is None:
            raise ExchangeError(f"request {request_id!r} was not made at this office")
        consent = self.consent(asked.consent_id)
        key = self._r.registry.signing_key(signed.kid, signed.entry.log)
        if signed.entry.type != "data.response" or signed.entry.body["request_id"] != request_id:
            raise ExchangeError("the entry is not the response to this request")
        if (
            key is None
            or consent is None
            or department_id(key.department) != consent.provider
            or key.role != "department"
        ):
            raise ExchangeError("the response is not signed by the provider department's key")
        try:
            signed.verify(key.public_key)
        except LedgerError as exc:
            raise ExchangeError(f"the response signature does not verify: {exc}") from None
        if payload_hash(sealed) != signed.entry.body["payload_hash"]:
            raise ExchangeError("the sealed payload does not match the hash on the ledger")
        payload = open_sealed(sealed, asked.reply_private, request_id.encode())
        with self._r.transaction():
            apply_consent_entry(self._r, signed, trusted_key=key)
            self._r.audit.append("data.receive", "ok", {"request": request_id})
        try:
            return json.loads(payload)
        except ValueError:
            raise ExchangeError("the decrypted payload is not JSON") from None

    def consents_of(self, holder: bytes) -> list[Consent]:
        """Return every consent this replica knows for a citizen commitment, oldest first."""
        self._r.require(roles.READ)
        return consents.consents_of(self._r.session, holder)


def check_consent(consent: Consent, requester: str, scope: Sequence[str], at_ms: int) -> None:
    """Raise the typed refusal unless `consent` lets `requester` read `scope` at `at_ms`."""
    if consent.revoked_ms is not None:
        raise ConsentRevoked(f"consent {consent.consent_id} was revoked")
    if at_ms >= consent.expires_ms:
        raise ConsentExpired(f"consent {consent.consent_id} expired")
    if consent.requester != requester:
        raise ScopeNotCovered(f"consent {consent.consent_id} was given to {consent.requester}, not {requester}")
    outside = sorted(set(scope) - set(consent.scope))
    if outside:
        raise ScopeNotCovered(f"consent {consent.consent_id} does not cover {', '.join(outside)}")
