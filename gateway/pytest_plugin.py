"""The crmgate pytest plugin (entry point ``pytest11``), loaded wherever crmgate is installed.

- ``crmgate_server`` (session): a ``crmgate serve`` on a free loopback port with a temporary
  database and a random admin token, up once healthy, stopped at the end; or, when
  ``CRMGATE_URL`` is set, that running crmgate (admin token from ``CRMGATE_ADMIN_TOKEN``).
  Under pytest-xdist every worker is its own session: one server per worker.
- ``crmgate``: a fresh sandbox for one test, as an httpx client bound to it (``Sandbox``:
  ``journal()``, ``count()``, ``unmatched()``, ``fault()``, ``reset()``); removed afterwards.
- ``crmgate_fixtures``: the set each sandbox starts from (``demo``); override it to change.

Nothing is imported or started until a test asks for one of these fixtures.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from gateway.testing import Sandbox, Server


@pytest.fixture(scope="session")
def crmgate_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The crmgate this session's tests talk to."""
    from gateway.testing import Server, ServerProcess

    url = os.environ.get("CRMGATE_URL")
    if url:
        server = Server(url, os.environ.get("CRMGATE_ADMIN_TOKEN"))
        server.wait_healthy()
    else:
        folder = tmp_path_factory.mktemp("crmgate")
        server = ServerProcess(
            folder / "crmgate.db",
            "--log-level",
            "warning",
            admin_token=secrets.token_urlsafe(24),
            cwd=folder,
        )
        server.start()
    yield server
    server.close()


@pytest.fixture
def crmgate_fixtures() -> str:
    """The fixture set (a shipped name or a path) each test's sandbox is loaded with."""
    return "demo"


@pytest.fixture
def crmgate(crmgate_server: Server, crmgate_fixtures: str) -> Iterator[Sandbox]:
    """An httpx client bound to a new sandbox of ``crmgate_fixtures``, for this test only."""
    sandbox = crmgate_server.sandbox(crmgate_fixtures)
    yield sandbox
    sandbox.remove()
