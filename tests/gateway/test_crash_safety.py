"""SIGKILL during CRM.COM bulk calls: the database stays sound and every answer given holds."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from core.models import CustomerEvent
from core.store import open_store
from tests.helpers import Server

CC = "/crmcom"


def bulk_items(call: int) -> list[dict]:
    return [
        {
            "request_unique_identifier": f"{call}-{i}",
            "accounts_receivable_identifier": {"number": "ACR0000000164"},
            "performed_by_unit_identifier": {"name": "Admin Unit"},
            "performed_on": "2016-06-22T15:00:00",
            "social_media": "FACEBOOK",
            "profile": f"www.facebook.com/crash{i}",
            "action": "LIKE",
        }
        for i in range(1000)
    ]


@pytest.mark.slow
def test_sigkill_mid_bulk_keeps_every_acknowledged_event(tmp_path: Path) -> None:
    server = Server(tmp_path / "crash.db")
    server.start()
    credentials = {"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"}
    token = httpx.post(f"{server.base_url}{CC}/authentication/token", json=credentials).json()
    acknowledged: list[str] = []
    stop = threading.Event()

    def post_bulk_calls() -> None:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            call = 0
            while not stop.is_set():
                body = {
                    "token": token["data"]["token"],
                    "social_media_customer_events_set": bulk_items(call),
                }
                try:
                    answer = http.post(f"{CC}/customer_events/bulk/social_media/create", json=body)
                    done = answer.json()["data"]["processed_customer_events_set"]
                except (httpx.HTTPError, ValueError):
                    return
                acknowledged.extend(event["id"] for event in done)
                call += 1

    writer = threading.Thread(target=post_bulk_calls)
    writer.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 2000 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.02)  # land inside a call
    server.kill()
    stop.set()
    writer.join(timeout=30)
    assert len(acknowledged) >= 2000

    store = open_store(tmp_path / "crash.db")
    assert store.integrity_check() == "ok"
    stored = {e.id for e in store.find(CustomerEvent)}
    store.close()
    assert set(acknowledged) <= stored

    server.start()
    show = httpx.get(
        f"{server.base_url}{CC}/customer_events/social_media/show",
        params={
            "token": token["data"]["token"],
            "customer_event_identifier": f"id={acknowledged[-1]}",
        },
    )
    server.stop()
    assert show.json()["status"]["code"] == "OK", show.text
