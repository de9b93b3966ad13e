"""The operator API under ``/__admin`` (JSON): health, reset, fixtures, journal, faults,
sandboxes, shadow mode's differences and the OpenAPI description. See the README's "Admin
API" section.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import CoreError, ValidationFailed
from core.services import Core
from core.services.fixtures import FixtureData
from core.store import StoreUnavailable
from dialects.base import Dialect
from gateway import dashboard, fixtures, openapi, verification
from gateway.admin_access import AdminAuthMiddleware
from gateway.dashboard import pretty
from gateway.diff.shadow import Shadow
from gateway.faults import FaultRule, Faults
from gateway.journal import Journal, RequestFilter
from gateway.sandboxes import HEADER, Sandboxes, SandboxLimit
from gateway.verification import RequestMatcher


class AdminError(Exception):
    def __init__(self, status: int, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def _json(data: Any, status: int = 200) -> Response:
    return Response(msgspec.json.encode(data), status, media_type="application/json")


def _error(status: int, message: str, details: list[str] | None = None) -> Response:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    return _json(body, status)


@dataclass
class AdminState:
    core: Core
    dialects: list[Dialect]
    journal: Journal
    faults: Faults
    sandboxes: Sandboxes
    shadow: Shadow | None = None

    def target(self, request: Request) -> Core:
        """The gateway's core, or the sandbox named by the request's header."""
        name = request.headers.get(HEADER)
        if name is None:
            return self.core
        box = self.sandboxes.get(name)
        if box is None:
            raise AdminError(404, f"no sandbox {name!r}")
        return box.core


async def _decode(request: Request, kind: type[Any]) -> Any:
    try:
        return msgspec.json.decode(await request.body() or b"{}", type=kind)
    except msgspec.DecodeError as exc:
        raise AdminError(400, f"invalid request body: {exc}") from exc


def _fixture_data(source: str, core: Core) -> FixtureData:
    """A named set, or the one the store was seeded from (a path only the command line gives)."""
    try:
        return fixtures.read_named(source, configured=core.fixtures.source())
    except FileNotFoundError as exc:
        raise AdminError(404, str(exc)) from exc


Handler = Callable[[Request, AdminState], Awaitable[Response]]


async def health(request: Request, state: AdminState) -> Response:
    core = state.target(request)
    return _json(
        {
            "status": "ok",
            "dialects": [d.name for d in state.dialects],
            "schema_version": getattr(core.store, "schema_version", None),
            "fixtures": core.fixtures.source(),
        }
    )


async def reset(request: Request, state: AdminState) -> Response:
    """Resetting the gateway's data also empties the journal; a sandbox's leaves it alone,
    since parallel runs share the journal."""
    core = state.target(request)
    source = request.query_params.get("fixtures") or core.fixtures.source() or "none"
    rows = core.fixtures.load(_fixture_data(source, core), source=source, replace=True)
    if core is state.core:
        await state.journal.settle()
        state.journal.clear()
    return _json({"status": "reset", "fixtures": source, "rows": rows})


class FixtureRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: str


async def load_fixtures(request: Request, state: AdminState) -> Response:
    """Body: ``{"name": "demo"}`` (a named set, never a path) or a fixture set itself."""
    core = state.target(request)
    replace = request.query_params.get("replace", "").lower() in ("1", "true", "yes")
    raw = await request.body()
    if not raw.strip():
        raise AdminError(400, 'a body is required: {"name": "demo"} or a fixture set')
    try:
        source = msgspec.json.decode(raw, type=FixtureRequest).name
        data = _fixture_data(source, core)
    except msgspec.ValidationError:
        source, data = "posted", await _decode(request, FixtureData)
    except msgspec.DecodeError as exc:
        raise AdminError(400, f"invalid request body: {exc}") from exc
    rows = core.fixtures.load(data, source=source, replace=replace)
    return _json({"status": "loaded", "fixtures": source, "rows": rows}, 201)


def _filter(request: Request, **fixed: Any) -> RequestFilter:
    try:
        return msgspec.convert(dict(request.query_params) | fixed, RequestFilter, strict=False)
    except msgspec.ValidationError as exc:
        raise AdminError(400, f"invalid filter: {exc}") from exc


async def list_requests(request: Request, state: AdminState) -> Response:
    await state.journal.settle()
    found = state.journal.query(_filter(request))
    return _json({"total": len(state.journal), "returned": len(found), "requests": found})


async def get_request(request: Request, state: AdminState) -> Response:
    """One journal entry with its bodies laid out in their formats (the dashboard's detail)."""
    entry = state.journal.get(request.path_params["entry_id"])
    if entry is None:
        raise AdminError(404, "no such request in the journal")
    return _json(pretty.exchange(entry))


async def unmatched_requests(request: Request, state: AdminState) -> Response:
    """Requests no endpoint matched: a mis-pointed integration shows up here."""
    await state.journal.settle()
    found = state.journal.query(_filter(request, matched=False))
    return _json({"returned": len(found), "requests": found})


async def count_requests(request: Request, state: AdminState) -> Response:
    matcher = await _decode(request, RequestMatcher)
    await state.journal.settle()
    return _json({"count": verification.count(state.journal, matcher)})


async def clear_requests(request: Request, state: AdminState) -> Response:
    await state.journal.settle()
    return _json({"deleted": state.journal.clear()})


async def add_fault(request: Request, state: AdminState) -> Response:
    rule = await _decode(request, FaultRule)
    problems = rule.validate()
    if rule.dialect is not None and rule.dialect not in {d.name for d in state.dialects}:
        problems.append(f"unknown dialect {rule.dialect!r}")
    if problems:
        raise AdminError(400, "invalid fault rule", problems)
    if rule.sandbox is not None and state.sandboxes.get(rule.sandbox) is None:
        raise AdminError(404, f"no sandbox {rule.sandbox!r}")
    return _json(state.faults.add(rule), 201)


async def list_faults(request: Request, state: AdminState) -> Response:
    """Idle sandboxes expire first, and their rules with them (``Sandboxes.on_delete``)."""
    state.sandboxes.expire()
    return _json(state.faults.list(request.query_params.get("sandbox")))


async def delete_fault(request: Request, state: AdminState) -> Response:
    if not state.faults.remove(request.path_params["rule_id"]):
        raise AdminError(404, "no such fault rule")
    return Response(status_code=204)


async def clear_faults(request: Request, state: AdminState) -> Response:
    state.faults.clear(request.query_params.get("sandbox"))
    return Response(status_code=204)


class SandboxRequest(msgspec.Struct, forbid_unknown_fields=True):
    fixtures: str | None = None


async def create_sandbox(request: Request, state: AdminState) -> Response:
    wanted = await _decode(request, SandboxRequest)
    source = wanted.fixtures or state.core.fixtures.source() or "none"
    try:
        box = state.sandboxes.create(source, _fixture_data(source, state.core))
    except SandboxLimit as exc:
        raise AdminError(429, str(exc)) from exc
    return _json({"id": box.id, "header": HEADER, "fixtures": source, "rows": box.rows}, 201)


async def list_sandboxes(request: Request, state: AdminState) -> Response:
    return _json(state.sandboxes.info())


async def delete_sandbox(request: Request, state: AdminState) -> Response:
    """The sandbox's own fault rules go with it (``Sandboxes.on_delete``)."""
    if not state.sandboxes.delete(request.path_params["sandbox_id"]):
        raise AdminError(404, "no such sandbox")
    return Response(status_code=204)


async def shadow_diff(request: Request, state: AdminState) -> Response:
    """Shadow mode's journal: the report ``crmgate diff --json`` gives, plus the queue."""
    if state.shadow is None:
        raise AdminError(404, "shadow mode is off (crmgate serve --upstream DIALECT=URL --shadow)")
    report = msgspec.to_builtins(state.shadow.report())
    return _json(state.shadow.status() | report)


async def clear_shadow_diff(request: Request, state: AdminState) -> Response:
    if state.shadow is None:
        raise AdminError(404, "shadow mode is off (crmgate serve --upstream DIALECT=URL --shadow)")
    return _json({"deleted": state.shadow.clear()})


async def openapi_json(request: Request, state: AdminState) -> Response:
    return _json(openapi.document(state.dialects))


ROUTES: list[tuple[str, Handler, str]] = [
    ("/health", health, "GET"),
    ("/reset", reset, "POST"),
    ("/fixtures", load_fixtures, "POST"),
    ("/requests", list_requests, "GET"),
    ("/requests", clear_requests, "DELETE"),
    ("/requests/{entry_id:int}", get_request, "GET"),
    ("/requests/count", count_requests, "POST"),
    ("/requests/unmatched", unmatched_requests, "GET"),
    ("/faults", add_fault, "POST"),
    ("/faults", list_faults, "GET"),
    ("/faults", clear_faults, "DELETE"),
    ("/faults/{rule_id:int}", delete_fault, "DELETE"),
    ("/sandboxes", create_sandbox, "POST"),
    ("/sandboxes", list_sandboxes, "GET"),
    ("/sandboxes/{sandbox_id}", delete_sandbox, "DELETE"),
    ("/diff", shadow_diff, "GET"),
    ("/diff", clear_shadow_diff, "DELETE"),
    ("/openapi.json", openapi_json, "GET"),
]


class AdminBodyLimit:
    """The gateway's body limit on admin calls too, answered in the admin API's JSON: a
    declared length over it is refused before reading, a streamed body once it passes it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.max_bytes
        too_large = f"The request body is larger than the limit of {limit} bytes."
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _error(413, too_large)(scope, receive, send)
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise AdminError(413, too_large)
            return message

        try:
            await self.app(scope, bounded, send)
        except AdminError as exc:
            await _error(exc.status, exc.message)(scope, receive, send)
        except ClientDisconnect:  # the caller hung up mid-body: nobody to answer
            return


def admin_app(state: AdminState, token: str | None, max_body: int) -> ASGIApp:
    def as_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, state)
            except AdminError as exc:
                return _error(exc.status, exc.message, exc.details)
            except ValidationFailed as exc:
                return _error(
                    400, "invalid fixtures", [f"{e.field}: {e.message}" for e in exc.errors]
                )
            except CoreError as exc:
                return _error(409, exc.message)
            except StoreUnavailable as exc:
                return _error(503, f"database unavailable: {exc}")

        return endpoint

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        await _error(404, "no such admin call")(scope, receive, send)

    paths: dict[str, dict[str, Handler]] = {}
    for path, handler, method in ROUTES:
        paths.setdefault(path, {})[method] = handler

    def dispatch(by_method: dict[str, Handler]) -> Callable[[Request], Awaitable[Response]]:
        bound = {m: as_endpoint(h) for m, h in by_method.items()}

        async def endpoint(request: Request) -> Response:
            return await bound[request.method](request)

        return endpoint

    routes = [Route(p, dispatch(ms), methods=list(ms)) for p, ms in paths.items()]
    routes += dashboard.routes()
    router = Router(routes=routes, default=not_found)
    return AdminAuthMiddleware(AdminBodyLimit(router, max_body), token, _error)
