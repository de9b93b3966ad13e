"""One socket write per answer: the head of an answer with a body of known length goes out
with the first piece of that body.

uvicorn's httptools cycle writes a response's head as soon as the app sends
``http.response.start`` and its body on ``http.response.body``: two ``send`` calls, two TCP
segments, for an answer that is ready all at once (nearly every answer here). ``JoinedWrites``
stands in for the transport of one request-response cycle and holds such a head back until
the body's first write, which it joins to it. Only a head announcing ``Content-Length`` bytes
of body to come is held: a client can do nothing with it before them. A chunked (streamed)
head, a HEAD answer's, an empty body's and ``100 Continue`` are written at once. A cycle that
ends without its body (the app failed, the connection closes) sends the held head first.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol


class _Cycle(Protocol):
    scope: Any
    response_started: bool
    chunked_encoding: bool | None
    expected_content_length: int


class JoinedWrites:
    """The transport a cycle writes through; ``transport`` is the connection's own."""

    __slots__ = ("_cycle", "_head", "_held", "transport")

    def __init__(self, transport: asyncio.Transport, cycle: _Cycle) -> None:
        self.transport = transport
        self._cycle = cycle
        self._held: bytes | None = None
        #: True until the head has been written (or held).
        self._head = True

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self.transport.write(held + data)
            return
        if self._head and (cycle := self._cycle).response_started:
            self._head = False
            if (
                cycle.expected_content_length > 0
                and cycle.chunked_encoding is False
                and cycle.scope["method"] != "HEAD"
            ):
                self._held = data
                return
        self.transport.write(data)

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def close(self) -> None:
        held = self._held
        if held is not None and not self.transport.is_closing():
            self.transport.write(held)
        self._held = None
        self.transport.close()
