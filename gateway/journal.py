"""The request journal: every dialect request and its response, secrets masked, bounded.

Entries are text records of a bounded log (newest ``max_entries`` kept, bodies cut to
``body_chars``), so neither memory nor the database grows under load. Where the log lives is
chosen at start-up (``journal_log``):

- in the main store (``Store.log_append``) whenever another process may serve the same data:
  ``--workers N`` on SQLite, any PostgreSQL database (a fleet). Every process then writes to
  and reads from one journal, in one order, and a clear empties it for all of them;
- in this process's memory (``MemoryLog``) for one process on a SQLite database: the same
  records, ids, bounds, filters and masking, without a commit on every request (on SQLite that
  commit costs more than the rest of a cached read request). Like the data of ``:memory:``, it
  is gone when the process ends.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from fnmatch import fnmatchcase
from itertools import islice
from sys import maxsize
from typing import Annotated, Protocol

import msgspec

from core.store import SqliteStore, Store

DEFAULT_ENTRIES = 10_000
DEFAULT_BODY_CHARS = 4096
#: The store's log that holds the journal.
LOG = "gateway.journal"
#: Entries read from the store at a time while filtering (newest first).
PAGE = 200
#: Ids are SQL BIGINTs: a larger one names no entry (and would not fit a query parameter).
_MAX_ID = 2**63 - 1


class JournalEntry(msgspec.Struct, kw_only=True):
    #: Given by the store when the entry is added; rises across the fleet.
    id: int = 0
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


class _Head(msgspec.Struct):
    """What a filter looks at: decoding only this skips the bodies of entries that don't match."""

    time: datetime
    dialect: str
    sandbox: str | None
    method: str
    path: str
    status: int


class RequestFilter(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``path`` is a glob (``/iservice/f/*``); ``since`` an ISO date-time; ``after`` an entry
    id: only newer entries (what a page that polls has not seen yet)."""

    dialect: str | None = None
    sandbox: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    since: datetime | None = None
    after: int | None = None
    #: A count any log can page with (a bigger one is a 400, not an overflow deep inside).
    limit: Annotated[int, msgspec.Meta(ge=0, le=maxsize)] = 100

    def matches(self, e: _Head) -> bool:
        return (
            (self.dialect is None or e.dialect == self.dialect)
            and (self.sandbox is None or e.sandbox == self.sandbox)
            and (self.method is None or e.method == self.method.upper())
            and (self.path is None or fnmatchcase(e.path, self.path))
            and (self.status is None or e.status == self.status)
            and (self.since is None or e.time >= self.since)
        )

    @property
    def is_empty(self) -> bool:
        return self == RequestFilter(limit=self.limit)


class BoundedLog(Protocol):
    """The store's bounded-log calls, which ``MemoryLog`` also answers."""

    def log_append(self, log: str, record: str, keep: int) -> int: ...

    def log_read(
        self, log: str, *, before: int | None = None, limit: int = 100
    ) -> list[tuple[int, str]]: ...

    def log_count(self, log: str) -> int: ...

    def log_clear(self, log: str) -> int: ...


class MemoryLog:
    """The journal's log in this process's memory, with the store's semantics (ids keep rising
    after a clear; reads newest first)."""

    def __init__(self) -> None:
        self._rows: deque[tuple[int, str]] = deque()
        self._last = 0

    def log_append(self, log: str, record: str, keep: int) -> int:
        self._last += 1
        self._rows.append((self._last, record))
        while len(self._rows) > max(keep, 0):
            self._rows.popleft()
        return self._last

    def log_read(
        self, log: str, *, before: int | None = None, limit: int = 100
    ) -> list[tuple[int, str]]:
        rows = (r for r in reversed(self._rows) if before is None or r[0] < before)
        return list(islice(rows, max(limit, 0)))

    def log_count(self, log: str) -> int:
        return len(self._rows)

    def log_clear(self, log: str) -> int:
        count = len(self._rows)
        self._rows.clear()
        return count


def journal_log(store: Store, processes: int | None) -> BoundedLog:
    """Memory for the only process on a SQLite database, else the store's log (``processes``:
    how many processes serve this database; None when unknown)."""
    alone = isinstance(store, SqliteStore) and (store.path == ":memory:" or processes == 1)
    return MemoryLog() if alone else store


_ENCODER = msgspec.json.Encoder()
_ENTRY = msgspec.json.Decoder(JournalEntry)
_HEAD = msgspec.json.Decoder(_Head)


class Journal:
    def __init__(
        self,
        log: BoundedLog,
        max_entries: int = DEFAULT_ENTRIES,
        body_chars: int = DEFAULT_BODY_CHARS,
    ) -> None:
        self.log = log
        self.max_entries = max_entries
        self.body_chars = body_chars

    def add(self, entry: JournalEntry) -> None:
        """Keep ``entry`` (committed when this returns) and give it its id."""
        entry.id = self.log.log_append(LOG, _ENCODER.encode(entry).decode(), self.max_entries)

    def __len__(self) -> int:
        return self.log.log_count(LOG)

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Matching entries, newest first (read a page at a time; only matches are decoded;
        reading stops at ``after``)."""
        wanted = max(flt.limit, 0)
        if flt.is_empty:
            return [_entry(i, r) for i, r in self.log.log_read(LOG, limit=wanted)]
        after = -1 if flt.after is None else flt.after
        found: list[JournalEntry] = []
        before = None
        while len(found) < wanted:
            rows = self.log.log_read(LOG, before=before, limit=PAGE)
            newer = [(i, r) for i, r in rows if i > after]
            found += [_entry(i, r) for i, r in newer if flt.matches(_HEAD.decode(r))]
            if len(rows) < PAGE or len(newer) < len(rows):
                break
            before = rows[-1][0]
        return found[:wanted]

    def get(self, entry_id: int) -> JournalEntry | None:
        """The entry with this id, while the journal still holds it."""
        if not 0 < entry_id < _MAX_ID:
            return None
        rows = self.log.log_read(LOG, before=entry_id + 1, limit=1)
        return _entry(*rows[0]) if rows and rows[0][0] == entry_id else None

    def clear(self) -> int:
        return self.log.log_clear(LOG)


def _entry(row_id: int, record: str) -> JournalEntry:
    entry = _ENTRY.decode(record)
    entry.id = row_id
    return entry
