"""Shadow mode in process: the vendor (mocked) answers; crmgate answers again in a sandbox,
logged in through the vendor's session swapped for its own; the differences are journaled."""

from __future__ import annotations

import asyncio

import httpx
import respx
from starlette.testclient import TestClient

from core.services import Core
from gateway.app import create_app
from gateway.config import Config
from gateway.diff.model import answer
from gateway.diff.shadow import Observed, Shadow

VENDOR = "https://vendor.example.test"
LOGIN = "/iservice/f/webapp-api-login?api=login"
DETAILS = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466"
CREDENTIALS = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
JSON = {"content-type": "application/json; charset=utf-8"}


def shadowing(core: Core) -> TestClient:
    config = Config(db=":memory:", upstream={"iservice": VENDOR}, shadow=True, admin_token="t")
    return TestClient(create_app(config, core=core))


@respx.mock
def test_the_vendor_answers_and_crmgate_shadows_it_off_the_request_path(core: Core) -> None:
    respx.post(f"{VENDOR}/f/webapp-api-login").mock(
        return_value=httpx.Response(
            200,
            json={
                "errors": [],
                "errorDetails": [],
                "sessionID": "vendor-session-0001",
                "contactID": 466,
                "userType": "customer",
                "name": "John Deer",
            },
            headers={
                **JSON,
                "set-cookie": "sessionID=vendor-session-0001; HttpOnly; Path=/; SameSite=lax",
            },
        )
    )
    details = respx.get(f"{VENDOR}/f/webapp-api-custinfo").mock(
        return_value=httpx.Response(
            200,
            content=b'{"errors":[],"errorDetails":[],"contactID":"466","nickname":"JD"}',
            headers=JSON,
        )
    )
    with shadowing(core) as client:
        login = client.post(LOGIN, json=CREDENTIALS)
        assert login.json()["sessionID"] == "vendor-session-0001"
        assert client.get(DETAILS).json()["nickname"] == "JD"
        assert details.calls.last.request.headers["cookie"] == "sessionID=vendor-session-0001"
        client.portal.call(client.app.state.admin.shadow.drain)
        journal = client.get("/__admin/diff", headers={"Authorization": "Bearer t"}).json()
    assert (journal["pending"], journal["dropped"], journal["failed"]) == (0, 0, 0)
    assert (journal["exchanges"], journal["same"], journal["differing"]) == (2, 1, 1)
    first, second = journal["outcomes"]
    assert (first["path"], first["differences"]) == ("/f/webapp-api-login", [])
    assert second["query"] == "api=getdetails&contactID=466"
    # crmgate answered as the logged-in John: the vendor's session was swapped for its own
    assert second["crmgate_status"] == 200
    assert second["differences"] == [
        {"kind": "keys", "where": "$", "vendor": "nickname", "crmgate": "missing"},
        {"kind": "keys", "where": "$", "vendor": "absent", "crmgate": "details, membership"},
        {"kind": "kind", "where": "$.contactID", "vendor": "string", "crmgate": "number"},
    ]
    assert "vendor-session-0001" not in str(journal)


@respx.mock
def test_the_diff_journal_is_cleared(core: Core) -> None:
    respx.get(f"{VENDOR}/f/webapp-api-login").mock(
        return_value=httpx.Response(200, json={"errors": [], "errorDetails": []})
    )
    admin = {"Authorization": "Bearer t"}
    with shadowing(core) as client:
        client.get("/iservice/f/webapp-api-login?api=loggedin")
        client.portal.call(client.app.state.admin.shadow.drain)
        assert client.get("/__admin/diff", headers=admin).json()["exchanges"] == 1
        assert client.delete("/__admin/diff", headers=admin).json() == {"deleted": 1}
        assert client.get("/__admin/diff", headers=admin).json()["exchanges"] == 0


def test_without_shadow_mode_there_is_no_diff_journal(client: TestClient) -> None:
    headers = {"Authorization": "Bearer test-admin-token"}
    answer_ = client.get("/__admin/diff", headers=headers)
    assert answer_.status_code == 404
    assert "shadow mode is off" in answer_.json()["error"]
    assert client.delete("/__admin/diff", headers=headers).status_code == 404


def test_a_full_queue_drops_and_counts(core: Core) -> None:
    app = create_app(Config(db=":memory:", upstream={"iservice": VENDOR}, shadow=True), core=core)
    shadow: Shadow = app.state.admin.shadow
    shadow.queue_size = 1
    scope = {"method": "GET", "path": "/x", "headers": [], "query_string": b""}

    async def flood() -> dict[str, int]:
        for _ in range(3):
            shadow.observe(Observed("iservice", scope, b"", answer(200, [], b"")))
        await shadow.drain()
        status = shadow.status()
        await shadow.aclose()
        return status

    assert asyncio.run(flood()) == {"pending": 0, "dropped": 2, "failed": 0}
    assert shadow.report().exchanges == 1
    assert shadow.sandboxes.info() == []


def test_a_failed_comparison_is_counted_not_raised(core: Core) -> None:
    app = create_app(Config(db=":memory:", upstream={"iservice": VENDOR}, shadow=True), core=core)
    shadow: Shadow = app.state.admin.shadow
    scope = {"method": "GET", "path": "/x", "headers": [], "query_string": b""}

    async def unknown_dialect() -> dict[str, int]:
        shadow.observe(Observed("sap", scope, b"", answer(200, [], b"")))
        await shadow.drain()
        await shadow.aclose()
        return shadow.status()

    assert asyncio.run(unknown_dialect())["failed"] == 1


def test_an_expired_sandbox_is_replaced(core: Core) -> None:
    app = create_app(Config(db=":memory:", upstream={"iservice": VENDOR}, shadow=True), core=core)
    shadow: Shadow = app.state.admin.shadow
    scope = {
        "method": "GET",
        "path": "/f/webapp-api-login",
        "headers": [],
        "query_string": b"api=loggedin",
    }

    async def twice() -> list[str]:
        seen = []
        for _ in range(2):
            shadow.observe(Observed("iservice", scope, b"", answer(200, [], b"")))
            await shadow.drain()
            seen.append(shadow._sandbox.id)
            shadow.sandboxes.delete(shadow._sandbox.id)
        await shadow.aclose()
        return seen

    first, second = asyncio.run(twice())
    assert first != second
