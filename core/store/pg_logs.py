"""The logs and signals of the PostgreSQL store (``SqlLogs`` on psycopg): a log connection of
its own, replaced after it broke, and a watch that learns without a round trip whether the
signals moved: every signal change sends a notification (``NOTIFY``) carrying the store's
schema, and a libpq connection of its own listens; looking costs a read of whatever its socket
already holds (libpq never blocks there)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import pq, sql
from psycopg.conninfo import make_conninfo

from core.store.base import StoreUnavailable
from core.store.logs import SqlLogs

#: The channel every crmgate store notifies on; the payload names the schema.
CHANNEL = "crmgate_signals"
#: The errors of a log connection that is dead, not of a statement.
_CONNECTION_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)


class PgLogs(SqlLogs):
    """The store provides ``dsn``, ``schema`` and ``_watch`` (a :class:`SignalWatch`)."""

    dsn: str
    schema: str
    _watch: SignalWatch

    @property
    def _logs(self) -> psycopg.Connection:
        """The log connection, opened anew after it broke (the failed call is not retried:
        it may have been appended)."""
        if self._log_conn is not None and self._log_conn.broken:
            self._log_conn.close()
            self._log_conn = None
        try:
            return SqlLogs._logs.fget(self)  # type: ignore[attr-defined]
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"no connection to the database: {exc}") from exc

    def _open_log(self) -> psycopg.Connection:
        """Appends need not wait for the WAL flush: a crash may lose the newest log records,
        never data (what others see is the same either way)."""
        conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        conn.execute("SET synchronous_commit = off")
        return conn

    @contextmanager
    def _log_transaction(self) -> Iterator[psycopg.Connection]:
        with self._log_errors():
            conn = self._logs
            with conn.transaction():
                yield conn

    @contextmanager
    def _log_errors(self) -> Iterator[None]:
        """A log connection that died is replaced by the next call; this one is unavailable."""
        try:
            yield
        except _CONNECTION_ERRORS as exc:
            raise StoreUnavailable(f"the database connection was lost: {exc}") from exc

    def _close_logs(self) -> None:
        """The log connection is always one of its own here (never the pool's)."""
        if self._log_conn is not None:
            self._log_conn.close()
        self._log_conn = None

    def _write_slots(self, conn: Any, slots: list[tuple[str, int, int, str]]) -> None:
        """One statement for the whole batch (arrays, not a row of parameters each)."""
        _, numbers, ids, records = zip(*slots, strict=True)
        conn.execute(
            "INSERT INTO log_slots (log, slot, id, record) "
            "SELECT %s, s.slot, s.id, s.record FROM unnest(%b::bigint[], %b::bigint[], %b::text[]) "
            "AS s (slot, id, record) ON CONFLICT (log, slot) "
            "DO UPDATE SET id = excluded.id, record = excluded.record",
            [slots[0][0], list(numbers), list(ids), list(records)],
        )

    def log_read(self, log: str, *, before: int | None = None, limit: int = 100) -> list[Any]:
        with self._log_errors():
            return super().log_read(log, before=before, limit=limit)

    def log_count(self, log: str) -> int:
        with self._log_errors():
            return super().log_count(log)

    #: A gather locks its sources' ``logs`` rows: an append to one waits until it is done.
    _lock_rows = " FOR UPDATE"

    def _signalled(self, conn: Any) -> None:
        conn.execute("SELECT pg_notify(%s, %s)", [CHANNEL, self.schema])

    def signals(self, prefix: str) -> dict[str, str]:
        """Listens first (``signals_moved``): no change after this read goes unnoticed."""
        with self._log_errors():
            self._watch.open()
            return super().signals(prefix)

    def signals_moved(self) -> bool:
        return self._watch.moved()


class SignalWatch:
    """``open`` (blocking: a worker thread) listens; ``moved`` (the event loop) looks."""

    def __init__(self, dsn: str, schema: str) -> None:
        self._conninfo = make_conninfo(dsn, connect_timeout=10).encode()
        self._schema = schema.encode()
        self._pgconn: pq.abc.PGconn | None = None
        self._opening = threading.Lock()

    def open(self) -> None:
        """Listen, unless already listening (StoreUnavailable when the database is away)."""
        with self._opening:
            if self._pgconn is not None:
                return
            conn = pq.PGconn.connect(self._conninfo)
            if conn.status != pq.ConnStatus.OK:
                message = conn.get_error_message()
                conn.finish()
                raise StoreUnavailable(f"no connection to the database: {message}")
            if conn.exec_(f"LISTEN {CHANNEL}".encode()).status != pq.ExecStatus.COMMAND_OK:
                message = conn.get_error_message()
                conn.finish()
                raise StoreUnavailable(f"cannot listen for signals: {message}")
            self._pgconn = conn

    def moved(self) -> bool:
        """Whether this schema's signals changed since the last look; True when not listening
        (yet, or any more: a lost connection is let go, the next ``open`` listens again)."""
        conn = self._pgconn
        if conn is None:
            return True
        try:
            conn.consume_input()
        except psycopg.OperationalError:
            self.close()
            return True
        moved = False
        while (note := conn.notifies()) is not None:
            moved = moved or note.extra == self._schema
        return moved

    def close(self) -> None:
        conn, self._pgconn = self._pgconn, None
        if conn is not None:
            conn.finish()
