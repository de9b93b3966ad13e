"""Per-dialect knowledge the security suites need: how a demo user logs in.

A new dialect adds one function here; the hostile-input and authorization suites use it.
"""

from __future__ import annotations

from collections.abc import Callable

from httpx import Response
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

JOHN = "customer11@1to1service.com"

#: The organisation (company code) of each demo user, for dialects that log in with one.
ORGANISATIONS = {user: "OTHER" if user.endswith("@other.local") else "DEMO" for user in PASSWORDS}

#: dialect name -> log ``client`` in as ``user`` (cookies/headers stay on the client).
LOGINS: dict[str, Callable[[TestClient, str], None]] = {}


def login(dialect: str) -> Callable[[Callable[[TestClient, str], None]], Callable]:
    def register(fn: Callable[[TestClient, str], None]) -> Callable[[TestClient, str], None]:
        LOGINS[dialect] = fn
        return fn

    return register


@login("iservice")
def _iservice(client: TestClient, user: str) -> None:
    credentials = {"emailAddress": user, "password": PASSWORDS[user]}
    response = client.post("/iservice/f/webapp-api-login?api=login", json=credentials)
    assert response.json()["errors"] == []


@login("crmcom")
def _crmcom(client: TestClient, user: str) -> None:
    """CRM.COM passes its token in each body or query: the client keeps it as a header."""
    credentials = {
        "username": user,
        "password": PASSWORDS[user],
        "organisation": ORGANISATIONS[user],
    }
    response = client.post("/crmcom/authentication/token", json=credentials)
    client.headers["X-Test-Crmcom-Token"] = response.json()["data"]["token"]


@login("webapi")
def _webapi(client: TestClient, user: str) -> None:
    form = {"grant_type": "password", "username": user, "password": PASSWORDS[user]}
    token = client.post("/webapi/Token", data=form).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"


def _servicestack(prefix: str) -> Callable[[TestClient, str], None]:
    def sign_in(client: TestClient, user: str) -> None:
        credentials = {"UserName": user, "Password": PASSWORDS[user]}
        response = client.post(f"{prefix}/auth/credentials", json=credentials)
        assert response.status_code == 200, response.text

    return sign_in


LOGINS["pf"] = _servicestack("/pf")
LOGINS["bokamera"] = _servicestack("/bokamera")


def _json_or_none(response: Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _iservice_refused(response: Response) -> bool:
    body = _json_or_none(response)
    return response.status_code >= 400 or (isinstance(body, dict) and bool(body.get("errors")))


def _crmcom_refused(response: Response) -> bool:
    body = _json_or_none(response)
    if response.status_code >= 400 or not isinstance(body, dict):
        return True
    data = body.get("data")
    unprocessed = data.get("unprocessed_customer_events_set") if isinstance(data, dict) else None
    return body["status"]["code"] != "OK" or bool(unprocessed)


#: dialect name -> whether an answer refused the request (then nothing may have been stored).
REFUSED: dict[str, Callable[[Response], bool]] = {
    "iservice": _iservice_refused,
    "crmcom": _crmcom_refused,
}


def refused(dialect: str, response: Response) -> bool:
    return REFUSED.get(dialect, lambda r: r.status_code >= 400)(response)
