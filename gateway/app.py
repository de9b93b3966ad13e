"""``create_app``: the store, the core, every registered dialect mounted by prefix and Host."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Host, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from core.services import Core
from core.store import POSTGRES_SCHEMES, open_store
from dialects.base import Dialect, Problem
from gateway import fixtures
from gateway.admin import AdminState, admin_app
from gateway.config import Config
from gateway.diff.shadow import Shadow, shadow_for
from gateway.faults import Faults
from gateway.journal import Journal, journal_log
from gateway.middleware.access_log import AccessLogMiddleware
from gateway.middleware.body_limit import BodyLimitMiddleware
from gateway.middleware.core_binding import CoreBindingMiddleware
from gateway.middleware.dialect_guard import DialectGuardMiddleware
from gateway.middleware.faults import FaultsMiddleware
from gateway.middleware.journal import JournalMiddleware
from gateway.middleware.request_id import RequestIdMiddleware
from gateway.registry import load_dialects
from gateway.sandboxes import Sandboxes
from gateway.upstream import Recorder, Replayer, UpstreamProxy


async def _no_route(scope: Scope, receive: Receive, send: Send) -> None:
    raise Problem(404, "No resource matches the request.")


def dialect_app(
    dialect: Dialect, config: Config, faults: Faults, shadow: Shadow | None = None
) -> ASGIApp:
    """A dialect's routes behind its guard (vendor envelopes), faults and the body limit."""
    inner: ASGIApp = Router(routes=list(dialect.routes()), default=_no_route)
    if config.replay_dir:
        inner = Replayer(Path(config.replay_dir), dialect.name)
    elif dialect.name in config.upstream:
        recorder = Recorder(Path(config.record_dir), dialect.name) if config.record_dir else None
        tap = shadow.tap(dialect.name) if shadow else None
        inner = UpstreamProxy(config.upstream[dialect.name], recorder, tap)
    inner = BodyLimitMiddleware(inner, config.max_body_bytes)
    return DialectGuardMiddleware(FaultsMiddleware(inner, faults, dialect.name), dialect)


def sandboxes_for(config: Config, core: Core) -> Sandboxes:
    """Sandboxes live beside the main store: PostgreSQL schemas, SQLite files, or memory."""
    if config.db.startswith(POSTGRES_SCHEMES):
        from core.store.postgres import open_postgres

        def drop_schema(schema: str) -> None:
            store = open_postgres(config.db, schema)
            store.drop()
            store.close()

        return Sandboxes(
            core.store,
            place=lambda sandbox_id: f"sandbox_{sandbox_id}",
            open_core=lambda schema: Core(open_postgres(config.db, schema), clock=core.clock),
            discard=drop_schema,
            idle_seconds=config.sandbox_idle_seconds,
        )
    folder = None if config.db == ":memory:" else Path(f"{config.db}.sandboxes")

    def place(sandbox_id: str) -> str:
        if folder is None:
            return ":memory:"
        folder.mkdir(mode=0o700, exist_ok=True)
        return str(folder / f"{sandbox_id}.db")

    def remove_files(location: str) -> None:
        for suffix in ("", "-wal", "-shm", ".key"):
            Path(location + suffix).unlink(missing_ok=True)

    return Sandboxes(
        core.store,
        place=place,
        open_core=lambda location: Core(open_store(location), clock=core.clock),
        discard=(lambda location: None) if folder is None else remove_files,
        idle_seconds=config.sandbox_idle_seconds,
    )


def create_app(config: Config, *, core: Core | None = None) -> Starlette:
    """Build the gateway. Without ``core``, opens ``config.db`` and seeds it if it is new."""
    owns_store = core is None
    if core is None:
        core = Core(open_store(config.db))
        fixtures.seed(core, config.fixtures)
    dialects = load_dialects()
    unknown_upstream = sorted(set(config.upstream) - {d.name for d in dialects})
    if unknown_upstream:
        raise ValueError(f"upstream for unknown dialects: {', '.join(unknown_upstream)}")
    faults = Faults(core.store)
    log = journal_log(core.store, config.processes)
    journal = Journal(log, config.journal_entries, config.journal_body_chars)
    sandboxes = sandboxes_for(config, core)
    shadow = shadow_for(config, core, sandboxes, dialects)
    apps = {d.name: dialect_app(d, config, faults, shadow) for d in dialects}
    state = AdminState(core, dialects, journal, faults, sandboxes, shadow)
    routes: list[BaseRoute] = [
        Mount("/__admin", app=admin_app(state, config.admin_token, config.max_body_bytes))
    ]
    routes += [Mount(d.prefix, app=apps[d.name]) for d in dialects]
    hosts = {h: d.name for d in dialects for h in d.hosts} | dict(config.hosts)
    unknown = sorted(set(hosts.values()) - set(apps))
    if unknown:
        raise ValueError(f"hosts map to unknown dialects: {', '.join(unknown)}")
    routes += [Host(host, app=apps[name]) for host, name in hosts.items()]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if shadow is not None:
            await shadow.aclose()
        sandboxes.close()
        if owns_store:
            core.store.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(AccessLogMiddleware),
            Middleware(JournalMiddleware, journal=journal),
            Middleware(CoreBindingMiddleware, core=core, sandboxes=sandboxes),
        ],
        lifespan=lifespan,
    )
    app.state.admin = state
    return app


def create_app_from_env() -> Starlette:
    """Factory for uvicorn workers: the CLI passes its config through the environment."""
    return create_app(Config.from_env())
