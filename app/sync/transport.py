"""HTTP(S) to a department node and its mirrors: pinned TLS, signed requests, bounded reads, retries.

Every request carries the device key's signature headers (app/protocol/request_auth). Reads are capped
in size, so a hostile node cannot exhaust memory. A connection failure, a cut, a timeout or a 5xx
moves to the next mirror; when every URL failed the link waits with exponential backoff and full
jitter, then tries again, up to `RetryPolicy.attempts` rounds.
"""

from __future__ import annotations

import hashlib
import json
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.ledger.bundle import encode_bundle
from app.ledger.suites import Signer
from app.protocol.node_client import NodeClient, NodeRefused, SubmitResult
from app.protocol.request_auth import sign_request
from app.sync.errors import Cancelled, ClockSkew, MalformedResponse, NodeUnreachable, RequestRefused, WrongNode
from app.sync.trust import TlsPins

CHECKPOINT_LIMIT = 64 * 1024
REFUSAL_LIMIT = 4096  # bytes of an error response read to tell a node's refusal from another server's page
JSON_LIMIT = 256 * 1024
TILE_LIMIT = 256 * 32
BUNDLE_LIMIT = 256 * (2 + 32 * 1024)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: `attempts` rounds over all URLs, backoff `base_s` doubling to `cap_s`."""

    attempts: int = 4
    base_s: float = 0.2
    cap_s: float = 5.0
    timeout_s: float = 15.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Return the wait before round `attempt` (1-based): full jitter over an exponential backoff."""
        return rng.uniform(0, min(self.cap_s, self.base_s * 2 ** (attempt - 1)))


DEFAULT_RETRY = RetryPolicy()


def spki_pin(cert_der: bytes) -> str:
    """Return the pin of a certificate's public key: SHA-256 of its DER SubjectPublicKeyInfo, hex."""
    cert = x509.load_der_x509_certificate(cert_der)
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


PIN_REFUSAL = "the node's TLS key is not one of the pinned keys"


class PinnedSSLSocket(ssl.SSLSocket):
    """A TLS socket that checks the peer's key against the pins as part of the handshake, before any byte is sent."""

    pins: frozenset[str] = frozenset()

    def do_handshake(self, block: bool = False) -> None:
        """Complete the handshake, then refuse a peer whose key is not pinned (the connection is never used)."""
        super().do_handshake(block)
        der = self.getpeercert(True)
        if der is None or spki_pin(der) not in self.pins:
            raise ssl.SSLCertVerificationError(PIN_REFUSAL)


def ssl_context(tls: TlsPins) -> ssl.SSLContext:
    """Return the TLS context: verify against the pinned CA only; with node-key pins alone, the pin is the check.

    With node-key pins, the key is checked at connect time, inside the handshake: a signed request is never
    written to a connection whose key is not pinned.
    """
    if tls.ca_pem:
        ctx = ssl.create_default_context(cadata=tls.ca_pem)
    else:
        ctx = ssl.create_default_context()
        if tls.node_keys:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if tls.node_keys:
        ctx.sslsocket_class = type("PinnedSSLSocket", (PinnedSSLSocket,), {"pins": frozenset(tls.node_keys)})
    return ctx


def insecure_urls(urls: tuple[str, ...], tls: TlsPins) -> list[str]:
    """Return the plain-http URLs among `urls` when TLS pins are configured (they must not be used)."""
    if not tls.ca_pem and not tls.node_keys:
        return []
    return [url for url in urls if urlsplit(url).scheme != "https"]


class PinMismatch(NodeUnreachable):
    """The node's TLS key is not one of the pinned node keys."""


def _check_pin(pins: tuple[str, ...]) -> Callable[[httpx.Response], None]:
    def hook(response: httpx.Response) -> None:
        if not pins or response.url.scheme != "https":
            return
        stream = response.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        # Positional: the object httpcore exposes may be the C-level _SSLSocket, which takes no keywords.
        der = ssl_object.getpeercert(True) if ssl_object is not None else None
        if der is None or spki_pin(der) not in pins:
            response.close()
            raise PinMismatch(f"{response.url.host}: {PIN_REFUSAL}")

    return hook


def make_http_client(tls: TlsPins, timeout_s: float = 15.0) -> httpx.Client:
    """Return an httpx client that enforces the TLS pins on every response."""
    return httpx.Client(
        timeout=timeout_s,
        verify=ssl_context(tls),
        headers={"Accept-Encoding": "gzip, identity"},
        event_hooks={"response": [_check_pin(tls.node_keys)]},
        follow_redirects=False,
    )


@dataclass(frozen=True)
class Fetched:
    """A response body that arrived whole, with the node's clock reading."""

    body: bytes
    url: str
    date_ms: int | None


class NodeLink:
    """The office's connection to one log: its node first, then its mirrors."""

    def __init__(
        self,
        origin: str,
        urls: tuple[str, ...],
        http: httpx.Client,
        device: Signer,
        *,
        clock: Callable[[], int],
        retry: RetryPolicy = DEFAULT_RETRY,
        cancel: threading.Event | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        read_urls: tuple[str, ...] = (),
    ) -> None:
        self.origin = origin
        self.urls = urls
        self.read_urls = read_urls
        self._http = http
        self._device = device
        self._clock = clock
        self.retry = retry
        self.cancel = cancel or threading.Event()
        self._rng = rng or random.Random()
        self._sleep = sleep
        self.bytes_received = 0
        self.retries = 0
        self._preferred = 0

    def _order(self) -> list[str]:
        return self.urls[self._preferred :] + self.urls[: self._preferred]

    def _candidates(self, path: str) -> list[str]:
        """Static reads go to the read URLs first, then to the node and its mirrors; everything else to the node."""
        if self.read_urls and (path == "checkpoint" or path.startswith("tile/")):
            return [*self.read_urls, *self._order()]
        return self._order()

    def _wait(self, attempt: int) -> None:
        delay = self.retry.delay(attempt, self._rng)
        self.retries += 1
        if self.cancel.wait(delay):
            raise Cancelled(f"{self.origin}: cancelled")

    def _headers(self, method: str, url: str, body: bytes = b"") -> dict[str, str]:
        return sign_request(self._device, method, urlsplit(url).path, body, self._clock())

    def get(self, path: str, *, limit: int, params: dict[str, int] | None = None) -> Fetched:
        """GET `path` from the first URL that answers whole; raise NodeUnreachable or MalformedResponse."""
        last: Exception | None = None
        for attempt in range(1, self.retry.attempts + 1):
            if self.cancel.is_set():
                raise Cancelled(f"{self.origin}: cancelled")
            refused = 0
            not_found: list[str] = []
            candidates = self._candidates(path)
            for url_base in candidates:
                url = f"{url_base.rstrip('/')}/{path}"
                try:
                    fetched = self._get_once(url, limit, params)
                except _Refused as exc:
                    refused += 1
                    last = exc
                    if exc.status == 404 and not exc.from_node:  # a node says "not published yet" in its own words
                        not_found.append(url_base)
                    continue
                except (httpx.HTTPError, OSError, NodeUnreachable) as exc:
                    last = exc
                    continue
                if url_base in self.urls:
                    self._preferred = self.urls.index(url_base)
                return fetched
            if refused == len(candidates):
                if path == "checkpoint" and len(not_found) == refused:  # every node has a checkpoint, even empty
                    raise WrongNode(
                        self.origin, f"wrong node at this address: {', '.join(not_found)} has no /checkpoint (HTTP 404)"
                    )
                raise MalformedResponse(self.origin, f"every node refused GET /{path}: {last}")
            if attempt < self.retry.attempts:
                self._wait(attempt)
        raise NodeUnreachable(f"{self.origin}: no node answered GET /{path} ({last})")

    def _get_once(self, url: str, limit: int, params: dict[str, int] | None) -> Fetched:
        with self._http.stream("GET", url, params=params, headers=self._headers("GET", url)) as resp:
            if resp.status_code in RETRYABLE_STATUS:
                raise NodeUnreachable(f"{url}: HTTP {resp.status_code}")
            if resp.status_code != 200:
                raise _Refused(f"{url}: HTTP {resp.status_code}", resp.status_code, _is_node_refusal(resp))
            declared = resp.headers.get("content-length")
            if (
                declared is not None
                and declared.isdigit()
                and int(declared) > limit
                and "gzip" not in (resp.headers.get("content-encoding", ""))
            ):
                raise MalformedResponse(self.origin, f"{url}: response of {declared} bytes is over {limit}")
            chunks: list[bytes] = []
            total = 0
            for chunk in resp.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise MalformedResponse(self.origin, f"{url}: response is over {limit} bytes")
                chunks.append(chunk)
            self.bytes_received += resp.num_bytes_downloaded
            return Fetched(b"".join(chunks), url, _date_ms(resp.headers.get("date")))

    def check_clock(self, fetched: Fetched, max_skew_ms: int) -> None:
        """Raise ClockSkew if the node's Date header is further than `max_skew_ms` from the office clock."""
        if fetched.date_ms is not None and abs(fetched.date_ms - self._clock()) > max_skew_ms:
            off = (fetched.date_ms - self._clock()) / 1000
            raise ClockSkew(
                self.origin,
                f"the node's clock and this office's differ by {off:+.0f} s (over {max_skew_ms // 1000} s): "
                "check the office clock",
            )

    def submit(self, entries: list[bytes]) -> list[SubmitResult]:
        """Submit entries in one signed request, with retries and mirror fallback; refusals come back per entry."""
        last: Exception | None = None
        encode_bundle(entries)  # raise at once if one cannot be framed
        for attempt in range(1, self.retry.attempts + 1):
            if self.cancel.is_set():
                raise Cancelled(f"{self.origin}: cancelled")
            for url_base in self._order():
                client = NodeClient(url_base, key=self._device, http=self._http)
                try:
                    results = client.submit(entries, now_ms=self._clock())
                except NodeRefused as exc:
                    if exc.status in RETRYABLE_STATUS:
                        last = exc
                        continue
                    raise RequestRefused(f"{self.origin}: the node refused the submission: {exc}", exc.code) from None
                except (httpx.HTTPError, OSError, ValueError, KeyError, TypeError, NodeUnreachable) as exc:
                    last = exc
                    continue
                if len(results) != len(entries):
                    raise MalformedResponse(self.origin, "the node answered for a different number of entries")
                self._preferred = self.urls.index(url_base)
                return results
            if attempt < self.retry.attempts:
                self._wait(attempt)
        raise NodeUnreachable(f"{self.origin}: no node accepted the submission ({last})")


class _Refused(Exception):
    """A node answered a read with a non-retryable error status."""

    def __init__(self, message: str, status: int, from_node: bool) -> None:
        super().__init__(message)
        self.status = status
        self.from_node = from_node


def _is_node_refusal(resp: httpx.Response) -> bool:
    """True if an error response is a node's typed refusal (`{"refusal": {"code", "message"}}`), read bounded."""
    body = b""
    for chunk in resp.iter_bytes():
        body += chunk
        if len(body) > REFUSAL_LIMIT:
            return False
    try:
        refusal = json.loads(body).get("refusal")
    except (ValueError, AttributeError):
        return False
    return isinstance(refusal, dict) and isinstance(refusal.get("code"), str)


def _date_ms(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(parsedate_to_datetime(value).timestamp() * 1000)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
