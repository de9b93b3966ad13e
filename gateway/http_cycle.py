"""uvicorn's request-response cycle, sending a response's head with its first body bytes.

uvicorn writes the head of a response as soon as the app sends ``http.response.start`` and
its body when the app sends it: two writes, so two system calls and, on a connection to a
client on the same host, two TCP segments, each of which wakes the client. Here the head waits
for the first ``http.response.body`` message and leaves with those bytes in one write; the
bytes on the wire are uvicorn's own, and every later body message (a streamed answer) is
written as uvicorn writes it. A head with no body bytes to join (a HEAD request) is written on
its own, right after.
"""

from __future__ import annotations

import asyncio

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle


class _HeldHead:
    """The transport as the cycle sees it from a response's head to its first body message:
    the head (the first write) waits; the next write sends it with its own bytes."""

    __slots__ = ("head", "transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.head: bytes | None = None

    def write(self, data: bytes) -> None:
        if self.head is None:
            self.head = data
        else:
            self.transport.write(self.head + data)
            self.head = b""

    def flush(self) -> None:
        """Write the head if nothing took it along (a body message that wrote no bytes)."""
        if self.head:
            self.transport.write(self.head)
            self.head = b""

    def close(self) -> None:
        self.flush()
        self.transport.close()


class JoiningCycle(RequestResponseCycle):
    """A ``RequestResponseCycle`` whose response head leaves with its first body bytes."""

    _held: _HeldHead | None = None

    async def send(self, message: ASGISendEvent) -> None:
        held = self._held
        if held is None:
            if message["type"] != "http.response.start" or self.response_started:
                await super().send(message)
                return
            held = self._held = _HeldHead(self.transport)
        transport = self.transport
        self.transport = held  # type: ignore[assignment]
        try:
            await super().send(message)
        finally:
            self.transport = transport
        if message["type"] != "http.response.start":
            self._held = None
            if not self.disconnected:
                held.flush()
