from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.models import Customer
from core.services import Core
from core.store.migrations import LATEST
from gateway.app import create_app
from gateway.config import Config
from gateway.registry import load_dialects
from tests.helpers import JOHN_ID

AUTH = {"Authorization": "Bearer test-admin-token"}


def test_health(client: TestClient) -> None:
    response = client.get("/__admin/health", headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "dialects": [d.name for d in load_dialects()],
        "schema_version": LATEST,
        "fixtures": "demo",
    }


def test_admin_calls_need_the_token_when_one_is_set(client: TestClient) -> None:
    assert client.get("/__admin/health").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/__admin/health", headers=wrong).json() == {"error": "admin token required"}


@pytest.mark.parametrize("path", ["/__admin/health", "/__admin/"], ids=["call", "dashboard"])
def test_without_a_token_only_loopback_callers_are_served(core: Core, path: str) -> None:
    app = create_app(Config(db=":memory:"), core=core)
    with TestClient(app, base_url="http://127.0.0.1:8080") as remote:
        assert remote.get(path).status_code == 403
    with TestClient(app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 5555)) as local:
        assert local.get(path).status_code == 200


@pytest.fixture
def loopback(core: Core) -> Iterator[TestClient]:
    """A loopback caller of a gateway started without an admin token."""
    app = create_app(Config(db=":memory:"), core=core)
    with TestClient(app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 5555)) as client:
        yield client


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8080",
        "LOCALHOST:1",
        "127.0.0.1",
        "127.0.0.1:8080",
        "[::1]",
        "[::1]:8080",
    ],
)
@pytest.mark.parametrize(
    "origin", [None, "http://127.0.0.1:8080", "http://localhost:3000", "https://[::1]"]
)
def test_without_a_token_a_loopback_host_and_origin_are_served(
    loopback: TestClient, host: str, origin: str | None
) -> None:
    headers = {"Host": host} | ({"Origin": origin} if origin else {})
    assert loopback.get("/__admin/health", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.nip.io",
        "localhost.evil.example",
        "[::2]:80",
        "[::1]x",
        "127.0.0.1:80a",
        "[::1",
        "",
    ],
)
def test_without_a_token_a_rebound_host_is_refused(loopback: TestClient, host: str) -> None:
    """DNS rebinding: another site's page reaches this port through its own name, which now
    resolves to 127.0.0.1; the browser sends that name as Host, and the gateway refuses it."""
    response = loopback.get("/__admin/requests", headers={"Host": host})
    assert response.status_code == 403
    assert response.json() == {
        "error": f"loopback only: Host {host!r} is not a loopback name (use 127.0.0.1 or localhost)"
    }


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1.evil.example", "file://"]
)
def test_without_a_token_a_cross_site_request_is_refused(
    loopback: TestClient, core: Core, origin: str
) -> None:
    """CSRF: a form on another site POSTs to the loopback admin API (a simple request, sent
    without a preflight); its Origin is not loopback, so nothing is reset."""
    before = core.store.count(Customer)
    response = loopback.post("/__admin/reset?fixtures=none", headers={"Origin": origin})
    assert response.status_code == 403
    assert response.json() == {"error": f"loopback only: cross-site request from Origin {origin!r}"}
    assert core.store.count(Customer) == before > 0


def test_with_a_token_host_and_origin_are_not_checked(client: TestClient) -> None:
    headers = AUTH | {"Host": "gateway.example", "Origin": "http://dashboard.example"}
    assert client.get("/__admin/health", headers=headers).status_code == 200


def test_reset_brings_back_the_fixtures(client: TestClient, core: Core) -> None:
    john = uuid.UUID(JOHN_ID)
    with core.store.write():
        customer = core.store.get(Customer, john)
        customer.first_name = "Changed"
        core.store.update(customer)
    response = client.post("/__admin/reset", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["fixtures"] == "demo"
    assert core.store.get(Customer, john).first_name == "John"


def test_reset_to_another_set_and_errors(client: TestClient, core: Core) -> None:
    assert client.post("/__admin/reset?fixtures=none", headers=AUTH).json()["rows"] == 0
    assert core.store.count(Customer) == 0
    missing = client.post("/__admin/reset?fixtures=/no/such/set", headers=AUTH)
    assert missing.status_code == 404
    assert client.get("/__admin/reset", headers=AUTH).status_code == 405
    assert client.get("/__admin/nothing", headers=AUTH).json() == {"error": "no such admin call"}


@pytest.mark.parametrize("limit", ["99999999999999999999999", "-1", "9223372036854775808"])
def test_a_journal_limit_no_log_can_page_with_is_400(client: TestClient, limit: str) -> None:
    """Issue 17: a limit beyond any machine integer answered 500 in plain text."""
    response = client.get(f"/__admin/requests?limit={limit}", headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid filter")
