"""Logging in to a ServiceStack site the way its clients do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

PF_HOST = {"Host": "pfapi.pstpf.com.au"}
BM_HOST = {"Host": "testapi.bokamera.se"}


def sign_in(client: TestClient, site: str, user: str, host: dict[str, str] | None = None) -> dict:
    """POST /auth/credentials on ``site`` (at its Host root when ``host`` names it: session
    cookies are scoped to where they were set); the AuthenticateResponse (cookies stay)."""
    client.cookies.clear()
    body = {"UserName": user, "Password": PASSWORDS[user]}
    path = "/auth/credentials" if host else f"/{site}/auth/credentials"
    response = client.post(path, json=body, headers=host or {})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def login_as(client: TestClient) -> Callable[[str, str], TestClient]:
    def login(site: str, user: str) -> TestClient:
        sign_in(client, site, user)
        return client

    return login
