"""``python -m bench.crmcom``: one 1000-event CRM.COM bulk call, timed N times.

Starts ``crmgate serve`` on a free loopback port with a temporary database (as ``bench``
does), logs in through ``authentication/token`` and posts the same 1000 social media events
``--runs`` times; prints p50 and p99. Target: p50 under 50 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.latency import report
from bench.servers import served

BASE = "/crmcom"


def body(token: str, count: int) -> dict:
    accounts = ("ACR0000000164", "ACR0000000050")
    return {
        "token": token,
        "social_media_customer_events_set": [
            {
                "request_unique_identifier": str(i),
                "accounts_receivable_identifier": {"number": accounts[i % 2]},
                "performed_by_unit_identifier": {"name": "Admin Unit"},
                "performed_on": "2016-06-22T15:00:00",
                "social_media": "FACEBOOK",
                "profile": f"www.facebook.com/p{i}",
                "action": "LIKE",
            }
            for i in range(count)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.crmcom")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    with tempfile.TemporaryDirectory() as tmp:
        db = ["--db", str(Path(tmp) / "bench.db")]
        with (
            served([*crmgate, *db], "/__admin/health", {"CRMGATE_ADMIN_TOKEN": ""}) as (base, _),
            httpx.Client(base_url=base + BASE, timeout=60) as client,
        ):
            login = client.post(
                "/authentication/token",
                json={
                    "username": "admin@demo.local",
                    "password": "demo-admin",
                    "organisation": "DEMO",
                },
            )
            payload = httpx.Request(
                "POST", "/", json=body(login.json()["data"]["token"], args.events)
            )
            content = payload.read()
            headers = {"Content-Type": "application/json"}
            times: list[float] = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.post(
                    "/customer_events/bulk/social_media/create", content=content, headers=headers
                )
                times.append((time.perf_counter() - started) * 1000)
                done = response.json()["data"]["processed_customer_events_set"]
                assert len(done) == args.events, response.text[:300]
    report(f"CRM.COM bulk create, {args.events} events per call, {args.runs} calls", times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
