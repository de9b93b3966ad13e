"""A throwaway PostgreSQL server for the tests, started from the machine's own binaries.

CI installs Debian's ``postgresql`` package; locally, tests that need PostgreSQL are skipped
with a clear reason when no server can be started.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """``initdb`` + ``pg_ctl`` in a temporary folder, trust auth on loopback only."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        pg_ctl = shutil.which("pg_ctl") or (bins[-1] if bins else None)
        if pg_ctl is None:
            raise PostgresUnavailable("no pg_ctl: install PostgreSQL (Debian: postgresql)")
        self.bindir = Path(pg_ctl).parent
        self.root = Path(tempfile.mkdtemp(prefix="crmgate-pg-"))
        self.port = _free_port()
        self.dsn = f"postgresql://crmgate@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and no 'postgres' user") from exc
            shutil.chown(self.root, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed: {result.stderr.strip()[-400:]}")

    def start(self) -> str:
        data = str(self.root / "data")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            data,
            "-U",
            "crmgate",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.ctl("start")
        return self.dsn

    def ctl(self, action: str) -> None:
        """``pg_ctl start``, ``stop`` or ``restart`` (fast shutdown), waiting until done."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.root / "data"),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-m",
            "fast",
            "-w",
            action,
        )

    def stop(self) -> None:
        subprocess.run(
            [
                *self._as,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)
