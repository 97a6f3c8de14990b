"""The loopback port allocator never promises one port to two servers of this process."""

from __future__ import annotations

import socket

import pytest

from app.loopback_ports import bind_listener, ephemeral_range, free_port, free_port_block


def test_free_port_never_hands_out_a_port_twice() -> None:
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert all(1024 <= p < 65536 for p in ports)


def test_a_listener_never_takes_a_port_promised_to_a_server_that_has_not_bound_it_yet() -> None:
    promised = {free_port() for _ in range(100)}  # e.g. nodes configured but not started yet
    listeners = [bind_listener() for _ in range(100)]
    try:
        taken = {s.getsockname()[1] for s in listeners}
        assert not taken & promised
        with socket.create_connection(("127.0.0.1", listeners[0].getsockname()[1]), timeout=2):
            pass  # it is listening
    finally:
        for s in listeners:
            s.close()


def test_a_block_of_consecutive_ports_overlaps_nothing_handed_out_before() -> None:
    singles = {free_port() for _ in range(50)}
    first = free_port_block(11)
    block = set(range(first, first + 11))
    assert not block & singles
    second = free_port_block(11, preferred=first)  # the preferred block is taken (by us): another one is chosen
    assert second != first and not set(range(second, second + 11)) & block
    assert not {free_port() for _ in range(50)} & (block | set(range(second, second + 11)))


def test_a_block_that_cannot_exist_is_refused_in_words() -> None:
    with pytest.raises(OSError, match="no 70000 consecutive free loopback ports"):
        free_port_block(70_000)


def test_ports_come_from_outside_the_range_outgoing_connections_use() -> None:
    ephemeral = ephemeral_range()
    assert len(ephemeral) > 1000  # read from the kernel (or its default)
    singles = [free_port() for _ in range(200)]
    blocks = [free_port_block(11) for _ in range(5)]
    assert not [p for p in singles if p in ephemeral]
    assert not [f for f in blocks if set(range(f, f + 11)) & set(ephemeral)]
    # An outgoing connection's local port is from the ephemeral range, so it can never sit on a promised port.
    with bind_listener() as server, socket.create_connection(server.getsockname(), timeout=2) as client:
        assert client.getsockname()[1] in ephemeral
        assert client.getsockname()[1] not in singles
