"""A loopback port NUMBER for the few servers that must be told one, never handed out twice by this process.

    port = free_port()   # free a moment ago, outside the ephemeral range, not handed to anyone else by us

Every server govdesk writes binds its own socket and reports the port it got (app.node.launcher, outside
the ephemeral range read here; the tests' proxies at port 0): no port is chosen ahead for them, so no
other program can answer in their place.
This module is only for what truly needs a number before it starts:
- servers we do not write and that must listen on TCP (nginx, app.node.nginx): they are told a port, then
  confirm with a per-instance token that the server answering is theirs, and retry on another port if not;
- tests of a command-line option or setting that takes a port (`govdesk node serve --port`,
  GOVDESK_NODE_PORT), and addresses where nothing must listen (a dead database URL).
PostgreSQL listens on a Unix socket in its own directory (devtools.pg_cluster) and needs no port.

Ports are drawn outside the kernel's ephemeral range (`net.ipv4.ip_local_port_range`), from which every
outgoing connection takes its local port, and each is handed out once per process.
"""

from __future__ import annotations

import random
import socket
import threading
from pathlib import Path

_ATTEMPTS = 200
_LOWEST = 20_000
_HIGHEST = 65_000
_EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed: set[int] = set()
_lock = threading.Lock()
_random = random.SystemRandom()  # no state shared with forked children or with seeded test randomness


def ephemeral_range() -> range:
    """Return the kernel's range of local ports for outgoing connections (Linux's default if it cannot be read)."""
    try:
        low, high = (int(v) for v in _EPHEMERAL_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        low, high = 32_768, 60_999
    return range(low, high + 1)


def _candidate() -> int:
    """Return a bindable loopback port outside the ephemeral range (the kernel's `bind(0)` choice if none is)."""
    ephemeral = ephemeral_range()
    pools = [r for r in (range(_LOWEST, ephemeral.start), range(ephemeral.stop, _HIGHEST)) if len(r)]
    for _ in range(_ATTEMPTS if pools else 0):
        pool = _random.choices(pools, weights=[len(r) for r in pools])[0]
        port = _random.randrange(pool.start, pool.stop)
        if port not in _handed and _bindable(port):
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port() -> int:
    """Return a loopback port that was free a moment ago and that this process has not handed out before."""
    with _lock:
        for _ in range(_ATTEMPTS):
            port = _candidate()
            if port not in _handed:
                _handed.add(port)
                return port
    raise OSError("no loopback port left that this process has not handed out")


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
