"""Loopback ports for servers this process starts (node processes, test proxies), never handed out twice.

    port = free_port()            # free a moment ago, and not handed to anyone else by this process
    first = free_port_block(11)   # 11 consecutive such ports (a demo federation), `preferred` if it can be
    sock = bind_listener()        # a listening loopback socket on such a port

`bind(("127.0.0.1", 0))` alone is not enough when a process picks several ports before the servers that use
them start: the kernel may give a later `bind(0)` (a proxy's, say) a port already promised to a node that has
not bound it yet. The proxy then answers in the node's place. Every port handed out here is remembered, so no
two servers of this process are promised the same port.

Ports are drawn outside the kernel's ephemeral range (`net.ipv4.ip_local_port_range`), from which every
outgoing connection takes its local port: a node of a demo federation that was still starting found its port
held by another node's connection attempt to a witness ("address already in use"), which `bind(0)` ports
invited. Below the range (from 20000, clear of the usual service ports) nothing takes a port unasked.
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


def _outside_ephemeral(ports: range) -> bool:
    ephemeral = ephemeral_range()
    return ports.stop <= ephemeral.start or ports.start >= ephemeral.stop


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


def free_port_block(count: int, preferred: int | None = None) -> int:
    """Return the first of `count` consecutive loopback ports, each free a moment ago and never handed out by this
    process before, outside the ephemeral range (`preferred` if that block qualifies, else a random one)."""
    with _lock:
        candidates = ([preferred] if preferred is not None else []) + [None] * _ATTEMPTS
        for first in candidates:
            first = _candidate() if first is None else first
            block = range(first, first + count)
            if (
                block.stop < _HIGHEST
                and _outside_ephemeral(block)
                and not _handed.intersection(block)
                and all(_bindable(p) for p in block)
            ):
                _handed.update(block)
                return first
    raise OSError(f"no {count} consecutive free loopback ports")


def bind_listener(backlog: int = 64, host: str = "127.0.0.1") -> socket.socket:
    """Return a socket listening on `host` at a port from `free_port` (retrying if another process took it)."""
    for _ in range(_ATTEMPTS):
        port = free_port()
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            continue
        sock.listen(backlog)
        return sock
    raise OSError("could not bind a loopback listener")
