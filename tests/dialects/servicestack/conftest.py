"""Logging in to a ServiceStack site the way its clients do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

PF_HOST = {"Host": "pfapi.pstpf.com.au"}
BM_HOST = {"Host": "testapi.bokamera.se"}


def sign_in(client: TestClient, site: str, user: str) -> dict:
    """POST /auth/credentials on ``site``; the AuthenticateResponse (cookies stay)."""
    client.cookies.clear()
    body = {"UserName": user, "Password": PASSWORDS[user]}
    response = client.post(f"/{site}/auth/credentials", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def login_as(client: TestClient) -> Callable[[str, str], TestClient]:
    def login(site: str, user: str) -> TestClient:
        sign_in(client, site, user)
        return client

    return login
