"""The stage the article's scenarios play on: department nodes in their own processes, and offices around them.

    world = ScenarioWorld(directory, offices)   # creates the nodes and the offices, enrols every key
    world.start()                               # one `govdesk node serve` process per department node
    with world.session("township", "banking-insurance.clerk") as replica: ...
    world.sync("township")                      # push, then pull: app.sync against the real nodes
    world.stop()

Every node witnesses every other one; each office follows every log with a witness quorum of 2, its
device key enrolled at every node and each staff account's key enrolled at its department's node.
The offices are real SQLCipher replicas; their key-wrapping KDF is light because they are throwaway.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from app.ledger.suites import Signer
from app.node.config import Limits, NodeConfig, NodeKeys, load_config, load_keys
from app.node.launcher import NodeProcess, wire_witnesses
from app.node.node import CONFIG_FILE, create_node, node_from_config
from app.protocol.departments import all_departments, department
from app.protocol.node_client import NodeClient
from app.protocol.policy import WINDOW
from app.store.keywrap import KdfParams
from app.store.replica import Replica, create_office, open_replica, system_clock
from app.store.session import Clock
from app.sync import SyncReport, SyncService, TrustPolicy, load_policy, policy_from_federation, save_policy
from app.sync.transport import RetryPolicy

SCENARIO_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSWORD = "scenario counter password"
ADMIN = "admin"
QUORUM = 2
SYNC_RETRY = RetryPolicy(attempts=3, base_s=0.05, cap_s=0.5, timeout_s=15)
ROOT = Path(__file__).resolve().parents[2]
Route = Callable[[str, str, str], str]  # (office key, department, node URL) -> the URL that office uses
Cut = Callable[[str, bool], None]  # (office key, down): take an office's network link down or bring it back


class WorldError(RuntimeError):
    """The stage could not be set up (a node did not start, a port was taken, ...)."""


@dataclass(frozen=True)
class Staff:
    """An account of an office: its office role, and the department whose node enrols its key (None: not enrolled)."""

    account: str
    role: str
    department: str | None


@dataclass(frozen=True)
class OfficeSpec:
    """An office of the stage: its key, display name, staff, and which case entries it replicates."""

    key: str
    name: str
    staff: tuple[Staff, ...]
    cases: str = "known"


class NodeFleet:
    """The department nodes of the stage, each witnessing all the others, each served by its own process."""

    def __init__(self, directory: Path, departments: Sequence[str], *, publish_interval_s: float = 0.1) -> None:
        self.directory = Path(directory)
        self.departments = tuple(departments)
        self.publish_interval_s = publish_interval_s
        self.configs: dict[str, NodeConfig] = {}
        self.keys: dict[str, NodeKeys] = {}
        # One process per node (app.node.launcher): each holds its socket, bound at port 0 before the witnesses
        # were wired to it, until the fleet is closed.
        self._nodes: dict[str, NodeProcess] = {}

    def create(self) -> None:
        """Create every node (database, keys, enrolled department key), bind its socket, and wire the witnesses."""
        configs = []
        for dept in self.departments:
            create_node(self.directory / dept, dept)
            config = load_config(self.directory / dept / CONFIG_FILE, environ={})
            limits = Limits(publish_interval_s=self.publish_interval_s, witness_timeout_s=2)
            # Eleven nodes on one machine: each verifies in its own process, without a worker pool per node
            # (eleven pools of spawned interpreters took longer than a minute to start on a loaded machine).
            self._nodes[dept] = NodeProcess(
                self.directory / dept / CONFIG_FILE,
                replace(config, limits=limits),
                extra_args=("--verify-processes", "0"),
            )
            configs.append(self._nodes[dept].config)
            self.keys[dept] = load_keys(Path(config.keys_file))
        for wired in wire_witnesses(configs, self.keys):
            wired.save(self.directory / wired.department / CONFIG_FILE)
            self.configs[wired.department] = wired
            self._nodes[wired.department].config = wired

    def url(self, dept: str) -> str:
        """The base URL of a department's node."""
        return f"http://127.0.0.1:{self.configs[dept].port}"

    def signer(self, dept: str) -> Signer:
        """The department's own key: it issues certificates and answers data requests."""
        return self.keys[dept].department_signer

    def enroll(self, dept: str, keys: Sequence[tuple[bytes, str, str]]) -> list[int]:
        """Enrol (public key, role, subject) triples in a department's registry; return their indexes."""
        node = node_from_config(self.configs[dept])
        try:
            return [node.enroll(public_key, role, subject) for public_key, role, subject in keys]
        finally:
            node.stop()

    def listing(self) -> dict:
        """The federation listing (as `govdesk node federation` writes it) of these nodes."""
        return {
            "nodes": [
                {
                    "department": dept,
                    "origin": config.origin,
                    "url": self.url(dept),
                    "log_vkey": self.keys[dept].log_vkey,
                    "witness_vkey": self.keys[dept].witness_vkey,
                    "tree_hash": config.tree_hash,
                }
                for dept, config in self.configs.items()
            ]
        }

    def start(self, timeout_s: float = 60.0) -> None:
        """Start one process per node and wait until each publishes a checkpoint its witnesses cosigned."""
        for node in self._nodes.values():
            node.launch()
        deadline = time.monotonic() + timeout_s
        waiting = set(self.departments)
        while waiting:
            for dept in sorted(waiting):
                status = self._nodes[dept].exited()
                if status is not None:
                    self.stop()
                    raise WorldError(f"the {dept} node exited with status {status}; see its serve.log")
                if self._cosigned(dept):
                    waiting.discard(dept)
            if waiting and time.monotonic() > deadline:
                self.stop()
                raise WorldError(f"nodes did not publish cosigned checkpoints in time: {sorted(waiting)}")
            time.sleep(0.1)

    def _cosigned(self, dept: str) -> bool:
        try:
            response = httpx.get(f"{self.url(dept)}/checkpoint", timeout=2)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        text = response.text
        if text.split("\n", 1)[0] != self.configs[dept].origin:  # somebody else answers on this node's port
            self.stop()
            raise WorldError(f"the {dept} node's port {self.configs[dept].port} is answered by another server")
        return text.count("/witness ") >= min(QUORUM, len(self.departments) - 1)

    def close(self) -> None:
        """Stop the nodes and give up their ports."""
        for node in self._nodes.values():
            node.close()

    def stop(self) -> None:
        """Stop every node process (politely, then for good); their ports stay held for a restart."""
        for node in self._nodes.values():
            node.stop()

    def log_entries(self, dept: str, size: int) -> list[bytes]:
        """Read the first `size` entries of a department's log over HTTP."""
        with NodeClient(self.url(dept)) as client:
            return client.entries(size)


class ScenarioWorld:
    """Nodes plus offices: build once, start the nodes, then act at the offices and sync them."""

    def __init__(
        self,
        directory: Path,
        offices: Sequence[OfficeSpec],
        departments: Sequence[str] | None = None,
        *,
        route: Route | None = None,
        cut: Cut | None = None,
        retry: RetryPolicy = SYNC_RETRY,
    ) -> None:
        self.directory = Path(directory)
        self.specs = {spec.key: spec for spec in offices}
        self.fleet = NodeFleet(self.directory / "nodes", departments or [d.id for d in all_departments()])
        self.route = route
        self.cut = cut
        self.retry = retry

    def office_path(self, key: str) -> Path:
        """Where an office's replica lives."""
        return self.directory / "offices" / key

    def build(self) -> None:
        """Create the nodes and the offices, enrol every device and staff key, store each office's trust policy."""
        self.fleet.create()
        enrolments: dict[str, list[tuple[bytes, str, str]]] = {dept: [] for dept in self.fleet.departments}
        for spec in self.specs.values():
            with create_office(self.office_path(spec.key), spec.name, ADMIN, PASSWORD, kdf=SCENARIO_KDF) as admin:
                for member in spec.staff:
                    account = admin.accounts.add(member.account, member.role, PASSWORD)
                    if member.department is not None:
                        subject = f"{spec.key}/{member.account}"
                        enrolments[member.department].append((account.public_key, member.role, subject))
                        if member.role == "clerk":  # 一窗受理: every other department enrols the hall's clerks
                            for other in self.fleet.departments:  # for the acceptance of its cases
                                if other != member.department:
                                    enrolments[other].append((account.public_key, WINDOW, subject))
                for dept in self.fleet.departments:
                    enrolments[dept].append((admin.device_signer.public_key, "device", f"{spec.key}/counter-01"))
                save_policy(admin, self.policy(spec))
        for dept, keys in enrolments.items():
            self.fleet.enroll(dept, keys)

    def policy(self, spec: OfficeSpec) -> TrustPolicy:
        """The trust policy of an office: every log, witness quorum 2, its node URL (through `route`, if any)."""
        listing = self.fleet.listing()
        if self.route is not None:
            for node in listing["nodes"]:
                node["url"] = self.route(spec.key, node["department"], node["url"])
        return policy_from_federation(listing, quorum=QUORUM, cases=spec.cases)

    def start(self) -> None:
        """Start the node processes."""
        self.fleet.start()

    def stop(self) -> None:
        """Stop the node processes and give up their ports."""
        self.fleet.close()

    @contextlib.contextmanager
    def session(self, office: str, account: str = ADMIN, *, clock: Clock = system_clock) -> Iterator[Replica]:
        """Unlock an office's replica as one of its accounts (on `clock`), for the duration of the block."""
        replica = open_replica(self.office_path(office), account, PASSWORD, kdf=SCENARIO_KDF, clock=clock)
        try:
            yield replica
        finally:
            replica.close()

    def sync(self, office: str, *, push: bool = True, pull: bool = True) -> SyncReport:
        """Run one sync of an office (as its admin): push its outbox, pull every log; return the report."""
        with self.session(office) as replica:
            service = SyncService(replica, load_policy(replica), retry=self.retry, publish_timeout_s=20)
            try:
                return service.run(push=push, pull=pull)
            finally:
                service.close()

    def origin(self, dept: str) -> str:
        """The log origin of a department."""
        return department(dept).origin
