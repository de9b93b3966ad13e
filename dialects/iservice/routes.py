"""The two iService forms this dialect serves, dispatched on ``?api=`` like iService does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import CoreError
from core.services import Core
from dialects.base import Operation, Problem, core_of
from dialects.formats import form, json
from dialects.formats.errors import DecodeError
from dialects.iservice import mapping
from dialects.iservice.dto import (
    DetailsResponse,
    ErrorsResponse,
    GetDetailsRequest,
    LoggedInResponse,
    LoginRequest,
    LoginResponse,
    NotLoggedInResponse,
    SetDetailsRequest,
)
from dialects.iservice.errors import JSON, error_response

SESSION_COOKIE = "sessionID"
SESSION_KIND = "iservice"
#: iService logs a user out after this long without an action (its default for agents).
IDLE_SECONDS = 90 * 60

Handler = Callable[[Request, Core], Awaitable[Response]]


def _ok(dto: msgspec.Struct) -> Response:
    return Response(json.encode(dto), media_type=JSON)


async def _read(request: Request, dto: type[msgspec.Struct]):
    """Decode the body (JSON, or form fields) straight into ``dto``."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return form.decode(body, dto)
    return json.decode(body, dto)


def _token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


async def login(request: Request, core: Core) -> Response:
    """Log in with emailAddress and password; sets the session cookie."""
    creds = await _read(request, LoginRequest)
    principal = core.auth.login(creds.emailAddress, creds.password)
    token = core.sessions.open(principal, SESSION_KIND, idle_seconds=IDLE_SECONDS)
    own = core.customers.own(principal)
    response = _ok(
        LoginResponse(
            sessionID=token,
            contactID=own.number if own else None,
            userType=mapping.user_type(principal),
            name=principal.display_name,
        )
    )
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax")
    return response


async def loggedin(request: Request, core: Core) -> Response:
    """Who is logged in on this session (loggedIn false when nobody)."""
    try:
        principal = core.sessions.resolve(_token(request), SESSION_KIND)
    except CoreError:
        return _ok(NotLoggedInResponse())
    own = core.customers.own(principal)
    return _ok(mapping.logged_in_response(principal, own.number if own else None))


async def logout(request: Request, core: Core) -> Response:
    """End the session and clear its cookie."""
    core.sessions.close(_token(request), SESSION_KIND)
    response = _ok(ErrorsResponse())
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax")
    return response


async def setdetails(request: Request, core: Core) -> Response:
    """Save a contact's properties, logins and segment membership."""
    principal = core.sessions.resolve(_token(request), SESSION_KIND)
    dto = await _read(request, SetDetailsRequest)
    number = mapping.contact_id(dto.contactID)
    names = {}
    if any(not p.propertyID.strip() for p in dto.details.properties):
        names = {d.name.lower(): d.id for d in core.customers.property_definitions(principal)}
    core.customers.update(principal, mapping.to_patch(dto, names), number=number)
    return _ok(ErrorsResponse())


async def getdetails(request: Request, core: Core) -> Response:
    """A contact's properties, logins and segment membership."""
    principal = core.sessions.resolve(_token(request), SESSION_KIND)
    if request.method == "POST":
        raw = (await _read(request, GetDetailsRequest)).contactID
    else:
        raw = request.query_params.get("contactID", "")
    view = core.customers.get(principal, number=mapping.contact_id(raw))
    return _ok(mapping.details_response(view))


#: form -> api -> (handler, allowed methods)
FORMS: dict[str, dict[str, tuple[Handler, tuple[str, ...]]]] = {
    "webapp-api-login": {
        "login": (login, ("POST",)),
        "loggedin": (loggedin, ("GET", "POST")),
        "logout": (logout, ("GET", "POST")),
    },
    "webapp-api-custinfo": {
        "setdetails": (setdetails, ("POST",)),
        "getdetails": (getdetails, ("GET", "POST")),
        "details": (getdetails, ("GET", "POST")),
    },
}


#: api -> wire DTO of its request body and of its answer (for the OpenAPI description)
REQUESTS: dict[str, type[msgspec.Struct]] = {
    "login": LoginRequest,
    "setdetails": SetDetailsRequest,
    "getdetails": GetDetailsRequest,
    "details": GetDetailsRequest,
}
RESPONSES: dict[str, type[msgspec.Struct]] = {
    "login": LoginResponse,
    "loggedin": LoggedInResponse,
    "logout": ErrorsResponse,
    "setdetails": ErrorsResponse,
    "getdetails": DetailsResponse,
    "details": DetailsResponse,
}


def form_endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    apis = FORMS[name]

    async def endpoint(request: Request) -> Response:
        api = request.query_params.get("api", "")
        if api.lower() not in apis:
            raise Problem(400, f"Unknown api '{api}' for form {name}.")
        handler, methods = apis[api.lower()]
        if request.method not in methods:
            allow = ", ".join(methods)
            raise Problem(405, f"api={api} does not support {request.method}.", {"Allow": allow})
        try:
            return await handler(request, core_of(request))
        except (CoreError, DecodeError) as exc:
            return error_response(exc, request)

    return endpoint


def routes() -> list[Route]:
    return [
        Route(f"/f/{name}", form_endpoint(name), methods=["GET", "POST"], name=f"iservice:{name}")
        for name in FORMS
    ]


def operations() -> list[Operation]:
    """One Operation per form, api and verb."""
    return [
        Operation(
            method=method,
            path=f"/f/{form}?api={api}",
            summary=(handler.__doc__ or api).strip(),
            request=REQUESTS.get(api) if method == "POST" else None,
            response=RESPONSES[api],
        )
        for form, apis in FORMS.items()
        for api, (handler, methods) in apis.items()
        for method in methods
    ]
