"""How a PostgreSQL store learns at the start of a request whether anyone committed: from the
commit board (``core.store.board``) while it can answer, else from a round of the version probe
(``core.store.probe``); and how its writes are counted on the board."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import psycopg

from core.store.board import Commits, open_board
from core.store.cache import STATE_KEY, VERSION_KEY
from core.store.probe import VersionProbe

#: Set to ``off``: no commit board, a version read per request (see ``core.store.board``).
BOARD_ENV = "CRMGATE_COMMIT_BOARD"
#: The database as the server names it, whatever the DSN's spelling (see ``_identity``).
_IDENTITY = (
    "SELECT {system}, current_database(), "
    "(SELECT oid FROM pg_database WHERE datname = current_database())::text, pg_is_in_recovery()"
)


class PgSync:
    """Part of ``PostgresStore``: it provides the connection and the cache (``ReadCache``)."""

    schema: str
    _conn: Any
    _probe: VersionProbe
    _commits: Commits | None
    _renewal: asyncio.Future[None] | None
    _cache_ready: bool
    _depth: int
    _synced: bool
    _autocommitted: Any

    def _start_board(self, board: bool | None) -> None:
        """Open the board (``board`` None: unless ``CRMGATE_COMMIT_BOARD=off``) and register
        it on the writing connection."""
        if board is None:
            board = os.environ.get(BOARD_ENV, "").lower() != "off"
        identity = self._identity() if board else None
        self._commits = Commits(open_board(identity) if identity else None, self.schema)
        self._register(self._conn)

    def _register(self, conn: psycopg.Connection) -> None:
        """The writing connection names the board it counts its commits on."""
        commits = self._commits
        if commits is not None:
            conn.execute(commits.register_sql)
            commits.registered()

    def _identity(self) -> str | None:
        """The database (system identifier, name, oid) and schema the board is named from;
        None on a standby (nobody commits there). Without the right to read the system
        identifier the oid stands in (a board shared by two clusters only costs reads)."""
        try:
            row = self._conn.execute(
                _IDENTITY.format(system="(SELECT system_identifier FROM pg_control_system())::text")
            ).fetchone()
        except psycopg.errors.InsufficientPrivilege:
            row = self._conn.execute(_IDENTITY.format(system="''")).fetchone()
        if row[3]:
            return None
        return "\0".join([*row[:3], self.schema])

    def _counted(self) -> None:
        assert self._commits is not None
        self._commits.committed()

    def sync(self) -> None:
        """``ReadCache.sync``, answered by the commit board alone while it can be."""
        if not self._cache_ready or self._depth:
            return
        commits = self._commits
        assert commits is not None
        if self._synced and commits.current():
            return
        mark, sent, check = commits.round()
        if not check:
            self._synced_to(*self._read_versions())
            commits.confirmed(mark, sent, None)
            return
        sql = self._probe.checked_sql
        found = dict(self._autocommitted(lambda: self._conn.execute(sql).fetchall()))
        self._synced_to(found.get(VERSION_KEY), found.get(STATE_KEY))
        commits.confirmed(mark, sent, int(found[""]))

    async def sync_async(self) -> None:
        """The commit board's answer when it can give one (its lease renewed ahead of time,
        in the background), else the versions from the probe (``core.store.probe``): the
        process serves other requests while the database answers, and one query serves every
        request that arrived in the same turn of the event loop."""
        if not self._cache_ready or self._depth:
            return
        commits = self._commits
        assert commits is not None
        if self._synced and commits.current():
            if commits.renew_soon():
                self._renewal = asyncio.ensure_future(self._versions_round(background=True))
            return
        await self._versions_round()

    async def _versions_round(self, background: bool = False) -> None:
        """One probe round, framed by the board (see ``Commits.round``); a renewal in the
        ``background`` that fails leaves the lease to run out."""
        commits = self._commits
        assert commits is not None
        mark, sent, check = commits.round()
        try:
            data, state, foreign = await self._probe.read_checked(check)
        except Exception:
            if background:
                return
            raise
        if self._depth:  # a transaction began meanwhile: it reads for itself
            return
        self._synced_to(data, state)
        commits.confirmed(mark, sent, foreign)

    def _cache_unsure(self) -> None:
        super()._cache_unsure()
        assert self._commits is not None
        self._commits.forget()

    def _stop_renewal(self) -> None:
        """The store closes: a renewal still on its way is not waited for."""
        renewal, self._renewal = self._renewal, None
        if renewal is not None and not renewal.done() and not renewal.get_loop().is_closed():
            renewal.cancel()
