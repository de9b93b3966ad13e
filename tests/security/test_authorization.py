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


ACTIONS: dict[tuple[str, str], Callable[[TestClient], str]] = {
    ("iservice", "getdetails John"): iservice_get,
    ("iservice", "setdetails John"): iservice_set,
}

#: (dialect, operation) -> the outcome for each caller, in CALLERS order.
MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
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
