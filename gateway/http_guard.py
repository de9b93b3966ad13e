"""uvicorn's httptools protocol with a bound on the request head, in bytes and in time.

httptools has no limit of its own, and it joins a header arriving in pieces by copying, so a
64 MiB header costs seconds of the event loop (every other client waits) and a gigabyte of
memory. Here a head (request line and headers) over ``h11_max_incomplete_event_size`` bytes
(the limit uvicorn's h11 protocol applies; 64 KiB by default) is refused with 431 before the
parser sees the excess, and a connection that has not sent a complete head within
``timeout_keep_alive`` seconds of opening (or of its next request's first byte) is closed:
uvicorn arms that timeout only after a response, so a client that never sends a byte would
hold its connection for ever. That timer is armed only while a head is incomplete: a head that
arrives whole (nearly every one) costs no timer at all.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_END = b"\r\n\r\n"
_REFUSAL = b"Request header fields too large."


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    _in_head = True
    _head_bytes = 0
    _tail = b""
    _refused = False
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            room = self.config.h11_max_incomplete_event_size - self._head_bytes
            if len(data) > room and _END not in self._tail + data[: room + len(_END)]:
                self._refuse()
                return
            self._head_bytes += len(data)
            self._tail = data[-(len(_END) - 1) :]
        super().data_received(data)
        if self._in_head and self._head_bytes and self._head_timer is None:
            self._arm()  # part of a head came, the rest has not (yet)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_timeout)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self.transport.close()

    def _refuse(self) -> None:
        """431 and close: the rest of the head is never read."""
        self._refused = True
        self._disarm()
        self.logger.warning("Request head over %d bytes refused.", self._head_bytes)
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_REFUSAL), _REFUSAL)
        )
        self.transport.close()
