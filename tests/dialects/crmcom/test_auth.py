"""authentication/token, token/release and web_api_key/token; token expiry and scope."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from dialects.crmcom.routes import API_KEY_KIND
from tests.helpers import (
    CRMCOM_BULK,
    CRMCOM_KEY_TOKEN,
    CRMCOM_RELEASE,
    CRMCOM_TOKEN,
    FakeClock,
    crmcom_bulk,
    crmcom_event,
    crmcom_login,
)

OK = {"code": "OK", "description": "", "message": ""}
API_KEY = "EE73C0AE64524371B5DDEFF5F7BB2192"


def basic(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:".encode()).decode()}


def test_login_answers_a_token_in_the_envelope(client: TestClient) -> None:
    response = client.post(
        CRMCOM_TOKEN,
        json={"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"},
    )
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["data", "status"]
    assert body["status"] == OK
    assert re.fullmatch(r"[0-9A-F]{32}", body["data"]["token"])


def test_organisation_code_is_case_insensitive_and_unit_is_checked(client: TestClient) -> None:
    assert crmcom_login(client, "agent@demo.local", "demo")["status"]["code"] == "OK"
    with_unit = crmcom_login(client, "agent@demo.local", unit="A1B2C3D4E5F60718293A4B5C6D7E8F90")
    assert with_unit["status"]["code"] == "OK"
    other_unit = crmcom_login(client, "agent@demo.local", unit="C1B2C3D4E5F60718293A4B5C6D7E8F92")
    assert other_unit["status"]["code"] == "NotFoundAPIValueException"
    assert other_unit["data"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"username": "admin@demo.local", "password": "wrong", "organisation": "DEMO"},
        {"username": "admin@demo.local", "password": "demo-admin", "organisation": "OTHER"},
        {"username": "admin@other.local", "password": "other-admin", "organisation": "DEMO"},
        {"username": "nobody@demo.local", "password": "x", "organisation": "DEMO"},
        {"username": "admin@demo.local", "password": "demo-admin"},
        {},
    ],
)
def test_bad_credentials_or_organisation_are_refused(client: TestClient, body: dict) -> None:
    answer = client.post(CRMCOM_TOKEN, json=body).json()
    assert answer["status"]["code"] == "AuthenticationException"
    assert answer["data"] is None
    assert "demo-admin" not in str(answer)


def test_a_released_token_no_longer_works(client: TestClient, token_of: Callable[..., str]) -> None:
    token = token_of()
    assert client.post(CRMCOM_RELEASE, json={"token": token}).json() == {"data": None, "status": OK}
    answer = crmcom_bulk(client, token, crmcom_event())
    assert answer["status"]["code"] == "InvalidTokenException"
    again = client.post(CRMCOM_RELEASE, json={"token": token}).json()
    assert again["status"]["code"] == "InvalidTokenException"


def test_a_token_expires_after_an_idle_hour_and_use_keeps_it(
    client: TestClient, token_of: Callable[..., str], clock: FakeClock
) -> None:
    token = token_of()
    clock.advance(minutes=50)
    assert crmcom_bulk(client, token, crmcom_event())["status"]["code"] == "OK"
    clock.advance(minutes=50)
    assert crmcom_bulk(client, token, crmcom_event())["status"]["code"] == "OK"
    clock.advance(minutes=61)
    answer = crmcom_bulk(client, token, crmcom_event())
    assert answer["status"] == {
        "code": "InvalidTokenException",
        "description": "Retrieve a new token through the login method.",
        "message": "Token has expired.",
    }


def test_missing_and_unknown_tokens(client: TestClient) -> None:
    assert crmcom_bulk(client, None, crmcom_event())["status"]["code"] == "MandatoryFieldException"
    unknown = crmcom_bulk(client, "0" * 32, crmcom_event())["status"]
    assert unknown["code"] == "InvalidTokenException"
    assert unknown["message"] == "Token is not valid."


def test_a_web_api_key_buys_a_two_hour_token(
    client: TestClient, core: Core, clock: FakeClock
) -> None:
    admin = core.auth.login("admin@demo.local", "demo-admin")
    core.sessions.open(admin, API_KEY_KIND, token=API_KEY)
    answer = client.post(CRMCOM_KEY_TOKEN, headers=basic(API_KEY)).json()
    assert answer["status"] == OK
    token = answer["data"]["token"]
    assert crmcom_bulk(client, token, crmcom_event())["status"]["code"] == "OK"
    with_unit = client.post(
        CRMCOM_KEY_TOKEN, headers=basic(API_KEY), json={"unit": "A1B2C3D4E5F60718293A4B5C6D7E8F90"}
    ).json()
    assert with_unit["status"] == OK
    clock.advance(minutes=119)
    assert crmcom_bulk(client, token, crmcom_event())["status"]["code"] == "OK"
    clock.advance(minutes=1)
    assert crmcom_bulk(client, token, crmcom_event())["status"]["code"] == "InvalidTokenException"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer x"}, {"Authorization": "Basic !!!"}, basic("UNKNOWNKEY")],
)
def test_bad_web_api_keys_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    answer = client.post(CRMCOM_KEY_TOKEN, headers=headers).json()
    assert answer["status"]["code"] == "AuthenticationException"


def test_a_token_only_acts_in_its_own_organisation(
    client: TestClient, token_of: Callable[..., str]
) -> None:
    other = token_of("admin@other.local", "OTHER")
    foreign = crmcom_bulk(client, other, crmcom_event())
    assert foreign["data"]["unprocessed_customer_events_set"] == [
        {
            "error_description": "Error:Account (ACR0000000164) Not Found. - "
            "Description:The specified API value was not found.",
            "error_code": "NotFoundAPIValueException",
            "request_unique_identifier": "1",
        }
    ]
    own = crmcom_bulk(
        client, other, crmcom_event(accounts_receivable_identifier={"number": "ACR0000000900"})
    )
    assert len(own["data"]["processed_customer_events_set"]) == 1


def test_methods_are_also_served_under_the_vendor_base_path(client: TestClient) -> None:
    body = {"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"}
    answer = client.post("/crmcom/crmapi/rest/v2/authentication/token", json=body).json()
    assert answer["status"] == OK
    assert (
        client.post(CRMCOM_BULK.replace("/crmcom", "/crmcom/crmapi/rest/v2"), json={}).status_code
        == 200
    )


def test_every_method_is_described_for_routes_and_openapi() -> None:
    from dialects.crmcom import dialect

    described = {(m, e.path) for e in dialect.describe() for m in e.methods}
    assert ("POST", "/customer_events/bulk/social_media/create") in described
    assert ("GET", "/customer_events/social_media/show") in described
    assert len(described) == 7
