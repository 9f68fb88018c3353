"""A throwaway PostgreSQL server for the tests and benchmarks (not a benchmark itself).

Debian's `postgresql` package (installed by `scripts/setup.sh --dev` when run as root) puts its
server binaries in /usr/lib/postgresql/<version>/bin. `TempPostgres` runs initdb in a fresh
temporary directory, starts the server with pg_ctl on a free loopback port (TCP only, trust
authentication, no fsync: it holds nothing worth keeping) and removes everything on stop. The
server refuses to run as root, so when we are root the cluster belongs to an unprivileged system
user (`postgres`, created by the Debian package; created here with useradd if missing) and the
directory is chowned to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

try:
    from ._common import free_port  # imported as benchmarks._postgres (the tests)
except ImportError:  # run as benchmarks/NAME.py: benchmarks/ is on sys.path
    from _common import free_port

SERVER_USER = "postgres"
INSTALL_HINT = ("`bash scripts/setup.sh --dev` as root installs Debian's postgresql; "
                "otherwise: sudo apt-get install -y postgresql")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here: the package is not installed."""


class PostgresFailed(RuntimeError):
    """The binaries are here but initdb or pg_ctl failed (a real failure, never a reason to skip)."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<ver>/bin with initdb and pg_ctl, else the one on PATH."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if versions:
        return Path(versions[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, pg_ctl) found; {INSTALL_HINT}")


def _server_user() -> str | None:
    """None when we are not root (the server runs as us); else an unprivileged user to run it as."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
                       check=True, capture_output=True)
    return SERVER_USER


class TempPostgres:
    """initdb + pg_ctl start in a temporary directory; `url(dbname)` for SQLAlchemy; `stop()` removes it."""

    def __init__(self, durable: bool = False) -> None:
        """durable=False (the tests): fsync off, nothing here is worth keeping. True: a production-like server."""
        self.durable = durable
        self.bindir = find_bindir()
        self.user = _server_user()
        self.dir = Path(tempfile.mkdtemp(prefix="indicators-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = free_port()
        self.superuser = "indicators"
        self.running = False
        if self.user:
            os.chmod(self.dir, 0o755)
            shutil.chown(self.dir, self.user, self.user)

    # ----------------------------------------------------------------- lifecycle

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        result = subprocess.run(cmd, user=self.user, capture_output=True, text=True, timeout=timeout,
                                cwd=self.dir, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise PostgresFailed(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
                                      f"\n{self.log_tail()}")
        return result

    def start(self) -> "TempPostgres":
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> "TempPostgres":
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", self.superuser, "--auth=trust", "--encoding=UTF8",
                      "--locale=C", "--no-sync")
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = ''\n"
                           "max_connections = 100\nshared_buffers = 32MB\n")
                if not self.durable:
                    conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        self.running = True
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop_server(self) -> None:
        """Stop the server process only (the cluster stays; `start()` brings it back)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "-t", "60", "restart")
        self.running = True
        self.wait_ready()

    def stop(self) -> None:
        """Stop the server and delete its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.stop_server()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # ----------------------------------------------------------------- databases

    def dsn(self, dbname: str) -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{dbname}"

    def url(self, dbname: str) -> str:
        """The URL as a user would write it (postgresql://); the store maps it to psycopg 3."""
        return self.dsn(dbname)

    def admin(self, sql: str, *params, dbname: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.dsn(dbname), autocommit=True) as conn:
            cur = conn.execute(sql, params or None)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> str:
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def terminate_backends(self, dbname: str) -> int:
        """pg_terminate_backend on every connection to `dbname` (a dropped connection, as a client sees it)."""
        rows = self.admin("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", dbname)
        return int(rows[0][0])
