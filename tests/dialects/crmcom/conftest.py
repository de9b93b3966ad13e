"""A CRM.COM token for a demo user (the paths and calls are in tests/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import crmcom_login


@pytest.fixture
def token_of(client: TestClient) -> Callable[..., str]:
    """A token for a demo user, through CRM.COM's own login method."""

    def issue(user: str = "admin@demo.local", organisation: str = "DEMO") -> str:
        body = crmcom_login(client, user, organisation)
        assert body["status"]["code"] == "OK", body
        return body["data"]["token"]

    return issue
