"""customer_events/bulk/social_media/create: seed 001, every field, each error path."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from core.models import CustomerEvent
from core.services import Core
from tests.golden import golden, json_in_order
from tests.helpers import CRMCOM_BULK, JANE_ID, JOHN_ID, crmcom_bulk, crmcom_event

SEED_REQUEST = golden("001/bulk-create-request.json")
SEED_RESPONSE = golden("001/bulk-create-response.json")
HEX32 = re.compile(r"[0-9A-F]{32}")


def shape(value: object) -> object:
    """The JSON structure with generated ids and numbers blanked."""
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, tuple):
        key, inner = value
        return (key, "*" if key in ("id", "number") else shape(inner))
    return value


def unprocessed(answer: dict) -> list[tuple[str, str]]:
    rows = answer["data"]["unprocessed_customer_events_set"]
    return [(r["error_code"], r["error_description"]) for r in rows]


def test_seed_example_1_verbatim(
    client: TestClient, core: Core, token_of: Callable[..., str]
) -> None:
    body = SEED_REQUEST.replace(b"{{token}}", token_of().encode())
    response = client.post(CRMCOM_BULK, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert shape(json_in_order(response.content)) == shape(json_in_order(SEED_RESPONSE))
    processed = response.json()["data"]["processed_customer_events_set"]
    assert all(HEX32.fullmatch(p["id"]) for p in processed)
    assert [p["number"] for p in processed] == ["1", "2"]
    stored = core.store.find(CustomerEvent, order_by="number")
    assert [(e.customer_id, e.kind, e.social_media, e.action) for e in stored] == [
        (uuid.UUID(JOHN_ID), "social_media", "FACEBOOK", "LIKE"),
        (uuid.UUID(JANE_ID), "social_media", "FACEBOOK", "LIKE"),
    ]
    assert stored[0].performed_on == datetime(2016, 6, 22, 15, 0, tzinfo=UTC)
    assert stored[1].profile == "www.facebook.com/katerina"


def test_every_field_is_stored(
    client: TestClient, core: Core, token_of: Callable[..., str]
) -> None:
    udfs = {f"udf_string_{i}": f"s{i}" for i in range(1, 9)}
    udfs |= {f"udf_float_{i}": i + 0.5 for i in range(1, 5)}
    udfs |= {f"udf_date_{i}": f"2020-01-0{i}T10:00:00+02:00" for i in range(1, 5)}
    item = crmcom_event(
        "full",
        rewards_participant_identifier={"number": "RP0000000164"},
        classification_identifier={"alternative_code": "SM"},
        performed_by_unit_identifier={"alternative_code": "SAL"},
        performed_on="2016-06-22T17:00:00+02:00",
        description="liked the page",
        external_system="fb-sync",
        external_system_reference_number="FB-1",
        **udfs,
    )
    answer = crmcom_bulk(client, token_of(), item)
    assert answer["status"]["code"] == "OK"
    (stored,) = core.store.find(CustomerEvent)
    assert stored.performed_on == datetime(2016, 6, 22, 15, 0, tzinfo=UTC)
    assert stored.classification_id == "D1B2C3D4E5F60718293A4B5C6D7E8F93"
    assert stored.unit_id == "B1B2C3D4E5F60718293A4B5C6D7E8F91"
    assert (stored.account_id, stored.participant_id) == (
        "4F0A1B2C3D4E5F60718293A4B5C6D164",
        "5A0A1B2C3D4E5F60718293A4B5C6D164",
    )
    assert (stored.description, stored.external_system, stored.external_reference) == (
        "liked the page",
        "fb-sync",
        "FB-1",
    )
    assert stored.udf_strings == [f"s{i}" for i in range(1, 9)]
    assert stored.udf_floats == [1.5, 2.5, 3.5, 4.5]
    assert stored.udf_dates == [datetime(2020, 1, i, 8, 0, tzinfo=UTC) for i in range(1, 5)]


@pytest.mark.parametrize(
    ("identifiers", "account"),
    [
        ({"accounts_receivable_identifier": {"id": "4F0A1B2C3D4E5F60718293A4B5C6D050"}}, "050"),
        ({"accounts_receivable_identifier": {"name": "Jane Roe"}}, "050"),
        (
            {
                "accounts_receivable_identifier": None,
                "rewards_participant_identifier": {"id": "5A0A1B2C3D4E5F60718293A4B5C6D164"},
            },
            "164",
        ),
        (
            {
                "accounts_receivable_identifier": None,
                "rewards_participant_identifier": {
                    "access_token_identifier": {"authentication_code": "AC0000000164"}
                },
            },
            "164",
        ),
        (
            {
                "accounts_receivable_identifier": None,
                "rewards_participant_identifier": {
                    "access_token_identifier": {"identifier": "CARD0000000164", "pass_code": "1640"}
                },
            },
            "164",
        ),
        (
            {
                "rewards_participant_identifier": {
                    "number": "RP0000000164",
                    "access_token_identifier": {"one_time_password": 164164},
                },
            },
            "164",
        ),
        ({"performed_by_unit_identifier": {"id": "A1B2C3D4E5F60718293A4B5C6D7E8F90"}}, "164"),
        ({"classification_identifier": {"name": "Social Media"}}, "164"),
        ({"classification_identifier": {"id": "D1B2C3D4E5F60718293A4B5C6D7E8F93"}}, "164"),
    ],
)
def test_every_identifier_kind(
    client: TestClient,
    core: Core,
    token_of: Callable[..., str],
    identifiers: dict,
    account: str,
) -> None:
    answer = crmcom_bulk(client, token_of(), crmcom_event(**identifiers))
    assert unprocessed(answer) == []
    (stored,) = core.store.find(CustomerEvent)
    assert stored.account_id == f"4F0A1B2C3D4E5F60718293A4B5C6D{account}"


NOT_FOUND = "NotFoundAPIValueException"
WHY_NOT_FOUND = " - Description:The specified API value was not found."


@pytest.mark.parametrize(
    ("fields", "code", "text"),
    [
        (
            {"performed_by_unit_identifier": {"name": "Nowhere"}},
            NOT_FOUND,
            "Error:Unit (Nowhere) Not Found." + WHY_NOT_FOUND,
        ),
        (
            {"performed_by_unit_identifier": {"number": "1"}},
            NOT_FOUND,
            "Error:Unit (1) Not Found." + WHY_NOT_FOUND,
        ),
        (
            {"classification_identifier": {"name": "Nope"}},
            NOT_FOUND,
            "Error:Customer Event Classification (Nope) Not Found." + WHY_NOT_FOUND,
        ),
        (
            {
                "accounts_receivable_identifier": None,
                "rewards_participant_identifier": {"number": "RP9"},
            },
            NOT_FOUND,
            "Error:Rewards Participant (RP9) Not Found." + WHY_NOT_FOUND,
        ),
        (
            {
                "accounts_receivable_identifier": None,
                "rewards_participant_identifier": {
                    "access_token_identifier": {"authentication_code": "AC0000000165"}
                },
            },
            NOT_FOUND,
            "Error:Access Token (AC0000000165) Not Found." + WHY_NOT_FOUND,
        ),
        (
            {
                "rewards_participant_identifier": {
                    "access_token_identifier": {"identifier": "CARD0000000164", "pass_code": "0000"}
                }
            },
            "InvalidValueException",
            "Error:Invalid value (CARD0000000164) for pass_code. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {
                "rewards_participant_identifier": {
                    "access_token_identifier": {"identifier": "CARD0000000164"}
                }
            },
            "MandatoryFieldException",
            "Error:Mandatory fields (pass_code) not specified. - "
            "Description:A mandatory API value was not specified.",
        ),
        (
            {
                "accounts_receivable_identifier": {"number": "ACR0000000050"},
                "rewards_participant_identifier": {"number": "RP0000000164"},
            },
            "InvalidValueException",
            "Error:Invalid value (RP0000000164) for rewards_participant_identifier. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {"social_media": "TWITTER"},
            "InvalidValueException",
            "Error:Invalid value (TWITTER) for social_media. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {"action": "SHARE"},
            "InvalidValueException",
            "Error:Invalid value (SHARE) for action. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {"performed_on": "22/06/2016"},
            "InvalidValueException",
            "Error:Invalid value (22/06/2016) for performed_on. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {"udf_date_2": "soon"},
            "InvalidValueException",
            "Error:Invalid value (soon) for udf_date_2. - "
            "Description:The specified API value is not valid.",
        ),
        (
            {
                "performed_by_unit_identifier": {},
                "accounts_receivable_identifier": None,
                "performed_on": None,
                "social_media": None,
                "profile": "",
                "action": None,
            },
            "MandatoryFieldException",
            "Error:Mandatory fields (performed_by_unit_identifier, accounts_receivable_identifier"
            " or rewards_participant_identifier, performed_on, social_media, profile, action) not"
            " specified. - Description:A mandatory API value was not specified.",
        ),
    ],
)
def test_a_bad_item_is_unprocessed_and_the_good_ones_are_kept(
    client: TestClient,
    core: Core,
    token_of: Callable[..., str],
    fields: dict,
    code: str,
    text: str,
) -> None:
    answer = crmcom_bulk(
        client,
        token_of(),
        crmcom_event("good-1"),
        crmcom_event("bad", **fields),
        crmcom_event("good-2"),
    )
    assert answer["status"]["code"] == "OK"
    assert answer["data"]["unprocessed_customer_events_set"] == [
        {"error_description": text, "error_code": code, "request_unique_identifier": "bad"}
    ]
    processed = answer["data"]["processed_customer_events_set"]
    assert [p["request_unique_identifier"] for p in processed] == ["good-1", "good-2"]
    assert core.store.count(CustomerEvent) == 2


def test_an_item_without_request_identifier_is_unprocessed(
    client: TestClient, token_of: Callable[..., str]
) -> None:
    answer = crmcom_bulk(client, token_of(), crmcom_event(request_unique_identifier=None))
    (row,) = answer["data"]["unprocessed_customer_events_set"]
    assert row["error_code"] == "MandatoryFieldException"
    assert row["request_unique_identifier"] is None


def test_a_customer_creates_events_only_for_itself(
    client: TestClient, token_of: Callable[..., str]
) -> None:
    token = token_of("customer11@1to1service.com")
    own = crmcom_event("own")
    janes = crmcom_event("janes", accounts_receivable_identifier={"number": "ACR0000000050"})
    answer = crmcom_bulk(client, token, own, janes)
    assert [
        p["request_unique_identifier"] for p in answer["data"]["processed_customer_events_set"]
    ] == ["own"]
    assert unprocessed(answer) == [
        (
            "NotAllowedException",
            "Error:Action not allowed. - Description:A customer may only access its own details.",
        )
    ]


@pytest.mark.parametrize(
    ("fields_set", "keys"),
    [
        ("id", ["id", "request_unique_identifier"]),
        ("number, request_unique_identifier", ["number", "request_unique_identifier"]),
        ("", ["number", "id", "request_unique_identifier"]),
    ],
)
def test_fields_set_picks_the_returned_fields(
    client: TestClient, token_of: Callable[..., str], fields_set: str, keys: list[str]
) -> None:
    answer = crmcom_bulk(client, token_of(), crmcom_event(), fields_set=fields_set)
    (row,) = answer["data"]["processed_customer_events_set"]
    assert list(row) == keys


def whole_call(answer: dict, code: str) -> None:
    assert answer["data"] is None
    assert answer["status"]["code"] == code
    assert answer["status"]["message"]


def test_more_than_1000_items_fail_the_whole_call(
    client: TestClient, core: Core, token_of: Callable[..., str]
) -> None:
    token = token_of()
    whole_call(
        crmcom_bulk(client, token, *[crmcom_event(str(i)) for i in range(1001)]),
        "InvalidValueException",
    )
    assert core.store.count(CustomerEvent) == 0
    answer = crmcom_bulk(client, token, *[crmcom_event(str(i)) for i in range(1000)])
    assert len(answer["data"]["processed_customer_events_set"]) == 1000


def test_an_empty_or_missing_set_is_a_mandatory_field(
    client: TestClient, token_of: Callable[..., str]
) -> None:
    token = token_of()
    whole_call(crmcom_bulk(client, token), "MandatoryFieldException")
    answer = client.post(CRMCOM_BULK, json={"token": token}).json()
    assert answer["status"]["message"] == (
        "Mandatory fields (social_media_customer_events_set) not specified."
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{bad json",
        b"",
        b"[]",
        b'"text"',
        b'{"token": 5}',
        b'{"token": "T", "social_media_customer_events_set": {"a": 1}}',
        b'{"token": "T", "social_media_customer_events_set": [{"udf_float_1": "x"}]}',
        b'{"social_media_customer_events_set": [{"performed_by_unit_identifier": 7}]}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_unreadable_or_mistyped_bodies_fail_the_whole_call(
    client: TestClient, core: Core, body: bytes
) -> None:
    response = client.post(CRMCOM_BULK, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    whole_call(response.json(), "InvalidValueException")
    assert core.store.count(CustomerEvent) == 0


@pytest.mark.parametrize(
    "body", [b'{"token": "\xff"}', '{"token": "\udcff"}'.encode("utf-8", "surrogatepass")]
)
def test_invalid_utf8_in_a_string_is_a_decode_error(client: TestClient, body: bytes) -> None:
    response = client.post(CRMCOM_BULK, content=body)
    assert response.status_code == 200
    whole_call(response.json(), "InvalidValueException")


def test_transport_failures_keep_their_status_in_the_envelope(client: TestClient) -> None:
    wrong_verb = client.get(CRMCOM_BULK)
    assert wrong_verb.status_code == 405
    assert wrong_verb.json()["status"]["code"] == "WebAPIException"
    too_large = client.post(CRMCOM_BULK, content=b" " * (1024 * 1024 + 1))
    assert too_large.status_code == 413
    assert too_large.json()["data"] is None


def test_numbers_run_per_organisation(client: TestClient, token_of: Callable[..., str]) -> None:
    demo, other = token_of(), token_of("admin@other.local", "OTHER")
    theirs = crmcom_event(accounts_receivable_identifier={"number": "ACR0000000900"})
    assert (
        crmcom_bulk(client, demo, crmcom_event())["data"]["processed_customer_events_set"][0][
            "number"
        ]
        == "1"
    )
    assert (
        crmcom_bulk(client, other, theirs)["data"]["processed_customer_events_set"][0]["number"]
        == "1"
    )
    assert (
        crmcom_bulk(client, demo, crmcom_event())["data"]["processed_customer_events_set"][0][
            "number"
        ]
        == "2"
    )


def test_secrets_never_reach_the_log(
    client: TestClient, token_of: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    token = token_of()
    secret_item = crmcom_event(
        rewards_participant_identifier={
            "access_token_identifier": {"identifier": "CARD0000000164", "pass_code": "1640"}
        }
    )
    with caplog.at_level("DEBUG"):
        crmcom_bulk(client, token, secret_item)
        client.post(CRMCOM_BULK, content=json.dumps({"token": token, "x": [1]}).encode() + b"}")
    assert token not in caplog.text
    assert "1640" not in caplog.text
    assert "demo-admin" not in caplog.text


def test_a_nul_character_refuses_only_its_own_item(
    client: TestClient, token_of: Callable[..., str]
) -> None:
    body = crmcom_bulk(
        client, token_of(), crmcom_event("bad", profile="p\u0000"), crmcom_event("good")
    )
    data = body["data"]
    assert [e["request_unique_identifier"] for e in data["processed_customer_events_set"]] == [
        "good"
    ]
    refused = data["unprocessed_customer_events_set"]
    assert [(e["request_unique_identifier"], e["error_code"]) for e in refused] == [
        ("bad", "InvalidValueException")
    ]
