"""Mapping between model Structs and table rows, with the SQL for each model built once."""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from core.errors import FieldError, ValidationFailed

#: The where-shape arity of an empty "one of" list: ``IN ()`` is no SQL, and it matches nothing.
_NONE_OF = -2
_NESTED = (msgspec.inspect.StructType, msgspec.inspect.ListType, msgspec.inspect.DictType)


def _is_nested(t: msgspec.inspect.Type) -> bool:
    if isinstance(t, msgspec.inspect.UnionType):
        return any(_is_nested(x) for x in t.types)
    return isinstance(t, _NESTED)


def _json_text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _converter(t: msgspec.inspect.Type) -> Callable[[Any], Any] | None:
    """How one column's Python value becomes an SQLite value (None: as it is)."""
    if _is_nested(t):
        return _json_text
    if isinstance(t, msgspec.inspect.UnionType):
        inner = [x for x in t.types if not isinstance(x, msgspec.inspect.NoneType)]
        return _converter(inner[0]) if len(inner) == 1 else RowMapper.param
    if isinstance(t, msgspec.inspect.BoolType):
        return int
    if isinstance(t, msgspec.inspect.UUIDType | msgspec.inspect.DateTimeType):
        return msgspec.to_builtins
    if isinstance(t, msgspec.inspect.EnumType):
        return RowMapper.param
    return None


def _exact(t: msgspec.inspect.Type) -> bool:
    """Whether values of ``t`` that are equal are stored alike: text, and structures of text
    only (no number, which equals a bool or a float of another type, and no time, which
    equals the same instant in another zone)."""
    if isinstance(t, msgspec.inspect.StrType | msgspec.inspect.NoneType):
        return True
    if isinstance(t, msgspec.inspect.UnionType):
        return all(_exact(x) for x in t.types)
    if isinstance(t, msgspec.inspect.ListType):
        return _exact(t.item_type)
    if isinstance(t, msgspec.inspect.DictType):
        return _exact(t.key_type) and _exact(t.value_type)
    if isinstance(t, msgspec.inspect.StructType):
        return all(_exact(f.type) for f in t.fields)
    return False


def _kept(t: msgspec.inspect.Type) -> type | None:
    """The type of a column's values that the database hands back as they were written: text,
    and a time in UTC (which reads back as the very same time); None: convert them."""
    if isinstance(t, msgspec.inspect.UnionType):
        inner = [x for x in t.types if not isinstance(x, msgspec.inspect.NoneType)]
        return _kept(inner[0]) if len(inner) == 1 else None
    if isinstance(t, msgspec.inspect.StrType) and not (t.min_length or t.max_length or t.pattern):
        return str
    if isinstance(t, msgspec.inspect.DateTimeType) and t.tz is not False:
        return datetime
    return None


def _differs(new: Any, old: Any) -> bool:
    """Whether a column's stored value changes: Python's equality, and what it does not tell
    apart (``1`` from ``1.0``, a time from the same instant in another zone, such a time
    inside a nested value)."""
    if new != old or type(new) is not type(old):
        return True
    if isinstance(new, datetime):
        return new.utcoffset() != old.utcoffset()
    if isinstance(new, msgspec.Struct | list | dict):
        return _json_text(new) != _json_text(old)
    return False


class RowMapper:
    """Dumps a Struct to SQL parameters and loads a row tuple back into the Struct."""

    def __init__(self, model: type, placeholder: str = "?", no_limit: int | None = -1) -> None:
        self.model = model
        self.no_limit = no_limit
        ph = self.placeholder = placeholder
        self.table: str = model.__table__
        self.key: tuple[str, ...] = model.__key__
        info = msgspec.inspect.type_info(model)
        self.columns = tuple(f.name for f in info.fields)
        self.nested = frozenset(f.name for f in info.fields if _is_nested(f.type))
        #: Positions of the columns whose values differ exactly when ``!=`` says so.
        self._exact = frozenset(i for i, f in enumerate(info.fields) if _exact(f.type))
        self._values = operator.attrgetter(*self.columns)
        self._list_type = list[model]
        self._converters = [_converter(f.type) for f in info.fields]
        #: Per column, the type whose values read back as written (see ``_kept``).
        self._kept = tuple(_kept(f.type) for f in info.fields)
        #: Each column's annotation, to read one column back as the database answers it.
        self._types = tuple(f.type for f in msgspec.structs.fields(model))
        cols = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join(ph for _ in self.columns)
        key_where = " AND ".join(f'"{k}" = {ph}' for k in self.key)
        self.select_all = f"SELECT {cols} FROM {self.table}"
        self.select_by_key = f"{self.select_all} WHERE {key_where}"
        self.insert_sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"
        rest = [c for c in self.columns if c not in self.key]
        #: Positions (in ``columns``) of the columns an update may set, and of the key.
        self._rest = tuple(self.columns.index(c) for c in rest)
        self._key_at = tuple(self.columns.index(k) for k in self.key)

    @staticmethod
    def param(value: Any) -> Any:
        if isinstance(value, UUID | datetime | enum.Enum):
            return msgspec.to_builtins(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def dump(self, obj: Any) -> list[Any]:
        values = self._values(obj)
        return self._checked(
            [
                v if c is None or v is None else c(v)
                for v, c in zip(values, self._converters, strict=True)
            ]
        )

    def stored(self, obj: Any) -> Any:
        """``obj`` as the database hands it back once written (the types of its columns), or
        None when that cannot be told here (a value of another type than its field's)."""
        return self._reloaded(self.dump(obj))

    def _reloaded(self, row: list[Any]) -> Any:
        try:
            return self.load(tuple(row))
        except msgspec.ValidationError:
            return None

    def update(self, obj: Any, before: Any = None) -> tuple[str | None, list[Any], Any]:
        """The UPDATE that stores ``obj`` over the row with its key, its parameters, and ``obj``
        as :meth:`stored` answers it. With ``before`` (what the database holds, read in the
        same write transaction) only the columns whose values differ are set, so an
        unchanged column costs no index or reference check. No SQL (None) when no column
        is left to set."""
        if before is None:
            row = self.dump(obj)
            params = [row[i] for i in (*self._rest, *self._key_at)]
            return self._update_sql(self._rest), params, self._reloaded(row)
        new, old = self._values(obj), self._values(before)
        exact = self._exact
        changed_at = []
        for i in self._rest:
            value, was = new[i], old[i]
            if value is not was and (value != was if i in exact else _differs(value, was)):
                changed_at.append(i)
        if not changed_at:
            return None, [], None
        changed = tuple(changed_at)
        converters = self._converters
        params = []
        for i in (*changed, *self._key_at):
            value, convert = new[i], converters[i]
            params.append(value if convert is None or value is None else convert(value))
        self._checked(params)
        return self._update_sql(changed), params, self._restored(before, changed, params, new)

    def _restored(
        self, before: Any, changed: tuple[int, ...], params: list[Any], new: tuple[Any, ...]
    ) -> Any:
        """``before`` (as stored) with the ``changed`` columns as the database hands back
        ``params`` (written from ``new``): what :meth:`stored` answers, converting only those
        columns, and of them only values that do not read back as written."""
        values = {}
        kept = self._kept
        try:
            for i, value in zip(changed, params, strict=False):
                name = self.columns[i]
                written = new[i]
                if type(written) is kept[i] and (kept[i] is str or written.tzinfo is UTC):
                    values[name] = written
                    continue
                if value is not None and name in self.nested:
                    value = msgspec.json.decode(value)
                values[name] = msgspec.convert(value, self._types[i], strict=False)
        except msgspec.ValidationError:
            return None
        return msgspec.structs.replace(before, **values)

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one mapper per model, for the process
    def _update_sql(self, changed: tuple[int, ...]) -> str:
        ph = self.placeholder
        sets = ", ".join(f'"{self.columns[i]}" = {ph}' for i in changed)
        where = " AND ".join(f'"{k}" = {ph}' for k in self.key)
        return f"UPDATE {self.table} SET {sets} WHERE {where}"

    def _checked(self, row: list[Any]) -> list[Any]:
        """Text never holds NUL characters, in any store (PostgreSQL cannot keep them)."""
        for v in row:  # a plain loop: this runs for every row written
            if type(v) is str and "\x00" in v:
                message = "text may not contain NUL characters"
                raise ValidationFailed([FieldError(self.table, "invalid", message)])
        return row

    def _row(self, row: tuple[Any, ...]) -> dict[str, Any]:
        data = dict(zip(self.columns, row, strict=True))
        for name in self.nested:
            if data[name] is not None:
                data[name] = msgspec.json.decode(data[name])
        return data

    def load(self, row: tuple[Any, ...]) -> Any:
        return msgspec.convert(self._row(row), self.model, strict=False)

    def load_all(self, rows: Iterable[tuple[Any, ...]]) -> list[Any]:
        """Many rows in one conversion (cheaper than one call per row)."""
        return msgspec.convert([self._row(r) for r in rows], self._list_type, strict=False)

    def _where(self, where: dict[str, Any]) -> tuple[str, list[Any]]:
        shape: list[tuple[str, int]] = []
        params: list[Any] = []
        for name, value in where.items():
            if value is None:
                shape.append((name, -1))
            elif isinstance(value, list | tuple | set | frozenset):
                values = list(value)
                shape.append((name, len(values) or _NONE_OF))
                params.extend(self.param(v) for v in values)
            else:
                shape.append((name, 0))
                params.append(self.param(value))
        return self._where_sql(tuple(shape)), params

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one mapper per model, for the process
    def _where_sql(self, shape: tuple[tuple[str, int], ...]) -> str:
        """SQL for a where-shape: (column, -1 IS NULL | 0 equals | n IN n values | -2 one of
        no values, which no row matches)."""
        clauses = []
        ph = self.placeholder
        for name, arity in shape:
            if name not in self.columns:
                raise KeyError(f"{self.table} has no column {name}")
            if arity == _NONE_OF:
                clauses.append("1 = 0")
            elif arity < 0:
                clauses.append(f'"{name}" IS NULL')
            elif arity == 0:
                clauses.append(f'"{name}" = {ph}')
            else:
                clauses.append(f'"{name}" IN ({", ".join(ph for _ in range(arity))})')
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""

    def select(
        self,
        where: dict[str, Any],
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[str, list[Any]]:
        clause, params = self._where(where)
        paged = limit is not None or bool(offset)
        if paged:
            params += [self.no_limit if limit is None else limit, offset]
        return self._select_sql(clause, order_by, paged), params

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one mapper per model, for the process
    def _select_sql(self, clause: str, order_by: str | None, paged: bool) -> str:
        order = order_by or ", ".join(f'"{k}"' for k in self.key)
        sql = f"{self.select_all}{clause} ORDER BY {self._order(order)}"
        ph = self.placeholder
        return sql + f" LIMIT {ph} OFFSET {ph}" if paged else sql

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
