"""Two gateway processes on one PostgreSQL database behave as one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from tests.gateway.conftest import Server


@pytest.fixture
def fleet_dsn(postgres_dsn: str) -> Iterator[str]:
    """A database of its own, so the fleet starts from a fresh seed."""
    name = f"fleet_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_dsn.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def fleet(fleet_dsn: str) -> Iterator[tuple[str, str]]:
    first, second = Server(fleet_dsn), Server(fleet_dsn)
    first.start()
    second.start()
    yield first.base, second.base
    first.stop()
    second.stop()


@pytest.mark.slow
def test_log_in_through_one_gateway_and_call_through_the_other(fleet: tuple[str, str]) -> None:
    one, two = fleet
    login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    cookie = httpx.post(f"{one}/iservice/f/webapp-api-login?api=login", json=login).cookies
    details = httpx.get(
        f"{two}/iservice/f/webapp-api-custinfo?api=getdetails&contactID=466", cookies=cookie
    ).json()
    assert details["errors"] == []
    assert details["contactID"] == 466

    credentials = {"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"}
    token = httpx.post(f"{one}/crmcom/authentication/token", json=credentials).json()["data"]
    event = {
        "request_unique_identifier": "1",
        "accounts_receivable_identifier": {"number": "ACR0000000164"},
        "performed_by_unit_identifier": {"name": "Admin Unit"},
        "performed_on": "2016-06-22T15:00:00",
        "social_media": "FACEBOOK",
        "profile": "www.facebook.com/fleet",
        "action": "LIKE",
    }
    body = {"token": token["token"], "social_media_customer_events_set": [event, event]}
    created = httpx.post(f"{two}/crmcom/customer_events/bulk/social_media/create", json=body)
    numbers = [e["number"] for e in created.json()["data"]["processed_customer_events_set"]]
    again = httpx.post(f"{one}/crmcom/customer_events/bulk/social_media/create", json=body)
    numbers += [e["number"] for e in again.json()["data"]["processed_customer_events_set"]]
    assert numbers == ["1", "2", "3", "4"]


@pytest.mark.slow
def test_a_times_1_fault_fires_once_across_the_fleet(fleet: tuple[str, str]) -> None:
    one, two = fleet
    rule = {"action": "status", "status": 503, "times": 1}
    assert httpx.post(f"{one}/__admin/faults", json=rule).status_code == 201
    url = "/iservice/f/webapp-api-login?api=loggedin"
    statuses = [httpx.get(f"{(one, two)[i % 2]}{url}").status_code for i in range(10)]
    assert statuses.count(503) == 1
    assert httpx.get(f"{two}/__admin/faults").json() == []
