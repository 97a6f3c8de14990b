"""The entry types of the ledger and the fields of each body.

A body is a CBOR map with text keys. Each type lists its fields; unknown fields are refused so
that nothing unplanned (personal data above all) rides along in an entry.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.ledger.errors import SchemaError

MAX_TEXT = 1024
MAX_BYTES = 4096


class _Absent:
    """The type of the marker of a field missing from a body: no decoded value is of this type."""


_ABSENT = _Absent()


@dataclass(frozen=True)
class Field:
    """One field of an entry body."""

    name: str
    kind: type
    required: bool = True
    max_len: int | None = None

    @functools.cached_property
    def accepted(self) -> type | tuple[type, ...]:
        """What `isinstance` must find the value to be: a dict field takes any map, a list field a tuple too."""
        return Mapping if self.kind is dict else (list, tuple) if self.kind is list else self.kind

    @functools.cached_property
    def limit(self) -> int | None:
        """The largest length allowed, if the field has one."""
        return self.max_len or (MAX_TEXT if self.kind is str else MAX_BYTES if self.kind is bytes else None)

    @functools.cached_property
    def exact_check(self) -> tuple[type, int]:
        """(type, length limit or 0 for none): a value of exactly that type needs only the length check. Text,
        bytes and integers (a bool is not exactly an int); lists and maps get `_Absent`, which no value is, so
        they always take `check`."""
        if self.kind is str or self.kind is bytes:
            return self.kind, self.limit or 0
        return (int, 0) if self.kind is int else (_Absent, 0)

    def check(self, etype: str, value: Any) -> None:
        """Raise SchemaError unless `value` fits this field."""
        ok = isinstance(value, self.accepted) and not (self.kind is int and isinstance(value, bool))
        if not ok:
            raise SchemaError(f"{etype}: field {self.name!r} must be {self.kind.__name__}")
        limit = self.limit
        if limit is not None and isinstance(value, str | bytes | list | tuple | Mapping) and len(value) > limit:
            raise SchemaError(f"{etype}: field {self.name!r} is longer than {limit}")


@dataclass(frozen=True)
class EntryType:
    """An entry type: its name and the fields of its body."""

    name: str
    fields: tuple[Field, ...]
    doc: str

    @functools.cached_property
    def field_names(self) -> frozenset[str]:
        """The names of this type's fields."""
        return frozenset(f.name for f in self.fields)

    @functools.cached_property
    def required_names(self) -> frozenset[str]:
        """The names of this type's required fields."""
        return frozenset(f.name for f in self.fields if f.required)

    def validate(self, body: Mapping[Any, Any]) -> None:
        """Raise SchemaError unless `body` has exactly this type's fields, well typed.

        A body with the right field names whose values are all of exactly the decoder's types (str, bytes, int)
        within their lengths passes after one look at each value; any other goes through `validate_by_field`,
        which names the first fault.
        """
        if body.keys() <= self.field_names and self.required_names <= body.keys():
            checks = self._exact_checks
            for name, value in body.items():
                f, exact_type, limit = checks[name]
                if type(value) is not exact_type or (limit and len(value) > limit):
                    try:
                        f.check(self.name, value)
                    except SchemaError:
                        break
            else:
                return
        self.validate_by_field(body)

    def validate_by_field(self, body: Mapping[Any, Any]) -> None:
        """`validate` field by field: raise the SchemaError of the first unknown field, else of the first field
        (in this type's order) that is missing or ill-typed."""
        known = self.field_names
        for key in body:
            if key not in known:
                raise SchemaError(f"{self.name}: unknown field {key!r}")
        for f in self.fields:
            if f.name in body:
                f.check(self.name, body[f.name])
            elif f.required:
                raise SchemaError(f"{self.name}: missing field {f.name!r}")

    @functools.cached_property
    def _exact_checks(self) -> dict[str, tuple[Field, type, int]]:
        return {f.name: (f, *f.exact_check) for f in self.fields}


_TYPES = [
    EntryType("demo.note", (Field("text", str),), "A free note, for demo logs."),
    EntryType(
        "registry.enroll",
        (
            Field("kid", bytes, max_len=64),
            Field("suite", str, max_len=32),
            Field("public_key", bytes),
            Field("role", str, max_len=32),
            Field("subject", str),
            Field("department", str, required=False, max_len=64),
            Field("certificate", bytes, required=False, max_len=8192),
        ),
        "Enrol a signing key for an actor (department, device, clerk, supervisor) with a role; a department key"
        " may carry its SM2 X.509 certificate (DER), which an office with trusted department roots requires.",
    ),
    EntryType(
        "registry.revoke",
        (Field("kid", bytes, max_len=64), Field("reason", str)),
        "Revoke a key: entries it signs after this are refused.",
    ),
    EntryType(
        "registry.catalogue",
        (
            Field("version", int),
            Field("digest", bytes, max_len=64),
            Field("document", bytes, required=False, max_len=30000),
        ),
        "Publish a version of the service catalogue.",
    ),
    EntryType(
        "cert.anchor",
        (
            Field("cert_hash", bytes, max_len=64),
            Field("serial", str, max_len=64),
            Field("cert_type", str, max_len=64),
            Field("expires", int, required=False),
        ),
        "Anchor an issued certificate's hash: the certificate storage.",
    ),
    EntryType(
        "cert.revoke",
        (Field("serial", str, max_len=64), Field("reason", str), Field("revoked_at", int)),
        "Revoke a certificate by serial.",
    ),
    EntryType(
        "case.step",
        (
            Field("case_id", str, max_len=64),
            Field("service", str, max_len=64),
            Field("step", str, max_len=64),
            Field("state", str, max_len=32),
            Field("prev", bytes, required=False, max_len=64),
            Field("holder", bytes, required=False, max_len=64),
            Field("refs", list, required=False, max_len=32),
            Field("note", str, required=False),
        ),
        "A case moves one step; it references the previous step by entry hash.",
    ),
    EntryType(
        "consent.grant",
        (
            Field("consent_id", str, max_len=64),
            Field("holder", bytes, max_len=64),
            Field("requester", str, max_len=64),
            Field("provider", str, max_len=64),
            Field("scope", list, max_len=32),
            Field("purpose", str),
            Field("expires", int),
        ),
        "A citizen's consent for one department to read another's data.",
    ),
    EntryType("consent.revoke", (Field("consent_id", str, max_len=64),), "Withdraw a consent."),
    EntryType(
        "data.request",
        (
            Field("request_id", str, max_len=64),
            Field("consent_id", str, max_len=64),
            Field("scope", list, max_len=32),
            Field("reply_key", bytes, required=False, max_len=65),  # X25519 (32 bytes) or an SM2 point (65)
        ),
        "A department asks another for data under a consent.",
    ),
    EntryType(
        "data.response",
        (Field("request_id", str, max_len=64), Field("payload_hash", bytes, max_len=64)),
        "The provider answers; only the hash of the encrypted payload is on the ledger.",
    ),
    EntryType(
        "review.signoff",
        (
            Field("office", str, max_len=128),
            Field("day", str, max_len=10),
            Field("audit_head", bytes, max_len=64),
            Field("counts", dict, max_len=256),
            Field("acknowledgements", list, max_len=1024),
        ),
        "A supervisor signs a day off.",
    ),
    EntryType(
        "audit.anchor",
        (
            Field("office", str, max_len=64),
            Field("count", int),
            Field("head", bytes, max_len=64),
            Field("prev", bytes, required=False, max_len=64),
        ),
        "An office's audit-trail head (record count and chain hash, no personal data), pushed at each sync.",
    ),
    EntryType(
        "registry.request",
        (
            Field("kid", bytes, max_len=64),
            Field("suite", str, max_len=32),
            Field("public_key", bytes),
            Field("role", str, max_len=32),
            Field("subject", str),
            Field("replaces", bytes, required=False, max_len=64),
        ),
        "An office asks its department to enrol a new account key (and revoke the one it replaces).",
    ),
    EntryType(
        "hall.rating",
        (
            Field("case_commitment", bytes, max_len=32),
            Field("level", int),
            Field("service", str, max_len=64),
            Field("office", str, max_len=64),
            Field("window", str, max_len=32),
            Field("clerk", bytes, max_len=64),
            Field("reason_digest", bytes, required=False, max_len=32),
            Field("rated_at", int),
        ),
        "A citizen's 好差评 rating (1 to 5) of a served case, signed by the evaluator device; the case only "
        "by a salted commitment, the reason only by its digest (no personal data).",
    ),
]

ENTRY_TYPES: dict[str, EntryType] = {t.name: t for t in _TYPES}


def validate_body(etype: str, body: Mapping[Any, Any]) -> None:
    """Raise SchemaError unless `etype` is a known entry type and `body` fits it."""
    spec = ENTRY_TYPES.get(etype)
    if spec is None:
        raise SchemaError(f"unknown entry type {etype!r}")
    spec.validate(body)
