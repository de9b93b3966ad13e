"""The error envelope's fields: codes and whether errors are listed are not data."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

from gateway.diff.envelope import envelope, fields
from gateway.diff.model import Difference


def test_servicestack_response_status_codes_and_field_names() -> None:
    status = {
        "ResponseStatus": {
            "ErrorCode": "NotEmpty",
            "Message": "'Email' must not be empty.",
            "Errors": [{"ErrorCode": "NotEmpty", "FieldName": "Email", "Message": "..."}],
        }
    }
    assert fields(status) == {"ErrorCode": "NotEmpty", "Errors": "listed", "FieldName": "Email"}


def test_crmcom_status_code_and_iservice_errors() -> None:
    assert fields({"data": None, "status": {"code": "OK", "description": ""}}) == {"code": "OK"}
    assert fields({"code": "DEMO"}) == {}
    assert fields({"errors": [], "errorDetails": []}) == {"errors": "none", "errorDetails": "none"}


def test_xml_envelopes() -> None:
    root = fromstring(
        "<R><ResponseStatus><ErrorCode>Forbidden</ErrorCode><Errors/></ResponseStatus></R>"
    )
    assert fields(root) == {"ErrorCode": "Forbidden", "Errors": "none"}


def test_envelope_differences() -> None:
    ok = {"errors": [], "errorDetails": []}
    failed = {"errors": ["The service is unavailable."], "errorDetails": []}
    assert envelope(ok, {"errors": [], "errorDetails": []}) == []
    assert envelope(ok, failed) == [Difference("envelope", "errors", "none", "listed")]
    assert envelope({"error": "invalid_grant"}, {"error": "unsupported_grant_type"}) == [
        Difference("envelope", "error", "invalid_grant", "unsupported_grant_type")
    ]
    assert envelope({"status": {"code": "OK"}}, {}) == [
        Difference("envelope", "code", "OK", "absent")
    ]
