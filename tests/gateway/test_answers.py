"""Reused GET answers (``gateway.answers``): served again only to the same request, on the
same core, while its data version holds and its credential's moment has not come."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from core.models import Customer
from core.services import Core
from core.services.sessions import FOREVER
from core.store import open_store
from gateway.answers import Answers
from gateway.app import create_app
from gateway.config import Config
from gateway.exchange import Exchange
from tests.helpers import JANE_ID, JOHN_ID, FakeClock, sign_in

AUTH = {"Authorization": "Bearer test-admin-token"}
LINKS = f"/pf/api/contacts/{JOHN_ID}/links"
#: A contact whose role ends on 2027-04-05 (the fake clock starts on 2026-11-23).
ENDING = "e71c5a2b-0f3d-4b6e-8a9c-1d2e3f4a5b6c"
ILOGIN = "/iservice/f/webapp-api-login?api=login"
GETDETAILS = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466"


@pytest.fixture
def computed(core: Core, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """The contacts whose links were computed (not served again), in order."""
    seen: list[UUID] = []
    real = core.links.links

    def counting(principal: Any, contact_id: UUID) -> Any:
        seen.append(contact_id)
        return real(principal, contact_id)

    monkeypatch.setattr(core.links, "links", counting)
    return seen


def gateway_of(client: TestClient) -> Exchange:
    app = client.app
    assert isinstance(app, Exchange)
    return app


def names(response: Any) -> list[str]:
    return [c["ConnectionContactName"] for c in response.json()["ContactConnections"]]


def test_the_same_get_is_computed_once_and_answered_alike(
    client: TestClient, computed: list[UUID]
) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    first = client.get(LINKS, headers={"X-Request-Id": "one"})
    second = client.get(LINKS, headers={"X-Request-Id": "two"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert dict(first.headers) | {"x-request-id": "two"} == dict(second.headers)
    assert len(computed) == 1
    journal = client.get("/__admin/requests", headers=AUTH).json()["requests"]
    two, one = journal[:2]
    assert (one["request_id"], two["request_id"]) == ("one", "two")
    assert one["status"] == two["status"] == 200


def test_with_the_answer_cache_off_every_get_is_computed(core: Core, computed: list[UUID]) -> None:
    """``--no-answer-cache`` (``Config.answer_cache``): the same bytes, computed each time."""
    config = Config(db=":memory:", admin_token="test-admin-token", answer_cache=False)
    with TestClient(create_app(config, core=core)) as client:
        sign_in(client, "pf", "customer11@1to1service.com")
        first = client.get(LINKS)
        second = client.get(LINKS)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert len(computed) == 2
        assert len(gateway_of(client).answers) == 0


def test_a_get_with_an_empty_body_is_reused(client: TestClient, computed: list[UUID]) -> None:
    """``Content-Length: 0`` (as wrk and some HTTP libraries send on a GET) is no body."""
    sign_in(client, "pf", "customer11@1to1service.com")
    empty = {"Content-Length": "0"}
    first = client.get(LINKS, headers=empty)
    assert client.get(LINKS, headers=empty).content == first.content
    assert len(computed) == 1


def test_a_write_through_another_dialect_is_seen(client: TestClient, computed: list[UUID]) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    assert "Jane Roe" in names(client.get(LINKS))
    cookies = dict(client.cookies)
    sign_in(client, "bokamera", "admin@demo.local")
    changed = client.put(f"/bokamera/customers/{JANE_ID}", json={"Firstname": "Janet"})
    assert changed.status_code == 200, changed.text
    client.cookies.clear()
    client.cookies.update(cookies)
    assert "Janet Roe" in names(client.get(LINKS))
    assert len(computed) == 2


def test_a_commit_by_another_connection_is_seen(tmp_path: Path) -> None:
    db = tmp_path / "crmgate.db"
    app = create_app(Config(db=str(db), admin_token="test-admin-token", processes=2))
    with TestClient(app) as client:
        sign_in(client, "pf", "customer11@1to1service.com")
        assert "Jane Roe" in names(client.get(LINKS))
        assert "Jane Roe" in names(client.get(LINKS))
        other = open_store(str(db))
        with other.write():
            jane = other.get(Customer, UUID(JANE_ID))
            jane.first_name = "Janet"
            other.update(jane)
        other.close()
        assert "Janet Roe" in names(client.get(LINKS))


def test_after_logout_the_same_cookie_is_refused(client: TestClient) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
    client.cookies.clear()
    assert client.get(LINKS, headers=cookie).status_code == 200
    assert client.get(LINKS, headers=cookie).status_code == 200
    assert client.post("/pf/auth/logout", headers=cookie).status_code == 200
    client.cookies.clear()
    assert client.get(LINKS, headers=cookie).status_code == 401


def test_an_answer_is_computed_again_when_the_idle_timer_is_due(
    client: TestClient, core: Core, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An iService session's last use is written back every 30 s: a reused answer must not
    skip that write, nor outlive the session. (ServiceStack sessions have no idle timer: they
    last from sign-in, as SessionFeature's do.)"""
    resolved: list[str] = []
    real = core.sessions.resolve_until

    def counting(token: str | None, kind: str) -> Any:
        resolved.append(kind)
        return real(token, kind)

    iservice_login(client, {})
    monkeypatch.setattr(core.sessions, "resolve_until", counting)
    first = client.get(GETDETAILS)
    clock.advance(seconds=20)
    assert client.get(GETDETAILS).content == first.content
    assert len(resolved) == 1
    clock.advance(seconds=11)
    version = core.store.data_version
    assert client.get(GETDETAILS).content == first.content
    assert len(resolved) == 2
    assert core.store.data_version != version  # the idle timer was written back
    clock.advance(hours=3)
    assert client.get(GETDETAILS).json()["errors"] != []


def test_a_bearer_token_answer_ends_with_the_token(
    client: TestClient, clock: FakeClock, computed: list[UUID]
) -> None:
    token = sign_in(client, "pf", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(LINKS, headers=bearer).status_code == 200
    clock.advance(days=13)
    assert client.get(LINKS, headers=bearer).status_code == 200
    assert len(computed) == 1
    clock.advance(days=2)
    assert client.get(LINKS, headers=bearer).status_code == 401


def test_an_answer_ends_when_a_role_in_it_ends(
    client: TestClient, clock: FakeClock, computed: list[UUID]
) -> None:
    """A remembered session (four weeks from sign-in, no idle timer) outlives the role."""
    clock.advance(days=130)  # 2027-04-02: the role still holds
    body = {"UserName": "admin@demo.local", "Password": "demo-admin", "RememberMe": True}
    assert client.post("/pf/auth/credentials", json=body).status_code == 200
    path = f"/pf/api/contacts/{ENDING}/links"
    assert len(client.get(path).json()["Roles"]) == 1
    clock.advance(days=2)
    assert len(client.get(path).json()["Roles"]) == 1
    assert len(computed) == 1
    clock.advance(days=2)
    assert client.get(path).json()["Roles"] == []
    assert len(computed) == 2


def test_another_principal_never_gets_the_answer(client: TestClient, computed: list[UUID]) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    assert client.get(LINKS).status_code == 200
    sign_in(client, "pf", "jane@demo.local")
    refused = client.get(LINKS)
    assert refused.status_code == 403, refused.text
    client.cookies.clear()
    assert client.get(LINKS).status_code == 401
    assert len(computed) == 2  # the anonymous call stops at authentication


def test_answers_are_per_format(client: TestClient, computed: list[UUID]) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    json = client.get(LINKS)
    xml = client.get(LINKS, headers={"Accept": "application/xml"})
    assert json.headers["content-type"].startswith("application/json")
    assert xml.headers["content-type"] == "application/xml"
    assert client.get(LINKS, headers={"Accept": "application/xml"}).content == xml.content
    assert len(computed) == 2


def iservice_login(client: TestClient, headers: dict[str, str]) -> None:
    client.cookies.clear()
    login = {"emailAddress": "agent@demo.local", "password": "demo-agent"}
    assert client.post(ILOGIN, json=login, headers=headers).json()["errors"] == []


def test_a_sandbox_answer_goes_with_its_sandbox(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    headers = {"X-Crmgate-Sandbox": box}
    iservice_login(client, headers)
    cookie = {"Cookie": f"sessionID={client.cookies['sessionID']}"} | headers
    client.cookies.clear()
    first = client.get(GETDETAILS, headers=cookie)
    assert first.json()["contactID"] == 466
    assert client.get(GETDETAILS, headers=cookie).content == first.content
    assert len(gateway_of(client).answers) == 1
    client.post("/__admin/reset", headers=AUTH | headers)
    assert client.get(GETDETAILS, headers=cookie).json()["errors"] != []
    assert client.delete(f"/__admin/sandboxes/{box}", headers=AUTH).status_code in (200, 204)
    assert client.get(GETDETAILS, headers=cookie).status_code == 404


def test_a_fault_rule_applies_to_a_reused_answer(client: TestClient) -> None:
    iservice_login(client, {})
    assert client.get(GETDETAILS).status_code == 200
    rule = {"action": "status", "status": 503, "dialect": "iservice", "times": 1}
    assert client.post("/__admin/faults", json=rule, headers=AUTH).status_code == 201
    assert client.get(GETDETAILS).status_code == 503
    assert client.get(GETDETAILS).status_code == 200


def test_answers_that_set_cookies_or_write_are_not_kept(client: TestClient) -> None:
    """iService's loggedin is not marked reusable; a POST never is."""
    iservice_login(client, {})
    client.get("/iservice/f/webapp-api-login?api=loggedin")
    client.post("/iservice/f/webapp-api-custinfo?api=getdetails", json={"contactID": 466})
    assert len(gateway_of(client).answers) == 0


# -- the cache itself ---------------------------------------------------------------------


def scope(method: str = "GET", *headers: tuple[bytes, bytes]) -> dict:
    return {"method": method, "path": "/x", "query_string": b"a=1", "headers": list(headers)}


def test_the_key_is_the_whole_request_but_its_id() -> None:
    plain = Answers.key(scope("GET", (b"cookie", b"a=1")))
    assert plain == Answers.key(scope("GET", (b"cookie", b"a=1"), (b"x-request-id", b"r")))
    assert plain != Answers.key(scope("GET", (b"cookie", b"a=2")))
    assert Answers.key(scope("POST")) is None
    assert Answers.key(scope("GET", (b"content-length", b"0"))) is not None  # wrk sends it
    assert Answers.key(scope("GET", (b"content-length", b"2"))) is None
    assert Answers.key(scope("GET", (b"transfer-encoding", b"chunked"))) is None


def keep(answers: Answers, core: Core, key: str, headers: list | None = None) -> None:
    until = core.clock().replace(year=2100)
    answers.keep((key,), core, core.store.data_version, until, headers or [], b"body")


def test_the_least_recently_used_answer_goes_first(core: Core) -> None:
    answers = Answers(size=2)
    keep(answers, core, "a")
    keep(answers, core, "b")
    assert answers.get(("a",), core) is not None
    keep(answers, core, "c")
    assert answers.get(("b",), core) is None
    assert answers.get(("a",), core) is not None
    assert answers.get(("c",), core) is not None


def test_the_bodies_kept_stay_within_their_byte_bound(core: Core) -> None:
    answers = Answers(max_bytes=6)
    keep(answers, core, "a")
    keep(answers, core, "b")
    assert answers.get(("a",), core) is None
    assert answers.get(("b",), core) is not None
    answers.keep(("c",), core, core.store.data_version, FOREVER, [], b"x" * 7)
    assert len(answers) == 1


def test_an_answer_setting_a_cookie_is_not_kept(core: Core) -> None:
    answers = Answers()
    keep(answers, core, "a", [(b"set-cookie", b"x=1")])
    assert len(answers) == 0


def test_an_answer_of_another_core_version_or_time_is_not_served(
    core: Core, clock: FakeClock
) -> None:
    answers = Answers()
    keep(answers, core, "a")
    assert answers.get(("a",), Core(core.store, clock=core.clock)) is None
    keep(answers, core, "a")
    with core.store.write():
        jane = core.store.get(Customer, UUID(JANE_ID))
        jane.first_name = "Janet"
        core.store.update(jane)
    assert answers.get(("a",), core) is None
    keep(answers, core, "a")
    clock.advance(days=365 * 80)
    assert answers.get(("a",), core) is None
