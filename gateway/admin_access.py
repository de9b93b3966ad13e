"""Who may call the admin API: the bearer token when one is configured, else loopback callers
reached by a loopback name and not from another site's page (no CSRF, no DNS rebinding)."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import dashboard

#: Builds the admin API's error answer from a status and a message.
Refuse = Callable[[int, str], Response]

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _loopback_name(host: str) -> bool:
    """``host`` (``name``, ``name:port``, ``[v6]:port``) names this machine's loopback."""
    if host.startswith("["):
        name, closed, port = host[1:].partition("]")
        if not closed or port[:1] not in ("", ":"):
            return False
        port = port[1:]
    else:
        name, _, port = host.partition(":")
    return name.lower() in LOOPBACK and (not port or port.isdigit())


def _loopback_origin(origin: str) -> bool:
    scheme, sep, host = origin.partition("://")
    return bool(sep) and scheme in ("http", "https") and _loopback_name(host)


def _cross_site(scope: Scope) -> str | None:
    """Why a tokenless admin call is refused although it came over loopback: a ``Host`` that
    is not a loopback name is DNS rebinding (a page on another site reading the API through a
    name that resolves here), an ``Origin`` that is not loopback is a cross-site request."""
    headers = dict(scope["headers"])
    host = headers.get(b"host", b"").decode("latin-1")
    if not _loopback_name(host):
        return f"loopback only: Host {host!r} is not a loopback name (use 127.0.0.1 or localhost)"
    origin = headers.get(b"origin")
    if origin is not None and not _loopback_origin(origin.decode("latin-1")):
        return f"loopback only: cross-site request from Origin {origin.decode('latin-1')!r}"
    return None


class AdminAuthMiddleware:
    """Bearer token when one is configured; otherwise loopback callers only, reached by a
    loopback name and not from another site's page (no CSRF, no DNS rebinding). The dashboard's
    own files, which hold no data, need no token (see ``gateway.dashboard``)."""

    def __init__(self, app: ASGIApp, token: str | None, refuse: Refuse) -> None:
        self.app = app
        self.token = token
        #: The admin API's error envelope (one place: ``gateway.admin``).
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refused = self._refusal(scope)
            if refused is not None:
                status = 401 if self.token else 403
                await self.refuse(status, refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> str | None:
        if self.token is not None:
            return None if self._token_given(scope) else "admin token required"
        client = scope.get("client")
        if not client or client[0] not in LOOPBACK:
            return "loopback only"
        return _cross_site(scope)

    def _token_given(self, scope: Scope) -> bool:
        if dashboard.is_page_file(scope):
            return True
        given = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        return hmac.compare_digest(given, f"Bearer {self.token}".encode())
