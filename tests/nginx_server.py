"""nginx (Debian's) serving a node's static tiles with the site shipped in packaging/nginx/, for tests and benchmarks.

Each instance has its own prefix directory (configuration, pid file, logs, temp paths). It listens on a
loopback TCP port (a C load generator such as wrk needs TCP) and, once started, proves that the server
answering on that port is this instance: it serves a per-instance token, which is checked before use; on a
mismatch or a bind failure it retries on another port.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from app.loopback_ports import free_port

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "packaging" / "nginx" / "govdesk-tiles.conf"
DEADLINE_S = 20
TOKEN_PATH = "/.govdesk-instance"


def nginx_binary() -> str:
    """The nginx executable (Debian package nginx, installed by scripts/setup)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    assert found, "nginx is missing: run scripts/setup (Debian package nginx)"
    return found


class NginxServer:
    """nginx serving `root` with the shipped site configuration, on a loopback port of its own."""

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
        raise AssertionError(f"nginx did not start on any port\n{self._error_log()}")

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
        site = SITE.read_text()
        site = re.sub(r"(?m)^    listen .*;$", f"    listen 127.0.0.1:{port};", site)
        site = re.sub(r"(?m)^    root .*;$", f"    root {self.root};", site)
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
