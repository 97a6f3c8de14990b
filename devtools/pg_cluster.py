"""A PostgreSQL cluster a test owns outright: its own data directory, listening only on a Unix socket in
that directory (no TCP port, so nothing else on the machine can answer in its place), and under the
test's control: stop, restart, SIGKILL, promote, and a streaming standby made with pg_basebackup.

PostgreSQL refuses to run as root, and CI runs as root: then every server program runs as the
`postgres` OS user through `runuser`, on a directory under /tmp that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

DEADLINE_S = 30
SOCKET_PORT = 5432  # only names the socket file `.s.PGSQL.5432` inside the cluster's own directory


def pg_bindir() -> Path:
    """Return the directory of the newest installed PostgreSQL's server programs."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    assert pg_ctl, "PostgreSQL's server programs are missing: run scripts/setup (Debian package postgresql)"
    return Path(pg_ctl).parent


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else argv


class PgCluster:
    """One PostgreSQL cluster in a directory of its own."""

    def __init__(self, name: str, settings: dict[str, str] | None = None) -> None:
        self.home = Path(tempfile.mkdtemp(prefix=f"govdesk-pg-{name}-"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        self.settings = settings or {}
        self.bindir = pg_bindir()
        if os.getuid() == 0:
            shutil.chown(self.home, "postgres")
        self.home.chmod(0o700)

    # --- addresses ---------------------------------------------------------------------------
    @property
    def socket_dir(self) -> str:
        """The directory holding the server's Unix socket."""
        return str(self.home)

    def url(self, dbname: str = "postgres") -> str:
        """A postgresql:// URL reaching this cluster through its socket, as the `postgres` role."""
        return f"postgresql://postgres@/{dbname}?host={self.home}&port={SOCKET_PORT}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """A key=value connection string for this cluster."""
        return f"host={self.home} port={SOCKET_PORT} user=postgres dbname={dbname}"

    # --- life cycle --------------------------------------------------------------------------
    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _as_postgres([str(self.bindir / argv[0]), *argv[1:]]),
            capture_output=True,
            text=True,
            cwd="/",
            check=False,
        )

    def _check(self, *argv: str) -> None:
        done = self._run(*argv)
        assert done.returncode == 0, f"{argv[0]} failed: {done.stdout}{done.stderr}{self._log_tail()}"

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def _options(self) -> str:
        base = {"listen_addresses": "''", "unix_socket_directories": f"'{self.home}'", "port": str(SOCKET_PORT)}
        base.update(self.settings)
        return " ".join(f"-c {k}={v}" for k, v in base.items())

    def initdb(self) -> PgCluster:
        """Create the cluster (trust authentication: only this directory's socket reaches it)."""
        self._check("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> PgCluster:
        """Start the server and wait until it accepts connections."""
        self._check("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w", "start")
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """Poll until the server answers a query."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                with psycopg.connect(self.conninfo(), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                assert time.monotonic() < deadline, f"PostgreSQL did not come up\n{self._log_tail()}"
                time.sleep(0.05)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast` disconnects clients at once)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every client connection is cut."""
        self._check(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-m", "fast", "-w", "restart"
        )
        self.wait_ready()

    def postmaster_pid(self) -> int:
        """The PID of the running postmaster."""
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    def sigkill(self) -> None:
        """SIGKILL the postmaster, as a machine failure would end it (its backends follow)."""
        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + DEADLINE_S
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            assert time.monotonic() < deadline, "the postmaster did not die"
            time.sleep(0.02)

    def promote(self) -> None:
        """Promote a standby to primary and wait until it accepts writes."""
        self._check("pg_ctl", "-D", str(self.data), "-w", "promote")
        deadline = time.monotonic() + DEADLINE_S
        while True:
            with psycopg.connect(self.conninfo(), autocommit=True) as conn:
                if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    return
            assert time.monotonic() < deadline, "the standby was not promoted"
            time.sleep(0.05)

    def execute(self, sql: str) -> None:
        """Run one statement as the superuser, in autocommit."""
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(sql)

    def standby(self, name: str, application_name: str) -> PgCluster:
        """Make a streaming standby of this cluster with pg_basebackup (not started)."""
        replica = PgCluster(name, dict(self.settings))
        replica._check(
            "pg_basebackup",
            "-D",
            str(replica.data),
            "-h",
            self.socket_dir,
            "-p",
            str(SOCKET_PORT),
            "-U",
            "postgres",
            "-X",
            "stream",
            "-c",
            "fast",
            "-R",
            "-d",
            f"{self.conninfo()} application_name={application_name}",
        )
        return replica

    def remove(self) -> None:
        """Stop the server (immediate) and delete the cluster."""
        self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)
