from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.models import Customer
from core.services import Core
from core.services.keys import KEY_ENV, KEY_FILE_ENV, NO_KEY
from core.store import open_store
from gateway.cli import build_parser, env_name, main, serve_config
from gateway.config import Config
from tests.golden import golden
from tests.helpers import CRMGATE, DEMO, Server

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_ROWS = sum(len(rows) for rows in DEMO.values())


def test_routes_lists_every_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    out = capsys.readouterr().out
    assert "POST   /iservice/f/webapp-api-custinfo?api=setdetails" in out
    assert "GET    /iservice/f/webapp-api-login?api=loggedin" in out


def test_fixtures_load_and_reset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    assert main(["fixtures", "load", "demo", "--db", db]) == 0
    out = capsys.readouterr().out
    assert f"loaded {DEMO_ROWS} rows" in out
    assert "  customers: 5 rows" in out
    core = Core(open_store(db))
    with core.store.write():
        john = core.store.find(Customer, number=466)[0]
        john.first_name = "Changed"
        core.store.update(john)
    core.store.close()
    assert main(["reset", "--db", db]) == 0
    assert f"{DEMO_ROWS} rows from demo" in capsys.readouterr().out
    core = Core(open_store(db))
    assert core.store.find(Customer, number=466)[0].first_name == "John"
    core.store.close()
    assert main(["fixtures", "load", "none", "--db", db, "--replace"]) == 0
    core = Core(open_store(db))
    assert core.store.count(Customer) == 0
    core.store.close()


def test_serve_refuses_a_malformed_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--upstream", "pf"]) == 2
    assert "DIALECT=URL" in capsys.readouterr().err


def test_serve_shadows_only_an_upstream(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--shadow"]) == 2
    assert "--shadow needs --upstream" in capsys.readouterr().err
    assert main(["serve", "--shadow", "--upstream", "pf=http://x", "--replay", "r"]) == 2


def test_serve_on_postgresql_needs_a_signing_key_from_outside_the_data(
    postgres_dsn: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before a server starts, in one line that says what to set."""
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    assert main(["serve", "--db", postgres_dsn, "--fixtures", "none"]) == 2
    assert capsys.readouterr().err == f"crmgate: {NO_KEY}\n"


def test_cli_errors_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fixtures", "load", str(tmp_path / "missing"), "--db", str(tmp_path / "d")]) == 2
    assert "no fixture set" in capsys.readouterr().err
    assert main(["fixtures", "load", "demo", "--db", str(tmp_path / "d")]) == 0
    assert main(["fixtures", "load", "demo", "--db", str(tmp_path / "d")]) == 2
    assert "UNIQUE" in capsys.readouterr().err
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    assert main(["reset", "--db", str(tmp_path / "junk.db")]) == 2


@pytest.mark.slow
def test_serve_end_to_end_and_a_restart_keeps_the_data(server: Server) -> None:
    base = f"{server.base_url}/iservice/f"
    with httpx.Client() as http:
        login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
        assert http.post(f"{base}/webapp-api-login?api=login", json=login).json()["errors"] == []
        seed = golden("003/setdetails-request.json").replace(b'"Deer"', b'"Deer-Restarted"')
        headers = {"Content-Type": "application/json"}
        saved = http.post(
            f"{base}/webapp-api-custinfo?api=setdetails", content=seed, headers=headers
        )
        assert saved.content == b'{"errors":[],"errorDetails":[]}'
        other = json.loads(seed.decode().replace("\xa0", " ")) | {"contactID": 467}
        refused = http.post(f"{base}/webapp-api-custinfo?api=setdetails", json=other).json()
        assert refused["errors"]
    err = server.stop()
    assert "demo-customer" not in err
    server.start()
    with httpx.Client() as http:
        http.post(f"{base}/webapp-api-login?api=login", json=login)
        body = http.get(f"{base}/webapp-api-custinfo?api=getdetails&contactID=466").json()
    names = {p["propertyName"]: p["values"] for p in body["details"]["properties"]}
    assert names["Last Name"] == [{"value": "Deer-Restarted"}]
    assert body["membership"] == ["2", "3", "4", "5", "6", "7", "8", "10", "11", "12"]


def _serve_actions() -> list[argparse.Action]:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [a for a in commands.choices["serve"]._actions if a.option_strings != ["-h", "--help"]]


def _sample(action: argparse.Action) -> tuple[str, object]:
    """A value for the option's variable and what the parsed option must then hold."""
    if action.choices:
        return "debug", "debug"
    if isinstance(action, argparse._StoreTrueAction):
        return "yes", True
    if action.type is int:
        return "7", 7
    if action.type is float:
        return "2.5", 2.5
    if isinstance(action, argparse._AppendAction):
        return "pf=http://a.test iservice=http://b.test", [
            "pf=http://a.test",
            "iservice=http://b.test",
        ]
    return "from-env", "from-env"


@pytest.mark.parametrize("action", _serve_actions(), ids=lambda a: a.option_strings[0])
def test_every_serve_option_reads_its_environment_variable(
    action: argparse.Action, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, parsed = _sample(action)
    monkeypatch.setenv(env_name(action.option_strings[0]), raw)
    args = build_parser().parse_args(["serve"])
    assert getattr(args, action.dest) == parsed
    assert action.default != parsed  # the variable, not the default, gave the value


def test_the_readme_lists_exactly_the_serve_environment_variables() -> None:
    text = README.read_text().split("\nEnvironment: ", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"`(CRMGATE_[A-Z_]+)`", text)
    assert listed == [env_name(a.option_strings[0]) for a in _serve_actions()]


def test_an_invalid_environment_value_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRMGATE_LOG_LEVEL", "loud")
    with pytest.raises(SystemExit) as exit_:
        main(["serve"])
    assert exit_.value.code == 2
    assert "CRMGATE_LOG_LEVEL: invalid choice 'loud'" in capsys.readouterr().err
    monkeypatch.setenv("CRMGATE_LOG_LEVEL", "info")
    monkeypatch.setenv("CRMGATE_MAX_BODY", "a lot")
    with pytest.raises(SystemExit):
        main(["serve"])
    assert "--max-body: invalid int value: 'a lot'" in capsys.readouterr().err


def test_routes_into_a_pipe_its_reader_closed_ends_quietly() -> None:
    """``crmgate routes | head``: the reader leaves early; no BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [str(CRMGATE), "routes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the command writes its first line
    _, err = proc.communicate(timeout=60)
    assert err == b""
    assert proc.returncode == 141


class _ClosedPipe(io.StringIO):
    """A stdout whose reader has gone; its descriptor is a pipe end the test owns."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


def test_a_broken_pipe_sends_the_rest_to_devnull(monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe(write_end))
    try:
        assert main(["routes"]) == 141
        assert os.write(write_end, b"flushed at exit") == 15  # /dev/null now, not the pipe
    finally:
        os.close(write_end)


@pytest.mark.slow
def test_serve_runs_where_uvloop_and_httptools_do_not_install(tmp_path: Path) -> None:
    """uvicorn then picks asyncio and h11: their packages here fail to import, and say so."""
    blocked = tmp_path / "blocked"
    for name in ("uvloop", "httptools"):
        (blocked / name).mkdir(parents=True)
        tried = tmp_path / f"{name}.tried"
        (blocked / name / "__init__.py").write_text(
            f"open({str(tried)!r}, 'w').close()\nraise ImportError('no {name} here')\n"
        )
    path = os.pathsep.join(p for p in (str(blocked), os.environ.get("PYTHONPATH")) if p)
    server = Server(tmp_path / "x.db", env=os.environ | {"PYTHONPATH": path})
    server.start()
    try:
        login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
        url = f"{server.base_url}/iservice/f/webapp-api-login?api=login"
        assert httpx.post(url, json=login).json()["errors"] == []
    finally:
        log = server.stop()
    assert (tmp_path / "uvloop.tried").exists()
    assert (tmp_path / "httptools.tried").exists()
    assert "Traceback" not in log


@pytest.mark.parametrize(("env", "expected"), [(None, False), ("1", True), ("no", False)])
def test_the_access_log_is_opt_in_from_the_command_line_or_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: str | None, expected: bool
) -> None:
    monkeypatch.delenv("CRMGATE_CONFIG", raising=False)
    if env is None:
        monkeypatch.delenv("CRMGATE_ACCESS_LOG", raising=False)
    else:
        monkeypatch.setenv("CRMGATE_ACCESS_LOG", env)
    assert build_parser().parse_args(["serve"]).access_log is expected
    assert build_parser().parse_args(["serve", "--access-log"]).access_log is True
    assert Config.from_env().access_log is expected


@pytest.mark.parametrize(("env", "expected"), [(None, True), ("1", False), ("no", True)])
def test_the_answer_cache_is_on_unless_switched_off(
    monkeypatch: pytest.MonkeyPatch, env: str | None, expected: bool
) -> None:
    monkeypatch.delenv("CRMGATE_CONFIG", raising=False)
    if env is None:
        monkeypatch.delenv("CRMGATE_NO_ANSWER_CACHE", raising=False)
    else:
        monkeypatch.setenv("CRMGATE_NO_ANSWER_CACHE", env)
    assert serve_config(build_parser().parse_args(["serve"])).answer_cache is expected
    switched = build_parser().parse_args(["serve", "--no-answer-cache"])
    assert serve_config(switched).answer_cache is False
    assert Config.from_env().answer_cache is expected


def test_a_server_started_without_the_cli_reads_every_serve_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``uvicorn --factory gateway.app:create_app_from_env``: the same variables as serve."""
    monkeypatch.delenv("CRMGATE_CONFIG", raising=False)
    monkeypatch.delenv("CRMGATE_WORKERS", raising=False)
    values = {
        "CRMGATE_JOURNAL_SIZE": "7",
        "CRMGATE_JOURNAL_BODY": "9",
        "CRMGATE_SANDBOX_IDLE": "2.5",
        "CRMGATE_LOG_LEVEL": "debug",
        "CRMGATE_UPSTREAM": "pf=http://a.test",
        "CRMGATE_SHADOW": "on",
        "CRMGATE_ADMIN_TOKEN": "t",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    config = Config.from_env()
    assert (config.journal_entries, config.journal_body_chars) == (7, 9)
    assert config.sandbox_idle_seconds == 2.5
    assert config.log_level == "debug"
    assert config.upstream == {"pf": "http://a.test"}
    assert config.shadow is True
    assert config.admin_token == "t"
    assert config.processes is None  # how many workers serve it is not known
    monkeypatch.setenv("CRMGATE_WORKERS", "2")
    assert Config.from_env().processes == 2


def test_serve_trusts_the_proxies_it_is_told_and_leaves_uvicorn_s_reader_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exchange reads forwarded headers (only when a request has one): uvicorn's middleware,
    which would wrap every request, is off. The default is uvicorn's: its variable, else the
    loopback addresses."""
    import uvicorn

    ran: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: ran.update(kwargs))
    monkeypatch.delenv("CRMGATE_FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("CRMGATE_CONFIG", "")
    assert main(["serve", "--db", str(tmp_path / "f.db")]) == 0
    assert ran["proxy_headers"] is False
    assert Config.from_env().forwarded_allow_ips == "127.0.0.1,::1"
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    assert serve_config(build_parser().parse_args(["serve"])).forwarded_allow_ips == "10.0.0.0/8"
    given = build_parser().parse_args(["serve", "--forwarded-allow-ips", ""])
    assert serve_config(given).forwarded_allow_ips == ""
