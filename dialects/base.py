"""What a dialect is, to the gateway: a small protocol plus the few helpers every dialect uses.

A dialect is a package that exposes one object satisfying ``Dialect``; the gateway mounts its
routes under ``prefix`` and at the root of each of ``hosts``, and asks it to render every error
the gateway itself raises (unknown route, body too large, a crash) in the vendor's envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from core.services import Core

CORE_SCOPE_KEY = "crmgate.core"
SANDBOX_MISSING_KEY = "crmgate.sandbox_missing"


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """One emulated endpoint, for ``crmgate routes`` and the OpenAPI description.

    ``path`` is relative to the dialect's mount and may end in a fixed query (``?api=login``);
    ``request`` and ``response`` are the wire DTO types (msgspec Structs), when there are any.
    """

    method: str
    path: str
    summary: str
    request: type | None = None
    response: type | None = None
    media_types: tuple[str, ...] = ("application/json",)


class Problem(Exception):
    """A protocol-level failure (no route, wrong verb, body too large, bad body, crash).

    The dialect answers it with ``status`` in its own envelope.
    """

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@runtime_checkable
class Dialect(Protocol):
    name: str
    prefix: str
    hosts: tuple[str, ...]

    def routes(self) -> Sequence[BaseRoute]: ...

    def error_response(self, exc: Exception, request: Request) -> Response:
        """Render a core error, a ``Problem`` or a ``DecodeError`` as the vendor would."""

    def describe(self) -> Sequence[Operation]: ...


class ModuleDialect:
    """A dialect assembled from its own modules' functions: what most dialects need.

    ``routes`` builds the route table, ``errors`` renders any failure in the vendor's
    envelope, ``operations`` describes the endpoints.
    """

    def __init__(
        self,
        *,
        name: str,
        prefix: str,
        routes: Callable[[], Sequence[BaseRoute]],
        errors: Callable[[Exception, Request], Response],
        operations: Callable[[], Sequence[Operation]],
        hosts: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.prefix = prefix
        self.hosts = hosts
        self._routes = routes
        self._errors = errors
        self._operations = operations

    def routes(self) -> Sequence[BaseRoute]:
        return self._routes()

    def error_response(self, exc: Exception, request: Request) -> Response:
        return self._errors(exc, request)

    def describe(self) -> Sequence[Operation]:
        return self._operations()


def core_of(request: Request) -> Core:
    """The core bound to this request by the gateway (the default one or a sandbox's)."""
    missing = request.scope.get(SANDBOX_MISSING_KEY)
    if missing is not None:
        raise Problem(404, f"No sandbox '{missing}': it expired or was never created.")
    return request.scope[CORE_SCOPE_KEY]
