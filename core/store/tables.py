"""What the SQL stores share beyond the row mapper: transactions, key-value tables, wiping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.models import ALL_MODELS
from core.store.cache import ReadCache


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

    def _begin(self, write: bool) -> None:
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
        self._begin(write)
        self._depth = 1
        try:
            self._cache_begin()
            yield
            self._cache_commit()
        except BaseException:
            self._depth = 0
            self._cache_abort()
            self._end(commit=False)
            raise
        self._depth = 0
        self._end(commit=True)

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
