"""The data and state versions of a PostgreSQL database, read without blocking the event loop
and shared by every request that arrived in the same turn of the loop.

A gateway learns at the start of each request whether anyone wrote (``ReadCache.sync``). On
PostgreSQL that is a network round trip, and made on the store's own connection it stops the
process for its whole length. Here it runs on a libpq connection of its own, in pipeline mode,
whose socket the event loop watches, in rounds: a request joins the next round, and a round's
query is sent once the loop has run what was ready with the first of them (so every request
parsed in that turn joins), so its answer shows every commit made before any of them started.
Rounds do not wait for each other: the one sent next turn may fly while this one does, so a
request waits one round trip, never two, and a process seldom sleeps with work queued behind a
read (on a shared machine, each sleep and wake costs more CPU than the query). The query is
prepared once per connection: the server then neither parses nor plans it per round. A round
may also carry the commit board's check of the registrations (``core.store.board``): a second
prepared query, the versions and one more row.
"""

from __future__ import annotations

import asyncio
from collections import deque

import psycopg
from psycopg import pq
from psycopg.conninfo import make_conninfo

from core.store.base import StoreError, StoreUnavailable

Versions = tuple[str | None, str | None]
#: The versions and, when the round checked the registrations (``core.store.board``), how many
#: name another board.
Checked = tuple[str | None, str | None, int | None]
#: The names of the prepared queries on the probe's connection: the versions, and the versions
#: with the check.
_NAME = b"crmgate_versions"
_CHECKED = b"crmgate_versions_checked"


class VersionProbe:
    """Reads the values of ``keys`` (data version, state version) from ``schema``'s
    ``control`` table in rounds (see above); a round any caller asked to ``check`` also runs
    ``check_sql`` (one row: an empty key and a count)."""

    def __init__(
        self, dsn: str, schema: str, keys: tuple[str, str], check_sql: str = "SELECT '', '0'"
    ) -> None:
        self._conninfo = make_conninfo(dsn, connect_timeout=10).encode()
        # the schema name is checked by the store ([a-z_][a-z0-9_]*), the keys are constants
        listed = ", ".join(f"'{key}'" for key in keys)
        query = f'SELECT key, value FROM "{schema}".control WHERE key IN ({listed})'
        self._query = query.encode()
        #: The versions and the check in one query (also run by the store's own ``sync``).
        self.checked_sql = f"{query} UNION ALL {check_sql}"
        self._checked = self.checked_sql.encode()
        self._keys = keys
        #: Rounds sent so far (on every connection).
        self.rounds = 0
        #: The next round checks.
        self._check = False
        self._pgconn: pq.abc.PGconn | None = None
        self._fd = -1
        self._loop: asyncio.AbstractEventLoop | None = None
        #: The callers of the round not sent yet, and of each round in flight, oldest first.
        self._next: list[asyncio.Future[Checked]] = []
        self._flying: deque[tuple[list[asyncio.Future[Checked]], bool]] = deque()
        #: What the oldest round in flight answered so far (its rows, or why it failed).
        self._got: Checked | Exception | None = None
        #: The rounds in flight were sent again on a fresh connection after the first one died.
        self._resent = False
        #: The next round will be sent once the event loop has run what is ready now.
        self._due = False
        #: Bytes of sent rounds libpq could not hand to the socket yet.
        self._writing = False

    async def read(self) -> Versions:
        """The data and state versions, as of a moment after this call began."""
        data, state, _ = await self.read_checked(False)
        return data, state

    def read_checked(self, check: bool) -> asyncio.Future[Checked]:
        """The versions (see ``read``) and, with ``check``, the count ``check_sql`` gives."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests, tools): a connection of its own
            self.close()
            self._loop = loop
        waiter: asyncio.Future[Checked] = loop.create_future()
        self._next.append(waiter)
        self._check = self._check or check
        if not self._due:
            self._due = True
            loop.call_soon(self._send)
        return waiter

    def _send(self) -> None:
        """Send the next round's query (on a connection found dead: every round in flight,
        and this one, once more on a fresh one)."""
        self._due = False
        waiters, self._next = self._next, []
        check, self._check = self._check, False
        if not waiters:
            return
        if self._pgconn is None:
            self._resent = False
        self._flying.append((waiters, check))
        self.rounds += 1
        try:
            self._query_on(self._connection(), check)
        except psycopg.OperationalError:
            self._lost()
        except StoreError as exc:
            self._fail_all(exc)

    def _query_on(self, pgconn: pq.abc.PGconn, check: bool) -> None:
        pgconn.send_query_prepared(_CHECKED if check else _NAME, None)
        pgconn.pipeline_sync()
        self._flush()

    def _flush(self) -> None:
        """Hand what libpq holds to the socket; the rest when the socket takes more."""
        pgconn = self._pgconn
        if pgconn is None:
            return
        pending = pgconn.flush()
        if pending and not self._writing:
            assert self._loop is not None
            self._loop.add_writer(self._fd, self._flush_later)
            self._writing = True
        elif not pending and self._writing:
            assert self._loop is not None
            self._loop.remove_writer(self._fd)
            self._writing = False

    def _flush_later(self) -> None:
        try:
            self._flush()
        except psycopg.OperationalError:
            self._lost()

    def _lost(self) -> None:
        """The connection died: the rounds in flight, once, as one on a fresh connection
        (its answer is read after all of them arrived), else they fail."""
        self._drop()
        rounds = [waiter for waiters, _ in self._flying for waiter in waiters]
        check = any(checked for _, checked in self._flying)
        self._flying = deque([(rounds, check)]) if rounds else deque()
        if not rounds:
            return
        if self._resent:
            self._fail_all(StoreUnavailable("the database connection was lost"))
            return
        self._resent = True
        try:
            self._query_on(self._connection(), check)
        except psycopg.OperationalError as exc:
            self._drop()
            self._fail_all(StoreUnavailable(f"the database connection was lost: {exc}"))
        except StoreError as exc:
            self._fail_all(exc)

    def _connection(self) -> pq.abc.PGconn:
        if self._pgconn is None:
            pgconn = self._open()
            assert self._loop is not None
            self._fd = pgconn.socket
            self._loop.add_reader(self._fd, self._readable)
            self._pgconn = pgconn
        return self._pgconn

    def _open(self) -> pq.abc.PGconn:
        """A new connection in pipeline mode, the query prepared on it (``StoreError``: it
        cannot be)."""
        pgconn = pq.PGconn.connect(self._conninfo)
        if pgconn.status != pq.ConnStatus.OK:
            message = pgconn.get_error_message()
            pgconn.finish()
            raise psycopg.OperationalError(message)
        prepared = pgconn.prepare(_NAME, self._query)
        if prepared.status == pq.ExecStatus.COMMAND_OK:
            prepared = pgconn.prepare(_CHECKED, self._checked)
        if prepared.status == pq.ExecStatus.COMMAND_OK:
            pgconn.nonblocking = 1
            pgconn.enter_pipeline_mode()
            return pgconn
        message = prepared.get_error_message()
        lost = pgconn.status != pq.ConnStatus.OK
        pgconn.finish()
        if lost:
            raise psycopg.OperationalError(message)
        raise StoreError(f"cannot read the data version: {message}")

    def _readable(self) -> None:
        """The loop's callback: answers (or the end of the connection) arrived."""
        pgconn = self._pgconn
        assert pgconn is not None
        try:
            pgconn.consume_input()
            while self._flying and not pgconn.is_busy():
                result = pgconn.get_result()
                if result is not None:
                    self._take(result)
            lost = pgconn.status != pq.ConnStatus.OK
        except psycopg.OperationalError:
            lost = True
        if lost:
            self._lost()
        else:
            self._resent = False

    def _take(self, result: pq.abc.PGresult) -> None:
        """One result of the oldest round: its rows, then the end of its pipeline section."""
        status = result.status
        if status == pq.ExecStatus.TUPLES_OK:
            found = {_text(result, i, 0): _text(result, i, 1) for i in range(result.ntuples)}
            count = found.get("")
            foreign = None if count is None else int(count)
            self._got = (found.get(self._keys[0]), found.get(self._keys[1]), foreign)
        elif status != pq.ExecStatus.PIPELINE_SYNC:
            message = result.get_error_message() or "no answer"
            self._got = StoreError(f"cannot read the data version: {message}")
        else:
            got, self._got = self._got, None
            waiters, _ = self._flying.popleft()
            for waiter in waiters:
                if waiter.done():
                    continue
                if isinstance(got, tuple):
                    waiter.set_result(got)
                else:
                    waiter.set_exception(got or StoreError("cannot read the data version"))

    def _fail_all(self, exc: Exception) -> None:
        rounds, self._flying = self._flying, deque()
        self._got = None
        for waiters, _ in rounds:
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(exc)

    def _drop(self) -> None:
        pgconn, self._pgconn = self._pgconn, None
        self._got = None
        if pgconn is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._fd)
            if self._writing:
                self._loop.remove_writer(self._fd)
        self._writing = False
        pgconn.finish()

    def close(self) -> None:
        """Drop the connection and forget the rounds (their event loop is gone, or closing)."""
        self._drop()
        self._flying = deque()
        self._next = []
        self._due = False
        self._check = False


def _text(result: pq.abc.PGresult, row: int, column: int) -> str:
    return bytes(result.get_value(row, column) or b"").decode()
