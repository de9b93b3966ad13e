"""How a ServiceStack site finds what answers a request, from tables built at start-up: its one
Starlette catch-all route dispatched without the router's layers, its user routes
(``[Route]``) by segment count, and what it decided for the requests it has seen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute
from starlette.routing import Router
from starlette.types import ASGIApp, Receive, Scope, Send

from dialects.base import Endpoint, no_route, route_path
from dialects.servicestack.operations import ALL_VERBS, HostSettings, Operation, Route

#: The verbs the catch-all route takes: every one a route may declare, HEAD and OPTIONS.
VERBS = [*ALL_VERBS, "HEAD", "OPTIONS"]


class CatchAll:
    """``/{path:path}`` for every verb of ``VERBS``: ``route`` is the Starlette route (what
    ``routes()`` lists, calling ``endpoint``); called as an ASGI app it matches the route as
    Starlette's router does and hands the path to ``serve`` itself. What the route pattern
    does not take goes to the router, which answers as it always did (the site's root
    redirected to its slash, else the dialect's 404)."""

    def __init__(
        self,
        name: str,
        endpoint: Callable[[Request], Awaitable[Response]],
        serve: Callable[[Request, str], Awaitable[Response]],
    ) -> None:
        self.route = StarletteRoute("/{path:path}", endpoint, methods=VERBS, name=name)
        self.serve = serve
        self._verbs = frozenset(self.route.methods or ())
        self._router = Router([self.route], default=no_route)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = await self.answer(scope, receive)
        await answer(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive) -> ASGIApp:
        """The response of ``serve``, or the router for a path the route pattern does not
        take (``dialects.base.Dispatching.answer``)."""
        found = self.route.path_regex.match(route_path(scope))
        if found is None:
            return self._router
        if scope["method"] not in self._verbs:  # Route.handle's 405, rendered by the gateway
            raise HTTPException(405, headers={"Allow": ", ".join(self.route.methods or ())})
        return await self.serve(Request(scope, receive), "/" + found.group("path"))


class UserRoutes:
    """The user routes of a site's operations, by segment count (no route fits a path of
    another length), each list in declaration order; a route answers its verbs, and HEAD
    when it answers GET."""

    def __init__(self, declared: Iterable[tuple[Endpoint, Operation]]) -> None:
        self._by_length: dict[int, list[tuple[Route, frozenset[str], Operation]]] = {}
        for endpoint, operation in declared:
            route = Route(endpoint.path, endpoint.methods)
            verbs = frozenset(endpoint.methods)
            if "GET" in verbs:
                verbs |= {"HEAD"}
            self._by_length.setdefault(len(route.segments), []).append((route, verbs, operation))

    def find(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        """The operation whose route fits path *and* verb, and its path variables."""
        have = path.strip("/").split("/")
        for route, verbs, operation in self._by_length.get(len(have), ()):
            if method in verbs:
                found = route.match_segments(have)
                if found is not None:
                    return operation, found
        return None, {}


class Decided(NamedTuple):
    """What answers a request: the operation, the answer's format key, the path variables,
    the predefined route's own format (None on a user route), whether it is auto-batched and
    the format a body is read in (None: not read). ``variables`` is shared by every request
    of its shape: read, never changed."""

    operation: Operation
    fmt: str
    variables: dict[str, str]
    handler_format: str | None
    batch: bool
    body_format: str | None = None


#: Values nobody can change in place: a request DTO made of them only is copied whole by
#: ``__copy__``.
_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes, UUID, Decimal, datetime, date})


class Dispatches:
    """A site's ``Decided`` by request shape (verb, path below the site, query string,
    ``Accept``, ``Content-Type``: all that negotiation and routing read), under the host
    settings they were decided with; other settings decide afresh. Bounded in count.

    What the path variables and query string bind (``bind.bound``: the DTO they make alone and
    the members they set over a body) is a function of the shape too: kept when made of values
    nobody can change in place, so a request of a known shape binds them without converting."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._known: dict[Hashable, Decided] = {}
        self._bound: dict[Hashable, tuple[Any, dict[str, Any]]] = {}
        self._settings: HostSettings | None = None

    def get(self, shape: Hashable, settings: HostSettings) -> Decided | None:
        if settings is not self._settings:  # a format plugin may take a path suffix now
            self._known.clear()
            self._bound.clear()
            self._settings = settings
        return self._known.get(shape)

    def put(self, shape: Hashable, decided: Decided) -> None:
        """Remember ``decided`` for ``shape`` (under the settings ``get`` was last asked with)."""
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[shape] = decided

    def bound(self, shape: Hashable) -> tuple[Any, dict[str, Any]] | None:
        """What ``keep`` kept for ``shape``: the DTO (a request gets a copy, ``__copy__``) and
        the members set over a body (shared: read, never changed), or None."""
        return self._bound.get(shape)

    def keep(self, shape: Hashable, dto: Any, values: dict[str, Any]) -> None:
        """``dto`` and ``values`` were bound for ``shape``: kept when nothing in them can
        change."""
        if not isinstance(dto, msgspec.Struct) or not all(
            type(value) in _IMMUTABLE or isinstance(value, Enum)
            for value in msgspec.structs.astuple(dto)
        ):
            return
        if len(self._bound) >= self.size:
            self._bound.clear()
        self._bound[shape] = (dto, values)
