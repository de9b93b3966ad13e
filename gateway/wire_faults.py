"""What a fault rule does to an exchange on the wire: slower, failing, dropped or cut in half.

The rules themselves (which request a rule picks) live in ``gateway.faults``; the exchange
wraps the dialect's app with ``with_fault`` when a rule picked the request.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialects.base import Problem
from gateway.faults import FaultRule


def with_fault(rule: FaultRule, app: ASGIApp) -> ASGIApp:
    """``app`` as the fault rule changes it: slower, failing, dropped or cut in half."""

    async def faulty(scope: Scope, receive: Receive, send: Send) -> None:
        if rule.action == "latency":
            await asyncio.sleep(rule.delay_seconds())
            await app(scope, receive, send)
        elif rule.action == "status":
            raise Problem(rule.status, rule.message)
        elif rule.action == "drop":
            await _drop(send)
        else:
            await app(scope, receive, _malformed(send))

    return faulty


async def _drop(send: Send) -> None:
    """Promise a body and return without it: the server closes the connection mid-response."""
    headers = [(b"content-length", b"1024"), (b"content-type", b"application/octet-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"", "more_body": True})


def _malformed(send: Send) -> Send:
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
