"""A real ``crmgate serve`` process on loopback, for the tests that need a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CRMGATE = Path(sys.executable).parent / "crmgate"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path | str, *extra: str, admin_token: str = "") -> None:
        self.db = db
        self.extra = list(extra)
        self.admin_token = admin_token
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [str(CRMGATE), "serve", "--port", str(self.port), "--db", str(self.db), *self.extra]
        env = os.environ | {"CRMGATE_ADMIN_TOKEN": self.admin_token}
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stderr=subprocess.PIPE)
        auth = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/__admin/health", headers=auth).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("crmgate serve did not come up")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what survives is what SQLite committed."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.communicate(timeout=20)

    def stop(self) -> bytes:
        assert self.proc is not None
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=20)
        return err


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """A real ``crmgate serve`` on loopback (admin calls allowed without a token)."""
    server = Server(tmp_path / "live.db")
    server.start()
    yield server.base
    server.stop()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "crmgate.db")
    server.start()
    yield server
    if server.proc and server.proc.poll() is None:
        server.stop()
