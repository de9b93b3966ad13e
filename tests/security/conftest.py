"""Per-dialect knowledge the security suites need: how to become an authenticated caller."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

#: dialect name -> log ``client`` in as John Deer (cookies/headers stay on the client).
LOGINS: dict[str, Callable[[TestClient], None]] = {}


def login(dialect: str) -> Callable[[Callable[[TestClient], None]], Callable[[TestClient], None]]:
    def register(fn: Callable[[TestClient], None]) -> Callable[[TestClient], None]:
        LOGINS[dialect] = fn
        return fn

    return register


@login("iservice")
def _iservice(client: TestClient) -> None:
    credentials = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    response = client.post("/iservice/f/webapp-api-login?api=login", json=credentials)
    assert response.json()["errors"] == []
