"""The authorization matrix: every protected operation x every kind of caller, in one table.

Callers: anonymous, the customer itself, another customer, an agent and an admin of the same
company, an admin of another company. Outcomes are read from each dialect's own answer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from tests.security.conftest import LOGINS

OK, DENIED, NOBODY, MISSING = "ok", "forbidden", "unauthenticated", "not found"

CALLERS: dict[str, str | None] = {
    "anonymous": None,
    "self": "customer11@1to1service.com",
    "other customer": "jane@demo.local",
    "agent": "agent@demo.local",
    "admin": "admin@demo.local",
    "other company admin": "admin@other.local",
}

# -- iService ---------------------------------------------------------------------------------

IS = "/iservice/f"
IS_OUTCOMES = {
    "You must be logged in to perform this action.": NOBODY,
    "You do not have access to this contact.": DENIED,
    "The customer 466 was not found.": MISSING,
}


def iservice_outcome(body: dict) -> str:
    return IS_OUTCOMES[body["errors"][0]] if body["errors"] else OK


def iservice_get(client: TestClient) -> str:
    return iservice_outcome(
        client.get(f"{IS}/webapp-api-custinfo?api=getdetails&contactID=466").json()
    )


def iservice_set(client: TestClient) -> str:
    change = {"contactID": 466, "details": {"properties": [{"propertyID": "6", "values": []}]}}
    return iservice_outcome(
        client.post(f"{IS}/webapp-api-custinfo?api=setdetails", json=change).json()
    )


# -- CRM.COM ----------------------------------------------------------------------------------

CC = "/crmcom/customer_events"
CC_OUTCOMES = {
    "MandatoryFieldException": NOBODY,
    "NotAllowedException": DENIED,
    "NotFoundAPIValueException": MISSING,
}
JOHNS_EVENT = {
    "request_unique_identifier": "1",
    "accounts_receivable_identifier": {"number": "ACR0000000164"},
    "performed_by_unit_identifier": {"name": "Admin Unit"},
    "performed_on": "2016-06-22T15:00:00",
    "social_media": "FACEBOOK",
    "profile": "www.facebook.com/john",
    "action": "LIKE",
}


def crmcom_token(client: TestClient) -> dict[str, str]:
    token = client.headers.get("X-Test-Crmcom-Token")
    return {"token": token} if token else {}


def crmcom_outcome(body: dict) -> str:
    if body["status"]["code"] != "OK":
        return CC_OUTCOMES[body["status"]["code"]]
    if isinstance(body["data"], list):
        return OK
    refused = body["data"].get("unprocessed_customer_events_set") or []
    return CC_OUTCOMES[refused[0]["error_code"]] if refused else OK


def crmcom_create(client: TestClient) -> str:
    body = {**crmcom_token(client), "social_media_customer_events_set": [JOHNS_EVENT]}
    return crmcom_outcome(client.post(f"{CC}/bulk/social_media/create", json=body).json())


def crmcom_list(client: TestClient) -> str:
    query = {**crmcom_token(client), "accounts_receivable_identifier": {"number": "ACR0000000164"}}
    return crmcom_outcome(client.post(f"{CC}/social_media/list", json=query).json())


ACTIONS: dict[tuple[str, str], Callable[[TestClient], str]] = {
    ("crmcom", "bulk create John's event"): crmcom_create,
    ("crmcom", "list John's events"): crmcom_list,
    ("iservice", "getdetails John"): iservice_get,
    ("iservice", "setdetails John"): iservice_set,
}

#: (dialect, operation) -> the outcome for each caller, in CALLERS order.
MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
    ("crmcom", "bulk create John's event"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("crmcom", "list John's events"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("iservice", "getdetails John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("iservice", "setdetails John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
}

CASES = [
    (dialect, operation, caller, expected)
    for (dialect, operation), outcomes in MATRIX.items()
    for caller, expected in zip(CALLERS, outcomes, strict=True)
]


@pytest.mark.parametrize(("dialect", "operation", "caller", "expected"), CASES)
def test_authorization_matrix(
    client: TestClient, core: Core, dialect: str, operation: str, caller: str, expected: str
) -> None:
    user = CALLERS[caller]
    if user is not None:
        LOGINS[dialect](client, user)
    before = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=466)
    assert ACTIONS[(dialect, operation)](client) == expected
    if expected != OK:
        after = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=466)
        assert after == before
