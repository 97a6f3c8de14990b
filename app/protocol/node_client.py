"""A small HTTP client of the node API (httpx), for tests, the demo and the sync client.

Reads return verified-shape data (not verified against any key: that is the caller's job);
writes are signed with the caller's enrolled key; every refusal becomes a `NodeRefused` that
carries the node's machine-readable code.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.ledger.bundle import decode_bundle, encode_bundle
from app.ledger.merkle import HASH_SIZE, SHA256_TREE, TreeHash
from app.ledger.suites import Signer
from app.protocol.case_results import DIGEST_HEADER, MAX_CASE_RESULT_BYTES
from app.protocol.request_auth import sign_request
from app.protocol.tiles import TILE_WIDTH, TreeReader, tile_path, tile_width_at
from app.protocol.witness_wire import SIZE_CONTENT_TYPE, encode_add_checkpoint


class NodeRefused(Exception):
    """The node refused a request: `status` is the HTTP status, `code` the refusal code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class WitnessConflict(NodeRefused):
    """A witness answered 409: it last cosigned a checkpoint of `size`."""

    def __init__(self, size: int) -> None:
        super().__init__(409, "witness_conflict", f"the witness last cosigned size {size}")
        self.size = size


@dataclass(frozen=True)
class SubmitResult:
    """The answer for one submitted entry: its index, or a refusal code and message."""

    hash: str | None
    index: int | None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True if the entry is sequenced."""
        return self.index is not None


@dataclass(frozen=True)
class EntryProof:
    """An entry, its index and its inclusion proof in a tree with the given checkpoint."""

    index: int
    entry: bytes
    tree_size: int
    inclusion_proof: list[bytes]
    checkpoint: str


def _raise_for(resp: httpx.Response) -> None:
    if resp.status_code < 400:
        return
    try:
        refusal = resp.json()["refusal"]
        raise NodeRefused(resp.status_code, refusal["code"], refusal["message"])
    except (ValueError, KeyError, TypeError):
        raise NodeRefused(resp.status_code, f"http_{resp.status_code}", resp.text[:200]) from None


class NodeClient:
    """Talk to one node at `base_url`; `key` (an enrolled signer) is needed only for submissions."""

    def __init__(
        self, base_url: str, *, key: Signer | None = None, timeout: float = 30.0, http: httpx.Client | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self._http = http or httpx.Client(timeout=timeout, headers={"Accept-Encoding": "gzip, identity"})

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str, **params: Any) -> httpx.Response:
        resp = self._http.get(f"{self.base_url}/{path}", params=params or None)
        _raise_for(resp)
        return resp

    def health(self) -> dict[str, Any]:
        """Return the node's health document (sizes, origin, public keys)."""
        return self._get("health").json()

    def checkpoint(self) -> str:
        """Return the published checkpoint, with its cosignatures."""
        return self._get("checkpoint").text

    def tile(self, level: int, index: int, width: int | None = None) -> bytes:
        """Return a tile's hashes (a partial tile when `width` < 256)."""
        return self._get(tile_path(level, index, width)).content

    def entry_bundle(self, index: int, width: int | None = None) -> list[bytes]:
        """Return the entries of a bundle."""
        return decode_bundle(self._get(tile_path(None, index, width)).content, first_index=index * TILE_WIDTH)

    def submit(
        self, entries: list[bytes], *, now_ms: int | None = None, nonce: bytes | None = None
    ) -> list[SubmitResult]:
        """Submit signed entries in one signed request; return each one's index or refusal."""
        if self.key is None:
            raise ValueError("submitting needs an enrolled key")
        body = encode_bundle(entries)
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        headers = sign_request(self.key, "POST", "/add-entries", body, now_ms, nonce)
        resp = self._http.post(f"{self.base_url}/add-entries", content=body, headers=headers)
        _raise_for(resp)
        out = []
        for item in resp.json()["results"]:
            refusal = item.get("refusal")
            if refusal:
                out.append(SubmitResult(item.get("hash"), None, refusal["code"], refusal["message"]))
            else:
                out.append(SubmitResult(item["hash"], item["index"]))
        return out

    def entry(self, entry_hash: bytes, size: int | None = None) -> EntryProof:
        """Return an entry and its inclusion proof, by entry hash."""
        doc = self._get(f"entry/{entry_hash.hex()}", **({"size": size} if size else {})).json()
        return EntryProof(
            doc["index"],
            base64.b64decode(doc["entry"]),
            doc["tree_size"],
            [base64.b64decode(h) for h in doc["inclusion_proof"]],
            doc["checkpoint"],
        )

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """Return a consistency proof from size `old` to `new` (default: the published size)."""
        params = {"old": old} | ({"new": new} if new else {})
        return [base64.b64decode(h) for h in self._get("proof/consistency", **params).json()["proof"]]

    def add_checkpoint(self, old_size: int, proof: list[bytes], checkpoint: str) -> str:
        """Ask this node's witness to cosign; return its signature lines, or raise WitnessConflict/NodeRefused."""
        resp = self._http.post(
            f"{self.base_url}/add-checkpoint", content=encode_add_checkpoint(old_size, proof, checkpoint)
        )
        if resp.status_code == 409 and resp.headers.get("content-type", "").startswith(SIZE_CONTENT_TYPE):
            raise WitnessConflict(int(resp.text.strip()))
        if resp.status_code != 200:
            raise NodeRefused(resp.status_code, f"witness_{resp.status_code}", resp.text.strip()[:300])
        return resp.text

    def _signed_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        if self.key is None:
            raise ValueError("this request needs an enrolled key")
        return sign_request(self.key, method, path, body, int(time.time() * 1000), None)

    def put_case_result(self, case_id: str, office: str, ofd: bytes, digest: bytes) -> None:
        """Keep a case's sealed result on the node for the office whose window accepted it (idempotent)."""
        path = f"/case-results/{case_id}"
        headers = self._signed_headers("PUT", path, ofd) | {DIGEST_HEADER: digest.hex()}
        _raise_for(self._http.put(f"{self.base_url}{path}", params={"office": office}, content=ofd, headers=headers))

    def case_result(self, case_id: str, limit: int = MAX_CASE_RESULT_BYTES) -> bytes | None:
        """Return a case's sealed result as the node serves it to this key's office (None: none yet).

        A body over `limit` bytes is refused while it arrives (`NodeRefused` code `result_too_large`)."""
        path = f"/case-results/{case_id}"
        with self._http.stream("GET", f"{self.base_url}{path}", headers=self._signed_headers("GET", path, b"")) as resp:
            if resp.status_code == 404:
                return None
            if resp.status_code >= 400:
                resp.read()
                _raise_for(resp)
            body = bytearray()
            for chunk in resp.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise NodeRefused(resp.status_code, "result_too_large", f"the result is over {limit} bytes")
            return bytes(body)

    def forks(self) -> list[dict[str, Any]]:
        """Return the fork evidence this node's witness kept."""
        return self._get("witness/forks").json()["forks"]

    def tree_reader(self, size: int, tree_hash: TreeHash = SHA256_TREE) -> TreeReader:
        """Return a TreeReader that fetches the tiles of the tree of `size` leaves (hashed with `tree_hash`)."""

        def fetch(level: int, index: int) -> bytes | None:
            width = tile_width_at(level, index, size)
            if width == 0:
                return None
            data = self.tile(level, index, None if width == TILE_WIDTH else width)
            if len(data) != width * HASH_SIZE:
                raise NodeRefused(200, "bad_tile", f"tile {level}/{index} is {len(data)} bytes, want {width * 32}")
            return data

        return TreeReader(fetch, tree_hash)

    def entries(self, size: int) -> list[bytes]:
        """Return the first `size` entries, read bundle by bundle."""
        out: list[bytes] = []
        for index in range((size + TILE_WIDTH - 1) // TILE_WIDTH):
            width = tile_width_at(0, index, size)
            out += self.entry_bundle(index, None if width == TILE_WIDTH else width)
        return out
