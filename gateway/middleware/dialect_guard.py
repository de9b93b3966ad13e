"""Around each dialect: every failure leaves in that vendor's envelope, never as a traceback.

Core errors and unreadable bodies reach the dialect's ``error_response`` unchanged, so no
handler needs its own try/except around them; anything else unexpected is a 500."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import CoreError
from core.store import StoreUnavailable
from dialects.base import Dialect, Problem
from dialects.formats.errors import DecodeError
from gateway.middleware.access_log import DIALECT_KEY

log = logging.getLogger("crmgate.errors")

_REASONS = {404: "not found", 405: "method not allowed"}
UNAVAILABLE = "The service is temporarily unavailable."


class DialectGuardMiddleware:
    def __init__(self, app: ASGIApp, dialect: Dialect) -> None:
        self.app = app
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[DIALECT_KEY] = self.dialect.name
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            problem = self._as_problem(exc)
            response = self.dialect.error_response(problem, Request(scope))
            await response(scope, receive, send)

    def _as_problem(self, exc: Exception) -> Exception:
        if isinstance(exc, HTTPException):
            reason = exc.detail or _REASONS.get(exc.status_code, "error")
            return Problem(exc.status_code, reason, dict(exc.headers or {}))
        if isinstance(exc, Problem | CoreError | DecodeError):
            return exc
        if isinstance(exc, StoreUnavailable):
            log.warning("database unavailable in dialect %s: %s", self.dialect.name, exc)
            return Problem(503, UNAVAILABLE, {"Retry-After": "1"})
        log.exception("unhandled error in dialect %s", self.dialect.name)
        return Problem(500, "An error has occurred.")
