"""What the SQL stores share beyond the row mapper: transactions, key-value tables, wiping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.models import ALL_MODELS
from core.store.base import StoreUnavailable
from core.store.cache import ReadCache
from core.store.rows import RowMapper

#: Above every log id (the largest BIGINT).
_NO_ID = 2**63 - 1
#: Records beyond a log's ``keep`` are hidden at once and deleted every this many appends
#: (deleting one per append costs SQLite a page write per request).
TRIM_EVERY = 64
#: A log record: ``(id, record)``.
LogRow = tuple[int, str]


class SqlStoreBase(ReadCache):
    """Nested transactions (savepoints inside one BEGIN) and the ``meta`` (data-level, wiped
        with the data) and ``control`` (operating state, kept) tables.

        A store provides ``_conn`` (a DB-API connection in autocommit mode), ``placeholder`` and
        ``_begin(write)``, which opens a transaction the way that database serialises writers (and
    leaves none open if it fails).
    """

    _conn: Any
    placeholder: str
    _depth: int = 0
    #: The connection bounded logs use, opened by ``_open_log()`` on first use.
    _log_conn: Any = None

    _mappers: dict[type, RowMapper]

    def _begin(self, write: bool) -> None:
        raise NotImplementedError

    def _query(self, sql: str, params: list[Any]) -> Any:
        """The cursor of a query, or None when a parameter cannot match any stored value."""
        raise NotImplementedError

    def _nest(self, write: bool) -> None:
        """Called before a savepoint: a store whose reads run without a transaction opens one."""

    def _end(self, commit: bool) -> None:
        self._conn.execute("COMMIT" if commit else "ROLLBACK")

    @contextmanager
    def write(self) -> Iterator[None]:
        yield from self._transaction(write=True)

    @contextmanager
    def read(self) -> Iterator[None]:
        yield from self._transaction(write=False)

    def _transaction(self, *, write: bool) -> Iterator[None]:
        if self._depth:
            self._nest(write)
            name = f"sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                raise
            finally:
                self._depth -= 1
                self._conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self._open(write)
        try:
            yield
            self._cache_commit()
        except BaseException as exc:
            self._depth = 0
            self._cache_abort()
            if self._lost(exc):  # the connection is gone, and its transaction with it
                raise _unavailable(exc) from exc
            self._end(commit=False)
            raise
        self._depth = 0
        try:
            self._end(commit=True)
        except Exception as exc:
            if self._lost(exc):
                raise _unavailable(exc) from exc
            raise

    def _open(self, write: bool) -> None:
        """BEGIN and the cache's first read; on a connection found dead before any of this
        transaction ran, once more on a fresh one (so a database restart costs only the
        transactions in flight)."""
        for retry in (True, False):
            began = False
            try:
                self._begin(write)
                began = True
                self._depth = 1
                self._cache_begin()
                return
            except Exception as exc:
                self._depth = 0
                if self._lost(exc):
                    if retry:
                        continue
                    raise _unavailable(exc) from exc
                if began:
                    self._cache_abort()
                    self._end(commit=False)
                raise

    def _lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the connection died (then the store drops it); a store whose
        database lives in its own process or file never loses one."""
        return isinstance(exc, StoreUnavailable)

    # -- rows, read through the cache --------------------------------------------------------

    def _fetch_one(self, model: type, key: tuple[Any, ...]) -> Any:
        mapper = self._mappers[model]
        rows = self._query(mapper.select_by_key, [mapper.param(v) for v in key])
        row = None if rows is None else rows.fetchone()
        return None if row is None else mapper.load(row)

    def _fetch_many(
        self,
        model: type,
        where: dict[str, Any],
        order_by: str | None,
        limit: int | None,
        offset: int,
    ) -> list[Any]:
        mapper = self._mappers[model]
        rows = self._query(*mapper.select(where, order_by=order_by, limit=limit, offset=offset))
        return [] if rows is None else mapper.load_all(rows)

    def _fetch_count(self, model: type, where: dict[str, Any]) -> int:
        rows = self._query(*self._mappers[model].count(where))
        return 0 if rows is None else rows.fetchone()[0]

    def _get(self, table: str, key: str) -> str | None:
        sql = f"SELECT value FROM {table} WHERE key = {self.placeholder}"
        row = self._conn.execute(sql, [key]).fetchone()
        return None if row is None else row[0]

    def _set(self, table: str, key: str, value: str) -> None:
        ph = self.placeholder
        self._conn.execute(
            f"INSERT INTO {table} (key, value) VALUES ({ph}, {ph}) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def get_meta(self, key: str) -> str | None:
        return self._get("meta", key)

    def set_meta(self, key: str, value: str) -> None:
        self._set("meta", key, value)

    def delete_meta(self, key: str) -> None:
        self._conn.execute(f"DELETE FROM meta WHERE key = {self.placeholder}", [key])

    def key_file(self) -> Path | None:
        return None

    def get_control(self, key: str) -> str | None:
        return self._get("control", key)

    def set_control(self, key: str, value: str) -> None:
        self._set("control", key, value)

    def wipe(self) -> None:
        with self.write():
            for model in reversed(ALL_MODELS):
                self._changed(model)
                self._conn.execute(f"DELETE FROM {model.__table__}")
            self._conn.execute("DELETE FROM sequences")
            self._conn.execute("DELETE FROM meta")

    # -- bounded logs (``log_append`` is each store's own: the SQL differs) ---------------------

    def _open_log(self) -> Any:
        raise NotImplementedError

    @property
    def _logs(self) -> Any:
        """Logs have a connection of their own: an append is never part of the caller's
        transaction (see ``Store.log_append``)."""
        if self._log_conn is None:
            self._log_conn = self._open_log()
        return self._log_conn

    @staticmethod
    def _checked_record(record: str) -> str:
        """Records are text without NUL characters, in any store (PostgreSQL cannot keep them)."""
        if "\x00" in record:
            raise ValueError("a log record may not contain NUL characters")
        return record

    def log_read(self, log: str, *, before: int | None = None, limit: int = 100) -> list[LogRow]:
        ph = self.placeholder
        rows = self._logs.execute(
            f"SELECT r.id, r.record FROM log_records r JOIN logs l ON l.name = r.log "
            f"WHERE r.log = {ph} AND r.id > l.last_id - l.keep AND r.id < {ph} "
            f"ORDER BY r.id DESC LIMIT {ph}",
            [log, _NO_ID if before is None else before, max(limit, 0)],
        )
        return [(row[0], row[1]) for row in rows]

    def log_count(self, log: str) -> int:
        ph = self.placeholder
        return self._logs.execute(
            f"SELECT count(*) FROM log_records r JOIN logs l ON l.name = r.log "
            f"WHERE r.log = {ph} AND r.id > l.last_id - l.keep",
            [log],
        ).fetchone()[0]

    def log_clear(self, log: str) -> int:
        """Deletes the records a reader sees; older ones go with the next batch."""
        ph = self.placeholder
        return self._logs.execute(
            f"DELETE FROM log_records WHERE log = {ph} "
            f"AND id > (SELECT last_id - keep FROM logs WHERE name = {ph})",
            [log, log],
        ).rowcount

    def _close_logs(self) -> None:
        if self._log_conn is not None and self._log_conn is not self._conn:
            self._log_conn.close()
        self._log_conn = None


def _unavailable(exc: BaseException) -> StoreUnavailable:
    if isinstance(exc, StoreUnavailable):
        return exc
    return StoreUnavailable(f"the database connection was lost: {exc}")
