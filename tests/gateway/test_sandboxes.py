from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core.services import Core
from core.store import open_store
from gateway.sandboxes import Sandboxes, SandboxLimit
from tests.helpers import DEMO

AUTH = {"Authorization": "Bearer test-admin-token"}
LOGIN = "/iservice/f/webapp-api-login?api=login"
CUSTINFO = "/iservice/f/webapp-api-custinfo"


def rename(client: TestClient, sandbox: str | None, last_name: str) -> dict:
    headers = {"X-Crmgate-Sandbox": sandbox} if sandbox else {}
    client.cookies.clear()
    login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    assert client.post(LOGIN, json=login, headers=headers).json()["errors"] == []
    change = {
        "contactID": 466,
        "details": {"properties": [{"propertyID": "3", "values": [{"value": last_name}]}]},
    }
    return client.post(f"{CUSTINFO}?api=setdetails", json=change, headers=headers).json()


def last_name(client: TestClient, sandbox: str | None) -> str:
    headers = {"X-Crmgate-Sandbox": sandbox} if sandbox else {}
    client.cookies.clear()
    login = {"emailAddress": "agent@demo.local", "password": "demo-agent"}
    client.post(LOGIN, json=login, headers=headers)
    body = client.get(f"{CUSTINFO}?api=getdetails&contactID=466", headers=headers).json()
    return {p["propertyName"]: p["values"] for p in body["details"]["properties"]}["Last Name"][0][
        "value"
    ]


def test_two_sandboxes_see_only_their_own_writes(client: TestClient) -> None:
    a = client.post("/__admin/sandboxes", json={}, headers=AUTH).json()
    b = client.post("/__admin/sandboxes", headers=AUTH).json()
    assert a["header"] == "X-Crmgate-Sandbox"
    assert a["fixtures"] == "demo"
    assert a["id"] != b["id"]
    assert rename(client, a["id"], "Alpha")["errors"] == []
    assert rename(client, b["id"], "Beta")["errors"] == []
    assert last_name(client, a["id"]) == "Alpha"
    assert last_name(client, b["id"]) == "Beta"
    assert last_name(client, None) == "Deer"
    listed = client.get("/__admin/sandboxes", headers=AUTH).json()
    assert sorted(s["id"] for s in listed) == sorted([a["id"], b["id"]])


def test_reset_and_health_address_a_sandbox_by_header(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    rename(client, box, "Changed")
    headers = AUTH | {"X-Crmgate-Sandbox": box}
    assert client.post("/__admin/reset", headers=headers).status_code == 200
    assert last_name(client, box) == "Deer"
    assert client.get("/__admin/health", headers=headers).json()["fixtures"] == "demo"
    missing = AUTH | {"X-Crmgate-Sandbox": "nope"}
    assert client.get("/__admin/health", headers=missing).status_code == 404


def test_an_unknown_or_deleted_sandbox_is_a_vendor_404(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    assert client.delete(f"/__admin/sandboxes/{box}", headers=AUTH).status_code == 204
    assert client.delete(f"/__admin/sandboxes/{box}", headers=AUTH).status_code == 404
    response = client.get(
        "/iservice/f/webapp-api-login?api=loggedin", headers={"X-Crmgate-Sandbox": box}
    )
    assert response.status_code == 404
    assert response.json()["errors"] == [f"No sandbox '{box}': it expired or was never created."]


def test_sandbox_from_another_set_and_bad_requests(client: TestClient) -> None:
    empty = client.post("/__admin/sandboxes", json={"fixtures": "none"}, headers=AUTH).json()
    assert empty["rows"] == 0
    assert (
        client.post("/__admin/sandboxes", json={"fixtures": "/no/where"}, headers=AUTH).status_code
        == 404
    )
    assert client.post("/__admin/sandboxes", content=b"{", headers=AUTH).status_code == 400


def test_idle_sandboxes_expire_and_the_count_is_bounded() -> None:
    now = [1000.0]
    registry = open_store(":memory:")
    gone: list[str] = []
    boxes = Sandboxes(
        registry,
        place=lambda sandbox_id: ":memory:",
        open_core=lambda location: Core(open_store(location)),
        discard=lambda location: None,
        on_delete=gone.append,
        idle_seconds=60,
        max_count=2,
        clock=lambda: now[0],
    )
    first = boxes.create("demo", DEMO)
    second = boxes.create("demo", DEMO)
    with pytest.raises(SandboxLimit, match="at most 2"):
        boxes.create("demo", DEMO)
    now[0] += 30
    assert boxes.get(first.id).core is first.core
    now[0] += 50
    assert [b.id for b in boxes.info()] == [first.id]
    assert gone == [second.id]
    now[0] += 120
    assert boxes.get(first.id) is None
    assert boxes.info() == []
    assert gone == [second.id, first.id]
    assert not boxes.delete(first.id)
    assert gone == [second.id, first.id]
    boxes.close()
