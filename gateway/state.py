"""The gateway's own operating state (journal log, fault rules, sandboxes registry), kept beside
the customer data but behind an interface of its own: the gateway never asks which database it
is, and the customer model's ``Store`` protocol knows nothing of it.

Both SQL stores provide it. ``state_version`` changes with every ``set_control`` anywhere, and
is learned by ``sync()`` together with the data version (one query per request), so that a
process can keep copies of fault rules and sandbox entries without reading them per request.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol, runtime_checkable

Reach = Literal["process", "host", "network"]


@runtime_checkable
class StateStore(Protocol):
    #: The operating state's version as of the last ``sync()`` (or own ``set_control``).
    state_version: str | None

    @property
    def reach(self) -> Reach:
        """Who else can open this store: nobody, processes on this host, or any host."""

    def sync(self) -> None: ...

    def write(self) -> AbstractContextManager[None]:
        """A transaction that serialises with every other writer of the store."""

    def next_value(self, sequence: str, floor: int = 0) -> int: ...

    def get_control(self, key: str) -> str | None: ...

    def set_control(self, key: str, value: str) -> None:
        """Set a value and stamp a new ``state_version`` (kept by a data wipe)."""

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        """Append in one commit; the new ids, rising across every process on the store."""

    def log_read(
        self, log: str, *, before: int | None = None, limit: int = 100
    ) -> list[tuple[int, str]]:
        """``(id, record)`` pairs, newest first, with ids below ``before``."""

    def log_gather(
        self, sources: str, log: str, keep: int, order: Callable[[str], Any]
    ) -> list[int]:
        """Move the records of every log named ``sources``... to the end of ``log`` in one
        transaction, merged by ``order`` (each source's own order kept); the new ids."""

    def log_count(self, log: str) -> int: ...

    def log_clear(self, log: str) -> int: ...

    def signal_next(self, key: str) -> int:
        """Add one to the counter ``key`` and return it, committed at once (for the processes
        on the store to signal each other; no new ``state_version``)."""

    def signal_set(self, key: str, value: str | None) -> None:
        """Set (None: remove) ``key``, committed at once, no new ``state_version``."""

    def signals(self, prefix: str) -> dict[str, str]:
        """Every signal whose key starts with ``prefix``."""

    def signals_moved(self) -> bool:
        """Whether any signal may have changed since the last call (True when unsure), told
        without a round trip to the database: cheap enough for an idle poll."""


def state_of(store: object) -> StateStore:
    """The operating-state side of a store (TypeError for a store that keeps none)."""
    if not isinstance(store, StateStore):
        raise TypeError(f"{type(store).__name__} keeps no gateway state")
    return store
