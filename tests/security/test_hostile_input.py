"""Hostile and broken input against every operation every registered dialect describes.

Whatever arrives: no 5xx, no traceback, the vendor's own content type, nothing stored when the
dialect refuses it, and the server still healthy afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.models import ALL_MODELS, Session
from core.services import Core
from dialects.base import Endpoint
from gateway.registry import load_dialects
from tests.helpers import JOHN, LOGINS, refused

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Dto><Name>&lol3;</Name></Dto>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Dto><Name>&xxe;</Name></Dto>"""

BODIES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "application/json"),
    "truncated": (b'{"contactID": 466, "details": {"properties": [', "application/json"),
    "not-json": (b"contactID=466&<>", "application/json"),
    "invalid-utf8": (b'{"a": "\xff\xfe\xfd"}', "application/json"),
    "invalid-utf8-in-known-fields": (
        b'{"token": "\xff", "emailAddress": "\xfe", "contactID": "\xfd", "UserName": "\xff"}',
        "application/json",
    ),
    "deep": (b"[" * 20000 + b"]" * 20000, "application/json"),
    "deep-object": (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json"),
    "wrong-types": (
        b'{"contactID": {"x": []}, "details": 5, "Id": [], "UserName": 1, "token": 2}',
        "application/json",
    ),
    "nul-characters": (
        b'{"contactID": "\\u0000", "profile": "a\\u0000b", "emailAddress": "x\\u0000@y.z", '
        b'"social_media_customer_events_set": [{"request_unique_identifier": "\\u0000", '
        b'"accounts_receivable_identifier": {"number": "ACR0000000164"}, '
        b'"performed_by_unit_identifier": {"name": "Admin Unit"}, '
        b'"performed_on": "2016-06-22T15:00:00", "social_media": "FACEBOOK", '
        b'"profile": "p\\u0000", "action": "LIKE"}]}',
        "application/json",
    ),
    "nulls": (b'{"contactID": null, "details": null, "membership": null}', "application/json"),
    "huge-number": (b'{"contactID": 1' + b"0" * 400 + b"}", "application/json"),
    "billion-laughs": (BOMB, "application/xml"),
    "external-entity": (XXE, "application/xml"),
    "malformed-jsv": (b'{Id:1,Name:"unterminated, List:[{a:1}', "text/jsv"),
    "form-garbage": (b"%%%&&&===&a[0]]]=1", "application/x-www-form-urlencoded"),
}


def operations() -> Iterator[tuple[str, str, Endpoint]]:
    for dialect in load_dialects():
        for endpoint in dialect.describe():
            for method in endpoint.methods:
                yield dialect.prefix, method, endpoint


def url(prefix: str, op: Endpoint) -> str:
    path = op.path
    for name in ("Id", "ContactId", "id"):
        path = path.replace("{" + name + "}", "11078e67-adf5-4306-a903-481ed7aa8c0e")
    return prefix + path


def fingerprint(core: Core) -> str:
    """A digest of every stored row but sessions (logging out is allowed to end one)."""
    digest = hashlib.sha256()
    for model in ALL_MODELS:
        if model is not Session:
            for row in core.store.find(model):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def assert_vendor_failure(response, media: str | None = None) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    assert response.headers.get("content-type"), "every answer names its media type"


OPERATIONS = list(operations())
IDS = [f"{p}:{m}:{op.path}" for p, m, op in OPERATIONS]


@pytest.mark.parametrize(("prefix", "method", "op"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "logged-in"])
def test_hostile_bodies(
    client: TestClient, core: Core, prefix: str, method: str, op: Endpoint, authenticated: bool
) -> None:
    dialect = prefix.strip("/")
    if authenticated and dialect in LOGINS:
        LOGINS[dialect](client, JOHN)
    before = fingerprint(core)
    for name, (body, media) in BODIES.items():
        response = client.request(
            method, url(prefix, op), content=body, headers={"Content-Type": media}
        )
        assert_vendor_failure(response)
        if refused(dialect, response):
            assert fingerprint(core) == before, f"{name} was refused but changed stored data"
        else:  # the body happened to be valid for this operation's DTO
            before = fingerprint(core)
    assert (
        client.get("/__admin/health", headers={"Authorization": "Bearer test-admin-token"}).json()[
            "status"
        ]
        == "ok"
    )


@pytest.mark.parametrize(("prefix", "method", "op"), OPERATIONS, ids=IDS)
def test_oversize_bodies_get_413(
    client: TestClient, prefix: str, method: str, op: Endpoint
) -> None:
    response = client.request(method, url(prefix, op), content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert_vendor_failure(response)


@pytest.mark.parametrize(("prefix", "method", "op"), OPERATIONS, ids=IDS)
@pytest.mark.parametrize(
    "suffix",
    ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f", "/%00", "/\u00e9\u4e2d"],
)
def test_path_traversal_and_odd_paths(
    client: TestClient, prefix: str, method: str, op: Endpoint, suffix: str
) -> None:
    base = url(prefix, op).partition("?")[0]
    response = client.request(method, base + suffix)
    assert_vendor_failure(response)
    assert "root:" not in response.text


def test_huge_headers_do_not_break_anything(client: TestClient) -> None:
    for prefix, method, op in OPERATIONS:
        response = client.request(method, url(prefix, op), headers={"X-Big": "a" * 60_000})
        assert_vendor_failure(response)
