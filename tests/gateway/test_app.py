from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.errors import NotFound
from core.services import Core
from core.services.customers import CustomerService
from core.services.links import LinkService
from core.services.social import SocialService
from dialects.iservice import routes as iservice_routes
from gateway.app import create_app, create_app_from_env
from gateway.config import Config

LOGGEDIN = "/f/webapp-api-login?api=loggedin"


def test_a_dialect_answers_under_its_prefix(client: TestClient) -> None:
    assert client.get(f"/iservice{LOGGEDIN}").json()["loggedIn"] is False


def test_a_dialect_answers_at_the_root_of_its_host(core: Core) -> None:
    config = Config(db=":memory:", hosts={"crm.example.test": "iservice"})
    with TestClient(create_app(config, core=core)) as client:
        at_root = client.get(LOGGEDIN, headers={"Host": "crm.example.test"})
        assert at_root.json()["loggedIn"] is False
        assert client.get(LOGGEDIN, headers={"Host": "crm.example.test:8080"}).status_code == 200
        # the Host wins over a prefix, and other hosts get nothing at the root
        prefixed = client.get(f"/iservice{LOGGEDIN}", headers={"Host": "crm.example.test"})
        assert prefixed.status_code == 404
        assert prefixed.json()["errorDetails"] == ["HTTP 404"]  # iService's own 404
        assert client.get(LOGGEDIN, headers={"Host": "elsewhere.test"}).status_code == 404
        assert client.get(f"/iservice{LOGGEDIN}", headers={"Host": "elsewhere.test"}).is_success


def test_a_host_for_an_unknown_dialect_is_a_config_error(core: Core) -> None:
    with pytest.raises(ValueError, match="unknown dialects: nope"):
        create_app(Config(db=":memory:", hosts={"x.test": "nope"}), core=core)


def test_unknown_paths_outside_any_dialect_are_plain_404(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get(f"/iservice{LOGGEDIN}").headers["x-request-id"]
    assert len(generated) == 32
    given = client.get(f"/iservice{LOGGEDIN}", headers={"X-Request-Id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    hostile = client.get(f"/iservice{LOGGEDIN}", headers={"X-Request-Id": "a b\x7f" * 40})
    assert hostile.headers["x-request-id"] != "a b\x7f" * 40


def test_a_crash_inside_a_dialect_is_a_vendor_500_without_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(iservice_routes, "NotLoggedInResponse", boom)
    with caplog.at_level(logging.ERROR, logger="crmgate.errors"):
        response = client.get(f"/iservice{LOGGEDIN}")
    assert response.status_code == 500
    assert response.json() == {"errors": ["An error has occurred."], "errorDetails": ["HTTP 500"]}
    assert "secret internals" not in response.text
    assert "RuntimeError" in caplog.text


def test_the_access_log_is_off_unless_asked_for(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="crmgate.access"):
        assert client.get(f"/iservice{LOGGEDIN}").status_code == 200
    assert caplog.records == []


def test_the_access_log_masks_secrets(core: Core, caplog: pytest.LogCaptureFixture) -> None:
    config = Config(db=":memory:", access_log=True)
    with (
        TestClient(create_app(config, core=core)) as client,
        caplog.at_level(logging.INFO, logger="crmgate.access"),
    ):
        client.get(f"/iservice{LOGGEDIN}&token=s3cr3t&password=hunter2&keep=me")
        client.post(
            "/iservice/f/webapp-api-login?api=login",
            json={"emailAddress": "jane@demo.local", "password": "demo-jane"},
        )
    assert "s3cr3t" not in caplog.text
    assert "hunter2" not in caplog.text
    assert "demo-jane" not in caplog.text
    assert "keep=me" in caplog.text
    assert "iservice GET /iservice/f/webapp-api-login" in caplog.text


def _logged_in(client: TestClient, dialect: str) -> dict[str, str]:
    """Headers of a logged-in demo customer (cookies stay in the client)."""
    if dialect == "webapi":
        form = {"grant_type": "password", "username": "jane@demo.local", "password": "demo-jane"}
        token = client.post("/webapi/Token", data=form).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}
    if dialect == "pf":
        creds = {"UserName": "jane@demo.local", "Password": "demo-jane"}
        token = client.post("/pf/auth/credentials", json=creds).json()["BearerToken"]
        return {"Authorization": f"Bearer {token}"}
    client.post(
        "/iservice/f/webapp-api-login?api=login",
        json={"emailAddress": "jane@demo.local", "password": "demo-jane"},
    )
    return {}


@pytest.mark.parametrize(
    ("dialect", "service", "path", "status", "body"),
    [
        (
            "iservice",
            CustomerService.get,
            "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466",
            200,
            {"errors": ["The customer 466 was not found."], "errorDetails": ["NotFound"]},
        ),
        (
            "webapi",
            SocialService.list,
            "/webapi/api/v1/customers/me/socialCredentials",
            404,
            {"Message": "customer 466 not found"},
        ),
        (
            "pf",
            LinkService.links,
            "/pf/api/contacts/11078e67-adf5-4306-a903-481ed7aa8c0e/links",
            404,
            {
                "ResponseStatus": {
                    "ErrorCode": "NotFound",
                    "Message": "customer 466 not found",
                    "Errors": [],
                }
            },
        ),
    ],
)
def test_a_core_error_escaping_a_handler_answers_the_vendors_envelope(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    dialect: str,
    service: Callable[..., object],
    path: str,
    status: int,
    body: dict,
) -> None:
    """No handler catches core errors: the gateway hands them to the dialect's renderer."""
    headers = _logged_in(client, dialect)

    def missing(*args: object, **kwargs: object) -> None:
        raise NotFound("customer", 466)

    owner = sys.modules[service.__module__]
    cls = getattr(owner, service.__qualname__.split(".")[0])
    monkeypatch.setattr(cls, service.__name__, missing)
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response.json() == body


def test_the_access_log_cannot_be_forged_with_control_characters(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 17: ``%0A`` in the path wrote a line of the attacker's choosing."""
    forged = "/iservice/x%0A2026-11-28 INFO crmgate.access admin GET /ok 200%0D%1B[31m%C2%85"
    config = Config(db=":memory:", access_log=True)
    with (
        TestClient(create_app(config, core=core)) as client,
        caplog.at_level(logging.INFO, logger="crmgate.access"),
    ):
        client.get(forged)
    (record,) = [r for r in caplog.records if r.name == "crmgate.access"]
    line = record.getMessage()
    assert not set(line) & {"\n", "\r", "\x1b", "\x85"}
    assert "/iservice/x%0A2026-11-28 INFO crmgate.access admin GET /ok 200%0D%1B[31m%85" in line


def test_a_worker_freezes_what_start_up_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers' factory takes what start-up built out of the collector's generations
    (``gc.freeze``): a full collection while serving does not walk the dispatch tables and
    the demo data again."""
    monkeypatch.setenv("CRMGATE_CONFIG", Config(db=str(tmp_path / "w.db")).to_env())
    gc.unfreeze()
    try:
        app = create_app_from_env()
        assert gc.get_freeze_count() > 0
        # get_objects() lists the three generations, not the frozen ones
        assert not any(found is app.prefixes for found in gc.get_objects())
    finally:
        gc.unfreeze()
