"""``SqlStoreBase``, what the SQL stores share beyond the row mapper: transactions, key-value
tables, wiping."""

from __future__ import annotations

from abc import abstractmethod
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Any

from core.models import ALL_MODELS
from core.store.base import StoreUnavailable
from core.store.cache import STATE_KEY, VERSION_KEY, ReadCache
from core.store.logs import SqlLogs
from core.store.rows import RowMapper
from core.store.stamps import new_stamp

#: The keys ``sync`` reads in one query: the data version, then the state version.
VERSION_KEYS = (VERSION_KEY, STATE_KEY)


class SqlStoreBase(SqlLogs, ReadCache):
    """Nested transactions (savepoints inside one BEGIN), the ``meta`` (data-level, wiped with
    the data) and ``control`` (operating state, kept) tables; bounded logs and signals come
    from :class:`SqlLogs`.

    A store provides ``_conn`` (a DB-API connection in autocommit mode), ``placeholder`` and the
    abstract methods here and in :class:`ReadCache`.
    """

    _conn: Any
    placeholder: str
    #: A read transaction that has not begun in the database (yet): the cache answered so far.
    _unbegun: bool = False

    _mappers: dict[type, RowMapper]

    @abstractmethod
    def _begin(self, write: bool) -> None:
        """Open a transaction the way this database serialises writers (none left if it fails)."""

    @abstractmethod
    def _query(self, sql: str, params: list[Any]) -> Any:
        """The cursor of a query, or None when a parameter cannot match any stored value."""

    def _nest(self, write: bool) -> None:
        """Called before a savepoint: a store whose reads run without a transaction opens one."""

    def _end(self, commit: bool) -> None:
        self._conn.execute("COMMIT" if commit else "ROLLBACK")

    def _savepoint(self, name: str) -> None:
        self._conn.execute(f"SAVEPOINT {name}")

    def _rollback_to(self, name: str) -> None:
        self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")

    def _release(self, name: str) -> None:
        self._conn.execute(f"RELEASE SAVEPOINT {name}")

    def write(self) -> AbstractContextManager[None]:
        return _Transaction(self, True)

    def read(self) -> AbstractContextManager[None]:
        return _Transaction(self, False)

    def _enter(self, write: bool) -> str | None:
        """Begin a transaction, or inside one a savepoint (its name is answered)."""
        if not self._depth:
            self._open(write)
            return None
        self._materialize()
        self._nest(write)
        name = f"sp{self._depth}"
        self._savepoint(name)
        self._depth += 1
        return name

    def _leave_savepoint(self, name: str, failed: BaseException | None) -> None:
        try:
            if failed is not None:
                self._rollback_to(name)
                self._cache_undo()
        finally:
            self._depth -= 1
            self._release(name)

    def _leave(self, failed: BaseException | None) -> None:
        """End the outermost transaction: commit, or roll back what ``failed`` interrupted
        (which the caller then re-raises, unless the connection is lost)."""
        if failed is None:
            try:
                self._cache_commit()
            except BaseException as exc:
                self._fail(exc)
                raise
            self._depth = 0
            if self._unbegun:
                self._unbegun = False
                return
            try:
                self._end(commit=True)
            except Exception as exc:
                self._cache_unsure()
                if self._lost(exc):
                    raise _unavailable(exc) from exc
                with suppress(Exception):  # a failed COMMIT may have ended the transaction
                    self._end(commit=False)
                raise
            return
        self._fail(failed)

    def _fail(self, exc: BaseException) -> None:
        self._depth = 0
        self._cache_abort()
        unbegun, self._unbegun = self._unbegun, False
        if self._lost(exc):  # the connection is gone, and its transaction with it
            raise _unavailable(exc) from exc
        if not unbegun:
            self._end(commit=False)

    def _open(self, write: bool) -> None:
        """BEGIN and the cache's first read; on a connection found dead before any of this
        transaction ran, once more on a fresh one (so a database restart costs only the
        transactions in flight)."""
        for retry in (True, False):
            began = False
            # A read after ``sync()`` begins only when the cache misses (``_materialize``).
            self._unbegun = not write and self._synced
            try:
                if not self._unbegun:
                    self._begin(write)
                began = True
                self._depth = 1
                self._cache_begin(trusted=self._unbegun)
                return
            except Exception as exc:
                self._depth = 0
                if self._lost(exc):
                    if retry:
                        continue
                    raise _unavailable(exc) from exc
                if began:
                    self._cache_abort()
                    if not self._unbegun:
                        self._end(commit=False)
                self._unbegun = False
                raise

    def _lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` means the connection died (then the store drops it); a store whose
        database lives in its own process or file never loses one."""
        return isinstance(exc, StoreUnavailable)

    def _materialize(self) -> None:
        """A read that trusted the cache needs the database: begin it now and re-check the
        data version (another process may have written since ``sync``)."""
        if self._unbegun:
            self._unbegun = False
            self._begin(False)
            self._cache_recheck()

    def _read_versions(self) -> tuple[str | None, str | None]:
        found = dict(self._conn.execute(self._versions_sql, VERSION_KEYS).fetchall())
        return found.get(VERSION_KEY), found.get(STATE_KEY)

    @property
    def _versions_sql(self) -> str:
        ph = self.placeholder
        return f"SELECT key, value FROM control WHERE key IN ({ph}, {ph})"

    # -- rows, read through the cache --------------------------------------------------------

    def _fetch_one(self, model: type, key: tuple[Any, ...]) -> Any:
        self._materialize()
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
        self._materialize()
        mapper = self._mappers[model]
        rows = self._query(*mapper.select(where, order_by=order_by, limit=limit, offset=offset))
        return [] if rows is None else mapper.load_all(rows)

    def _fetch_count(self, model: type, where: dict[str, Any]) -> int:
        self._materialize()
        rows = self._query(*self._mappers[model].count(where))
        return 0 if rows is None else rows.fetchone()[0]

    def _get(self, table: str, key: str) -> str | None:
        self._materialize()
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
        """Every change of operating state stamps a new state version (see ``sync``)."""
        self._set("control", key, value)
        self.state_version = new_stamp()
        self._set("control", STATE_KEY, self.state_version)

    def wipe(self) -> None:
        with self.write():
            for model in reversed(ALL_MODELS):
                self._changed(model)
                self._conn.execute(f"DELETE FROM {model.__table__}")
            self._conn.execute("DELETE FROM sequences")
            self._conn.execute("DELETE FROM meta")


class _Transaction:
    """``with store.write()`` / ``store.read()``: a plain object, cheaper to enter and leave
    than a generator's context manager (every request runs one or more)."""

    __slots__ = ("_name", "_store", "_write")

    def __init__(self, store: SqlStoreBase, write: bool) -> None:
        self._store = store
        self._write = write
        self._name: str | None = None

    def __enter__(self) -> None:
        self._name = self._store._enter(self._write)

    def __exit__(self, kind: object, exc: BaseException | None, _tb: object) -> None:
        if self._name is None:
            self._store._leave(exc)
        else:
            self._store._leave_savepoint(self._name, exc)


def _unavailable(exc: BaseException) -> StoreUnavailable:
    if isinstance(exc, StoreUnavailable):
        return exc
    return StoreUnavailable(f"the database connection was lost: {exc}")
