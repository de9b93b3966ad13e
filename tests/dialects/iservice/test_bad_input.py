"""Hostile or broken requests get iService's envelope and the right status, never a crash."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from core.services import Core
from tests.helpers import ISERVICE_CUSTINFO, ISERVICE_LOGIN

J = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("method", "url", "body", "headers", "status"),
    [
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b"", J, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b'{"contactID": 466, "details": {', J, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b"contactID=466", {}, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b"<xml/>", J, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b'{"contactID": [466]}', J, 400),
        (
            "POST",
            f"{ISERVICE_CUSTINFO}?api=setdetails",
            b'{"contactID": 466, "details": "x"}',
            J,
            400,
        ),
        (
            "POST",
            f"{ISERVICE_CUSTINFO}?api=setdetails",
            b'{"contactID": 466, "details": {"properties": '
            b'[{"propertyID": "1", "values": [{"value": 5}]}]}}',
            J,
            400,
        ),
        (
            "POST",
            f"{ISERVICE_CUSTINFO}?api=setdetails",
            b'{"contactID": 466, "membership": [2]}',
            J,
            400,
        ),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b"\xff\xfe\x00garbage", J, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=setdetails", b"[" * 5000, J, 400),
        ("POST", f"{ISERVICE_CUSTINFO}?api=nonsense", b"{}", J, 400),
        ("POST", ISERVICE_CUSTINFO, b"{}", J, 400),
        ("GET", f"{ISERVICE_LOGIN}?api=login", None, {}, 405),
        ("GET", f"{ISERVICE_CUSTINFO}?api=setdetails", None, {}, 405),
        ("PUT", f"{ISERVICE_CUSTINFO}?api=getdetails", b"{}", J, 405),
        ("GET", "/iservice/f/webapp-api-nothing", None, {}, 404),
        ("GET", "/iservice/", None, {}, 404),
    ],
)
def test_bad_requests_get_the_envelope(
    login_as: Callable[[str], TestClient],
    core: Core,
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    client = login_as("customer11@1to1service.com")
    before = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=466)
    response = client.request(method, url, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    payload = response.json()
    assert list(payload) == ["errors", "errorDetails"]
    assert payload["errors"]
    assert "Traceback" not in response.text
    if status == 405:
        assert response.headers["allow"]
    after = core.customers.get(core.auth.login("admin@demo.local", "demo-admin"), number=466)
    assert after == before


@pytest.mark.parametrize("contact", ["0", "-1", "abc", "", "4.5", "2147483648", "9" * 30])
def test_invalid_contact_ids_are_application_errors(
    login_as: Callable[[str], TestClient], contact: str
) -> None:
    client = login_as("agent@demo.local")
    body = client.get(f"{ISERVICE_CUSTINFO}?api=getdetails&contactID={contact}").json()
    assert body == {
        "errors": [f"Invalid contact ID '{contact}'"],
        "errorDetails": ["contactID: invalid"],
    }


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    big = b'{"emailAddress": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(f"{ISERVICE_LOGIN}?api=login", content=big, headers=J)
    assert response.status_code == 413
    assert response.json()["errors"] == [
        "The request body is larger than the limit of 1048576 bytes."
    ]


def test_a_chunked_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    def chunks():
        for _ in range(20):
            yield b"x" * 65536

    response = client.post(f"{ISERVICE_LOGIN}?api=login", content=chunks(), headers=J)
    assert response.status_code == 413
    assert response.json()["errorDetails"] == ["HTTP 413"]


def test_an_empty_membership_list_leaves_every_segment(
    login_as: Callable[[str], TestClient],
) -> None:
    """``"membership": []`` means "in no segment" (issue 17: it answered 500)."""
    client = login_as("customer11@1to1service.com")
    saved = client.post(
        f"{ISERVICE_CUSTINFO}?api=setdetails", json={"contactID": 466, "membership": []}
    )
    assert saved.json() == {"errors": [], "errorDetails": []}
    details = client.post(f"{ISERVICE_CUSTINFO}?api=getdetails", json={"contactID": 466}).json()
    assert details["membership"] == []


def test_custinfo_reads_a_form_body(login_as: Callable[[str], TestClient]) -> None:
    """The form binder reads ``contactID`` (``int | str`` in the DTO) from its text
    (issue 17: ``contactID=466`` as a form answered 500)."""
    client = login_as("customer11@1to1service.com")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    got = client.post(f"{ISERVICE_CUSTINFO}?api=getdetails", content=b"contactID=466", headers=form)
    assert got.status_code == 200
    assert got.json()["contactID"] == 466
    bad = client.post(f"{ISERVICE_CUSTINFO}?api=getdetails", content=b"contactID=x", headers=form)
    assert bad.json()["errors"] == ["Invalid contact ID 'x'"]
