"""Real ``crmgate serve`` processes on loopback, for the tests that need a socket of their own
(restarts, kills, workers, fleets); the rest use the plugin's ``crmgate_server``/``crmgate``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "crmgate.db")
    server.start()
    yield server
    server.close()
