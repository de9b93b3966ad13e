"""A response's head leaves with its first body bytes, in one write (gateway.http_cycle): the
bytes on the wire are those uvicorn's own protocol writes, only in fewer writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from gateway.http_cycle import HeadWithBody
from gateway.http_guard import GuardedHttpToolsProtocol
from tests.helpers import RecordingTransport

GET = b"GET /x HTTP/1.1\r\nHost: t\r\n\r\n"


def configured(app: Any) -> Config:
    config = Config(app, lifespan="off", access_log=False, h11_max_incomplete_event_size=65536)
    config.load()
    return config


async def served(
    protocol_class: type[HttpToolsProtocol], app: Any, request: bytes
) -> RecordingTransport:
    """What ``protocol_class`` writes for ``request`` to ``app``, once the app is done."""
    config = configured(app)
    state = ServerState()
    protocol = protocol_class(config, state, {})
    transport = RecordingTransport()
    protocol.connection_made(transport)
    protocol.data_received(request)
    while state.tasks:
        await asyncio.gather(*state.tasks)
    protocol.connection_lost(None)
    return transport


def both(app: Any, request: bytes) -> tuple[RecordingTransport, RecordingTransport]:
    async def run() -> tuple[RecordingTransport, RecordingTransport]:
        return (
            await served(HttpToolsProtocol, app, request),
            await served(GuardedHttpToolsProtocol, app, request),
        )

    return asyncio.run(run())


async def three_chunks() -> AsyncIterator[bytes]:
    for chunk in (b"one", b"two", b"three"):
        yield chunk


async def streamed(scope: Scope, receive: Receive, send: Send) -> None:
    await StreamingResponse(three_chunks())(scope, receive, send)


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await Response(body, media_type="text/plain")(scope, receive, send)


async def fails(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("before any answer")


@pytest.mark.parametrize(
    ("app", "request_bytes"),
    [
        (PlainTextResponse("ok"), GET),
        (PlainTextResponse("ok"), GET.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")),
        (PlainTextResponse("", status_code=204), GET),
        (echo, b"POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"),
        (fails, GET),
    ],
    ids=["plain", "connection-close", "empty-204", "echo", "uvicorn-500"],
)
def test_a_whole_answer_is_one_write_of_uvicorns_bytes(app: Any, request_bytes: bytes) -> None:
    plain, joined = both(app, request_bytes)
    assert len(plain.writes) == 2
    assert joined.writes == [b"".join(plain.writes)]
    assert joined.closed is plain.closed


def test_a_head_request_gets_its_head_alone() -> None:
    plain, joined = both(PlainTextResponse("ok"), GET.replace(b"GET", b"HEAD"))
    assert plain.writes == joined.writes
    assert len(joined.writes) == 1
    assert joined.writes[0].endswith(b"\r\n\r\n")


def test_a_head_request_on_a_closing_connection_gets_its_head_before_the_close() -> None:
    request = b"HEAD /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    plain, joined = both(PlainTextResponse("ok"), request)
    assert joined.writes == plain.writes
    assert joined.closed


def test_a_streamed_answer_joins_its_head_to_the_first_chunk_only() -> None:
    plain, joined = both(streamed, GET)
    assert b"".join(joined.writes) == b"".join(plain.writes)
    assert joined.writes[0] == plain.writes[0] + plain.writes[1]
    assert joined.writes[1:] == plain.writes[2:]


def test_an_expect_100_continue_is_answered_before_the_head() -> None:
    request = b"POST /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi"
    plain, joined = both(echo, request)
    assert joined.writes[0] == plain.writes[0] == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert joined.writes[1:] == [b"".join(plain.writes[1:])]


def test_a_head_whose_client_left_is_not_written() -> None:
    """The client went away between the head and the body (uvicorn's ``connection_lost``
    marks the cycle disconnected): nothing is written after."""

    async def leaves(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        cycle = send.__self__  # type: ignore[attr-defined]
        assert isinstance(cycle.transport, HeadWithBody)
        cycle.disconnected = True
        await send({"type": "http.response.body", "body": b""})

    assert asyncio.run(served(GuardedHttpToolsProtocol, leaves, GET)).writes == []


def test_pipelined_requests_are_each_answered_in_one_write() -> None:
    plain, joined = both(PlainTextResponse("ok"), GET * 3)
    assert len(plain.writes) == 6
    assert joined.writes == [b"".join(plain.writes[i : i + 2]) for i in (0, 2, 4)]
