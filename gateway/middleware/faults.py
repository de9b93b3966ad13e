"""Apply fault rules to a dialect's requests (inside its guard, so errors get its envelope)."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialects.base import Problem
from gateway.faults import FaultRule, Faults
from gateway.middleware.journal import SANDBOX_KEY


class FaultsMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults, dialect: str) -> None:
        self.app = app
        self.faults = faults
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"][len(scope.get("root_path", "")) :] or "/"
        rule = self.faults.pick(self.dialect, scope["method"], path, scope.get(SANDBOX_KEY))
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.action == "latency":
            await asyncio.sleep(rule.delay_seconds())
            await self.app(scope, receive, send)
        elif rule.action == "status":
            raise Problem(rule.status, rule.message)
        elif rule.action == "drop":
            await _drop(send)
        else:
            await self.app(scope, receive, _malformed(send, rule))


async def _drop(send: Send) -> None:
    """Promise a body and return without it: the server closes the connection mid-response."""
    headers = [(b"content-length", b"1024"), (b"content-type", b"application/octet-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": True})


def _malformed(send: Send, rule: FaultRule) -> Send:
    """Send the real response cut in half, with a Content-Length that matches the cut."""
    start: dict[str, Message] = {}
    chunks: list[bytes] = []

    async def cutting_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start["message"] = message
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = b"".join(chunks)
        cut = body[: len(body) // 2]
        head = start["message"]
        headers = [(k, v) for k, v in head.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        await send(head | {"headers": headers})
        await send({"type": "http.response.body", "body": cut, "more_body": False})

    return cutting_send
