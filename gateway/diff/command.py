"""``crmgate diff DIR``: replay a recording against crmgate and report how its answers differ
from the vendor's in shape."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from pathlib import Path

import httpx

from core.services import Core
from core.store import open_store
from gateway import fixtures
from gateway.config import Config
from gateway.diff import report
from gateway.diff.logins import read_credentials
from gateway.diff.replay import Target, load, replay
from gateway.registry import load_dialects

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def add_parser(commands: argparse._SubParsersAction) -> None:
    diff = commands.add_parser(
        "diff", help="replay recorded vendor exchanges and compare crmgate's answers"
    )
    diff.add_argument("dir", metavar="DIR", help="a folder written by serve --record DIR")
    where = diff.add_mutually_exclusive_group()
    where.add_argument(
        "--db", default=":memory:", help="database to run crmgate in (default: in memory)"
    )
    where.add_argument("--url", help="a running crmgate instead, e.g. http://127.0.0.1:8080")
    diff.add_argument(
        "--fixtures", default=None, help="fixture set of the sandbox (default: the database's)"
    )
    diff.add_argument("--credentials", metavar="FILE", help="TOML: passwords by login name")
    diff.add_argument(
        "--admin-token", default=os.environ.get("CRMGATE_ADMIN_TOKEN"), help="with --url"
    )
    diff.add_argument("--json", action="store_true", help="the report as JSON")
    diff.add_argument(
        "--log-level", default="warning", choices=["debug", "info", "warning", "error"]
    )
    diff.add_argument(
        "--allow", type=int, default=0, metavar="N", help="exit 0 while at most N exchanges differ"
    )


async def _replay(
    args: argparse.Namespace, client: httpx.AsyncClient, admin_token: str | None
) -> report.Report:
    recorded = load(Path(args.dir))
    credentials = read_credentials(args.credentials)
    prefixes = {d.name: d.prefix for d in load_dialects()}
    target = Target(client, admin_token)
    try:
        await target.open(args.fixtures)
        outcomes = await replay(recorded, target, credentials, prefixes)
    finally:
        await target.close()
    return report.summarize(outcomes)


def _run(args: argparse.Namespace) -> report.Report:
    """Against ``--url``, or a gateway in this process on ``--db`` (seeded if new)."""
    if args.url:
        client = httpx.AsyncClient(base_url=args.url.rstrip("/"), timeout=TIMEOUT)
        return asyncio.run(_replay(args, client, args.admin_token))
    from gateway.app import create_app

    core = Core(open_store(args.db))
    try:
        fixtures.seed(core, args.fixtures or "demo")
        # a token of this run's own: without one the admin API would refuse a Host that is
        # not a loopback name, and the replay's Host is its own
        token = secrets.token_urlsafe(16)
        config = Config(db=args.db, processes=1, admin_token=token)
        app = create_app(config, core=core)
        transport = httpx.ASGITransport(app=app)
        client = httpx.AsyncClient(transport=transport, base_url="http://crmgate.diff")
        return asyncio.run(_replay(args, client, token))
    finally:
        core.store.close()


def run(args: argparse.Namespace) -> int:
    result = _run(args)
    if args.json:
        sys.stdout.write(report.to_json(result).decode() + "\n")
    else:
        print(report.text(result))
    return report.exit_status(result, args.allow)
