"""A generated office day for the review tests and bench/review.py: real cases through app.services on a real
SQLCipher replica, real certificates, real signed checkpoints and inclusion proofs, and (on request) one
planted anomaly of every kind the review looks for."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from app.catalogue.catalogue import load_catalogue
from app.certs import CertType, issue_certificate, make_claims, verify
from app.certs.holder import resident_id_number
from app.ledger.checkpoint import Checkpoint
from app.ledger.merkle import inclusion_proof, root_of
from app.ledger.note import new_signer
from app.ledger.suites import ED25519, Signer, key_id
from app.protocol.departments import all_departments, department
from app.services import CaseDesk
from app.store.errors import StoreError
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica
from tests.store_support import FAST_KDF

PASSWORD = "pw-review"
OFFICE_NAME = "北京市东城区政务服务中心"
OFFSET_MS = 8 * 3_600_000  # the office is in China Standard Time
MINUTE = 60_000
CLERKS = ("tax-li", "tax-wang", "tax-zhao", "tax-qian")
SUPERVISOR = "tax-sup"
SERVICES = ("taxation.tax-payment-certificate", "taxation.no-arrears-certificate")
CATALOGUE = load_catalogue()


class Clock:
    """The office's clock, moved by the generator."""

    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


def local_ms(day: date, hour: int, minute: int = 0, second: int = 0) -> int:
    """Return the UTC milliseconds of a local (UTC+8) time on `day`."""
    return int(datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC).timestamp() * 1000) - OFFSET_MS


@dataclass
class Office:
    """A generated office: its directory, clock and the keys that sign certificates and checkpoints."""

    path: Path
    clock: Clock
    issuers: dict[str, Signer]
    log_seeds: dict[str, bytes] = field(default_factory=dict)
    planted: dict[str, str] = field(default_factory=dict)  # anomaly kind -> what was planted

    def open(self, user: str, password: str = PASSWORD) -> Replica:
        """Unlock the replica as `user` at the current generated time (commits without fsync: a generated day)."""
        replica = open_replica(self.path, user, password, clock=self.clock)
        replica.session.conn.execute("PRAGMA synchronous = NORMAL")
        return replica


def make_office(path: Path, setup_day: date) -> Office:
    """Create the office the day before: staff, enrolled keys, issuers, empty signed checkpoints of every log."""
    clock = Clock(local_ms(setup_day, 10))
    office = reopen_office(path, clock)
    with create_office(path, OFFICE_NAME, "admin", PASSWORD, kdf=FAST_KDF, clock=clock) as admin:
        for name in CLERKS:
            admin.accounts.add(name, "clerk", PASSWORD)
        admin.accounts.add(SUPERVISOR, "supervisor", PASSWORD)
        for name in (*CLERKS, SUPERVISOR):
            account = admin.accounts.get(name)
            admin.registry.put_key(KeyRecord(account.kid, "ed25519", account.public_key, account.role, name,
                                             "taxation", 0))  # fmt: skip
        enrol_issuer(admin, office, "public-security")
    return office


def reopen_office(path: Path, clock: Clock | None = None) -> Office:
    """Return the generated office at `path` (its issuer and log keys are derived, not stored)."""
    issuers = {d: ED25519.signer(bytes([i + 1]) * 32) for i, d in enumerate(("public-security", "market-supervision"))}
    seeds = {d.origin: hashlib.sha256(d.origin.encode()).digest() for d in all_departments()}
    return Office(path, clock or Clock(0), issuers, seeds)


def enrol_issuer(replica: Replica, office: Office, dept: str) -> None:
    """Put a department's certificate-issuing key into the registry (as sync would)."""
    pub = office.issuers[dept].public_key
    replica.registry.put_key(KeyRecord(key_id(ED25519, pub), "ed25519", pub, "department", dept,
                                       department(dept).origin, 0))  # fmt: skip


def certificate(office: Office, dept: str, cert_type: CertType, id_number: str, day: date) -> str:
    """Issue a real certificate for a citizen, valid for a year around `day`."""
    start = local_ms(day, 0) // 1000 - 86400 * 30
    claims = make_claims(cert_type, department(dept).origin, {"name": "持证人"}, id_number, start, start + 86400 * 365)
    return issue_certificate(claims, office.issuers[dept], now_ms=start * 1000).text


def put_checkpoints(replica: Replica, office: Office, sizes: dict[str, list[bytes]]) -> None:
    """Store a signed checkpoint of every log at its current size (the entries given per origin)."""
    for d in all_departments():
        leaves = sizes.get(d.origin, [])
        signer = new_signer(d.origin, office.log_seeds[d.origin])
        text = Checkpoint(d.origin, len(leaves), root_of(leaves)).sign([signer])
        replica.logs.put_checkpoint(d.origin, len(leaves), root_of(leaves), text, office.clock.now_ms)


def generate_day(office: Office, day: date, cases: int = 300) -> int:
    """Serve `cases` citizens on `day` (09:00-17:30 local), every entry sequenced with a real inclusion proof.

    Returns the number of audit records and entries written.
    """
    clock = office.clock
    clock.now_ms = local_ms(day, 8, 30)
    citizens, eids = citizens_of(office, day)
    with office.open("admin") as admin:
        put_checkpoints(admin, office, _logged(admin))
    clerks = {name: office.open(name) for name in CLERKS}
    sup = office.open(SUPERVISOR)
    try:
        desks = {name: CaseDesk(r, CATALOGUE) for name, r in clerks.items()}
        sup_desk = CaseDesk(sup, CATALOGUE)
        span = local_ms(day, 17, 30) - local_ms(day, 9)
        for i in range(cases):
            clock.now_ms = local_ms(day, 9) + span * i // max(1, cases)
            name = CLERKS[i % len(CLERKS)]
            replica = clerks[name]
            service = CATALOGUE.service(SERVICES[0])  # one certificate (e-ID), one step
            citizen = citizens[i % len(citizens)]
            _serve(office, desks[name], sup_desk, service, citizen, eids[citizen], i)
            if i % 20 == 0:
                put_checkpoints(replica, office, _logged(replica))
        clock.now_ms = local_ms(day, 17, 55)
        put_checkpoints(sup, office, _logged(sup))
        _acknowledge(sup, office, day, local_ms(day, 18))
    finally:
        clock.now_ms = local_ms(day, 17, 58)
        for r in (*clerks.values(), sup):
            r.close()
    with office.open("admin") as admin:
        return int(
            admin.session.one("SELECT count(*) FROM audit")[0] + admin.session.one("SELECT count(*) FROM outbox")[0]
        )


def _logged(replica: Replica) -> dict[str, list[bytes]]:
    """The entries each log holds so far: the acknowledged ones, in index order."""
    out: dict[str, list[bytes]] = defaultdict(list)
    for origin, leaf in replica.session.all("SELECT origin, leaf_hash FROM outbox WHERE idx IS NOT NULL ORDER BY idx"):
        out[origin].append(leaf)
    return out


def _serve(office, desk, sup_desk, service, citizen, eid, i) -> None:
    clock = office.clock
    case = desk.open(service.id, "持证人", citizen, f"case {i}")
    clock.now_ms += 20_000
    desk.verify_documents(case.case_id, desk.check_documents(case.case_id, [eid]))
    if i % 17 == 5:
        clock.now_ms += 10_000
        desk.withdraw(case.case_id)
        return
    for _ in service.steps:
        clock.now_ms += 20_000
        desk.advance(case.case_id)
    clock.now_ms += 15_000
    if i % 13 == 7:
        sup_desk.reject(case.case_id, "not-eligible")
        return
    sup_desk.decide(case.case_id)
    clock.now_ms += 10_000
    desk.close(case.case_id)


def _acknowledge(replica: Replica, office: Office, day: date, acked_until: int) -> None:
    """The node sequences every entry written before `acked_until`, a minute after it was written."""
    rows = replica.session.all("SELECT origin, leaf_hash, enqueued_ms FROM outbox WHERE acked_ms IS NULL ORDER BY id")
    logged = _logged(replica)
    batch: dict[str, list[tuple[bytes, int]]] = defaultdict(list)
    for origin, leaf, enqueued in rows:
        if enqueued < acked_until:
            batch[origin].append((leaf, enqueued))
    after = {o: logged.get(o, []) + [leaf for leaf, _ in items] for o, items in batch.items()}
    clock, end = office.clock, office.clock.now_ms
    for origin, items in batch.items():
        leaves = after[origin]
        base = len(logged.get(origin, []))
        for n, (leaf, enqueued) in enumerate(items):
            clock.now_ms = enqueued + MINUTE
            replica.outbox.acknowledge(leaf, base + n, inclusion_proof(leaves, base + n))
    clock.now_ms = end
    put_checkpoints(replica, office, {**logged, **after})


def citizens_of(office: Office, day: date) -> tuple[list[str], dict[str, str]]:
    """The generated citizens and their e-ID certificates."""
    citizens = [resident_id_number(f"1101011990010{i:04d}") for i in range(1000, 1012)]
    return citizens, {c: certificate(office, "public-security", CertType.RESIDENT_EID, c, day) for c in citizens}


def plant_anomalies(office: Office, day: date) -> dict[str, str]:
    """Plant one anomaly of every kind into a generated day (the audit-chain break is the tests' own)."""
    citizens, eids = citizens_of(office, day)
    clerks = {name: office.open(name) for name in CLERKS}
    try:
        _plant(office, day, clerks, {n: CaseDesk(r, CATALOGUE) for n, r in clerks.items()}, citizens, eids)
    finally:
        office.clock.now_ms = local_ms(day, 17, 58)
        for r in clerks.values():
            r.close()
    return office.planted


def _plant(office: Office, day: date, clerks, desks, citizens, eids) -> None:
    clock, planted = office.clock, office.planted
    li, wang, zhao = clerks["tax-li"], clerks["tax-wang"], clerks["tax-zhao"]
    # A case opened by tax-li, its documents verified by tax-wang (not assigned to it).
    clock.now_ms = local_ms(day, 12, 5)
    case = desks["tax-li"].open(SERVICES[0], "持证人", citizens[0], "planted")
    clock.now_ms += 30_000
    desks["tax-wang"].verify_documents(
        case.case_id, desks["tax-wang"].check_documents(case.case_id, [eids[citizens[0]]])
    )
    planted["unassigned_move"] = case.case_id
    # tax-zhao looks up 20 citizens after the last case of the day, with no case of theirs around.
    clock.now_ms = local_ms(day, 17, 44)
    for n in range(20):
        clock.now_ms += 40_000
        zhao.cases.search(citizen_id=citizens[n % len(citizens)])
    planted["data_fishing"] = "tax-zhao"
    # A business licence from an issuer the replica does not know yet: refused, then (issuer enrolled) accepted.
    clock.now_ms = local_ms(day, 13, 30)
    licence = certificate(office, "market-supervision", CertType.BUSINESS_LICENCE, citizens[1], day)
    assert verify(licence, office=li).status.value == "UNKNOWN_ISSUER"
    enrol_issuer(li, office, "market-supervision")
    clock.now_ms += 5 * MINUTE
    assert verify(licence, office=wang).status.value == "VALID"
    planted["refused_then_accepted"] = "market-supervision"
    # Four wrong passwords for tax-qian, then a login (which records the failures).
    for n in range(4):
        clock.now_ms = local_ms(day, 14) + n * 30_000
        with contextlib.suppress(StoreError):
            office.open("tax-qian", "wrong")
    clock.now_ms = local_ms(day, 14, 5)
    office.open("tax-qian").close()
    planted["failed_logins"] = "tax-qian"
    # Work after hours: tax-li verifies a certificate at 21:30.
    clock.now_ms = local_ms(day, 21, 30)
    verify(eids[citizens[2]], office=li)
    planted["off_hours"] = "tax-li"
    # A fork alarm, as sync records it; and an entry whose stored inclusion proof does not verify.
    clock.now_ms = local_ms(day, 15)
    li.audit.append("sync.fork", "alarm", {"origin": department("taxation").origin, "evidence": 1,
                                            "reason": "two checkpoints of size 7"})  # fmt: skip
    leaf = li.session.one("SELECT leaf_hash FROM outbox ORDER BY id LIMIT 1")[0]
    li.outbox.acknowledge(leaf, 0, [os.urandom(32)] * 3)
    planted["replica_alarm"] = leaf.hex()
    planted["outbox_stuck"] = "the planted case's entries (12:05) stay unacknowledged"
