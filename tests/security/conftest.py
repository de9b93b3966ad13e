"""Per-dialect knowledge the security suites need: how a demo user logs in.

A new dialect adds one function here; the hostile-input and authorization suites use it.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.conftest import PASSWORDS

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
