"""uvicorn's httptools protocol with a bound on the request head, in bytes and in time, one
keep-alive timer per idle spell instead of one per response, and one write per response head.

httptools has no limit of its own, and it joins a header arriving in pieces by copying, so a
64 MiB header costs seconds of the event loop (every other client waits) and a gigabyte of
memory. Here a head (request line and headers) over ``h11_max_incomplete_event_size`` bytes
(the limit uvicorn's h11 protocol applies; 64 KiB by default) is refused with 431 before the
parser sees the excess, and a connection that has not sent a complete head within
``timeout_keep_alive`` seconds of opening (or of its next request's first byte) is closed:
uvicorn arms that timeout only after a response, so a client that never sends a byte would
hold its connection for ever. That timer is armed only while a head is incomplete: a head that
arrives whole (nearly every one) costs no timer at all.

uvicorn's keep-alive timeout (close a connection idle ``timeout_keep_alive`` seconds after its
last response) makes a timer per response and cancels it at the next request's first bytes.
Here a response only notes when the connection fell idle; the one timer, armed when none is
running, closes the connection when it fires if it has been idle that long since, or waits
the rest of the time if the connection has answered again since (and stops if a request is
under way: the next response arms it again). The connection closes at the same moment as
uvicorn's would.

Each request's cycle (uvicorn's, made as the head is complete) writes to a ``HeadWithBody``
(``gateway.http_cycle``): a response's head leaves with its first body bytes, in one write.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.http_cycle import HeadWithBody

_END = b"\r\n\r\n"
_REFUSAL = b"Request header fields too large."


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    _in_head = True
    _head_bytes = 0
    _tail = b""
    _refused = False
    _head_timer: asyncio.TimerHandle | None = None
    #: The loop's time of the last response (None: bytes came since, or no response yet).
    _idle_since: float | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
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
        cycle = self.cycle
        super().on_headers_complete()
        if self.cycle is not cycle:  # a new cycle, whose task has not run yet
            self.cycle.transport = HeadWithBody(self.transport, self.scope["method"])

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    # -- keep-alive: one timer per idle spell ------------------------------------------------

    def _unset_keepalive_if_required(self) -> None:
        """Bytes came (uvicorn would cancel its timer): the connection is no longer idle."""
        self._idle_since = None

    def on_response_complete(self) -> None:
        """uvicorn's, but the keep-alive timer is armed only when none runs."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self._arm_keep_alive(self.timeout_keep_alive)

    def _arm_keep_alive(self, delay: float) -> None:
        self.timeout_keep_alive_task = self.loop.call_later(delay, self.timeout_keep_alive_handler)

    def timeout_keep_alive_handler(self) -> None:
        """Close the connection if it has been idle ``timeout_keep_alive`` seconds."""
        self.timeout_keep_alive_task = None
        if self._idle_since is None:  # a request is under way; its response arms the timer
            return
        left = self._idle_since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self._arm_keep_alive(left)
        elif not self.transport.is_closing():
            self.transport.close()

    # -- the head timer ----------------------------------------------------------------------

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
