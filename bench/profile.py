"""``python -m bench.profile [PATH] [--requests N]``: where one endpoint's time goes.

Builds the gateway in this process (temporary database, demo data), signs in, then calls one
of the bench's endpoints N times straight through ASGI (no sockets, no HTTP parsing: only
crmgate's own work) and prints microseconds per request and pyinstrument's call tree.
A GET the answer cache may reuse is then served from it after the first call; ``--fresh``
turns the cache off, so every call computes its answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NamedTuple

import msgspec
from pyinstrument import Profiler
from starlette.types import ASGIApp, Message

from bench.crmcom import body as crmcom_body
from bench.servicestack import JOHN, JSON_UPDATE, JSV_UPDATE, ROOT, SEED_002, WALTER
from gateway.app import create_app
from gateway.config import Config

JSON = (("content-type", "application/json"),)
Headers = tuple[tuple[str, str], ...]
SETDETAILS = (ROOT / "fixtures/golden/003/setdetails-request.json").read_bytes()
SOCIAL = (ROOT / "fixtures/golden/000/cus-social-account.json").read_bytes()
#: Where a CRM.COM body carries the token its login answered.
TOKEN = "{token}"
BULK = "/crmcom/customer_events/bulk/social_media/create"


class Profiled(NamedTuple):
    """``body`` may hold ``TOKEN``, replaced by the token the login answered."""

    login: str
    method: str
    path: str
    headers: Headers = ()
    body: bytes = b""
    query: bytes = b""


#: name -> how to sign in (a key of LOGINS) and the request to profile
PATHS: dict[str, Profiled] = {
    "pf-links-json": Profiled("pf", "GET", f"/pf/api/contacts/{JOHN}/links"),
    "pf-links-xml": Profiled(
        "pf",
        "POST",
        f"/pf/api/contacts/{JOHN}/links",
        (("content-type", "application/xml"), ("accept", "application/xml")),
        SEED_002,
    ),
    "bokamera-put-json": Profiled(
        "bokamera", "PUT", f"/bokamera/customers/{WALTER}", JSON, JSON_UPDATE
    ),
    "bokamera-put-jsv": Profiled(
        "bokamera",
        "PUT",
        f"/bokamera/customers/{WALTER}",
        (("content-type", "text/jsv"), ("accept", "text/jsv")),
        JSV_UPDATE,
    ),
    "iservice-getdetails": Profiled(
        "iservice", "GET", "/iservice/f/webapp-api-custinfo", query=b"api=getdetails&contactID=466"
    ),
    "iservice-setdetails": Profiled(
        "iservice", "POST", "/iservice/f/webapp-api-custinfo", JSON, SETDETAILS, b"api=setdetails"
    ),
    "webapi-post": Profiled(
        "webapi", "POST", "/webapi/api/v1/customers/me/socialCredentials", JSON, SOCIAL
    ),
    "crmcom-bulk-100": Profiled(
        "crmcom", "POST", BULK, JSON, msgspec.json.encode(crmcom_body(TOKEN, 100))
    ),
    "crmcom-bulk-1000": Profiled(
        "crmcom", "POST", BULK, JSON, msgspec.json.encode(crmcom_body(TOKEN, 1000))
    ),
}


async def call(
    app: ASGIApp, method: str, path: str, headers: Headers, body: bytes, query: bytes = b""
) -> list[Message]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
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


def cookies(messages: list[Message]) -> Headers:
    found = [v.decode().split(";")[0] for k, v in messages[0]["headers"] if k == b"set-cookie"]
    return (("cookie", "; ".join(found)),)


async def servicestack(app: ASGIApp, site: str) -> Headers:
    credentials = b'{"UserName":"admin@demo.local","Password":"demo-admin"}'
    return cookies(await call(app, "POST", f"/{site}/auth/credentials", JSON, credentials))


async def iservice(app: ASGIApp, _: str) -> Headers:
    credentials = b'{"emailAddress":"customer11@1to1service.com","password":"demo-customer"}'
    login = "/iservice/f/webapp-api-login"
    return cookies(await call(app, "POST", login, JSON, credentials, b"api=login"))


async def webapi(app: ASGIApp, _: str) -> Headers:
    form = (("content-type", "application/x-www-form-urlencoded"),)
    body = b"grant_type=password&username=customer11%401to1service.com&password=demo-customer"
    answer = await call(app, "POST", "/webapi/Token", form, body)
    token = json.loads(answer[1]["body"])["access_token"]
    return (("authorization", f"Bearer {token}"),)


async def crmcom(app: ASGIApp, _: str) -> str:
    """The token, which travels in the body (see ``TOKEN``)."""
    credentials = b'{"username":"admin@demo.local","password":"demo-admin","organisation":"DEMO"}'
    answer = await call(app, "POST", "/crmcom/authentication/token", JSON, credentials)
    return json.loads(answer[1]["body"])["data"]["token"]


#: Each answers the headers that sign a request in, or (CRM.COM) the token for its body.
LOGINS: dict[str, Callable[[ASGIApp, str], Awaitable[Headers | str]]] = {
    "pf": servicestack,
    "bokamera": servicestack,
    "iservice": iservice,
    "webapi": webapi,
    "crmcom": crmcom,
}


async def main_async(name: str, requests: int, fresh: bool = False) -> None:
    target = PATHS[name]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "profile.db")
        config = Config(db=db, log_level="warning", processes=1, answer_cache=not fresh)
        app = create_app(config)
        signed = await LOGINS[target.login](app, target.login)
        token, signed = (signed, ()) if isinstance(signed, str) else ("", signed)
        headers = (*target.headers, *signed)
        body = target.body.replace(TOKEN.encode(), token.encode())
        request = (app, target.method, target.path, headers, body, target.query)
        first = await call(*request)
        if first[0]["status"] != 200:
            sys.exit(f"{name}: status {first[0]['status']}: {first[1].get('body', b'')[:300]!r}")
        for _ in range(requests // 10):  # warm-up: caches, SQL shapes
            await call(*request)
        started = time.process_time()
        for _ in range(requests):
            await call(*request)
        per_request = (time.process_time() - started) / requests * 1e6
        profiler = Profiler(interval=0.0001, async_mode="disabled")
        with profiler:
            for _ in range(requests):
                await call(*request)
    cache = ", answer cache off" if fresh else ""
    print(f"# {name}: {per_request:.0f} µs of CPU per request in-process", end=" ")
    print(f"({requests} requests{cache})")
    print(profiler.output_text(unicode=True, color=False))


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.profile", description=__doc__)
    parser.add_argument("path", nargs="?", default="pf-links-json", choices=sorted(PATHS))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--fresh", action="store_true", help="answer cache off: compute each")
    args = parser.parse_args()
    asyncio.run(main_async(args.path, args.requests, args.fresh))
    return 0


if __name__ == "__main__":
    sys.exit(main())
