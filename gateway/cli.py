"""The ``crmgate`` command: serve, routes, fixtures load, reset, diff."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from core.errors import CoreError
from core.services import Core
from core.services.keys import KEY_ENV, KEY_FILE_ENV
from core.store import StoreError, open_store
from gateway import fixtures
from gateway.config import DEFAULT_MAX_BODY, DEFAULT_MAX_HEAD_BYTES, Config
from gateway.diff import command as diff_command
from gateway.diff.model import DiffError
from gateway.journal import DEFAULT_BODY_CHARS, DEFAULT_ENTRIES
from gateway.registry import load_dialects
from gateway.sandboxes import DEFAULT_IDLE_SECONDS

LOG_LEVELS = ("debug", "info", "warning", "error")
#: Every ``crmgate serve`` option reads ``CRMGATE_<OPTION>`` when it is not given (the README's
#: "Environment" list names exactly these).
ENV_PREFIX = "CRMGATE_"
_TRUE = ("1", "true", "yes", "on")


def env_name(option: str) -> str:
    """``--max-body`` -> ``CRMGATE_MAX_BODY``."""
    return ENV_PREFIX + option.lstrip("-").replace("-", "_").upper()


def _env_option(parser: argparse.ArgumentParser, option: str, **kwargs: Any) -> None:
    """An option whose default comes from its environment variable (argparse converts a string
    default like a command-line value; a switch is on for 1/true/yes/on; a repeatable option's
    variable is space-separated and the command line adds to it)."""
    name = env_name(option)
    if (value := os.environ.get(name)) is not None:
        action = kwargs.get("action")
        if action == "store_true":
            kwargs["default"] = value.strip().lower() in _TRUE
        else:
            kwargs["default"] = value.split() if action == "append" else value
    kwargs["help"] = f"{kwargs.get('help', '')} [env {name}]".strip()
    parser.add_argument(option, **kwargs)


def _db_option(parser: argparse.ArgumentParser) -> None:
    _env_option(parser, "--db", default="crmgate.db", help="SQLite file or PostgreSQL URL")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmgate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway")
    _env_option(serve, "--host", default="127.0.0.1")
    _env_option(serve, "--port", type=int, default=8080)
    _db_option(serve)
    _env_option(
        serve, "--fixtures", default="demo", help="demo | none | PATH; seeds a new database only"
    )
    _env_option(serve, "--workers", type=int, default=1)
    _env_option(serve, "--log-level", default="info", choices=LOG_LEVELS)
    _env_option(serve, "--max-body", type=int, default=DEFAULT_MAX_BODY, help="bytes")
    _env_option(serve, "--admin-token", default=None)
    _env_option(
        serve,
        "--secret-key-file",
        default=None,
        help="file holding the signing key (made 0600 if missing); PostgreSQL needs it or "
        f"{KEY_ENV}",
    )
    _env_option(
        serve,
        "--max-header",
        type=int,
        default=DEFAULT_MAX_HEAD_BYTES,
        help="bytes of request line and headers (431 beyond)",
    )
    _env_option(
        serve,
        "--idle-timeout",
        type=float,
        default=5.0,
        help="seconds a connection may wait for its next request head",
    )
    _env_option(
        serve,
        "--upstream",
        action="append",
        default=None,
        metavar="DIALECT=URL",
        help="forward a dialect to the real vendor (repeatable)",
    )
    _env_option(serve, "--record", metavar="DIR", help="save upstream exchanges as fixtures")
    _env_option(serve, "--replay", metavar="DIR", help="serve recorded exchanges")
    _env_option(
        serve,
        "--shadow",
        action="store_true",
        help="with --upstream: also answer in a sandbox and journal differences (/__admin/diff)",
    )
    _env_option(serve, "--journal-size", type=int, default=DEFAULT_ENTRIES, help="entries")
    _env_option(serve, "--journal-body", type=int, default=DEFAULT_BODY_CHARS, help="characters")
    _env_option(
        serve,
        "--access-log",
        action="store_true",
        help="log one line per dialect request (default: off; the journal records them)",
    )
    _env_option(
        serve,
        "--no-answer-cache",
        action="store_true",
        help="compute every GET afresh (default: a GET answer is served again while it holds)",
    )
    _env_option(
        serve,
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        help="proxies (addresses, networks or *, comma separated) whose X-Forwarded-For/-Proto "
        "are trusted; '' trusts none (default: loopback, or uvicorn's FORWARDED_ALLOW_IPS)",
    )
    _env_option(
        serve,
        "--sandbox-idle",
        type=float,
        default=DEFAULT_IDLE_SECONDS,
        help="seconds before expiry",
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


def serve_config(args: argparse.Namespace) -> Config:
    """The gateway's config from parsed ``serve`` options (or their ``CRMGATE_*`` variables)."""
    return Config(
        db=args.db,
        fixtures=args.fixtures,
        max_body_bytes=args.max_body,
        admin_token=args.admin_token or None,
        log_level=args.log_level,
        journal_entries=args.journal_size,
        journal_body_chars=args.journal_body,
        sandbox_idle_seconds=args.sandbox_idle,
        upstream=_upstreams(args.upstream or []),
        record_dir=args.record,
        replay_dir=args.replay,
        shadow=args.shadow,
        processes=args.workers,
        access_log=args.access_log,
        answer_cache=not args.no_answer_cache,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )


def environment_config() -> Config:
    """What ``crmgate serve`` with no options would run: every ``CRMGATE_*`` variable the
    command reads, read the same way (an invalid value is the same usage error)."""
    config = serve_config(_parse(["serve"]))
    if env_name("--workers") not in os.environ:  # a server started elsewhere: maybe many
        config = msgspec.structs.replace(config, processes=None)
    return config


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.shadow and (not args.upstream or args.replay):
        raise UsageError("--shadow needs --upstream DIALECT=URL (and no --replay)")
    config = serve_config(args)
    if args.secret_key_file:  # the workers read it from the environment too
        os.environ[KEY_FILE_ENV] = str(Path(args.secret_key_file).resolve())
    core = Core(open_store(config.db))
    try:
        core.keys.require()
        loaded = fixtures.seed(core, config.fixtures)
    finally:
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
        proxy_headers=False,  # the exchange reads them, only when a request has them
        server_header=False,
        http=_http_protocol(),
        h11_max_incomplete_event_size=args.max_header,
        timeout_keep_alive=args.idle_timeout,
    )
    return 0


def _http_protocol() -> type | str:
    """httptools with the head guard where httptools installs; elsewhere uvicorn's h11, which
    bounds a request head by the same setting."""
    try:
        from gateway.http_guard import GuardedHttpToolsProtocol
    except ImportError:
        return "h11"
    return GuardedHttpToolsProtocol


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


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "log_level", "info") not in LOG_LEVELS:  # argparse checks no default
        parser.error(f"{env_name('--log-level')}: invalid choice {args.log_level!r}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(
        level=getattr(args, "log_level", "info").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    except (CoreError, StoreError, FileNotFoundError, UsageError, DiffError) as exc:
        print(f"crmgate: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    return status


def _reader_gone() -> int:
    """``crmgate routes | head``: the reader left. Point stdout at /dev/null so the flush at
    exit stays quiet, and exit as a process killed by SIGPIPE would (128 + 13)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
