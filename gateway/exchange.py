"""The exchange wrapper: the one ASGI layer between the server and the dialects.

Per request it makes the request context (``dialects.context``), picks the dialect from a
table built at start-up (the admin API first, then the Host, then the path prefix), binds
the core (the sandbox's when the request names one), applies fault rules and the body limit,
renders every error in the dialect's envelope (a database that went away as the dialect's 503),
serves again a GET answer the dialect marked reusable (``gateway.answers``, unless switched
off) and hands the exchange to the journal. What nobody switched on costs nothing: no fault
rule means no fault work (``gateway.wire_faults`` otherwise), no sandbox header means no
registry lookup, and the access log (``gateway.access``) is off unless asked for.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` from a trusted proxy (``forwarded_allow_ips``,
uvicorn's ``--forwarded-allow-ips`` syntax) set the request's client and scheme, read by
uvicorn's own ``ProxyHeadersMiddleware``: here, only for a request that carries one (uvicorn
would wrap every request in it, ``crmgate serve`` turns that off).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace

from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from core.errors import CoreError
from core.services import Core
from core.store import StoreUnavailable
from dialects.base import Answering, Dialect, Problem, no_endpoint
from dialects.context import SCOPE_KEY, RequestContext
from dialects.formats.errors import DecodeError
from gateway.access import log_access
from gateway.answers import Answers
from gateway.faults import Faults
from gateway.journal import Captured, Journal
from gateway.sandboxes import HEADER, Sandboxes
from gateway.wire_faults import with_fault

errors_log = logging.getLogger("crmgate.errors")

#: Generated request ids: 32 hex digits, random per process, then a counter.
_ID_PREFIX = os.urandom(8).hex()
_ids = itertools.count(1)
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_SANDBOX = HEADER.lower().encode()
_FORWARDED = frozenset((b"x-forwarded-for", b"x-forwarded-proto"))
_PLAIN_404_BODY = b"Not Found"
_PLAIN_404_HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"9")]
_REASONS = {404: "not found", 405: "method not allowed"}
#: How many Host header values the exchange remembers the route of; a stand-in for "not seen".
_MAX_HOSTS = 256
_UNKNOWN = object()
#: The ``__call__`` of a Response that sends its head and its whole body, nothing else.
_PLAIN_CALL = Response.__call__
#: Errors a dialect renders in its own envelope; anything else is a 500.
RENDERED = (Problem, CoreError, DecodeError)
UNAVAILABLE = "The service is temporarily unavailable."
#: The journal's status for a client that went away before its answer (nginx's 499, "client
#: closed request"): no answer was sent, and the failure is the client's, not the gateway's.
CLIENT_GONE = 499


@dataclass(frozen=True, slots=True)
class Route:
    """A dialect as the dispatch table holds it: ``app`` is its router (or its upstream);
    ``answer``, when the dialect dispatches its requests itself (``Dispatching.answer``),
    is asked instead of ``app`` while nothing wraps it."""

    dialect: Dialect
    app: ASGIApp
    answer: Answering | None = None


class Exchange:
    """``admin`` serves ``/__admin``; ``prefixes`` and ``hosts`` map to dialect routes."""

    def __init__(
        self,
        *,
        core: Core,
        admin: ASGIApp,
        prefixes: dict[str, Route],
        hosts: dict[str, Route],
        faults: Faults,
        sandboxes: Sandboxes,
        journal: Journal,
        max_body_bytes: int,
        access_log: bool = False,
        answer_cache: bool = True,
        forwarded_allow_ips: str = "",
        on_shutdown: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.core = core
        self.admin = admin
        self.prefixes = prefixes
        self.hosts = hosts
        self.faults = faults
        self.sandboxes = sandboxes
        self.journal = journal
        self.max_body_bytes = max_body_bytes
        self.access_log = access_log
        self.on_shutdown = on_shutdown
        #: What reads a trusted proxy's forwarded headers; None: no proxy is trusted.
        self._proxy = (
            ProxyHeadersMiddleware(_untouched, forwarded_allow_ips) if forwarded_allow_ips else None
        )
        #: GET answers the dialects marked reusable (``gateway.answers``), when switched on.
        self.answers = Answers()
        self.answer_cache = answer_cache
        #: What tests and tools may look at (``state.admin``: the admin API's state).
        self.state = SimpleNamespace()
        #: The route of each Host header value seen (None: no site's Host), bounded.
        self._host_routes: dict[bytes, Route | None] = {}
        #: Bytes of each body kept for the journal (``body_chars`` UTF-8 characters at most).
        self.keep = journal.body_chars * 4 + 4

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:  # websockets: nothing here speaks them
            await send({"type": "websocket.close", "code": 1000})

    # -- dispatch ----------------------------------------------------------------------------

    def _route(self, scope: Scope, host: bytes) -> tuple[Route | None, str]:
        """The dialect route and the prefix it is mounted at: a Host that names a site is
        served at its root (""), whatever the path; any other Host by the path's prefix."""
        if host:
            route = self._host_routes.get(host, _UNKNOWN)
            if route is _UNKNOWN:
                name = host.decode("latin-1")
                if ":" in name:
                    name = name.rsplit(":", 1)[0]
                route = self.hosts.get(name.lower())
                if len(self._host_routes) >= _MAX_HOSTS:
                    self._host_routes.clear()
                self._host_routes[host] = route
            if route is not None:
                return route, ""
        path: str = scope["path"]
        end = path.find("/", 1)
        prefix = path if end < 0 else path[:end]
        return self.prefixes.get(prefix), prefix

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        headers = dict(reversed(scope["headers"]))  # what ``headers_of`` answers: first values
        if self._proxy is not None and not headers.keys().isdisjoint(_FORWARDED):
            await self._proxy(scope, receive, send)
        path: str = scope["path"]
        if path == "/__admin":  # the dashboard's page is /__admin/
            url = URL(scope=scope).replace(path="/__admin/")
            await RedirectResponse(url)(scope, receive, send)
            return
        if path.startswith("/__admin/"):
            try:
                self.core.store.sync()
            except StoreUnavailable as exc:
                errors_log.warning("database unavailable: %s", exc)
                body = {"error": f"database unavailable: {exc}"}
                await JSONResponse(body, 503, {"Retry-After": "1"})(scope, receive, send)
                return
            scope["root_path"] = scope.get("root_path", "") + "/__admin"
            await self.admin(scope, receive, send)
            return
        given_id = headers.get(b"x-request-id")
        request_id = given_id.decode("latin-1") if given_id is not None else ""
        if given_id is None or not _SANE_ID.fullmatch(request_id):
            request_id = f"{_ID_PREFIX}{next(_ids):016x}"
        context = RequestContext(request_id, self.core, started, headers=headers)
        route, prefix = self._route(scope, headers.get(b"host", b""))
        sandbox = headers.get(_SANDBOX)
        if route is None:
            context.sandbox = sandbox.decode("latin-1") if sandbox is not None else None
            await self._no_dialect(context, scope, send)
            return
        scope["app"] = self  # Starlette's routers then raise HTTPException (405) for us to render
        context.dialect = route.dialect.name
        scope[SCOPE_KEY] = context
        if prefix:
            scope["root_path"] = scope.get("root_path", "") + prefix
        try:
            length = headers.get(b"content-length")
            await self._serve(route, context, scope, receive, send, length, sandbox)
        finally:
            self._record(context, scope)

    async def _no_dialect(self, context: RequestContext, scope: Scope, send: Send) -> None:
        """Under no dialect there is no vendor to imitate: a bare 404, journaled as unmatched
        (a client pointed at the wrong prefix shows up in ``/__admin/requests/unmatched``)."""
        context.matched = False
        await _plain_404(send)
        context.status = 404
        context.response_headers = _PLAIN_404_HEADERS
        context.response_body += _PLAIN_404_BODY
        self._record(context, scope)

    def _bind_sandbox(self, context: RequestContext, name: str) -> None:
        context.sandbox = name
        box = self.sandboxes.get(name)
        if box is None:
            context.sandbox_missing = True
        else:
            context.core = box.core
            box.core.store.sync()

    async def _serve(
        self,
        route: Route,
        context: RequestContext,
        scope: Scope,
        receive: Receive,
        send: Send,
        length: bytes | None,
        sandbox: bytes | None,
    ) -> None:
        keep = self.keep
        limit = self.max_body_bytes
        received = 0
        gone = False

        async def receive_and_keep() -> Message:
            nonlocal received, gone
            message = await receive()
            if message["type"] == "http.disconnect":
                gone = True
            elif message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise _too_large(limit)
                kept = context.request_body
                if len(kept) < keep:
                    kept += chunk[: keep - len(kept)]
            return message

        async def send_and_keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                context.status = message["status"]
                headers = message.get("headers", [])
                context.response_headers = headers
                message = message | {"headers": [*headers, (b"x-request-id", request_id)]}
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                kept = context.response_body
                if len(kept) < keep:
                    kept += chunk[: keep - len(kept)]
                if whole is not None:
                    whole.append(chunk)
            await send(message)

        request_id = context.request_id.encode()
        whole: list[bytes] | None = None
        try:
            await self.core.store.sync_async()  # first: did the sandbox registry change?
            if sandbox is not None:
                self._bind_sandbox(context, sandbox.decode("latin-1"))
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise _too_large(limit)
            app = route.app
            answer = route.answer
            key = None
            if self.faults.active():
                app = self._faulty(route, scope, app)
                if app is not route.app:
                    answer = None
            elif (
                self.answer_cache
                and length in (None, b"0")
                and (key := self.answers.key(scope)) is not None
            ):
                core = context.core
                if (found := self.answers.get(key, core)) is not None:
                    await found.replay(send_and_keep)
                    return
                version, whole = core.store.data_version, []
            if answer is None:
                await app(scope, receive_and_keep, send_and_keep)
            else:
                response = await answer(scope, receive_and_keep)
                if type(response).__call__ is _PLAIN_CALL and response.background is None:
                    await self._send_plain(response, context, send, request_id, whole)
                else:
                    await response(scope, receive_and_keep, send_and_keep)
            until = context.reusable_until
            if whole is not None and until is not None and context.status == 200:
                headers, body = context.response_headers, b"".join(whole)
                self.answers.keep(key, core, version, until, headers, body)
        except Exception as exc:
            if context.status:  # the answer has begun: nothing left to render it in
                raise
            if gone:  # the client left mid-request: nobody to answer, nothing went wrong here
                context.status = CLIENT_GONE
                return
            response = self._error_response(route.dialect, exc, scope)
            await response(scope, receive_and_keep, send_and_keep)

    async def _send_plain(
        self,
        response: Response,
        context: RequestContext,
        send: Send,
        request_id: bytes,
        whole: list[bytes] | None,
    ) -> None:
        """Send a plain ``Response`` (what its ``__call__`` sends: the head, then the whole
        body), kept as ``send_and_keep`` keeps what passes through it."""
        context.status = status = response.status_code
        context.response_headers = headers = response.raw_headers
        body = response.body
        context.response_body += body[: self.keep]
        if whole is not None:
            whole.append(body)
        headers = [*headers, (b"x-request-id", request_id)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _error_response(self, dialect: Dialect, exc: Exception, scope: Scope) -> ASGIApp:
        if isinstance(exc, HTTPException):
            reason = exc.detail or _REASONS.get(exc.status_code, "error")
            headers = dict(exc.headers or {})
            if exc.status_code in _REASONS:  # Starlette's router: no route, or not this verb
                exc = no_endpoint(scope, exc.status_code, reason, headers)
            else:
                exc = Problem(exc.status_code, reason, headers)
        elif isinstance(exc, StoreUnavailable):
            errors_log.warning("database unavailable in dialect %s: %s", dialect.name, exc)
            exc = Problem(503, UNAVAILABLE, {"Retry-After": "1"})
        elif not isinstance(exc, RENDERED):
            errors_log.exception("unhandled error in dialect %s", dialect.name)
            exc = Problem(500, "An error has occurred.")
        try:
            return dialect.error_response(exc, Request(scope))
        except Exception:
            errors_log.exception("dialect %s could not render an error", dialect.name)
            return _plain_500

    # -- faults ------------------------------------------------------------------------------

    def _faulty(self, route: Route, scope: Scope, app: ASGIApp) -> ASGIApp:
        path = scope["path"][len(scope.get("root_path", "")) :] or "/"
        rule = self.faults.pick(route.dialect.name, scope["method"], path, scope[SCOPE_KEY].sandbox)
        if rule is None:
            return app
        return with_fault(rule, app)

    # -- the record of the exchange ----------------------------------------------------------

    def _record(self, context: RequestContext, scope: Scope) -> None:
        duration = time.perf_counter() - context.started
        status = context.status or 500
        self.journal.add(
            Captured(
                time.time(),
                context.request_id,
                context.dialect or "",
                context.sandbox,
                scope["method"],
                scope["path"],
                scope.get("query_string", b""),
                status,
                duration,
                tuple(scope["headers"]),
                context.request_body,
                tuple(context.response_headers),
                context.response_body,
                context.matched,
            )
        )
        if self.access_log:
            log_access(context, scope, status, duration)

    # -- lifespan ----------------------------------------------------------------------------

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.journal.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.journal.close()
                if self.on_shutdown is not None:
                    await self.on_shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _too_large(limit: int) -> Problem:
    return Problem(413, f"The request body is larger than the limit of {limit} bytes.")


async def _untouched(scope: Scope, receive: Receive, send: Send) -> None:
    """The app behind the forwarded-headers reader: it only wanted the scope rewritten."""


async def _plain_404(send: Send) -> None:
    """Outside every dialect there is no vendor to imitate: a bare 404."""
    await send({"type": "http.response.start", "status": 404, "headers": _PLAIN_404_HEADERS})
    await send({"type": "http.response.body", "body": _PLAIN_404_BODY})


async def _plain_500(scope: Scope, receive: Receive, send: Send) -> None:
    body = b"Internal Server Error"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21")]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
