"""The journal of the only process on its database (one process on SQLite, or an in-memory
database): a ring of the newest ``max_entries`` captures in this process's memory; an admin read
masks the ones it returns. Like the data of ``:memory:``, it is gone when the process ends."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from itertools import count, islice, takewhile

from gateway.journal.entries import (
    DEFAULT_BODY_CHARS,
    DEFAULT_ENTRIES,
    Captured,
    EntryFilter,
    JournalEntry,
    RequestFilter,
)


class MemoryJournal:
    """The journal of the only process on its database, in this process's memory."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES, body_chars: int = DEFAULT_BODY_CHARS):
        self.max_entries = max_entries
        self.body_chars = body_chars
        self._ring: deque[Captured] = deque(maxlen=max(max_entries, 0))
        self._ids = count(1)

    def add(self, captured: Captured) -> None:
        captured.id = next(self._ids)
        self._ring.append(captured)

    async def start(self) -> None:
        return None

    async def settle(self) -> None:
        return None

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        after = -1 if flt.after is None else flt.after
        newer = takewhile(lambda c: c.id > after, reversed(self._ring))
        found = (c for c in newer if flt.matches(c))
        return [c.entry(self.body_chars) for c in islice(found, max(flt.limit, 0))]

    def scan(self, flt: EntryFilter) -> Iterator[JournalEntry]:
        return (c.entry(self.body_chars) for c in list(reversed(self._ring)) if flt.matches(c))

    def get(self, entry_id: int) -> JournalEntry | None:
        """Ids in the ring are consecutive: the entry's place is its distance from the first."""
        if not self._ring:
            return None
        place = entry_id - self._ring[0].id
        if not 0 <= place < len(self._ring):
            return None
        return self._ring[place].entry(self.body_chars)

    def __len__(self) -> int:
        return len(self._ring)

    def clear(self) -> int:
        cleared = len(self._ring)
        self._ring.clear()
        return cleared

    async def close(self) -> None:
        return None
