"""The one endpoint declaration: a dialect made only of ``Endpoint``s and an error renderer is
routed, described and has its core errors rendered without any code of its own."""

from __future__ import annotations

import asyncio

import msgspec
import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient
from starlette.types import Message, Receive

from core.errors import CoreError, NotFound
from core.services import Core
from dialects.base import Endpoint, EndpointDialect, Problem, read_body
from gateway import openapi, registry
from gateway.app import create_app
from gateway.config import Config


class Answer(msgspec.Struct):
    name: str


async def hello(request: Request, core: Core) -> Response:
    """Say hello."""
    return JSONResponse({"name": "hello"})


async def missing(request: Request, core: Core) -> Response:
    raise NotFound("thing", request.path_params["id"])


def render(exc: Exception, request: Request) -> Response:
    if isinstance(exc, CoreError):
        return JSONResponse({"fault": exc.message}, status_code=404)
    assert isinstance(exc, Problem)
    return JSONResponse({"fault": exc.message}, status_code=exc.status)


PLUGIN = EndpointDialect(
    name="plugin",
    prefix="/plugin",
    endpoints=[
        Endpoint(path="/hello", methods=("GET",), handler=hello, response=Answer),
        Endpoint(path="/things/{id}", methods=("GET", "DELETE"), handler=missing),
    ],
    errors=render,
)


@pytest.fixture
def plugin_client(core: Core, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    builtin = registry.load_dialects()
    monkeypatch.setattr("gateway.app.load_dialects", lambda: [*builtin, PLUGIN])
    return TestClient(create_app(Config(admin_token="t"), core=core))


def test_a_declared_endpoint_is_routed_and_a_core_error_reaches_the_renderer(
    plugin_client: TestClient,
) -> None:
    assert plugin_client.get("/plugin/hello").json() == {"name": "hello"}
    gone = plugin_client.delete("/plugin/things/7")
    assert (gone.status_code, gone.json()) == (404, {"fault": "thing 7 not found"})
    assert plugin_client.post("/plugin/hello").status_code == 405


def test_the_declaration_is_the_description() -> None:
    first, second = PLUGIN.describe()
    assert (first.summary, second.summary) == ("Say hello.", "/things/{id}")
    assert first.allows("GET")
    assert not first.allows("HEAD")
    paths = openapi.document([PLUGIN])["paths"]
    assert set(paths["/plugin/things/{id}"]) == {"get", "delete"}
    ok = paths["/plugin/hello"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/Answer"}


def receiving(*messages: Message) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    return receive


@pytest.mark.parametrize(
    "chunks",
    [[b""], [b"whole"], [b"in ", b"three ", b"parts"], [b"", b"after an empty chunk"]],
)
def test_a_body_reads_as_starlette_reads_it(chunks: list[bytes]) -> None:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    scope = {"type": "http", "method": "PUT", "path": "/", "headers": []}
    expected = asyncio.run(Request(scope, receiving(*messages)).body())
    assert asyncio.run(read_body(receiving(*messages))) == expected == b"".join(chunks)


def test_a_client_gone_mid_body_is_a_client_disconnect() -> None:
    partial = {"type": "http.request", "body": b"half", "more_body": True}
    with pytest.raises(ClientDisconnect):
        asyncio.run(read_body(receiving(partial, {"type": "http.disconnect"})))
