"""iService's error envelope: ``{"errors": [...], "errorDetails": [...]}``.

Application failures (not logged in, not allowed, not found, invalid values) answer HTTP 200
with non-empty arrays, as iService's form API does; transport failures keep their status:
400 unreadable body or unknown ``api=``, 404 unknown form, 405 wrong verb, 413 body too large.
"""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from core.errors import (
    CoreError,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from dialects.base import Problem
from dialects.formats.errors import DecodeError
from dialects.iservice.dto import ErrorsResponse

JSON = "application/json; charset=utf-8"

NOT_LOGGED_IN = "You must be logged in to perform this action."
ACCESS_DENIED = "You do not have access to this contact."
SESSION_EXPIRED = "Your session has expired. Please log in again."
BAD_LOGIN = "Invalid email address or password."


def envelope(errors: list[str], details: list[str], status: int = 200) -> Response:
    body = msgspec.json.encode(ErrorsResponse(errors=errors, errorDetails=details))
    return Response(body, status_code=status, media_type=JSON)


def _core_error(exc: CoreError) -> Response:
    """Errors iService words itself; any other (a conflict, a limit) keeps its own message."""
    match exc:
        case ValidationFailed():
            return envelope(
                [e.message for e in exc.errors], [f"{e.field}: {e.code}" for e in exc.errors]
            )
        case Unauthenticated(reason="credentials"):
            return envelope([BAD_LOGIN], ["Unauthenticated: credentials"])
        case Unauthenticated(reason="expired"):
            return envelope([SESSION_EXPIRED], ["Unauthenticated: expired"])
        case Unauthenticated():
            return envelope([NOT_LOGGED_IN], [f"Unauthenticated: {exc.reason}"])
        case Forbidden():
            return envelope([ACCESS_DENIED], [f"Forbidden: {exc.message}"])
        case NotFound():
            return envelope([f"The {exc.kind} {exc.key} was not found."], ["NotFound"])
    return envelope([exc.message], [type(exc).__name__])


def error_response(exc: Exception, request: Request) -> Response:
    """The one place an iService error body is built."""
    if isinstance(exc, CoreError):
        return _core_error(exc)
    if isinstance(exc, DecodeError):
        return envelope(["The request could not be read."], [str(exc)], status=400)
    if isinstance(exc, Problem):
        response = envelope([exc.message], [f"HTTP {exc.status}"], status=exc.status)
        response.headers.update(exc.headers)
        return response
    raise TypeError(f"not an error iService renders: {exc!r}")
