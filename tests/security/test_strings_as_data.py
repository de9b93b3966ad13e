"""SQL-, path- and markup-looking strings are data: stored and read back exactly as sent."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from core.models import Customer
from core.services import Core
from tests.helpers import ISERVICE_CUSTINFO, JOHN, LOGINS

STRINGS = [
    "Robert'); DROP TABLE customers;--",
    "' OR '1'='1",
    "%_\\ LIKE '%'",
    "../../etc/passwd",
    "<script>alert(1)</script>&amp;",
    "\u202eevil\u200bzero-width",
    '{"$ne": null}',
    "\uff46\uff55\uff4c\uff4c \U0001f98c",
]


@pytest.mark.parametrize("value", STRINGS)
def test_iservice_stores_odd_strings_verbatim(client: TestClient, core: Core, value: str) -> None:
    LOGINS["iservice"](client, JOHN)
    count = core.store.count(Customer)
    change = {
        "contactID": 466,
        "details": {"properties": [{"propertyID": "6", "values": [{"value": value}]}]},
    }
    assert client.post(f"{ISERVICE_CUSTINFO}?api=setdetails", json=change).json()["errors"] == []
    body = client.get(f"{ISERVICE_CUSTINFO}?api=getdetails&contactID=466").json()
    company = next(p for p in body["details"]["properties"] if p["propertyID"] == "6")
    assert company["values"] == [{"value": value}]
    assert core.store.count(Customer) == count


def test_nul_characters_are_refused_in_every_store(client: TestClient, core: Core) -> None:
    LOGINS["iservice"](client, JOHN)
    change = {
        "contactID": 466,
        "details": {"properties": [{"propertyID": "6", "values": [{"value": "a\u0000b"}]}]},
    }
    body = client.post(f"{ISERVICE_CUSTINFO}?api=setdetails", json=change).json()
    assert body == {
        "errors": ["text may not contain NUL characters"],
        "errorDetails": ["property_values: invalid"],
    }
