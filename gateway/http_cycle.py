"""The transport a request's cycle writes to: a response's head leaves with its first body
bytes, in one write.

uvicorn's ``RequestResponseCycle`` writes the head of a response as soon as the app sends
``http.response.start`` and its body when the app sends it: two writes, so two system calls
and, on a connection to a client on the same host, two TCP segments, each of which wakes the
client. Given ``HeadWithBody`` as its transport, the cycle's first write of a response (the
head) waits and leaves with the next (the first body bytes); the bytes on the wire are
uvicorn's own, and every later write (a streamed answer) goes straight through. A HEAD
request's head has no body bytes to wait for: it is not held. A close writes a head still
held first (an app that stopped after the head gets what uvicorn would send it).
"""

from __future__ import annotations

import asyncio

#: What uvicorn writes for ``Expect: 100-continue`` before the response: never held.
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class HeadWithBody:
    """One response's view of its connection's transport (``write``, ``close`` and
    ``is_closing``: what uvicorn's cycle calls)."""

    __slots__ = ("head", "hold", "transport")

    def __init__(self, transport: asyncio.Transport, method: str) -> None:
        self.transport = transport
        #: Whether the next write is a head to hold.
        self.hold = method != "HEAD"
        self.head = b""

    def write(self, data: bytes) -> None:
        if self.hold and data != _CONTINUE:
            self.head, self.hold = data, False
        elif self.head:
            self.transport.write(self.head + data)
            self.head = b""
        else:
            self.transport.write(data)

    def close(self) -> None:
        if self.head:
            self.transport.write(self.head)
            self.head = b""
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()
