"""The dialect's pieces that HTTP alone cannot reach: error rendering, keys, description."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from core.errors import CoreError, NotFound
from dialects.formats.errors import DecodeError
from dialects.webapi import dialect
from dialects.webapi.errors import encode_local_name, error_response, model_state
from dialects.webapi.mapping import model_state_key


def request(accept: str = "application/json") -> Request:
    headers = [(b"accept", accept.encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("customer_id", "dto.CustomerId"),
        ("liked_messages", "dto.LikedMessages"),
        ("liked_messages[2].date", "dto.LikedMessages[2].Date"),
        ("something_else", "dto"),
    ],
)
def test_model_state_keys_name_the_dto_members(field: str, key: str) -> None:
    assert model_state_key(field) == key


def test_an_unknown_entity_is_a_404_http_error() -> None:
    response = error_response(NotFound("customer", "x"), request("application/json"))
    assert response.status_code == 404
    assert response.body == b'{"Message":"customer x not found"}'


def test_an_unexpected_core_error_is_a_500() -> None:
    response = error_response(CoreError("internal detail"), request("text/xml"))
    assert response.status_code == 500
    assert response.body == b"<Error><Message>An error has occurred.</Message></Error>"


def test_only_errors_are_rendered() -> None:
    with pytest.raises(TypeError):
        error_response(ValueError("x"), request())


def test_the_description_lists_every_endpoint() -> None:
    described = [(m, e.path) for e in dialect.describe() for m in e.methods]
    assert described == [
        ("POST", "/Token"),
        ("POST", "/api/v1/customers/me/socialCredentials"),
        ("GET", "/api/v1/customers/me/socialCredentials"),
        ("GET", "/Help"),
        ("GET", "/Help/Api/POST-api-v1-customers-me-socialCredentials"),
    ]


def test_model_state_keys_are_encoded_as_xml_names() -> None:
    exc = DecodeError("bad date", path="likedMessages[0].date")
    response = error_response(exc, request("application/xml"))
    assert response.body == (
        b"<Error><Message>The request is invalid.</Message><ModelState>"
        b"<dto.likedMessages_x005B_0_x005D_.date>An error has occurred."
        b"</dto.likedMessages_x005B_0_x005D_.date></ModelState></Error>"
    )
    assert encode_local_name("1a b") == "_x0031_a_x0020_b"


def test_several_model_state_messages_are_one_space_separated_text() -> None:
    """HttpError(ModelStateDictionary) stores each key's messages as a string[]
    (AspNetWebStack ``System.Web.Http/HttpError.cs``); ``IXmlSerializable.WriteXml`` writes it
    with ``XmlWriter.WriteValue``, whose ``XmlListConverter.ListAsString`` joins the items with
    one space (referencesource ``System.Xml/Schema/XmlValueConverter.cs``)."""
    response = model_state(request("application/xml"), {"dto.Followers": ["a b", "c"]})
    assert response.body.endswith(
        b"<ModelState><dto.Followers>a b c</dto.Followers></ModelState></Error>"
    )
