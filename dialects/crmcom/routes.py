"""CRM.COM Web API methods: token authentication and social media customer events.

Every method is served at its CRM.COM path under the dialect's prefix, and again under
``/crmapi/rest/v2/`` (the vendor's own base path), so a base URL copied from CRM.COM works.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import CoreError, Unauthenticated
from core.models import Principal
from core.services import Core
from core.services.auth import BAD_CREDENTIALS
from dialects.base import Endpoint, starlette_route
from dialects.crmcom import mapping
from dialects.crmcom.dto import (
    OK,
    BulkCreateRequest,
    BulkCreateResult,
    Envelope,
    ListRequest,
    ReleaseRequest,
    ShowQuery,
    SocialMediaEventDto,
    Token,
    TokenRequest,
    WebApiKeyTokenRequest,
)
from dialects.crmcom.errors import envelope
from dialects.formats import json
from dialects.formats.errors import DecodeError

T = TypeVar("T")

BASE = "/crmapi/rest/v2"
TOKEN_KIND = "crmcom"
API_KEY_KIND = "crmcom-web-api-key"
#: authentication/token: one hour without use (CRM.COM before R12).
IDLE_SECONDS = 60 * 60
#: authentication/web_api_key/token: two hours, used or not.
KEY_TOKEN_SECONDS = 2 * 60 * 60


def _ok(data: object) -> Response:
    return envelope(data, OK)


def _new_token() -> str:
    """Tokens as CRM.COM issued them before R12: 32 upper-case hex digits."""
    return secrets.token_hex(16).upper()


async def _read(request: Request, dto: type[T]) -> T:
    return json.decode(await request.body(), dto)


def _query(request: Request, dto: type[T]) -> T:
    """A GET method's query: ``x_identifier=number=ACR1`` becomes ``{"number": "ACR1"}``."""
    values: dict[str, Any] = {}
    for name, raw in request.query_params.items():
        if name.endswith("_identifier"):
            key, _, value = raw.partition("=")
            values[name] = {key.strip(): value}
        else:
            values[name] = raw
    try:
        return msgspec.convert(values, dto, strict=False)
    except msgspec.ValidationError as exc:
        raise DecodeError(str(exc)) from exc


def _principal(core: Core, token: str | None) -> Principal:
    return core.sessions.resolve(token, TOKEN_KIND)


async def token(request: Request, core: Core) -> Response:
    """Log in to an organisation (and optionally a unit); answers a token."""
    dto = await _read(request, TokenRequest)
    if not dto.username or not dto.password or not dto.organisation:
        raise Unauthenticated("credentials", BAD_CREDENTIALS)
    principal = core.auth.login(dto.username, dto.password)
    core.events.check_organisation(principal, dto.organisation, dto.unit)
    issued = core.sessions.open(
        principal, TOKEN_KIND, idle_seconds=IDLE_SECONDS, token=_new_token()
    )
    return _ok(Token(token=issued))


async def release(request: Request, core: Core) -> Response:
    """Release a token so that no later call can use it."""
    dto = await _read(request, ReleaseRequest)
    _principal(core, dto.token)
    core.sessions.close(dto.token, TOKEN_KIND)
    return _ok(None)


def _basic_user(request: Request) -> str:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated("credentials", BAD_CREDENTIALS)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("credentials", BAD_CREDENTIALS) from None
    return decoded.partition(":")[0]


async def web_api_key_token(request: Request, core: Core) -> Response:
    """Trade a Web API key (HTTP Basic user name, empty password) for a two-hour token."""
    key = _basic_user(request)
    body = await request.body()
    unit = json.decode(body, WebApiKeyTokenRequest).unit if body.strip() else None
    try:
        principal = core.sessions.resolve(key, API_KEY_KIND)
    except Unauthenticated:
        raise Unauthenticated("credentials", BAD_CREDENTIALS) from None
    core.events.check_unit(principal, unit)
    issued = core.sessions.open(
        principal, TOKEN_KIND, lifetime_seconds=KEY_TOKEN_SECONDS, token=_new_token()
    )
    return _ok(Token(token=issued))


async def bulk_create(request: Request, core: Core) -> Response:
    """Create up to 1000 social media customer events, each on its own."""
    dto = await _read(request, BulkCreateRequest)
    principal = _principal(core, dto.token)
    items = dto.social_media_customer_events_set or []
    commands: list[Any] = []
    for item in items:
        try:
            commands.append(mapping.to_new_event(item))
        except CoreError as exc:
            commands.append(exc)
    results = core.events.create_social_media(principal, commands)
    return _ok(mapping.bulk_result(items, results, mapping.fields_set(dto.fields_set)))


#: customer_event_identifier fields -> show_social_media keywords
_EVENT_IDENTIFIERS = {
    "id": "id",
    "number": "number",
    "external_system_reference_number": "external_reference",
}


async def show(request: Request, core: Core) -> Response:
    """One social media customer event by id, number or external system reference number."""
    principal = _principal(core, request.query_params.get("token"))
    raw = request.query_params.get("customer_event_identifier", "")
    key, _, value = raw.partition("=")
    by = _EVENT_IDENTIFIERS.get(key.strip())
    view = core.events.show_social_media(principal, **({by: value} if by else {}))
    fields = mapping.fields_set(request.query_params.get("fields_set"))
    return _ok(mapping.event_dto(view, fields))


async def list_events(request: Request, core: Core) -> Response:
    """Social media customer events of an account, a rewards participant or a classification."""
    if request.method == "GET":
        dto = _query(request, ListRequest)
    else:
        dto = await _read(request, ListRequest)
    principal = _principal(core, dto.token)
    views = core.events.list_social_media(principal, mapping.to_query(dto))
    fields = mapping.fields_set(dto.fields_set)
    return _ok([mapping.event_dto(v, fields) for v in views])


#: Every answer is in the envelope; so is a failure, with status 200 (but a protocol error).
FAILED = Envelope[None]

ENDPOINTS = (
    Endpoint(
        path="/authentication/token",
        methods=("POST",),
        handler=token,
        request=TokenRequest,
        response=Envelope[Token],
        failure=FAILED,
    ),
    Endpoint(
        path="/authentication/token/release",
        methods=("POST",),
        handler=release,
        request=ReleaseRequest,
        response=Envelope[None],
    ),
    Endpoint(
        path="/authentication/web_api_key/token",
        methods=("POST",),
        handler=web_api_key_token,
        request=WebApiKeyTokenRequest,
        response=Envelope[Token],
        failure=FAILED,
    ),
    Endpoint(
        path="/customer_events/bulk/social_media/create",
        methods=("POST",),
        handler=bulk_create,
        request=BulkCreateRequest,
        response=Envelope[BulkCreateResult],
        failure=FAILED,
    ),
    Endpoint(
        path="/customer_events/social_media/show",
        methods=("GET",),
        handler=show,
        response=Envelope[SocialMediaEventDto],
        query=ShowQuery,
        failure=FAILED,
    ),
    Endpoint(
        path="/customer_events/social_media/list",
        methods=("GET", "POST"),
        handler=list_events,
        request=ListRequest,
        response=Envelope[list[SocialMediaEventDto]],
        query=ListRequest,
        failure=FAILED,
    ),
)


def routes(endpoints: Sequence[Endpoint]) -> list[Route]:
    """Each method at its path, and again under the vendor's base path."""
    return [starlette_route(e, base + e.path) for base in ("", BASE) for e in endpoints]
