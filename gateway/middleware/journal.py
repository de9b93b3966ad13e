"""Record every dialect request and its response in the journal (secrets masked, bodies cut).

The entry is stored before the response's last body chunk goes out: a client that asks any
gateway process for the journal right after its call finds the call there.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialects.base import UNMATCHED_KEY
from gateway.journal import Journal, JournalEntry
from gateway.masking import mask_body, mask_headers, mask_query
from gateway.middleware.access_log import DIALECT_KEY
from gateway.middleware.request_id import SCOPE_KEY as REQUEST_ID

SANDBOX_KEY = "crmgate.sandbox"
log = logging.getLogger("crmgate.journal")


class JournalMiddleware:
    """Keeps at most ``body_chars`` (+1 byte per char of slack) of each body while streaming."""

    def __init__(self, app: ASGIApp, journal: Journal) -> None:
        self.app = app
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/__admin"):
            await self.app(scope, receive, send)
            return
        keep = self.journal.body_chars * 4 + 4
        started = time.perf_counter()
        request_body = bytearray()
        response_body = bytearray()
        response: dict = {"status": 0, "headers": [], "recorded": False}

        def record() -> None:
            journaled = DIALECT_KEY in scope or UNMATCHED_KEY in scope
            if journaled and not response["recorded"]:
                response["recorded"] = True
                self._record(scope, started, bytes(request_body), bytes(response_body), response)

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(request_body) < keep:
                request_body.extend(message.get("body", b"")[: keep - len(request_body)])
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["headers"] = message.get("headers", [])
            elif message["type"] == "http.response.body":
                if len(response_body) < keep:
                    response_body.extend(message.get("body", b"")[: keep - len(response_body)])
                if not message.get("more_body", False):
                    record()
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            record()  # a crash or a dropped response never sent its last chunk

    def _record(
        self, scope: Scope, started: float, request: bytes, body: bytes, response: dict
    ) -> None:
        """An observer: a journal that cannot write never breaks the response it records."""
        limit = self.journal.body_chars
        entry = JournalEntry(
            time=datetime.now(UTC),
            request_id=scope.get(REQUEST_ID, ""),
            dialect=scope.get(DIALECT_KEY, ""),
            matched=UNMATCHED_KEY not in scope,
            sandbox=scope.get(SANDBOX_KEY),
            method=scope["method"],
            path=scope["path"],
            query=mask_query(scope.get("query_string", b"")),
            status=response["status"] or 500,
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            request_headers=mask_headers(scope["headers"]),
            request_body=mask_body(request, limit),
            response_headers=mask_headers(response["headers"]),
            response_body=mask_body(body, limit),
        )
        try:
            self.journal.add(entry)
        except Exception:
            log.exception("request %s not journaled", entry.request_id or "-")
