"""``python -m bench.servicestack``: the ServiceStack sites beside a bare Starlette app.

Starts ``crmgate serve`` (temporary database, demo data) and ``bench.hello`` on free loopback
ports, signs in on each site through ``/auth/credentials``, then times ``--runs`` sequential
calls of: PF links in JSON and in XML (seed 002's request), BokaMera ``PUT /customers/{Id}``
in JSON and in JSV. Prints p50 / p99 per call; it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.servers import served

ROOT = Path(__file__).resolve().parent.parent
JOHN = "11078e67-adf5-4306-a903-481ed7aa8c0e"
WALTER = "c0ffee00-5a1c-4e0b-9d4e-7a1d2b3c4d5e"
SEED_002 = (ROOT / "fixtures/golden/002/contact-connected-links-request.xml").read_bytes()
JSV_UPDATE = (
    b"{Firstname:Walter,Phone:+46 8 123 456 09,CustomFields:[{Id:2,Value:M-0468}],"
    b"SubscribedToNewsletter:True,InvoiceAddress:{InvoiceCity:Lund}}"
)
JSON_UPDATE = (
    b'{"Firstname":"Walter","Phone":"+46 8 123 456 09","CustomFields":[{"Id":2,'
    b'"Value":"M-0468"}],"SubscribedToNewsletter":true,"InvoiceAddress":{"InvoiceCity":"Lund"}}'
)


def timed(client: httpx.Client, runs: int, method: str, url: str, **kw) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.request(method, url, **kw)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    return times


def sign_in(client: httpx.Client, site: str) -> None:
    body = {"UserName": "admin@demo.local", "Password": "demo-admin"}
    assert client.post(f"/{site}/auth/credentials", json=body).status_code == 200


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.servicestack")
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = ["--db", str(Path(tmp) / "bench.db")]
        with (
            served([*uvicorn, "bench.hello:app"], "/") as (hello, _),
            served([*crmgate, *db], "/__admin/health", {"CRMGATE_ADMIN_TOKEN": ""}) as (base, _),
            httpx.Client(base_url=base, timeout=60) as client,
            httpx.Client(base_url=hello) as bare,
        ):
            results["bare Starlette hello"] = timed(bare, args.runs, "GET", "/")
            sign_in(client, "pf")
            links = f"/pf/api/contacts/{JOHN}/links"
            results["PF links JSON (GET)"] = timed(client, args.runs, "GET", links)
            xml = {"Content-Type": "application/xml", "Accept": "application/xml"}
            results["PF links XML (seed 002 POST)"] = timed(
                client, args.runs, "POST", links, content=SEED_002, headers=xml
            )
            sign_in(client, "bokamera")
            put = f"/bokamera/customers/{WALTER}"
            json = {"Content-Type": "application/json"}
            results["BokaMera PUT JSON"] = timed(
                client, args.runs, "PUT", put, content=JSON_UPDATE, headers=json
            )
            jsv = {"Content-Type": "text/jsv", "Accept": "text/jsv"}
            results["BokaMera PUT JSV"] = timed(
                client, args.runs, "PUT", put, content=JSV_UPDATE, headers=jsv
            )
    print(f"# ServiceStack sites, {args.runs} sequential calls each (one client, keep-alive)")
    print(f"| {'call':<30} | {'p50 ms':>7} | {'p99 ms':>7} |")
    print(f"|{'-' * 32}|{'-' * 9}|{'-' * 9}|")
    for name, times in results.items():
        p99 = statistics.quantiles(times, n=100)[98]
        print(f"| {name:<30} | {statistics.median(times):>7.2f} | {p99:>7.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
