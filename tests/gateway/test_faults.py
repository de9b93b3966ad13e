from __future__ import annotations

import time

import httpx
import pytest
from starlette.testclient import TestClient

from core.store import open_store
from gateway.faults import FaultRule, Faults
from gateway.sandboxes import HEADER
from gateway.testing import Sandbox

AUTH = {"Authorization": "Bearer test-admin-token"}
LOGGEDIN = "/iservice/f/webapp-api-login?api=loggedin"


def add(client: TestClient, **rule: object) -> dict:
    response = client.post("/__admin/faults", json=rule, headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_status_fault_answers_in_the_dialect_envelope_and_times_1_fires_once(
    client: TestClient,
) -> None:
    rule = add(client, action="status", status=503, dialect="iservice", times=1)
    assert rule["id"] == 1
    first = client.get(LOGGEDIN)
    assert first.status_code == 503
    assert first.json() == {"errors": ["The service is unavailable."], "errorDetails": ["HTTP 503"]}
    assert client.get(LOGGEDIN).status_code == 200
    assert client.get("/__admin/faults", headers=AUTH).json() == []


def test_rules_match_method_and_path_glob(client: TestClient) -> None:
    add(client, action="status", status=500, method="POST", path="/f/webapp-api-custinfo")
    assert client.get(LOGGEDIN).status_code == 200
    assert client.post("/iservice/f/webapp-api-custinfo?api=setdetails").status_code == 500
    assert client.post("/iservice/f/webapp-api-custinfo?api=setdetails").status_code == 500


def test_latency(client: TestClient) -> None:
    add(client, action="latency", latency_ms=[120, 150])
    started = time.perf_counter()
    assert client.get(LOGGEDIN).status_code == 200
    assert time.perf_counter() - started >= 0.12


def test_a_malformed_fault_cuts_the_real_answer(client: TestClient) -> None:
    add(client, action="malformed", times=1)
    cut = client.get(LOGGEDIN)
    whole = client.get(LOGGEDIN)
    assert cut.status_code == 200
    assert cut.content == whole.content[: len(whole.content) // 2]
    assert cut.headers["content-length"] == str(len(cut.content))


def test_probability_zero_never_fires(client: TestClient) -> None:
    add(client, action="status", probability=0)
    assert all(client.get(LOGGEDIN).status_code == 200 for _ in range(20))


def test_listing_and_deleting_rules(client: TestClient) -> None:
    one = add(client, action="latency", latency_ms=1)
    add(client, action="latency", latency_ms=2)
    assert [r["id"] for r in client.get("/__admin/faults", headers=AUTH).json()] == [1, 2]
    assert client.delete(f"/__admin/faults/{one['id']}", headers=AUTH).status_code == 204
    assert client.delete(f"/__admin/faults/{one['id']}", headers=AUTH).status_code == 404
    assert client.delete("/__admin/faults", headers=AUTH).status_code == 204
    assert client.get("/__admin/faults", headers=AUTH).json() == []


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "explode"},
        {"action": "status", "status": 200},
        {"action": "status", "probability": 2},
        {"action": "status", "times": 0},
        {"action": "latency", "latency_ms": [5, 1]},
        {"action": "status", "dialect": "nope"},
        {"action": "status", "colour": "red"},
    ],
)
def test_invalid_rules_are_refused(client: TestClient, rule: dict) -> None:
    response = client.post("/__admin/faults", json=rule, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"]


def test_pick_consumes_counted_rules() -> None:
    faults = Faults(open_store(":memory:"))
    faults.add(FaultRule(action="drop", times=2, dialect="a"))
    assert faults.pick("b", "GET", "/x") is None
    assert faults.pick("a", "GET", "/x").fired == 1
    assert faults.pick("a", "GET", "/x").fired == 2
    assert faults.pick("a", "GET", "/x") is None


@pytest.mark.slow
def test_a_drop_fault_closes_the_connection_mid_response(crmgate: Sandbox) -> None:
    crmgate.fault(action="drop", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        crmgate.get(LOGGEDIN)
    assert crmgate.get(LOGGEDIN).status_code == 200


def test_a_sandbox_rule_fires_only_in_its_sandbox(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    rule = {"action": "status", "status": 503, "dialect": "iservice", "sandbox": box}
    assert client.post("/__admin/faults", json=rule, headers=AUTH).status_code == 201
    assert client.get(LOGGEDIN).status_code == 200
    other = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    assert client.get(LOGGEDIN, headers={HEADER: other}).status_code == 200
    refused = client.get(LOGGEDIN, headers={HEADER: box})
    assert refused.status_code == 503
    assert refused.json()["errors"] == ["The service is unavailable."]
    assert client.get("/__admin/faults", params={"sandbox": other}, headers=AUTH).json() == []
    assert [r["sandbox"] for r in client.get("/__admin/faults", headers=AUTH).json()] == [box]
    assert client.delete(f"/__admin/sandboxes/{box}", headers=AUTH).status_code == 204
    assert client.get("/__admin/faults", headers=AUTH).json() == []


def test_a_rule_for_an_unknown_sandbox_is_refused(client: TestClient) -> None:
    rule = {"action": "drop", "sandbox": "nope"}
    refused = client.post("/__admin/faults", json=rule, headers=AUTH)
    assert (refused.status_code, refused.json()) == (404, {"error": "no sandbox 'nope'"})


def test_clearing_the_rules_of_one_sandbox_keeps_the_others(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    for rule in ({"action": "drop", "sandbox": box}, {"action": "drop", "dialect": "pf"}):
        client.post("/__admin/faults", json=rule, headers=AUTH)
    assert (
        client.delete("/__admin/faults", params={"sandbox": box}, headers=AUTH).status_code == 204
    )
    assert [r["dialect"] for r in client.get("/__admin/faults", headers=AUTH).json()] == ["pf"]


def test_a_sandbox_takes_its_rules_however_it_goes_and_leaves_its_journal(
    client: TestClient,
) -> None:
    """Deleted or expired for idleness, a sandbox's rules go with it; its journal entries stay
    (the journal is history: a finished test's requests can still be looked at) and are found
    by its id alike, until the journal drops them."""
    deleted, idle = (client.post("/__admin/sandboxes", headers=AUTH).json()["id"] for _ in "ab")
    for box in (deleted, idle):
        add(client, action="status", status=503, dialect="iservice", sandbox=box)
        assert client.get(LOGGEDIN, headers={HEADER: box}).status_code == 503
    add(client, action="drop", dialect="pf")
    assert client.delete(f"/__admin/sandboxes/{deleted}", headers=AUTH).status_code == 204
    client.app.state.admin.sandboxes.idle_seconds = 0  # every sandbox is idle from now on
    assert [r["dialect"] for r in client.get("/__admin/faults", headers=AUTH).json()] == ["pf"]
    assert client.get("/__admin/sandboxes", headers=AUTH).json() == []
    for box in (deleted, idle):
        journal = client.get("/__admin/requests", params={"sandbox": box}, headers=AUTH).json()
        assert [e["status"] for e in journal["requests"]] == [503]
        count = client.post("/__admin/requests/count", json={"sandbox": box}, headers=AUTH)
        assert count.json() == {"count": 1}
        assert client.get(LOGGEDIN, headers={HEADER: box}).status_code == 404
