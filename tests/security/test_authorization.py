"""The authorization matrix: every protected operation x every kind of caller, in one table.

Callers: anonymous, the customer itself, another customer, an agent and an admin of the same
company, an admin of another company. Outcomes are read from each dialect's own answer; a
refused call must leave John's and Walter's stored data as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from tests.helpers import JOHN_ID, LOGINS, WALTER_ID, crmcom_event

OK, DENIED, NOBODY, MISSING, EMPTY = "ok", "forbidden", "unauthenticated", "not found", "empty"
CONFLICT = "conflict"

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
JOHNS_EVENT = crmcom_event(profile="www.facebook.com/john")


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


# -- ASP.NET Web API (``customers/me``: only a customer has one; [Authorize] answers 401) ------

WA = "/webapi/api/v1/customers/me/socialCredentials"
JOHNS_ACCOUNT = "fb000000-0000-4000-8000-000000000466"
WA_OUTCOMES = {200: OK, 401: NOBODY, 409: CONFLICT}


def webapi_list(client: TestClient) -> str:
    """Whether the caller's list shows John's Facebook account."""
    response = client.get(WA)
    if response.status_code != 200:
        return WA_OUTCOMES[response.status_code]
    return OK if any(a["id"] == JOHNS_ACCOUNT for a in response.json()) else EMPTY


def webapi_save_over_johns(client: TestClient) -> str:
    account = {"id": JOHNS_ACCOUNT, "provider": "Facebook", "externalId": "john.deer"}
    return WA_OUTCOMES[client.post(WA, json=account).status_code]


# -- ServiceStack sites (PF, BokaMera): ServiceStack's own status codes -----------------------

SS_OUTCOMES = {200: OK, 401: NOBODY, 403: DENIED, 404: MISSING}


def pf_links(client: TestClient) -> str:
    return SS_OUTCOMES[client.get(f"/pf/api/contacts/{JOHN_ID}/links").status_code]


def bm_update(contact: str, change: dict[str, str]) -> Callable[[TestClient], str]:
    def action(client: TestClient) -> str:
        return SS_OUTCOMES[client.put(f"/bokamera/customers/{contact}", json=change).status_code]

    return action


def bm_find_john(client: TestClient) -> str:
    response = client.get(f"/bokamera/customers?Id={JOHN_ID}")
    if response.status_code != 200:
        return SS_OUTCOMES[response.status_code]
    return OK if response.json().get("Results") else EMPTY


ACTIONS: dict[tuple[str, str], Callable[[TestClient], str]] = {
    ("crmcom", "bulk create John's event"): crmcom_create,
    ("crmcom", "list John's events"): crmcom_list,
    ("iservice", "getdetails John"): iservice_get,
    ("iservice", "setdetails John"): iservice_set,
    ("webapi", "list my social accounts"): webapi_list,
    ("webapi", "save over John's account"): webapi_save_over_johns,
    ("pf", "links of John"): pf_links,
    ("bokamera", "update John"): bm_update(JOHN_ID, {"Phone": "+46 70 1"}),
    ("bokamera", "change John's e-mail"): bm_update(JOHN_ID, {"Email": "j@deer.se"}),
    ("bokamera", "change Walter's e-mail (no account)"): bm_update(
        WALTER_ID, {"Email": "w@demo.local"}
    ),
    ("bokamera", "find John"): bm_find_john,
}

#: (dialect, operation) -> the outcome for each caller, in CALLERS order.
MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
    ("crmcom", "bulk create John's event"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("crmcom", "list John's events"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("iservice", "getdetails John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("iservice", "setdetails John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("webapi", "list my social accounts"): (NOBODY, OK, EMPTY, NOBODY, NOBODY, NOBODY),
    ("webapi", "save over John's account"): (NOBODY, OK, CONFLICT, NOBODY, NOBODY, NOBODY),
    ("pf", "links of John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("bokamera", "update John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("bokamera", "change John's e-mail"): (NOBODY, OK, DENIED, DENIED, DENIED, MISSING),
    ("bokamera", "change Walter's e-mail (no account)"): (NOBODY, DENIED, DENIED, OK, OK, MISSING),
    ("bokamera", "find John"): (NOBODY, OK, EMPTY, OK, OK, EMPTY),
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
    before = stored(core)
    assert ACTIONS[(dialect, operation)](client) == expected
    if expected not in (OK, EMPTY):
        assert stored(core) == before


def stored(core: Core) -> list[object]:
    """What a refused call must not change: John's and Walter's records and social accounts."""
    admin = core.auth.login("admin@demo.local", "demo-admin")
    john = core.auth.login("customer11@1to1service.com", "demo-customer")
    return [
        core.customers.get(admin, number=466),
        *(core.profiles.get(admin, id) for id in (JOHN_ID, WALTER_ID)),
        core.social.list(john),
    ]
