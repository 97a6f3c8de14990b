"""The office's trust policy for sync: per department log, its log key, its witnesses and the quorum of
cosignatures a checkpoint needs, the node and its mirrors; and how the TLS connection is pinned.

The policy is typed data with a version. It lives encrypted in the replica (setting `sync.trust_policy`),
so only an admin can change it and nobody can edit it on disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from app.ledger.merkle import SHA256_TREE, TREE_HASHES, TreeHash, tree_hash_by_name
from app.ledger.note import NoteError, parse_verifier_key
from app.store.replica import Replica

POLICY_VERSION = 1
SETTING = "sync.trust_policy"
CASE_MODES = ("known", "all")
MAX_POLICY_BYTES = 256 * 1024
DEFAULT_QUORUM = 2


class TrustPolicyError(ValueError):
    """The trust policy document is malformed or incomplete."""


@dataclass(frozen=True)
class LogTrust:
    """One department log: whose key signs its checkpoints, which witnesses count, and where to reach it.

    `urls` are the write side (the node, then its mirrors): submissions, proofs, and every read as a fallback.
    `read_urls` serve the static reads (checkpoint, tiles, entry bundles), e.g. a web server or CDN in front
    of the node's static files; they are tried first for those reads.
    `tree_hash` is the hash of the log's Merkle tree (`sha256`, or `sm3`): every proof, tile and checkpoint root
    of the log is checked in it, never in the other. A policy written before the choice existed means `sha256`.
    """

    origin: str
    log_vkey: str
    witnesses: tuple[str, ...]
    quorum: int
    urls: tuple[str, ...]
    cases: str = "known"
    read_urls: tuple[str, ...] = ()
    tree_hash: str = SHA256_TREE.name

    @property
    def tree(self) -> TreeHash:
        """The log's tree hash."""
        return tree_hash_by_name(self.tree_hash)

    @property
    def log_name(self) -> str:
        """The signer name of the log key (the first part of its verifier key)."""
        return self.log_vkey.split("+", 1)[0]


@dataclass(frozen=True)
class TlsPins:
    """How HTTPS connections are checked: a pinned CA (PEM) and/or pinned node keys (SHA-256 of the SPKI, hex)."""

    ca_pem: str | None = None
    node_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrustPolicy:
    """Everything sync needs to decide what to trust."""

    logs: tuple[LogTrust, ...]
    tls: TlsPins = field(default_factory=TlsPins)
    max_clock_skew_s: int = 600
    version: int = POLICY_VERSION

    def log(self, origin: str) -> LogTrust | None:
        """Return the trust of one log, or None if the office does not follow it."""
        return next((log for log in self.logs if log.origin == origin), None)

    def to_json(self) -> str:
        """Return the policy as a JSON document."""
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)


def _text(value: Any, what: str, max_len: int = 1024) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= max_len:
        raise TrustPolicyError(f"{what} must be text of 1 to {max_len} characters")
    return value


def _vkey(value: Any, what: str) -> str:
    text = _text(value, what)
    try:
        parse_verifier_key(text)
    except NoteError as exc:
        raise TrustPolicyError(f"{what} is not a note verifier key: {exc}") from None
    return text


def _log(raw: Any) -> LogTrust:
    if not isinstance(raw, Mapping):
        raise TrustPolicyError("each log must be an object")
    origin = _text(raw.get("origin"), "log origin", 256)
    witnesses = raw.get("witnesses", [])
    urls = raw.get("urls")
    if not isinstance(witnesses, list | tuple) or len(witnesses) > 32:
        raise TrustPolicyError(f"{origin}: witnesses must be a list of at most 32 verifier keys")
    if not isinstance(urls, list | tuple) or not 0 < len(urls) <= 8:
        raise TrustPolicyError(f"{origin}: urls must list the node and at most 7 mirrors")
    read_urls = raw.get("read_urls", [])
    if not isinstance(read_urls, list | tuple) or len(read_urls) > 8:
        raise TrustPolicyError(f"{origin}: read_urls must list at most 8 static read URLs")
    for url in [*urls, *read_urls]:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > 1024:
            raise TrustPolicyError(f"{origin}: {url!r} is not an http(s) URL")
    quorum = raw.get("quorum", min(DEFAULT_QUORUM, len(witnesses)))
    if isinstance(quorum, bool) or not isinstance(quorum, int) or not 0 <= quorum <= len(witnesses):
        raise TrustPolicyError(f"{origin}: quorum must be 0 to the number of witnesses ({len(witnesses)})")
    cases = raw.get("cases", "known")
    if cases not in CASE_MODES:
        raise TrustPolicyError(f"{origin}: cases must be one of {list(CASE_MODES)}")
    tree_hash = raw.get("tree_hash", SHA256_TREE.name)
    if not isinstance(tree_hash, str) or tree_hash not in TREE_HASHES:
        raise TrustPolicyError(f"{origin}: tree_hash must be one of {sorted(TREE_HASHES)}")
    return LogTrust(
        origin,
        _vkey(raw.get("log_vkey"), f"{origin}: log_vkey"),
        tuple(_vkey(w, f"{origin}: witness") for w in witnesses),
        quorum,
        tuple(urls),
        cases,
        tuple(read_urls),
        tree_hash,
    )


def parse_policy(text: str) -> TrustPolicy:
    """Parse and check a trust policy document."""
    if not isinstance(text, str) or len(text) > MAX_POLICY_BYTES:
        raise TrustPolicyError("the trust policy must be a JSON text of at most 256 KiB")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise TrustPolicyError(f"the trust policy is not JSON: {exc}") from None
    if not isinstance(raw, Mapping) or raw.get("version") != POLICY_VERSION:
        raise TrustPolicyError(f"the trust policy must be an object with version {POLICY_VERSION}")
    logs = raw.get("logs")
    if not isinstance(logs, list) or not logs or len(logs) > 64:
        raise TrustPolicyError("the trust policy must list 1 to 64 logs")
    parsed = tuple(_log(log) for log in logs)
    if len({log.origin for log in parsed}) != len(parsed):
        raise TrustPolicyError("a log is listed twice")
    tls_raw = raw.get("tls", {})
    if not isinstance(tls_raw, Mapping):
        raise TrustPolicyError("tls must be an object")
    ca = tls_raw.get("ca_pem")
    if ca is not None and (not isinstance(ca, str) or "BEGIN CERTIFICATE" not in ca or len(ca) > 64 * 1024):
        raise TrustPolicyError("tls.ca_pem must be a PEM certificate")
    pins = tls_raw.get("node_keys", [])
    if not isinstance(pins, list | tuple) or any(
        not isinstance(p, str) or len(p) != 64 or any(c not in "0123456789abcdef" for c in p) for p in pins
    ):
        raise TrustPolicyError("tls.node_keys must be SHA-256 SPKI hashes in lowercase hex")
    skew = raw.get("max_clock_skew_s", 600)
    if isinstance(skew, bool) or not isinstance(skew, int) or not 1 <= skew <= 86400:
        raise TrustPolicyError("max_clock_skew_s must be 1 to 86400")
    return TrustPolicy(parsed, TlsPins(ca, tuple(pins)), skew)


def policy_from_federation(
    doc: Mapping[str, Any], *, quorum: int = DEFAULT_QUORUM, origins: list[str] | None = None, cases: str = "known"
) -> TrustPolicy:
    """Build a policy from a federation listing (`govdesk node federation`): each log witnessed by the others."""
    nodes = doc.get("nodes") if isinstance(doc, Mapping) else None
    if not isinstance(nodes, list) or not nodes:
        raise TrustPolicyError("the federation listing has no nodes")
    logs = []
    for node in nodes:
        if origins is not None and node.get("origin") not in origins:
            continue
        witnesses = [n["witness_vkey"] for n in nodes if n is not node]
        logs.append(
            {
                "origin": node["origin"],
                "log_vkey": node["log_vkey"],
                "witnesses": witnesses,
                "quorum": min(quorum, len(witnesses)),
                "urls": [node["url"], *node.get("mirrors", [])],
                "read_urls": [node["read_url"]] if node.get("read_url") else [],
                "cases": cases,
                "tree_hash": node.get("tree_hash", SHA256_TREE.name),
            }
        )
    return parse_policy(json.dumps({"version": POLICY_VERSION, "logs": logs}))


def load_policy(replica: Replica) -> TrustPolicy | None:
    """Return the trust policy stored in the replica, or None if none is set."""
    text = replica.setting(SETTING)
    return None if text is None else parse_policy(text)


def save_policy(replica: Replica, policy: TrustPolicy) -> None:
    """Store the trust policy in the replica (admins only; audited). A log the replica holds a checkpoint of keeps
    the tree hash it was verified in: a changed declaration would only turn its next proof into a false fork."""
    checked = parse_policy(policy.to_json())
    try:
        current = load_policy(replica)
    except TrustPolicyError:
        current = None  # a broken stored policy is replaced whole
    for log in checked.logs:
        before = None if current is None else current.log(log.origin)
        if before is not None and before.tree_hash != log.tree_hash and replica.logs.latest_checkpoint(log.origin):
            raise TrustPolicyError(
                f"{log.origin}: this office verified the log as a {before.tree_hash} tree; a log keeps its tree hash"
            )
    replica.put_setting(SETTING, checked.to_json())
