"""`govdesk node`: create, run, enrol keys on, and federate department nodes."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from pathlib import Path

import uvicorn

from app.cli.enrolment_key import (
    NEW_KEY_SUITE,
    SUITE_CHOICES,
    EnrolmentKeyError,
    certified_public_key,
    enrolment_public_key,
)
from app.ledger.merkle import TREE_HASHES
from app.ledger.suites import key_id, suite_by_name
from app.node.config import ConfigError, NodeConfig, load_config, load_keys, override
from app.node.federation import FEDERATION_FILE, Federation, prepare_federation
from app.node.http_server import server_config
from app.node.jsonlog import configure_logging
from app.node.nginx import render_site
from app.node.node import CONFIG_FILE, Node, create_node, node_from_config
from app.node.service import build_app
from app.node.storage.interface import NodeStoreError
from app.node.worker_processes import HttpWorkers, listening_socket
from app.protocol.departments import UnknownDepartment, all_departments
from app.protocol.policy import SEAL, SEAL_SUITE, WINDOW
from app.protocol.refusals import Refusal

DEFAULT_HOME = "govdesk-nodes"


def _home(args: argparse.Namespace) -> Path:
    return Path(args.home or os.environ.get("GOVDESK_NODE_HOME") or DEFAULT_HOME)


def _add_location(p: argparse.ArgumentParser, *, department_required: bool = False) -> None:
    p.add_argument("--department", required=department_required, help="department id, e.g. taxation")
    p.add_argument(
        "--home",
        help=f"directory holding one sub-directory per node (default ${{GOVDESK_NODE_HOME}} or ./{DEFAULT_HOME})",
    )
    p.add_argument(
        "--config",
        type=Path,
        help="node configuration file (default: HOME/DEPARTMENT/node.json, or $GOVDESK_NODE_CONFIG)",
    )


def _load(args: argparse.Namespace) -> NodeConfig:
    path = args.config
    if path is None and not os.environ.get("GOVDESK_NODE_CONFIG"):
        if not args.department:
            raise ConfigError("name the node: --department ID, --config FILE or $GOVDESK_NODE_CONFIG")
        path = _home(args) / args.department / CONFIG_FILE
    config = load_config(path)
    if args.department and args.department != config.department:
        raise ConfigError(f"{path} configures department {config.department!r}, not {args.department!r}")
    return config


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `node` command and its subcommands."""
    node = sub.add_parser("node", help="run a department node: sequence, serve and witness ledger logs")
    node_sub = node.add_subparsers(dest="node_command", metavar="SUBCOMMAND", required=True)

    init = node_sub.add_parser("init", help="create a node: its keys, its configuration and its database")
    init.add_argument("--department", required=True, choices=[d.id for d in all_departments()])
    init.add_argument("--home", help=f"parent directory of the node's directory (default ./{DEFAULT_HOME})")
    init.add_argument("--db", help="database URL: postgresql://... or sqlite:///path (default: SQLite in the node dir)")
    init.add_argument("--host", default="127.0.0.1")
    init.add_argument("--port", type=int, default=8600)
    init.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="signature suite of the node's keys (default sm2-sm3)",
    )
    init.add_argument(
        "--tree-hash",
        choices=sorted(TREE_HASHES),
        help="the log's Merkle tree hash, fixed for its life (default: sm3 with the sm2-sm3 suite, else sha256)",
    )
    init.set_defaults(func=run_init)

    serve = node_sub.add_parser("serve", help="serve a node over HTTP (configuration file, then GOVDESK_NODE_*)")
    _add_location(serve)
    serve.add_argument("--db", help="database URL (overrides the configuration)")
    serve.add_argument("--host", help="listen address (overrides the configuration)")
    serve.add_argument("--port", type=int, help="listen port (overrides the configuration)")
    serve.add_argument("--access-log", action="store_true", help="also log every request")
    serve.add_argument(
        "--static-dir", type=Path, help="also write checkpoint, tiles and entry bundles here for a web server (nginx)"
    )
    _add_tls(serve)
    serve.add_argument(
        "--verify-processes",
        type=int,
        help="processes verifying entry signatures (default: the configuration's, else one per CPU core; 0: none)",
    )
    serve.add_argument(
        "--listen-fd", type=int, help="serve on this inherited, already listening socket (instead of binding one)"
    )
    serve.add_argument(
        "--http-processes",
        type=int,
        default=1,
        help="HTTP worker processes sharing the listening socket, feeding this process's one sequencer "
        "(PostgreSQL only; default 1: everything in this process)",
    )
    serve.add_argument("--sequencer-socket", type=Path, help=argparse.SUPPRESS)  # set for the HTTP workers
    serve.set_defaults(func=run_serve)

    enroll = node_sub.add_parser(
        "enroll",
        help="enrol a device, clerk, supervisor, window or seal key in the node's registry (signed by its department)",
    )
    _add_location(enroll)
    enroll.add_argument(
        "--role",
        required=True,
        choices=["supervisor", "clerk", "device", WINDOW, SEAL],
        help=f"{WINDOW}: a service hall's comprehensive-window (一窗受理) clerk, enrolled beside their home "
        "department's enrolment, who may then accept this department's cases (open, verify-documents) and "
        "nothing else",
    )
    enroll.add_argument("--subject", required=True, help="who holds the key, e.g. office-03/counter-02")
    key = enroll.add_mutually_exclusive_group(required=True)
    key.add_argument("--public-key", help="the public key to enrol, in hex (Ed25519: 32 bytes; SM2: 65, 04||x||y)")
    enroll.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="the key's signature suite (default sm2-sm3; ed25519 for a key made so)",
    )
    key.add_argument("--new-key", type=Path, help="draw a new key in --suite, write its key file (mode 0600)")
    key.add_argument(
        "--certificate",
        type=Path,
        help="an SM2 certificate (PEM or DER): enrol its key with it (the seal holder's certificate for --role seal)",
    )
    enroll.set_defaults(func=run_enroll)

    revoke = node_sub.add_parser("revoke", help="revoke a key of the node's registry")
    _add_location(revoke)
    revoke.add_argument("--kid", required=True, help="key id in hex")
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(func=run_revoke)

    site = node_sub.add_parser("nginx-site", help="print the nginx site that serves a node's static tiles")
    site.add_argument("--static-dir", type=Path, required=True, help="the node's static directory (its root)")
    site.add_argument("--listen", default="8080", help="nginx listen address (default 8080)")
    site.set_defaults(func=run_nginx_site)

    fed = node_sub.add_parser("federation", help="start all 11 department nodes on loopback, witnessing each other")
    fed.add_argument("--dir", type=Path, default=Path("govdesk-federation"), help="where the nodes live")
    fed.add_argument(
        "--base-port",
        type=int,
        help="ports for new nodes: consecutive from this one (default: each node binds a free port itself); a node "
        "keeps the port it published unless another program took it",
    )
    fed.add_argument("--postgres", help="PostgreSQL server URL: one database per department (default: SQLite)")
    fed.add_argument("--duration", type=float, help="stop after this many seconds (default: until Ctrl-C)")
    fed.add_argument(
        "--suite",
        choices=SUITE_CHOICES,
        default=NEW_KEY_SUITE,
        help="signature suite of new nodes: the national SM2/SM3 (default) or ed25519",
    )
    fed.add_argument(
        "--tree-hash",
        choices=sorted(TREE_HASHES),
        help="Merkle tree hash of new nodes' logs (default: sm3 with the sm2-sm3 suite, else sha256)",
    )
    _add_tls(fed)
    fed.set_defaults(func=run_federation)


def _add_tls(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate chain (PEM)")
    p.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    p.add_argument("--peer-ca", type=Path, help="CA certificate (PEM) that witnesses' HTTPS certificates chain to")


def _tls_settings(args: argparse.Namespace) -> dict[str, str | None]:
    """The TLS settings the command line gives; a certificate needs its key."""
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    for path in (args.tls_cert, args.tls_key, args.peer_ca):
        if path is not None and not path.is_file():
            raise ConfigError(f"{path} is not a file")
    resolved = {
        "tls_cert_file": str(args.tls_cert.resolve()) if args.tls_cert else None,
        "tls_key_file": str(args.tls_key.resolve()) if args.tls_key else None,
        "peer_ca_file": str(args.peer_ca.resolve()) if args.peer_ca else None,
    }
    return {k: v for k, v in resolved.items() if v is not None}


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_init(args: argparse.Namespace) -> int:
    """Create a node directory."""
    directory = _home(args) / args.department
    try:
        config = create_node(
            directory,
            args.department,
            db_url=args.db,
            host=args.host,
            port=args.port,
            suite=args.suite,
            tree_hash=args.tree_hash,
        )
    except (FileExistsError, NodeStoreError, UnknownDepartment) as exc:
        return _fail(str(exc))
    keys = load_keys(Path(config.keys_file))
    print(f"created node {config.department} in {directory}")
    print(f"origin        {config.origin}")
    print(f"suite         {keys.suite}")
    print(f"tree hash     {config.tree_hash}")
    print(f"log vkey      {keys.log_vkey}")
    print(f"witness vkey  {keys.witness_vkey}")
    print(f"department    kid {keys.department_kid.hex()} (enrolled at index 0)")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve one node until interrupted."""
    try:
        static_dir = str(args.static_dir.resolve()) if args.static_dir else None
        verify_processes = args.verify_processes
        if verify_processes is not None and not 0 <= verify_processes <= 64:
            raise ConfigError("--verify-processes must be 0..64")
        config = override(
            _load(args), db_url=args.db, host=args.host, port=args.port, static_dir=static_dir, **_tls_settings(args)
        )
        if verify_processes is None and config.verify_processes is None:
            verify_processes = os.cpu_count() or 1  # production default: signatures verified on every core
        config = override(config, verify_processes=verify_processes)
        if not 1 <= args.http_processes <= 64:
            raise ConfigError("--http-processes must be 1..64")
        if args.http_processes > 1 and not config.db_url.startswith("postgresql"):
            raise ConfigError("--http-processes above 1 needs a PostgreSQL node; an SQLite node keeps one process")
        if args.http_processes > 1:
            config = override(config, verify_processes=0)
        node = node_from_config(config, sequencer_socket=args.sequencer_socket)
    except (ConfigError, NodeStoreError) as exc:
        return _fail(str(exc))
    configure_logging(config.log_level)
    if args.http_processes > 1:
        return _serve_with_workers(node, config, args)
    server = uvicorn.Server(server_config(build_app(node), config, access_log=args.access_log))
    if args.listen_fd is None:
        server.run()
        return 0
    # A listening socket bound by the process that started this node (it wired the node's peers to its port):
    # the port was held from the bind on, so no other program can be answering there.
    try:
        sock = socket.socket(fileno=args.listen_fd)
    except OSError as exc:
        return _fail(f"--listen-fd {args.listen_fd} is not a socket: {exc}")
    with sock:
        server.run(sockets=[sock])
    return 0


def _serve_with_workers(node: Node, config: NodeConfig, args: argparse.Namespace) -> int:
    """Sequence here; serve HTTP from `--http-processes` worker processes on one listening socket."""
    try:
        sock = socket.socket(fileno=args.listen_fd) if args.listen_fd is not None else None
    except OSError as exc:
        return _fail(f"--listen-fd {args.listen_fd} is not a socket: {exc}")
    try:
        sock = sock or listening_socket(config.host, config.port)
    except OSError as exc:
        return _fail(f"cannot listen on {config.host}:{config.port}: {exc}")
    with sock:
        HttpWorkers(node, config, sock, args.http_processes, access_log=args.access_log).run()
    return 0


def run_enroll(args: argparse.Namespace) -> int:
    """Enrol a key; print its key id and the registry entry's index as JSON."""
    try:
        node = node_from_config(_load(args))
    except (ConfigError, NodeStoreError) as exc:
        return _fail(str(exc))
    suite = suite_by_name(SEAL_SUITE if args.certificate is not None else args.suite)
    certificate = None
    try:
        if args.certificate is not None:
            certificate, public_key = certified_public_key(args.certificate)
        elif args.role == SEAL:
            raise EnrolmentKeyError("a seal key is enrolled with its certificate: --certificate")
        else:
            public_key = enrolment_public_key(args.new_key, args.public_key, suite)
    except EnrolmentKeyError as exc:
        return _fail(str(exc))
    try:
        node.open()
        index = node.enroll(public_key, args.role, args.subject, suite.name, certificate)
    except Refusal as refusal:
        return _fail(str(refusal))
    finally:
        node.stop()
    kid = key_id(suite, public_key)
    print(json.dumps({"kid": kid.hex(), "public_key": public_key.hex(), "role": args.role, "index": index}))
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a key; print the registry entry's index as JSON."""
    try:
        node = node_from_config(_load(args))
        kid = bytes.fromhex(args.kid)
    except (ConfigError, NodeStoreError, ValueError) as exc:
        return _fail(str(exc))
    try:
        node.open()
        index = node.revoke(kid, args.reason)
    except Refusal as refusal:
        return _fail(str(refusal))
    finally:
        node.stop()
    print(json.dumps({"kid": kid.hex(), "index": index}))
    return 0


def run_nginx_site(args: argparse.Namespace) -> int:
    """Print the nginx site configuration for a static directory."""
    if any(c in str(args.static_dir) + args.listen for c in ";{}\n\"'"):
        return _fail("--static-dir and --listen must not hold ; { } quotes or newlines")
    print(render_site(args.static_dir.resolve(), args.listen), end="")
    return 0


def run_federation(args: argparse.Namespace) -> int:
    """Start the 11 nodes, print where they listen, serve until Ctrl-C or --duration."""
    try:
        tls = _tls_settings(args)
        if tls.get("tls_cert_file") and "peer_ca_file" not in tls:
            tls["peer_ca_file"] = tls["tls_cert_file"]  # one self-signed certificate for every node: it is the anchor
        configs = prepare_federation(
            args.dir,
            base_port=args.base_port,
            postgres_url=args.postgres,
            publish=False,
            suite=args.suite,
            tls=tls,
            tree_hash=args.tree_hash,
        )
    except (ConfigError, NodeStoreError) as exc:
        return _fail(str(exc))
    configure_logging("WARNING")
    federation = Federation(configs, args.dir)
    federation.start()  # each node binds its own port; federation.json then lists the ports they got
    for c in federation.configs:
        print(f"{c.department:<20} {c.scheme}://{c.host}:{c.port}  {c.origin}", flush=True)
    print(f"federation of {len(configs)} nodes; keys and URLs in {args.dir / FEDERATION_FILE}", flush=True)
    try:
        federation.wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        federation.stop()
    return 0
