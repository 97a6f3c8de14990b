"""Node configuration: typed settings with a schema version, read from a JSON file then environment
variables; and the node's keys, kept apart in a mode-0600 key file (secrets never go in settings).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.atomic_file import write_atomic
from app.ledger.merkle import SHA256_TREE, TREE_HASHES, TreeHash, tree_hash_by_name
from app.ledger.note import NoteSigner, new_signer, parse_signer_key, sig_type_for
from app.ledger.suites import ED25519, Signer, key_id, suite_by_name

CONFIG_VERSION = 1
ENV_PREFIX = "GOVDESK_NODE_"
# Environment variable -> setting it overrides. GOVDESK_NODE_CONFIG names the file itself.
ENV_SETTINGS = {
    "DEPARTMENT": "department",
    "DB": "db_url",
    "HOST": "host",
    "PORT": "port",
    "KEYS": "keys_file",
    "LOG_LEVEL": "log_level",
    "STATIC_DIR": "static_dir",
}


class ConfigError(ValueError):
    """The configuration file, an environment variable or the key file is invalid."""


@dataclass(frozen=True)
class WitnessPeer:
    """A witness this node asks to cosign its checkpoints."""

    name: str
    vkey: str
    url: str


@dataclass(frozen=True)
class WitnessedPeer:
    """Another department's log that this node witnesses: its origin, its log verifier key and its tree hash."""

    origin: str
    vkey: str
    tree_hash: str = SHA256_TREE.name


@dataclass(frozen=True)
class Limits:
    """Abuse limits and sequencing knobs."""

    max_body_bytes: int = 1 << 20
    max_batch_entries: int = 256
    rate_per_device: float = 50.0
    rate_burst: int = 100
    clock_skew_s: int = 120
    body_timeout_s: float = 10.0
    submit_wait_s: float = 15.0
    queue_limit: int = 20000
    sequencer_batch: int = 4096
    publish_interval_s: float = 0.5
    witness_timeout_s: float = 3.0
    workers: int = 6
    db_retry_s: float = 5.0
    header_timeout_s: float = 10.0
    connections_per_client: int = 64
    max_connections: int = 4096

    @property
    def pool_size(self) -> int:
        """Database connections the node may hold: one per request worker, plus the sequencer and the publisher."""
        return self.workers + 2


@dataclass(frozen=True)
class NodeConfig:
    """Everything a node needs besides its keys."""

    department: str
    origin: str
    db_url: str
    keys_file: str
    host: str = "127.0.0.1"
    port: int = 8600
    log_level: str = "INFO"
    witnesses: tuple[WitnessPeer, ...] = ()
    witnessed: tuple[WitnessedPeer, ...] = ()
    limits: Limits = field(default_factory=Limits)
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    peer_ca_file: str | None = None
    static_dir: str | None = None
    verify_processes: int | None = None
    # The log's Merkle tree hash (docs/ledger-format.md): fixed when the log is created; absent = sha256, which
    # every log made before the choice existed uses.
    tree_hash: str = SHA256_TREE.name
    version: int = CONFIG_VERSION

    @property
    def tree(self) -> TreeHash:
        """The hash of the log's Merkle tree: its tiles, proofs and checkpoint roots."""
        return tree_hash_by_name(self.tree_hash)

    @property
    def scheme(self) -> str:
        """`https` when the node serves TLS, else `http`."""
        return "https" if self.tls_cert_file else "http"

    def to_json(self) -> str:
        """Return the configuration as a JSON document."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write the configuration file atomically."""
        write_atomic(path, self.to_json().encode(), mode=0o600)  # names the key file and the database URL


def _limits(raw: Any) -> Limits:
    if not isinstance(raw, dict):
        raise ConfigError("'limits' must be an object")
    known = {f.name: f for f in fields(Limits)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ConfigError(f"unknown limits {sorted(unknown)}")
    out = {}
    for name, value in raw.items():
        kind = float if known[name].type == "float" else int
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"limit {name} must be a positive number")
        out[name] = kind(value)
    return Limits(**out)


def config_from_dict(raw: Any, base_dir: Path) -> NodeConfig:
    """Validate a parsed configuration document; relative paths are taken from `base_dir`."""
    if not isinstance(raw, dict):
        raise ConfigError("the configuration must be a JSON object")
    if raw.get("version", CONFIG_VERSION) != CONFIG_VERSION:
        raise ConfigError(f"configuration version {raw.get('version')!r} is not {CONFIG_VERSION}")
    allowed = {f.name for f in fields(NodeConfig)}
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    try:
        witnesses = tuple(WitnessPeer(**w) for w in raw.get("witnesses", ()))
        witnessed = tuple(WitnessedPeer(**w) for w in raw.get("witnessed", ()))
    except TypeError as exc:
        raise ConfigError(f"bad witness entry: {exc}") from None
    tree_hash = raw.get("tree_hash", SHA256_TREE.name)
    for name in (tree_hash, *(w.tree_hash for w in witnessed)):
        if not isinstance(name, str) or name not in TREE_HASHES:
            raise ConfigError(f"tree_hash must be one of {sorted(TREE_HASHES)}, not {name!r}")
    for name in ("department", "origin", "db_url", "keys_file"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ConfigError(f"setting {name!r} is required text")
    port = raw.get("port", 8600)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
        raise ConfigError("port must be 0..65535")
    keys_file = raw["keys_file"]
    if not Path(keys_file).is_absolute():
        keys_file = str(base_dir / keys_file)
    paths: dict[str, str | None] = {}
    for name in ("tls_cert_file", "tls_key_file", "peer_ca_file", "static_dir"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or not value):
            raise ConfigError(f"setting {name!r} must be a file path")
        paths[name] = str(base_dir / value) if value and not Path(value).is_absolute() else value
    if bool(paths["tls_cert_file"]) != bool(paths["tls_key_file"]):
        raise ConfigError("tls_cert_file and tls_key_file go together")
    verify_processes = raw.get("verify_processes")
    if verify_processes is not None and (
        isinstance(verify_processes, bool) or not isinstance(verify_processes, int) or not 0 <= verify_processes <= 64
    ):
        raise ConfigError("verify_processes must be 0..64 (0: verify in the request threads)")
    db_url = raw["db_url"]
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///") :]).is_absolute():
        db_url = f"sqlite:///{base_dir / db_url[len('sqlite:///') :]}"
    return NodeConfig(
        department=raw["department"],
        origin=raw["origin"],
        db_url=db_url,
        keys_file=keys_file,
        host=str(raw.get("host", "127.0.0.1")),
        port=port,
        log_level=str(raw.get("log_level", "INFO")).upper(),
        witnesses=witnesses,
        witnessed=witnessed,
        limits=_limits(raw.get("limits", {})),
        verify_processes=verify_processes,
        tree_hash=tree_hash,
        **paths,
    )


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> NodeConfig:
    """Read the configuration file (`path` or $GOVDESK_NODE_CONFIG), then apply GOVDESK_NODE_* overrides."""
    env = os.environ if environ is None else environ
    path = path or (Path(env[ENV_PREFIX + "CONFIG"]) if env.get(ENV_PREFIX + "CONFIG") else None)
    if path is None:
        raise ConfigError("no configuration file: pass --config or set GOVDESK_NODE_CONFIG")
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc}") from None
    for suffix, name in ENV_SETTINGS.items():
        if ENV_PREFIX + suffix in env:
            value: Any = env[ENV_PREFIX + suffix]
            if name == "port":
                if not value.isdigit():
                    raise ConfigError(f"{ENV_PREFIX}PORT must be a number")
                value = int(value)
            raw[name] = value
    return config_from_dict(raw, Path(path).resolve().parent)


def override(config: NodeConfig, **settings: Any) -> NodeConfig:
    """Return `config` with the given settings replaced (None values are ignored)."""
    return replace(config, **{k: v for k, v in settings.items() if v is not None})


@dataclass(frozen=True)
class NodeKeys:
    """The node's secrets: its log key (checkpoints), its witness key (cosignatures), its department key, all in
    one signature suite (`ed25519`, or `sm2-sm3` for the national suite)."""

    log_signer: NoteSigner
    witness_signer: NoteSigner
    department_seed: bytes
    suite: str = ED25519.name

    @property
    def department_signer(self) -> Signer:
        """The department's entry signing key."""
        return suite_by_name(self.suite).signer(self.department_seed)

    @property
    def department_kid(self) -> bytes:
        """The department key's 16-byte key id."""
        return key_id(suite_by_name(self.suite), self.department_signer.public_key)

    @property
    def log_vkey(self) -> str:
        """The verifier key of the log's checkpoints."""
        return self.log_signer.verifier().vkey()

    @property
    def witness_vkey(self) -> str:
        """The verifier key of this node's cosignatures."""
        return self.witness_signer.verifier().vkey()


def witness_name(origin: str) -> str:
    """Return the cosigner name of the witness run by the node of `origin`."""
    return f"{origin}/witness"


def generate_keys(origin: str, suite: str = ED25519.name) -> NodeKeys:
    """Draw fresh keys of `suite` for a node of the log `origin`."""
    chosen = suite_by_name(suite)
    return NodeKeys(
        new_signer(origin, chosen.generate_private(), sig_type_for(suite, cosignature=False)),
        new_signer(witness_name(origin), chosen.generate_private(), sig_type_for(suite, cosignature=True)),
        chosen.generate_private(),
        suite,
    )


def save_keys(keys: NodeKeys, path: Path) -> None:
    """Write the key file with mode 0600."""
    doc = {
        "log_key": keys.log_signer.skey(),
        "witness_key": keys.witness_signer.skey(),
        "department_key": keys.department_seed.hex(),
        "suite": keys.suite,
    }
    write_atomic(path, (json.dumps(doc, indent=2) + "\n").encode(), mode=0o600)


def load_keys(path: Path) -> NodeKeys:
    """Read the key file written by `save_keys`."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        keys = NodeKeys(
            parse_signer_key(doc["log_key"]),
            parse_signer_key(doc["witness_key"]),
            bytes.fromhex(doc["department_key"]),
            doc.get("suite", ED25519.name),  # key files written before the national suite hold Ed25519 keys
        )
        keys.department_signer  # noqa: B018 (refuses a department key outside its suite's range)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read key file {path}: {exc}") from None
    if (
        keys.log_signer.sig_type != sig_type_for(keys.suite, cosignature=False)
        or keys.witness_signer.sig_type != sig_type_for(keys.suite, cosignature=True)
        or len(keys.department_seed) != 32
    ):
        raise ConfigError(f"key file {path} holds keys of the wrong kind")
    return keys
