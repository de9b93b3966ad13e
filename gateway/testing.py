"""crmgate from a test suite: a server process, and a client bound to one sandbox of it.

``gateway.pytest_plugin`` builds its fixtures from these; they work without pytest too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from gateway.sandboxes import HEADER


class CrmgateError(AssertionError):
    """crmgate refused an admin call or did not come up (a test failure, with the reason)."""


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running crmgate at ``base_url``; admin calls carry ``admin_token`` when there is one."""

    def __init__(self, base_url: str, admin_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token or None
        self.admin_client = self._admin_client()

    def _admin_client(self) -> httpx.Client:
        token = self.admin_token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An admin call (``path`` under ``/__admin``); a refusal fails the test with its body."""
        response = self.admin_client.request(method, f"/__admin{path}", **kwargs)
        if response.is_error:
            raise CrmgateError(f"{method} /__admin{path}: {response.status_code} {response.text}")
        return response

    def healthy(self) -> bool:
        try:
            return self.admin_client.get("/__admin/health").status_code == 200
        except httpx.TransportError:
            return False

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if time.monotonic() > deadline:
                raise CrmgateError(f"crmgate at {self.base_url} is not healthy")
            time.sleep(0.1)

    def sandbox(self, fixtures: str | None = "demo") -> Sandbox:
        """A new sandbox loaded with ``fixtures`` (None: the set the server was seeded from)."""
        body = {} if fixtures is None else {"fixtures": fixtures}
        created = self.admin("POST", "/sandboxes", json=body).json()
        return Sandbox(self, created["id"], created["header"])

    def close(self) -> None:
        self.admin_client.close()


class ServerProcess(Server):
    """``crmgate serve`` on a free loopback port, run by this interpreter; its log (stderr)
    goes to ``<db>.log`` beside a file database, so a long session never blocks on a pipe."""

    def __init__(
        self,
        db: str | Path,
        *args: str,
        admin_token: str | None = None,
        cwd: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
    ) -> None:
        self.port = free_port()
        super().__init__(f"http://127.0.0.1:{self.port}", admin_token)
        self.db = db
        self.args = list(args)
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def _log_path(self) -> Path:
        if self.log is not None:
            return self.log
        db = str(self.db)
        return Path(f"{db}.log") if "://" not in db and db != ":memory:" else Path(os.devnull)

    def start(self, timeout: float = 60) -> None:
        command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(self.port)]
        command += ["--db", str(self.db), f"--admin-token={self.admin_token or ''}", *self.args]
        env = (os.environ if self.env is None else self.env) | {"PYTHONUNBUFFERED": "1"}
        with self._log_path().open("ab") as log:
            self.proc = subprocess.Popen(command, cwd=self.cwd, env=env, stderr=log)
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CrmgateError(f"crmgate serve did not come up:\n{self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        """What the server logged so far."""
        path = self._log_path()
        return "" if path == Path(os.devnull) else path.read_text(errors="replace")

    def stop(self) -> str:
        """SIGTERM (a clean shutdown), then the server's log. The admin client's connections
        close too (a fresh client serves a restart)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.admin_client.close()
        self.admin_client = self._admin_client()
        return self.output()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what survives is what the database committed."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.stop()

    def close(self) -> None:
        self.stop()
        super().close()


class Sandbox(httpx.Client):
    """An httpx client bound to one sandbox of a crmgate (its header on every request), with
    the admin calls a test makes about its own traffic."""

    def __init__(self, server: Server, sandbox_id: str, header: str = HEADER) -> None:
        super().__init__(base_url=server.base_url, headers={header: sandbox_id}, timeout=30)
        self.server = server
        self.id = sandbox_id

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """This sandbox's journal entries, newest first (``GET /__admin/requests`` filters)."""
        params = {k: v for k, v in filters.items() if v is not None} | {"sandbox": self.id}
        return self.server.admin("GET", "/requests", params=params).json()["requests"]

    def count(self, **matchers: Any) -> int:
        """How many of this sandbox's requests match (``POST /__admin/requests/count``):
        ``method``, ``path`` (glob), ``query``, ``headers``, ``body_contains``, ``body_json``..."""
        body = matchers | {"sandbox": self.id}
        return self.server.admin("POST", "/requests/count", json=body).json()["count"]

    def unmatched(self) -> list[dict[str, Any]]:
        """This sandbox's requests that no endpoint matched."""
        params = {"sandbox": self.id}
        return self.server.admin("GET", "/requests/unmatched", params=params).json()["requests"]

    def fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule that fires only in this sandbox (``POST /__admin/faults``)."""
        return self.server.admin("POST", "/faults", json=rule | {"sandbox": self.id}).json()

    def reset(self, fixtures: str | None = None) -> dict[str, Any]:
        """Reload this sandbox's data (from ``fixtures``, default the set it was made from)."""
        params = {"fixtures": fixtures} if fixtures else {}
        headers = {HEADER: self.id}
        return self.server.admin("POST", "/reset", params=params, headers=headers).json()

    def remove(self) -> None:
        """Delete the sandbox (its fault rules go with it) and close the client."""
        try:
            self.server.admin("DELETE", f"/sandboxes/{self.id}")
        finally:
            self.close()
