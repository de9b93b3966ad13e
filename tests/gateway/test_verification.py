"""Verification through the admin API: request counts with matchers, unmatched requests, and
both scoped to a sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.services import Core
from gateway.app import create_app
from gateway.config import Config
from gateway.sandboxes import HEADER
from gateway.verification import _contains

AUTH = {"Authorization": "Bearer t"}
F = "/iservice/f/webapp-api-"
JOHN = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
DOE = {"contactID": 466, "details": {"properties": [{"propertyID": "3", "values": []}]}}


@pytest.fixture
def gw(core: Core) -> Iterator[TestClient]:
    with TestClient(create_app(Config(db=":memory:", admin_token="t"), core=core)) as client:
        yield client


def count(client: TestClient, **matchers: object) -> int:
    response = client.post("/__admin/requests/count", json=matchers, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()["count"]


def unmatched(client: TestClient, **params: str) -> list[tuple[str, str, int]]:
    response = client.get("/__admin/requests/unmatched", params=params, headers=AUTH)
    assert response.status_code == 200, response.text
    return [(e["method"], e["path"], e["status"]) for e in response.json()["requests"]]


def test_count_matchers(gw: TestClient) -> None:
    gw.post(F + "login?api=login", json=JOHN)
    gw.post(F + "custinfo?api=setdetails", json=DOE, headers={"X-Trace": "abc-123"})
    gw.get(F + "custinfo?api=getdetails&contactID=466&x=1&x=2")
    assert count(gw) == 3
    assert count(gw, method="post") == 2
    assert count(gw, path="/iservice/f/*custinfo") == 2
    assert count(gw, dialect="iservice", status=200) == 3
    assert count(gw, query={"api": "get*", "contactID": "466"}) == 1
    assert count(gw, query={"x": "2"}) == 1  # any of a repeated parameter's values
    assert count(gw, query={"missing": "*"}) == 0
    assert count(gw, headers={"x-TRACE": "abc-*"}) == 1
    assert count(gw, headers={"X-Absent": "*"}) == 0  # a glob never matches a missing header
    assert count(gw, body_contains="contactID") == 1
    assert count(gw, body_contains="demo-customer") == 0  # masked
    assert count(gw, body_json={"contactID": 466}) == 1
    assert count(gw, body_json={"contactID": "466"}) == 0
    assert (
        count(gw, body_json={"details": {"properties": [{"propertyID": "3", "values": []}]}}) == 1
    )
    assert count(gw, body_json={"details": {}}, method="GET") == 0
    assert count(gw, since="2999-01-01T00:00:00Z") == 0


def test_json_members_compare_by_type_and_objects_as_subsets() -> None:
    assert _contains({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}})
    assert not _contains({"a": True}, {"a": 1})
    assert not _contains({"a": [1, 2]}, {"a": [1]})
    assert not _contains([{"a": 1}], {"a": 1})


def test_counts_and_journal_queries_of_a_sandbox_see_only_it(gw: TestClient) -> None:
    box = gw.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    gw.post(F + "login?api=login", json=JOHN)
    gw.post(F + "login?api=login", json=JOHN, headers={HEADER: box})
    gw.get("/nowhere", headers={HEADER: box})
    assert count(gw, method="POST") == 2
    assert count(gw, method="POST", sandbox=box) == 1
    assert count(gw, sandbox="other") == 0
    mine = gw.get("/__admin/requests", params={"sandbox": box}, headers=AUTH).json()
    assert [e["path"] for e in mine["requests"]] == ["/nowhere", F + "login"]
    assert unmatched(gw, sandbox=box) == [("GET", "/nowhere", 404)]
    assert unmatched(gw, sandbox="other") == []


def test_requests_no_endpoint_matched_are_listed(gw: TestClient) -> None:
    ss = {"Host": "pfapi.pstpf.com.au"}
    gw.get(F + "login?api=loggedin")  # matched: not listed
    gw.get("/nowhere")
    gw.get("/iservice/f/no-such-form")
    gw.get(F + "login?api=whoami")
    gw.delete(F + "login?api=login")
    gw.get("/crmcom/authentication/nothing")
    gw.put("/crmcom/authentication/token")
    gw.get("/webapi/api/v1/nothing")
    gw.delete("/webapi/api/v1/customers/me/socialCredentials")
    gw.get("/api/nothing", headers=ss)
    gw.delete("/api/contacts/11078e67-adf5-4306-a903-481ed7aa8c0e/links/x", headers=ss)
    listed = unmatched(gw)
    assert ("GET", F + "login", 200) not in listed
    assert listed[::-1][:5] == [
        ("GET", "/nowhere", 404),
        ("GET", "/iservice/f/no-such-form", 404),
        ("GET", F + "login", 400),
        ("DELETE", F + "login", 405),
        ("GET", "/crmcom/authentication/nothing", 404),
    ]
    assert {status for _, _, status in listed} == {400, 404, 405}
    assert len(listed) == 10
    assert unmatched(gw, limit="2") == listed[:2]
    journal = gw.get("/__admin/requests", params={"matched": "true"}, headers=AUTH).json()
    assert [e["path"] for e in journal["requests"]] == [F + "login"]


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"method": 5}', b'{"nope": 1}', b'{"body_json": [1]}', b'{"since": "soon"}'],
)
def test_a_bad_matcher_is_refused(gw: TestClient, body: bytes) -> None:
    response = gw.post("/__admin/requests/count", content=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid request body")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/requests/unmatched", {"limit": "x"}),
        ("/requests/unmatched", {"since": "soon"}),
        ("/requests", {"matched": "perhaps"}),
    ],
)
def test_a_bad_journal_query_is_refused(gw: TestClient, path: str, query: dict[str, str]) -> None:
    response = gw.get(f"/__admin{path}", params=query, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"].startswith("invalid filter")
