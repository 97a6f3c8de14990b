"""The loopback port allocator (for servers that must be told a port number) never promises one port twice."""

from __future__ import annotations

import socket

from app.loopback_ports import ephemeral_range, free_port


def test_free_port_never_hands_out_a_port_twice() -> None:
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert all(1024 <= p < 65536 for p in ports)


def test_ports_come_from_outside_the_range_outgoing_connections_use() -> None:
    ephemeral = ephemeral_range()
    assert len(ephemeral) > 1000  # read from the kernel (or its default)
    singles = [free_port() for _ in range(200)]
    assert not [p for p in singles if p in ephemeral]
    # An outgoing connection's local port is from the ephemeral range, so it can never sit on a promised port.
    with socket.create_server(("127.0.0.1", 0)) as server, socket.create_connection(server.getsockname(), 2) as client:
        assert client.getsockname()[1] in ephemeral
        assert client.getsockname()[1] not in singles
