"""Mapping between model Structs and table rows, with the SQL for each model built once."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

_NESTED = (msgspec.inspect.StructType, msgspec.inspect.ListType, msgspec.inspect.DictType)


def _is_nested(t: msgspec.inspect.Type) -> bool:
    if isinstance(t, msgspec.inspect.UnionType):
        return any(_is_nested(x) for x in t.types)
    return isinstance(t, _NESTED)


class RowMapper:
    """Dumps a Struct to SQL parameters and loads a row tuple back into the Struct."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.table: str = model.__table__
        self.key: tuple[str, ...] = model.__key__
        info = msgspec.inspect.type_info(model)
        self.columns = tuple(f.name for f in info.fields)
        self.nested = frozenset(f.name for f in info.fields if _is_nested(f.type))
        cols = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        key_where = " AND ".join(f'"{k}" = ?' for k in self.key)
        self.select_all = f"SELECT {cols} FROM {self.table}"
        self.select_by_key = f"{self.select_all} WHERE {key_where}"
        self.insert_sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"
        rest = [c for c in self.columns if c not in self.key]
        sets = ", ".join(f'"{c}" = ?' for c in rest)
        self.update_sql = f"UPDATE {self.table} SET {sets} WHERE {key_where}"
        self._update_order = [*rest, *self.key]

    @staticmethod
    def param(value: Any) -> Any:
        if isinstance(value, UUID | datetime | enum.Enum):
            return msgspec.to_builtins(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def dump(self, obj: Any) -> list[Any]:
        return [self._column(obj, c) for c in self.columns]

    def dump_for_update(self, obj: Any) -> list[Any]:
        return [self._column(obj, c) for c in self._update_order]

    def _column(self, obj: Any, name: str) -> Any:
        value = getattr(obj, name)
        if name in self.nested:
            return None if value is None else msgspec.json.encode(value).decode()
        return self.param(value)

    def load(self, row: tuple[Any, ...]) -> Any:
        data = dict(zip(self.columns, row, strict=True))
        for name in self.nested:
            if data[name] is not None:
                data[name] = msgspec.json.decode(data[name])
        return msgspec.convert(data, self.model, strict=False)

    def _where(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for name, value in where.items():
            if name not in self.columns:
                raise KeyError(f"{self.table} has no column {name}")
            if value is None:
                clauses.append(f'"{name}" IS NULL')
            elif isinstance(value, list | tuple | set | frozenset):
                values = list(value)
                clauses.append(f'"{name}" IN ({", ".join("?" for _ in values)})')
                params.extend(self.param(v) for v in values)
            else:
                clauses.append(f'"{name}" = ?')
                params.append(self.param(value))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def select(
        self,
        where: dict[str, Any],
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[str, list[Any]]:
        clause, params = self._where(where)
        sql = self.select_all + clause
        order = order_by or ", ".join(f'"{k}"' for k in self.key)
        sql += f" ORDER BY {self._order(order)}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        return sql, params

    def _order(self, order_by: str) -> str:
        parts = []
        for part in order_by.split(","):
            name, _, direction = part.strip().partition(" ")
            name = name.strip('"')
            if name not in self.columns or direction.upper() not in ("", "ASC", "DESC"):
                raise KeyError(f"cannot order {self.table} by {part!r}")
            parts.append(f'"{name}" {direction.upper()}'.strip())
        return ", ".join(parts)

    def count(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        clause, params = self._where(where)
        return f"SELECT count(*) FROM {self.table}{clause}", params

    def delete(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        clause, params = self._where(where)
        return f"DELETE FROM {self.table}{clause}", params
