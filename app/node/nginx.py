"""nginx in front of a node's static tiles: the site configuration, and a private nginx for tests and benchmarks.

`render_site(root, listen)` is the one source of the site: `govdesk node nginx-site` prints it for operators
(packaging/nginx/govdesk-tiles.conf is its output for the default paths), and `NginxServer` runs Debian's
nginx with it, each instance with its own prefix directory (configuration, pid file, logs, temp paths). An
instance listens on a loopback TCP port (a C load generator such as wrk needs TCP) and, once started, proves
that the server answering there is itself: it serves a per-instance token, checked before use; on a mismatch
or a bind failure it retries on another port.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from app.loopback_ports import free_port

DEADLINE_S = 20
TOKEN_PATH = "/.govdesk-instance"
DEFAULT_ROOT = "/var/lib/govdesk/static/taxation"
DEFAULT_LISTEN = "8080"

SITE = r"""# nginx site: a node's static tiles (C2SP tlog-tiles), written by `govdesk node serve --static-dir`.
# Put it in /etc/nginx/sites-available/, set `listen` and `root` (the node's static_dir), enable, reload.
# The node's own HTTP keeps the write side (submissions, witnessing, proofs); offices list this site as the
# department's read URL and the node as its write URL (docs/node.md, "Static tiles").
server {
    listen {listen};
    root {root};
    server_tokens off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 1s;
    keepalive_requests 100000;

    # Temporary files of atomic writes start with a dot: never serve them.
    location ~ /\. {
        deny all;
    }
    # Replaced on every publish: readers may cache it only briefly.
    location = /checkpoint {
        default_type "text/plain; charset=utf-8";
        add_header Cache-Control "public, max-age=2" always;
    }
    # A partial tile never changes, but is removed once its tile is full.
    location ~ "^/tile/.+\.p/[0-9]+$" {
        add_header Cache-Control "public, max-age=3600" always;
    }
    # Full tiles and entry bundles are written once and never change.
    location /tile/ {
        add_header Cache-Control "public, max-age=31536000, immutable" always;
    }
    location / {
        return 404;
    }
}
"""


def render_site(root: str | os.PathLike[str] = DEFAULT_ROOT, listen: str = DEFAULT_LISTEN) -> str:
    """Return the nginx `server` block serving the static tiles under `root` on `listen`."""
    return SITE.replace("{listen}", listen).replace("{root}", str(root))


def nginx_binary() -> str:
    """The nginx executable (Debian package nginx, installed by scripts/setup)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        raise RuntimeError("nginx is missing: run scripts/setup (Debian package nginx)")
    return found


class NginxServer:
    """nginx serving `root` with the site of `render_site`, on a loopback port of its own (tests, benchmarks)."""

    def __init__(self, root: Path, *, workers: int = 1, access_log: bool = False) -> None:
        self.root = root
        self.prefix = Path(tempfile.mkdtemp(prefix="govdesk-nginx-"))
        self.token = secrets.token_hex(16)
        (self.prefix / "token").write_text(self.token)
        self.access_log = self.prefix / "access.log"
        self._workers = workers
        self._log_requests = access_log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        for _attempt in range(10):
            if self._start(free_port()):
                return
        raise RuntimeError(f"nginx did not start on any port\n{self._error_log()}")

    @property
    def url(self) -> str:
        """The base URL of the site."""
        return f"http://127.0.0.1:{self.port}"

    def _error_log(self) -> str:
        try:
            return (self.prefix / "error.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def _config(self, port: int) -> str:
        site = render_site(self.root, f"127.0.0.1:{port}")
        token = f"    location = {TOKEN_PATH} {{\n        alias {self.prefix / 'token'};\n    }}\n"
        site = site.replace("server {\n", "server {\n" + token, 1)
        temp = "\n".join(
            f"    {kind}_temp_path {self.prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        log = f"access_log {self.access_log};" if self._log_requests else "access_log off;"
        user = "user root;\n" if os.getuid() == 0 else ""  # workers must read the test's 0700 temp directories
        return (
            f"{user}worker_processes {self._workers};\npid {self.prefix / 'nginx.pid'};\n"
            f"error_log {self.prefix / 'error.log'} warn;\nevents {{ worker_connections 4096; }}\n"
            f"http {{\n    {log}\n{temp}\n{site}\n}}\n"
        )

    def _start(self, port: int) -> bool:
        conf = self.prefix / "nginx.conf"
        conf.write_text(self._config(port))
        self.proc = subprocess.Popen(
            [nginx_binary(), "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # most likely the port was taken: try another
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}{TOKEN_PATH}", timeout=1)
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            if answer.status_code == 200 and answer.text == self.token:
                self.port = port
                return True
            self.stop()  # another server answers on this port: not ours
            return False
        self.stop()
        return False

    def stop(self) -> None:
        """Stop nginx (fast shutdown) and wait for it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self) -> None:
        """Stop nginx and delete its prefix directory."""
        self.stop()
        shutil.rmtree(self.prefix, ignore_errors=True)
