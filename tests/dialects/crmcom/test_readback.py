"""customer_events/social_media/show and list: what a bulk call created reads back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from tests.helpers import CRMCOM_LIST, CRMCOM_SHOW, FakeClock, crmcom_bulk, crmcom_event


@pytest.fixture
def created(client: TestClient, token_of: Callable[..., str], clock: FakeClock) -> str:
    """Two events for John (one classified, with an external reference) and one for Jane."""
    token = token_of()
    crmcom_bulk(
        client,
        token,
        crmcom_event(
            "a",
            classification_identifier={"name": "Social Media"},
            external_system_reference_number="FB-1",
            udf_string_1="x",
            udf_float_2=2.5,
            udf_date_3="2020-01-01",
        ),
    )
    clock.advance(hours=1)
    crmcom_bulk(client, token, crmcom_event("b", performed_on="2016-06-23T09:30:00Z"))
    crmcom_bulk(
        client, token, crmcom_event("c", accounts_receivable_identifier={"number": "ACR0000000050"})
    )
    return token


def show(client: TestClient, token: str | None, identifier: str, **query: str) -> dict:
    params = {"customer_event_identifier": identifier, **query}
    if token is not None:
        params["token"] = token
    response = client.get(CRMCOM_SHOW, params=params)
    assert response.status_code == 200
    return response.json()


def test_show_returns_every_member_of_the_event(client: TestClient, created: str) -> None:
    answer = show(client, created, "number=1")
    assert answer["status"]["code"] == "OK"
    data = answer["data"]
    assert data["number"] == "1"
    assert (data["type"], data["life_cycle_state"]) == ("SOCIAL_MEDIA", "POSTED")
    assert data["performed_on"] == "2016-06-22T15:00:00"
    assert (data["social_media"], data["profile"], data["action"]) == (
        "FACEBOOK",
        "www.facebook.com/polina",
        "LIKE",
    )
    assert (data["udf_string_1"], data["udf_float_2"], data["udf_date_3"]) == (
        "x",
        2.5,
        "2020-01-01T00:00:00",
    )
    assert data["udf_string_2"] is None
    assert data["classification"] == {
        "id": "D1B2C3D4E5F60718293A4B5C6D7E8F93",
        "name": "Social Media",
        "alternative_code": "SM",
    }
    assert data["performed_by_unit"]["name"] == "Admin Unit"
    assert data["accounts_receivable"]["number"] == "ACR0000000164"
    assert data["rewards_participant"]["number"] == "RP0000000164"
    assert show(client, created, f"id={data['id']}")["data"] == data
    assert show(client, created, "external_system_reference_number=FB-1")["data"] == data


#: The "Response Data" table of GET customer_events/social_media/show, member -> documented type
#: (crmdevelopment.atlassian.net/wiki/pages/viewpage.action?pageId=952093, version 12).
DOCUMENTED = {
    "id": str,
    "number": str,
    "type": str,
    "life_cycle_state": str,
    "performed_on": str,
    "description": str,
    "process_immediately": bool,
    "social_media": str,
    "profile": str,
    "action": str,
    "external_system": str,
    "external_system_reference_number": str,
    "total_awarded_amount": float,
    "total_awarded_alternative_amount": float,
    **{f"udf_string_{i}": str for i in range(1, 9)},
    **{f"udf_float_{i}": float for i in range(1, 5)},
    **{f"udf_date_{i}": str for i in range(1, 5)},
    "classification": dict,
    "performed_by_unit": dict,
    "accounts_receivable": dict,
    "rewards_participant": dict,
}


def test_show_carries_every_member_of_the_documented_response_table(
    client: TestClient, created: str
) -> None:
    """Every member the vendor's response table lists is present, null or of its documented
    type (Date members are strings on the wire, Number/Float ones JSON numbers)."""
    data = show(client, created, "number=1")["data"]
    assert set(DOCUMENTED) <= set(data)
    for name, kind in DOCUMENTED.items():
        value = data[name]
        assert value is None or isinstance(value, kind) or (kind is float and type(value) is int), (
            name
        )
    assert data["process_immediately"] is False
    assert (data["total_awarded_amount"], data["total_awarded_alternative_amount"]) == (0, 0)


def test_show_honours_fields_set(client: TestClient, created: str) -> None:
    data = show(client, created, "number=2", fields_set="number,performed_on")["data"]
    assert data == {"number": "2", "performed_on": "2016-06-23T09:30:00"}


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("number=99", "NotFoundAPIValueException"),
        ("number=abc", "NotFoundAPIValueException"),
        ("id=00", "NotFoundAPIValueException"),
        ("", "MandatoryFieldException"),
        ("colour=red", "MandatoryFieldException"),
    ],
)
def test_show_refuses_unknown_events(
    client: TestClient, created: str, identifier: str, code: str
) -> None:
    answer = show(client, created, identifier)
    assert (answer["data"], answer["status"]["code"]) == (None, code)


def test_show_needs_a_token_of_the_same_organisation(
    client: TestClient, created: str, token_of: Callable[..., str]
) -> None:
    assert show(client, None, "number=1")["status"]["code"] == "MandatoryFieldException"
    other = token_of("admin@other.local", "OTHER")
    assert show(client, other, "number=1")["status"]["code"] == "NotFoundAPIValueException"


def test_a_customer_sees_only_its_own_events(
    client: TestClient, created: str, token_of: Callable[..., str]
) -> None:
    john = token_of("customer11@1to1service.com")
    assert show(client, john, "number=1")["status"]["code"] == "OK"
    assert show(client, john, "number=3")["status"]["code"] == "NotAllowedException"
    by_class = client.post(
        CRMCOM_LIST, json={"token": john, "classification_identifier": {"alternative_code": "SM"}}
    ).json()
    assert [e["number"] for e in by_class["data"]] == ["1"]
    janes = client.post(
        CRMCOM_LIST,
        json={"token": john, "accounts_receivable_identifier": {"number": "ACR0000000050"}},
    ).json()
    assert janes["status"]["code"] == "NotAllowedException"


def numbers(answer: dict) -> list[str]:
    assert answer["status"]["code"] == "OK", answer
    return [e["number"] for e in answer["data"]]


def test_list_by_account_participant_or_classification(client: TestClient, created: str) -> None:
    def post(**body: object) -> dict:
        return client.post(CRMCOM_LIST, json={"token": created, **body}).json()

    assert numbers(post(accounts_receivable_identifier={"number": "ACR0000000164"})) == ["1", "2"]
    assert numbers(post(rewards_participant_identifier={"number": "RP0000000164"})) == ["1", "2"]
    assert numbers(post(classification_identifier={"name": "Social Media"})) == ["1"]
    paged = post(
        accounts_receivable_identifier={"name": "John Deer"}, number_of_results=1, offset=1
    )
    assert numbers(paged) == ["2"]
    after = post(
        accounts_receivable_identifier={"id": "4F0A1B2C3D4E5F60718293A4B5C6D164"},
        submitted_after_date="2026-11-23T08:30:00",
        submitted_before_date="2026-11-24",
        fields_set="number",
    )
    assert after["data"] == [{"number": "2"}]


def test_list_over_get_with_identifiers_in_the_query(client: TestClient, created: str) -> None:
    response = client.get(
        CRMCOM_LIST,
        params={
            "token": created,
            "accounts_receivable_identifier": "number=ACR0000000050",
            "number_of_results": "5",
        },
    )
    assert numbers(response.json()) == ["3"]
    bad = client.get(CRMCOM_LIST, params={"token": created, "offset": "many"}).json()
    assert bad["status"]["code"] == "InvalidValueException"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MandatoryFieldException"),
        ({"accounts_receivable_identifier": {"number": "NOPE"}}, "NotFoundAPIValueException"),
        ({"classification_identifier": {"name": "Nope"}}, "NotFoundAPIValueException"),
        (
            {"accounts_receivable_identifier": {"number": "ACR0000000164"}, "offset": -1},
            "InvalidValueException",
        ),
        (
            {
                "accounts_receivable_identifier": {"number": "ACR0000000164"},
                "number_of_results": -2,
            },
            "InvalidValueException",
        ),
        (
            {
                "accounts_receivable_identifier": {"number": "ACR0000000164"},
                "submitted_after_date": "yesterday",
            },
            "InvalidValueException",
        ),
    ],
)
def test_list_refusals(client: TestClient, created: str, body: dict, code: str) -> None:
    answer = client.post(CRMCOM_LIST, json={"token": created, **body}).json()
    assert (answer["data"], answer["status"]["code"]) == (None, code)
