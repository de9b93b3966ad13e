"""Real ``crmgate serve`` processes on loopback, for the tests that need a socket of their own
(restarts, kills, workers, fleets); the rest use the plugin's ``crmgate_server``/``crmgate``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.testing import ServerProcess as Server

__all__ = ["CRMGATE", "ROOT", "Server"]

ROOT = Path(__file__).resolve().parents[2]
#: The console script pip installed beside this interpreter.
CRMGATE = Path(sys.executable).parent / "crmgate"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "crmgate.db")
    server.start()
    yield server
    server.close()
