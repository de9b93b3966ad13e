"""Shadow mode (``serve --upstream DIALECT=URL --shadow``): the vendor answers every request;
afterwards, off the request path, crmgate answers the same request in a throwaway sandbox and
the shape differences are journaled for ``GET /__admin/diff``.

One background task works through the requests in the order they were answered, so logins
carry over (the vendor's tokens and cookies are swapped for the ones crmgate handed out). The
queue and the journal are bounded; requests that find the queue full are counted, not kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.types import Scope

from core.services import Core
from dialects.base import Dialect
from gateway import fixtures
from gateway.config import Config
from gateway.diff.compare import compare
from gateway.diff.logins import Credentials, SecretBook
from gateway.diff.model import Answer, Outcome, answer
from gateway.diff.replay import decoded
from gateway.diff.report import Report, summarize
from gateway.masking import mask_query
from gateway.sandboxes import HEADER, Sandbox, Sandboxes
from gateway.upstream import HOP_BY_HOP

log = logging.getLogger("crmgate.shadow")

DEFAULT_ENTRIES = 1000
DEFAULT_QUEUE = 1000
_SKIPPED = HOP_BY_HOP | {HEADER.lower().encode()}


class Observed:
    """One request the vendor answered, waiting for crmgate's answer."""

    __slots__ = ("answered_at", "body", "dialect", "headers", "method", "path", "query", "vendor")

    def __init__(self, dialect: str, scope: Scope, body: bytes, vendor: Answer) -> None:
        self.dialect = dialect
        self.method: str = scope["method"]
        self.path: str = scope["path"][len(scope.get("root_path", "")) :] or "/"
        self.query: str = scope.get("query_string", b"").decode("latin-1")
        self.headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _SKIPPED]
        self.body = body
        self.vendor = vendor
        self.answered_at = datetime.now(UTC).isoformat(timespec="milliseconds")


class Tap:
    """What the upstream proxy of one dialect calls once the vendor's answer is sent."""

    def __init__(self, shadow: Shadow, dialect: str) -> None:
        self.shadow = shadow
        self.dialect = dialect

    def save(
        self, scope: Scope, request_body: bytes, status: int, headers: Any, body: bytes
    ) -> None:
        vendor = decoded(answer(status, headers, body))
        self.shadow.observe(Observed(self.dialect, scope, request_body, vendor))


class Shadow:
    def __init__(
        self,
        sandboxes: Sandboxes,
        fixture_source: str,
        prefixes: dict[str, str],
        *,
        entries: int = DEFAULT_ENTRIES,
        queue_size: int = DEFAULT_QUEUE,
    ) -> None:
        self.sandboxes = sandboxes
        self.fixture_source = fixture_source
        self.prefixes = prefixes
        self.outcomes: deque[Outcome] = deque(maxlen=entries)
        self.queue_size = queue_size
        self.dropped = 0
        self.failed = 0
        self._queue: asyncio.Queue[Observed] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._sandbox: Sandbox | None = None
        self._client: httpx.AsyncClient | None = None
        self._books: dict[str, SecretBook] = {}

    def tap(self, dialect: str) -> Tap:
        return Tap(self, dialect)

    def observe(self, item: Observed) -> None:
        """Queue a request for comparison; never waits."""
        if self._queue is None:
            self._queue = asyncio.Queue(self.queue_size)
            self._worker = asyncio.get_running_loop().create_task(self._work())
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            item = await self._queue.get()
            try:
                self.outcomes.append(await self.compare(item))
            except Exception:
                self.failed += 1
                log.exception("shadow comparison of %s %s failed", item.method, item.path)
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Wait until every queued request is compared."""
        if self._queue is not None:
            await self._queue.join()

    def _own(self) -> httpx.AsyncClient:
        """A client on crmgate's own dialects in the shadow sandbox (a new sandbox, and new
        sessions, when the old one expired)."""
        alive = self._sandbox and self.sandboxes.get(self._sandbox.id)
        if self._client is None or not alive:
            from gateway.app import create_app

            source = self.fixture_source
            self._sandbox = self.sandboxes.create(source, fixtures.read(source))
            app = create_app(Config(db=":memory:", processes=1), core=self._sandbox.core)
            transport = httpx.ASGITransport(app=app)
            self._client = httpx.AsyncClient(transport=transport, base_url="http://shadow.local")
            self._books = {}
        return self._client

    async def compare(self, item: Observed) -> Outcome:
        client = self._own()
        book = self._books.setdefault(item.dialect, SecretBook(Credentials()))
        book.notes = []
        headers = book.headers(
            {k.decode("latin-1"): v.decode("latin-1") for k, v in item.headers}, ""
        )
        query = book.query(item.query, "")
        url = self.prefixes[item.dialect] + item.path + (f"?{query}" if query else "")
        body = book.body(item.body.decode("utf-8", errors="surrogateescape"), "")
        request = client.build_request(
            item.method, url, headers=headers, content=body.encode("utf-8", "surrogateescape")
        )
        for name in ("accept", "accept-encoding", "user-agent", "connection"):
            if name not in headers:
                request.headers.pop(name, None)
        response = await client.send(request)
        own = answer(response.status_code, response.headers.raw, response.content)
        book.learn(item.vendor, own)
        return Outcome(
            dialect=item.dialect,
            method=item.method,
            path=item.path,
            query=mask_query(item.query.encode("latin-1")),
            vendor_status=item.vendor.status,
            crmgate_status=own.status,
            differences=compare(item.vendor, own),
            source=item.answered_at,
        )

    def report(self) -> Report:
        return summarize(list(self.outcomes))

    def clear(self) -> int:
        """Forget the compared exchanges and the counts (sessions in the sandbox stay)."""
        deleted = len(self.outcomes)
        self.outcomes.clear()
        self.dropped = self.failed = 0
        return deleted

    def status(self) -> dict[str, int]:
        """Requests waiting for comparison, dropped (queue full) and failed comparisons."""
        pending = self._queue.qsize() if self._queue is not None else 0
        return {"pending": pending, "dropped": self.dropped, "failed": self.failed}

    async def aclose(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        if self._client is not None:
            await self._client.aclose()
        if self._sandbox is not None:
            self.sandboxes.delete(self._sandbox.id)


def shadow_for(
    config: Config, core: Core, sandboxes: Sandboxes, dialects: list[Dialect]
) -> Shadow | None:
    """The gateway's shadow, when ``config.shadow`` asks for one."""
    if not config.shadow:
        return None
    source = core.fixtures.source() or config.fixtures
    return Shadow(sandboxes, source, {d.name: d.prefix for d in dialects})
