"""One socket write per answer: the response head goes out with the first piece of its body.

uvicorn's httptools cycle writes a response's head as soon as the app sends
``http.response.start`` and its body on ``http.response.body``: two ``send`` calls, two TCP
segments, for an answer that is ready all at once (nearly every answer here). ``JoinedWrites``
stands in for the transport of one request-response cycle and holds the head back until the
next write, which it joins to it. It never holds the head past the current turn of the event
loop: a streamed answer whose first chunk comes later, or a HEAD answer with no body to write,
has its head sent on the loop's next turn, before any later request's task runs (callbacks
run in the order they were scheduled).
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class _Cycle(Protocol):
    response_started: bool


class JoinedWrites:
    """The transport a cycle writes through: the first write after the response started (its
    head) is held and joined to the next one; anything else passes straight through."""

    __slots__ = ("_cycle", "_held", "_loop", "_started", "transport")

    def __init__(
        self, transport: asyncio.Transport, cycle: _Cycle, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.transport = transport
        self._cycle = cycle
        self._loop = loop
        self._held: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self.transport.write(held + data)
        elif not self._started and self._cycle.response_started:
            self._started = True
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self.transport.write(data)

    def flush(self) -> None:
        """Send a head still held (nothing when the body already took it along)."""
        held = self._held
        if held is not None:
            self._held = None
            if not self.transport.is_closing():
                self.transport.write(held)

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def close(self) -> None:
        self.flush()
        self.transport.close()
