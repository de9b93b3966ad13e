"""POST/GET api/v1/customers/me/socialCredentials: seed 000's samples in, the same out."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

import httpx
import pytest
from starlette.testclient import TestClient

from tests.golden import golden, json_in_order
from tests.helpers import (
    JANE_ID,
    JOHN_ID,
    JSON_BODY,
    WEBAPI_SOCIAL,
    XML_BODY,
    canonical_xml,
    crmcom_bulk,
    crmcom_event,
    crmcom_login,
)

Bearer = Callable[..., dict[str, str]]
SEED_ID = "4f9e02de-cbbc-41ad-ad3f-16c6cb968ef4"
JOHN_FB = "fb000000-0000-4000-8000-000000000466"
EMPTY = "00000000-0000-0000-0000-000000000000"


def seed_json(**changes: object) -> bytes:
    body = json.loads(golden("000/cus-social-account.json"))
    body.update(changes)
    return json.dumps(body).encode()


def post_seed(client: TestClient, headers: dict[str, str], kind: str) -> httpx.Response:
    """POST seed 000's ``json`` or ``xml`` sample; the 200 answer, in the same format."""
    response = client.post(
        WEBAPI_SOCIAL, content=golden(f"000/cus-social-account.{kind}"), headers=headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == f"application/{kind}; charset=utf-8"
    return response


def test_the_seed_json_sample_reads_back_identically(client: TestClient, bearer: Bearer) -> None:
    response = post_seed(client, {**bearer(), **JSON_BODY}, "json")
    assert response.content == golden("000/webapi-cus-social-account-response.json").rstrip(b"\n")
    assert json_in_order(response.content) == json_in_order(golden("000/cus-social-account.json"))
    listed = client.get(WEBAPI_SOCIAL, headers=bearer())
    mine = [a for a in listed.json() if a["id"] == SEED_ID]
    assert mine == [json.loads(golden("000/cus-social-account.json"))]


def test_the_seed_xml_sample_reads_back_identically(client: TestClient, bearer: Bearer) -> None:
    response = post_seed(client, {**bearer(), **XML_BODY}, "xml")
    assert canonical_xml(response.content) == canonical_xml(golden("000/cus-social-account.xml"))
    as_json = client.get(WEBAPI_SOCIAL, headers=bearer()).json()
    assert [a for a in as_json if a["id"] == SEED_ID] == [
        json.loads(golden("000/cus-social-account.json"))
    ]


def test_an_xml_body_is_answered_in_xml_without_accept(client: TestClient, bearer: Bearer) -> None:
    """aspnet/AspNetWebStack, src/System.Net.Http.Formatting/Formatting/
    DefaultContentNegotiator.cs ``MatchRequestMediaType`` answers the formatter's first
    supported media type within the request's: ``text/xml`` for a ``text/xml`` body."""
    headers = {**bearer(), "Content-Type": "text/xml", "Accept": ""}
    response = client.post(
        WEBAPI_SOCIAL, content=golden("000/cus-social-account.xml"), headers=headers
    )
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    json_answer = client.post(
        WEBAPI_SOCIAL,
        content=golden("000/cus-social-account.xml"),
        headers={**headers, "Accept": "text/json"},
    )
    assert json_answer.headers["content-type"] == "text/json; charset=utf-8"


def test_a_form_body_binds_like_model_binding(client: TestClient, bearer: Bearer) -> None:
    form = {
        "Id": SEED_ID,
        "ExternalId": "jd-form",
        "Provider": "Twitter",
        "Followers": "3",
        "IsTokenValid": "true",
        "LastSyncDate": "2026-02-04T03:11:32.7341981+00:00",
        "AccessToken": "form-secret",
        "LikedMessages[0].Text": "from a form",
        "LikedMessages[0].Date": "2026-02-04T03:11:32.7341981Z",
    }
    headers = {**bearer(), "Content-Type": "application/x-www-form-urlencoded"}
    response = client.post(WEBAPI_SOCIAL, content=urlencode(form), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["provider"], body["followers"], body["isTokenValid"]) == (
        SEED_ID,
        1,
        3,
        True,
    )
    assert body["lastSyncDate"] == "2026-02-04T03:11:32.7341981+00:00"
    assert body["customerId"] == JOHN_ID
    assert body["likedMessages"] == [
        {"text": "from a form", "date": "2026-02-04T03:11:32.7341981+00:00"}
    ]


def test_the_same_provider_and_external_id_is_updated(client: TestClient, bearer: Bearer) -> None:
    first = client.post(
        WEBAPI_SOCIAL, content=seed_json(id=EMPTY, followers=1), headers={**bearer(), **JSON_BODY}
    )
    second = client.post(
        WEBAPI_SOCIAL,
        content=seed_json(id=EMPTY, followers=2, likedMessages=[]),
        headers={**bearer(), **JSON_BODY},
    )
    assert first.json()["id"] == second.json()["id"] != "00000000-0000-0000-0000-000000000000"
    listed = client.get(WEBAPI_SOCIAL, headers=bearer()).json()
    assert [
        (a["followers"], a["likedMessages"]) for a in listed if a["id"] == first.json()["id"]
    ] == [(2, [])]


def test_an_absent_customer_id_means_me(client: TestClient, bearer: Bearer) -> None:
    body = seed_json(customerId=EMPTY)
    response = client.post(
        WEBAPI_SOCIAL, content=body, headers={**bearer("jane@demo.local"), **JSON_BODY}
    )
    assert response.json()["customerId"] == JANE_ID


def test_listing_is_the_callers_own(client: TestClient, bearer: Bearer) -> None:
    john = client.get(WEBAPI_SOCIAL, headers=bearer())
    assert [a["id"] for a in john.json()] == [JOHN_FB]
    assert client.get(WEBAPI_SOCIAL, headers=bearer("jane@demo.local")).json() == []


def test_listing_in_xml(client: TestClient, bearer: Bearer) -> None:
    response = client.get(WEBAPI_SOCIAL, headers={**bearer(), "Accept": "application/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    expected = golden("000/webapi-array-of-cus-social-account.xml")
    assert canonical_xml(response.content) == canonical_xml(expected)
    none = client.get(WEBAPI_SOCIAL, headers={**bearer("jane@demo.local"), "Accept": "text/xml"})
    namespace = b"http://schemas.datacontract.org/2004/07/Domain.Dtos"
    assert none.content == b'<ArrayOfCusSocialAccountDto xmlns="' + namespace + b'" />'


def test_a_crmcom_like_event_shows_as_a_liked_message(client: TestClient, bearer: Bearer) -> None:
    token = crmcom_login(client, "admin@demo.local")["data"]["token"]
    created = crmcom_bulk(client, token, crmcom_event(description="Liked the spring offer"))
    assert created["status"]["code"] == "OK", created
    facebook = client.get(WEBAPI_SOCIAL, headers=bearer()).json()[0]
    assert facebook["id"] == JOHN_FB
    assert facebook["likedMessages"] == [
        {"text": "Liked the spring offer", "date": "2016-06-22T15:00:00+00:00"}
    ]
    xml = client.get(WEBAPI_SOCIAL, headers={**bearer(), "Accept": "text/xml"}).text
    assert "<Date>2016-06-22T15:00:00+00:00</Date><Text>Liked the spring offer</Text>" in xml


@pytest.mark.parametrize(
    "path",
    [
        WEBAPI_SOCIAL.lower(),
        WEBAPI_SOCIAL + "/",
        WEBAPI_SOCIAL.upper().replace("/WEBAPI", "/webapi"),
    ],
)
def test_routes_match_like_web_api(client: TestClient, bearer: Bearer, path: str) -> None:
    assert client.get(path, headers=bearer()).status_code == 200
