"""``SqlLogs``: the gateway's bounded logs and the signals between the processes of a store,
on a connection of their own (an append is never part of a caller's data transaction).

A log is a ring of ``keep`` slots rewritten in place (record N lives in slot N mod ``keep``), so
a busy log rewrites the same rows instead of inserting and deleting (no PostgreSQL bloat); the
``logs`` row holds its last id (ids keep rising after a clear) and the last id cleared.
"""

from __future__ import annotations

import heapq
from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from itertools import groupby
from typing import Any

#: Above every log id (the largest BIGINT).
_NO_ID = 2**63 - 1
#: A log record: ``(id, record)``.
LogRow = tuple[int, str]


class SqlLogs:
    """The logs and signals of a SQL store; the store provides ``placeholder``, ``_open_log``
    and ``_log_transaction``."""

    placeholder: str
    _conn: Any
    #: The connection bounded logs use, opened by ``_open_log()`` on first use.
    _log_conn: Any = None
    #: After a gather: lock the source logs' rows first (where the database has row locks).
    _lock_rows = ""

    @abstractmethod
    def _open_log(self) -> Any:
        """Open the connection bounded logs use (see ``_logs``)."""

    @abstractmethod
    def _log_transaction(self) -> AbstractContextManager[Any]:
        """One transaction on the logs' connection (see ``_logs``), yielding that connection."""

    @property
    def _logs(self) -> Any:
        """Logs have a connection of their own: an append is never part of the caller's
        transaction (see ``log_append_many``)."""
        if self._log_conn is None:
            self._log_conn = self._open_log()
        return self._log_conn

    @staticmethod
    def _checked_record(record: str) -> str:
        """Records are text without NUL characters, in any store (PostgreSQL cannot keep them)."""
        if "\x00" in record:
            raise ValueError("a log record may not contain NUL characters")
        return record

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        """Add ``records`` in order, in one transaction, keeping the log's newest ``keep``.

        Returns their ids: ids rise by one per record across every process sharing the store
        (the ``logs`` row orders concurrent appends) and keep rising after a clear. Record N
        overwrites slot N mod ``keep``, so the table never holds more than ``keep`` rows a log.
        The append commits at once on the logs' own connection, never inside a ``write()`` of
        the data (``:memory:`` has a single connection, so there it joins an open ``write()``).
        """
        if not records:
            return []
        checked = [self._checked_record(r) for r in records]
        with self._log_transaction() as conn:
            return self._append(conn, log, checked, keep)

    def _append(self, conn: Any, log: str, records: list[str], keep: int) -> list[int]:
        keep = max(keep, 0)
        ph = self.placeholder
        before = conn.execute(f"SELECT keep FROM logs WHERE name = {ph}", [log]).fetchone()
        (last,) = conn.execute(
            f"INSERT INTO logs (name, last_id, keep) VALUES ({ph}, {ph}, {ph}) "
            "ON CONFLICT (name) DO UPDATE SET last_id = logs.last_id + excluded.last_id, "
            "keep = excluded.keep RETURNING last_id",
            [log, len(records), keep],
        ).fetchone()
        if before is not None and before[0] > keep:  # a smaller ring: its tail goes
            conn.execute(f"DELETE FROM log_slots WHERE log = {ph} AND slot >= {ph}", [log, keep])
        first = last - len(records) + 1
        slots = [
            (log, i % keep, i, record) for i, record in enumerate(records, first) if i > last - keep
        ]
        if slots:
            self._write_slots(conn, slots)
        return list(range(first, last + 1))

    def _write_slots(self, conn: Any, slots: list[tuple[str, int, int, str]]) -> None:
        """Write ``(log, slot, id, record)`` rows over whatever the slots held."""
        ph = self.placeholder
        conn.cursor().executemany(
            "INSERT INTO log_slots (log, slot, id, record) "
            f"VALUES ({ph}, {ph}, {ph}, {ph}) ON CONFLICT (log, slot) "
            "DO UPDATE SET id = excluded.id, record = excluded.record",
            slots,
        )

    def log_gather(
        self, sources: str, log: str, keep: int, order: Callable[[str], Any]
    ) -> list[int]:
        """Move every record of the logs whose names begin with ``sources`` to the end of
        ``log``, in one transaction: merged by ``order`` (each source's own order kept), the
        sources emptied and forgotten (the next append to one starts it afresh). The new ids.

        What a source's owner appends meanwhile is either moved whole or left whole for the
        next gather: the source rows are locked (or the database serialises writers) before
        their records are taken.
        """
        ph = self.placeholder
        n = len(sources)
        with self._log_transaction() as conn:
            names = [
                row[0]
                for row in conn.execute(
                    f"SELECT name FROM logs WHERE substr(name, 1, {n}) = {ph}{self._lock_rows}",
                    [sources],
                )
            ]
            taken: list[tuple[str, int, str]] = []
            for name in names:
                rows = conn.execute(
                    f"DELETE FROM log_slots WHERE log = {ph} RETURNING log, id, record", [name]
                )
                taken += [(row[0], row[1], row[2]) for row in rows]
                conn.execute(f"DELETE FROM logs WHERE name = {ph}", [name])
            taken.sort()
            each = [[r for _, _, r in rows] for _, rows in groupby(taken, key=lambda t: t[0])]
            merged = list(heapq.merge(*each, key=order))
            return self._append(conn, log, merged, keep) if merged else []

    def _visible(self) -> str:
        return "s.id > l.last_id - l.keep AND s.id > l.cleared"

    def log_read(self, log: str, *, before: int | None = None, limit: int = 100) -> list[LogRow]:
        """``(id, record)`` pairs of the log, newest first, with ids below ``before``."""
        ph = self.placeholder
        rows = self._logs.execute(
            f"SELECT s.id, s.record FROM log_slots s JOIN logs l ON l.name = s.log "
            f"WHERE s.log = {ph} AND {self._visible()} AND s.id < {ph} "
            f"ORDER BY s.id DESC LIMIT {ph}",
            [log, _NO_ID if before is None else before, max(limit, 0)],
        )
        return [(row[0], row[1]) for row in rows]

    def log_count(self, log: str) -> int:
        ph = self.placeholder
        return self._logs.execute(
            f"SELECT count(*) FROM log_slots s JOIN logs l ON l.name = s.log "
            f"WHERE s.log = {ph} AND {self._visible()}",
            [log],
        ).fetchone()[0]

    def log_clear(self, log: str) -> int:
        """Delete every record of the log (its ids keep rising); how many a reader saw."""
        ph = self.placeholder
        with self._log_transaction() as conn:
            seen = conn.execute(
                f"SELECT count(*) FROM log_slots s JOIN logs l ON l.name = s.log "
                f"WHERE s.log = {ph} AND {self._visible()}",
                [log],
            ).fetchone()[0]
            conn.execute(f"UPDATE logs SET cleared = last_id WHERE name = {ph}", [log])
            conn.execute(f"DELETE FROM log_slots WHERE log = {ph}", [log])
        return seen

    # -- signals between the processes of a store: small values, committed at once ---------

    def _signalled(self, conn: Any) -> None:
        """Called inside the transaction of every signal change (a store whose watchers wait
        for a message sends it here)."""

    def signal_next(self, key: str) -> int:
        """Add one to the counter ``key`` (0 before) and return it (no new state version)."""
        ph = self.placeholder
        with self._log_transaction() as conn:
            (value,) = conn.execute(
                f"INSERT INTO control (key, value) VALUES ({ph}, '1') ON CONFLICT (key) DO UPDATE "
                "SET value = CAST(CAST(control.value AS BIGINT) + 1 AS TEXT) RETURNING value",
                [key],
            ).fetchone()
            self._signalled(conn)
        return int(value)

    def signal_set(self, key: str, value: str | None) -> None:
        """Set ``key`` (None: remove it), with no new state version."""
        ph = self.placeholder
        with self._log_transaction() as conn:
            if value is None:
                conn.execute(f"DELETE FROM control WHERE key = {ph}", [key])
            else:
                conn.execute(
                    f"INSERT INTO control (key, value) VALUES ({ph}, {ph}) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
            self._signalled(conn)

    def signals(self, prefix: str) -> dict[str, str]:
        """Every signal whose key starts with ``prefix``."""
        ph = self.placeholder
        rows = self._logs.execute(
            f"SELECT key, value FROM control WHERE substr(key, 1, {len(prefix)}) = {ph}", [prefix]
        )
        return {row[0]: row[1] for row in rows}

    def signals_moved(self) -> bool:
        """Whether a signal may have changed since the last call (True when unsure; the first
        call is). Cheap enough to call on the event loop every few milliseconds."""
        return True

    def _close_logs(self) -> None:
        if self._log_conn is not None and self._log_conn is not self._conn:
            self._log_conn.close()
        self._log_conn = None
