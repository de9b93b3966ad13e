"""Reads served from memory while nobody has written: the store's data version.

Every write transaction that changes a row stamps a fresh data version in the ``control``
table before it commits: a unique stamp, then each model (table) with the stamp of the last
write that changed it (``"<stamp> <table>=<stamp> ..."``; writers hold the write lock, so each
carries the others' forward). A transaction first reads the data version (one cheap query) and,
when it is not the last one it saw (another process or connection wrote), forgets the cached
reads of the models whose stamps moved, no others: customers written elsewhere leave users,
sessions and field definitions cached here. A writer forgets only the models it changed. So N
processes on one database stay exactly as consistent as one, and a read-mostly request costs
one query. A store that no other connection caches beside (SQLite: ``core.store.readers``)
keeps the stamps in memory and writes none: nobody would read them (its data version is then
the last stamp alone, which no other version equals).

A gateway serving requests calls ``sync()`` once per request instead: it reads the data version
(and the version of the operating state, see ``STATE_KEY``) in one query, and the read
transactions of that request then trust the cache without asking the database anything; one
that misses begins for real and checks the version again. Writes always check under their lock.
(A SQLite store alone on its file since it last checked knows that nobody else wrote, and reads
nothing: see ``core.store.readers``.)

A per-process memory derived from some models only (verified tokens) asks for
``models_version(*models)``: it moves with every write of those models, here or by another
connection, but not with a write of any other model.

A write forgets the cached reads of the models it changed, but remembers the rows it
updated, as the database now holds them, under their keys: a service that reads a row, changes
it and reads it again (the next request) does not read back what it just wrote.

Inside a transaction, a model this transaction has changed is always read from the
database; the others come from the cache (a writer holds the write lock, so what it cached
is what is committed). Outside a transaction nothing is cached. A hit of a frozen model (a
msgspec Struct with ``frozen=True``: definitions, sessions, links... everything callers only read)
is the cached value itself, shared; of any other model (the customer, which a patch changes in
place) a shallow copy: a caller may set attributes of what it read, not the cache's. A ``find``
answers a new list either way. A ``find_derived`` answer (what a caller works out from a
``find`` of a frozen model) is kept beside that model's reads and forgotten with them, shared.
"""

from __future__ import annotations

import functools
import operator
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from core.store.stamps import new_stamp

VERSION_KEY = "data_version"
#: Stamped afresh by every change of operating state (``set_control``): fault rules, sandboxes.
STATE_KEY = "state_version"
#: Beyond this many cached answers the cache starts afresh: memory stays bounded.
MAX_ENTRIES = 20_000


class ReadCache(ABC):
    """The base of a store that reads through this cache: it provides the abstract methods
    below and calls the ``_cache_*`` hooks from its transactions and ``_changed`` from every
    statement that modifies a model's rows. ``_depth`` is its transaction nesting (0: none).
    """

    _cached: dict[type, dict[tuple[Any, ...], Any]]
    _version: str | None = None
    _caching: bool = False
    _touched: set[type]
    _size: int = 0
    _depth: int = 0
    #: False until the schema (and its ``control`` table) exists.
    _cache_ready: bool = False
    #: True once ``sync()`` has been called: read transactions trust the cache from then on.
    _synced: bool = False
    #: The operating state's version as of the last ``sync()`` or ``set_control`` here.
    state_version: str | None = None
    #: Moves each time a data version whose models are unknown is read (see ``_learn``).
    _epoch: int = 0
    #: Commits that changed each model (by table), seen here: this store's, others' by stamp.
    _model_writes: dict[str, int]
    #: The stamp of each model (by table) in ``_version``.
    _stamps: dict[str, str]
    #: ``_stamps`` as the version spells each (``"<table>=<stamp>"``), to write the next one.
    _parts: dict[str, str]
    #: The rows this transaction updated, by model and the shape of a ``get`` of each (its
    #: key): at commit, the model's cached reads (each shape hashed once, here).
    _updated: dict[type, dict[tuple[Any, ...], Any]]
    #: The data version as the database holds it, as far as this store knows: differs from
    #: ``_version`` after commits that kept their stamp in memory (see ``_others_cache``).
    _written: str | None = None

    @abstractmethod
    def _read_versions(self) -> tuple[str | None, str | None]:
        """The data version and the state version, in one query."""

    @abstractmethod
    def _fetch_one(self, model: type, key: tuple[Any, ...]) -> Any:
        """The row of ``model`` with primary key ``key`` from the database, or None."""

    @abstractmethod
    def _fetch_many(
        self,
        model: type,
        where: dict[str, Any],
        order_by: str | None,
        limit: int | None,
        offset: int,
    ) -> list[Any]:
        """The rows of ``model`` matching ``where`` from the database, in order."""

    @abstractmethod
    def _fetch_count(self, model: type, where: dict[str, Any]) -> int:
        """How many rows of ``model`` match ``where`` in the database."""

    @property
    def data_version(self) -> str | None:
        """The data version this store's cache is valid for (inside a transaction: the one
        it trusts); None before the first stamp."""
        return self._version

    @property
    def trusts_cache(self) -> bool:
        """Synced and outside any transaction: a read would begin trusted (see ``Store``)."""
        return self._synced and not self._depth

    def models_version(self, *models: type) -> tuple[int, ...] | None:
        """A stamp that moves whenever rows of ``models`` may have changed (see above); None
        before the data has a version."""
        if self._version is None:
            return None
        writes = self._model_writes
        return (self._epoch, *[writes.get(m.__table__, 0) for m in models])

    def _others_cache(self) -> bool:
        """Asked under the write lock before a commit: whether another connection may cache
        reads of this database (then the commit stores its data version for it to read). A
        store that cannot tell says True."""
        return True

    def _others_committed(self) -> bool:
        """Whether another connection may have committed since the last ``sync`` (a store
        that cannot tell cheaper than by reading the versions says True)."""
        return True

    def sync(self) -> None:
        """A request starts: learn the data and state versions in one query. Until the next
        ``sync``, read transactions serve cached answers without a database round trip, as of
        this moment (a later write by another process is seen by the next request)."""
        if not self._cache_ready or self._depth:
            return
        others = self._others_committed()
        if self._synced and not others:
            return
        self._synced_to(*self._read_versions())

    async def sync_async(self) -> None:
        """``sync`` for a request on the event loop: a store whose version read is a network
        round trip lets other requests run meanwhile."""
        self.sync()

    def _synced_to(self, seen: str | None, state: str | None) -> None:
        """The versions as read just now: the cache is valid for ``seen`` from here on."""
        self.state_version = state
        self._learn(seen)
        self._synced = True

    def _learn(self, seen: str | None) -> None:
        """The data version is ``seen`` now: forget the cached reads of the models whose stamps
        moved since ``_version``, or all of them when either version names no models (none yet,
        or written by a crmgate before model stamps). A version this store wrote or read last
        says that nobody stamped since: what it keeps in memory is newer."""
        if seen == self._version or seen == self._written:
            return
        stamps = _stamps_of(seen)
        if stamps is None or not self._stamps:
            self._forget()
            self._epoch += 1
        else:
            old, writes = self._stamps, self._model_writes
            moved = {t for t in stamps.keys() | old.keys() if stamps.get(t) != old.get(t)}
            for table in moved:
                writes[table] = writes.get(table, 0) + 1
            for model in [m for m in self._cached if m.__table__ in moved]:
                self._size -= len(self._cached.pop(model))
        self._version = self._written = seen
        self._stamps = stamps or {}
        self._parts = {t: f"{t}={s}" for t, s in self._stamps.items()}

    @abstractmethod
    def write(self) -> AbstractContextManager[None]:
        """One write transaction (see ``core.store.base.Store``)."""

    @abstractmethod
    def _get(self, table: str, key: str) -> str | None:
        """The value of ``key`` in the key-value ``table`` (``meta``, ``control``), or None."""

    @abstractmethod
    def _set(self, table: str, key: str, value: str) -> None:
        """Set ``key`` in the key-value ``table``."""

    # -- the store's reads --------------------------------------------------------------------

    def get(self, model: type, *key: Any) -> Any:
        if not self._caching or model in self._touched:
            return self._fetch_one(model, key)
        shape = ("get", *key)
        try:  # the hit, without building a fetch
            found = self._cached[model][shape]
        except (KeyError, TypeError):
            found = self._lookup(model, shape, lambda: self._fetch_one(model, key))
        if found is None or model.__struct_config__.frozen:
            return found
        return found.__copy__()

    def find(
        self,
        model: type,
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        **where: Any,
    ) -> list[Any]:
        if not self._caching or model in self._touched:
            return self._fetch_many(model, where, order_by, limit, offset)
        try:  # the hit, without building a fetch
            rows = self._cached[model][("find", order_by, limit, offset, *where.items())]
        except (KeyError, TypeError):
            shape = ("find", order_by, limit, offset, *_items(where))
            rows = self._lookup(
                model, shape, lambda: self._fetch_many(model, where, order_by, limit, offset)
            )
        if model.__struct_config__.frozen:
            return list(rows)
        return [row.__copy__() for row in rows]

    def find_derived(self, model: type, derive: Callable[[list[Any]], Any], **where: Any) -> Any:
        if not self._caching or model in self._touched:
            return derive(self._fetch_many(model, where, None, None, 0))
        try:  # the hit, without building a fetch
            return self._cached[model][("derived", derive, *where.items())]
        except (KeyError, TypeError):
            return self._lookup(
                model,
                ("derived", derive, *_items(where)),
                lambda: derive(self._fetch_many(model, where, None, None, 0)),
            )

    def count(self, model: type, **where: Any) -> int:
        if not self._caching or model in self._touched:
            return self._fetch_count(model, where)
        return self._lookup(
            model, ("count", *_items(where)), lambda: self._fetch_count(model, where)
        )

    def _lookup(self, model: type, key: tuple[Any, ...], fetch: Any) -> Any:
        """The cached answer under ``key`` (arguments in call order: a call site always names
        them alike), else ``fetch()``'s, remembered."""
        entries = self._cached.setdefault(model, {})
        try:
            return entries[key]
        except KeyError:
            pass
        except TypeError:  # an argument of no fixed value (a set...): ask the database
            return fetch()
        if self._size >= MAX_ENTRIES:
            self._forget()
            entries = self._cached.setdefault(model, {})
        found = entries[key] = fetch()
        self._size += 1
        return found

    # -- hooks for the store's transactions and writes ----------------------------------------

    def _cache_start(self) -> None:
        """Called once by the store's constructor: nothing cached, nothing written yet."""
        self._model_writes = {}
        self._stamps = {}
        self._parts = {}
        self._forget()

    def _forget(self) -> None:
        self._cached = {}
        self._size = 0

    def _changed(self, model: type, row: Any = None) -> None:
        """A statement changed ``model``'s rows: this transaction reads them from the database.
        ``row``: the statement updated exactly that row (a model Struct, as loaded), which the
        cache may then keep; without it, which rows changed is unknown."""
        if not self._depth:  # autocommitted already: stamp it under the write lock, at once
            with self.write():
                self._touched.add(model)
            return
        self._touched.add(model)
        if row is None:
            self._updated.pop(model, None)
        else:
            self._updated.setdefault(model, {})[_get_shape(model)(row)] = row

    def _cache_undo(self) -> None:
        """Rolled back to a savepoint: what it updated is not what commits."""
        self._updated = {}

    def _read_version(self) -> str | None:
        return self._get("control", VERSION_KEY)

    def _cache_begin(self, trusted: bool = False) -> None:
        """Called right after an outermost BEGIN (and, for a write, its lock); ``trusted``: a
        read after ``sync()`` that has not begun in the database."""
        self._touched = set()
        self._updated = {}
        if not self._cache_ready:
            return
        if not trusted:
            self._cache_recheck()
        self._caching = True

    def _cache_recheck(self) -> None:
        if self._synced and self._version is not None and not self._others_committed():
            return  # nobody else committed since the version was last read
        self._learn(self._read_version())

    def _cache_commit(self) -> None:
        """Called just before COMMIT: stamp a new version when rows changed (in the database
        only for other connections that cache: see ``_others_cache``)."""
        self._caching = False
        if self._touched and self._cache_ready:
            stamp = new_stamp()
            stamps, parts, writes, cached = (
                self._stamps,
                self._parts,
                self._model_writes,
                self._cached,
            )
            for model in self._touched:
                table = model.__table__
                stamps[table] = stamp
                parts[table] = f"{table}={stamp}"
                writes[table] = writes.get(table, 0) + 1
                if model in cached:
                    self._size -= len(cached.pop(model))
            if self._others_cache():
                self._version = self._written = " ".join([stamp, *parts.values()])
                self._write_version(self._version)
            else:  # nobody reads it: the stamp alone tells this version from every other
                self._version = stamp
            for model, rows in self._updated.items():
                self._remember(model, rows)

    def _write_version(self, version: str) -> None:
        """Store the data version this transaction commits."""
        self._set("control", VERSION_KEY, version)

    def _remember(self, model: type, rows: dict[tuple[Any, ...], Any]) -> None:
        """Cache the rows a transaction updated (by the shape of a ``get``) as a read by key
        answers them, and as a ``find`` by one of the model's unique columns (``__unique__``)
        does. The transaction's dict becomes the cache's: no key is hashed again."""
        entries = self._cached[model] = rows
        unique = getattr(model, "__unique__", ())
        for row in list(rows.values()) if unique else ():
            for name in unique:
                value = getattr(row, name)
                if value is not None:
                    entries["find", None, None, 0, (name, value)] = [row]
        self._size += len(entries)

    def _cache_unsure(self) -> None:
        """A COMMIT failed after ``_cache_commit``: the rows and the version it kept may not be
        in the database, and no other connection's commit will say so; the next transaction
        reads the version and the rows afresh."""
        self._caching = False
        self._synced = False
        self._version = self._written = None
        self._stamps = {}
        self._parts = {}
        self._forget()
        self._epoch += 1

    def _cache_abort(self) -> None:
        """Rolled back: the database holds what the cache saw (a failed commit left a stamp
        that is not in the database, so the next transaction starts afresh)."""
        self._caching = False


@functools.cache
def _get_shape(model: type) -> Callable[[Any], tuple[Any, ...]]:
    """How to read the shape of a ``get`` of a row of ``model`` (``("get", *key)``), made once
    per model."""
    names = model.__key__
    if len(names) > 1:
        key = operator.attrgetter(*names)
        return lambda row: ("get", *key(row))
    get = operator.attrgetter(names[0])
    return lambda row: ("get", get(row))


def _items(where: dict[str, Any]) -> Any:
    """The arguments as key parts, a list of values ("one of") as a tuple."""
    for value in where.values():
        if isinstance(value, list):
            return [(k, tuple(v) if isinstance(v, list) else v) for k, v in where.items()]
    return where.items()


def _stamps_of(version: str | None) -> dict[str, str] | None:
    """The stamp of each model (by table) a data version names; None when it names none."""
    _, _, models = (version or "").partition(" ")
    if not models:
        return None
    return dict(item.split("=", 1) for item in models.split(" "))
