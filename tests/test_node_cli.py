"""`govdesk node`: init, enroll, revoke, configuration from file and environment, JSON logs from
`serve`, and the 11-node federation with every node witnessing the others."""

from __future__ import annotations

import configparser
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.cli.main import build_parser, main
from app.ledger.checkpoint import open_checkpoint
from app.ledger.entry import decode_entry
from app.ledger.suites import ED25519
from app.loopback_ports import free_port
from app.node import node as node_module
from app.node.config import ENV_PREFIX, ENV_SETTINGS, ConfigError, load_config, load_keys
from app.node.node import node_from_config
from app.node.storage.interface import NodeStoreError
from app.node.storage.open import open_store
from app.protocol.departments import all_departments

REPO = Path(__file__).resolve().parents[1]
DEADLINE_S = 40


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A node home with an initialised taxation node."""
    assert main(["node", "init", "--department", "taxation", "--home", str(tmp_path)]) == 0
    return tmp_path


def test_departments_data_file_lists_eleven_departments_with_origins() -> None:
    departments = all_departments()
    assert len(departments) == 11 and len({d.id for d in departments}) == 11
    doc = json.loads((REPO / "resources" / "departments.json").read_text(encoding="utf-8"))
    assert isinstance(doc["departments"], list)
    for d in departments:
        assert d.id.isascii() and d.origin == f"{d.id}.ledger.beijing.gov.cn" and d.name_zh and d.name_en


def test_init_creates_keys_config_and_enrols_the_department_key(home: Path, capsys) -> None:
    node_dir = home / "taxation"
    assert (node_dir / "node.keys").stat().st_mode & 0o777 == 0o600
    config = load_config(node_dir / "node.json", environ={})
    assert config.origin == "taxation.ledger.beijing.gov.cn"
    assert "PRIVATE" not in (node_dir / "node.json").read_text()
    node = node_from_config(config)
    first = decode_entry(node.store.entries(0, 1)[0])
    node.stop()
    assert first.entry.type == "registry.enroll" and first.entry.body["role"] == "department"
    assert first.kid == load_keys(Path(config.keys_file)).department_kid
    assert main(["node", "init", "--department", "taxation", "--home", str(home)]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["node", "init", "--department", "atlantis", "--home", str(home)])


def test_init_against_an_unreachable_database_leaves_nothing_behind_and_can_be_retried(tmp_path: Path, capsys) -> None:
    dead = f"postgresql://govdesk@127.0.0.1:{free_port()}/nowhere?connect_timeout=2"
    assert main(["node", "init", "--department", "gas", "--home", str(tmp_path), "--db", dead]) != 0
    assert capsys.readouterr().err.strip()  # said why, in words
    assert not (tmp_path / "gas" / "node.json").exists() and not (tmp_path / "gas" / "node.keys").exists()
    assert main(["node", "init", "--department", "gas", "--home", str(tmp_path)]) == 0


def test_a_failure_after_the_key_was_logged_keeps_the_key(tmp_path: Path, monkeypatch) -> None:
    """Once entry 0 may enrol the department key, a later failure (here: interrupted right after bootstrap
    committed) must not delete the key file: the log would name a key nobody holds any more."""
    real = node_module.Node.bootstrap

    def interrupted(self) -> None:
        real(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(node_module.Node, "bootstrap", interrupted)
    with pytest.raises(KeyboardInterrupt):
        node_module.create_node(tmp_path / "gas", "gas")
    keys = load_keys(tmp_path / "gas" / "node.keys")
    node = node_from_config(load_config(tmp_path / "gas" / "node.json", environ={}))
    first = decode_entry(node.store.entries(0, 1)[0])
    node.stop()
    assert first.entry.body["kid"] == keys.department_kid


def test_a_second_node_on_a_database_that_already_holds_a_log_is_refused(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'shared.db'}"
    node_module.create_node(tmp_path / "first", "gas", db_url=db)
    with pytest.raises(NodeStoreError, match="another department key"):
        node_module.create_node(tmp_path / "second", "gas", db_url=db)


def test_enroll_and_revoke_from_the_command_line(home: Path, capsys) -> None:
    key_file = home / "device.key"
    args = ["node", "enroll", "--department", "taxation", "--home", str(home), "--role", "device", "--suite", "ed25519"]
    assert main([*args, "--subject", "counter-01", "--new-key", str(key_file)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["index"] == 1 and key_file.stat().st_mode & 0o777 == 0o600
    assert ED25519.signer(bytes.fromhex(key_file.read_text().strip())).public_key.hex() == out["public_key"]
    public = ED25519.signer(os.urandom(32)).public_key.hex()
    assert main([*args, "--subject", "counter-02", "--public-key", public]) == 0
    assert json.loads(capsys.readouterr().out)["index"] == 2
    assert main([*args, "--subject", "x", "--public-key", "zz"]) == 2
    assert main([*args, "--subject", "x", "--public-key", "ab" * 31]) == 2
    revoke = [
        "node",
        "revoke",
        "--department",
        "taxation",
        "--home",
        str(home),
        "--kid",
        out["kid"],
        "--reason",
        "lost",
    ]
    assert main(revoke) == 0
    assert json.loads(capsys.readouterr().out)["index"] == 3
    # a revoked key cannot be enrolled again
    assert main([*args, "--subject", "again", "--public-key", out["public_key"]]) == 2
    assert "revoked_signer" in capsys.readouterr().err
    assert main(["node", "enroll", "--role", "device", "--subject", "s", "--public-key", public]) == 2


def test_configuration_file_then_environment(home: Path, tmp_path: Path) -> None:
    path = home / "taxation" / "node.json"
    env = {"GOVDESK_NODE_CONFIG": str(path), "GOVDESK_NODE_PORT": "9123", "GOVDESK_NODE_HOST": "0.0.0.0"}
    config = load_config(environ=env)
    assert (config.port, config.host) == (9123, "0.0.0.0")
    assert load_config(path, environ={"GOVDESK_NODE_DB": "postgresql://db/x"}).db_url == "postgresql://db/x"
    with pytest.raises(ConfigError):
        load_config(path, environ={"GOVDESK_NODE_PORT": "eighty"})
    with pytest.raises(ConfigError):
        load_config(environ={})
    raw = json.loads(path.read_text())
    bad_docs = [
        {**raw, "version": 2},
        {**raw, "surprise": 1},
        {**raw, "port": 70000},
        {**raw, "port": True},
        {**raw, "limits": {"max_body_bytes": -1}},
        {**raw, "limits": {"unknown": 1}},
        {**raw, "witnesses": [{"name": "x"}]},
        {k: v for k, v in raw.items() if k != "origin"},
        [],
    ]
    for i, doc in enumerate(bad_docs):
        bad = tmp_path / f"bad{i}.json"
        bad.write_text(json.dumps(doc))
        with pytest.raises(ConfigError):
            load_config(bad, environ={})
    (tmp_path / "garbage.json").write_text("{not json")
    with pytest.raises(ConfigError):
        load_config(tmp_path / "garbage.json", environ={})


def test_serve_takes_environment_settings_and_logs_json(home: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "GOVDESK_NODE_CONFIG": str(home / "taxation" / "node.json"), "GOVDESK_NODE_PORT": str(port)}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "node", "serve"], cwd=REPO, env=env, stderr=log)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        assert health["department"] == "taxation" and health["size"] == 1
        assert httpx.post(f"http://127.0.0.1:{port}/add-entries", content=b"x").status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=DEADLINE_S)
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    refusal = [r for r in records if r["event"] == "refusal"]
    assert refusal and refusal[0]["code"] == "unauthenticated" and refusal[0]["reason"]
    assert any(r["event"] == "node_started" for r in records)
    assert all({"ts", "level", "logger", "event"} <= set(r) for r in records)


def test_federation_starts_eleven_nodes_that_witness_each_other(tmp_path: Path) -> None:
    fed_dir = tmp_path / "fed"  # no ports given: each node binds its own, federation.json lists them
    cmd = ["node", "federation", "--dir", str(fed_dir), "--duration", "40"]
    log_path = tmp_path / "fed.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", *cmd], cwd=REPO, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + DEADLINE_S
        while not (fed_dir / "federation.json").exists() or "federation of 11 nodes" not in log_path.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.2)
        nodes = json.loads((fed_dir / "federation.json").read_text())["nodes"]
        assert len(nodes) == 11 and len({n["url"] for n in nodes}) == 11
        assert not any(n["url"].endswith(":0") for n in nodes)  # the ports the nodes got, not the ones they asked
        taxation = next(n for n in nodes if n["department"] == "taxation")
        witnesses = [n["witness_vkey"] for n in nodes if n is not taxation]
        while True:
            response = httpx.get(taxation["url"] + "/checkpoint", timeout=5)
            text = response.text
            if response.status_code == 200:  # 404 until the node published its first checkpoint
                signed = open_checkpoint(text, taxation["origin"], taxation["log_vkey"], witnesses)
                if len(signed.note.cosigned_at) == 10:
                    break
            assert time.monotonic() < deadline, f"no checkpoint with 10 cosignatures: {text}"
            time.sleep(0.3)
        for n in nodes:
            health = httpx.get(n["url"] + "/health", timeout=5).json()
            assert (health["origin"], health["log_vkey"]) == (n["origin"], n["log_vkey"])
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=DEADLINE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("url", ["", "sqlite:", "user=postgres dbname=x host=127.0.0.1", "mysql://db/x"])
def test_store_urls_that_are_not_databases_are_refused(url: str) -> None:
    with pytest.raises(NodeStoreError):
        open_store(url)


def test_the_shipped_systemd_unit_runs_a_command_govdesk_accepts() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((REPO / "packaging/systemd/govdesk-node@.service").read_text())
    argv = shlex.split(unit["Service"]["ExecStart"].replace("%i", "taxation"))
    assert argv[0] == "/usr/bin/govdesk"
    args = build_parser().parse_args(argv[1:])
    assert args.func.__name__ == "run_serve" and args.department == "taxation"
    for line in unit["Service"]["Environment"].split("\n"):
        name = line.split("=", 1)[0]
        assert name.removeprefix(ENV_PREFIX) in ENV_SETTINGS, name


def _unit_lines(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit's settings by section, each with every value it is given (Exec lines may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (REPO / "packaging/systemd" / name).read_text().splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line and not line.startswith("#"):
            key, value = line.split("=", 1)
            current.setdefault(key, []).append(value)
    return sections


def test_the_shipped_issue_results_timer_runs_commands_govdesk_accepts() -> None:
    timer = _unit_lines("govdesk-issue-results@.timer")["Timer"]
    assert timer["OnUnitActiveSec"] and timer["Persistent"] == ["yes"]
    service = _unit_lines("govdesk-issue-results@.service")["Service"]
    assert service["Type"] == ["oneshot"] and service["StandardInput"] == ["file:%d/password"]
    assert service["LoadCredential"][0].startswith("password:")  # the password never sits in the unit or on argv
    commands = []
    for key in ("ExecStartPre", "ExecStart", "ExecStartPost"):
        for line in service[key]:
            argv = shlex.split(line.replace("%i", "banking-insurance").replace("${GOVDESK_RECORDS_USER}", "officer"))
            assert argv[0] == "/usr/bin/govdesk" and "--password-stdin" in argv
            commands.append(build_parser().parse_args(argv[1:]))
    assert [c.func.__name__ for c in commands] == ["run_sync", "run_issue_results", "run_sync", "run_deliver_results"]
    assert all(c.once for c in commands if c.func.__name__ == "run_sync")
    assert {c.department for c in commands if c.func.__name__ != "run_sync"} == {"banking-insurance"}
    assert {c.office for c in commands} == {Path("/var/lib/govdesk/records/banking-insurance")}


def test_nginx_site_prints_the_shipped_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    govdesk = main
    assert govdesk(["node", "nginx-site", "--static-dir", "/var/lib/govdesk/static/taxation"]) == 0
    assert capsys.readouterr().out == (REPO / "packaging/nginx/govdesk-tiles.conf").read_text()
    assert govdesk(["node", "nginx-site", "--static-dir", str(tmp_path / "a;b")]) != 0
    assert govdesk(["node", "nginx-site", "--static-dir", str(tmp_path), "--listen", "80; include /etc/x"]) != 0
