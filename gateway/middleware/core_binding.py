"""Bind the core a request works on into its scope (sandboxes will choose another here)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from core.services import Core
from dialects.base import CORE_SCOPE_KEY


class CoreBindingMiddleware:
    def __init__(self, app: ASGIApp, core: Core) -> None:
        self.app = app
        self.core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[CORE_SCOPE_KEY] = self.core
        await self.app(scope, receive, send)
