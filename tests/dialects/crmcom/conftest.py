from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import PASSWORDS

TOKEN = "/crmcom/authentication/token"
RELEASE = "/crmcom/authentication/token/release"
KEY_TOKEN = "/crmcom/authentication/web_api_key/token"
BULK = "/crmcom/customer_events/bulk/social_media/create"
SHOW = "/crmcom/customer_events/social_media/show"
LIST = "/crmcom/customer_events/social_media/list"


def login(client: TestClient, user: str, organisation: str = "DEMO", **extra: str) -> dict:
    body = {"username": user, "password": PASSWORDS[user], "organisation": organisation, **extra}
    response = client.post(TOKEN, json=body)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def token_of(client: TestClient) -> Callable[..., str]:
    """A token for a demo user, through CRM.COM's own login method."""

    def issue(user: str = "admin@demo.local", organisation: str = "DEMO") -> str:
        body = login(client, user, organisation)
        assert body["status"]["code"] == "OK", body
        return body["data"]["token"]

    return issue


def event(rid: str = "1", **fields: object) -> dict:
    """A valid bulk item for John Deer's account; ``fields`` override or add members."""
    item: dict[str, object] = {
        "request_unique_identifier": rid,
        "accounts_receivable_identifier": {"number": "ACR0000000164"},
        "performed_by_unit_identifier": {"name": "Admin Unit"},
        "performed_on": "2016-06-22T15:00:00",
        "social_media": "FACEBOOK",
        "profile": "www.facebook.com/polina",
        "action": "LIKE",
    }
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


def bulk(client: TestClient, token: str | None, *items: dict, **extra: object) -> dict:
    body: dict[str, object] = {"social_media_customer_events_set": list(items), **extra}
    if token is not None:
        body["token"] = token
    response = client.post(BULK, json=body)
    assert response.status_code == 200
    return response.json()
