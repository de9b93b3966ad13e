"""Sandboxes: isolated copies of the fixture data, one per parallel test run.

Each sandbox is its own store loaded with a fixture set (an in-memory SQLite database, or a
schema of its own on PostgreSQL); a request picks one with the ``X-Crmgate-Sandbox`` header.
Idle sandboxes expire.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import msgspec

from core.services import Core
from core.services.fixtures import FixtureData

HEADER = "X-Crmgate-Sandbox"
DEFAULT_IDLE_SECONDS = 30 * 60
DEFAULT_MAX = 64


class SandboxInfo(msgspec.Struct, kw_only=True):
    id: str
    fixtures: str
    rows: int
    idle_seconds: float


class Sandbox:
    def __init__(self, sandbox_id: str, core: Core, fixtures: str, rows: int, now: float):
        self.id = sandbox_id
        self.core = core
        self.fixtures = fixtures
        self.rows = rows
        self.last_used = now


class SandboxLimit(Exception):
    pass


class Sandboxes:
    def __init__(
        self,
        new_core: Callable[[], Core],
        *,
        discard: Callable[[Core], None] = lambda core: core.store.close(),
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        max_count: int = DEFAULT_MAX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._new_core = new_core
        self._discard = discard
        self.idle_seconds = idle_seconds
        self.max_count = max_count
        self._clock = clock
        self._boxes: dict[str, Sandbox] = {}

    def create(self, source: str, data: FixtureData) -> Sandbox:
        self.expire()
        if len(self._boxes) >= self.max_count:
            raise SandboxLimit(f"at most {self.max_count} sandboxes at once; delete one first")
        core = self._new_core()
        rows = core.fixtures.load(data, source=source)
        box = Sandbox(secrets.token_hex(8), core, source, rows, self._clock())
        self._boxes[box.id] = box
        return box

    def get(self, sandbox_id: str) -> Sandbox | None:
        self.expire()
        box = self._boxes.get(sandbox_id)
        if box is not None:
            box.last_used = self._clock()
        return box

    def delete(self, sandbox_id: str) -> bool:
        box = self._boxes.pop(sandbox_id, None)
        if box is None:
            return False
        self._discard(box.core)
        return True

    def expire(self) -> None:
        cutoff = self._clock() - self.idle_seconds
        for box in [b for b in self._boxes.values() if b.last_used < cutoff]:
            self.delete(box.id)

    def info(self) -> list[SandboxInfo]:
        self.expire()
        now = self._clock()
        return [
            SandboxInfo(id=b.id, fixtures=b.fixtures, rows=b.rows, idle_seconds=now - b.last_used)
            for b in self._boxes.values()
        ]

    def close(self) -> None:
        for sandbox_id in list(self._boxes):
            self.delete(sandbox_id)
