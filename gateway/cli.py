"""The ``crmgate`` command: serve, routes, fixtures load, reset, diff."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from core.errors import CoreError
from core.services import Core
from core.store import StoreError, open_store
from gateway import fixtures
from gateway.config import DEFAULT_MAX_BODY, Config, env_flag
from gateway.diff import command as diff_command
from gateway.diff.model import DiffError
from gateway.http_guard import DEFAULT_MAX_HEAD_BYTES, GuardedHttpToolsProtocol
from gateway.journal import DEFAULT_BODY_CHARS, DEFAULT_ENTRIES
from gateway.registry import load_dialects
from gateway.sandboxes import DEFAULT_IDLE_SECONDS


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=os.environ.get("CRMGATE_DB", "crmgate.db"), help="SQLite database file"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmgate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    _db_option(serve)
    serve.add_argument(
        "--fixtures",
        default=os.environ.get("CRMGATE_FIXTURES", "demo"),
        help="demo | none | PATH; seeds a new database only",
    )
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="bytes")
    serve.add_argument("--admin-token", default=os.environ.get("CRMGATE_ADMIN_TOKEN"))
    serve.add_argument(
        "--max-header",
        type=int,
        default=DEFAULT_MAX_HEAD_BYTES,
        help="bytes of request line and headers (431 beyond)",
    )
    serve.add_argument(
        "--idle-timeout",
        type=float,
        default=5.0,
        help="seconds a connection may wait for its next request head",
    )
    serve.add_argument(
        "--upstream",
        action="append",
        default=[],
        metavar="DIALECT=URL",
        help="forward a dialect to the real vendor (repeatable)",
    )
    serve.add_argument("--record", metavar="DIR", help="save upstream exchanges as fixtures")
    serve.add_argument("--replay", metavar="DIR", help="serve recorded exchanges")
    serve.add_argument(
        "--shadow",
        action="store_true",
        help="with --upstream: also answer in a sandbox and journal differences (/__admin/diff)",
    )
    serve.add_argument("--journal-size", type=int, default=DEFAULT_ENTRIES, help="entries")
    serve.add_argument("--journal-body", type=int, default=DEFAULT_BODY_CHARS, help="characters")
    serve.add_argument(
        "--access-log",
        action="store_true",
        default=env_flag("CRMGATE_ACCESS_LOG"),
        help="log one line per dialect request (default: off; the journal records them)",
    )
    serve.add_argument(
        "--sandbox-idle", type=float, default=DEFAULT_IDLE_SECONDS, help="seconds before expiry"
    )

    commands.add_parser("routes", help="list every emulated endpoint")

    fixtures_cmd = commands.add_parser("fixtures", help="fixture data sets")
    fixture_actions = fixtures_cmd.add_subparsers(dest="action", required=True)
    load = fixture_actions.add_parser("load", help="load a fixture file or folder")
    load.add_argument("path")
    _db_option(load)
    load.add_argument("--replace", action="store_true", help="wipe the database first")

    reset = commands.add_parser("reset", help="wipe the database and reload its fixtures")
    _db_option(reset)
    reset.add_argument("--fixtures", default=None, help="default: the set it was seeded from")

    diff_command.add_parser(commands)
    return parser


def _upstreams(pairs: list[str]) -> dict[str, str]:
    upstream = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise UsageError(f"--upstream takes DIALECT=URL, not {pair!r}")
        upstream[name] = url
    return upstream


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.shadow and (not args.upstream or args.replay):
        raise UsageError("--shadow needs --upstream DIALECT=URL (and no --replay)")
    config = Config(
        db=args.db,
        fixtures=args.fixtures,
        max_body_bytes=args.max_body,
        admin_token=args.admin_token or None,
        log_level=args.log_level,
        journal_entries=args.journal_size,
        journal_body_chars=args.journal_body,
        sandbox_idle_seconds=args.sandbox_idle,
        upstream=_upstreams(args.upstream),
        record_dir=args.record,
        replay_dir=args.replay,
        shadow=args.shadow,
        processes=args.workers,
        access_log=args.access_log,
    )
    core = Core(open_store(config.db))
    loaded = fixtures.seed(core, config.fixtures)
    core.store.close()
    logging.getLogger("crmgate").info("database %s ready (%d fixture rows loaded)", args.db, loaded)
    os.environ["CRMGATE_CONFIG"] = config.to_env()
    uvicorn.run(
        "gateway.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
        server_header=False,
        http=GuardedHttpToolsProtocol,
        h11_max_incomplete_event_size=args.max_header,
        timeout_keep_alive=args.idle_timeout,
    )
    return 0


def routes(args: argparse.Namespace) -> int:
    for dialect in load_dialects():
        for endpoint in dialect.describe():
            for method in endpoint.methods:
                path = dialect.prefix + endpoint.path
                print(f"{dialect.name:<14}{method:<7}{path}  {endpoint.summary}")
    return 0


def load_fixtures(args: argparse.Namespace) -> int:
    core = Core(open_store(args.db))
    try:
        count = core.fixtures.load(
            fixtures.read(args.path),
            source=args.path,
            replace=args.replace,
            progress=lambda table, rows: print(f"  {table}: {rows} rows", flush=True),
        )
    finally:
        core.store.close()
    print(f"loaded {count} rows from {args.path} into {args.db}")
    return 0


def reset(args: argparse.Namespace) -> int:
    core = Core(open_store(args.db))
    try:
        count = fixtures.reset(core, args.fixtures)
        source = core.fixtures.source()
    finally:
        core.store.close()
    print(f"reset {args.db}: {count} rows from {source}")
    return 0


class UsageError(Exception):
    pass


COMMANDS = {
    "serve": serve,
    "routes": routes,
    "fixtures": load_fixtures,
    "reset": reset,
    "diff": diff_command.run,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=getattr(args, "log_level", "info").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        return COMMANDS[args.command](args)
    except (CoreError, StoreError, FileNotFoundError, UsageError, DiffError) as exc:
        print(f"crmgate: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
