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
from gateway.fixtures import named_set
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
    core.fixtures.load(read_fixtures(named_set("demo")), source="demo")
    return create_app(Config(db=":memory:", admin_token="test-admin-token"), core=core)


schema = schemathesis.openapi.from_asgi("/__admin/openapi.json", _app(), headers=AUTH)
schema = schema.include(tag="iservice")


@schema.parametrize()
@settings(max_examples=25)
def test_no_generated_request_makes_a_dialect_fail(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


def test_the_admin_calls_describe_their_parameters_and_bodies(client: TestClient) -> None:
    doc = client.get("/__admin/openapi.json", headers=AUTH).json()
    count = doc["paths"]["/__admin/requests/count"]["post"]
    assert count["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RequestMatcher"
    }
    matcher = doc["components"]["schemas"]["RequestMatcher"]["properties"]
    assert {"sandbox", "method", "path", "query", "headers", "body_contains", "body_json"} <= set(
        matcher
    )
    assert "sandbox" in doc["components"]["schemas"]["FaultRule"]["properties"]
    unmatched = doc["paths"]["/__admin/requests/unmatched"]["get"]["parameters"]
    assert [p["name"] for p in unmatched] == ["sandbox", "limit"]
    journal = doc["paths"]["/__admin/requests"]["get"]["parameters"]
    assert {"sandbox", "matched"} <= {p["name"] for p in journal}


admin = schemathesis.openapi.from_asgi("/__admin/openapi.json", _app(), headers=AUTH)
admin = admin.include(path_regex=r"^/__admin/(requests|faults)")


@admin.parametrize()
@settings(max_examples=25)
def test_no_generated_verification_call_fails(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])


def test_the_document_describes_the_wire(client: TestClient) -> None:
    """Issue 17: dates, Guids, the Web API list, 200 failures, query parameters, admin."""
    doc = client.get("/__admin/openapi.json", headers=AUTH).json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    social = paths["/webapi/api/v1/customers/me/socialCredentials"]["get"]["responses"]["200"]
    assert social["content"]["application/json"]["schema"]["type"] == "array"
    assert "application/xml" not in social["content"]  # named, not described
    details = paths["/iservice/f/webapp-api-custinfo"]["get"]
    assert {p["name"] for p in details["parameters"]} == {"api", "contactID"}
    ok = details["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["anyOf"][1] == {"$ref": "#/components/schemas/ErrorsResponse"}
    show = paths["/crmcom/customer_events/social_media/show"]["get"]
    assert [p["name"] for p in show["parameters"] if p["required"]] == [
        "token",
        "customer_event_identifier",
    ]
    listed = paths["/crmcom/customer_events/social_media/list"]["get"]["responses"]["200"]
    envelope = listed["content"]["application/json"]["schema"]["anyOf"][0]["$ref"]
    data = schemas[envelope.rpartition("/")[2]]["properties"]["data"]
    assert data["type"] == "array"
    search = paths["/bokamera/customers"]["get"]
    assert {"Id", "Email", "Skip", "Take"} <= {p["name"] for p in search["parameters"]}
    links = paths["/pf/api/contacts/{ContactId}/links"]["get"]["parameters"][0]
    assert links["schema"]["pattern"].startswith("^([0-9a-fA-F]{32}|")
    assert "text/jsv" in paths["/pf/api/contacts/{ContactId}/links"]["get"]["description"]
    wcf = [s for s in schemas.values() if "Date(" in str(s)]
    assert wcf  # ServiceStack dates as /Date(ms)/
    webapi_dto = schemas["CusSocialAccountDto"]["properties"]["lastSyncDate"]
    assert {"type": "string", "format": "date-time"} in webapi_dto.get("anyOf", [webapi_dto])
    faults = paths["/__admin/faults"]["post"]
    assert faults["security"] == [{"admin": []}]
    assert faults["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "FaultRule"
    )
    assert doc["components"]["securitySchemes"]["webapi"]["flows"]["password"]["tokenUrl"] == (
        "/webapi/Token"
    )
