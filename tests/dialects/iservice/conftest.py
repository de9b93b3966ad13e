"""An iService session for a demo user (the paths and calls are in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import iservice_login


@pytest.fixture
def login_as(client: TestClient) -> Callable[[str], TestClient]:
    """Log ``client`` in through iService's own login call (a fresh session); the client."""

    def login(user: str) -> TestClient:
        client.cookies.clear()
        return iservice_login(client, user)

    return login
