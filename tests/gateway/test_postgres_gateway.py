"""The gateway on PostgreSQL: dialect calls, sandboxes as schemas of their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from core.services import Core
from core.store.postgres import PostgresStore
from gateway.app import create_app
from gateway.config import Config
from tests.helpers import DEMO

AUTH = {"Authorization": "Bearer t"}


@pytest.fixture
def pg_client(postgres_dsn: str) -> Iterator[TestClient]:
    store = PostgresStore(postgres_dsn, schema=f"g_{uuid.uuid4().hex}")
    core = Core(store)
    core.fixtures.load(DEMO, source="demo")
    with TestClient(create_app(Config(db=postgres_dsn, admin_token="t"), core=core)) as client:
        yield client
    store.drop()
    store.close()


def schemas(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT schema_name FROM information_schema.schemata").fetchall()
    return {r[0] for r in rows}


def test_iservice_and_a_sandbox_on_postgresql(pg_client: TestClient, postgres_dsn: str) -> None:
    box = pg_client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    created = schemas(postgres_dsn)
    assert any(s.startswith("sandbox_") for s in created)
    headers = {"X-Crmgate-Sandbox": box}
    login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    pg_client.post("/iservice/f/webapp-api-login?api=login", json=login, headers=headers)
    change = {
        "contactID": 466,
        "details": {"properties": [{"propertyID": "3", "values": [{"value": "Sandboxed"}]}]},
    }
    saved = pg_client.post(
        "/iservice/f/webapp-api-custinfo?api=setdetails", json=change, headers=headers
    )
    assert saved.json() == {"errors": [], "errorDetails": []}
    pg_client.cookies.clear()
    pg_client.post("/iservice/f/webapp-api-login?api=login", json=login)
    main = pg_client.get("/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466").json()
    last = next(p for p in main["details"]["properties"] if p["propertyID"] == "3")
    assert last["values"] == [{"value": "Deer"}]
    assert pg_client.delete(f"/__admin/sandboxes/{box}", headers=AUTH).status_code == 204
    assert len(schemas(postgres_dsn)) == len(created) - 1
