"""Bind the core a request works on: the gateway's own, or the sandbox its header names."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from core.services import Core
from dialects.base import CORE_SCOPE_KEY, SANDBOX_MISSING_KEY
from gateway.middleware.journal import SANDBOX_KEY
from gateway.sandboxes import HEADER, Sandboxes

_HEADER = HEADER.lower().encode()


class CoreBindingMiddleware:
    def __init__(self, app: ASGIApp, core: Core, sandboxes: Sandboxes) -> None:
        self.app = app
        self.core = core
        self.sandboxes = sandboxes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[CORE_SCOPE_KEY] = self.core
            wanted = next((v for k, v in scope["headers"] if k == _HEADER), None)
            if wanted is not None:
                name = wanted.decode("latin-1")
                scope[SANDBOX_KEY] = name
                box = self.sandboxes.get(name)
                if box is None:
                    scope[SANDBOX_MISSING_KEY] = name
                else:
                    scope[CORE_SCOPE_KEY] = box.core
        await self.app(scope, receive, send)
