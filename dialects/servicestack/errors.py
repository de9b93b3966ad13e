"""ServiceStack's error model: the one place its ``ResponseStatus`` envelope is built.

An error answers the operation's own response DTO with only ``ResponseStatus`` set (or an
``ErrorResponse`` when the response DTO has no such member), in the negotiated format, with
the status ServiceStack gives the exception [ServiceStack HttpError, ErrorMessages,
FluentValidation EnglishLanguage]:

- validation: 400, ``ErrorCode`` and ``Message`` of the first failed rule, one
  ``Errors[]`` item per failed rule (``NotEmpty``, ``Email``, ``MaximumLength``,
  ``RegularExpression``, ``Predicate``, ``Enum``);
- an unreadable body: 400 ``SerializationException``;
- not authenticated: 401 ``Unauthorized`` / ``Not Authenticated``; bad credentials:
  401 ``Unauthorized`` / ``Invalid Username or Password``;
- refused by the policy: 403 ``Forbidden``; unknown entity: 404 ``NotFound``;
  a clash: 409 ``Conflict``; transport failures keep their status with the
  ``HttpStatusCode`` name as the code (``NotFound``, ``MethodNotAllowed``,
  ``RequestEntityTooLarge``, ``InternalServerError``).
"""

from __future__ import annotations

import re
from http import HTTPStatus

from starlette.responses import Response

from core.errors import (
    Conflict,
    CoreError,
    FieldError,
    Forbidden,
    LimitExceeded,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from dialects.base import Problem
from dialects.formats.errors import DecodeError
from dialects.servicestack import codecs
from dialects.servicestack.dto import ErrorResponse, ResponseError, ResponseStatus

NOT_AUTHENTICATED = "Not Authenticated"
#: What ``[Authenticate]`` adds to its 401: the first auth provider's challenge
#: (AuthProvider.OnFailedAuthentication; CredentialsAuthProvider's realm is ``/auth/credentials``).
AUTH_CHALLENGE = {"WWW-Authenticate": 'credentials realm="/auth/credentials"'}
INVALID_CREDENTIALS = "Invalid Username or Password"

#: core rule -> (FluentValidation error code, message template over {name} and params)
_RULES: dict[str, tuple[str, str]] = {
    "required": ("NotEmpty", "'{name}' must not be empty."),
    "format": ("Predicate", "The specified condition was not met for '{name}'."),
    "max_length": (
        "MaximumLength",
        "The length of '{name}' must be {max_length} characters or fewer. "
        "You entered {length} characters.",
    ),
    "pattern": ("RegularExpression", "'{name}' is not in the correct format."),
    "choice": ("Enum", "'{name}' has a range of values which does not include '{value}'."),
    "unknown": ("NotFound", "{message}"),
    "invalid": ("Predicate", "{message}"),
}
_EMAIL = ("Email", "'{name}' is not a valid email address.")

#: HttpStatusCode member names ServiceStack uses as the error code of a bare status.
_STATUS_CODES = {
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    500: "InternalServerError",
}


def status_code_name(status: int) -> str:
    """.NET ``HttpStatusCode`` name of a status (``NotFound``, ``MethodNotAllowed``)."""
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    return HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")


def display_name(wire: str) -> str:
    """FluentValidation's display name: the last member, PascalCase split into words."""
    member = re.sub(r"\[\d+\]", "", wire.rsplit(".", 1)[-1])
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", member)


def response_error(error: FieldError) -> ResponseError:
    """A failed rule as FluentValidation reports it; ``error.field`` is the wire member."""
    wire = error.field
    code, template = _RULES.get(error.code, ("Predicate", "{message}"))
    if error.code == "format" and wire.rsplit(".", 1)[-1].lower() == "email":
        code, template = _EMAIL
    name = error.params.get("name") or display_name(wire)
    values = {"value": "", "max_length": "", "length": ""} | error.params
    message = error.params.get("configured_message") or template.format(
        **(values | {"name": name, "message": error.message})
    )
    return ResponseError(ErrorCode=code, FieldName=wire, Message=message)


def _status(exc: Exception) -> tuple[int, ResponseStatus]:
    """Status and ResponseStatus of an error. Every status built from an exception carries an
    empty ``Errors`` list (ResponseStatusUtils.CreateResponseStatus sets ``Errors = []``)."""
    match exc:
        case ValidationFailed():
            errors = [response_error(e) for e in exc.errors]
            first = errors[0] if errors else ResponseError(ErrorCode="Predicate", Message="")
            return 400, ResponseStatus(
                ErrorCode=first.ErrorCode, Message=first.Message, Errors=errors
            )
        case Unauthenticated(reason="credentials"):
            return 401, _plain("Unauthorized", INVALID_CREDENTIALS)
        case Unauthenticated():
            return 401, _plain("Unauthorized", NOT_AUTHENTICATED)
        case Forbidden():
            return 403, _plain("Forbidden", exc.message)
        case NotFound():
            return 404, _plain("NotFound", exc.message)
        case Conflict():
            return 409, _plain("Conflict", exc.message)
        case LimitExceeded():
            return 400, _plain("ArgumentException", exc.message)
        case DecodeError():
            return 400, _plain("SerializationException", exc.message)
        case Problem():
            return exc.status, _plain(status_code_name(exc.status), exc.message)
    raise TypeError(f"not an error ServiceStack renders: {exc!r}")


def _plain(code: str, message: str) -> ResponseStatus:
    return ResponseStatus(ErrorCode=code, Message=message, Errors=[])


def render(
    exc: CoreError | DecodeError | Problem,
    formats: codecs.Formats,
    fmt: str,
    response_type: type | None = None,
    meta: dict[str, str] | None = None,
    *,
    page: codecs.Page | None = None,
    csv_loaded: bool = True,
) -> Response:
    """The error answer, as the operation's response DTO when it has a ``ResponseStatus``;
    ``meta`` goes into ``ResponseStatus.Meta`` (an auto-batched item's ``AutoBatchIndex``);
    ``page`` and ``csv_loaded`` as in :func:`codecs.response`."""
    status, response_status = _status(exc)
    if meta:
        response_status.Meta = {**(response_status.Meta or {}), **meta}
    if response_type is not None and "ResponseStatus" in response_type.__struct_fields__:
        body = response_type(ResponseStatus=response_status)
    else:
        body = ErrorResponse(ResponseStatus=response_status)
    headers = dict(exc.headers) if isinstance(exc, Problem) else {}
    return codecs.response(
        formats, body, fmt, status=status, headers=headers, page=page, csv_loaded=csv_loaded
    )
