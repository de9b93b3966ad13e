"""The PostgreSQL store: the same interface and transaction semantics as the SQLite one, so
several stateless gateway processes can share one database.

The store holds one connection (it is used from one thread, one call at a time: a pool could
only add a wait) and replaces it when it breaks: a database restart fails the calls in flight
(``StoreUnavailable``), and the first call after the database is back connects afresh; while it
is away, each call fails at once (a refused connection) or after ``CONNECT_SECONDS`` (a server
that does not answer). Whether anyone committed is learned from the commit board when it can
be, else by a version read per request (``core.store.pg_sync``). Writers serialise on a
transaction-scoped advisory lock, as SQLite's ``BEGIN IMMEDIATE`` serialises them; the schema
is the SQLite one (migrations are shared) with a case-insensitive ICU collation named
``nocase``; each store works in one schema, so sandboxes and tests can each have their own.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import sql

from core.errors import Conflict
from core.models import ALL_MODELS
from core.store.base import StoreError, StoreUnavailable
from core.store.board import Commits
from core.store.cache import VERSION_KEY
from core.store.migrations import LATEST, MIGRATIONS
from core.store.pg_logs import PgLogs, SignalWatch
from core.store.pg_sync import PgSync
from core.store.probe import VersionProbe
from core.store.rows import RowMapper
from core.store.sql_base import VERSION_KEYS, SqlStoreBase

T = TypeVar("T")

WRITE_LOCK = 0x63726D67  # "crmg": one advisory lock for all writers of a database
_BEGIN_WRITE = (
    f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); "
    f"SELECT value FROM control WHERE key = '{VERSION_KEY}'"
)
#: The data version read with BEGIN has been used (or there was none to read).
_UNREAD: Any = object()
#: The version a write stamps (a literal) and its COMMIT, one round trip.
_STAMP_AND_COMMIT = (
    f"INSERT INTO control (key, value) VALUES ('{VERSION_KEY}', {{stamp}}) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value; COMMIT"
)
_INT8 = range(-(2**63), 2**63)
#: How long connecting may take (a loaded server forks a backend slowly; one that does not
#: answer at all makes the call unavailable after this). libpq's floor is 2 seconds.
CONNECT_SECONDS = 5
#: The errors of a connection that is dead, not of a statement.
_CONNECTION_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError)
_NOCASE = (
    "CREATE COLLATION IF NOT EXISTS {schema}.nocase "
    "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"
)


def open_postgres(dsn: str, schema: str = "public") -> PostgresStore:
    try:
        return PostgresStore(dsn, schema)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open database {_safe(dsn)}: {exc}") from exc


def _safe(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)


def _fits(params: list[Any]) -> bool:
    """False when a parameter can match no row: an integer out of BIGINT range, or text with a
    NUL character (PostgreSQL cannot even compare one; no store keeps one)."""
    return all(
        p in _INT8 if isinstance(p, int) else "\x00" not in p
        for p in params
        if isinstance(p, int | str) and not isinstance(p, bool)
    )


class PostgresStore(PgSync, PgLogs, SqlStoreBase):
    """One connection (used from one thread at a time), in the schema ``schema``, held until
    it breaks."""

    def __init__(self, dsn: str, schema: str = "public", board: bool | None = None) -> None:
        """``board``: learn of commits from the commit board when one can be made (default:
        unless ``CRMGATE_COMMIT_BOARD=off``)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
            raise StoreError(f"invalid schema name {schema!r}")
        self.dsn = dsn
        self.schema = schema
        self._search_path = sql.SQL("SET search_path TO {}").format(sql.Identifier(schema))
        self._commits: Commits | None = None
        #: This transaction changed a version (data or state): its commit is counted.
        self._moved = False
        self._renewal: asyncio.Future[None] | None = None
        # fail at once when the database is not there at start-up, with its own message
        self._held: psycopg.Connection | None = self._connect()
        self._start_board(board)
        #: Savepoints not made yet, made but not released yet, and the version to stamp.
        self._unmade: list[str] = []
        self._unreleased: list[str] = []
        self._stamp: str | None = None
        self._conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        self.placeholder = "%s"
        self._mappers = {m: RowMapper(m, placeholder="%s", no_limit=None) for m in ALL_MODELS}
        self._depth = 0
        self._cache_start()
        self._in_transaction = False
        self._begun_version = _UNREAD
        # Until the control table exists, a write begins with BEGIN and the lock only.
        self._begin_write = f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); SELECT NULL"
        self.migrate()
        self._begin_write = _BEGIN_WRITE
        self._probe = VersionProbe(dsn, schema, VERSION_KEYS, self._commits.check_sql)
        self._watch = SignalWatch(dsn, schema)
        self._cache_ready = True

    @property
    def reach(self) -> str:
        """Who else can open this database: any process that reaches the server."""
        return "network"

    # -- the connection --------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=CONNECT_SECONDS)
        try:
            conn.execute(self._search_path)
            self._register(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    @property
    def _conn(self) -> psycopg.Connection:
        """The held connection; a new one when the last one broke."""
        conn = self._held
        if conn is None:
            try:
                conn = self._held = self._connect()
            except psycopg.OperationalError as exc:
                raise StoreUnavailable(f"no connection to the database: {exc}") from exc
        return conn

    def _lost(self, exc: BaseException) -> bool:
        """A dead connection is closed; the next call connects anew."""
        if isinstance(exc, StoreUnavailable):
            return True
        conn = self._held
        if not isinstance(exc, _CONNECTION_ERRORS) or (conn is not None and not conn.broken):
            return False
        self._drop_held()
        return True

    def _drop_held(self) -> None:
        conn, self._held = self._held, None
        self._in_transaction = False
        self._moved = False
        self._forget_savepoints()
        self._begun_version = _UNREAD
        if conn is not None:
            conn.close()

    def _autocommitted(self, run: Any) -> Any:
        """A statement outside any transaction: on a connection found dead, once more on a
        fresh one (it is a read, or it did not reach the database)."""
        if self._depth:
            return run()
        try:
            return run()
        except _CONNECTION_ERRORS as exc:
            if not self._lost(exc):
                raise
        try:
            return run()
        except _CONNECTION_ERRORS as exc:
            self._lost(exc)
            raise StoreUnavailable(f"the database connection was lost: {exc}") from exc

    # -- schema ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        row = self._autocommitted(
            lambda: self._conn.execute("SELECT value FROM schema_version WHERE id = 1").fetchone()
        )
        return row[0] if row else 0

    def migrate(self) -> None:
        with self.write():
            self._conn.execute(_NOCASE.format(schema=sql.Identifier(self.schema).as_string()))
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY, value INTEGER)"
            )
            version = self.schema_version
            if version > LATEST:
                raise StoreError(
                    f"database schema version {version} is newer than this crmgate ({LATEST})"
                )
            for number in range(version, LATEST):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
            self._conn.execute(
                "INSERT INTO schema_version (id, value) VALUES (1, %s) "
                "ON CONFLICT (id) DO UPDATE SET value = excluded.value",
                [LATEST],
            )
            # room on each page for the new version of a rewritten log slot (HOT updates)
            self._conn.execute("ALTER TABLE log_slots SET (fillfactor = 50)")

    # -- transactions ---------------------------------------------------------------------

    def _begin(self, write: bool) -> None:
        """A write: BEGIN, the writers' lock and the data version in one round trip. A read
        runs without BEGIN: at READ COMMITTED each statement sees the latest commit either
        way, and a read answered from the cache then costs one round trip, not three."""
        self._in_transaction = write
        if not write:
            return
        try:
            found = self._conn.execute(self._begin_write)
            found.nextset()
            found.nextset()
            row = found.fetchone()
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._begun_version = row[0] if row else None

    def _nest(self, write: bool) -> None:
        if self._in_transaction:
            return
        self._conn.execute("BEGIN")
        self._in_transaction = True
        if write:  # a read that writes: lock, then re-check what the cache may serve
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            self._cache_begin()

    def _end(self, commit: bool) -> None:
        stamp = self._stamp
        moved, self._moved = commit and (self._moved or stamp is not None), False
        self._forget_savepoints()
        if not self._in_transaction:
            return
        self._in_transaction = False
        try:
            if not commit or stamp is None:
                self._conn.execute("COMMIT" if commit else "ROLLBACK")
                return
            literal = sql.Literal(stamp).as_string(self._conn)
            try:  # the new data version and COMMIT in one round trip
                self._conn.execute(_STAMP_AND_COMMIT.format(stamp=literal))
            except psycopg.Error:
                conn = self._held
                if conn is not None and not conn.broken:
                    conn.execute("ROLLBACK")
                raise
        finally:
            # counted even when COMMIT failed: it may have committed (a count costs a read)
            if moved:
                self._counted()

    # Savepoints cost a round trip each to make and to release, and most guard statements
    # that only read: here one is made when a statement that changes rows is about to run
    # inside it (with every other one waiting, in one round trip), and released with the next
    # such batch, or by COMMIT. One never made has nothing to undo.

    def _savepoint(self, name: str) -> None:
        self._unmade.append(name)

    def _rollback_to(self, name: str) -> None:
        if name in self._unmade:
            return
        self._unreleased = []  # made inside this one: gone with it
        self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")

    def _release(self, name: str) -> None:
        if self._unmade and self._unmade[-1] == name:
            self._unmade.pop()
        else:
            self._unreleased.append(name)

    def _before_change(self) -> None:
        """A statement that changes rows follows: make the savepoints it runs in."""
        if self._unmade or self._unreleased:
            released = [f"RELEASE SAVEPOINT {name}" for name in self._unreleased]
            made = [f"SAVEPOINT {name}" for name in self._unmade]
            self._unreleased, self._unmade = [], []
            self._conn.execute("; ".join(released + made))

    def _forget_savepoints(self) -> None:
        self._unmade, self._unreleased, self._stamp = [], [], None

    # -- rows -----------------------------------------------------------------------------

    def _query(self, sql: str, params: list[Any]) -> Any:
        # an integer no column can hold (or text with NUL) matches no row
        if not _fits(params):
            return None
        return self._autocommitted(lambda: self._conn.execute(sql, params))

    def _get(self, table: str, key: str) -> str | None:
        return self._autocommitted(lambda: super(PostgresStore, self)._get(table, key))

    def _read_version(self) -> str | None:
        if self._in_transaction and self._begun_version is not _UNREAD:
            version, self._begun_version = self._begun_version, _UNREAD
            return version
        return super()._read_version()

    def _read_versions(self) -> tuple[str | None, str | None]:
        return self._autocommitted(lambda: super(PostgresStore, self)._read_versions())

    def insert(self, obj: Any) -> None:
        mapper = self._mappers[type(obj)]
        with self._constraints(mapper.table):
            self._before_change()
            self._conn.execute(mapper.insert_sql, mapper.dump(obj))
            self._changed(mapper.model)

    def insert_many(self, objs: list[Any]) -> None:
        if not objs:
            return
        mapper = self._mappers[type(objs[0])]
        with self._constraints(mapper.table), self._conn.cursor() as cursor:
            self._before_change()
            cursor.executemany(mapper.insert_sql, [mapper.dump(o) for o in objs])
            self._changed(mapper.model)

    def update(self, obj: Any, before: Any = None) -> None:
        mapper = self._mappers[type(obj)]
        sql, params, stored = mapper.update(obj, before)
        if sql is None:
            return
        with self._constraints(mapper.table):
            self._before_change()
            cursor = self._conn.execute(sql, params)
            self._changed(mapper.model, stored if cursor.rowcount == 1 else None)

    def delete(self, model: type, **where: Any) -> int:
        query, params = self._mappers[model].delete(where)
        if not _fits(params):
            return 0
        with self.write():
            self._before_change()
            deleted = self._conn.execute(query, params).rowcount
            self._changed(model)
        return deleted

    @contextmanager
    def _constraints(self, table: str) -> Iterator[None]:
        """A violated key or reference is a conflict; the savepoint keeps the transaction."""
        with self.write():
            try:
                yield
            except psycopg.errors.IntegrityError as exc:
                raise Conflict(f"{table}: {exc.diag.message_primary}") from exc

    # -- counters and metadata -------------------------------------------------------------

    def next_value(self, sequence: str, floor: int = 0) -> int:
        self._before_change()
        return self._conn.execute(
            "INSERT INTO sequences (name, value) VALUES (%s, %s) ON CONFLICT (name) "
            "DO UPDATE SET value = GREATEST(sequences.value, %s) + 1 RETURNING value",
            [sequence, floor + 1, floor],
        ).fetchone()[0]

    def _set(self, table: str, key: str, value: str) -> None:
        if self._in_transaction and table == "control" and key == VERSION_KEY:
            self._stamp = value  # written by COMMIT (see ``_end``)
            return
        self._before_change()
        super()._set(table, key, value)
        if table == "control":
            if self._in_transaction:
                self._moved = True
            else:  # autocommitted
                self._counted()

    def delete_meta(self, key: str) -> None:
        self._before_change()
        super().delete_meta(key)

    def wipe(self) -> None:
        with self.write():
            self._before_change()
            super().wipe()

    def is_empty(self) -> bool:
        return all(self.count(m) == 0 for m in ALL_MODELS[:2])

    def drop(self) -> None:
        """Remove this store's schema and everything in it (sandboxes and tests), and its
        commit board (the store reads the versions per request from here on)."""
        self._conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(self.schema)))
        if self._commits is not None:
            self._commits.close(discard=True)

    def close(self) -> None:
        self._stop_renewal()
        self._close_logs()
        self._watch.close()
        self._probe.close()
        self._drop_held()
        if self._commits is not None:
            self._commits.close()
