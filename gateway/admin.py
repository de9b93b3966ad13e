"""The operator API under ``/__admin`` (JSON): health and reset for now."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import CoreError
from core.services import Core
from gateway import fixtures

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class AdminAuthMiddleware:
    """Bearer token when one is configured; otherwise loopback callers only."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._allowed(scope):
            status, message = (
                (401, "admin token required") if self.token else (403, "loopback only")
            )
            await _error(status, message)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        if self.token is None:
            client = scope.get("client")
            return bool(client) and client[0] in LOOPBACK
        given = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        expected = f"Bearer {self.token}".encode()
        return hmac.compare_digest(given, expected)


def admin_app(core: Core, dialect_names: list[str], token: str | None) -> ASGIApp:
    async def health(request: Request) -> JSONResponse:
        store = core.store
        return JSONResponse(
            {
                "status": "ok",
                "dialects": dialect_names,
                "schema_version": getattr(store, "schema_version", None),
                "fixtures": core.fixtures.source(),
            }
        )

    async def reset(request: Request) -> JSONResponse:
        source = request.query_params.get("fixtures")
        try:
            loaded = fixtures.reset(core, source)
        except FileNotFoundError as exc:
            return _error(404, str(exc))
        except CoreError as exc:
            return _error(400, exc.message)
        return JSONResponse({"status": "reset", "fixtures": core.fixtures.source(), "rows": loaded})

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        await _error(404, "no such admin call")(scope, receive, send)

    router = Router(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/reset", reset, methods=["POST"]),
        ],
        default=not_found,
    )
    return AdminAuthMiddleware(router, token)
