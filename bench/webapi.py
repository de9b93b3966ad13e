"""``python -m bench.webapi``: seed 000's JSON sample posted to the Web API dialect N times.

Starts ``crmgate serve`` on a free loopback port with a temporary database (as ``bench``
does), gets a bearer token from ``/Token`` as John Deer and posts the seed's sample
``--runs`` times (each an update of the same account), then reads the list back once in
JSON and in XML; prints p50 and p99 of the posts.
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

BASE = "/webapi"
SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "000"
SOCIAL = "/api/v1/customers/me/socialCredentials"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.webapi")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    content = (SAMPLE / "cus-social-account.json").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        db = ["--db", str(Path(tmp) / "bench.db")]
        with (
            served([*crmgate, *db], "/__admin/health", {"CRMGATE_ADMIN_TOKEN": ""}) as (base, _),
            httpx.Client(base_url=base + BASE, timeout=60) as client,
        ):
            form = {
                "grant_type": "password",
                "username": "customer11@1to1service.com",
                "password": "demo-customer",
            }
            token = client.post("/Token", data=form).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            times: list[float] = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.post(SOCIAL, content=content, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text[:300]
            for accept in ("application/json", "application/xml"):
                listed = client.get(SOCIAL, headers={**headers, "Accept": accept})
                assert listed.status_code == 200, listed.text[:300]
    report(f"Web API socialCredentials POST (seed 000 JSON), {args.runs} calls", times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
