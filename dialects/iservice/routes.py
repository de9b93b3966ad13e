"""The two iService forms this dialect serves, dispatched on ``?api=`` like iService does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import CoreError
from core.services import Core
from dialects.base import Endpoint, core_of, no_endpoint
from dialects.context import reusable
from dialects.formats import form, json
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
from dialects.iservice.errors import JSON

SESSION_COOKIE = "sessionID"
SESSION_KIND = "iservice"
#: iService logs a user out after this long without an action (its default for agents).
IDLE_SECONDS = 90 * 60


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
    core.customers.save(principal, mapping.to_patch(dto, names), number=number)
    return _ok(ErrorsResponse())


async def getdetails(request: Request, core: Core) -> Response:
    """A contact's properties, logins and segment membership."""
    principal, until = core.sessions.resolve_until(_token(request), SESSION_KIND)
    if request.method == "POST":
        raw = (await _read(request, GetDetailsRequest)).contactID
    else:
        raw = request.query_params.get("contactID", "")
    view = core.customers.get(principal, number=mapping.contact_id(raw))
    if request.method == "GET":  # the same GET gets the same answer until the data changes
        reusable(request.scope, until)
    return _ok(mapping.details_response(view))


LOGIN_FORM = "/f/webapp-api-login"
CUSTINFO_FORM = "/f/webapp-api-custinfo"

ENDPOINTS = (
    Endpoint(
        path=f"{LOGIN_FORM}?api=login",
        methods=("POST",),
        handler=login,
        request=LoginRequest,
        response=LoginResponse,
        failure=ErrorsResponse,
    ),
    Endpoint(
        path=f"{LOGIN_FORM}?api=loggedin",
        methods=("GET", "POST"),
        handler=loggedin,
        response=LoggedInResponse,
        failure=ErrorsResponse,
    ),
    Endpoint(
        path=f"{LOGIN_FORM}?api=logout",
        methods=("GET", "POST"),
        handler=logout,
        response=ErrorsResponse,
    ),
    Endpoint(
        path=f"{CUSTINFO_FORM}?api=setdetails",
        methods=("POST",),
        handler=setdetails,
        request=SetDetailsRequest,
        response=ErrorsResponse,
    ),
    Endpoint(
        path=f"{CUSTINFO_FORM}?api=getdetails",
        methods=("GET", "POST"),
        handler=getdetails,
        request=GetDetailsRequest,
        response=DetailsResponse,
        query=GetDetailsRequest,
        failure=ErrorsResponse,
    ),
    Endpoint(
        path=f"{CUSTINFO_FORM}?api=details",
        methods=("GET", "POST"),
        handler=getdetails,
        request=GetDetailsRequest,
        response=DetailsResponse,
        query=GetDetailsRequest,
        failure=ErrorsResponse,
    ),
)


def _form_endpoint(
    form: str, apis: dict[str, Endpoint]
) -> Callable[[Request], Awaitable[Response]]:
    async def dispatch(request: Request) -> Response:
        api = request.query_params.get("api", "")
        endpoint = apis.get(api.lower())
        if endpoint is None:
            raise no_endpoint(request.scope, 400, f"Unknown api '{api}' for form {form}.")
        if not endpoint.allows(request.method):
            allow = ", ".join(endpoint.methods)
            message = f"api={api} does not support {request.method}."
            raise no_endpoint(request.scope, 405, message, {"Allow": allow})
        return await endpoint.handler(request, core_of(request))

    return dispatch


def routes(endpoints: Sequence[Endpoint]) -> list[Route]:
    """One route per form, dispatching on ``?api=`` (case-insensitively, as iService does)."""
    forms: dict[str, dict[str, Endpoint]] = {}
    for e in endpoints:
        api = e.path.partition("?api=")[2]
        forms.setdefault(e.route_path, {})[api.lower()] = e
    return [
        Route(path, _form_endpoint(path.rsplit("/", 1)[1], apis), methods=["GET", "POST"])
        for path, apis in forms.items()
    ]
