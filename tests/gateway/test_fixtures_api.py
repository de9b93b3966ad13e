from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from starlette.testclient import TestClient

from core.models import Company
from core.services import Core
from gateway import fixtures
from gateway.app import create_app
from gateway.config import Config

AUTH = {"Authorization": "Bearer test-admin-token"}
BEARER_T = {"Authorization": "Bearer t"}
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


@pytest.mark.parametrize("body", [b"", b"  \n", b"\xff\xfe", b"{", b"null"])
def test_an_empty_or_unreadable_body_is_400_json(client: TestClient, body: bytes) -> None:
    """Issue 17: these answered 500 in plain text."""
    response = client.post("/__admin/fixtures", content=body, headers=AUTH)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]


@pytest.mark.parametrize("name", ["/etc/passwd", "../fixtures/demo", "fixtures/demo", "golden"])
def test_a_name_is_a_set_never_a_path(client: TestClient, core: Core, name: str) -> None:
    """The admin API reads only the named sets of ``fixtures/``; paths come from the command
    line alone (issue 17: ``{"name": "/etc/passwd"}`` made the server read the file)."""
    before = core.store.count(Company)
    for response in (
        client.post("/__admin/fixtures", json={"name": name}, headers=AUTH),
        client.post(f"/__admin/reset?fixtures={name}", headers=AUTH),
        client.post("/__admin/sandboxes", json={"fixtures": name}, headers=AUTH),
    ):
        assert response.status_code == 404
        assert "no fixture set named" in response.json()["error"]
    assert core.store.count(Company) == before


def test_the_set_given_on_the_command_line_may_be_a_path(core: Core, tmp_path: Path) -> None:
    """``crmgate serve --fixtures PATH`` seeds from a path; resetting reloads it by that path."""
    (tmp_path / "tiny.json").write_bytes(msgspec.json.encode(TINY))
    core.fixtures.load(fixtures.read(str(tmp_path)), source=str(tmp_path), replace=True)
    app = create_app(Config(db=":memory:", admin_token="test-admin-token"), core=core)
    with TestClient(app) as client:
        reset = client.post("/__admin/reset", headers=AUTH)
        assert reset.json() == {"status": "reset", "fixtures": str(tmp_path), "rows": 1}
        again = client.post(f"/__admin/reset?fixtures={tmp_path}", headers=AUTH)
        assert again.json()["rows"] == 1


def test_admin_bodies_have_the_gateway_body_limit(core: Core) -> None:
    app = create_app(Config(db=":memory:", admin_token="t", max_body_bytes=128), core=core)
    with TestClient(app) as client:
        big = client.post("/__admin/fixtures", json={"x": "y" * 200}, headers=BEARER_T)
        assert big.status_code == 413
        assert big.json() == {"error": "The request body is larger than the limit of 128 bytes."}
        assert (
            client.post("/__admin/fixtures?replace=1", json=TINY, headers=BEARER_T).status_code
            == 201
        )
