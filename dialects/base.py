"""What a dialect is, to the gateway: a small protocol, the one endpoint declaration every
dialect uses, and the few helpers every dialect shares.

A dialect is a package that exposes one object satisfying ``Dialect``; the gateway mounts its
routes under ``prefix`` and at the root of each of ``hosts``, and hands it every error a
request ends in (a core error, an unreadable body, an unknown route, a crash) to render in
the vendor's envelope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import msgspec
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from core.services import Core
from dialects.context import context_of

#: What most dialects' endpoints are: the request and its core in, the vendor's answer out.
Handler = Callable[[Request, Core], Awaitable[Response]]


class Endpoint(msgspec.Struct, frozen=True, kw_only=True):
    """One emulated endpoint, declared once: the dialect's dispatch table, its Starlette
    routes, ``crmgate routes`` and the OpenAPI description are all derived from it.

    ``path`` is relative to the dialect's mount and may end in a fixed query (``?api=login``);
    ``methods`` are the verbs it is documented with; ``any_method`` says it answers every
    verb all the same (OWIN's token endpoint, ServiceStack's pages). ``handler`` is called by
    the dialect's own dispatcher, so its signature is the dialect's (``Handler`` for most);
    ``request`` and ``response`` are the wire DTO types (msgspec Structs), when there are any,
    and ``media_types`` those the body and the answer may come in. ``summary`` defaults to the
    first line of the handler's docstring.
    """

    path: str
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    summary: str = ""
    request: type | None = None
    response: type | None = None
    media_types: tuple[str, ...] = ("application/json",)
    any_method: bool = False
    #: A Struct whose fields are the query parameters a GET reads.
    query: type | None = None
    #: The envelope a failure comes in with status 200 (iService, CRM.COM), when there is one.
    failure: type | None = None

    def __post_init__(self) -> None:
        if not self.summary:
            doc = (self.handler.__doc__ or self.path).strip().splitlines()[0]
            msgspec.structs.force_setattr(self, "summary", doc)

    @property
    def route_path(self) -> str:
        """``path`` without its fixed query."""
        return self.path.partition("?")[0]

    def allows(self, method: str) -> bool:
        """Whether this endpoint answers ``method``."""
        return self.any_method or method in self.methods


class Problem(Exception):
    """A protocol-level failure (no route, wrong verb, body too large, bad body, crash).

    The dialect answers it with ``status`` in its own envelope.
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def no_endpoint(
    scope: dict, status: int, message: str, headers: dict[str, str] | None = None
) -> Problem:
    """The failure to answer a request none of the dialect's endpoints matches: the request's
    context is marked unmatched (``GET /__admin/requests/unmatched`` lists those)."""
    context_of(scope).matched = False
    return Problem(status, message, headers)


async def no_route(scope: Scope, receive: Receive, send: Send) -> None:
    """A dialect router's default: no endpoint matches the request."""
    raise no_endpoint(scope, 404, "No resource matches the request.")


def route_path(scope: Scope) -> str:
    """The path below the dialect's mount (``root_path``), as Starlette's router reads it: ""
    for the mount itself."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path


@runtime_checkable
class Dialect(Protocol):
    name: str
    prefix: str
    hosts: tuple[str, ...]

    def routes(self) -> Sequence[BaseRoute]: ...

    def error_response(self, exc: Exception, request: Request) -> Response:
        """Render a core error, a ``Problem`` or a ``DecodeError`` as the vendor would."""

    def describe(self) -> Sequence[Endpoint]: ...


#: What answers one request: a ``Response`` (sent by the gateway itself) or any ASGI app.
Answering = Callable[[Scope, Receive], Awaitable[ASGIApp]]


@runtime_checkable
class Dispatching(Protocol):
    """A dialect that dispatches its requests itself, from tables it built at start-up: the
    gateway then calls ``asgi()``'s app instead of a router over ``routes()``, or, with
    nothing around it (no fault rule), asks ``answer`` for the request's answer and sends a
    plain ``Response`` itself (one layer and two ``send`` calls less per request)."""

    def asgi(self) -> ASGIApp: ...

    @property
    def answer(self) -> Answering: ...


def starlette_route(endpoint: Endpoint, path: str | None = None) -> Route:
    """A Starlette route that calls ``endpoint``'s ``Handler`` with the request's core."""
    handler = endpoint.handler

    async def run(request: Request) -> Response:
        return await handler(request, core_of(request))

    return Route(path or endpoint.route_path, run, methods=list(endpoint.methods))


class EndpointDialect:
    """A dialect made of declared endpoints and an error renderer: what most dialects are.

    ``router`` turns the endpoints into Starlette routes; by default each endpoint is one
    route calling its ``Handler`` (a dialect with its own path rules passes its own).
    """

    def __init__(
        self,
        *,
        name: str,
        prefix: str,
        endpoints: Sequence[Endpoint],
        errors: Callable[[Exception, Request], Response],
        router: Callable[[Sequence[Endpoint]], Sequence[BaseRoute]] | None = None,
        hosts: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.prefix = prefix
        self.hosts = hosts
        self.endpoints = tuple(endpoints)
        self._errors = errors
        self._router = router or _one_route_each

    def routes(self) -> Sequence[BaseRoute]:
        return self._router(self.endpoints)

    def error_response(self, exc: Exception, request: Request) -> Response:
        return self._errors(exc, request)

    def describe(self) -> Sequence[Endpoint]:
        return self.endpoints


def _one_route_each(endpoints: Sequence[Endpoint]) -> list[BaseRoute]:
    return [starlette_route(e) for e in endpoints]


async def read_body(receive: Receive) -> bytes:
    """The whole request body, straight from ``receive`` (as ``Request.body`` reads it, without
    its async generator per request); a client that went away is Starlette's
    ``ClientDisconnect``. For a handler that reads the body once, and nothing else does."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()


def core_of(request: Request) -> Core:
    """The core bound to this request by the gateway (the default one or a sandbox's); a
    request naming a sandbox that does not exist gets the dialect's 404."""
    context = context_of(request.scope)
    if context.sandbox_missing:
        raise Problem(404, f"No sandbox '{context.sandbox}': it expired or was never created.")
    return context.core
