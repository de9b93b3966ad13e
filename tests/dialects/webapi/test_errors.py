"""Web API 2's own error bodies, negotiated as JSON or XML; secrets never logged or journaled."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from gateway.app import create_app
from gateway.config import Config
from tests.golden import golden
from tests.helpers import JSON_BODY, WEBAPI_SOCIAL, WEBAPI_TOKEN, XML_BODY, webapi_grant

Bearer = Callable[..., dict[str, str]]
DENIED = {"Message": "Authorization has been denied for this request."}
INVALID = "The request is invalid."
EMPTY = "00000000-0000-0000-0000-000000000000"
ERROR = ["An error has occurred."]


def seed(**changes: object) -> bytes:
    body = json.loads(golden("000/cus-social-account.json"))
    body.update(changes)
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic Y3VzdG9tZXIxMTpkZW1v", "bearer  "],
)
def test_no_valid_bearer_is_401_with_the_challenge(
    client: TestClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(WEBAPI_SOCIAL, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.content == json.dumps(DENIED, separators=(",", ":")).encode()


def test_the_401_in_xml(client: TestClient) -> None:
    response = client.post(
        WEBAPI_SOCIAL, content=golden("000/cus-social-account.xml"), headers=XML_BODY
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert response.content == (
        b"<Error><Message>Authorization has been denied for this request.</Message></Error>"
    )


def test_staff_have_no_me_and_are_denied(client: TestClient, bearer: Bearer) -> None:
    response = client.get(WEBAPI_SOCIAL, headers=bearer("admin@demo.local"))
    assert (response.status_code, response.json()) == (401, DENIED)


def test_a_token_of_another_dialect_is_not_a_bearer(client: TestClient) -> None:
    login = {"emailAddress": "jane@demo.local", "password": "demo-jane"}
    cookie = client.post("/iservice/f/webapp-api-login?api=login", json=login).json()["sessionID"]
    response = client.get(WEBAPI_SOCIAL, headers={"Authorization": f"Bearer {cookie}"})
    assert response.status_code == 401


def test_another_customers_id_is_a_model_state_error(client: TestClient, bearer: Bearer) -> None:
    response = client.post(
        WEBAPI_SOCIAL,
        content=seed(customerId="6a3c2f4e-8d1b-4c7a-9e25-3f0b1d2c4a57"),
        headers={**bearer(), **JSON_BODY},
    )
    assert response.status_code == 400
    assert response.json() == {
        "Message": INVALID,
        "ModelState": {"dto.CustomerId": ["The customer id must be the caller's own."]},
    }


def test_model_state_in_xml(client: TestClient, bearer: Bearer) -> None:
    body = golden("000/cus-social-account.xml").replace(
        b"11078e67-adf5-4306-a903-481ed7aa8c0e", b"6a3c2f4e-8d1b-4c7a-9e25-3f0b1d2c4a57"
    )
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**bearer(), **XML_BODY})
    assert response.status_code == 400
    assert response.content == (
        b"<Error><Message>The request is invalid.</Message><ModelState>"
        b"<dto.CustomerId>The customer id must be the caller's own.</dto.CustomerId>"
        b"</ModelState></Error>"
    )


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (seed(followers="x"), "dto.followers"),
        (seed(likedMessages=[{"text": "a", "date": "yesterday"}]), "dto.likedMessages[0].date"),
        (seed(provider=99), "dto.provider"),
        (b'{"id": ', "dto"),
        (b"", "dto"),
        (b"[" * 5000, "dto"),
    ],
)
def test_unreadable_json_is_a_model_state_error(
    client: TestClient, bearer: Bearer, body: bytes, key: str
) -> None:
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**bearer(), **JSON_BODY})
    assert response.status_code == 400
    assert response.json() == {"Message": INVALID, "ModelState": {key: ERROR}}


@pytest.mark.parametrize(
    "body",
    [
        b"<CusSocialAccountDto",
        b"<Other/>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><CusSocialAccountDto>&a;</CusSocialAccountDto>',
    ],
)
def test_unreadable_xml_is_a_model_state_error(
    client: TestClient, bearer: Bearer, body: bytes
) -> None:
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**bearer(), **XML_BODY})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b"<Error><Message>The request is invalid.</Message>")


def test_a_date_finer_than_100_ns_is_cut_like_dotnet(client: TestClient, bearer: Bearer) -> None:
    body = seed(lastSyncDate="2026-02-04T03:11:32.73419819+00:00")
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**bearer(), **JSON_BODY})
    assert response.json()["lastSyncDate"] == "2026-02-04T03:11:32.7341981+00:00"


@pytest.mark.parametrize(
    ("content_type", "media_type"),
    [("text/plain", "text/plain"), (None, "application/octet-stream"), ("text/jsv", "text/jsv")],
)
def test_a_media_type_without_formatter_is_415(
    client: TestClient, bearer: Bearer, content_type: str | None, media_type: str
) -> None:
    """aspnet/AspNetWebStack, src/System.Web.Http/ModelBinding/FormatterParameterBinding.cs
    ``ReadContentAsync``: no formatter reads the body -> 415 with SRResources.resx
    ``UnsupportedMediaType``, or ``UnsupportedMediaTypeNoContentType`` when the request has no
    Content-Type (HttpContent then infers ``application/octet-stream``)."""
    headers = bearer() | ({"Content-Type": content_type} if content_type else {})
    response = client.post(WEBAPI_SOCIAL, content=b"x", headers=headers)
    assert response.status_code == 415
    message = f"The request entity's media type '{media_type}' is not supported for this resource."
    if content_type is None:
        message = (
            "The request contains an entity body but no Content-Type header. The inferred media "
            f"type '{media_type}' is not supported for this resource."
        )
    assert response.json() == {"Message": message}


def test_an_unknown_path_is_web_apis_404(client: TestClient) -> None:
    response = client.get("/webapi/api/v1/customers/me/nothing?x=1")
    assert response.status_code == 404
    assert response.json() == {
        "Message": "No HTTP resource was found that matches the request URI "
        "'http://testserver/webapi/api/v1/customers/me/nothing?x=1'."
    }
    xml = client.get("/webapi/", headers={"Accept": "text/xml"})
    assert xml.content == (
        b"<Error><Message>No HTTP resource was found that matches the request URI "
        b"'http://testserver/webapi/'.</Message></Error>"
    )


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_wrong_verb_is_405_with_allow(client: TestClient, method: str) -> None:
    response = client.request(method, WEBAPI_SOCIAL)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json() == {
        "Message": f"The requested resource does not support http method '{method}'."
    }
    assert client.post("/webapi/Help").status_code == 405


def test_a_body_over_the_limit_is_413(core: Core) -> None:
    config = Config(db=":memory:", admin_token="t", max_body_bytes=100)
    with TestClient(create_app(config, core=core)) as small:
        response = small.post(
            WEBAPI_SOCIAL, content=b"x" * 200, headers={**JSON_BODY, "Accept": "text/xml"}
        )
    assert response.status_code == 413
    assert response.content.startswith(b"<Error><Message>The request body is larger")


def test_secrets_never_reach_the_log_or_the_journal(
    client: TestClient, bearer: Bearer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        token = webapi_grant(client, "customer11@1to1service.com")["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = seed(accessToken="fb-access-SECRET", secretAccessToken="fb-secret-SECRET")
        assert (
            client.post(WEBAPI_SOCIAL, content=body, headers={**headers, **JSON_BODY}).status_code
            == 200
        )
        xml = golden("000/cus-social-account.xml").replace(b"sample string 9", b"xml-SECRET")
        client.post(WEBAPI_SOCIAL, content=xml, headers={**headers, **XML_BODY})
        form = "AccessToken=form-SECRET&SecretAccessToken=form2-SECRET&ExternalId=f"
        client.post(
            WEBAPI_SOCIAL,
            content=form,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        client.get(WEBAPI_SOCIAL, headers=headers)
        client.get(WEBAPI_SOCIAL, headers={**headers, "Accept": "text/xml"})
        client.post(WEBAPI_SOCIAL, content=body + b"}", headers={**headers, **JSON_BODY})
    journal = client.get(
        "/__admin/requests?limit=1000", headers={"Authorization": "Bearer test-admin-token"}
    )
    assert journal.status_code == 200
    for text in (caplog.text, journal.text):
        for secret in (token, "demo-customer", "SECRET"):
            assert secret not in text
    assert WEBAPI_TOKEN in journal.text


def test_too_many_liked_messages_is_a_model_state_error(client: TestClient, bearer: Bearer) -> None:
    many = [{"text": "x", "date": "2026-02-04T03:11:32Z"}] * 1001
    response = client.post(
        WEBAPI_SOCIAL, content=seed(likedMessages=many), headers={**bearer(), **JSON_BODY}
    )
    assert response.status_code == 400
    assert response.json() == {
        "Message": INVALID,
        "ModelState": {"dto.LikedMessages": ["liked_messages: at most 1000 allowed, 1001 given"]},
    }


def test_another_customers_account_id_is_a_conflict(client: TestClient, bearer: Bearer) -> None:
    body = seed(id="fb000000-0000-4000-8000-000000000466", customerId=EMPTY)
    response = client.post(
        WEBAPI_SOCIAL, content=body, headers={**bearer("jane@demo.local"), **JSON_BODY}
    )
    assert response.status_code == 409
    assert response.json() == {
        "Message": "social account fb000000-0000-4000-8000-000000000466 belongs to another customer"
    }


@pytest.mark.parametrize(
    "namespace",
    ['xmlns="http://schemas.datacontract.org/2004/07/Other"', ""],
)
def test_an_xml_root_outside_the_contract_namespace_is_a_model_state_error(
    client: TestClient, bearer: Bearer, namespace: str
) -> None:
    """aspnet/AspNetWebStack, src/System.Net.Http.Formatting/Formatting/XmlMediaTypeFormatter.cs
    ``ReadFromStream``: the DataContractSerializer's exception (``ReadObject`` checks the root's
    name *and* namespace, referencesource DataContractSerializer.cs ``InternalIsStartObject``)
    is logged with ``formatterLogger.LogError(String.Empty, e)`` - the parameter's own key - and
    the body is ``GetDefaultValueForType`` (null); a remote caller sees the exception's
    error as ``An error has occurred.``. Nothing is saved."""
    body = golden("000/cus-social-account.xml").replace(
        b'xmlns="http://schemas.datacontract.org/2004/07/Domain.Dtos"', namespace.encode()
    )
    headers = bearer()
    before = client.get(WEBAPI_SOCIAL, headers=headers).json()
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**headers, **XML_BODY})
    assert response.status_code == 400
    assert response.content == (
        b"<Error><Message>The request is invalid.</Message><ModelState><dto>An error has "
        b"occurred.</dto></ModelState></Error>"
    )
    assert client.get(WEBAPI_SOCIAL, headers=headers).json() == before


def test_an_xml_member_after_a_later_member_is_not_bound(
    client: TestClient, bearer: Bearer
) -> None:
    """mono/mono referencesource, System.Runtime.Serialization/.../
    XmlObjectSerializerReadContext.cs ``GetMemberIndex``: members are looked for after the last
    one read, in DataContract order (ordinal for CusSocialAccountDto); ``Followers`` sent after
    ``Provider`` is skipped, so the account is saved with Followers 0 (Web API reads XML_BODY with
    DataContractSerializer, XmlMediaTypeFormatter.cs ``GetDeserializer``)."""
    body = golden("000/cus-social-account.xml").replace(b"<Followers>7</Followers>\n", b"")
    body = body.replace(
        b"<Provider>Facebook</Provider>", b"<Provider>Facebook</Provider><Followers>7</Followers>"
    )
    headers = bearer()
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**headers, **XML_BODY})
    assert response.status_code == 200, response.text
    assert b"<Followers>0</Followers>" in response.content
    assert b"<Provider>Facebook</Provider>" in response.content


def test_a_utc_z_date_reads_back_with_a_zero_offset(client: TestClient, bearer: Bearer) -> None:
    """The seed writes ``+00:00``, so the members are DateTimeOffset: JSON_BODY.NET reads ``Z`` as
    offset zero and writes a DateTimeOffset's offset as ``+00:00``, never ``Z``
    (Newtonsoft.Json ``Utilities/DateTimeUtils.cs`` ``WriteDateTimeOffsetString`` ->
    ``WriteDateTimeString(..., DateTimeKind.Local)`` -> ``WriteDateTimeOffset``)."""
    body = seed(lastSyncDate="2026-02-04T03:11:32.7341981Z")
    response = client.post(WEBAPI_SOCIAL, content=body, headers={**bearer(), **JSON_BODY})
    assert response.json()["lastSyncDate"] == "2026-02-04T03:11:32.7341981+00:00"


@pytest.mark.parametrize("value", [0, {}, False, [], 1.5])
def test_a_date_of_another_json_type_is_the_model_state_400(
    client: TestClient, bearer: Callable[..., dict[str, str]], value: object
) -> None:
    """Json.NET cannot read a DateTime from a number, object, boolean or array: Web API answers
    400 with the member's ModelState error (issue 17: this answered 500)."""
    body = {"provider": "Facebook", "lastSyncDate": value}
    response = client.post(WEBAPI_SOCIAL, json=body, headers=bearer())
    assert response.status_code == 400
    assert response.json() == {
        "Message": "The request is invalid.",
        "ModelState": {"dto.lastSyncDate": ["An error has occurred."]},
    }
