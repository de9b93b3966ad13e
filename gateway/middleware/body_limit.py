"""Refuse request bodies over the configured size before a handler buffers them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialects.base import Problem


def too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is larger than the limit of {limit} bytes.")


class BodyLimitMiddleware:
    """Raises ``Problem(413)``, which the dialect guard renders in the vendor's envelope.

    A declared Content-Length over the limit is refused at once; a chunked body is counted as
    it arrives.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    raise too_large(self.max_bytes)
                break
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)
