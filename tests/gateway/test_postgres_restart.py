"""A PostgreSQL restart costs only the requests in flight: a real ``crmgate serve`` on a
throwaway cluster of its own, which the test stops, starts and restarts (issue 17)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.store.board import LEASE_SECONDS
from tests.helpers import Server
from tests.postgres import Postgres, PostgresUnavailable

pytestmark = pytest.mark.slow

LOGIN = "/iservice/f/webapp-api-login?api=login"
DETAILS = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466"
JOHN = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}


@pytest.fixture
def cluster() -> Iterator[Postgres]:
    try:
        pg = Postgres()
        pg.start()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL store not tested here: {exc}")
    yield pg
    pg.stop()


@pytest.fixture
def gateway(cluster: Postgres, tmp_path: Path) -> Iterator[httpx.Client]:
    server = Server(cluster.dsn, "--secret-key-file", str(tmp_path / "signing.key"))
    server.start()
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        assert client.post(LOGIN, json=JOHN).json()["errors"] == []
        yield client
    server.stop()


def test_a_restart_is_invisible_between_requests(cluster: Postgres, gateway: httpx.Client) -> None:
    """The held connection died with the restart; the next call finds it dead before it has
    done anything and runs on a fresh one."""
    assert gateway.get(DETAILS).status_code == 200
    cluster.ctl("restart")
    for _ in range(3):
        response = gateway.get(DETAILS)
        assert response.status_code == 200
        assert response.json()["contactID"] == 466
    assert gateway.get("/__admin/health").json()["status"] == "ok"


def test_while_the_database_is_away_calls_are_503_then_served_at_once(
    cluster: Postgres, gateway: httpx.Client
) -> None:
    before = gateway.get(DETAILS).json()["membership"]
    cluster.ctl("stop")
    # reads answered from memory are served until the commit board's lease runs out (nobody
    # can commit meanwhile); then each request asks the database again
    time.sleep(LEASE_SECONDS + 0.1)
    away = gateway.get(DETAILS)
    assert away.status_code == 503
    assert away.headers["retry-after"] == "1"
    assert away.json() == {
        "errors": ["The service is temporarily unavailable."],
        "errorDetails": ["HTTP 503"],
    }
    health = gateway.get("/__admin/health")
    assert health.status_code == 503
    assert health.json()["error"].startswith("database unavailable")
    written = gateway.post(
        "/iservice/f/webapp-api-custinfo?api=setdetails",
        json={"contactID": 466, "membership": []},
    )
    assert written.status_code == 503
    cluster.ctl("start")
    # the first call after the database is back is served: no wait, no gateway restart
    response = gateway.get(DETAILS)
    assert response.status_code == 200, response.text
    assert response.json()["membership"] == before != []  # the refused write left no trace
    assert gateway.get("/__admin/health").status_code == 200


def test_the_first_request_after_a_restart_is_journaled(
    cluster: Postgres, gateway: httpx.Client
) -> None:
    """The journal appends on a connection of its own, which the restart killed too: its first
    group commit afterwards found it dead and the batch was dropped; now it is tried again on
    a fresh connection, so the request served first after the restart is in the journal."""
    assert gateway.get(DETAILS, headers={"X-Request-Id": "before-restart"}).status_code == 200
    assert gateway.get("/__admin/requests").status_code == 200  # the journal's connection is up
    cluster.ctl("restart")
    assert gateway.get(DETAILS, headers={"X-Request-Id": "after-restart"}).status_code == 200
    found = gateway.get("/__admin/requests", params={"path": "*custinfo*"}).json()["requests"]
    assert [e["request_id"] for e in found] == ["after-restart", "before-restart"]
