from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.services import Core
from gateway.app import create_app
from gateway.config import Config
from tests.conftest import PASSWORDS
from tests.golden import golden

AUTH = {"Authorization": "Bearer t"}
LOGIN = "/iservice/f/webapp-api-login?api=login"
CUSTINFO = "/iservice/f/webapp-api-custinfo"


@pytest.fixture
def small(core: Core) -> Iterator[TestClient]:
    config = Config(db=":memory:", admin_token="t", journal_entries=25, journal_body_chars=200)
    with TestClient(create_app(config, core=core)) as client:
        yield client


def journal(client: TestClient, **filters: str) -> dict:
    response = client.get("/__admin/requests", params=filters, headers=AUTH)
    assert response.status_code == 200
    return response.json()


def test_every_dialect_request_is_journaled_newest_first(small: TestClient) -> None:
    small.post(LOGIN, json={"emailAddress": "jane@demo.local", "password": "demo-jane"})
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467", headers={"X-Request-Id": "r-2"})
    small.get("/__admin/health", headers=AUTH)
    body = journal(small)
    assert body["total"] == 2
    newest, oldest = body["requests"]
    assert (newest["request_id"], newest["method"], newest["status"]) == ("r-2", "GET", 200)
    assert newest["path"] == "/iservice/f/webapp-api-custinfo"
    assert newest["query"] == "api=getdetails&contactID=467"
    assert newest["dialect"] == "iservice"
    assert newest["response_body"].startswith('{"errors":[],"errorDetails":[],"contactID":467')
    assert oldest["request_body"] == '{"emailAddress":"jane@demo.local","password":"***"}'
    assert newest["duration_ms"] >= 0


def test_filters(small: TestClient) -> None:
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    small.post(LOGIN, json={"emailAddress": "x", "password": "y"})
    small.get("/iservice/f/nowhere")
    assert [r["status"] for r in journal(small, status="404")["requests"]] == [404]
    assert [r["method"] for r in journal(small, method="post")["requests"]] == ["POST"]
    assert len(journal(small, path="/iservice/f/webapp-api-*")["requests"]) == 2
    assert journal(small, dialect="nope")["requests"] == []
    assert len(journal(small, limit="1")["requests"]) == 1
    assert journal(small, since="2999-01-01T00:00:00Z")["requests"] == []
    bad = small.get("/__admin/requests", params={"status": "many"}, headers=AUTH)
    assert bad.status_code == 400


def test_the_journal_stays_within_its_bound_and_cuts_bodies(small: TestClient) -> None:
    big = {"emailAddress": "x" * 5000, "password": "p"}
    for _ in range(60):
        small.post(LOGIN, json=big)
    body = journal(small, limit="1000")
    assert body["total"] == 25
    assert len(body["requests"]) == 25
    cut = body["requests"][0]["request_body"]
    assert cut.endswith("more]")
    assert len(cut) < 260


def test_no_demo_secret_ever_reaches_the_journal(small: TestClient) -> None:
    tokens = []
    for user, password in PASSWORDS.items():
        small.cookies.clear()
        response = small.post(LOGIN, json={"emailAddress": user, "password": password})
        tokens.append(response.cookies["sessionID"])
        small.post(LOGIN, data={"emailAddress": user, "password": password})
        small.get(f"{CUSTINFO}?api=getdetails&contactID=466&password={password}")
        small.post(f"{CUSTINFO}?api=setdetails", content=golden("003/setdetails-request.json"))
    dump = small.get("/__admin/requests?limit=1000", headers=AUTH).text
    for secret in [*PASSWORDS.values(), *tokens]:
        assert secret not in dump


def test_clearing_the_journal(small: TestClient) -> None:
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    assert small.delete("/__admin/requests", headers=AUTH).json() == {"deleted": 1}
    assert journal(small)["total"] == 0
