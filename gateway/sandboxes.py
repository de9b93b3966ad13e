"""Sandboxes: isolated copies of the fixture data, one per parallel test run.

Each sandbox is a store of its own loaded with a fixture set: a SQLite file beside the main
database (in memory when the main database is), or a schema of its own on PostgreSQL. A request
picks one with the ``X-Crmgate-Sandbox`` header. The registry lives in the main store, so every
worker process serves every sandbox; idle sandboxes expire. Whatever else belongs to a sandbox
(its fault rules) goes with it through ``on_delete``, however it goes: deleted, or expired.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import msgspec

from core.services import Core
from core.services.fixtures import FixtureData
from gateway.state import StateStore

HEADER = "X-Crmgate-Sandbox"
DEFAULT_IDLE_SECONDS = 30 * 60
DEFAULT_MAX = 64
#: ``last_used`` is written back at most this often, so that reads stay reads.
TOUCH_SECONDS = 10.0
_KEY = "gateway.sandboxes"
_NEVER = object()


class SandboxInfo(msgspec.Struct, kw_only=True):
    id: str
    fixtures: str
    rows: int
    idle_seconds: float


class Entry(msgspec.Struct, kw_only=True):
    fixtures: str
    rows: int
    location: str
    last_used: float


_ENTRIES = msgspec.json.Decoder(dict[str, Entry])


class Sandbox:
    def __init__(self, sandbox_id: str, core: Core, entry: Entry) -> None:
        self.id = sandbox_id
        self.core = core
        self.rows = entry.rows
        self.fixtures = entry.fixtures


class SandboxLimit(Exception):
    pass


class Sandboxes:
    """``open_core(location)`` opens (creating if new) a sandbox's store; ``place(id)`` says
    where a new sandbox lives; ``discard(location)`` removes it for good; ``on_delete(id)``
    removes what else the registry's store keeps for it, in the transaction that unlists it.
    """

    def __init__(
        self,
        registry: StateStore,
        *,
        place: Callable[[str], str],
        open_core: Callable[[str], Core],
        discard: Callable[[str], None],
        on_delete: Callable[[str], object] = lambda sandbox_id: None,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        max_count: int = DEFAULT_MAX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.registry = registry
        self._place = place
        self._open = open_core
        self._discard = discard
        self._on_delete = on_delete
        self.idle_seconds = idle_seconds
        self.max_count = max_count
        self._clock = clock
        self._open_here: dict[str, Core] = {}
        self._copy: dict[str, Entry] = {}
        self._copied: object = _NEVER

    def _entries(self) -> dict[str, Entry]:
        raw = self.registry.get_control(_KEY)
        return _ENTRIES.decode(raw) if raw else {}

    def _known(self) -> dict[str, Entry]:
        """The registry as of the state version this process last learned (see ``Faults``)."""
        version = self.registry.state_version
        if version != self._copied:
            self._copy = self._entries()
            self._copied = version
        return self._copy

    def _save(self, entries: dict[str, Entry]) -> None:
        self.registry.set_control(_KEY, msgspec.json.encode(entries).decode())

    def create(self, source: str, data: FixtureData) -> Sandbox:
        self.expire()
        if len(self._entries()) >= self.max_count:
            raise SandboxLimit(f"at most {self.max_count} sandboxes at once; delete one first")
        sandbox_id = secrets.token_hex(8)
        location = self._place(sandbox_id)
        core = self._open(location)
        rows = core.fixtures.load(data, source=source)
        entry = Entry(fixtures=source, rows=rows, location=location, last_used=self._clock())
        with self.registry.write():
            self._save(self._entries() | {sandbox_id: entry})
        self._open_here[sandbox_id] = core
        return Sandbox(sandbox_id, core, entry)

    def get(self, sandbox_id: str) -> Sandbox | None:
        entry = self._known().get(sandbox_id)
        if entry is None or self._clock() - entry.last_used > self.idle_seconds:
            self._forget(sandbox_id)
            if entry is not None:
                self.delete(sandbox_id)
            return None
        core = self._open_here.get(sandbox_id)
        if core is None:
            core = self._open_here[sandbox_id] = self._open(entry.location)
        if self._clock() - entry.last_used > TOUCH_SECONDS:
            self._touch(sandbox_id)
        return Sandbox(sandbox_id, core, entry)

    def _touch(self, sandbox_id: str) -> None:
        with self.registry.write():
            entries = self._entries()
            if sandbox_id in entries:
                entries[sandbox_id].last_used = self._clock()
                self._save(entries)

    def _forget(self, sandbox_id: str) -> Core | None:
        core = self._open_here.pop(sandbox_id, None)
        if core is not None:
            core.store.close()
        return core

    def delete(self, sandbox_id: str) -> bool:
        with self.registry.write():
            entries = self._entries()
            entry = entries.pop(sandbox_id, None)
            if entry is None:
                return False
            self._save(entries)
            self._on_delete(sandbox_id)
        self._forget(sandbox_id)
        self._discard(entry.location)
        return True

    def expire(self) -> None:
        cutoff = self._clock() - self.idle_seconds
        for sandbox_id, entry in self._entries().items():
            if entry.last_used < cutoff:
                self.delete(sandbox_id)

    def info(self) -> list[SandboxInfo]:
        self.expire()
        now = self._clock()
        return [
            SandboxInfo(id=i, fixtures=e.fixtures, rows=e.rows, idle_seconds=now - e.last_used)
            for i, e in self._entries().items()
        ]

    def close(self) -> None:
        """Close what this process has open (the sandboxes themselves stay)."""
        for sandbox_id in list(self._open_here):
            self._forget(sandbox_id)
