"""Bounds on the request head of a real ``crmgate serve`` (gateway.http_guard, issue 17): a
head over ``--max-header`` is refused with 431 or a closed connection, without reading the
rest and without stalling other clients; a connection that sends no complete head is closed
after ``--idle-timeout``."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import PlainTextResponse
from uvicorn.config import Config
from uvicorn.server import ServerState

from gateway.http_guard import GuardedHttpToolsProtocol
from tests.helpers import RecordingTransport, Server

pytestmark = pytest.mark.slow

HEAD = b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "g.db", "--max-header", "16384", "--idle-timeout", "1")
    server.start()
    yield server
    server.stop()


def connect(server: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.settimeout(20)
    return sock


def answer(sock: socket.socket) -> bytes:
    """What the server sent before it closed (a reset counts as nothing sent)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def one_response(sock: socket.socket) -> bytes:
    """One whole response of a kept-alive connection: its head, then Content-Length bytes of
    body (a body may arrive in a later segment than its head)."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    assert len(body) == length, "more than one response arrived"
    return head + b"\r\n\r\n" + body


def send_head(sock: socket.socket, header_bytes: int) -> bytes:
    try:
        sock.sendall(HEAD + b"X-Big: " + b"a" * header_bytes + b"\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        return b""
    return answer(sock)


def test_a_head_within_the_bound_is_served(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(HEAD + b"X-Big: " + b"a" * 15000 + b"\r\nConnection: close\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200 ")


def test_a_head_just_over_the_bound_is_431(guarded: Server) -> None:
    with connect(guarded) as sock:
        reply = send_head(sock, 17000)
    assert reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert reply.endswith(b"\r\n\r\nRequest header fields too large.")


def test_a_huge_head_is_refused_unread(guarded: Server) -> None:
    """The refusal comes while the client is still sending: it may see the 431 or a reset."""
    with connect(guarded) as sock:
        reply = send_head(sock, 8 << 20)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 431 Request Header Fields Too Large")
    assert httpx.get(f"{guarded.base_url}/__admin/health").status_code == 200


def test_the_bound_holds_for_each_request_of_a_kept_alive_connection(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(HEAD + b"\r\n")
        first = one_response(sock)
        assert first.startswith(b"HTTP/1.1 200 ")
        while not first.endswith(b"}"):  # the body may come in a later segment
            first += sock.recv(65536)
        reply = send_head(sock, 40000)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 431 ")


def test_a_request_line_is_part_of_the_head(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = answer(sock)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 431 ")


def test_other_clients_are_served_while_a_huge_head_arrives(guarded: Server) -> None:
    def flood() -> None:
        with connect(guarded) as sock:
            send_head(sock, 64 << 20)

    attacker = threading.Thread(target=flood)
    attacker.start()
    for _ in range(5):
        assert httpx.get(f"{guarded.base_url}/__admin/health", timeout=20).status_code == 200
    attacker.join(timeout=60)
    assert not attacker.is_alive()


@pytest.mark.parametrize("sent", [b"", b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n"])
def test_a_connection_without_a_complete_head_is_closed(guarded: Server, sent: bytes) -> None:
    """uvicorn's keep-alive timeout starts after a response only: a client that never sends a
    byte (or stops half-way through its head) held its connection for ever."""
    with connect(guarded) as sock:
        sock.sendall(sent)
        assert answer(sock) == b""  # closed by the server, well before the socket's 20 s


def test_a_kept_alive_connection_that_goes_quiet_is_closed(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(HEAD + b"\r\n")
        everything = answer(sock)  # returns once the server closes
    assert everything.startswith(b"HTTP/1.1 200 ")
    assert everything.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize("split", [None, 10])
def test_the_head_timer_runs_only_while_a_head_is_incomplete(split: int | None) -> None:
    """On a kept-alive connection, a next head that arrives whole arms no timer (the common
    case costs nothing); a partial one does, until the rest comes."""
    request = HEAD + b"\r\n"
    pieces = [request] if split is None else [request[:split], request[split:]]

    async def run() -> None:
        config = Config(
            PlainTextResponse("ok"),
            lifespan="off",
            access_log=False,
            h11_max_incomplete_event_size=65536,
        )
        config.load()
        protocol = GuardedHttpToolsProtocol(config, ServerState(), {})
        protocol.connection_made(RecordingTransport())
        protocol.data_received(request)
        await asyncio.sleep(0.01)  # the first answer: the connection waits for its next head
        armed: list[float] = []
        arm = protocol._arm
        protocol._arm = lambda: (armed.append(0), arm())[1]  # type: ignore[method-assign]
        protocol.data_received(pieces[0])
        assert len(armed) == (0 if split is None else 1)
        assert (protocol._head_timer is None) is (split is None)
        for piece in pieces[1:]:
            protocol.data_received(piece)
        assert protocol._head_timer is None
        await asyncio.sleep(0.01)
        protocol.connection_lost(None)

    asyncio.run(run())


class _Timer:
    def __init__(self, when: float, callback: Any) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False
        self.done = False

    def cancel(self) -> None:
        self.cancelled = True


class _Clock:
    """The protocol's loop with a hand-moved clock: timers are only kept (``fire`` runs the
    due ones); tasks run on the real loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.now = 0.0
        self.timers: list[_Timer] = []

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Any) -> _Timer:
        timer = _Timer(self.now + delay, callback)
        self.timers.append(timer)
        return timer

    def create_task(self, coro: Any, **kwargs: Any) -> asyncio.Task[None]:
        return self.loop.create_task(coro, **kwargs)

    def keep_alive(self) -> list[_Timer]:
        """The keep-alive timers ever armed."""
        return [t for t in self.timers if t.callback.__name__ == "timeout_keep_alive_handler"]

    def fire(self, at: float) -> None:
        self.now = at
        for timer in [t for t in self.timers if not (t.cancelled or t.done) and t.when <= at]:
            timer.done = True
            timer.callback()


async def _connection(
    app: Any,
) -> tuple[_Clock, GuardedHttpToolsProtocol, RecordingTransport, ServerState]:
    config = Config(
        app,
        lifespan="off",
        access_log=False,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=65536,
    )
    config.load()
    clock, state, transport = _Clock(), ServerState(), RecordingTransport()
    protocol = GuardedHttpToolsProtocol(config, state, {}, _loop=clock)  # type: ignore[arg-type]
    protocol.connection_made(transport)
    return clock, protocol, transport, state


async def _answered(protocol: GuardedHttpToolsProtocol, state: ServerState) -> None:
    protocol.data_received(HEAD + b"\r\n")
    while state.tasks:
        await asyncio.gather(*state.tasks)


def test_a_kept_alive_connection_closes_timeout_seconds_after_its_last_response() -> None:
    """As uvicorn's keep-alive: idle ``--idle-timeout`` seconds after a response, closed;
    but responses on a busy connection arm no timer each (one runs, and waits the rest)."""

    async def run() -> None:
        clock, protocol, transport, state = await _connection(PlainTextResponse("ok"))
        await _answered(protocol, state)  # at 0: the timer is armed for 5
        clock.now = 3
        await _answered(protocol, state)
        clock.now = 4
        await _answered(protocol, state)
        assert len(clock.keep_alive()) == 1
        clock.fire(5)  # idle since 4: one second in, it waits the other four
        assert not transport.closed
        assert [t.when for t in clock.keep_alive()] == [5, 9]
        clock.fire(8.9)
        assert not transport.closed
        clock.fire(9)
        assert transport.closed

    asyncio.run(run())


def test_a_request_under_way_is_not_timed_out() -> None:
    """The keep-alive timeout runs only between a response and the next request's bytes."""

    async def run() -> None:
        release = asyncio.Event()

        async def slow(scope: Any, receive: Any, send: Any) -> None:
            await release.wait()
            await PlainTextResponse("ok")(scope, receive, send)

        clock, protocol, transport, state = await _connection(slow)
        release.set()
        await _answered(protocol, state)  # at 0: armed for 5
        release.clear()
        clock.now = 1
        protocol.data_received(HEAD + b"\r\n")
        await asyncio.sleep(0)
        clock.fire(10)  # the request has taken nine seconds so far
        assert not transport.closed
        assert all(t.done for t in clock.keep_alive())
        release.set()
        while state.tasks:
            await asyncio.gather(*state.tasks)
        assert [t.when for t in clock.keep_alive()] == [5, 15]  # armed again by the response
        clock.fire(14)
        assert not transport.closed
        clock.fire(15)
        assert transport.closed

    asyncio.run(run())


def test_a_lost_connection_stops_its_keep_alive_timer() -> None:
    async def run() -> None:
        clock, protocol, _, state = await _connection(PlainTextResponse("ok"))
        await _answered(protocol, state)
        protocol.connection_lost(None)
        assert all(t.cancelled for t in clock.keep_alive())

    asyncio.run(run())
