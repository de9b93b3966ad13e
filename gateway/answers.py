"""GET answers reused per process: only the work the answer needs, when it needs none.

A dialect marks an answer reusable (``dialects.context.reusable``) when it is a pure function
of the request, the core it ran on and that core's data version, until a moment it names (a
session's idle write-back or expiry, a token's ``exp``, the end of a role). The exchange then
keeps the answer's bytes and serves them again to the same request while

- the request is the same: method (GET only), scheme, path, query and every header but the
  request id - so no other credential, format, Host or sandbox ever gets it;
- the core is the same object (a sandbox removed and made again under its name is another);
- that core's data version has not moved since the answer was computed (the exchange syncs
  the store first, so a commit by another process counts as well as one of this process);
- the dialect's moment has not come (read on the core's clock).

An answer is kept only when it is a 200 without ``Set-Cookie`` and the data version did not
move while it was computed. Fault rules, the body limit and the journal stay in the exchange,
around a reused answer as around a computed one. Bounded in count and bytes: the least
recently used goes first.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import NamedTuple

from starlette.types import Scope, Send

from core.services import Core

#: How many answers a process keeps, and how many bytes of bodies in all.
MAX_ANSWERS = 1024
MAX_BYTES = 16 * 1024 * 1024

Key = tuple[object, ...]


class Answer(NamedTuple):
    core: Core
    version: str
    until: datetime
    headers: list[tuple[bytes, bytes]]
    body: bytes

    async def replay(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


class Answers:
    """The per-process store of reusable answers, keyed by ``key(scope)``."""

    def __init__(self, size: int = MAX_ANSWERS, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[Key, Answer] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(scope: Scope) -> Key | None:
        """The request as a key; None when its answer is never reused (not a GET, or a GET
        that may carry a body: any but ``Content-Length: 0``, which some clients send)."""
        if scope["method"] != "GET":
            return None
        headers = []
        for header in scope["headers"]:
            name = header[0]
            if name == b"x-request-id":
                continue
            if name == b"transfer-encoding" or (name == b"content-length" and header[1] != b"0"):
                return None
            headers.append(header)
        return (
            scope.get("scheme", "http"),
            scope.get("root_path", ""),
            scope["path"],
            scope.get("query_string", b""),
            tuple(headers),
        )

    def get(self, key: Key, core: Core) -> Answer | None:
        """The answer kept for ``key`` if it still holds for ``core`` now (the store synced)."""
        found = self._entries.get(key)
        if found is None:
            return None
        version = core.store.data_version
        if found.core is not core or found.version != version or core.clock() >= found.until:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return found

    def keep(
        self,
        key: Key,
        core: Core,
        version: str | None,
        until: datetime,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> None:
        """Keep a 200 computed under data ``version`` (read before it was computed)."""
        if version is None or version != core.store.data_version:
            return  # unstamped, or something was written meanwhile
        if any(name == b"set-cookie" for name, _ in headers) or len(body) > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = Answer(core, version, until, headers, body)
        self._bytes += len(body)
        while len(self._entries) > self.size or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Key) -> None:
        gone = self._entries.pop(key, None)
        if gone is not None:
            self._bytes -= len(gone.body)
