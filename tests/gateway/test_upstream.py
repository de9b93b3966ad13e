from __future__ import annotations

from pathlib import Path

import httpx
import msgspec
import pytest
import respx
from starlette.testclient import TestClient

from core.services import Core
from gateway.app import create_app
from gateway.config import Config
from gateway.upstream import Exchange

VENDOR = "https://vendor.example.test"
LOGIN = "/iservice/f/webapp-api-login?api=login"
GETDETAILS = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466"
SECRET_BODY = {"emailAddress": "customer11@1to1service.com", "password": "hunter2"}


def gateway(core: Core, **config: object) -> TestClient:
    return TestClient(create_app(Config(db=":memory:", **config), core=core))


@respx.mock
def test_forwarding_records_and_replay_reproduces_byte_for_byte(core: Core, tmp_path: Path) -> None:
    login_answer = b'{"errors":[],"errorDetails":[],"sessionID":"vendor-secret-sid"}'
    details_answer = '{"errors":[],"errorDetails":[],"contactID":466,"name":"J\u00f6hn"}'.encode()
    login_route = respx.post(f"{VENDOR}/f/webapp-api-login", params={"api": "login"}).mock(
        return_value=httpx.Response(
            200,
            content=login_answer,
            headers={"Content-Type": "application/json", "Set-Cookie": "sid=vendor-secret-sid"},
        )
    )
    respx.get(f"{VENDOR}/f/webapp-api-custinfo").mock(
        return_value=httpx.Response(200, content=details_answer, headers={"X-Vendor": "1"})
    )
    recorded = {}
    with gateway(core, upstream={"iservice": VENDOR}, record_dir=str(tmp_path)) as client:
        recorded["login"] = client.post(LOGIN, json=SECRET_BODY)
        recorded["details"] = client.get(GETDETAILS)
    assert recorded["login"].content == login_answer
    assert recorded["details"].content == details_answer
    assert recorded["details"].headers["x-vendor"] == "1"
    sent = login_route.calls.last.request
    assert sent.url.path == "/f/webapp-api-login"
    assert b"hunter2" in sent.content
    files = sorted((tmp_path / "iservice").glob("*.json"))
    assert [f.name for f in files] == [
        "000001-POST-f-webapp-api-login.json",
        "000002-GET-f-webapp-api-custinfo.json",
    ]
    text = "".join(f.read_text() for f in files)
    assert "hunter2" not in text
    assert "vendor-secret-sid" not in text
    login_file = msgspec.json.decode(files[0].read_bytes(), type=Exchange)
    assert ("set-cookie", "sid=***") in login_file.response_headers
    assert login_file.recorded_at > 0
    with gateway(core, replay_dir=str(tmp_path)) as client:
        replayed_login = client.post(LOGIN, json=SECRET_BODY)
        replayed = client.get(GETDETAILS)
        assert replayed.content == details_answer
        assert replayed.headers["x-vendor"] == "1"
        assert replayed_login.status_code == 200
        assert b"vendor-secret-sid" not in replayed_login.content
        missing = client.get("/iservice/f/webapp-api-custinfo?api=getdetails&contactID=1")
        assert missing.status_code == 404
        assert missing.json()["errors"] == ["No recorded exchange for GET /f/webapp-api-custinfo."]


@respx.mock
def test_binary_answers_are_recorded_and_replayed_unchanged(core: Core, tmp_path: Path) -> None:
    blob = bytes(range(256))
    respx.get(f"{VENDOR}/f/webapp-api-login").mock(return_value=httpx.Response(200, content=blob))
    url = "/iservice/f/webapp-api-login?api=loggedin"
    with gateway(core, upstream={"iservice": VENDOR}, record_dir=str(tmp_path)) as client:
        assert client.get(url).content == blob
    with gateway(core, replay_dir=str(tmp_path)) as client:
        assert client.get(url).content == blob


@respx.mock
@pytest.mark.parametrize(
    ("error", "status"),
    [(httpx.ReadTimeout("slow"), 504), (httpx.ConnectError("refused"), 502)],
)
def test_upstream_failures_are_vendor_envelopes(core: Core, error: Exception, status: int) -> None:
    respx.get(f"{VENDOR}/f/webapp-api-login").mock(side_effect=error)
    with gateway(core, upstream={"iservice": VENDOR}) as client:
        response = client.get("/iservice/f/webapp-api-login?api=loggedin")
    assert response.status_code == status
    assert response.json()["errorDetails"] == [f"HTTP {status}"]


def test_upstream_for_an_unknown_dialect_is_a_config_error(core: Core) -> None:
    with pytest.raises(ValueError, match="unknown dialects: nope"):
        create_app(Config(db=":memory:", upstream={"nope": VENDOR}), core=core)
