"""Logging in to a ServiceStack site the way its clients do (``sign_in`` is in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import sign_in


@pytest.fixture
def login_as(client: TestClient) -> Callable[[str, str], TestClient]:
    def login(site: str, user: str) -> TestClient:
        sign_in(client, site, user)
        return client

    return login
