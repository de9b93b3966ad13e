"""One log line per request, with secrets in the query string masked and no bodies or headers.

The path is decoded (``%0A`` is a line feed): control characters go back to ``%XX``, so a
request can never forge a line of the log.
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.masking import mask_query
from gateway.middleware.request_id import SCOPE_KEY as REQUEST_ID

log = logging.getLogger("crmgate.access")
DIALECT_KEY = "crmgate.dialect"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters percent-encoded (the C1 ones as their code)."""
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", text)


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            if log.isEnabledFor(logging.INFO):
                query = mask_query(scope.get("query_string", b""))
                log.info(
                    "%s %s %s%s %d %.1fms id=%s",
                    scope.get(DIALECT_KEY, "-"),
                    scope["method"],
                    printable(scope["path"]),
                    f"?{query}" if query else "",
                    status,
                    (time.perf_counter() - started) * 1000,
                    scope.get(REQUEST_ID, "-"),
                )
