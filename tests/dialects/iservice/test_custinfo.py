from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.models import Customer, CustomerLogin, Membership
from core.services import Core
from tests.golden import golden, json_in_order
from tests.helpers import ISERVICE_CUSTINFO, JOHN_ID

SEED_REQUEST = golden("003/setdetails-request.json")
SEED_RESPONSE = golden("003/setdetails-response.json")
JSON_HEADERS = {"Content-Type": "application/json"}


def post_details(client: TestClient, body: bytes | dict) -> dict:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(
        f"{ISERVICE_CUSTINFO}?api=setdetails", content=content, headers=JSON_HEADERS
    )
    assert response.status_code == 200
    return response.json()


def details(client: TestClient, contact: int | str = 466) -> dict:
    return client.get(f"{ISERVICE_CUSTINFO}?api=getdetails&contactID={contact}").json()


def test_the_seed_payload_verbatim_is_accepted(
    login_as: Callable[[str], TestClient], core: Core
) -> None:
    client = login_as("customer11@1to1service.com")
    response = client.post(
        f"{ISERVICE_CUSTINFO}?api=setdetails", content=SEED_REQUEST, headers=JSON_HEADERS
    )
    assert response.status_code == 200
    assert json_in_order(response.content) == json_in_order(SEED_RESPONSE)
    assert response.content == b'{"errors":[],"errorDetails":[]}'
    john = uuid.UUID(JOHN_ID)
    stored = core.store.get(Customer, john)
    assert (stored.first_name, stored.middle_initial, stored.last_name) == ("John", None, "Deer")
    memberships = core.store.find(Membership, customer_id=john)
    assert [m.segment_id for m in memberships] == [2, 3, 4, 5, 6, 7, 8, 10, 11, 12]
    logins = core.store.find(CustomerLogin, customer_id=john)
    assert [(x.name, x.kind) for x in logins] == [("customer11@1to1service.com", "email")]


def test_getdetails_shows_what_setdetails_saved(login_as: Callable[[str], TestClient]) -> None:
    client = login_as("customer11@1to1service.com")
    post_details(
        client,
        {
            "contactID": 466,
            "details": {
                "properties": [
                    {"propertyID": "1", "propertyName": "First Name", "values": [{"value": "Jon"}]},
                    {
                        "propertyID": "2",
                        "propertyName": "Middle Initial",
                        "values": [{"value": "Q"}],
                    },
                    {"propertyName": "Phone", "values": [{"value": "+46 70 1"}]},
                    {"propertyID": "7", "values": [{"value": "golf"}, {"value": "chess"}]},
                ],
                "setLogins": True,
                "logins": [
                    {"name": "customer11@1to1service.com", "type": "Email"},
                    {"name": "jon.deer", "type": "Google"},
                    {"name": "old@x.example", "type": "bounced"},
                ],
            },
            "membership": ["12", "2"],
        },
    )
    body = details(client)
    assert body["errors"] == []
    assert body["contactID"] == 466
    props = {
        p["propertyName"]: [v["value"] for v in p["values"]] for p in body["details"]["properties"]
    }
    assert props == {
        "First Name": ["Jon"],
        "Middle Initial": ["Q"],
        "Last Name": ["Deer"],
        "Email": ["customer11@1to1service.com"],
        "Phone": ["+46 70 1"],
        "Company Name": ["Deer Farming AB"],
        "Interests": ["golf", "chess"],
    }
    assert body["details"]["logins"] == [
        {"name": "customer11@1to1service.com", "type": "Email"},
        {"name": "jon.deer", "type": "Google"},
        {"name": "old@x.example", "type": "Bounced"},
    ]
    assert body["membership"] == ["2", "12"]
    assert list(body) == ["errors", "errorDetails", "contactID", "details", "membership"]


def test_without_setlogins_the_logins_stay(login_as: Callable[[str], TestClient]) -> None:
    client = login_as("customer11@1to1service.com")
    post_details(client, {"contactID": 466, "details": {"logins": [], "setLogins": False}})
    assert details(client)["details"]["logins"] != []
    assert details(client)["membership"] == ["2", "3", "4"]


def test_a_customer_cannot_touch_another_contact(
    login_as: Callable[[str], TestClient], core: Core
) -> None:
    client = login_as("customer11@1to1service.com")
    before = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=467)
    payload = json.loads(SEED_REQUEST.decode().replace("\xa0", " "))
    payload["contactID"] = 467
    body = post_details(client, payload)
    assert body == {
        "errors": ["You do not have access to this contact."],
        "errorDetails": ["Forbidden: a customer may only access its own details"],
    }
    assert details(client, 467)["errors"] == ["You do not have access to this contact."]
    after = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=467)
    assert after == before


@pytest.mark.parametrize(
    ("user", "contact", "allowed"),
    [
        ("agent@demo.local", 466, True),
        ("admin@demo.local", 468, True),
        ("jane@demo.local", 467, True),
        ("jane@demo.local", 466, False),
        ("admin@other.local", 466, False),
        ("admin@other.local", 901, True),
    ],
)
def test_access_matrix(
    login_as: Callable[[str], TestClient], user: str, contact: int, allowed: bool
) -> None:
    client = login_as(user)
    body = details(client, contact)
    assert (body["errors"] == []) is allowed
    change = {
        "contactID": contact,
        "details": {"properties": [{"propertyID": "3", "values": [{"value": "Changed"}]}]},
    }
    if contact == 901:
        change["details"]["properties"][0]["propertyID"] = "103"
    assert (post_details(client, change)["errors"] == []) is allowed


def test_other_companies_contacts_do_not_exist(login_as: Callable[[str], TestClient]) -> None:
    client = login_as("admin@other.local")
    assert details(client, 466) == {
        "errors": ["The customer 466 was not found."],
        "errorDetails": ["NotFound"],
    }


#: A valid middle initial: the other members of each change are what is wrong.
INITIAL = {"propertyID": "2", "values": [{"value": "ABC"}]}


@pytest.mark.parametrize(
    ("change", "errors", "error_details"),
    [
        (
            {
                "details": {
                    "properties": [
                        INITIAL,
                        {"propertyID": "99", "values": [{"value": "x"}]},
                        {"propertyID": "abc", "values": []},
                    ],
                    "setLogins": True,
                    "logins": [{"name": "x@y.example", "type": "Telepathy"}],
                },
                "membership": ["2", "two"],
            },
            [
                "Unknown property 'abc'",
                "Unknown login type 'Telepathy'",
                "Invalid segment ID 'two'",
            ],
            ["properties[2]: unknown", "logins[0].type: invalid", "membership: invalid"],
        ),
        (
            {"details": {"properties": [INITIAL, {"propertyID": "99", "values": []}]}},
            ["Unknown property ID 99", "'Middle Initial' must be 1 characters or fewer; 3 given"],
            None,
        ),
    ],
    ids=["shape", "values"],
)
def test_validation_errors_list_every_field(
    login_as: Callable[[str], TestClient],
    change: dict,
    errors: list[str],
    error_details: list[str] | None,
) -> None:
    body = post_details(login_as("customer11@1to1service.com"), {"contactID": 466, **change})
    assert body["errors"] == errors
    if error_details is not None:
        assert body["errorDetails"] == error_details


def test_getdetails_by_post_and_the_details_alias(login_as: Callable[[str], TestClient]) -> None:
    client = login_as("agent@demo.local")
    by_post = client.post(f"{ISERVICE_CUSTINFO}?api=getdetails", json={"contactID": "467"}).json()
    assert by_post["contactID"] == 467
    assert client.get(f"{ISERVICE_CUSTINFO}?api=details&contactID=467").json() == by_post


def test_not_logged_in(client: TestClient) -> None:
    body = post_details(client, SEED_REQUEST)
    assert body == {
        "errors": ["You must be logged in to perform this action."],
        "errorDetails": ["Unauthenticated: missing"],
    }
