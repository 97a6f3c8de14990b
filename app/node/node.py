"""A department node: its store, registry, sequencer, publisher and witness, assembled from its config."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.ledger.entry import Entry, SignedEntry, decode_entry, sign_entry
from app.ledger.merkle import default_tree_hash, tree_hash_by_name
from app.ledger.suites import ED25519, key_id, suite_by_name
from app.node.config import NodeConfig, NodeKeys, generate_keys, load_keys, save_keys
from app.node.jsonlog import log_event
from app.node.publisher import Publisher
from app.node.rate_limit import RateLimiter
from app.node.registry import Registry
from app.node.sequencer import Result, Sequencer
from app.node.sequencer_link import RemoteSequencer
from app.node.static_tiles import StaticTiles
from app.node.storage.interface import NodeStoreError
from app.node.storage.open import open_store
from app.node.storage.sql import SqlStore
from app.node.verify_pool import SignatureVerifier
from app.node.witness import Witness
from app.protocol.departments import department
from app.protocol.refusals import Refusal

log = logging.getLogger("govdesk.node")

CONFIG_FILE = "node.json"
KEYS_FILE = "node.keys"


class CheckStats:
    """CPU the request threads spent decoding and checking submitted entries (signatures excluded)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.checked = 0
        self.cpu_s = 0.0

    def add_check(self, entries: int, cpu_s: float) -> None:
        """Count `entries` checked in `cpu_s` seconds of thread CPU time."""
        with self._lock:
            self.checked += entries
            self.cpu_s += cpu_s


class Node:
    """One department's node. `start()` runs its background threads; `app` (service.py) serves it."""

    def __init__(
        self,
        config: NodeConfig,
        keys: NodeKeys,
        *,
        store: SqlStore | None = None,
        clock: Callable[[], float] = time.time,
        sequencer_socket: Path | None = None,
    ) -> None:
        self.config = config
        self.keys = keys
        self.clock = clock
        limits = config.limits
        self.store = store or open_store(config.db_url, pool_size=limits.pool_size, retry_s=limits.db_retry_s)
        self.registry = Registry(self.store)
        self.http_worker = sequencer_socket is not None
        # An HTTP worker process hands its checked entries to the sequencing process (sequencer_link.py).
        self.remote = RemoteSequencer(sequencer_socket, self.registry) if sequencer_socket is not None else None
        self.sequencer: Sequencer | RemoteSequencer = self.remote or Sequencer(
            self.store,
            self.registry,
            config.origin,
            config.department,
            keys.log_signer,
            batch_limit=limits.sequencer_batch,
            queue_limit=limits.queue_limit,
            clock=clock,
            retry_window_s=limits.submit_wait_s,
            tree_hash=config.tree,
        )
        self.publisher = Publisher(
            self.store,
            config.witnesses,
            limits.publish_interval_s,
            limits.witness_timeout_s,
            peer_ca_file=config.peer_ca_file,
            static=StaticTiles(Path(config.static_dir), self.store) if config.static_dir else None,
            tree_hash=config.tree,
        )
        self.witness = Witness(
            self.store,
            keys.witness_signer,
            {w.origin: [w.vkey] for w in config.witnessed},
            clock=clock,
            trees={w.origin: tree_hash_by_name(w.tree_hash) for w in config.witnessed},
        )
        self.rate = RateLimiter(limits.rate_per_device, limits.rate_burst)
        self.verifier = SignatureVerifier(config.verify_processes or 0)
        self.stats = CheckStats()
        self._started = False

    @property
    def origin(self) -> str:
        """The log origin this node sequences."""
        return self.config.origin

    def open(self) -> None:
        """Create or check the schema, check the stored tree is hashed as configured, and load the registry."""
        self.store.init_schema()
        self._check_tree_hash()
        self.registry.refresh()

    def _check_tree_hash(self) -> None:
        """Refuse a configuration whose tree hash is not the one the stored log was built with (an edited
        node.json would otherwise extend an SM3 tree with SHA-256 nodes, or the reverse)."""
        if not self.store.state().size:
            return
        first_tile = self.store.tile(0, 0) or b""
        if first_tile[:32] != self.config.tree.hash_leaf(self.store.entries(0, 1)[0]):
            raise NodeStoreError(
                f"the log in {self.config.db_url} is not a {self.config.tree_hash} tree, as the configuration says: "
                "a log keeps the tree hash it was created with"
            )

    def start(self) -> None:
        """Open the store and start the sequencer and the publisher."""
        self.open()
        self.verifier.warm_up()
        self.sequencer.start()
        if not self.http_worker:  # the sequencing process publishes; its HTTP workers do not
            self.publisher.start()
        self._started = True
        log_event(log, "node_started", department=self.config.department, origin=self.origin)

    def stop(self) -> None:
        """Stop the background threads and close the store."""
        if self._started:
            self.sequencer.stop()
            self.publisher.stop()
            self._started = False
        self.verifier.close()
        self.store.close()
        log_event(log, "node_stopped", department=self.config.department)

    def now_ms(self) -> int:
        """The node's clock in Unix milliseconds."""
        return int(self.clock() * 1000)

    def department_entry(self, etype: str, body: dict[str, Any]) -> SignedEntry:
        """Return an entry of this log signed by the department key."""
        entry = Entry(self.origin, etype, self.now_ms(), self.keys.department_kid, body)
        return decode_entry(sign_entry(entry, self.keys.department_signer))

    def bootstrap(self) -> None:
        """Enrol the department key as the first entry of an empty log."""
        self.open()
        if self.store.state().size:
            first = decode_entry(self.store.entries(0, 1)[0])
            if first.entry.body.get("kid") != self.keys.department_kid:
                raise NodeStoreError(
                    f"the database {self.config.db_url} already holds a log whose first entry enrols another "
                    "department key: give this node its own database"
                )
            return
        signer = self.keys.department_signer
        signed = self.department_entry(
            "registry.enroll",
            {
                "kid": self.keys.department_kid,
                "suite": self.keys.suite,
                "public_key": signer.public_key,
                "role": "department",
                "subject": f"department/{self.config.department}",
                "department": self.config.department,
            },
        )
        self.sequencer.integrate([signed], trusted=True)

    def write_department_entry(self, etype: str, body: dict[str, Any]) -> Result:
        """Sign an entry with the department key and sequence it now (checked like any submission)."""
        self.open()
        [result] = self.sequencer.integrate([self.department_entry(etype, body)])
        return result

    def enroll(
        self, public_key: bytes, role: str, subject: str, suite: str = ED25519.name, certificate: bytes | None = None
    ) -> int:
        """Enrol a key of `suite` (Ed25519 by default) with `role`, with its X.509 certificate (DER) if given;
        return the index of the registry.enroll entry."""
        body: dict[str, Any] = {
            "kid": key_id(suite_by_name(suite), public_key),
            "suite": suite,
            "public_key": public_key,
            "role": role,
            "subject": subject,
            "department": self.config.department,
        }
        if certificate is not None:
            body["certificate"] = certificate
        result = self.write_department_entry("registry.enroll", body)
        if isinstance(result, Refusal):
            raise result
        return result

    def revoke(self, kid: bytes, reason: str) -> int:
        """Revoke a key; return the index of the registry.revoke entry."""
        result = self.write_department_entry("registry.revoke", {"kid": kid, "reason": reason})
        if isinstance(result, Refusal):
            raise result
        return result


def create_node(
    directory: Path,
    department_id: str,
    *,
    db_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8600,
    origin: str | None = None,
    suite: str = ED25519.name,
    tree_hash: str | None = None,
) -> NodeConfig:
    """Create a node in `directory`: config file, key file (0600), database, and the enrolled department key.

    The node's keys (department, log, witness) are of `suite`: `ed25519` or the national `sm2-sm3`. Its log's
    Merkle tree hashes with `tree_hash` (`sha256` or `sm3`; default: SM3 for the national suite, else SHA-256).
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # the node's keys, config and database live here, whoever made the folder
    dept_origin = origin or department(department_id).origin
    config_path, keys_path = directory / CONFIG_FILE, directory / KEYS_FILE
    if config_path.exists() or keys_path.exists():
        raise FileExistsError(f"a node already exists in {directory}")
    keys = generate_keys(dept_origin, suite)
    config = NodeConfig(
        department=department_id,
        origin=dept_origin,
        db_url=db_url or f"sqlite:///{(directory / 'node.db').resolve()}",
        keys_file=str(keys_path.resolve()),
        host=host,
        port=port,
        tree_hash=tree_hash_by_name(tree_hash or default_tree_hash(suite)).name,
    )
    # Reach the database and create its schema before any file is written: a database that cannot be reached
    # leaves nothing behind to block a retry. From here on the key may end up enrolled in the log (entry 0), so
    # its file is written first and never removed by a later failure.
    node = Node(config, keys)
    try:
        node.open()
        save_keys(keys, keys_path)
        config.save(config_path)
        node.bootstrap()
    finally:
        node.stop()
    return config


def node_from_config(config: NodeConfig, **kwargs: Any) -> Node:
    """Return the node a configuration describes, with its keys loaded from its key file."""
    return Node(config, load_keys(Path(config.keys_file)), **kwargs)
