from __future__ import annotations

from starlette.testclient import TestClient

from core.models import Company
from core.services import Core

AUTH = {"Authorization": "Bearer test-admin-token"}
TINY = {"companies": [{"id": "00000000-0000-4000-8000-0000000000aa", "code": "T", "name": "T"}]}


def test_post_a_fixture_set_or_a_named_one(client: TestClient, core: Core) -> None:
    posted = client.post("/__admin/fixtures?replace=true", json=TINY, headers=AUTH)
    assert posted.status_code == 201
    assert posted.json() == {"status": "loaded", "fixtures": "posted", "rows": 1}
    assert [c.code for c in core.store.find(Company)] == ["T"]
    named = client.post("/__admin/fixtures?replace=1", json={"name": "demo"}, headers=AUTH)
    assert named.json()["fixtures"] == "demo"
    assert len(core.store.find(Company)) == 2


def test_bad_sets_load_nothing(client: TestClient, core: Core) -> None:
    bad = {"companies": [{"id": "x"}], "unicorns": []}
    response = client.post("/__admin/fixtures", json=bad, headers=AUTH)
    assert response.status_code == 400
    assert len(response.json()["details"]) == 2
    clash = client.post("/__admin/fixtures", json={"name": "demo"}, headers=AUTH)
    assert clash.status_code == 409
    assert (
        client.post("/__admin/fixtures", json={"name": "/no/set"}, headers=AUTH).status_code == 404
    )
    assert client.post("/__admin/fixtures", content=b"[1]", headers=AUTH).status_code == 400
    assert len(core.store.find(Company)) == 2
