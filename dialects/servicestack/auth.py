"""ServiceStack's AuthFeature as a site sees it: credentials sign-in on ``/auth/credentials``
(and ``/auth``), the session cookies ``ss-id`` / ``ss-pid`` / ``ss-opt``, a stateless HS256
``BearerToken`` (JWT) accepted in ``Authorization: Bearer``, and ``/auth/logout``.

A sign-in makes two new random ids (``SessionExtensions.GenerateNewSessionCookiesAsync``):
the temporary one in the ``ss-id`` browser-session cookie, the permanent one in the
``ss-pid`` cookie (20 years); ``ss-opt`` (``perm`` or ``temp``) says which of them keys the
session (``IsPermanentSession`` / ``GetSessionId``). Each is read from an ``X-ss-id`` /
``X-ss-pid`` / ``X-ss-opt`` header before the cookie (``GetSessionParam``).

Sessions live in the store (core's SessionService), so every worker sees them; the JWT secret
is ``CRMGATE_SERVICESTACK_JWT_SECRET`` when set, else the store's signing secret
(``core.services.keys``).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from uuid import UUID

import jwt
import msgspec
from starlette.requests import Request
from starlette.responses import Response

from core.errors import CoreError, Unauthenticated
from core.models import Principal
from core.services import Core
from dialects.base import Problem
from dialects.context import headers_of
from dialects.servicestack.dto import Authenticate, AuthenticateResponse
from dialects.servicestack.operations import Call

SESSION_ID = "ss-id"
PERMANENT_ID = "ss-pid"
OPTIONS = "ss-opt"
#: Keywords.TokenCookie: where a JWT travels when the host uses token cookies.
TOKEN_COOKIE = "ss-tok"
SECRET_ENV = "CRMGATE_SERVICESTACK_JWT_SECRET"
#: ServiceStack's JwtAuthProvider defaults: 14 days, issuer "ssjwt".
TOKEN_LIFETIME = timedelta(days=14)
ISSUER = "ssjwt"
#: How long a session lives from sign-in (``SessionFeature.DefaultSessionExpiry``, two
#: weeks; ``DefaultPermanentSessionExpiry``, four weeks, for a permanent one).
SESSION_SECONDS = 14 * 24 * 60 * 60
PERMANENT_SESSION_SECONDS = 28 * 24 * 60 * 60
#: ``ss-pid`` and ``ss-opt`` cookies: ``Host/Cookies.cs`` ``PermanentCookieExpiry``, 20 years.
PERMANENT_SECONDS = 20 * 365 * 24 * 60 * 60

#: A site's role names per core role, in ``AuthenticateResponse.Roles`` and the JWT ``roles``.
#: PF: no public source names its roles; crmgate's own names. BokaMera: the roles its
#: metadata pages say a company administrator's services require
#: (``bookingsupplier-administrator-write`` / ``-read``; docs/wire/servicestack.md); crmgate's
#: policy gives an agent the same rights on the company's customers as an admin, and a
#: customer is a plain user without roles.
ROLE_NAMES: dict[str, dict[str, list[str]]] = {
    "pf": {"admin": ["Admin"], "agent": ["Employee"], "customer": ["Customer"]},
    "bokamera": {
        "admin": ["bookingsupplier-administrator-write", "bookingsupplier-administrator-read"],
        "agent": ["bookingsupplier-administrator-write", "bookingsupplier-administrator-read"],
        "customer": [],
    },
}


def role_names(site: str, principal: Principal) -> list[str]:
    """The names ``site`` gives ``principal``'s role."""
    return list(ROLE_NAMES.get(site, ROLE_NAMES["pf"])[principal.role])


@dataclass(frozen=True)
class SessionIds:
    """The ids a sign-in issues; ``permanent_session`` says which one keys the session."""

    temporary: str
    permanent: str
    permanent_session: bool

    @property
    def active(self) -> str:
        return self.permanent if self.permanent_session else self.temporary


def session_kind(site: str) -> str:
    return f"servicestack:{site}"


def new_session_id() -> str:
    """A session id shaped like ServiceStack's (SessionExtensions.CreateRandomSessionId): 15
    secure random bytes in base64, 20 characters, drawn again while they hold ``+`` or ``/``."""
    while True:
        session = base64.b64encode(secrets.token_bytes(15)).decode()
        if "+" not in session and "/" not in session:
            return session


def _secret(core: Core) -> str:
    return os.environ.get(SECRET_ENV) or core.keys.secret("servicestack-jwt")


def bearer_token(core: Core, site: str, principal: Principal) -> str:
    now = core.clock()
    claims = {
        "iss": ISSUER,
        "aud": site,
        "sub": str(principal.user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + TOKEN_LIFETIME).timestamp()),
        "name": principal.display_name or principal.login,
        "email": principal.login,
        "roles": role_names(site, principal),
    }
    return jwt.encode(claims, _secret(core), algorithm="HS256", headers={"kid": site})


def _from_bearer(core: Core, site: str, token: str) -> tuple[Principal, datetime]:
    """The token's principal and its expiry; a verified token is remembered until the data
    changes (core's ``VerifiedTokens``), its expiry checked every time."""
    key = ("servicestack-jwt", site, token)
    with core.store.read():
        known = core.tokens.get(key)
    if known is None:
        known = _verify_bearer(core, site, token)
        with core.store.read():
            core.tokens.put(key, known)
    expires, principal = known
    if expires <= core.clock().timestamp():
        raise Unauthenticated("expired", "the bearer token has expired")
    return principal, datetime.fromtimestamp(expires, UTC)


def _verify_bearer(core: Core, site: str, token: str) -> tuple[float, Principal]:
    try:
        claims = jwt.decode(
            token,
            _secret(core),
            algorithms=["HS256"],
            audience=site,
            issuer=ISSUER,
            options={"require": ["sub", "exp"], "verify_exp": False, "verify_iat": False},
            leeway=0,
        )
        user_id = UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError) as exc:
        raise Unauthenticated("invalid", f"invalid bearer token: {exc}") from exc
    expires = claims["exp"]
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        raise Unauthenticated("invalid", "invalid bearer token: exp is not a number")
    return expires, core.auth.principal(user_id)


def _param(request: Request, key: str) -> str | None:
    """``GetSessionParam``: the ``X-{key}`` header, else the cookie."""
    return request.headers.get("x-" + key) or request.cookies.get(key)


def is_permanent(request: Request) -> bool:
    """``IsPermanentSession``: ``ss-opt`` (a comma-separated set) holds ``perm``."""
    return "perm" in (_param(request, OPTIONS) or "").split(",")


def _session_tokens(request: Request) -> list[str]:
    """``GetSessionId``: the ``ss-pid`` id when ``ss-opt`` says ``perm``, else ``ss-id``."""
    found = _param(request, PERMANENT_ID if is_permanent(request) else SESSION_ID)
    return [found] if found else []


def authenticate(core: Core, site: str, request: Request) -> Principal | None:
    """The caller, or None when the request carries no credentials at all."""
    found = credential(core, site, request)
    return None if found is None else found[0]


def credential(core: Core, site: str, request: Request) -> tuple[Principal, datetime] | None:
    """The caller and the moment its credential stops vouching for it without a write (the
    token's ``exp``, the session's expiry or idle write-back), or None when the request carries
    no credentials at all.

    A bearer token that does not verify is refused outright (ServiceStack does not fall back
    to cookies then); a stale session cookie counts as no credentials. What a request's
    credential headers (``Authorization``, ``Cookie``, ``X-ss-*``) vouched for is remembered
    (core's ``VerifiedTokens``: until sessions or users change, or any commit by another
    connection, which the request's sync has read) and served again until its moment: one
    dictionary lookup.
    """
    get = headers_of(request.scope).get
    key = (
        "servicestack",
        site,
        get(b"authorization"),
        get(b"cookie"),
        get(b"x-ss-id"),
        get(b"x-ss-pid"),
        get(b"x-ss-opt"),
    )
    known = core.tokens.get(key)
    if known is not None and core.clock() < known[1]:
        return known
    found = _credential(core, site, request)
    if found is not None:
        core.tokens.put(key, found)
    return found


def _credential(core: Core, site: str, request: Request) -> tuple[Principal, datetime] | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return _from_bearer(core, site, token.strip())
    if cookie := request.cookies.get(TOKEN_COOKIE):
        return _from_bearer(core, site, cookie)
    for session in _session_tokens(request):
        try:
            return core.sessions.resolve_until(session, session_kind(site))
        except CoreError:
            continue
    return None


def check_api_key(env_name: str | None, headers: Mapping[bytes, bytes]) -> None:
    """A site with API keys (``env_name`` names the variable that lists them, comma separated;
    read on every call, it may change) refuses a request whose ``x-api-key`` (in ``headers``,
    ``dialects.context.headers_of``) is not one."""
    if not env_name:
        return
    try:
        keys = _api_keys(os.environ[env_name])
    except KeyError:
        return
    if keys and headers.get(b"x-api-key", b"") not in keys:
        raise Problem(401, "The API key is missing or not valid.")


@lru_cache(maxsize=16)
def _api_keys(configured: str) -> frozenset[bytes | str]:
    """The keys a variable lists, as a header carries them (Latin-1 bytes); one no header
    can carry stays listed as text, which no header value equals."""
    return frozenset(_as_header(k.strip()) for k in configured.split(",") if k.strip())


def _as_header(key: str) -> bytes | str:
    try:
        return key.encode("latin-1")
    except UnicodeEncodeError:
        return key


def sign_in(
    core: Core, site: str, dto: Authenticate, request: Request
) -> tuple[AuthenticateResponse, SessionIds]:
    """Check the credentials; the response and the new session ids. ``RememberMe`` picks
    the permanent session; left out, the request's ``ss-opt`` keeps its say
    (``AuthenticateService.AuthenticateAsync`` only calls ``AddSessionOptions`` when
    ``RememberMe`` has a value)."""
    principal = core.auth.login(dto.UserName or "", dto.Password or "")
    permanent = dto.RememberMe if dto.RememberMe is not None else is_permanent(request)
    ids = SessionIds(new_session_id(), new_session_id(), permanent)
    core.sessions.open(
        principal,
        session_kind(site),
        idle_seconds=None,
        lifetime_seconds=PERMANENT_SESSION_SECONDS if permanent else SESSION_SECONDS,
        token=ids.active,
    )
    return authenticate_response(core, site, principal, ids.active), ids


def authenticate_response(
    core: Core, site: str, principal: Principal, session: str | None
) -> AuthenticateResponse:
    """``AuthenticateResponse`` for a signed-in principal (fresh bearer token included)."""
    return AuthenticateResponse(
        UserId=str(principal.user_id),
        SessionId=session,
        UserName=principal.login,
        DisplayName=principal.display_name or principal.login,
        BearerToken=bearer_token(core, site, principal),
        Roles=role_names(site, principal),
        AuthProvider="credentials",
    )


def cookie_path(request: Request) -> str:
    """``/`` at the Host root, as ServiceStack sets them; under a prefix (``/pf``) the prefix,
    so two sites in one cookie jar keep their own ``ss-id``."""
    return request.scope.get("root_path") or "/"


def set_cookies(request: Request, response: Response, ids: SessionIds) -> None:
    """``ss-id`` (a browser-session cookie) and ``ss-pid`` (permanent), each its own id;
    ``ss-opt`` says which one keys the session (``Host/Cookies.cs`` ``AddSessionCookie`` /
    ``AddPermanentCookie``: 20 years)."""
    path = cookie_path(request)
    response.set_cookie(SESSION_ID, ids.temporary, path=path, httponly=True, samesite="lax")
    response.set_cookie(
        PERMANENT_ID,
        ids.permanent,
        max_age=PERMANENT_SECONDS,
        path=path,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        OPTIONS,
        "perm" if ids.permanent_session else "temp",
        max_age=PERMANENT_SECONDS,
        path=path,
        samesite="lax",
    )


def to_token_cookie(
    call: Call, response: AuthenticateResponse, session: str
) -> AuthenticateResponse:
    """``UseTokenCookie``: the JWT leaves the body for an HttpOnly ``ss-tok`` cookie and the
    server session is removed (Auth/JwtAuthProviderReader.cs ``AuthenticateResponseDecorator``
    and ``ToTokenCookiesHttpResult``); later calls authenticate with the cookie."""
    token = response.BearerToken or ""
    call.core.sessions.close(session, session_kind(call.site))
    lifetime = int(TOKEN_LIFETIME.total_seconds())
    call.hooks.append(
        lambda r: r.set_cookie(
            TOKEN_COOKIE, token, max_age=lifetime, httponly=True, path=cookie_path(call.request)
        )
    )
    return msgspec.structs.replace(response, BearerToken=None)


def sign_out(core: Core, site: str, request: Request, response: Response) -> None:
    for session in _session_tokens(request):
        core.sessions.close(session, session_kind(site))
    for name in (SESSION_ID, PERMANENT_ID, OPTIONS, TOKEN_COOKIE):
        response.delete_cookie(name, path=cookie_path(request), samesite="lax")


def current_session(request: Request) -> str | None:
    tokens = _session_tokens(request)
    return tokens[0] if tokens else None
