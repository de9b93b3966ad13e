"""What the SQL stores share beyond the row mapper: the key-value tables and wiping."""

from __future__ import annotations

from typing import Any

from core.models import ALL_MODELS


class KeyValueTables:
    """``meta`` (data-level, wiped with the data) and ``control`` (operating state, kept).

    A store provides ``_conn`` (a DB-API connection), ``placeholder`` and ``write()``.
    """

    _conn: Any
    placeholder: str
    write: Any

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
                self._conn.execute(f"DELETE FROM {model.__table__}")
            self._conn.execute("DELETE FROM sequences")
            self._conn.execute("DELETE FROM meta")
