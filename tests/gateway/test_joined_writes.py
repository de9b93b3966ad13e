"""One socket write per answer (gateway.joined_writes), through the real protocol
(gateway.http_guard) on a transport that records each write: a head announcing a body of known
length leaves with it; any other head leaves at once."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.server import ServerState

from gateway.http_guard import GuardedHttpToolsProtocol
from gateway.joined_writes import JoinedWrites

GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
HEAD = b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"


def run(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """The test on an event loop of its own."""

    @functools.wraps(test)
    def runs(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return runs


class Recording(asyncio.Transport):
    """What the protocol wrote, one item per ``write``."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "written after close"
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass


async def plain(scope: Scope, receive: Receive, send: Send) -> None:
    body = b"hello"
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]}
    )
    await send({"type": "http.response.body", "body": body})


async def streamed(scope: Scope, receive: Receive, send: Send) -> None:
    """A head, then chunks the app takes its time over."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await asyncio.sleep(0.1)
    await send({"type": "http.response.body", "body": b"one", "more_body": True})
    await send({"type": "http.response.body", "body": b"two"})


def connected(app: Any, **options: Any) -> tuple[GuardedHttpToolsProtocol, Recording]:
    """The protocol serving ``app`` on a new connection (uvicorn ``Config`` ``options``)."""
    config = Config(
        app,
        proxy_headers=False,
        lifespan="off",
        access_log=False,
        h11_max_incomplete_event_size=65536,
        **options,
    )
    config.load()
    protocol = GuardedHttpToolsProtocol(config, ServerState(), {})
    transport = Recording()
    protocol.connection_made(transport)
    return protocol, transport


async def serve(app: Any, *requests: bytes, settle: float = 0.05) -> Recording:
    protocol, transport = connected(app)
    for request in requests:
        protocol.data_received(request)
        await asyncio.sleep(settle)
    protocol.connection_lost(None)
    return transport


@run
async def test_an_answer_ready_at_once_is_one_write() -> None:
    transport = await serve(plain, GET, GET)
    assert len(transport.writes) == 2  # one per answer
    for written in transport.writes:
        assert written.startswith(b"HTTP/1.1 200 OK\r\n")
        assert written.endswith(b"content-length: 5\r\n\r\nhello")


@run
async def test_a_streamed_head_is_sent_before_its_first_chunk() -> None:
    """The head is not held while the app waits: a client sees it at once."""
    protocol, transport = connected(streamed)
    protocol.data_received(GET)
    await asyncio.sleep(0.02)  # the app still waits for its first chunk
    [head] = transport.writes
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert head.endswith(b"transfer-encoding: chunked\r\n\r\n")
    await asyncio.sleep(0.2)
    protocol.connection_lost(None)
    assert b"".join(transport.writes[1:]) == b"3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n"


@run
async def test_a_head_answer_sends_its_head() -> None:
    """A HEAD answer writes no body: its head is not held."""
    transport = await serve(plain, HEAD, GET)
    assert transport.writes[0] == b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"
    assert transport.writes[1].endswith(b"\r\n\r\nhello")


@run
async def test_pipelined_answers_keep_their_order() -> None:
    transport = await serve(plain, HEAD + GET + HEAD)
    assert transport.writes == [
        b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n",
    ]


@run
async def test_100_continue_is_not_held() -> None:
    """``Expect: 100-continue`` is answered before the response starts: straight through."""

    async def reads_first(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await plain(scope, receive, send)

    put = b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"
    protocol, transport = connected(reads_first)
    protocol.data_received(put)
    await asyncio.sleep(0.05)
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    protocol.data_received(b"{}")
    await asyncio.sleep(0.05)
    assert transport.writes[1].endswith(b"\r\n\r\nhello")
    protocol.connection_lost(None)


async def late(scope: Scope, receive: Receive, send: Send) -> None:
    """A body of known length that takes its time."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]}
    )
    await asyncio.sleep(0.05)
    await send({"type": "http.response.body", "body": b"hello"})


@run
async def test_a_head_with_a_length_waits_for_its_body() -> None:
    transport = await serve(late, GET, settle=0.1)
    assert transport.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"]


async def fails(scope: Scope, receive: Receive, send: Send) -> None:
    """The head announces a body the app never sends."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]}
    )
    raise RuntimeError("the body could not be made")


@run
async def test_a_cycle_that_ends_without_its_body_sends_the_head_and_closes() -> None:
    """What uvicorn does without the join: the head, then the connection closed."""
    transport = await serve(fails, GET)
    assert transport.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"]
    assert transport.closed


def test_nothing_is_written_to_a_transport_already_closing() -> None:
    transport = Recording()
    cycle = SimpleNamespace(
        scope={"method": "GET"},
        response_started=True,
        chunked_encoding=False,
        expected_content_length=5,
    )
    writes = JoinedWrites(transport, cycle)
    writes.write(b"head")
    transport.close()
    assert writes.is_closing()
    writes.close()
    assert transport.writes == []


@pytest.mark.parametrize("pieces", [[GET[:10], GET[10:]], [GET]])
@run
async def test_a_head_timer_runs_only_while_a_head_is_incomplete(pieces: list[bytes]) -> None:
    protocol, _ = connected(plain, timeout_keep_alive=5)
    for piece in pieces[:-1]:
        protocol.data_received(piece)
        assert protocol._head_timer is not None
    protocol.data_received(pieces[-1])
    assert protocol._head_timer is None
    await asyncio.sleep(0.05)
    protocol.connection_lost(None)
