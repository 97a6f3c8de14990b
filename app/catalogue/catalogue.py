"""The service catalogue: 140 services of the 11 departments, validated on load, searchable, publishable.

The file is resources/catalogue.json (its JSON schema beside it, catalogue.schema.json). Every
service carries a GB/T 39554.1-2020 structured code (a 12-digit basic code: item type 2, competent
department 4, main item 3, sub-item 3; an implementation code: the implementing body's GB 32100
unified social credit code, the basic code and a 2-digit handling item), its required materials
and its legal and promised deadlines in working days. The codes in the shipped file are demo data
(`codes.demo` is true): the official list cannot be looked up offline and replaces them at
deployment. Loading
checks every field and names the service and the field at fault. A catalogue version is published
on the ledger as a `registry.catalogue` entry carrying its digest and the zlib-compressed canonical
document, so an update reaches every office through sync.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.catalogue.cert_types import CertType
from app.catalogue.errors import CatalogueError, UnknownService
from app.ledger.entry import Entry, decode_entry, sign_entry
from app.ledger.errors import LedgerError
from app.ledger.suites import Signer, key_id
from app.protocol.departments import all_departments

CATALOGUE_FILE = Path(__file__).resolve().parents[2] / "resources" / "catalogue.json"
FORMAT = "govdesk.catalogue/1"
CATEGORIES = ("data-sharing", "collaborative-processing", "certificate-storage")
STEP_ROLES = ("clerk", "supervisor")
MAX_FILE_SIZE = 4 * 1024 * 1024
MAX_SERVICES = 2000
MAX_STEPS = 16
MAX_STALENESS_HOURS = 30 * 24
MAX_TIME_LIMIT_DAYS = 366
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SERVICE_ID = re.compile(rf"{_ID.pattern}\.{_ID.pattern}")
_LATIN = re.compile(r"[a-z]+")
MAX_MATERIALS = 32
MAX_COPIES = 20
MAX_WORKING_DAYS = 250
CODE_STANDARD = "GB/T 39554.1-2020"
_SERVICE_KEYS = frozenset(
    {
        "id", "name", "search", "category", "lead", "requires", "steps", "max_staleness_hours", "time_limit_days",
        "code", "materials", "legal_days", "promised_days",
    }
)  # fmt: skip
_TOP_KEYS = frozenset(
    {"$schema", "format", "version", "codes", "categories", "actions", "data_scopes", "materials", "services"}
)
_MATERIAL_KEYS = frozenset({"id", "copies", "original"})
_BASIC_CODE = re.compile(r"[0-9]{12}")
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_IMPLEMENTATION_CODE = re.compile(rf"[{_CREDIT_ALPHABET}]{{18}}[0-9]{{14}}")
_STEP_KEYS = frozenset({"id", "department", "action", "role"})


@dataclass(frozen=True)
class Names:
    """A name in Simplified Chinese and English."""

    zh: str
    en: str


@dataclass(frozen=True)
class Step:
    """One step of a service: the department that performs it, the action, and the role it needs."""

    id: str
    department: str
    action: str
    role: str


@dataclass(frozen=True)
class ServiceCode:
    """A GB/T 39554.1 service code: the 12-digit basic code and the 32-character implementation code."""

    basic: str
    implementation: str

    @property
    def item_type(self) -> str:
        """The 2-digit item type (事项类型) of the basic code."""
        return self.basic[:2]

    @property
    def implementing_body(self) -> str:
        """The implementing body's unified social credit code (GB 32100)."""
        return self.implementation[:18]


@dataclass(frozen=True)
class Material:
    """One required application material (申请材料): its id, how many copies, and whether the original is shown."""

    id: str
    copies: int
    original: bool


@dataclass(frozen=True)
class Service:
    """A government service: names, category, certificates, steps, staleness, time limits, code and materials."""

    id: str
    name: Names
    pinyin: str
    initials: str
    category: str
    lead: str
    requires: tuple[str, ...]
    steps: tuple[Step, ...]
    max_staleness_ms: int
    time_limit_ms: int
    code: ServiceCode
    materials: tuple[Material, ...]
    legal_days: int
    promised_days: int


@dataclass(frozen=True)
class Catalogue:
    """A validated catalogue version, with its canonical bytes and digest."""

    version: int
    categories: Mapping[str, Names]
    actions: Mapping[str, Names]
    data_scopes: Mapping[str, Names]
    services: tuple[Service, ...]
    canonical: bytes
    digest: bytes
    materials: Mapping[str, Names]
    codes_are_demo: bool

    def service_by_code(self, code: str) -> Service:
        """Return the service with this basic or implementation code, or raise UnknownService."""
        for service in self.services:
            if code in (service.code.basic, service.code.implementation):
                return service
        raise UnknownService(f"the catalogue (version {self.version}) has no service with code {code!r}")

    def service(self, service_id: str) -> Service:
        """Return the service with this id, or raise UnknownService."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise UnknownService(f"the catalogue (version {self.version}) has no service {service_id!r}")

    def by_department(self, department: str) -> list[Service]:
        """Return the services a department leads."""
        return [s for s in self.services if s.lead == department]

    def search(self, text: str, limit: int = 20) -> list[Service]:
        """Return services matching `text` in either name, the pinyin, the pinyin initials or the id, best first."""
        query = text.strip().lower()
        if not query:
            return []
        scored = []
        for order, s in enumerate(self.services):
            if s.initials.startswith(query) or s.name.zh.startswith(text.strip()):
                rank = 0
            elif query in s.name.zh or query in s.initials or s.pinyin.startswith(query.replace(" ", "")):
                rank = 1
            elif query in s.name.en.lower() or query.replace(" ", "") in s.pinyin or query in s.id:
                rank = 2
            else:
                continue
            scored.append((rank, order, s))
        return [s for _, _, s in sorted(scored, key=lambda t: t[:2])][:limit]


def canonical_json(doc: Mapping[str, Any]) -> bytes:
    """Return a catalogue document as canonical JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _names(value: object, service: str | None, field: str) -> Names:
    if not isinstance(value, Mapping) or set(value) != {"zh_CN", "en"}:
        raise CatalogueError("must be an object with exactly 'zh_CN' and 'en'", service, field)
    for lang in ("zh_CN", "en"):
        text = value[lang]
        if not isinstance(text, str) or not 0 < len(text) <= 128 or not text.isprintable():
            raise CatalogueError(f"the {lang} name must be printable text of 1 to 128 characters", service, field)
    return Names(value["zh_CN"], value["en"])


def _vocabulary(doc: Mapping[str, Any], key: str) -> dict[str, Names]:
    table = doc.get(key)
    if not isinstance(table, Mapping) or not table:
        raise CatalogueError("must be a non-empty object of id -> names", field=key)
    out = {}
    for ident, names in table.items():
        if not isinstance(ident, str) or not _ID.fullmatch(ident):
            raise CatalogueError(f"{ident!r} is not a lower-case id", field=key)
        out[ident] = _names(names, None, f"{key}.{ident}")
    return out


def _integer(value: object, service: str, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise CatalogueError(f"must be an integer from {low} to {high}", service, field)
    return value


def _parse_steps(raw: object, sid: str, departments: frozenset[str], actions: Mapping[str, Names]) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_STEPS:
        raise CatalogueError(f"must be a list of 1 to {MAX_STEPS} steps", sid, "steps")
    steps, seen = [], set()
    for i, step in enumerate(raw):
        where = f"steps[{i}]"
        if not isinstance(step, Mapping) or set(step) != _STEP_KEYS:
            raise CatalogueError(f"a step has exactly the fields {sorted(_STEP_KEYS)}", sid, where)
        department, action, role = step["department"], step["action"], step["role"]
        if department not in departments:
            raise CatalogueError(f"unknown department {department!r}", sid, f"{where}.department")
        if action not in actions:
            raise CatalogueError(f"unknown action {action!r}", sid, f"{where}.action")
        if role not in STEP_ROLES:
            raise CatalogueError(f"role must be one of {list(STEP_ROLES)}", sid, f"{where}.role")
        if step["id"] != f"{department}.{action}":
            raise CatalogueError("a step id is '<department>.<action>'", sid, f"{where}.id")
        if step["id"] in seen:
            raise CatalogueError(f"step {step['id']!r} appears twice", sid, f"{where}.id")
        seen.add(step["id"])
        steps.append(Step(step["id"], department, action, role))
    return tuple(steps)


def credit_code_check(body17: str) -> str:
    """Return the GB 32100 check character of a unified social credit code's first 17 characters."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _parse_code(raw: object, sid: str) -> ServiceCode:
    if not isinstance(raw, Mapping) or set(raw) != {"basic", "implementation"}:
        raise CatalogueError("must hold exactly 'basic' and 'implementation'", sid, "code")
    basic, implementation = raw["basic"], raw["implementation"]
    if not isinstance(basic, str) or not _BASIC_CODE.fullmatch(basic):
        raise CatalogueError(
            "a basic code is 12 digits: type 2, department 4, main item 3, sub-item 3", sid, "code.basic"
        )
    if not isinstance(implementation, str) or not _IMPLEMENTATION_CODE.fullmatch(implementation):
        message = "an implementation code is an 18-character credit code, the basic code and a 2-digit handling item"
        raise CatalogueError(message, sid, "code.implementation")
    if implementation[18:30] != basic:
        raise CatalogueError("the implementation code must embed the basic code", sid, "code.implementation")
    if credit_code_check(implementation[:17]) != implementation[17]:
        raise CatalogueError("the implementing body's credit code fails its GB 32100 check", sid, "code.implementation")
    return ServiceCode(basic, implementation)


def _parse_materials(raw: object, sid: str, materials: Mapping[str, Names]) -> tuple[Material, ...]:
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_MATERIALS:
        raise CatalogueError(f"must be a list of 1 to {MAX_MATERIALS} materials", sid, "materials")
    out, seen = [], set()
    for i, item in enumerate(raw):
        where = f"materials[{i}]"
        if not isinstance(item, Mapping) or set(item) != _MATERIAL_KEYS:
            raise CatalogueError(f"a material has exactly the fields {sorted(_MATERIAL_KEYS)}", sid, where)
        if item["id"] not in materials:
            raise CatalogueError(f"unknown material {item['id']!r}", sid, f"{where}.id")
        if item["id"] in seen:
            raise CatalogueError(f"material {item['id']!r} appears twice", sid, f"{where}.id")
        seen.add(item["id"])
        copies = _integer(item["copies"], sid, f"{where}.copies", 1, MAX_COPIES)
        if not isinstance(item["original"], bool):
            raise CatalogueError("must be true or false", sid, f"{where}.original")
        out.append(Material(item["id"], copies, item["original"]))
    return tuple(out)


def _parse_service(
    raw: object, index: int, departments: frozenset[str], actions: Mapping[str, Names], materials: Mapping[str, Names]
) -> Service:
    if not isinstance(raw, Mapping):
        raise CatalogueError("must be an object", f"#{index}")
    sid = raw.get("id")
    if not isinstance(sid, str) or len(sid) > 64 or not _SERVICE_ID.fullmatch(sid):
        message = "must be '<lead department>.<name>' in lower case, at most 64 characters"
        raise CatalogueError(message, f"#{index}", "id")
    unknown, missing = set(raw) - _SERVICE_KEYS, _SERVICE_KEYS - set(raw)
    if unknown:
        raise CatalogueError(f"unknown field(s) {sorted(map(str, unknown))}", sid)
    if missing:
        raise CatalogueError("is missing", sid, sorted(missing)[0])
    name = _names(raw["name"], sid, "name")
    search = raw["search"]
    if not isinstance(search, Mapping) or set(search) != {"pinyin", "initials"}:
        raise CatalogueError("must hold exactly 'pinyin' and 'initials'", sid, "search")
    for key in ("pinyin", "initials"):
        if not isinstance(search[key], str) or not _LATIN.fullmatch(search[key]) or len(search[key]) > 512:
            raise CatalogueError("must be lower-case Latin letters", sid, f"search.{key}")
    if raw["category"] not in CATEGORIES:
        raise CatalogueError(f"must be one of {list(CATEGORIES)}", sid, "category")
    lead = raw["lead"]
    if lead not in departments:
        raise CatalogueError(f"unknown department {lead!r}", sid, "lead")
    if sid.split(".")[0] != lead:
        raise CatalogueError("the service id must start with its lead department", sid, "id")
    requires = raw["requires"]
    known_types = {t.value for t in CertType}
    if not isinstance(requires, list) or not requires or len(set(map(str, requires))) != len(requires):
        raise CatalogueError("must be a non-empty list of distinct certificate types", sid, "requires")
    for cert in requires:
        if cert not in known_types:
            raise CatalogueError(f"unknown certificate type {cert!r} (known: {sorted(known_types)})", sid, "requires")
    steps = _parse_steps(raw["steps"], sid, departments, actions)
    stale = _integer(raw["max_staleness_hours"], sid, "max_staleness_hours", 1, MAX_STALENESS_HOURS)
    days = _integer(raw["time_limit_days"], sid, "time_limit_days", 1, MAX_TIME_LIMIT_DAYS)
    code = _parse_code(raw["code"], sid)
    needed = _parse_materials(raw["materials"], sid, materials)
    legal = _integer(raw["legal_days"], sid, "legal_days", 1, MAX_WORKING_DAYS)
    promised = _integer(raw["promised_days"], sid, "promised_days", 1, MAX_WORKING_DAYS)
    if promised > legal:
        raise CatalogueError("the promised deadline cannot be longer than the legal one", sid, "promised_days")
    return Service(
        sid, name, search["pinyin"], search["initials"], raw["category"], lead, tuple(requires), steps,
        stale * HOUR_MS, days * DAY_MS, code, needed, legal, promised,
    )  # fmt: skip


def parse_catalogue(doc: object, departments: Iterable[str] | None = None) -> Catalogue:
    """Validate a catalogue document against the departments (default: resources/departments.json)."""
    known = frozenset(departments if departments is not None else (d.id for d in all_departments()))
    if not isinstance(doc, Mapping):
        raise CatalogueError("the document must be a JSON object")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise CatalogueError(f"unknown top-level field(s) {sorted(map(str, unknown))}")
    if doc.get("format") != FORMAT:
        raise CatalogueError(f"must be {FORMAT!r}", field="format")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version < 1 << 31:
        raise CatalogueError("must be a positive integer", field="version")
    categories = _vocabulary(doc, "categories")
    if set(categories) != set(CATEGORIES):
        raise CatalogueError(f"must name exactly {list(CATEGORIES)}", field="categories")
    actions = _vocabulary(doc, "actions")
    scopes = _vocabulary(doc, "data_scopes")
    materials = _vocabulary(doc, "materials")
    codes = doc.get("codes")
    if not isinstance(codes, Mapping) or set(codes) != {"standard", "demo"} or codes["standard"] != CODE_STANDARD:
        raise CatalogueError(f"must be {{'standard': {CODE_STANDARD!r}, 'demo': true|false}}", field="codes")
    if not isinstance(codes["demo"], bool):
        raise CatalogueError("'demo' must be true or false", field="codes")
    raw = doc.get("services")
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_SERVICES:
        raise CatalogueError(f"must be a list of 1 to {MAX_SERVICES} services", field="services")
    services, seen, seen_codes = [], set(), set()
    for i, item in enumerate(raw):
        service = _parse_service(item, i, known, actions, materials)
        if service.id in seen:
            raise CatalogueError("appears twice", service.id, "id")
        if service.code.basic in seen_codes:
            raise CatalogueError(f"code {service.code.basic} is already another service's", service.id, "code.basic")
        seen.add(service.id)
        seen_codes.add(service.code.basic)
        services.append(service)
    canonical = canonical_json(doc)
    digest = hashlib.sha256(canonical).digest()
    return Catalogue(
        version, categories, actions, scopes, tuple(services), canonical, digest, materials, codes["demo"]
    )  # fmt: skip


def parse_catalogue_bytes(data: bytes, departments: Iterable[str] | None = None) -> Catalogue:
    """Parse and validate catalogue JSON bytes."""
    if len(data) > MAX_FILE_SIZE:
        raise CatalogueError(f"the document is larger than {MAX_FILE_SIZE} bytes")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CatalogueError(f"not valid UTF-8 JSON ({exc})") from None
    return parse_catalogue(doc, departments)


def _refuse_constant(name: str) -> None:
    raise CatalogueError(f"JSON constant {name} is not allowed")


def load_catalogue(path: str | Path = CATALOGUE_FILE, departments: Iterable[str] | None = None) -> Catalogue:
    """Read and validate the catalogue file; raise CatalogueError naming the service and field at fault."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from None
    return parse_catalogue_bytes(data, departments)


def publication_body(catalogue: Catalogue) -> dict[str, Any]:
    """Return the `registry.catalogue` entry body for a catalogue version."""
    return {"version": catalogue.version, "digest": catalogue.digest, "document": zlib.compress(catalogue.canonical, 9)}


def catalogue_entry(catalogue: Catalogue, origin: str, signer: Signer, now_ms: int) -> bytes:
    """Return the signed `registry.catalogue` entry publishing this version on log `origin`."""
    kid = key_id(signer.suite, signer.public_key)
    return sign_entry(Entry(origin, "registry.catalogue", now_ms, kid, publication_body(catalogue)), signer)


def catalogue_from_entry(data: bytes, departments: Iterable[str] | None = None) -> Catalogue:
    """Return the catalogue published by a `registry.catalogue` entry (signature checked by the caller)."""
    try:
        entry = decode_entry(data).entry
    except LedgerError as exc:
        raise CatalogueError(f"not a ledger entry: {exc}") from None
    if entry.type != "registry.catalogue" or "document" not in entry.body:
        raise CatalogueError("the entry is not a registry.catalogue entry with a document")
    inflater = zlib.decompressobj()
    try:
        canonical = inflater.decompress(entry.body["document"], MAX_FILE_SIZE + 1)
    except zlib.error as exc:
        raise CatalogueError(f"the published document does not inflate ({exc})") from None
    if len(canonical) > MAX_FILE_SIZE or inflater.unconsumed_tail or not inflater.eof:
        raise CatalogueError("the published document is truncated or larger than the limit")
    if hashlib.sha256(canonical).digest() != entry.body["digest"]:
        raise CatalogueError("the published document does not match its digest")
    catalogue = parse_catalogue_bytes(canonical, departments)
    if catalogue.version != entry.body["version"]:
        raise CatalogueError(f"the entry says version {entry.body['version']}, the document {catalogue.version}")
    return catalogue
