"""The PostgreSQL floor: a bare Starlette app whose GET makes the one round trip a process
sharing a PostgreSQL database must make before it may answer from memory (reading a version
row that a commit by any process moves), then answers fixed bytes. What that check costs on
this machine with nothing else around it, served the same way as crmgate; the measuring stick
for ``bench.fleet``'s PostgreSQL columns, not a design to copy.

Each process holds one libpq connection in pipeline mode whose socket the event loop watches;
the read is a prepared ``SELECT`` of one row. ``CRMGATE_BENCH_PGFLOOR_MODE`` says how requests
share it: ``each`` (the default) sends one query per request; ``turn`` sends one per event-loop
turn for every request that arrived in it (queries in flight do not hold back the next). Either
way a request's answer is read after it arrived, so it sees every commit made before. The
database is ``CRMGATE_BENCH_PGFLOOR_DSN``; its table is made by whichever process comes first.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import pq
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

#: The answer of every GET, whatever version it read.
ANSWER = b'{"Roles":[],"Fresh":true}'
_NAME = b"floor_version"
_QUERY = b"SELECT value FROM floor_control WHERE key = 'version'"


def connect(dsn: str) -> pq.abc.PGconn:
    """A connection with the table and its row there and the read prepared on it."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(42)")
        conn.execute("CREATE TABLE IF NOT EXISTS floor_control (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO floor_control VALUES ('version', '1') ON CONFLICT DO NOTHING")
    pgconn = pq.PGconn.connect(dsn.encode())
    if pgconn.prepare(_NAME, _QUERY).status != pq.ExecStatus.COMMAND_OK:
        raise RuntimeError(pgconn.get_error_message())
    pgconn.nonblocking = 1
    pgconn.enter_pipeline_mode()
    return pgconn


class Reads:
    """The version reads in flight on one connection, each answering a list of requests."""

    def __init__(self, pgconn: pq.abc.PGconn, per_turn: bool) -> None:
        """``per_turn``: one query per event-loop turn, else one per request."""
        self._pgconn = pgconn
        self._per_turn = per_turn
        self._flying: deque[list[asyncio.Future[bytes]]] = deque()
        self._next: list[asyncio.Future[bytes]] = []
        self._value = b""
        self._watched = False

    async def read(self) -> bytes:
        """The version, read after this call began."""
        loop = asyncio.get_running_loop()
        if not self._watched:
            loop.add_reader(self._pgconn.socket, self._readable)
            self._watched = True
        waiter = loop.create_future()
        if not self._per_turn:
            self._send([waiter])
        else:
            if not self._next:
                loop.call_soon(self._send_next)
            self._next.append(waiter)
        return await waiter

    def _send_next(self) -> None:
        waiters, self._next = self._next, []
        self._send(waiters)

    def _send(self, waiters: list[asyncio.Future[bytes]]) -> None:
        self._pgconn.send_query_prepared(_NAME, None)
        self._pgconn.pipeline_sync()
        while self._pgconn.flush():
            pass
        self._flying.append(waiters)

    def _readable(self) -> None:
        pgconn = self._pgconn
        pgconn.consume_input()
        while self._flying and not pgconn.is_busy():
            result = pgconn.get_result()
            if result is None:
                continue
            if result.status == pq.ExecStatus.TUPLES_OK:
                self._value = result.get_value(0, 0) or b""
            elif result.status == pq.ExecStatus.PIPELINE_SYNC:
                for waiter in self._flying.popleft():
                    waiter.set_result(self._value)
            else:
                raise RuntimeError(result.get_error_message())


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Each process connects when it starts serving."""
    pgconn = connect(os.environ.get("CRMGATE_BENCH_PGFLOOR_DSN", "postgresql:///postgres"))
    app.state.reads = Reads(pgconn, os.environ.get("CRMGATE_BENCH_PGFLOOR_MODE") == "turn")
    try:
        yield
    finally:
        asyncio.get_running_loop().remove_reader(pgconn.socket)
        pgconn.finish()


async def get(request: Request) -> Response:
    await request.app.state.reads.read()
    return Response(ANSWER, media_type="application/json")


app = Starlette(routes=[Route("/", get)], lifespan=lifespan)
