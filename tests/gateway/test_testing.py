"""``gateway.testing`` (behind the pytest plugin) against a real server: a sandbox's helpers
see that sandbox only."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.testing import CrmgateError, Sandbox, Server, ServerProcess

pytestmark = pytest.mark.slow

F = "/iservice/f/webapp-api-"
JOHN = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
LAST_NAME = {"propertyID": "3", "values": [{"value": "Doe"}]}
DOE = {"contactID": 466, "details": {"properties": [LAST_NAME]}}


def test_the_journal_and_counts_of_a_sandbox_are_its_own(
    crmgate: Sandbox, crmgate_server: Server
) -> None:
    neighbour = crmgate_server.sandbox()
    try:
        neighbour.post(F + "login?api=login", json=JOHN)
        assert crmgate.post(F + "login?api=login", json=JOHN).json()["errors"] == []
        assert crmgate.post(F + "custinfo?api=setdetails", json=DOE).json()["errors"] == []
        assert [e["path"] for e in crmgate.journal()] == [F + "custinfo", F + "login"]
        assert crmgate.journal(method="POST", path="*custinfo")[0]["sandbox"] == crmgate.id
        assert crmgate.count(method="POST") == 2
        assert neighbour.count(method="POST") == 1
        # arrays compare whole, objects as subsets
        assert crmgate.count(body_json={"details": {"properties": [{"propertyID": "3"}]}}) == 0
        assert crmgate.count(body_json={"details": {"properties": [LAST_NAME]}}) == 1
        assert crmgate.count(body_json={"contactID": 466}, headers={"content-type": "*json"}) == 1
        assert crmgate.count(body_contains="Doe", query={"api": "set*"}) == 1
        assert crmgate.count(body_contains="demo-customer") == 0  # masked in the journal
    finally:
        neighbour.remove()


def test_unmatched_requests_and_reset(crmgate: Sandbox) -> None:
    assert crmgate.get("/iservice/f/no-such-form").status_code == 404
    assert crmgate.get(F + "login?api=whoami").status_code == 400
    assert crmgate.get("/nowhere/at/all").status_code == 404
    assert [e["path"] for e in crmgate.unmatched()] == [
        "/nowhere/at/all",
        F + "login",
        "/iservice/f/no-such-form",
    ]
    crmgate.post(F + "login?api=login", json=JOHN)
    crmgate.post(F + "custinfo?api=setdetails", json=DOE)
    assert crmgate.reset()["fixtures"] == "demo"
    details = crmgate.get(F + "custinfo?api=getdetails&contactID=466").json()
    assert details["errors"]  # the reset dropped the session along with the data


def test_a_refused_admin_call_fails_the_test_with_the_reason(crmgate: Sandbox) -> None:
    with pytest.raises(CrmgateError, match=r"400 .*unknown dialect 'nope'"):
        crmgate.fault(action="drop", dialect="nope")


def test_a_crmgate_that_is_not_there_is_reported(tmp_path: Path) -> None:
    gone = Server("http://127.0.0.1:9")
    with pytest.raises(CrmgateError, match="not healthy"):
        gone.wait_healthy(timeout=0.2)
    gone.close()
    broken = ServerProcess(tmp_path / "x.db", "--fixtures", str(tmp_path / "missing"))
    with pytest.raises(CrmgateError, match="no fixture set named or at"):
        broken.start()


def test_an_admin_token_that_starts_with_a_dash_starts_the_server(tmp_path: Path) -> None:
    """``secrets.token_urlsafe`` (the plugin's token) may begin with ``-``: it must reach
    ``--admin-token`` as its value, not as another option (it failed 2 of 8 CI workers)."""
    server = ServerProcess(tmp_path / "dash.db", admin_token="-starts-with-a-dash")
    server.start()
    try:
        assert server.admin("GET", "/health").status_code == 200
    finally:
        server.close()
