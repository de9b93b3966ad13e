"""Two gateway processes on one PostgreSQL database behave as one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.helpers import JOHN_ID, Server, crmcom_event, fresh_database

Fleet = tuple[str, str]


@pytest.fixture(scope="module")
def fleet_dsn(postgres_dsn: str) -> Iterator[str]:
    """A database of its own, so the fleet starts from a fresh seed."""
    with fresh_database(postgres_dsn, "fleet") as dsn:
        yield dsn


@pytest.fixture(scope="module")
def fleet(fleet_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """Two ``crmgate serve`` processes on the same database and signing key file (tests leave
    no fault rules): a bearer token one signs, the other accepts."""
    key = str(tmp_path_factory.mktemp("fleet") / "signing.key")
    first = Server(fleet_dsn, "--secret-key-file", key)
    second = Server(fleet_dsn, "--secret-key-file", key)
    first.start()
    second.start()
    yield first.base_url, second.base_url
    first.stop()
    second.stop()


def _iservice(one: str, two: str) -> None:
    login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    cookie = httpx.post(f"{one}/iservice/f/webapp-api-login?api=login", json=login).cookies
    details = httpx.get(
        f"{two}/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466", cookies=cookie
    ).json()
    assert details["errors"] == []
    assert details["contactID"] == 466


def _crmcom(one: str, two: str) -> None:
    credentials = {"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"}
    token = httpx.post(f"{one}/crmcom/authentication/token", json=credentials).json()["data"]
    event = crmcom_event(profile="www.facebook.com/fleet")
    body = {"token": token["token"], "social_media_customer_events_set": [event, event]}
    created = httpx.post(f"{two}/crmcom/customer_events/bulk/social_media/create", json=body)
    numbers = [e["number"] for e in created.json()["data"]["processed_customer_events_set"]]
    again = httpx.post(f"{one}/crmcom/customer_events/bulk/social_media/create", json=body)
    numbers += [e["number"] for e in again.json()["data"]["processed_customer_events_set"]]
    assert numbers == ["1", "2", "3", "4"]


def _webapi(one: str, two: str) -> None:
    form = {"grant_type": "password", "username": "jane@demo.local", "password": "demo-jane"}
    token = httpx.post(f"{one}/webapi/Token", data=form).json()["access_token"]
    listed = httpx.get(
        f"{two}/webapi/api/v1/customers/me/socialCredentials",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )
    assert listed.status_code == 200, listed.text
    assert isinstance(listed.json(), list)


def _servicestack(prefix: str, user: str, password: str, call: str) -> Callable[[str, str], None]:
    """Both the ``ss-id`` session cookie and the JWT ``BearerToken`` work on the other one."""

    def check(one: str, two: str) -> None:
        credentials = {"UserName": user, "Password": password}
        signed_in = httpx.post(f"{one}{prefix}/auth/credentials", json=credentials)
        assert signed_in.status_code == 200, signed_in.text
        by_cookie = httpx.get(f"{two}{prefix}{call}", cookies=signed_in.cookies)
        assert by_cookie.status_code == 200, by_cookie.text
        bearer = {"Authorization": f"Bearer {signed_in.json()['BearerToken']}"}
        by_bearer = httpx.get(f"{two}{prefix}{call}", headers=bearer)
        assert by_bearer.status_code == 200, by_bearer.text
        assert by_bearer.json() == by_cookie.json()

    return check


DIALECTS = {
    "iservice": _iservice,
    "crmcom": _crmcom,
    "webapi": _webapi,
    "pf": _servicestack(
        "/pf", "customer11@1to1service.com", "demo-customer", f"/api/contacts/{JOHN_ID}/links"
    ),
    "bokamera": _servicestack(
        "/bokamera", "admin@demo.local", "demo-admin", f"/customers?Id={JOHN_ID}&format=json"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("dialect", DIALECTS)
def test_log_in_through_one_gateway_and_call_through_the_other(fleet: Fleet, dialect: str) -> None:
    DIALECTS[dialect](*fleet)


def _journal(base: str, **filters: str) -> dict:
    answer = httpx.get(f"{base}/__admin/requests", params=filters)
    assert answer.status_code == 200
    return answer.json()


@pytest.mark.slow
def test_a_request_served_by_one_gateway_is_in_the_others_journal(fleet: Fleet) -> None:
    one, two = fleet
    httpx.delete(f"{two}/__admin/requests")
    ids = [f"fleet-{uuid.uuid4().hex}" for _ in range(6)]
    for i, request_id in enumerate(ids):
        login = {"emailAddress": "jane@demo.local", "password": "demo-jane"}
        httpx.post(
            f"{(one, two)[i % 2]}/iservice/f/webapp-api-login?api=login",
            json=login,
            headers={"X-Request-Id": request_id},
        )
        # asked right after the answer, of the gateway that did not serve it
        newest = _journal((two, one)[i % 2], limit="1")["requests"][0]
        assert newest["request_id"] == request_id
        assert newest["request_body"] == '{"emailAddress":"jane@demo.local","password":"***"}'
    for base in fleet:
        body = _journal(base, dialect="iservice", method="POST")
        assert body["total"] == len(ids)
        assert [r["request_id"] for r in body["requests"]] == ids[::-1]
        entry_ids = [r["id"] for r in body["requests"]]
        assert entry_ids == sorted(entry_ids, reverse=True)


@pytest.mark.slow
def test_clearing_the_journal_or_resetting_clears_it_for_the_fleet(fleet: Fleet) -> None:
    one, two = fleet
    loggedin = "/iservice/f/webapp-api-login?api=loggedin"
    httpx.get(f"{one}{loggedin}")
    httpx.get(f"{two}{loggedin}")
    assert _journal(one)["total"] >= 2
    assert httpx.delete(f"{two}/__admin/requests").json()["deleted"] >= 2
    assert _journal(one)["total"] == 0
    httpx.get(f"{two}{loggedin}")
    assert _journal(one)["total"] == 1
    assert httpx.post(f"{one}/__admin/reset").status_code == 200
    assert _journal(two) == {"total": 0, "returned": 0, "requests": []}


@pytest.mark.slow
def test_a_times_1_fault_fires_once_across_the_fleet(fleet: Fleet) -> None:
    one, two = fleet
    rule = {"action": "status", "status": 503, "times": 1}
    assert httpx.post(f"{one}/__admin/faults", json=rule).status_code == 201
    url = "/iservice/f/webapp-api-login?api=loggedin"
    statuses = [httpx.get(f"{(one, two)[i % 2]}{url}").status_code for i in range(10)]
    assert statuses.count(503) == 1
    assert httpx.get(f"{two}/__admin/faults").json() == []
