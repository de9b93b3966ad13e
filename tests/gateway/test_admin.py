from __future__ import annotations

import uuid

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
    with TestClient(app) as remote:
        assert remote.get(path).status_code == 403
    with TestClient(app, client=("127.0.0.1", 5555)) as local:
        assert local.get(path).status_code == 200


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
