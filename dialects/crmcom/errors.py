"""CRM.COM's error texts and envelope; the only place they are built.

One failed bulk item is ``{error_code, error_description}`` with the exception name and the text
``Error:<what>. - Description:<why>.`` (seed 001). A whole call that fails answers HTTP 200
with ``{"data": null, "status": {"code": <exception name>, "description": <why>,
"message": <what>}}`` (unconfirmed, docs/wire/crmcom.md); protocol failures (no such
method, wrong verb, body too large, a crash) keep their HTTP status in that same envelope.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from core.errors import (
    CoreError,
    FieldError,
    Forbidden,
    LimitExceeded,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from dialects.base import Problem
from dialects.crmcom.dto import Envelope, Status
from dialects.formats import json
from dialects.formats.errors import DecodeError

JSON = "application/json"

NOT_FOUND = "NotFoundAPIValueException"
MANDATORY = "MandatoryFieldException"
INVALID = "InvalidValueException"
INVALID_TOKEN = "InvalidTokenException"
AUTHENTICATION = "AuthenticationException"
NOT_ALLOWED = "NotAllowedException"
PROTOCOL = "WebAPIException"

NOT_FOUND_WHY = "The specified API value was not found."
MANDATORY_WHY = "A mandatory API value was not specified."
INVALID_WHY = "The specified API value is not valid."

#: Core entity kinds as CRM.COM names them in its messages.
KIND_NAMES = {
    "account": "Account",
    "rewards_participant": "Rewards Participant",
    "unit": "Unit",
    "classification": "Customer Event Classification",
    "access_token": "Access Token",
    "customer_event": "Customer Event",
    "customer": "Contact Information",
}

#: Core field names as the wire names them (what a MandatoryFieldException points at).
FIELD_NAMES = {
    "events": "social_media_customer_events_set",
    "unit": "performed_by_unit_identifier",
    "account_or_participant": "accounts_receivable_identifier or rewards_participant_identifier",
    "account_participant_or_classification": (
        "rewards_participant_identifier, accounts_receivable_identifier or "
        "classification_identifier"
    ),
    "classification": "classification_identifier",
    "rewards_participant": "rewards_participant_identifier",
    "access_token": "access_token_identifier",
    "customer_event": "customer_event_identifier",
}


class Failure:
    """An error as CRM.COM names it: exception name, what went wrong, and why."""

    def __init__(self, code: str, what: str, why: str) -> None:
        self.code = code
        self.what = what
        self.why = why

    @property
    def text(self) -> str:
        return f"Error:{self.what} - Description:{self.why}"


def _field(error: FieldError) -> str:
    return FIELD_NAMES.get(error.field, error.field)


def failure(exc: CoreError | DecodeError) -> Failure:
    """The vendor's exception name and texts for ``exc``."""
    match exc:
        case NotFound():
            kind = KIND_NAMES.get(exc.kind, exc.kind)
            return Failure(NOT_FOUND, f"{kind} ({exc.key}) Not Found.", NOT_FOUND_WHY)
        case ValidationFailed() if all(e.code == "required" for e in exc.errors):
            names = ", ".join(_field(e) for e in exc.errors)
            return Failure(MANDATORY, f"Mandatory fields ({names}) not specified.", MANDATORY_WHY)
        case ValidationFailed():
            bad = next(e for e in exc.errors if e.code != "required")
            value = bad.params.get("value", "")
            return Failure(INVALID, f"Invalid value ({value}) for {_field(bad)}.", INVALID_WHY)
        case Unauthenticated(reason="credentials"):
            return Failure(
                AUTHENTICATION,
                "Authentication failed.",
                "The username, password or organisation is not valid.",
            )
        case Unauthenticated(reason="missing"):
            return Failure(MANDATORY, "Mandatory fields (token) not specified.", MANDATORY_WHY)
        case Unauthenticated(reason="expired"):
            return Failure(
                INVALID_TOKEN,
                "Token has expired.",
                "Retrieve a new token through the login method.",
            )
        case Unauthenticated():
            return Failure(
                INVALID_TOKEN, "Token is not valid.", "The token was released or never issued."
            )
        case Forbidden():
            return Failure(NOT_ALLOWED, "Action not allowed.", f"{exc.message.capitalize()}.")
        case LimitExceeded():
            return Failure(
                INVALID,
                f"More than {exc.limit} items in {FIELD_NAMES.get(exc.what, exc.what)}.",
                f"At most {exc.limit} items may be specified within a single Web API call.",
            )
        case DecodeError():
            where = f" at {exc.path}" if exc.path else ""
            return Failure(INVALID, f"The request could not be read{where}.", f"{exc.message}.")
    return Failure(INVALID, f"{exc.message}.", INVALID_WHY)


def envelope(data: object, status: Status, http_status: int = 200) -> Response:
    body = json.encode(Envelope(data=data, status=status))
    return Response(body, status_code=http_status, media_type=JSON)


def error_response(exc: Exception, request: Request) -> Response:
    """The one place a CRM.COM whole-call error body is built."""
    if isinstance(exc, CoreError | DecodeError):
        f = failure(exc)
        return envelope(None, Status(code=f.code, description=f.why, message=f.what))
    if isinstance(exc, Problem):
        response = envelope(
            None,
            Status(code=PROTOCOL, description=f"HTTP {exc.status}", message=exc.message),
            exc.status,
        )
        response.headers.update(exc.headers)
        return response
    raise TypeError(f"not an error CRM.COM renders: {exc!r}")
