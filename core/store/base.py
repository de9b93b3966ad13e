"""The store interface core depends on. Row-level and model-typed: no SQL leaks out.

Every model names its table and key (see ``core.models``); ``where`` arguments are
equality tests, a list or tuple value means "one of". Two implementations provide these
methods with the same transaction semantics: SQLite (``core.store.sqlite``) and PostgreSQL
(``core.store.postgres``). The SQL stores also keep
the gateway's operating state (``gateway.state.StateStore``); this protocol does not.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
D = TypeVar("D")


class StoreError(Exception):
    """The database cannot be used (not a database, unreachable, newer schema...)."""


class StoreUnavailable(StoreError):
    """The database went away during a call (a restart, a network cut): the call failed and
    nothing of it was committed unless the commit itself was under way. The store serves again
    as soon as the database does; a gateway answers 503 meanwhile."""


class Store(Protocol):
    def write(self) -> AbstractContextManager[None]:
        """One write transaction (nested calls become savepoints); rolls back on error."""

    def read(self) -> AbstractContextManager[None]:
        """A consistent read snapshot."""

    @property
    def data_version(self) -> str | None:
        """A stamp that changes with every committed change of the data (None before any)."""

    def models_version(self, *models: type) -> tuple[int, ...] | None:
        """A stamp that moves whenever rows of ``models`` may have changed: with every write
        of them, by this connection or another (None before any data version)."""

    @property
    def trusts_cache(self) -> bool:
        """Whether a read transaction begun now would trust the cache as of the last ``sync``
        (outside any transaction): ``data_version`` is then already what it would read, and a
        memory tied to that version may be read without one."""

    def sync(self) -> None:
        """A request starts: one look at whether anyone wrote; the request's reads may then be
        served from memory as of now (see ``core.store.cache``)."""

    async def sync_async(self) -> None:
        """``sync`` from the event loop, which it does not hold up while the database answers."""

    def get(self, model: type[T], *key: Any) -> T | None: ...

    def find(
        self,
        model: type[T],
        *,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        **where: Any,
    ) -> list[T]: ...

    def find_derived(self, model: type[T], derive: Callable[[list[T]], D], **where: Any) -> D:
        """``derive(find(model, **where))``, remembered with that read while it holds (see
        ``core.store.cache``): for what a request works out afresh from rows of a frozen
        model (a lookup table, a list of rules); the answer is shared, never to be changed."""
        ...

    def count(self, model: type, **where: Any) -> int: ...

    def insert(self, obj: Any) -> None: ...

    def insert_many(self, objs: list[Any]) -> None: ...

    def update(self, obj: Any, before: Any = None) -> None:
        """Replace the stored row that has ``obj``'s key. ``before``: that row as read in this
        write transaction, sharing no value changed in place with ``obj``; then only the
        columns that differ are written, and nothing at all (no change, no new data version)
        when none does."""

    def delete(self, model: type, **where: Any) -> int: ...

    def next_value(self, sequence: str, floor: int = 0) -> int:
        """The next number of a named counter, never below ``floor + 1``."""

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def delete_meta(self, key: str) -> None: ...

    @property
    def reach(self) -> str:
        """Who else can open this database: ``process`` (nobody), ``host``, ``network``."""

    def key_file(self) -> Path | None:
        """Where secrets that must stay out of the data live beside this database (None: no
        file of its own, as ``:memory:`` or a database server)."""

    def wipe(self) -> None:
        """Delete every row of every model and the metadata (operating state stays)."""

    def is_empty(self) -> bool: ...

    def drop(self) -> None:
        """Remove this store's data for good (a sandbox that is deleted)."""

    def close(self) -> None: ...
