"""The SQLite store on the standard library's ``sqlite3``: WAL, busy timeout, foreign keys,
migrations, checkpoints on a worker thread (``core.store.checkpoint``).

Transactions are ``SqlStoreBase``'s (shared with PostgreSQL, with the read cache's hooks):
writes need ``BEGIN IMMEDIATE``, which sqlite-utils' ``Database.atomic()`` (a deferred
``BEGIN``) does not give, so that library is not used.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from core.errors import Conflict
from core.models import ALL_MODELS
from core.store.base import StoreError
from core.store.cache import VERSION_KEY
from core.store.checkpoint import AUTOCHECKPOINT_PAGES, Checkpointer
from core.store.migrations import LATEST, MIGRATIONS
from core.store.readers import Readers
from core.store.rows import RowMapper
from core.store.sql_base import SqlStoreBase

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
#: Every write transaction runs this (see ``ReadCache._cache_commit``): built once.
_WRITE_VERSION = (
    f"INSERT INTO control (key, value) VALUES ('{VERSION_KEY}', ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class SqliteStore(SqlStoreBase):
    """One connection, used from one thread at a time (the event loop's).

    Writes run in ``BEGIN IMMEDIATE`` transactions so that concurrent writers queue on the
    busy timeout instead of failing when a read transaction tries to upgrade.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_private(Path(self.path))
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn = conn
        #: The cursor of statements whose answer is read at once (sqlite3 steps a cursor past
        #: its last row, ending the statement): cheaper than a new cursor for each.
        self._run = conn.cursor().execute
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._checkpointer: Checkpointer | None = None
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            self._checkpointer = Checkpointer(self.path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        self.placeholder = "?"
        self._mappers: dict[type, RowMapper] = {m: RowMapper(m) for m in ALL_MODELS}
        self._depth = 0
        self._cache_start()
        self.migrate()
        if self.path != ":memory:":
            self._readers = Readers(self.path)
            with self.write():  # under the write lock: see ``core.store.readers``
                self._readers.take()
        self._cache_ready = True

    @property
    def reach(self) -> str:
        """Who else can open this database: nobody (``:memory:``) or processes on this host."""
        return "process" if self.path == ":memory:" else "host"

    # -- schema ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Apply the migrations this database has not seen yet, each in its own transaction."""
        if self.schema_version > LATEST:
            raise StoreError(
                f"database schema version {self.schema_version} is newer than this crmgate "
                f"understands ({LATEST})"
            )
        for version in range(self.schema_version, LATEST):
            with self.write():
                if self.schema_version > version:  # another process migrated meanwhile
                    continue
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {version + 1}")

    # -- transactions ---------------------------------------------------------------------

    def _begin(self, write: bool) -> None:
        self._run("BEGIN IMMEDIATE" if write else "BEGIN")

    def _end(self, commit: bool) -> None:
        changes = self._conn.total_changes
        self._run("COMMIT" if commit else "ROLLBACK")
        if commit and changes != self._changes:
            if self._checkpointer is not None:
                self._checkpointer.committed(changes - self._changes)
            self._changes = changes

    def _write_version(self, version: str) -> None:
        self._run(_WRITE_VERSION, [version])

    def _others_cache(self) -> bool:
        return self._readers is not None and self._readers.others()

    _pragma_version: int | None = None
    #: Whether other stores cache this file (``:memory:`` has no other connection).
    _readers: Readers | None = None
    #: ``total_changes`` at the last commit: a commit that changed nothing dirtied no page.
    _changes = 0

    def _others_committed(self) -> bool:
        """SQLite counts the commits of other connections (``PRAGMA data_version``): reading
        that counter costs less than reading the versions themselves. A store alone on its
        file since it last asked does not ask (see ``core.store.readers``)."""
        if self._readers is not None and self._readers.quiet():
            return False
        seen = self._run("PRAGMA data_version").fetchone()[0]
        changed = seen != self._pragma_version
        self._pragma_version = seen
        return changed

    # -- rows -----------------------------------------------------------------------------

    def _mapper(self, model: type) -> RowMapper:
        return self._mappers[model]

    def _query(self, sql: str, params: list[Any]) -> Any:
        try:
            return self._conn.execute(sql, params)
        except OverflowError:  # an integer no column can hold matches no row
            return None

    def insert(self, obj: Any) -> None:
        mapper = self._mapper(type(obj))
        with _constraints(mapper.table):
            self._conn.execute(mapper.insert_sql, mapper.dump(obj))
        self._changed(mapper.model)

    def insert_many(self, objs: list[Any]) -> None:
        if not objs:
            return
        mapper = self._mapper(type(objs[0]))
        with _constraints(mapper.table):
            self._conn.executemany(mapper.insert_sql, [mapper.dump(o) for o in objs])
        self._changed(mapper.model)

    def update(self, obj: Any, before: Any = None) -> None:
        mapper = self._mapper(type(obj))
        sql, params, stored = mapper.update(obj, before)
        if sql is None:
            return
        try:  # not ``_constraints``: a plain ``try`` costs less on every update
            updated = self._run(sql, params).rowcount
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"{mapper.table}: {exc}") from exc
        self._changed(mapper.model, stored if updated == 1 else None)

    def delete(self, model: type, **where: Any) -> int:
        sql, params = self._mapper(model).delete(where)
        deleted = self._conn.execute(sql, params).rowcount
        self._changed(model)
        return deleted

    # -- counters and metadata -------------------------------------------------------------

    def next_value(self, sequence: str, floor: int = 0) -> int:
        row = self._conn.execute(
            "INSERT INTO sequences (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = max(value, ?) + 1 RETURNING value",
            [sequence, floor + 1, floor],
        ).fetchone()
        return row[0]

    def is_empty(self) -> bool:
        return not any(
            self._conn.execute(f"SELECT EXISTS (SELECT 1 FROM {m.__table__})").fetchone()[0]
            for m in ALL_MODELS[:2]
        )

    def drop(self) -> None:
        """Empty this store (an in-memory one vanishes on close anyway)."""
        self.wipe()

    def key_file(self) -> Path | None:
        return None if self.path == ":memory:" else Path(f"{self.path}.key")

    def integrity_check(self) -> str:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        self._close_logs()
        if self._watch is not None:
            self._watch.close()
        if self._checkpointer is not None:
            self._checkpointer.close()
        self._conn.close()
        if self._readers is not None:
            self._readers.close()

    # -- bounded logs ---------------------------------------------------------------------

    def _open_log(self) -> sqlite3.Connection:
        """A second connection on the file: under WAL, readers never wait for its appends and it
        queues on the busy timeout behind other writers. ``:memory:`` has only this one."""
        if self.path == ":memory:":
            return self._conn
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    _watch: sqlite3.Connection | None = None
    _watched: int | None = None

    def signals_moved(self) -> bool:
        """A connection of its own reads ``PRAGMA data_version``, which moves with every commit
        of any other connection (a few microseconds, no disk read): False only when nobody
        committed anything since the last call. ``:memory:`` has no other connection."""
        if self.path == ":memory:":
            return True
        if self._watch is None:
            self._watch = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        seen = self._watch.execute("PRAGMA data_version").fetchone()[0]
        moved = seen != self._watched
        self._watched = seen
        return moved

    @contextmanager
    def _log_transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._logs
        if conn is self._conn:
            with self.write():
                yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _create_private(path: Path) -> None:
    """A new database file is its owner's only (SQLite gives its -wal and -shm files the
    database file's mode): it holds password hashes and session digests."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


@contextmanager
def _constraints(table: str) -> Iterator[None]:
    """A violated key or reference is a conflict with stored state, not a crash."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise Conflict(f"{table}: {exc}") from exc


def open_sqlite(path: str | Path) -> SqliteStore:
    """Open (creating and migrating if needed) the SQLite store at ``path`` (or ``:memory:``)."""
    try:
        return SqliteStore(path)
    except (sqlite3.DatabaseError, StoreError, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
