from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

TOKEN = "/webapi/Token"
SOCIAL = "/webapi/api/v1/customers/me/socialCredentials"
JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "application/xml", "Accept": "application/xml"}


def grant(client: TestClient, user: str, password: str | None = None) -> dict:
    form = {"grant_type": "password", "username": user, "password": password or PASSWORDS[user]}
    response = client.post(TOKEN, data=form)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def bearer(client: TestClient) -> Callable[..., dict[str, str]]:
    """``Authorization`` headers for a demo user, through the OWIN token endpoint."""

    def headers(user: str = "customer11@1to1service.com") -> dict[str, str]:
        return {"Authorization": f"Bearer {grant(client, user)['access_token']}"}

    return headers


def canonical_xml(buf: bytes) -> str:
    """XML compared as data: canonical form, white space between elements dropped."""
    return ElementTree.canonicalize(buf.decode(), strip_text=True)
