"""The Web API dialect's error bodies: the one place they are built.

Two envelopes: the OWIN token endpoint's OAuth JSON (``error``/``error_description``, always
JSON, status 400) and Web API's ``HttpError`` (``Message``, ``ModelState``) negotiated as JSON
or XML (``<Error>...</Error>``). Bodies are those a remote caller sees (no exception details).
"""

from __future__ import annotations

from xml.etree import ElementTree

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from core.errors import (
    Conflict,
    CoreError,
    Forbidden,
    LimitExceeded,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from dialects.base import Problem
from dialects.formats.errors import DecodeError
from dialects.webapi.dto import HttpError, OAuthError
from dialects.webapi.mapping import model_state_key
from dialects.webapi.negotiation import response_type

OAUTH_JSON = "application/json;charset=UTF-8"
#: Headers of every token endpoint answer (Katana OAuthAuthorizationServerHandler).
NO_CACHE = {"Cache-Control": "no-cache", "Pragma": "no-cache", "Expires": "-1"}

INVALID = "The request is invalid."
DENIED = "Authorization has been denied for this request."
ERROR_OCCURRED = "An error has occurred."
BAD_CREDENTIALS = "The user name or password is incorrect."


class OAuthFailure(Problem):
    """A token request the OAuth server refuses with ``error`` (RFC 6749 section 5.2)."""

    def __init__(self, error: str, description: str | None = None) -> None:
        super().__init__(400, error)
        self.error = error
        self.description = description


def oauth_response(exc: OAuthFailure) -> Response:
    body = msgspec.json.encode(OAuthError(error=exc.error, error_description=exc.description))
    return Response(body, status_code=400, media_type=OAUTH_JSON, headers=NO_CACHE)


def http_error(
    request: Request, status: int, error: HttpError, headers: dict[str, str] | None = None
) -> Response:
    """``error`` in the format the request negotiates."""
    media_type, fmt = response_type(request)
    body = _xml(error) if fmt == "xml" else msgspec.json.encode(error)
    return Response(body, status_code=status, headers=headers, media_type=media_type)


def _xml(error: HttpError) -> bytes:
    """HttpError.WriteXml: one element per key; a list of messages is space-separated."""
    root = ElementTree.Element("Error")
    ElementTree.SubElement(root, "Message").text = error.Message
    if error.ModelState is not None:
        state = ElementTree.SubElement(root, "ModelState")
        for key, messages in error.ModelState.items():
            ElementTree.SubElement(state, encode_local_name(key)).text = " ".join(messages)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)


def encode_local_name(key: str) -> str:
    """XmlConvert.EncodeLocalName: a character a name cannot hold becomes ``_xHHHH_``."""
    return "".join(
        c
        if (c.isalnum() and (i or not c.isdigit())) or c == "_" or (i and c in ".-")
        else f"_x{ord(c):04X}_"
        for i, c in enumerate(key)
    )


def model_state(request: Request, entries: dict[str, list[str]]) -> Response:
    return http_error(request, 400, HttpError(Message=INVALID, ModelState=entries))


def _core_error(exc: CoreError, request: Request) -> Response:
    match exc:
        case ValidationFailed():
            entries: dict[str, list[str]] = {}
            for e in exc.errors:
                entries.setdefault(model_state_key(e.field), []).append(e.message)
            return model_state(request, entries)
        case LimitExceeded():
            return model_state(request, {model_state_key(exc.what): [exc.message]})
        case Unauthenticated() | Forbidden():
            # [Authorize] answers 401 for a wrong role too; the bearer filter adds the challenge.
            headers = {"WWW-Authenticate": "Bearer"}
            return http_error(request, 401, HttpError(Message=DENIED), headers)
        case Conflict():
            return http_error(request, 409, HttpError(Message=exc.message))
        case NotFound():
            # Request.CreateErrorResponse(HttpStatusCode.NotFound, message) in a controller.
            return http_error(request, 404, HttpError(Message=exc.message))
    return http_error(request, 500, HttpError(Message=ERROR_OCCURRED))


def _problem(exc: Problem, request: Request) -> Response:
    match exc.status:
        case 404:
            message = f"No HTTP resource was found that matches the request URI '{request.url}'."
        case 405:
            message = f"The requested resource does not support http method '{request.method}'."
        case _:
            message = exc.message
    return http_error(request, exc.status, HttpError(Message=message), exc.headers)


def error_response(exc: Exception, request: Request) -> Response:
    """Render any failure the way Web API 2 (or its OWIN token server) would."""
    if isinstance(exc, OAuthFailure):
        return oauth_response(exc)
    if isinstance(exc, CoreError):
        return _core_error(exc, request)
    if isinstance(exc, DecodeError):
        key = f"dto.{exc.path}" if exc.path else "dto"
        return model_state(request, {key: [ERROR_OCCURRED]})
    if isinstance(exc, Problem):
        return _problem(exc, request)
    raise TypeError(f"not an error Web API renders: {exc!r}")
