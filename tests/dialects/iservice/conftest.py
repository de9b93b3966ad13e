from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

LOGIN = "/iservice/f/webapp-api-login"
CUSTINFO = "/iservice/f/webapp-api-custinfo"


@pytest.fixture
def login_as(client: TestClient) -> Callable[[str], TestClient]:
    """Log ``client`` in through iService's own login call; returns the client."""

    def login(user: str) -> TestClient:
        client.cookies.clear()
        response = client.post(
            f"{LOGIN}?api=login", json={"emailAddress": user, "password": PASSWORDS[user]}
        )
        assert response.status_code == 200, response.text
        assert response.json()["errors"] == []
        return client

    return login
