from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from core.models import Customer
from core.services import Core
from core.store import open_store
from gateway.cli import build_parser, main
from gateway.config import Config
from tests.gateway.conftest import Server
from tests.golden import golden
from tests.helpers import DEMO

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
    base = f"{server.base}/iservice/f"
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
    assert b"demo-customer" not in err
    server.start()
    with httpx.Client() as http:
        http.post(f"{base}/webapp-api-login?api=login", json=login)
        body = http.get(f"{base}/webapp-api-custinfo?api=getdetails&contactID=466").json()
    names = {p["propertyName"]: p["values"] for p in body["details"]["properties"]}
    assert names["Last Name"] == [{"value": "Deer-Restarted"}]
    assert body["membership"] == ["2", "3", "4", "5", "6", "7", "8", "10", "11", "12"]


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
