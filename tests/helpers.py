"""What tests share: the demo data and its well-known users, each dialect's paths and log-in call,
real server processes, a fake clock.

Fixtures live in the conftest files; everything else a test module needs from elsewhere in the
suite is imported from here (never from a conftest). Names that belong to one dialect carry its
name (``CRMCOM_BULK``, ``webapi_grant``)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import psycopg
import pytest
from httpx import Response
from starlette.testclient import TestClient

from core.services.fixtures import read_fixtures
from gateway.fixtures import named_set
from gateway.testing import ServerProcess as Server

__all__ = ["Server"]


@contextmanager
def fresh_database(postgres_dsn: str, prefix: str) -> Iterator[str]:
    """The DSN of a PostgreSQL database of its own on the test cluster, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_dsn.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


# -- the demo data ---------------------------------------------------------------------------

DEMO = read_fixtures(named_set("demo"))

JOHN_ID = "11078e67-adf5-4306-a903-481ed7aa8c0e"
JANE_ID = "6a3c2f4e-8d1b-4c7a-9e25-3f0b1d2c4a57"
WALTER_ID = "c0ffee00-5a1c-4e0b-9d4e-7a1d2b3c4d5e"
OLGA_ID = "0a7e1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b"

#: John Deer's login, the demo customer every seed page uses.
JOHN = "customer11@1to1service.com"

PASSWORDS = {
    "admin@demo.local": "demo-admin",
    "agent@demo.local": "demo-agent",
    JOHN: "demo-customer",
    "jane@demo.local": "demo-jane",
    "admin@other.local": "other-admin",
}

#: The organisation (company code) of each demo user, for dialects that log in with one.
ORGANISATIONS = {user: "OTHER" if user.endswith("@other.local") else "DEMO" for user in PASSWORDS}


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def canonical_xml(buf: bytes) -> str:
    """XML compared as data: canonical form, white space between elements dropped."""
    return ElementTree.canonicalize(buf.decode(), strip_text=True)


# -- iService --------------------------------------------------------------------------------

ISERVICE_LOGIN = "/iservice/f/webapp-api-login"
ISERVICE_CUSTINFO = "/iservice/f/webapp-api-custinfo"


def iservice_login(client: TestClient, user: str) -> TestClient:
    """Log ``client`` in through iService's own login call (the session cookie stays)."""
    credentials = {"emailAddress": user, "password": PASSWORDS[user]}
    response = client.post(f"{ISERVICE_LOGIN}?api=login", json=credentials)
    assert response.status_code == 200, response.text
    assert response.json()["errors"] == []
    return client


# -- CRM.COM ---------------------------------------------------------------------------------

CRMCOM_TOKEN = "/crmcom/authentication/token"
CRMCOM_RELEASE = "/crmcom/authentication/token/release"
CRMCOM_KEY_TOKEN = "/crmcom/authentication/web_api_key/token"
CRMCOM_BULK = "/crmcom/customer_events/bulk/social_media/create"
CRMCOM_SHOW = "/crmcom/customer_events/social_media/show"
CRMCOM_LIST = "/crmcom/customer_events/social_media/list"


def crmcom_login(client: TestClient, user: str, organisation: str = "DEMO", **extra: str) -> dict:
    """CRM.COM's login method; its envelope (a token on success, an error code otherwise)."""
    body = {"username": user, "password": PASSWORDS[user], "organisation": organisation, **extra}
    response = client.post(CRMCOM_TOKEN, json=body)
    assert response.status_code == 200
    return response.json()


def crmcom_event(rid: str = "1", **fields: object) -> dict:
    """A valid bulk item for John Deer's account; ``fields`` override or add members (``None``
    drops one)."""
    item: dict[str, object] = {
        "request_unique_identifier": rid,
        "accounts_receivable_identifier": {"number": "ACR0000000164"},
        "performed_by_unit_identifier": {"name": "Admin Unit"},
        "performed_on": "2016-06-22T15:00:00",
        "social_media": "FACEBOOK",
        "profile": "www.facebook.com/polina",
        "action": "LIKE",
    }
    item.update(fields)
    return {k: v for k, v in item.items() if v is not None}


def crmcom_bulk(client: TestClient, token: str | None, *items: dict, **extra: object) -> dict:
    """POST the bulk create call with ``items``; its envelope (always HTTP 200 on CRM.COM)."""
    body: dict[str, object] = {"social_media_customer_events_set": list(items), **extra}
    if token is not None:
        body["token"] = token
    response = client.post(CRMCOM_BULK, json=body)
    assert response.status_code == 200
    return response.json()


# -- ASP.NET Web API -------------------------------------------------------------------------

WEBAPI_TOKEN = "/webapi/Token"
WEBAPI_SOCIAL = "/webapi/api/v1/customers/me/socialCredentials"
JSON_BODY = {"Content-Type": "application/json"}
XML_BODY = {"Content-Type": "application/xml", "Accept": "application/xml"}


def webapi_grant(client: TestClient, user: str, password: str | None = None) -> dict:
    """The OWIN password grant at /Token; the token response."""
    form = {"grant_type": "password", "username": user, "password": password or PASSWORDS[user]}
    response = client.post(WEBAPI_TOKEN, data=form)
    assert response.status_code == 200, response.text
    return response.json()


# -- ServiceStack (PF, BokaMera) -------------------------------------------------------------

PF_HOST = {"Host": "pfapi.pstpf.com.au"}
BM_HOST = {"Host": "testapi.bokamera.se"}


def sign_in(client: TestClient, site: str, user: str, host: dict[str, str] | None = None) -> dict:
    """POST /auth/credentials on a ServiceStack ``site`` (at its Host root when ``host`` names
    it: session cookies are scoped to where they were set); the AuthenticateResponse (cookies
    stay)."""
    client.cookies.clear()
    body = {"UserName": user, "Password": PASSWORDS[user]}
    path = "/auth/credentials" if host else f"/{site}/auth/credentials"
    response = client.post(path, json=body, headers=host or {})
    assert response.status_code == 200, response.text
    return response.json()


# -- every dialect: log in, tell a refusal (the security suites) -----------------------------


def _crmcom_into(client: TestClient, user: str) -> None:
    """CRM.COM passes its token in each body or query: the client keeps it as a header."""
    token = crmcom_login(client, user, ORGANISATIONS[user])["data"]["token"]
    client.headers["X-Test-Crmcom-Token"] = token


def _webapi_into(client: TestClient, user: str) -> None:
    client.headers["Authorization"] = f"Bearer {webapi_grant(client, user)['access_token']}"


#: dialect name -> log ``client`` in as ``user`` (cookies/headers stay on the client). A new
#: dialect adds one entry; the hostile-input and authorization suites use it.
LOGINS: dict[str, Callable[[TestClient, str], object]] = {
    "iservice": iservice_login,
    "crmcom": _crmcom_into,
    "webapi": _webapi_into,
    "pf": lambda client, user: sign_in(client, "pf", user),
    "bokamera": lambda client, user: sign_in(client, "bokamera", user),
}


def _json_or_none(response: Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _iservice_refused(response: Response) -> bool:
    body = _json_or_none(response)
    return response.status_code >= 400 or (isinstance(body, dict) and bool(body.get("errors")))


def _crmcom_refused(response: Response) -> bool:
    body = _json_or_none(response)
    if response.status_code >= 400 or not isinstance(body, dict):
        return True
    data = body.get("data")
    unprocessed = data.get("unprocessed_customer_events_set") if isinstance(data, dict) else None
    return body["status"]["code"] != "OK" or bool(unprocessed)


#: dialect name -> whether an answer refused the request (then nothing may have been stored).
REFUSED: dict[str, Callable[[Response], bool]] = {
    "iservice": _iservice_refused,
    "crmcom": _crmcom_refused,
}


def refused(dialect: str, response: Response) -> bool:
    return REFUSED.get(dialect, lambda r: r.status_code >= 400)(response)


# -- real servers and a browser (the slow tests) ---------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
#: The console script pip installed beside this interpreter.
CRMGATE = Path(sys.executable).parent / "crmgate"

#: Dashboard screenshots saved by this run, listed at the end of pytest's report.
SAVED: list[Path] = []


def find_chromium() -> tuple[str, str]:
    """Debian's chromium and chromedriver; skip (fail on CI) when either is missing."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    reason = "no headless Chromium: install Debian's chromium and chromium-driver packages"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (.ci/run installs them; CI never skips the browser test)")
    pytest.skip(reason)


class RecordingTransport(asyncio.Transport):
    """A transport for driving a uvicorn protocol by hand: keeps each write and whether it was
    closed (it closes only when told)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass
