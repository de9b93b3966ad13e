"""The request journal: a bounded, in-memory record of every dialect request, secrets masked.

Bounded by entry count (oldest dropped first) and by body size per entry, so memory stays flat
under any load.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from fnmatch import fnmatchcase

import msgspec

DEFAULT_ENTRIES = 10_000
DEFAULT_BODY_CHARS = 4096


class JournalEntry(msgspec.Struct, kw_only=True):
    id: int
    time: datetime
    request_id: str
    dialect: str
    sandbox: str | None
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str


class RequestFilter(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``path`` is a glob (``/iservice/f/*``); ``since`` an ISO date-time."""

    dialect: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    since: datetime | None = None
    limit: int = 100

    def matches(self, e: JournalEntry) -> bool:
        return (
            (self.dialect is None or e.dialect == self.dialect)
            and (self.method is None or e.method == self.method.upper())
            and (self.path is None or fnmatchcase(e.path, self.path))
            and (self.status is None or e.status == self.status)
            and (self.since is None or e.time >= self.since)
        )


class Journal:
    def __init__(self, max_entries: int = DEFAULT_ENTRIES, body_chars: int = DEFAULT_BODY_CHARS):
        self.body_chars = body_chars
        self._entries: deque[JournalEntry] = deque(maxlen=max_entries)
        self._ids = itertools.count(1)

    @property
    def max_entries(self) -> int:
        return self._entries.maxlen or 0

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, entry: JournalEntry) -> None:
        self._entries.append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self._entries)

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Matching entries, newest first."""
        found = (e for e in reversed(self._entries) if flt.matches(e))
        return list(itertools.islice(found, max(flt.limit, 0)))

    def clear(self) -> int:
        count = len(self._entries)
        self._entries.clear()
        return count
