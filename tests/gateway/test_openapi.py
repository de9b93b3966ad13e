from __future__ import annotations

import schemathesis
from hypothesis import settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from starlette.testclient import TestClient

from core.services import Core
from core.services.fixtures import read_fixtures
from core.store import open_store
from gateway.app import create_app
from gateway.config import Config
from gateway.fixtures import FIXTURES_DIR
from tests.helpers import FakeClock

AUTH = {"Authorization": "Bearer test-admin-token"}


def test_the_document_is_valid_openapi_3_1_and_covers_every_endpoint(client: TestClient) -> None:
    doc = client.get("/__admin/openapi.json", headers=AUTH).json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    login = doc["paths"]["/iservice/f/webapp-api-login"]
    assert set(login) == {"get", "post"}
    api = next(p for p in login["post"]["parameters"] if p["name"] == "api")
    assert api["schema"]["enum"] == ["loggedin", "login", "logout"]
    custinfo = doc["paths"]["/iservice/f/webapp-api-custinfo"]["post"]
    body = custinfo["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SetDetailsRequest"} or body["$ref"].endswith(
        "GetDetailsRequest"
    )
    schemas = doc["components"]["schemas"]
    assert {"SetDetailsRequest", "DetailsResponse", "LoginResponse"} <= set(schemas)
    assert "/__admin/faults/{rule_id}" in doc["paths"]
    assert "get" in doc["paths"]["/__admin/diff"]


def _app():
    core = Core(open_store(":memory:"), clock=FakeClock())
    core.fixtures.load(read_fixtures(FIXTURES_DIR / "demo"), source="demo")
    return create_app(Config(db=":memory:", admin_token="test-admin-token"), core=core)


schema = schemathesis.openapi.from_asgi("/__admin/openapi.json", _app(), headers=AUTH)
schema = schema.include(tag="iservice")


@schema.parametrize()
@settings(max_examples=25)
def test_no_generated_request_makes_a_dialect_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
