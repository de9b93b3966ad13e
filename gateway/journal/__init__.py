"""The request journal: every dialect request and its response, secrets masked, bounded.

The hot path only appends what it captured (``Captured``: the raw head, status and the first
bytes of each body) to this process's memory; masking and encoding happen when an admin read
asks for the entries. Where they are read from is chosen at start-up (``open_journal``):
``MemoryJournal`` when this process is the only one on its database, ``SharedJournal`` when
processes share it (``--workers N``, PostgreSQL): a read gathers every process's captures into
the store's log first (``gateway.journal.shared``, ``gateway.journal.handshake``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from gateway.journal.entries import (
    DEFAULT_BODY_CHARS,
    DEFAULT_ENTRIES,
    Captured,
    EntryFilter,
    JournalEntry,
    RequestFilter,
)
from gateway.journal.memory import MemoryJournal
from gateway.journal.shared import SharedJournal
from gateway.state import StateStore

__all__ = [
    "DEFAULT_BODY_CHARS",
    "DEFAULT_ENTRIES",
    "Captured",
    "EntryFilter",
    "Journal",
    "JournalEntry",
    "MemoryJournal",
    "RequestFilter",
    "SharedJournal",
    "open_journal",
]


class Journal(Protocol):
    max_entries: int
    body_chars: int

    def add(self, captured: Captured) -> None:
        """Keep one exchange (called on the hot path: memory only)."""

    async def start(self) -> None:
        """Serving begins (before the first request)."""

    async def settle(self) -> None:
        """Before a read: make every exchange answered so far readable."""

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Matching entries, newest first (only those after ``flt.after``)."""

    def scan(self, flt: EntryFilter) -> Iterator[JournalEntry]:
        """Every entry whose head matches, newest first (what a count goes through)."""

    def get(self, entry_id: int) -> JournalEntry | None:
        """The entry with this id, while the journal still holds it."""

    def __len__(self) -> int: ...

    def clear(self) -> int: ...

    async def close(self) -> None:
        """Shutting down: keep what still waits."""


def open_journal(
    state: StateStore,
    processes: int | None,
    max_entries: int = DEFAULT_ENTRIES,
    body_chars: int = DEFAULT_BODY_CHARS,
) -> Journal:
    """Memory when no other process can serve this database: nobody else can open it, or it
    is on this host and the CLI says one process serves it (``processes``; None: unknown)."""
    alone = state.reach == "process" or (state.reach == "host" and processes == 1)
    if alone:
        return MemoryJournal(max_entries, body_chars)
    return SharedJournal(state, max_entries, body_chars)
