"""The node's HTTP server (uvicorn, h11) with the guards a public service needs against slow and hostile clients.

- Header deadline: a connection must deliver a request's complete headers within `header_timeout_s` of
  connecting (or of its previous response); a client that trickles headers (slowloris) is cut.
- Per-client connections: at most `connections_per_client` open connections per client address; more are
  closed as they arrive, so one address cannot fill the server for everyone else.
- A bound on all connections (`max_connections`), answered 503 above it, and a keep-alive idle timeout.
- The body deadline is per request, in the service (`body_timeout_s`).
- TLS when the configuration names a certificate and key.

`node serve` and `node federation` both build their servers here, so every mode is guarded alike.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.node.config import NodeConfig

KEEP_ALIVE_S = 5
GRACEFUL_SHUTDOWN_S = 10


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline and a per-client connection limit (see the module doc)."""

    header_timeout_s: float = 10.0
    connections_per_client: int = 64
    open_per_client: ClassVar[dict[str, int]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._awaiting_after: object = None
        self._counted_as: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection against its client address; refuse it over the limit; start the header clock."""
        super().connection_made(transport)
        host = self.client[0] if self.client else "-"
        held = self.open_per_client.get(host, 0)
        if held >= self.connections_per_client:
            transport.close()
            return
        self.open_per_client[host] = held + 1
        self._counted_as = host
        self._start_header_clock()

    def _start_header_clock(self) -> None:
        self._stop_header_clock()
        self._awaiting_after = self.cycle  # headers are complete once a newer request cycle exists
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._header_deadline)

    def _stop_header_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline(self) -> None:
        self._header_timer = None
        if self.cycle is self._awaiting_after and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        """Feed h11; once a request's headers are complete, stop the header clock."""
        super().data_received(data)
        if self._header_timer is not None and self.cycle is not self._awaiting_after:
            self._stop_header_clock()

    def on_response_complete(self) -> None:
        """The next request on this connection gets its own header deadline."""
        if not self.transport.is_closing():
            self._start_header_clock()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock and give the client's connection slot back."""
        self._stop_header_clock()
        if self._counted_as is not None:
            left = self.open_per_client.get(self._counted_as, 1) - 1
            if left > 0:
                self.open_per_client[self._counted_as] = left
            else:
                self.open_per_client.pop(self._counted_as, None)
            self._counted_as = None
        super().connection_lost(exc)


def guarded_protocol(header_timeout_s: float, connections_per_client: int) -> type[GuardedH11Protocol]:
    """Return a protocol class with these limits and its own per-client counts (one class per server)."""
    return type(
        "NodeHttpProtocol",
        (GuardedH11Protocol,),
        {
            "header_timeout_s": header_timeout_s,
            "connections_per_client": connections_per_client,
            "open_per_client": {},
        },
    )


def server_config(app: Any, config: NodeConfig, *, access_log: bool = False, port: int | None = None) -> uvicorn.Config:
    """Return the uvicorn configuration of a node server: guarded HTTP/1.1, TLS if configured."""
    limits = config.limits
    tls: dict[str, Any] = {}
    if config.tls_cert_file:
        tls = {"ssl_certfile": config.tls_cert_file, "ssl_keyfile": config.tls_key_file}
    return uvicorn.Config(
        app,
        host=config.host,
        port=config.port if port is None else port,
        http=guarded_protocol(limits.header_timeout_s, limits.connections_per_client),
        log_config=None,
        access_log=access_log,
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        limit_concurrency=limits.max_connections,
        lifespan="on",
        **tls,
    )
