"""``create_app``: the store, the core, every registered dialect mounted by prefix and Host."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Host, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from core.services import Core
from core.store import open_store
from dialects.base import Dialect, Problem
from gateway import fixtures
from gateway.admin import admin_app
from gateway.config import Config
from gateway.middleware.access_log import AccessLogMiddleware
from gateway.middleware.body_limit import BodyLimitMiddleware
from gateway.middleware.core_binding import CoreBindingMiddleware
from gateway.middleware.dialect_guard import DialectGuardMiddleware
from gateway.middleware.request_id import RequestIdMiddleware
from gateway.registry import load_dialects


async def _no_route(scope: Scope, receive: Receive, send: Send) -> None:
    raise Problem(404, "No resource matches the request.")


def dialect_app(dialect: Dialect, config: Config) -> ASGIApp:
    """A dialect's routes behind its guard (vendor envelopes) and the body size limit."""
    router = Router(routes=list(dialect.routes()), default=_no_route)
    return DialectGuardMiddleware(BodyLimitMiddleware(router, config.max_body_bytes), dialect)


def create_app(config: Config, *, core: Core | None = None) -> Starlette:
    """Build the gateway. Without ``core``, opens ``config.db`` and seeds it if it is new."""
    owns_store = core is None
    if core is None:
        core = Core(open_store(config.db))
        fixtures.seed(core, config.fixtures)
    dialects = load_dialects()
    apps = {d.name: dialect_app(d, config) for d in dialects}
    routes: list[BaseRoute] = [
        Mount("/__admin", app=admin_app(core, list(apps), config.admin_token))
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
        if owns_store:
            core.store.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(AccessLogMiddleware),
            Middleware(CoreBindingMiddleware, core=core),
        ],
        lifespan=lifespan,
    )
    app.state.core = core
    app.state.dialects = dialects
    return app


def create_app_from_env() -> Starlette:
    """Factory for uvicorn workers: the CLI passes its config through the environment."""
    return create_app(Config.from_env())
