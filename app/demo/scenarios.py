"""The article's five scenarios, end to end, across real department nodes and two offices.

    world = scenario_world(directory)      # the 11 nodes; a city service hall, a township office, a records desk
    world.build(); world.start()
    outcome = run_scenario(world, SCENARIOS["bank-account"])
    assert outcome.problems == []
    world.stop()

A scenario: the issuing departments issue the citizen's certificates (anchored on their logs). The
township office syncs, then works offline: it opens the case, verifies the certificates offline at the
counter (app.certs against its replica), records the citizen's consent and asks the provider department
for data; its entries wait in the outbox. At the end it reconnects and syncs. The city service hall
pulls the case into its departments' work queues, performs every department's step and the decision,
and pushes. The provider's records desk pulls the consented request and answers it, sealed to the
township office. The township office pulls the decision and the answer, opens the data, closes the
case and pushes; the hall pulls. Then the checks: the same state and history at both offices, every
step a signed entry chained to the one before, every entry written included in the checkpoint each
office verified, and no name, ID number or address in clear in any entry of any log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.catalogue.catalogue import Catalogue, load_catalogue
from app.certs import CertType, issue_certificate, make_claims, record_issue, verify
from app.demo.scenario_world import OfficeSpec, ScenarioWorld, Staff
from app.ledger.entry import decode_entry
from app.ledger.errors import LedgerError
from app.ledger.merkle import SHA256_TREE, ProofError, TreeHash, hash_leaf
from app.protocol.departments import all_departments
from app.protocol.node_client import NodeClient
from app.services.cases import CaseDesk
from app.services.commitments import CitizenSalts
from app.services.consent import ConsentDesk
from app.services.report import access_report, render_report
from app.store import ledger_cases
from app.store.consents import exchange
from app.store.replica import Replica
from app.sync.service import EXIT_OK, EXIT_UNREACHABLE, SyncReport
from app.sync.trust import load_policy

HALL, TOWNSHIP, RECORDS = "hall", "township", "records"
RECORDS_CLERK = "records.clerk"
DAY_MS = 86_400_000
CONSENT_DAYS = 30
# Who issues each certificate type. The social-security card is a financial IC card issued through the
# banks, so among the article's 11 departments it comes from Banking and Insurance.
ISSUERS = {
    CertType.RESIDENT_EID: "public-security",
    CertType.HOUSEHOLD_REGISTER: "public-security",
    CertType.BUSINESS_LICENCE: "market-supervision",
    CertType.TAX_COMPLIANCE: "taxation",
    CertType.PROPERTY: "planning",
    CertType.MARRIAGE: "civil-affairs",
    CertType.SOCIAL_SECURITY_CARD: "banking-insurance",
}
Say = Callable[[str], None]


class ScenarioFailed(RuntimeError):
    """A scenario could not go on: a sync failed, a certificate was refused, a case did not reach its queue."""


@dataclass(frozen=True)
class Citizen:
    """The citizen served: personal data that lives only in encrypted replicas and sealed payloads."""

    name: str
    id_number: str
    address: str


@dataclass(frozen=True)
class Scenario:
    """One of the article's scenarios: the service, the citizen, and the data shared with their consent."""

    name: str
    title_en: str
    title_zh: str
    service: str
    citizen: Citizen
    provider: str
    scope: tuple[str, ...]
    record: Mapping[str, str]


_WANG = Citizen("王建国", "11010519880314231X", "北京市朝阳区建国路88号3单元502室")
_ZHAO = Citizen("赵丽华", "110108197509212318", "北京市海淀区中关村南大街12号院7号楼")
_SUN = Citizen("孙桂兰", "110229196205032310", "北京市延庆区康庄镇榆林堡村东街16号")
_ZHOU = Citizen("周晓峰", "110106199107172313", "北京市丰台区丰台北路32号院4号楼1201")
_WU = Citizen("吴海燕", "110112198302262317", "北京市通州区新华西街58号院2号楼803")

_ALL = (
    Scenario(
        "bank-account",
        "Opening a bank account with an e-ID and an address certificate instead of paper",
        "凭电子身份证和户口簿电子证照开立银行账户",
        "banking-insurance.personal-account-opening",
        _WANG,
        "public-security",
        ("identity", "address"),
        {"identity": f"{_WANG.name} {_WANG.id_number}", "address": _WANG.address},
    ),
    Scenario(
        "sme-loan",
        "An SME loan: the licence at Market Supervision, tax at Taxation, approval at Banking and Insurance",
        "小微企业贷款：市场监管核验执照、税务核验纳税、银保监审批",
        "banking-insurance.sme-loan",
        _ZHAO,
        "taxation",
        ("tax",),
        {"tax": "A级纳税人，2021-2024年无欠税", "legal_representative": _ZHAO.name},
    ),
    Scenario(
        "medical-assistance",
        "Medical assistance and insurance reimbursement",
        "医疗救助与医保报销",
        "civil-affairs.medical-assistance",
        _SUN,
        "banking-insurance",
        ("medical",),
        {"medical": "2024年住院费用38260.00元，医保已报销21400.00元", "insured": _SUN.name},
    ),
    Scenario(
        "provident-fund",
        "A housing provident-fund withdrawal for a home purchase",
        "购房提取住房公积金",
        "provident-fund.withdrawal-home-purchase",
        _ZHOU,
        "planning",
        ("property",),
        {"property": f"{_ZHOU.address}，89.5平方米，2024-03-02登记"},
    ),
    Scenario(
        "utility-transfer",
        "Transferring electricity, gas and cable accounts after a property sale",
        "房屋交易后电、燃气、歌华有线电视账户联动过户",
        "planning.utility-joint-transfer",
        _WU,
        "housing",
        ("housing",),
        {"housing": f"{_WU.address} 存量房买卖合同已网签，买受人{_WU.name}"},
    ),
)
SCENARIOS: dict[str, Scenario] = {s.name: s for s in _ALL}


def account_for(department: str, role: str) -> str:
    """The account name of a department's clerk or supervisor at an office."""
    return f"{department}.{role}"


def scenario_offices(catalogue: Catalogue, scenarios: Iterable[Scenario] = ()) -> list[OfficeSpec]:
    """The offices of the stage, staffed for the scenarios: lead clerks at the township, the rest at the hall."""
    township: dict[str, Staff] = {}
    hall: dict[str, Staff] = {}
    for scenario in scenarios or SCENARIOS.values():
        service = catalogue.service(scenario.service)
        lead = account_for(service.lead, "clerk")
        township[lead] = Staff(lead, "clerk", service.lead)
        decider = account_for(service.lead, "supervisor")
        hall[decider] = Staff(decider, "supervisor", service.lead)
        for step in service.steps:
            name = account_for(step.department, step.role)
            hall[name] = Staff(name, step.role, step.department)
    return [
        OfficeSpec(HALL, "东城区政务服务中心", tuple(hall.values()), cases="all"),
        OfficeSpec(TOWNSHIP, "延庆区康庄镇便民服务中心", tuple(township.values()), cases="known"),
        OfficeSpec(RECORDS, "部门数据共享服务台", (Staff(RECORDS_CLERK, "clerk", None),), cases="all"),
    ]


def scenario_world(directory: Path, **kwargs: Any) -> ScenarioWorld:
    """The stage of every scenario: the 11 department nodes and the three offices."""
    return ScenarioWorld(directory, scenario_offices(load_catalogue()), [d.id for d in all_departments()], **kwargs)


@dataclass
class ScenarioOutcome:
    """What a scenario did, and what the final checks found wrong (nothing, when it passes)."""

    scenario: str
    service: str
    case_id: str = ""
    states: dict[str, str] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    anchored: bool = False
    offline_outbox: int = 0
    offline_sync_exit: int | None = None
    entries: list[bytes] = field(default_factory=list)
    data_received: dict[str, Any] = field(default_factory=dict)
    access_report: str = ""
    scanned_entries: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the outcome as JSON-ready values (no personal data)."""
        return {
            "scenario": self.scenario,
            "service": self.service,
            "case_id": self.case_id,
            "states": self.states,
            "history": self.history,
            "documents": self.documents,
            "documents_anchored": self.anchored,
            "offline_outbox": self.offline_outbox,
            "offline_sync_exit": self.offline_sync_exit,
            "entries_written": len(self.entries),
            "data_fields_received": sorted(self.data_received),
            "entries_scanned": self.scanned_entries,
            "problems": self.problems,
            "ok": not self.problems,
            "seconds": round(self.seconds, 2),
        }


def _synced(world: ScenarioWorld, office: str, say: Say) -> SyncReport:
    report = world.sync(office)
    pushed = sum(o.push.acknowledged for o in report.logs if o.push is not None)
    pulled = sum(o.pull.kept for o in report.logs if o.pull is not None)
    say(f"  sync {office}: pushed {pushed}, kept {pulled} entries, exit {report.exit_status}")
    if report.exit_status != EXIT_OK:
        raise ScenarioFailed(f"sync of the {office} office failed: " + "; ".join(report.summary()))
    return report


def _outbox_mark(world: ScenarioWorld) -> dict[str, int]:
    marks = {}
    for office in world.specs:
        with world.session(office) as r:
            marks[office] = r.outbox.last_id()
    return marks


def run_scenario(world: ScenarioWorld, scenario: Scenario, say: Say = lambda line: None) -> ScenarioOutcome:
    """Play one scenario on a started world and check its result; raise ScenarioFailed if it cannot go on."""
    started = time.monotonic()
    catalogue = load_catalogue()
    service = catalogue.service(scenario.service)
    citizen, lead = scenario.citizen, service.lead
    out = ScenarioOutcome(scenario.name, service.id)
    marks = _outbox_mark(world)
    say(f"{scenario.title_zh} / {scenario.title_en}  [{service.id}]")

    # The issuing departments issued the citizen's certificates; their anchors go on the issuers' logs.
    texts = _issue_certificates(world, service.requires, citizen)
    _synced(world, RECORDS, say)
    # The township office syncs in the morning, then its link goes down.
    _synced(world, TOWNSHIP, say)
    if world.cut is not None:
        world.cut(TOWNSHIP, True)
    say("  township office: offline" + (" (link cut)" if world.cut else " (it does not sync until the end)"))
    with world.session(TOWNSHIP, account_for(lead, "clerk")) as b:
        desk = CaseDesk(b, catalogue)
        case = desk.open(service.id, citizen.name, citizen.id_number, "")
        out.case_id = case.case_id
        check = desk.check_documents(case.case_id, texts)
        out.documents = sorted(check.valid_types)
        out.anchored = all(verify(text, office=b).anchored for text in texts)
        if check.problems:
            raise ScenarioFailed(f"certificates refused at the counter: {'; '.join(check.problems)}")
        desk.verify_documents(case.case_id, check)
        consents = ConsentDesk(b, catalogue)
        expires = b.session.now_ms() + CONSENT_DAYS * DAY_MS
        consent_id = consents.grant(citizen.id_number, scenario.provider, list(scenario.scope), service.id, expires)
        request_id = consents.request(consent_id, list(scenario.scope))
        out.offline_outbox = b.outbox.count_pending()
    say(f"  township: case {out.case_id} opened, {', '.join(out.documents)} verified offline, consent {consent_id}")
    if world.cut is not None:
        out.offline_sync_exit = world.sync(TOWNSHIP).exit_status
        with world.session(TOWNSHIP) as b:
            if b.outbox.count_pending() != out.offline_outbox or out.offline_sync_exit != EXIT_UNREACHABLE:
                raise ScenarioFailed("the offline township office synced, or lost queued entries")
        world.cut(TOWNSHIP, False)
    say(f"  township: {out.offline_outbox} entries waited in the outbox; back online")
    _synced(world, TOWNSHIP, say)

    # The hall pulls the case into its departments' work queues and moves it to the decision.
    _synced(world, HALL, say)
    for step in service.steps:
        with world.session(HALL, account_for(step.department, step.role)) as a:
            desk = CaseDesk(a, catalogue)
            if out.case_id not in [c.case_id for c in desk.work_queue(step.department)]:
                raise ScenarioFailed(f"case {out.case_id} is not in the {step.department} work queue at the hall")
            desk.advance(out.case_id, step.id)
            say(f"  hall: {step.id} by {a.account.name}")
    with world.session(HALL, account_for(lead, "supervisor")) as a:
        CaseDesk(a, catalogue).decide(out.case_id)
    say(f"  hall: decided by {account_for(lead, 'supervisor')}")
    _synced(world, HALL, say)

    # The provider's records desk answers the consented request, sealed to the township office.
    _synced(world, RECORDS, say)
    with world.session(TOWNSHIP, account_for(lead, "clerk")) as b:
        salt = CitizenSalts(b).export_salt(citizen.id_number)  # handed over off the ledger
    with world.session(RECORDS, RECORDS_CLERK) as d:
        CitizenSalts(d).adopt_salt(citizen.id_number, salt)
        source = _records_source(d, citizen, scenario.record)
        answer = ConsentDesk(d, catalogue).answer(request_id, world.fleet.signer(scenario.provider), source)
    say(f"  records desk: {scenario.provider} answered request {request_id}")
    _synced(world, RECORDS, say)

    # Back at the township office: the decision and the answer arrive; the result is handed over.
    _synced(world, TOWNSHIP, say)
    with world.session(TOWNSHIP, account_for(lead, "clerk")) as b:
        consents = ConsentDesk(b, catalogue)
        response = _response_entry(b, request_id)
        out.data_received = consents.receive(request_id, response, answer.sealed)
        CaseDesk(b, catalogue).close(out.case_id)
        out.access_report = render_report(access_report(b, consents, citizen.id_number), "zh_CN")
    say("  township: data received, case closed")
    _synced(world, TOWNSHIP, say)
    _synced(world, HALL, say)

    out.entries = _entries_since(world, marks)
    out.problems = check_outcome(world, scenario, out)
    out.seconds = time.monotonic() - started
    say(f"  checks: {len(out.entries)} entries written, {out.scanned_entries} scanned, problems: {out.problems}")
    return out


def _issue_certificates(world: ScenarioWorld, types: Iterable[str], citizen: Citizen) -> list[str]:
    now_ms = int(time.time() * 1000)
    display_of = {
        CertType.RESIDENT_EID: {"region": "北京市"},
        CertType.HOUSEHOLD_REGISTER: {"region": "北京市", "relation": "户主"},
        CertType.BUSINESS_LICENCE: {"credit_code": "91110108MA01ABCD2X", "scope": "餐饮服务"},
        CertType.TAX_COMPLIANCE: {"credit_code": "91110108MA01ABCD2X", "period": "2024"},
        CertType.PROPERTY: {"property_ref": "京(2024)不动产权第0012345号", "share": "100%"},
        CertType.MARRIAGE: {"spouse": "见证书", "registered_on": "2015-05-20"},
        CertType.SOCIAL_SECURITY_CARD: {"region": "北京市"},
    }
    texts = []
    with world.session(RECORDS, RECORDS_CLERK) as d:
        for code in types:
            cert_type = CertType(code)
            issuer = ISSUERS[cert_type]
            display = {"name": citizen.name, **display_of[cert_type]}
            claims = make_claims(
                cert_type, world.origin(issuer), display, citizen.id_number, now_ms // 1000,
                now_ms // 1000 + 365 * 86400,
            )  # fmt: skip
            issued = issue_certificate(claims, world.fleet.signer(issuer), now_ms=now_ms)
            record_issue(d, issued)
            texts.append(issued.text)
    return texts


def _records_source(replica: Replica, citizen: Citizen, record: Mapping[str, str]):
    """The provider's records, found by the citizen's commitment (the desk holds the salt, not a name index)."""
    commitment = CitizenSalts(replica).known_commitment(citizen.id_number)

    def source(holder: bytes, scope) -> dict[str, str]:
        if holder != commitment:
            raise ScenarioFailed("the provider holds no records for this commitment")
        return dict(record)

    return source


def _response_entry(replica: Replica, request_id: str) -> bytes:
    asked = exchange(replica.session, request_id)
    entry = replica.logs.entry_by_hash(asked.response_hash) if asked and asked.response_hash else None
    if entry is None:
        raise ScenarioFailed(f"the answer to {request_id} did not reach the township office through sync")
    return entry.data


def _entries_since(world: ScenarioWorld, marks: Mapping[str, int]) -> list[bytes]:
    out = []
    for office, mark in marks.items():
        with world.session(office) as r:
            out += r.outbox.written_after(mark)
    return out


# --- the checks ------------------------------------------------------------------------------------------


def check_outcome(world: ScenarioWorld, scenario: Scenario, out: ScenarioOutcome) -> list[str]:
    """Every final check of a scenario; return the problems found (none when it passed)."""
    problems: list[str] = []
    views = {}
    catalogue = load_catalogue()
    lead = catalogue.service(scenario.service).lead
    readers = {HALL: account_for(lead, "supervisor"), TOWNSHIP: account_for(lead, "clerk")}
    for office, reader in readers.items():
        with world.session(office, reader) as r:
            view = CaseDesk(r, catalogue).get(out.case_id)
            views[office] = view
            out.states[office] = view.state
            problems += check_step_entries(r, out.case_id)
            problems += check_inclusion(world, r, out.entries)
    hall, township = views[HALL], views[TOWNSHIP]
    if hall.state != "closed" or township.state != "closed":
        problems.append(f"the case is {hall.state} at the hall and {township.state} at the township, not closed")
    if hall.head != township.head:
        problems.append("the offices disagree on the case's last step")
    chain = [s.leaf_hash for s in hall.steps if s.status == "applied"]
    if chain != [s.leaf_hash for s in township.steps if s.status == "applied"]:
        problems.append("the offices hold different case histories")
    out.history = [s.to_json() for s in hall.steps]
    if dict(scenario.record) != out.data_received:
        problems.append("the data the township office opened is not what the provider sent")
    with world.session(HALL) as r:
        logs = verified_logs(world, r)
    out.scanned_entries = sum(len(v) for v in logs.values())
    needles = personal_needles(scenario.citizen, scenario.record)
    problems += privacy_findings([e for entries in logs.values() for e in entries] + out.entries, needles)
    return problems


def check_step_entries(replica: Replica, case_id: str) -> list[str]:
    """Each applied step of the case is a signed entry by an enrolled key, chained to the previous step."""
    problems = []
    rows = ledger_cases.applied_steps(replica.session, case_id)
    by_prev = {}
    for leaf, data, idx in rows:
        signed = decode_entry(data)
        key = replica.registry.key(signed.kid)
        try:
            if key is None:
                raise LedgerError(f"signer {signed.kid.hex()} is not in the registry")
            signed.verify(key.public_key)
        except LedgerError as exc:
            problems.append(f"step entry {leaf.hex()[:16]}: {exc}")
        if idx is None:
            problems.append(f"step entry {leaf.hex()[:16]} has no index on its log")
        by_prev[signed.entry.body.get("prev")] = leaf
    prev, walked = None, 0
    while prev in by_prev:
        prev, walked = by_prev[prev], walked + 1
    if walked != len(rows):
        problems.append(f"{len(rows) - walked} applied steps of {case_id} do not chain from the opening step")
    return problems


def log_tree(replica: Replica, origin: str) -> TreeHash:
    """The tree hash of a log, as the replica's trust policy declares it."""
    policy = load_policy(replica)
    trust = None if policy is None else policy.log(origin)
    return SHA256_TREE if trust is None else trust.tree


def check_inclusion(world: ScenarioWorld, replica: Replica, entries: Iterable[bytes]) -> list[str]:
    """Each entry is on its log, included in the newest checkpoint this replica verified for that log."""
    problems = []
    for data in entries:
        origin = decode_entry(data).entry.log
        dept = next(d.id for d in all_departments() if d.origin == origin)
        held = replica.logs.latest_checkpoint(origin)
        leaf = hash_leaf(data)
        if held is None:
            problems.append(f"entry {leaf.hex()[:16]} on {origin}: this office holds no verified checkpoint of the log")
            continue
        try:
            with NodeClient(world.fleet.url(dept)) as client:
                proof = client.entry(leaf, size=held.size)
            tree = log_tree(replica, origin)
            tree.verify_inclusion(
                tree.entry_leaf(data, leaf), proof.index, held.size, proof.inclusion_proof, held.root_hash
            )
        except (ProofError, LookupError) as exc:
            problems.append(f"entry {leaf.hex()[:16]} on {origin}: not included in the verified checkpoint ({exc})")
        except Exception as exc:  # the node did not serve it at all: that is the finding
            problems.append(f"entry {leaf.hex()[:16]} on {origin}: {type(exc).__name__}: {exc}")
    return problems


def verified_logs(world: ScenarioWorld, replica: Replica) -> dict[str, list[bytes]]:
    """Every entry of every log up to the checkpoint this replica verified, checked against that root."""
    out = {}
    for dept in world.fleet.departments:
        origin = world.origin(dept)
        held = replica.logs.latest_checkpoint(origin)
        entries = world.fleet.log_entries(dept, held.size)
        tree = log_tree(replica, origin)
        if tree.root_of([tree.hash_leaf(e) for e in entries]) != held.root_hash:
            raise ScenarioFailed(f"the entries served for {origin} do not hash to the verified checkpoint")
        out[origin] = entries
    return out


def personal_needles(citizen: Citizen, record: Mapping[str, str] | None = None) -> list[bytes]:
    """The citizen's personal data as it could leak: whole and in fragments, in UTF-8 and UTF-16."""
    texts = {citizen.name, citizen.id_number, citizen.address, citizen.id_number[:14], citizen.id_number[-8:]}
    texts |= {citizen.address[:8], citizen.address[6:]}
    texts |= {value for value in (record or {}).values() if len(value) >= 4}
    out = []
    for text in sorted(texts):
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return out


def privacy_findings(entries: Iterable[bytes], needles: Iterable[bytes]) -> list[str]:
    """Name every entry that carries one of the needles in clear."""
    needles = list(needles)
    found = []
    for data in entries:
        for needle in needles:
            if needle in data:
                try:
                    what = decode_entry(data).entry.type
                except LedgerError:
                    what = "undecodable entry"
                found.append(f"personal data in clear in a {what} entry {hash_leaf(data).hex()[:16]}")
                break
    return found
