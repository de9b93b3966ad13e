from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from core.services import Core
from tests.helpers import ISERVICE_CUSTINFO, ISERVICE_LOGIN, FakeClock

EMPTY = {"errors": [], "errorDetails": []}


def test_login_sets_the_session_cookie_and_answers_who(client: TestClient) -> None:
    response = client.post(
        f"{ISERVICE_LOGIN}?api=login",
        json={"emailAddress": "customer11@1to1service.com", "password": "demo-customer"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = response.json()
    token = response.cookies["sessionID"]
    assert body == EMPTY | {
        "sessionID": token,
        "contactID": 466,
        "userType": "customer",
        "name": "John Deer",
    }
    assert "httponly" in response.headers["set-cookie"].lower()


def test_login_with_form_fields(client: TestClient) -> None:
    response = client.post(
        f"{ISERVICE_LOGIN}?api=login",
        data={"emailAddress": "agent@demo.local", "password": "demo-agent"},
    )
    assert response.json()["userType"] == "agent"
    assert response.json()["contactID"] is None


def test_bad_credentials(client: TestClient) -> None:
    response = client.post(
        f"{ISERVICE_LOGIN}?api=login",
        json={"emailAddress": "customer11@1to1service.com", "password": "nope"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "errors": ["Invalid email address or password."],
        "errorDetails": ["Unauthenticated: credentials"],
    }
    assert "sessionID" not in response.cookies


def test_loggedin_tells_who_is_logged_in(
    client: TestClient, login_as: Callable[[str], TestClient]
) -> None:
    assert client.get(f"{ISERVICE_LOGIN}?api=loggedin").json() == EMPTY | {"loggedIn": False}
    login_as("jane@demo.local")
    assert client.get(f"{ISERVICE_LOGIN}?api=loggedin").json() == EMPTY | {
        "loggedIn": True,
        "contactID": 467,
        "userType": "customer",
        "name": "Jane Roe",
        "emailAddress": "jane@demo.local",
    }
    login_as("admin@demo.local")
    body = client.post(f"{ISERVICE_LOGIN}?api=loggedin").json()
    assert (body["userType"], body["contactID"]) == ("admin", None)


def test_logout_ends_the_session(client: TestClient, login_as: Callable[[str], TestClient]) -> None:
    login_as("jane@demo.local")
    token = client.cookies["sessionID"]
    response = client.get(f"{ISERVICE_LOGIN}?api=logout")
    assert response.json() == EMPTY
    assert 'sessionID=""' in response.headers["set-cookie"]
    client.cookies.set("sessionID", token)
    assert client.get(f"{ISERVICE_LOGIN}?api=loggedin").json()["loggedIn"] is False


def test_sessions_expire_after_90_idle_minutes(
    client: TestClient, login_as: Callable[[str], TestClient], clock: FakeClock
) -> None:
    login_as("customer11@1to1service.com")
    clock.advance(minutes=89)
    assert client.get(f"{ISERVICE_CUSTINFO}?api=getdetails&contactID=466").json()["errors"] == []
    clock.advance(minutes=91)
    body = client.get(f"{ISERVICE_CUSTINFO}?api=getdetails&contactID=466").json()
    assert body == {
        "errors": ["Your session has expired. Please log in again."],
        "errorDetails": ["Unauthenticated: expired"],
    }


def test_sessions_are_shared_through_the_store(
    client: TestClient, login_as: Callable[[str], TestClient], core: Core
) -> None:
    login_as("jane@demo.local")
    token = client.cookies["sessionID"]
    assert core.sessions.resolve(token, "iservice").login == "jane@demo.local"
