"""app.node.launcher: nodes bind port 0 themselves and report it; a restart keeps the port; an impostor is named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.node.config import load_config
from app.node.launcher import LaunchError, NodeProcess, NodeThread, bind_node_socket, wire_witnesses
from app.node.node import CONFIG_FILE, create_node


def test_a_thread_node_binds_port_0_and_reports_the_port_it_got(tmp_path: Path) -> None:
    create_node(tmp_path / "taxation", "taxation")
    config = load_config(tmp_path / "taxation" / CONFIG_FILE, environ={})
    assert config.port == 8600  # the configured port is not used: the launcher binds port 0
    with NodeThread(config) as served:
        assert served.port not in (0, 8600) and served.url == f"http://127.0.0.1:{served.port}"
        assert httpx.get(f"{served.url}/health", timeout=5).json()["origin"] == config.origin
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{served.url}/health", timeout=2)  # stopped: the port is given up


def test_a_process_node_keeps_its_port_across_a_restart_and_names_an_impostor(tmp_path: Path) -> None:
    for dept in ("taxation", "housing"):
        create_node(tmp_path / dept, dept)
    tax_path = tmp_path / "taxation" / CONFIG_FILE
    node = NodeProcess(tax_path, load_config(tax_path, environ={}))
    try:
        node.start()
        port = node.port
        node.stop()
        assert not node.answers()  # stopped, but the socket is still held: nobody else can take the port
        node.start()
        assert node.port == port and node.answers()
    finally:
        node.close()
    # Another node answering at the address a launcher expects its own node at is named, not mistaken for it.
    housing = load_config(tmp_path / "housing" / CONFIG_FILE, environ={})
    with NodeThread(housing) as other:
        impostor = NodeProcess(tax_path, load_config(tax_path, environ={}), bind_node_socket("127.0.0.1", 0))
        try:
            impostor.config = replace(impostor.config, port=other.port)
            with pytest.raises(LaunchError, match="answered by another server"):
                impostor.answers()
        finally:
            impostor.close()


def test_wired_nodes_witness_every_other_node_at_its_bound_url(tmp_path: Path) -> None:
    configs = []
    sockets = []
    for dept in ("taxation", "housing", "gas"):
        create_node(tmp_path / dept, dept)
        sockets.append(bind_node_socket("127.0.0.1", 0))
        config = load_config(tmp_path / dept / CONFIG_FILE, environ={})
        configs.append(replace(config, port=sockets[-1].getsockname()[1]))
    try:
        wired = wire_witnesses(configs)
        for config in wired:
            urls = {w.url for w in config.witnesses}
            others = {f"http://127.0.0.1:{c.port}" for c in configs if c.department != config.department}
            assert urls == others and len(config.witnessed) == 2
    finally:
        for sock in sockets:
            sock.close()
