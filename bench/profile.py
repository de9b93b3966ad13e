"""``python -m bench.profile [PATH] [--requests N]``: where one endpoint's time goes.

Builds the gateway in this process (temporary database, demo data), signs in, then calls one
of the bench's endpoints N times straight through ASGI (no sockets, no HTTP parsing: only
crmgate's own work) and prints microseconds per request and pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler
from starlette.types import ASGIApp, Message

from bench.servicestack import JOHN, JSON_UPDATE, JSV_UPDATE, SEED_002, WALTER
from gateway.app import create_app
from gateway.config import Config

JSON = (("content-type", "application/json"),)
#: name -> (site to sign in on, method, path, headers, body)
PATHS: dict[str, tuple[str, str, str, tuple[tuple[str, str], ...], bytes]] = {
    "pf-links-json": ("pf", "GET", f"/pf/api/contacts/{JOHN}/links", (), b""),
    "pf-links-xml": (
        "pf",
        "POST",
        f"/pf/api/contacts/{JOHN}/links",
        (("content-type", "application/xml"), ("accept", "application/xml")),
        SEED_002,
    ),
    "bokamera-put-json": ("bokamera", "PUT", f"/bokamera/customers/{WALTER}", JSON, JSON_UPDATE),
    "bokamera-put-jsv": (
        "bokamera",
        "PUT",
        f"/bokamera/customers/{WALTER}",
        (("content-type", "text/jsv"), ("accept", "text/jsv")),
        JSV_UPDATE,
    ),
}


async def call(
    app: ASGIApp, method: str, path: str, headers: tuple[tuple[str, str], ...], body: bytes
) -> list[Message]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    sent: list[Message] = []
    received = False

    async def receive() -> Message:
        nonlocal received
        if received:
            return {"type": "http.disconnect"}
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def session_cookie(messages: list[Message]) -> str:
    cookies = [v.decode().split(";")[0] for k, v in messages[0]["headers"] if k == b"set-cookie"]
    return "; ".join(cookies)


async def main_async(name: str, requests: int) -> None:
    site, method, path, headers, body = PATHS[name]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Config(db=str(Path(tmp) / "profile.db"), log_level="warning"))
        credentials = b'{"UserName":"admin@demo.local","Password":"demo-admin"}'
        signed_in = await call(app, "POST", f"/{site}/auth/credentials", JSON, credentials)
        headers = (*headers, ("cookie", session_cookie(signed_in)))
        first = await call(app, method, path, headers, body)
        if first[0]["status"] != 200:
            sys.exit(f"{name}: status {first[0]['status']}: {first[1].get('body', b'')[:300]!r}")
        for _ in range(requests // 10):  # warm-up: caches, SQL shapes
            await call(app, method, path, headers, body)
        started = time.process_time()
        for _ in range(requests):
            await call(app, method, path, headers, body)
        per_request = (time.process_time() - started) / requests * 1e6
        profiler = Profiler(interval=0.0001, async_mode="disabled")
        with profiler:
            for _ in range(requests):
                await call(app, method, path, headers, body)
    print(f"# {name}: {per_request:.0f} µs of CPU per request in-process ({requests} requests)")
    print(profiler.output_text(unicode=True, color=False))


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.profile", description=__doc__)
    parser.add_argument("path", nargs="?", default="pf-links-json", choices=sorted(PATHS))
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    asyncio.run(main_async(args.path, args.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
