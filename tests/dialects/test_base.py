"""The one endpoint declaration: a dialect made only of ``Endpoint``s and an error renderer is
routed, described and has its core errors rendered without any code of its own."""

from __future__ import annotations

import msgspec
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from core.errors import CoreError, NotFound
from core.services import Core
from dialects.base import Endpoint, EndpointDialect, Problem
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
