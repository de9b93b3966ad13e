"""The endpoints: OWIN's token server, the social credentials controller and the help pages.

Web API matches route templates case-insensitively and ignores one trailing slash, so one
catch-all route dispatches on the lower-cased path; anything else is Web API's 404.
"""

from __future__ import annotations

import email.utils
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import Unauthenticated
from core.models import Principal
from core.services import Core
from dialects.base import Endpoint, core_of, no_endpoint
from dialects.formats import form
from dialects.formats.errors import DecodeError
from dialects.webapi import help_pages, mapping
from dialects.webapi.dto import CusSocialAccountDto, TokenRequest, TokenResponse
from dialects.webapi.errors import (
    BAD_CREDENTIALS,
    NO_CACHE,
    OAUTH_JSON,
    OAuthFailure,
)
from dialects.webapi.negotiation import read_body, write, write_list

TOKEN_PATH = "/Token"
SOCIAL_PATH = "/api/v1/customers/me/socialCredentials"
SESSION_KIND = "webapi"
#: OAuthAuthorizationServerOptions.AccessTokenExpireTimeSpan in the Web API template.
TOKEN_LIFETIME = timedelta(days=14)
#: The error of each grant Katana knows but the template's provider does not grant: no
#: GrantClientCredentials override (``unauthorized_client``), and no refresh token or
#: authorization code is ever issued, so none can be read back (``invalid_grant``). Any
#: other grant type (a custom extension or none) is ``unsupported_grant_type``.
REFUSED_GRANTS = {
    "client_credentials": "unauthorized_client",
    "refresh_token": "invalid_grant",
    "authorization_code": "invalid_grant",
}


def _http_date(value: datetime) -> str:
    """.NET's "r" format (RFC 1123), as AuthenticationProperties stores the ticket dates."""
    return email.utils.format_datetime(value, usegmt=True)


async def token(request: Request, core: Core) -> Response:
    """OAuth 2 resource owner password grant (the OWIN server reads the form whatever the
    Content-Type or verb); the other grants fail as Katana's handler fails them for the
    Web API template's provider."""
    try:
        grant = form.decode(await request.body(), TokenRequest)
    except DecodeError:
        grant = TokenRequest()
    if grant.grant_type != "password":
        raise OAuthFailure(REFUSED_GRANTS.get(grant.grant_type, "unsupported_grant_type"))
    try:
        principal = core.auth.login(grant.username, grant.password)
    except Unauthenticated:
        raise OAuthFailure("invalid_grant", BAD_CREDENTIALS) from None
    now = core.clock()
    # Katana drops the milliseconds of "now" and keeps the ticket dates to the second, so a
    # token usually reads as valid one second less than its lifetime.
    current = now - timedelta(milliseconds=now.microsecond // 1000)
    issued = current.replace(microsecond=0)
    expires = issued + TOKEN_LIFETIME
    secret = core.sessions.open(
        principal, SESSION_KIND, lifetime_seconds=int((expires - now).total_seconds())
    )
    body = TokenResponse(
        access_token=secret,
        expires_in=int((expires - current).total_seconds()),
        userName=principal.login,
        issued=_http_date(issued),
        expires=_http_date(expires),
    )
    return Response(msgspec.json.encode(body), media_type=OAUTH_JSON, headers=NO_CACHE)


def _caller(request: Request, core: Core) -> Principal:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    secret = credentials.strip() if scheme.lower() == "bearer" else None
    return core.sessions.resolve(secret, SESSION_KIND)


async def social_credentials(request: Request, core: Core) -> Response:
    """GET: the caller's social accounts. POST: save one (``me`` is the bearer's customer)."""
    principal = _caller(request, core)
    if request.method == "GET":
        views = core.social.list(principal)
        dtos = [mapping.to_dto(v) for v in views]
        body, media_type = write_list(request, dtos, CusSocialAccountDto)
        return Response(body, media_type=media_type)
    dto = read_body(await request.body(), request.headers.get("content-type"), CusSocialAccountDto)
    saved = core.social.save(principal, mapping.to_input(dto))
    body, media_type = write(request, mapping.to_dto(saved))
    return Response(body, media_type=media_type)


async def help_index(request: Request, core: Core) -> Response:
    """The Help Page package's API list."""
    return help_pages.index(request)


async def help_api(request: Request, core: Core) -> Response:
    """The Help Page of the social credentials POST."""
    return help_pages.api(request)


MEDIA_TYPES = ("application/json", "text/json", "application/xml", "text/xml")

ENDPOINTS = (
    Endpoint(
        path=TOKEN_PATH,
        methods=("POST",),
        any_method=True,
        handler=token,
        summary="OAuth 2 password grant: a bearer token for 14 days.",
        request=TokenRequest,
        response=TokenResponse,
        media_types=("application/x-www-form-urlencoded",),
    ),
    Endpoint(
        path=SOCIAL_PATH,
        methods=("POST",),
        handler=social_credentials,
        summary="Save one of the caller's social accounts.",
        request=CusSocialAccountDto,
        response=CusSocialAccountDto,
        media_types=(*MEDIA_TYPES, "application/x-www-form-urlencoded"),
    ),
    Endpoint(
        path=SOCIAL_PATH,
        methods=("GET",),
        handler=social_credentials,
        summary="The caller's social accounts.",
        response=list[CusSocialAccountDto],
        media_types=MEDIA_TYPES,
    ),
    Endpoint(path="/Help", methods=("GET",), handler=help_index),
    Endpoint(path=f"/Help/Api/{help_pages.API_ID}", methods=("GET",), handler=help_api),
)


def routes(endpoints: Sequence[Endpoint]) -> list[Route]:
    """One catch-all route over a table keyed by the lower-cased path (Web API matches
    templates case-insensitively and ignores one trailing slash)."""
    table: dict[str, list[Endpoint]] = {}
    for e in endpoints:
        table.setdefault(e.path.lower(), []).append(e)

    async def dispatch(request: Request) -> Response:
        path = request.url.path.removeprefix(request.scope.get("root_path", ""))
        key = path.rstrip("/").lower() if path != "/" else path
        candidates = table.get(key)
        if candidates is None:
            raise no_endpoint(request.scope, 404, "no route")
        for endpoint in candidates:
            if endpoint.allows(request.method):
                return await endpoint.handler(request, core_of(request))
        verbs = ", ".join(sorted(m for e in candidates for m in e.methods))
        raise no_endpoint(request.scope, 405, "wrong verb", {"Allow": verbs})

    verbs = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    return [Route("/{path:path}", dispatch, methods=verbs, name="webapi")]
