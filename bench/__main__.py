"""``make bench``: crmgate's endpoints beside a bare Starlette "hello" app, in one run.

Starts both under uvicorn (one worker each, same settings) on loopback, loads each endpoint
for a few seconds and prints one table. Options: ``--seconds N``.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench import load

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = (ROOT / "fixtures/golden/003/setdetails-request.json").read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(args: list[str], probe: str, env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [*args, "--port", str(port)],
        cwd=ROOT,
        env=os.environ | (env or {}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                httpx.get(base + probe)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def crmgate_targets(base: str) -> list[load.Target]:
    iservice = f"{base}/iservice/f"
    login = httpx.post(
        f"{iservice}/webapp-api-login?api=login",
        json={"emailAddress": "customer11@1to1service.com", "password": "demo-customer"},
    )
    cookie = (("Cookie", f"sessionID={login.cookies['sessionID']}"),)
    json_cookie = (*cookie, ("Content-Type", "application/json"))
    return [
        load.Target("iService loggedin (no session)", f"{iservice}/webapp-api-login?api=loggedin"),
        load.Target(
            "iService getdetails 466",
            f"{iservice}/webapp-api-custinfo?api=getdetails&contactID=466",
            headers=cookie,
        ),
        load.Target(
            "iService setdetails (seed 003, commit)",
            f"{iservice}/webapp-api-custinfo?api=setdetails",
            method="POST",
            body=SEED_003,
            headers=json_cookie,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    rows: list[tuple[str, load.Result]] = []
    with served([*uvicorn, "bench.hello:app"], "/") as hello:
        baseline = load.run(load.Target("bare Starlette hello", hello + "/"), args.seconds)
    rows.append(("bare Starlette hello", baseline))
    with tempfile.TemporaryDirectory() as tmp:
        crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
        db = ["--db", str(Path(tmp) / "bench.db")]
        with served([*crmgate, *db], "/__admin/health", {"CRMGATE_ADMIN_TOKEN": ""}) as base:
            rows += [(t.name, load.run(t, args.seconds)) for t in crmgate_targets(base)]
    print(f"# crmgate bench: {load.tool()}, {load.CONNECTIONS} connections, {args.seconds:g}s each")
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "vs hello", "errors")
    print("| {:<40} | {:>9} | {:>7} | {:>7} | {:>8} | {:>6} |".format(*header))
    print(f"|{'-' * 42}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 10}|--------|")
    for name, r in rows:
        ratio = r.rps / baseline.rps
        print(
            f"| {name:<40} | {r.rps:>9.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} | "
            f"{ratio:>7.0%} | {r.errors:>6} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
