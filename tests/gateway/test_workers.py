"""Several worker processes on one SQLite (WAL) file: concurrent writers never see a crash,
and every worker sees the same fault rules, sandboxes and journal."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.helpers import Server

F = "/iservice/f"
WRITERS = [
    ("customer11@1to1service.com", "demo-customer", 466),
    ("jane@demo.local", "demo-jane", 467),
    ("agent@demo.local", "demo-agent", 468),
    ("admin@demo.local", "demo-admin", 469),
]


def write_and_read_back(base: str, login: str, password: str, contact: int) -> list[str]:
    """Each acknowledged write must be what the next read sees (through any worker)."""
    problems = []
    with httpx.Client(base_url=base, timeout=30) as http:
        credentials = {"emailAddress": login, "password": password}
        assert http.post(f"{F}/webapp-api-login?api=login", json=credentials).status_code == 200
        for i in range(30):
            value = f"W{contact}-{i}"
            change = {
                "contactID": contact,
                "details": {"properties": [{"propertyID": "6", "values": [{"value": value}]}]},
            }
            saved = http.post(f"{F}/webapp-api-custinfo?api=setdetails", json=change)
            if saved.status_code != 200 or saved.json()["errors"]:
                problems.append(f"write {value}: {saved.status_code} {saved.text}")
                continue
            read = http.get(f"{F}/webapp-api-custinfo?api=getdetails&contactID={contact}").json()
            got = next(p for p in read["details"]["properties"] if p["propertyID"] == "6")
            if got["values"] != [{"value": value}]:
                problems.append(f"read after {value}: {got}")
    return problems


@pytest.mark.slow
def test_two_workers_serve_concurrent_writers_without_losing_a_write(tmp_path: Path) -> None:
    server = Server(tmp_path / "workers.db", "--workers", "2")
    server.start()
    try:
        with ThreadPoolExecutor(len(WRITERS)) as pool:
            results = list(pool.map(lambda w: write_and_read_back(server.base_url, *w), WRITERS))
    finally:
        err = server.stop()
    assert [p for r in results for p in r] == []
    assert "database is locked" not in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_a_times_1_fault_fires_once_across_workers(tmp_path: Path) -> None:
    server = Server(tmp_path / "faults.db", "--workers", "2")
    server.start()
    try:
        rule = {"action": "status", "status": 503, "dialect": "iservice", "times": 1}
        assert httpx.post(f"{server.base_url}/__admin/faults", json=rule).status_code == 201
        statuses = [
            httpx.get(f"{server.base_url}{F}/webapp-api-login?api=loggedin").status_code
            for _ in range(40)
        ]
        rules = httpx.get(f"{server.base_url}/__admin/faults").json()
    finally:
        server.stop()
    assert statuses.count(503) == 1
    assert statuses.count(200) == 39
    assert rules == []


@pytest.mark.slow
def test_every_worker_serves_every_sandbox(tmp_path: Path) -> None:
    server = Server(tmp_path / "boxes.db", "--workers", "2")
    server.start()
    try:
        box = httpx.post(f"{server.base_url}/__admin/sandboxes").json()["id"]
        assert (tmp_path / "boxes.db.sandboxes" / f"{box}.db").exists()
        headers = {"X-Crmgate-Sandbox": box}
        with httpx.Client(base_url=server.base_url, headers=headers) as http:
            login = {"emailAddress": "agent@demo.local", "password": "demo-agent"}
            assert http.post(f"{F}/webapp-api-login?api=login", json=login).status_code == 200
            for i in range(20):
                change = {
                    "contactID": 468,
                    "details": {
                        "properties": [{"propertyID": "6", "values": [{"value": f"S{i}"}]}]
                    },
                }
                answer = http.post(f"{F}/webapp-api-custinfo?api=setdetails", json=change)
                assert answer.json()["errors"] == [], answer.text
                read = http.get(f"{F}/webapp-api-custinfo?api=getdetails&contactID=468").json()
                company = next(p for p in read["details"]["properties"] if p["propertyID"] == "6")
                assert company["values"] == [{"value": f"S{i}"}]
        with httpx.Client(base_url=server.base_url) as main:
            main.post(f"{F}/webapp-api-login?api=login", json=login)
            plain = main.get(f"{F}/webapp-api-custinfo?api=getdetails&contactID=468").json()
        company = next(p for p in plain["details"]["properties"] if p["propertyID"] == "6")
        assert company["values"] == []
        assert httpx.delete(f"{server.base_url}/__admin/sandboxes/{box}").status_code == 204
        gone = httpx.get(f"{server.base_url}{F}/webapp-api-login?api=loggedin", headers=headers)
        assert gone.status_code == 404
    finally:
        server.stop()
    assert not (tmp_path / "boxes.db.sandboxes" / f"{box}.db").exists()


@pytest.mark.slow
def test_every_worker_reads_one_journal(tmp_path: Path) -> None:
    """Each request is in the journal as soon as its answer is in, whichever worker asks."""
    server = Server(tmp_path / "journal.db", "--workers", "2", "--journal-size", "30")
    server.start()
    sent = [f"w-{uuid.uuid4().hex}" for _ in range(40)]
    try:
        newest = []
        for request_id in sent:  # a new connection each: the kernel spreads them over workers
            httpx.get(
                f"{server.base_url}{F}/webapp-api-login?api=loggedin",
                headers={"X-Request-Id": request_id},
            )
            journal = httpx.get(f"{server.base_url}/__admin/requests", params={"limit": 1}).json()
            newest.append(journal["requests"][0]["request_id"])
        reads = [
            httpx.get(f"{server.base_url}/__admin/requests?limit=100").json() for _ in range(10)
        ]
        cleared = httpx.delete(f"{server.base_url}/__admin/requests").json()
        after = [httpx.get(f"{server.base_url}/__admin/requests").json()["total"] for _ in range(6)]
    finally:
        err = server.stop()
    assert newest == sent
    for journal in reads:
        assert journal["total"] == 30
        assert [r["request_id"] for r in journal["requests"]] == sent[::-1][:30]
    assert cleared == {"deleted": 30}
    assert after == [0] * 6
    assert "Traceback" not in err
