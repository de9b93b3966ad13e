"""The authorization matrix of both ServiceStack sites: every role x own / same company /
other company, in one table. Outcomes are read from ServiceStack's own status codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from tests.conftest import JOHN_ID, WALTER_ID
from tests.dialects.servicestack.conftest import sign_in

OK, DENIED, NOBODY, MISSING, EMPTY = "ok", "forbidden", "unauthenticated", "not found", "empty"
OUTCOMES = {200: OK, 401: NOBODY, 403: DENIED, 404: MISSING}

CALLERS: dict[str, str | None] = {
    "anonymous": None,
    "self (John)": "customer11@1to1service.com",
    "other customer (Jane)": "jane@demo.local",
    "agent": "agent@demo.local",
    "admin": "admin@demo.local",
    "other company admin": "admin@other.local",
}


def pf_links(client: TestClient) -> str:
    return OUTCOMES[client.get(f"/pf/api/contacts/{JOHN_ID}/links").status_code]


def bm_update_john(client: TestClient) -> str:
    response = client.put(f"/bokamera/customers/{JOHN_ID}", json={"Phone": "+46 70 1"})
    return OUTCOMES[response.status_code]


def bm_update_john_email(client: TestClient) -> str:
    response = client.put(f"/bokamera/customers/{JOHN_ID}", json={"Email": "j@deer.se"})
    return OUTCOMES[response.status_code]


def bm_update_walter_email(client: TestClient) -> str:
    response = client.put(f"/bokamera/customers/{WALTER_ID}", json={"Email": "w@demo.local"})
    return OUTCOMES[response.status_code]


def bm_find_john(client: TestClient) -> str:
    response = client.get(f"/bokamera/customers?Id={JOHN_ID}")
    if response.status_code != 200:
        return OUTCOMES[response.status_code]
    return OK if response.json().get("Results") else EMPTY


ACTIONS: dict[tuple[str, str], Callable[[TestClient], str]] = {
    ("pf", "links of John"): pf_links,
    ("bokamera", "update John"): bm_update_john,
    ("bokamera", "change John's e-mail"): bm_update_john_email,
    ("bokamera", "change Walter's e-mail (no account)"): bm_update_walter_email,
    ("bokamera", "find John"): bm_find_john,
}

#: (site, operation) -> outcome per caller, in CALLERS order.
MATRIX: dict[tuple[str, str], tuple[str, ...]] = {
    ("pf", "links of John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("bokamera", "update John"): (NOBODY, OK, DENIED, OK, OK, MISSING),
    ("bokamera", "change John's e-mail"): (NOBODY, OK, DENIED, DENIED, DENIED, MISSING),
    ("bokamera", "change Walter's e-mail (no account)"): (NOBODY, DENIED, DENIED, OK, OK, MISSING),
    ("bokamera", "find John"): (NOBODY, OK, EMPTY, OK, OK, EMPTY),
}

CASES = [
    (site, operation, caller, expected)
    for (site, operation), outcomes in MATRIX.items()
    for caller, expected in zip(CALLERS, outcomes, strict=True)
]


@pytest.mark.parametrize(("site", "operation", "caller", "expected"), CASES)
def test_authorization_matrix(
    client: TestClient, core: Core, site: str, operation: str, caller: str, expected: str
) -> None:
    user = CALLERS[caller]
    if user is not None:
        sign_in(client, site, user)
    admin = core.auth.login("admin@demo.local", "demo-admin")
    before = [core.profiles.get(admin, id) for id in (JOHN_ID, WALTER_ID)]
    assert ACTIONS[(site, operation)](client) == expected
    if expected != OK:
        assert [core.profiles.get(admin, id) for id in (JOHN_ID, WALTER_ID)] == before
