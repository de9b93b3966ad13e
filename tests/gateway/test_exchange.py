"""The exchange wrapper: one request context per request, dispatch by prefix and Host from a
table built at start-up, errors rendered by the dialect, and features nobody switched on
costing nothing."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from core.errors import NotFound
from core.services import Core
from core.store import StoreUnavailable, open_store
from dialects.base import core_of
from dialects.context import SCOPE_KEY, RequestContext, context_of, headers_of
from dialects.formats.errors import DecodeError
from gateway import fixtures
from gateway.app import create_app
from gateway.config import Config
from gateway.exchange import Exchange, Route
from gateway.journal import RequestFilter
from tests.helpers import Server

LOGGEDIN = "/f/webapp-api-login?api=loggedin"


def _recording(seen: list[Scope]):
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await PlainTextResponse("ok")(scope, receive, send)

    return app


def _replace(gateway: Exchange, prefix: str, app, answer=None) -> None:
    """Answer a dialect's requests with ``app`` (under its prefix and its Hosts), or with
    ``answer`` (a dispatching dialect's) while nothing wraps it."""
    old = gateway.prefixes[prefix]
    new = Route(old.dialect, app, answer)
    gateway.prefixes[prefix] = new
    for host, route in list(gateway.hosts.items()):
        if route is old:
            gateway.hosts[host] = new


@pytest.fixture
def gateway(core: Core) -> Exchange:
    config = Config(db=":memory:", admin_token="t", hosts={"crm.example.test": "iservice"})
    return create_app(config, core=core)


def test_one_context_under_one_key_carries_the_request(gateway: Exchange, core: Core) -> None:
    seen: list[Scope] = []
    _replace(gateway, "/iservice", _recording(seen))
    with TestClient(gateway) as client:
        client.get("/iservice/f/x", headers={"X-Request-Id": "abc-1"})
    (scope,) = seen
    context = context_of(scope)
    assert isinstance(context, RequestContext)
    assert [k for k in scope if k.startswith("crmgate")] == [SCOPE_KEY]
    assert (context.request_id, context.dialect, context.core) == ("abc-1", "iservice", core)
    assert (context.sandbox, context.sandbox_missing, context.matched) == (None, False, True)
    assert context.started > 0
    assert core_of(Request(scope)) is core


def test_the_headers_are_read_once_first_value_first(gateway: Exchange) -> None:
    """The exchange reads the head once, into the context ``headers_of`` answers from; a
    repeated header means its first value, as Starlette's ``Headers.get``."""
    seen: list[Scope] = []
    _replace(gateway, "/iservice", _recording(seen))
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/iservice/f/x",
        "headers": [(b"x-request-id", b"first"), (b"x-a", b"1"), (b"x-request-id", b"second")],
        "query_string": b"",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(gateway(scope, receive, send))
    context = context_of(seen[0])
    assert context.request_id == "first"
    assert headers_of(seen[0]) is context.headers
    assert context.headers == {b"x-request-id": b"first", b"x-a": b"1"}
    assert (b"x-request-id", b"first") in sent[0]["headers"]


def test_an_unknown_path_of_a_dialect_is_marked_unmatched(gateway: Exchange) -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/iservice/nowhere",
        "headers": [],
        "query_string": b"",
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(gateway(scope, receive, send))
    assert context_of(scope).matched is False
    assert sent[0]["status"] == 404
    assert b'"errorDetails":["HTTP 404"]' in sent[1]["body"]  # the iService envelope


def test_dispatch_by_host_then_prefix(gateway: Exchange) -> None:
    by_dialect: dict[str, list[Scope]] = {"/iservice": [], "/pf": [], "/bokamera": []}
    for prefix, seen in by_dialect.items():
        _replace(gateway, prefix, _recording(seen))
    with TestClient(gateway) as client:
        client.get("/pf/api/x", headers={"Host": "api.bokamera.se"})  # the Host wins
        client.get("/customers/1", headers={"Host": "API.Bokamera.se:8443"})
        client.get("/f/x", headers={"Host": "crm.example.test"})
        client.get("/iservice/f/y")  # testserver names no site: the prefix decides
        client.get("/pf/api/y", headers={"Host": "localhost:8080"})
        assert client.get("/f/x", headers={"Host": "elsewhere.test"}).status_code == 404
        assert client.get("/nowhere").text == "Not Found"
    routed = {p: [(s["root_path"], s["path"]) for s in seen] for p, seen in by_dialect.items()}
    assert routed == {
        "/pf": [("/pf", "/pf/api/y")],
        "/bokamera": [("", "/pf/api/x"), ("", "/customers/1")],
        "/iservice": [("", "/f/x"), ("/iservice", "/iservice/f/y")],
    }


def test_the_admin_api_is_served_whatever_the_host(gateway: Exchange) -> None:
    with TestClient(gateway) as client:
        headers = {"Host": "api.bokamera.se", "Authorization": "Bearer t"}
        health = client.get("/__admin/health", headers=headers)
    assert health.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (NotFound("contact", "x-1"), 404, "contact x-1"),
        (DecodeError("bad JSON", path="Id"), 400, "bad JSON"),
        (HTTPException(405, headers={"Allow": "GET"}), 405, "Method Not Allowed"),
        (RuntimeError("internal detail"), 500, "An error has occurred."),
        (StoreUnavailable("internal detail"), 503, "temporarily unavailable"),
    ],
)
def test_errors_escaping_a_handler_are_rendered_by_the_dialect(
    gateway: Exchange, error: Exception, status: int, message: str
) -> None:
    """The wrapper hands core, decode and HTTP errors to the dialect's ``error_response``
    (here ServiceStack's ``ResponseStatus``); anything else is that dialect's 500."""

    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise error

    _replace(gateway, "/pf", failing)
    with TestClient(gateway, raise_server_exceptions=False) as client:
        response = client.get("/pf/api/contacts/x/links")
    assert response.status_code == status
    assert message in response.json()["ResponseStatus"]["Message"]
    assert "internal detail" not in response.text
    assert len(response.headers["x-request-id"]) == 32


def test_a_database_away_when_a_request_starts_is_a_503_to_dialects_and_admin(
    gateway: Exchange, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the request's first look at the data versions finds no database; the
    dialect answers 503 in its envelope (``Retry-After``), the admin API in its JSON."""

    def away() -> None:
        raise StoreUnavailable("no connection to the database")

    async def away_async() -> None:
        away()

    monkeypatch.setattr(core.store, "sync", away)
    monkeypatch.setattr(core.store, "sync_async", away_async)
    with TestClient(gateway, raise_server_exceptions=False) as client:
        dialect = client.get("/pf/api/contacts/x/links")
        admin = client.get("/__admin/health", headers={"Authorization": "Bearer t"})
    assert dialect.status_code == 503
    assert dialect.headers["retry-after"] == "1"
    assert "temporarily unavailable" in dialect.json()["ResponseStatus"]["Message"]
    assert admin.status_code == 503
    assert admin.json() == {"error": "database unavailable: no connection to the database"}


def test_a_body_over_the_limit_is_refused_in_the_dialect_envelope(core: Core) -> None:
    config = Config(db=":memory:", max_body_bytes=10)
    with TestClient(create_app(config, core=core)) as client:
        declared = client.post("/pf/auth/credentials", content=b"x" * 11)
        assert declared.status_code == 413
        assert "limit of 10 bytes" in declared.json()["ResponseStatus"]["Message"]

        def chunks() -> Iterator[bytes]:
            yield b"x" * 6
            yield b"x" * 6

        chunked = client.post("/pf/auth/credentials", content=chunks())
        assert chunked.status_code == 413


@pytest.fixture
def on_file(tmp_path: Path) -> Iterator[tuple[TestClient, list[str]]]:
    """A gateway on a SQLite file, and every SQL statement its connection runs."""
    core = Core(open_store(tmp_path / "g.db"))
    fixtures.seed(core, "demo")
    statements: list[str] = []
    core.store._conn.set_trace_callback(statements.append)
    config = Config(db=str(tmp_path / "g.db"), admin_token="t", processes=1)
    with TestClient(create_app(config, core=core)) as client:
        yield client, statements
    core.store.close()


def test_no_fault_rule_costs_no_store_read(on_file: tuple[TestClient, list[str]]) -> None:
    """Warm, a read request runs no statement (the per-request sync of a store alone on its
    file asks nothing). Fault rules are read again only when the state version moved."""
    client, statements = on_file
    for _ in range(3):
        assert client.get(f"/iservice{LOGGEDIN}").status_code == 200
    statements.clear()
    for _ in range(5):
        client.get(f"/iservice{LOGGEDIN}")
    assert statements == []
    rule = {"action": "status", "dialect": "crmcom", "status": 503}
    assert client.post("/__admin/faults", json=rule, headers={"Authorization": "Bearer t"})
    client.get(f"/iservice{LOGGEDIN}")
    statements.clear()
    for _ in range(5):
        client.get(f"/iservice{LOGGEDIN}")
    assert not [s for s in statements if "fault_rules" in s]
    assert client.get("/crmcom/customers").status_code == 503


def test_a_dialect_that_cannot_render_its_error_still_answers_a_plain_500(
    gateway: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise NotFound("contact", "x")

    def broken(exc: Exception, request: Request) -> None:
        raise RuntimeError("renderer broke")

    _replace(gateway, "/pf", failing)
    monkeypatch.setattr(gateway.prefixes["/pf"].dialect, "error_response", broken)
    with TestClient(gateway) as client:
        response = client.get("/pf/api/x")
    assert (response.status_code, response.text) == (500, "Internal Server Error")


def test_websockets_are_closed(gateway: Exchange) -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    asyncio.run(gateway({"type": "websocket", "path": "/pf/x", "headers": []}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_a_store_without_gateway_state_is_refused() -> None:
    from gateway.state import state_of

    with pytest.raises(TypeError, match="keeps no gateway state"):
        state_of(object())


BODY_READERS = [
    "/iservice/f/webapp-api-login?api=login",
    "/webapi/Token",
    "/crmcom/authentication/token",
    "/pf/auth/credentials",
    "/bokamera/json/reply/Authenticate",
]


def _hanging_up(body: bytes) -> Receive:
    """A client that sends part of its body, then goes away."""
    messages = [{"type": "http.request", "body": body, "more_body": True}]

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive


def _post(target: str, length: int) -> Scope:
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
        "scheme": "http",
        "http_version": "1.1",
    }


@pytest.mark.parametrize("target", BODY_READERS)
def test_a_client_gone_mid_body_is_journaled_as_499_without_an_error_log(
    gateway: Exchange, target: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 17: the hang-up was logged as an unhandled error and journaled as a 500. Nobody
    is left to answer: nothing is sent, nothing is logged, the journal says the client left."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(gateway(_post(target, 100), _hanging_up(b'{"UserName": "ja'), send))
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    asyncio.run(gateway.journal.settle())
    (entry,) = gateway.journal.query(RequestFilter())
    assert (entry.status, entry.path, entry.request_body) == (
        499,
        target.partition("?")[0],
        '{"UserName": "ja',
    )


def test_an_admin_caller_gone_mid_body_is_not_an_error(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = create_app(Config(db=":memory:"), core=core)
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(gateway(_post("/__admin/fixtures", 100), _hanging_up(b'{"na'), send))
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_client_that_answers_after_a_disconnect_is_still_journaled_as_answered(
    gateway: Exchange,
) -> None:
    """Only a request that failed because its client left is a 499: a handler that read the
    hang-up and answered anyway keeps its own status."""

    async def patient(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive())["type"] == "http.request":
            pass
        await PlainTextResponse("late", 201)(scope, receive, send)

    _replace(gateway, "/iservice", patient)
    asyncio.run(gateway(_post("/iservice/x", 10), _hanging_up(b"{"), _discard))
    asyncio.run(gateway.journal.settle())
    assert [e.status for e in gateway.journal.query(RequestFilter())] == [201]


async def _discard(message: Message) -> None:
    pass


def test_a_live_client_gone_mid_body_leaves_no_traceback(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /webapi/Token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            b"grant_type=password&username=jane"
        )
    deadline = time.monotonic() + 10
    while not (
        found := server.admin("GET", "/requests", params={"status": 499}).json()["requests"]
    ):
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.05)
    assert [(e["path"], e["request_body"]) for e in found] == [
        ("/webapi/Token", "grant_type=password&username=jane")
    ]
    assert "Traceback" not in server.output()
    assert "ERROR" not in server.output()


def test_a_plain_answer_of_a_dispatching_dialect_is_sent_by_the_exchange(
    gateway: Exchange,
) -> None:
    """A dialect that dispatches its requests itself hands its answer back
    (``Dispatching.answer``): a plain Response is sent by the exchange, kept for the journal
    and with the request id as any answer; one that streams sends itself; while a fault
    rule wraps the dialect, its ASGI app answers."""
    through_app: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        through_app.append(scope["path"])
        await PlainTextResponse("through the app")(scope, receive, send)

    async def answer(scope: Scope, receive: Receive) -> Response:
        if scope["path"].endswith("/stream"):
            return StreamingResponse(iter([b"str", b"eamed"]), media_type="text/plain")
        return Response(b"plain", 201, media_type="text/plain")

    _replace(gateway, "/pf", app, answer)
    with TestClient(gateway) as client:
        plain = client.get("/pf/x", headers={"X-Request-Id": "plain-1"})
        assert (plain.status_code, plain.content) == (201, b"plain")
        assert plain.headers["x-request-id"] == "plain-1"
        assert plain.headers["content-type"] == "text/plain; charset=utf-8"
        assert client.get("/pf/stream").content == b"streamed"
        assert through_app == []
        rule = {"action": "latency", "dialect": "pf", "latency_ms": 1}
        assert client.post("/__admin/faults", json=rule, headers={"Authorization": "Bearer t"})
        assert client.get("/pf/x").content == b"through the app"
        assert through_app == ["/pf/x"]
    asyncio.run(gateway.journal.settle())
    entries = gateway.journal.query(RequestFilter(dialect="pf"))
    assert [(e.status, e.response_body) for e in reversed(entries)] == [
        (201, "plain"),
        (200, "streamed"),
        (200, "through the app"),
    ]
    assert entries[-1].response_headers["content-length"] == "5"


def _behind(config: Config, core: Core, client: str) -> TestClient:
    """A client whose connections come from ``client`` (a proxy, say)."""
    return TestClient(
        create_app(config, core=core),
        base_url="http://127.0.0.1",
        client=(client, 50000),
        follow_redirects=False,
    )


def test_a_trusted_proxy_sets_the_client_and_the_scheme(core: Core) -> None:
    """uvicorn's ``--forwarded-allow-ips`` rules, read by the exchange: a remote caller relayed
    by a local proxy is not a loopback caller of the tokenless admin API."""
    with _behind(Config(db=":memory:"), core, "127.0.0.1") as client:
        assert client.get("/__admin/health").status_code == 200
        relayed = client.get("/__admin/health", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status_code == 403
        assert "loopback only" in relayed.text
        moved = client.get("/__admin", headers={"X-Forwarded-Proto": "https"})
        assert moved.headers["location"] == "https://127.0.0.1/__admin/"


def test_forwarded_headers_of_an_untrusted_client_are_ignored(core: Core) -> None:
    with _behind(Config(db=":memory:"), core, "198.51.100.7") as client:
        moved = client.get("/__admin", headers={"X-Forwarded-Proto": "https"})
        assert moved.headers["location"] == "http://127.0.0.1/__admin/"


def test_no_proxy_is_trusted_when_none_is_allowed(core: Core) -> None:
    config = Config(db=":memory:", forwarded_allow_ips="")
    with _behind(config, core, "127.0.0.1") as client:
        relayed = client.get("/__admin/health", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status_code == 200


def test_a_listed_network_is_trusted(core: Core) -> None:
    config = Config(db=":memory:", forwarded_allow_ips="10.0.0.0/8")
    with _behind(config, core, "10.1.2.3") as client:
        moved = client.get("/__admin", headers={"X-Forwarded-Proto": "https"})
        assert moved.headers["location"] == "https://127.0.0.1/__admin/"
