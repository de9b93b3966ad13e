"""The one request context the gateway makes per request and the dialects read.

It lives under a single scope key (``SCOPE_KEY``) and is made once, by the gateway's exchange
wrapper; dialects reach the core through ``dialects.base.core_of`` and never look at the rest.
It sits in ``dialects`` (not ``gateway``) because dialects may not import the gateway.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

from core.services import Core

SCOPE_KEY = "crmgate"


class RequestContext:
    """What the gateway knows about one exchange, filled in as the request goes.

    ``core`` is the core the request works on (the gateway's own or its sandbox's); when the
    request names a sandbox that does not exist, ``sandbox_missing`` is set and ``core`` stays
    the gateway's. ``matched`` turns False when no endpoint of the dialect answered the path
    (the dialect's "no route" answer), so the journal can tell unmatched requests apart.
    ``status``, ``response_headers`` and the two bodies are what the journal keeps.
    ``reusable_until`` is set by a dialect (``reusable``) when its answer may be served again.
    ``headers``: the request's headers as ``headers_of`` read them, once.
    """

    __slots__ = (
        "core",
        "dialect",
        "headers",
        "matched",
        "request_body",
        "request_id",
        "response_body",
        "response_headers",
        "reusable_until",
        "sandbox",
        "sandbox_missing",
        "started",
        "status",
    )

    def __init__(self, request_id: str, core: Core, started: float) -> None:
        self.request_id = request_id
        self.dialect: str | None = None
        self.core = core
        self.sandbox: str | None = None
        self.sandbox_missing = False
        self.started = started
        self.matched = True
        self.status = 0
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.request_body = bytearray()
        self.response_body = bytearray()
        self.reusable_until: datetime | None = None
        self.headers: dict[bytes, bytes] | None = None


def context_of(scope: MutableMapping[str, Any]) -> RequestContext:
    """The context the gateway put in ``scope`` (KeyError outside the gateway)."""
    return scope[SCOPE_KEY]


def reusable(scope: MutableMapping[str, Any], until: datetime) -> None:
    """Say that this request's answer is a pure function of the request (every header but the
    request id), the core it ran on and that core's data version, until ``until``: the gateway
    may then serve the same bytes to the same request while the data version holds and that
    moment has not come. Only for an answer that wrote nothing and sets no cookie."""
    scope[SCOPE_KEY].reusable_until = until


def headers_of(scope: MutableMapping[str, Any]) -> dict[bytes, bytes]:
    """Each request header's first value by its (lower-case) name - what Starlette's
    ``Headers.get`` answers - read once per request (kept in the context, when there is one)."""
    context: RequestContext | None = scope.get(SCOPE_KEY)
    found = context.headers if context is not None else None
    if found is None:
        found = {}
        for name, value in reversed(scope["headers"]):
            found[name] = value
        if context is not None:
            context.headers = found
    return found
