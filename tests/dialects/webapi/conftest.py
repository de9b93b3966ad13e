"""A bearer token for a demo user (the paths and the grant are in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import JOHN, webapi_grant


@pytest.fixture
def bearer(client: TestClient) -> Callable[..., dict[str, str]]:
    """``Authorization`` headers for a demo user, through the OWIN token endpoint."""

    def headers(user: str = JOHN) -> dict[str, str]:
        return {"Authorization": f"Bearer {webapi_grant(client, user)['access_token']}"}

    return headers
