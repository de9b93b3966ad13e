"""ServiceStack's error envelope, pinned byte for byte in each format."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from core.errors import Conflict, FieldError, Forbidden, LimitExceeded, ValidationFailed
from dialects.base import Problem
from dialects.formats.errors import DecodeError
from dialects.servicestack import errors
from dialects.servicestack.bokamera import dialect as bokamera
from dialects.servicestack.pf import dialect as pf
from dialects.servicestack.pf.dto import ContactConnectedLinksResponse

FAILED = ValidationFailed([FieldError("Firstname", "required", "x")])


def test_validation_envelope_in_json_jsv_and_xml() -> None:
    json = errors.render(FAILED, pf.formats, "json", ContactConnectedLinksResponse)
    assert json.status_code == 400
    assert json.body == (
        b'{"ResponseStatus":{"ErrorCode":"NotEmpty","Message":"\'Firstname\' must not be empty.",'
        b'"Errors":[{"ErrorCode":"NotEmpty","FieldName":"Firstname",'
        b'"Message":"\'Firstname\' must not be empty."}]}}'
    )
    jsv = errors.render(FAILED, pf.formats, "jsv")
    assert jsv.body == (
        b"{ResponseStatus:{ErrorCode:NotEmpty,Message:'Firstname' must not be empty.,"
        b"Errors:[{ErrorCode:NotEmpty,FieldName:Firstname,"
        b"Message:'Firstname' must not be empty.}]}}"
    )
    assert jsv.headers["content-type"] == "application/jsv"
    xml = errors.render(FAILED, pf.formats, "xml", ContactConnectedLinksResponse)
    assert xml.body == (
        b'<ContactConnectedLinksResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.'
        b'ServiceModel"><ContactConnections i:nil="true" /><EmailAddressBook i:nil="true" />'
        b'<ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types">'
        b"<d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode>"
        b"<d2p1:Message>'Firstname' must not be empty.</d2p1:Message>"
        b'<d2p1:StackTrace i:nil="true" /><d2p1:Errors><d2p1:ResponseError>'
        b"<d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode><d2p1:FieldName>Firstname</d2p1:FieldName>"
        b"<d2p1:Message>'Firstname' must not be empty.</d2p1:Message>"
        b'<d2p1:Meta i:nil="true" /></d2p1:ResponseError></d2p1:Errors>'
        b'<d2p1:Meta i:nil="true" /></ResponseStatus><Roles i:nil="true" />'
        b"</ContactConnectedLinksResponse>"
    )


@pytest.mark.parametrize(
    ("exc", "status", "code", "message"),
    [
        (Conflict("the login x is already taken"), 409, "Conflict", "the login x is already taken"),
        (
            LimitExceeded("items", 2, 3),
            400,
            "ArgumentException",
            "items: at most 2 allowed, 3 given",
        ),
        (Forbidden("no"), 403, "Forbidden", "no"),
        (DecodeError("bad"), 400, "SerializationException", "bad"),
        (
            Problem(500, "An error has occurred."),
            500,
            "InternalServerError",
            "An error has occurred.",
        ),
        (Problem(404, "gone"), 404, "NotFound", "gone"),
        (ValidationFailed([]), 400, "Predicate", ""),
    ],
)
def test_status_and_error_code_per_exception(
    exc: Exception, status: int, code: str, message: str
) -> None:
    response = errors.render(exc, bokamera.formats, "json")  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.body.startswith(
        f'{{"ResponseStatus":{{"ErrorCode":"{code}","Message":"{message}"'.encode()
    )


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (FieldError("Email", "format", "x"), "Email", "'Email' is not a valid email address."),
        (
            FieldError("Phone", "format", "x"),
            "Predicate",
            "The specified condition was not met for 'Phone'.",
        ),
        (FieldError("X", "odd", "as given"), "Predicate", "as given"),
        (FieldError("A.SubscribedToNewsletter", "invalid", "m"), "Predicate", "m"),
        (
            FieldError("InvoiceAddress.InvoiceCity", "required", "m"),
            "NotEmpty",
            "'Invoice City' must not be empty.",
        ),
    ],
)
def test_fluentvalidation_codes_and_messages(error: FieldError, code: str, message: str) -> None:
    assert errors.response_error(error).ErrorCode == code
    assert errors.response_error(error).Message == message


def test_the_gateway_guard_gets_servicestack_envelopes_and_nothing_else() -> None:
    request = Request(
        {"type": "http", "method": "GET", "path": "/x.xml", "headers": [], "query_string": b""}
    )
    response = pf.error_response(Problem(413, "too big"), request)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/xml"
    with pytest.raises(TypeError):
        pf.error_response(ValueError("x"), request)


def test_describe_lists_user_and_predefined_routes() -> None:
    ops = {(m, e.path) for e in bokamera.describe() for m in e.methods}
    assert ("PUT", "/customers/{Id}") in ops
    assert ("GET", "/customers") in ops
    assert ("POST", "/json/reply/UpdateCustomer") in ops
    assert ("POST", "/auth/{provider}") in ops
    assert ("DELETE", "/auth/{provider}") in ops


def test_errors_made_from_an_exception_carry_an_empty_errors_list() -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack.Client/ResponseStatusUtils.cs
    ``CreateResponseStatus`` starts every status with ``Errors = []`` (DtoUtils.cs
    ``CreateResponseStatus`` and HttpError's ``ToResponseStatus`` go through it): JSON
    ``"Errors":[]``, JSV ``Errors:[]``, XML an empty ``Errors`` element."""
    gone = Problem(404, "gone")
    assert errors.render(gone, pf.formats, "json").body == (
        b'{"ResponseStatus":{"ErrorCode":"NotFound","Message":"gone","Errors":[]}}'
    )
    assert errors.render(gone, pf.formats, "jsv").body == (
        b"{ResponseStatus:{ErrorCode:NotFound,Message:gone,Errors:[]}}"
    )
    assert errors.render(gone, pf.formats, "xml").body == (
        b'<ErrorResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://schemas.servicestack.net/types"><ResponseStatus><ErrorCode>NotFound'
        b'</ErrorCode><Message>gone</Message><StackTrace i:nil="true" /><Errors />'
        b'<Meta i:nil="true" /></ResponseStatus></ErrorResponse>'
    )
