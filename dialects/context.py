"""The one request context the gateway makes per request and the dialects read.

It lives under a single scope key (``SCOPE_KEY``) and is made once, by the gateway's exchange
wrapper; dialects reach the core through ``dialects.base.core_of`` and never look at the rest.
It sits in ``dialects`` (not ``gateway``) because dialects may not import the gateway.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

import msgspec

from core.services import Core

SCOPE_KEY = "crmgate"


class RequestContext(msgspec.Struct):
    """What the gateway knows about one exchange, filled in as the request goes (a Struct:
    made in C, once per request).

    ``core`` is the core the request works on (the gateway's own or its sandbox's); when the
    request names a sandbox that does not exist, ``sandbox_missing`` is set and ``core`` stays
    the gateway's. ``matched`` turns False when no endpoint of the dialect answered the path
    (the dialect's "no route" answer), so the journal can tell unmatched requests apart.
    ``status``, ``response_headers`` and the two bodies are what the journal keeps.
    ``reusable_until`` is set by a dialect (``reusable``) when its answer may be served again.
    ``headers``: the request's headers as ``headers_of`` reads them (the gateway's exchange
    fills it in as it makes the context).
    """

    request_id: str
    core: Core
    started: float
    dialect: str | None = None
    sandbox: str | None = None
    sandbox_missing: bool = False
    matched: bool = True
    status: int = 0
    response_headers: list[tuple[bytes, bytes]] = msgspec.field(default_factory=list)
    request_body: bytearray = msgspec.field(default_factory=bytearray)
    response_body: bytearray = msgspec.field(default_factory=bytearray)
    reusable_until: datetime | None = None
    headers: dict[bytes, bytes] | None = None


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
        found = dict(reversed(scope["headers"]))  # the first value of a name is set last
        if context is not None:
            context.headers = found
    return found
