"""``create_app``: the store, the core, every registered dialect in one dispatch table."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from starlette.routing import Router
from starlette.types import ASGIApp

from core.services import Core
from core.store import POSTGRES_SCHEMES, open_store
from dialects.base import Dialect, Dispatching, no_route
from gateway import fixtures
from gateway.admin import AdminState, admin_app
from gateway.config import Config
from gateway.diff.shadow import Shadow, shadow_for
from gateway.exchange import Exchange, Route
from gateway.faults import Faults
from gateway.journal import open_journal
from gateway.registry import load_dialects
from gateway.sandboxes import Sandboxes
from gateway.state import state_of
from gateway.upstream import Recorder, Replayer, UpstreamProxy


def dialect_app(dialect: Dialect, config: Config, shadow: Shadow | None = None) -> ASGIApp:
    """What answers a dialect's requests: its routes, or the upstream proxy / replayer."""
    if config.replay_dir:
        return Replayer(Path(config.replay_dir), dialect.name)
    if dialect.name in config.upstream:
        recorder = Recorder(Path(config.record_dir), dialect.name) if config.record_dir else None
        tap = shadow.tap(dialect.name) if shadow else None
        return UpstreamProxy(config.upstream[dialect.name], recorder, tap)
    if isinstance(dialect, Dispatching):
        return dialect.asgi()
    return Router(routes=list(dialect.routes()), default=no_route)


def dialect_route(dialect: Dialect, config: Config, shadow: Shadow | None = None) -> Route:
    """The dispatch table's entry of a dialect: what ``dialect_app`` answers it with, and its
    own ``answer`` when it dispatches its requests itself here (not proxied, not replayed)."""
    app = dialect_app(dialect, config, shadow)
    if isinstance(dialect, Dispatching) and app is dialect.asgi():
        return Route(dialect, app, dialect.answer)
    return Route(dialect, app)


def sandboxes_for(
    config: Config, core: Core, on_delete: Callable[[str], object] = lambda sandbox_id: None
) -> Sandboxes:
    """Sandboxes live beside the main store: PostgreSQL schemas, SQLite files, or memory;
    ``on_delete`` removes what else a sandbox owns (its fault rules) when it goes."""
    registry = state_of(core.store)
    if config.db.startswith(POSTGRES_SCHEMES):
        from core.store.postgres import open_postgres

        def drop_schema(schema: str) -> None:
            store = open_postgres(config.db, schema)
            store.drop()
            store.close()

        return Sandboxes(
            registry,
            place=lambda sandbox_id: f"sandbox_{sandbox_id}",
            open_core=lambda schema: Core(open_postgres(config.db, schema), clock=core.clock),
            discard=drop_schema,
            on_delete=on_delete,
            idle_seconds=config.sandbox_idle_seconds,
        )
    folder = None if config.db == ":memory:" else Path(f"{config.db}.sandboxes")

    def place(sandbox_id: str) -> str:
        if folder is None:
            return ":memory:"
        folder.mkdir(mode=0o700, exist_ok=True)
        return str(folder / f"{sandbox_id}.db")

    def remove_files(location: str) -> None:
        for suffix in ("", "-wal", "-shm", "-caches", ".key"):
            Path(location + suffix).unlink(missing_ok=True)

    return Sandboxes(
        registry,
        place=place,
        open_core=lambda location: Core(open_store(location), clock=core.clock),
        discard=(lambda location: None) if folder is None else remove_files,
        on_delete=on_delete,
        idle_seconds=config.sandbox_idle_seconds,
    )


def create_app(config: Config, *, core: Core | None = None) -> Exchange:
    """Build the gateway. Without ``core``, opens ``config.db`` and seeds it if it is new."""
    owns_store = core is None
    if core is None:
        core = Core(open_store(config.db))
        core.keys.require()
        fixtures.seed(core, config.fixtures)
    dialects = load_dialects()
    unknown_upstream = sorted(set(config.upstream) - {d.name for d in dialects})
    if unknown_upstream:
        raise ValueError(f"upstream for unknown dialects: {', '.join(unknown_upstream)}")
    state = state_of(core.store)
    faults = Faults(state)
    journal = open_journal(
        state, config.processes, config.journal_entries, config.journal_body_chars
    )
    sandboxes = sandboxes_for(config, core, on_delete=faults.clear)
    shadow = shadow_for(config, core, sandboxes, dialects)
    routes = {d.name: dialect_route(d, config, shadow) for d in dialects}
    hosts = {h: d.name for d in dialects for h in d.hosts} | dict(config.hosts)
    unknown = sorted(set(hosts.values()) - set(routes))
    if unknown:
        raise ValueError(f"hosts map to unknown dialects: {', '.join(unknown)}")
    admin = AdminState(core, dialects, journal, faults, sandboxes, shadow)

    async def shutdown() -> None:
        if shadow is not None:
            await shadow.aclose()
        sandboxes.close()
        if owns_store:
            core.store.close()

    app = Exchange(
        core=core,
        admin=admin_app(admin, config.admin_token, config.max_body_bytes),
        prefixes={d.prefix: routes[d.name] for d in dialects},
        hosts={host.lower(): routes[name] for host, name in hosts.items()},
        faults=faults,
        sandboxes=sandboxes,
        journal=journal,
        max_body_bytes=config.max_body_bytes,
        access_log=config.access_log,
        answer_cache=config.answer_cache,
        forwarded_allow_ips=config.forwarded_allow_ips,
        on_shutdown=shutdown,
    )
    app.state.admin = admin
    return app


def create_app_from_env() -> Exchange:
    """Factory for uvicorn workers: the CLI passes its config through the environment.

    What start-up built (modules, dispatch tables, the demo data in the read cache) lives as
    long as the worker; ``gc.freeze`` takes it out of the collector's generations, so the
    full collections a busy worker runs do not walk all of it again each time."""
    app = create_app(Config.from_env())
    gc.collect()
    gc.freeze()
    return app
