"""The data and state versions of a PostgreSQL database, read without blocking the event loop
and shared by every request that waits for the same read.

A gateway learns at the start of each request whether anyone wrote (``ReadCache.sync``). On
PostgreSQL that is a network round trip, and made on the store's own connection it stops the
process for its whole length. Here it runs on a libpq connection of its own whose socket the
event loop watches, in rounds: a request joins the next round, and a round's query is sent only
after everyone in it arrived (once the loop has run what was ready with the first of them), so
its answer shows every commit made before any of them started. While one round is in flight the
requests arriving meanwhile wait for the next, so under load one query serves many requests,
and none ever trusts a version read before it arrived. The
query is prepared once per connection: the server then neither parses nor plans it per round.
"""

from __future__ import annotations

import asyncio

import psycopg
from psycopg import pq
from psycopg.conninfo import make_conninfo

from core.store.base import StoreError, StoreUnavailable

Versions = tuple[str | None, str | None]
#: The name of the prepared query on the probe's connection.
_NAME = b"crmgate_versions"


class VersionProbe:
    """Reads the values of ``keys`` (data version, state version) from ``schema``'s
    ``control`` table in rounds (see above)."""

    def __init__(self, dsn: str, schema: str, keys: tuple[str, str]) -> None:
        self._conninfo = make_conninfo(dsn, connect_timeout=10).encode()
        # the schema name is checked by the store ([a-z_][a-z0-9_]*), the keys are constants
        listed = ", ".join(f"'{key}'" for key in keys)
        self._query = f'SELECT key, value FROM "{schema}".control WHERE key IN ({listed})'.encode()
        self._keys = keys
        self._pgconn: pq.abc.PGconn | None = None
        self._fd = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        #: The callers of the round that has not been sent yet, and of the one in flight.
        self._next: list[asyncio.Future[Versions]] = []
        self._flying: list[asyncio.Future[Versions]] | None = None
        #: The round in flight was sent again on a fresh connection after the first one died.
        self._resent = False
        #: The next round will be sent once the event loop has run what is ready now.
        self._due = False

    async def read(self) -> Versions:
        """The data and state versions, as of a moment after this call began."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests, tools): a connection of its own
            self.close()
            self._loop = loop
        waiter: asyncio.Future[Versions] = loop.create_future()
        self._next.append(waiter)
        if self._flying is None and not self._due:
            self._due = True
            loop.call_soon(self._send)
        return await waiter

    def _send(self) -> None:
        """Send the next round's query (on a connection found dead, once more on a fresh one)."""
        self._due = False
        self._flying, self._next = self._next, []
        self._resent = False
        try:
            self._connection().send_query_prepared(_NAME, None)
            return
        except psycopg.OperationalError:
            self._drop()
        except StoreError as exc:
            self._fail(exc)
            return
        self._resend()

    def _resend(self) -> None:
        self._resent = True
        try:
            self._connection().send_query_prepared(_NAME, None)
        except psycopg.OperationalError as exc:
            self._drop()
            self._fail(StoreUnavailable(f"the database connection was lost: {exc}"))
        except StoreError as exc:
            self._fail(exc)

    def _connection(self) -> pq.abc.PGconn:
        if self._pgconn is None:
            pgconn = self._open()
            assert self._loop is not None
            self._fd = pgconn.socket
            self._loop.add_reader(self._fd, self._readable)
            self._pgconn = pgconn
        return self._pgconn

    def _open(self) -> pq.abc.PGconn:
        """A new connection, the query prepared on it (``StoreError``: it cannot be)."""
        pgconn = pq.PGconn.connect(self._conninfo)
        if pgconn.status != pq.ConnStatus.OK:
            message = pgconn.get_error_message()
            pgconn.finish()
            raise psycopg.OperationalError(message)
        prepared = pgconn.prepare(_NAME, self._query)
        if prepared.status == pq.ExecStatus.COMMAND_OK:
            return pgconn
        message = prepared.get_error_message()
        lost = pgconn.status != pq.ConnStatus.OK
        pgconn.finish()
        if lost:
            raise psycopg.OperationalError(message)
        raise StoreError(f"cannot read the data version: {message}")

    def _readable(self) -> None:
        """The loop's callback: the answer (or the end of the connection) arrived."""
        pgconn = self._pgconn
        assert pgconn is not None
        results = []
        try:
            pgconn.consume_input()
            if pgconn.is_busy():
                return
            while (result := pgconn.get_result()) is not None:
                results.append(result)
            lost = pgconn.status != pq.ConnStatus.OK
            message = pgconn.get_error_message()
        except psycopg.OperationalError as exc:
            lost, message = True, str(exc)
        if lost:
            self._drop()
            if self._flying is not None and not self._resent:
                self._resend()  # the connection had died before this round was sent
            elif self._flying is not None:
                self._fail(StoreUnavailable(f"the database connection was lost: {message}"))
        elif self._flying is not None:  # (else: a notice nobody asked for)
            self._answer(results)

    def _answer(self, results: list[pq.abc.PGresult]) -> None:
        result = results[0] if results else None
        if result is None or result.status != pq.ExecStatus.TUPLES_OK:
            message = result.get_error_message() if result is not None else "no answer"
            self._fail(StoreError(f"cannot read the data version: {message}"))
            return
        found = {_text(result, i, 0): _text(result, i, 1) for i in range(result.ntuples)}
        versions = (found.get(self._keys[0]), found.get(self._keys[1]))
        waiters, self._flying = self._flying or [], None
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(versions)
        if self._next:
            self._send()

    def _fail(self, exc: Exception) -> None:
        waiters, self._flying = self._flying or [], None
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(exc)
        if self._next:
            self._send()

    def _drop(self) -> None:
        pgconn, self._pgconn = self._pgconn, None
        if pgconn is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._fd)
        pgconn.finish()

    def close(self) -> None:
        """Drop the connection and forget the rounds (their event loop is gone, or closing)."""
        self._drop()
        self._flying = None
        self._next = []
        self._due = False


def _text(result: pq.abc.PGresult, row: int, column: int) -> str:
    return bytes(result.get_value(row, column) or b"").decode()
