"""Replaying recordings in process (``crmgate diff DIR``): order, logins, errors, report."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import httpx
import msgspec
import pytest

from gateway.app import create_app
from gateway.cli import main
from gateway.config import Config
from gateway.diff.model import DiffError, answer
from gateway.diff.replay import Target, decoded, load
from gateway.upstream import Exchange
from tests.helpers import JOHN

LOGIN_ANSWER = (
    '{"errors":[],"errorDetails":[],"sessionID":"***","contactID":466,'
    '"userType":"customer","name":"John Deer"}'
)
DETAILS_PATH = "/f/webapp-api-custinfo"


def exchange(
    at: float, method: str, path: str, query: str, status: int, body: str, **kw
) -> Exchange:
    return Exchange(
        dialect=kw.pop("dialect", "iservice"),
        method=method,
        path=path,
        query=query,
        request_headers=kw.pop("request_headers", {}),
        request_body=kw.pop("request_body", ""),
        status=status,
        response_headers=kw.pop(
            "response_headers", [("content-type", "application/json; charset=utf-8")]
        ),
        response_body=body,
        recorded_at=at,
    )


def write(folder: Path, name: str, ex: Exchange) -> None:
    (folder / ex.dialect).mkdir(parents=True, exist_ok=True)
    (folder / ex.dialect / name).write_bytes(msgspec.json.encode(ex))


def john_session(folder: Path, details_status: int = 200) -> None:
    login = exchange(
        1.0,
        "POST",
        "/f/webapp-api-login",
        "api=login",
        200,
        LOGIN_ANSWER,
        request_headers={"content-type": "application/json"},
        request_body=json.dumps({"emailAddress": JOHN, "password": "***"}),
        response_headers=[
            ("content-type", "application/json; charset=utf-8"),
            ("set-cookie", "sessionID=***; HttpOnly; Path=/; SameSite=lax"),
        ],
    )
    details = exchange(
        2.0,
        "GET",
        DETAILS_PATH,
        "api=getdetails&contactID=466",
        details_status,
        '{"errors":[],"errorDetails":[],"contactID":466,"details":{"properties":[],'
        '"setLogins":false,"logins":[]},"membership":[]}',
        request_headers={"cookie": "sessionID=***"},
    )
    write(folder, "000001-POST-f-webapp-api-login.json", login)
    write(folder, "000002-GET-f-webapp-api-custinfo.json", details)


def credentials(tmp_path: Path) -> str:
    path = tmp_path / "credentials.toml"
    path.write_text(f'[passwords]\n"{JOHN}" = "demo-customer"\n')
    return str(path)


def test_load_orders_every_dialect_by_recording_time(tmp_path: Path) -> None:
    write(tmp_path, "000001-a.json", exchange(3.0, "GET", "/c", "", 200, "", dialect="webapi"))
    write(tmp_path, "000001-b.json", exchange(1.0, "GET", "/a", "", 200, ""))
    write(tmp_path, "000002-b.json", exchange(2.0, "GET", "/b", "", 200, ""))
    assert [e.path for _, e in load(tmp_path)] == ["/a", "/b", "/c"]


def test_load_refuses_what_is_not_a_recording(tmp_path: Path) -> None:
    with pytest.raises(DiffError, match="no recording folder"):
        load(tmp_path / "missing")
    (tmp_path / "iservice").mkdir()
    (tmp_path / "iservice" / "x.json").write_text("{}")
    with pytest.raises(DiffError, match="is not a recorded exchange"):
        load(tmp_path)


def test_compressed_vendor_answers_are_compared_decoded() -> None:
    packed = answer(200, [("content-encoding", "gzip")], gzip.compress(b"{}"))
    assert decoded(packed).body == b"{}"
    broken = answer(200, [("content-encoding", "gzip")], b"nope")
    assert decoded(broken).body == b"nope"
    plain = answer(200, [], b"{}")
    assert decoded(plain) is plain


def test_a_faithful_recording_gives_zero_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    john_session(tmp_path / "rec")
    status = main(["diff", str(tmp_path / "rec"), "--credentials", credentials(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "same     iservice   POST   /f/webapp-api-login?api=login" in out
    assert "2 exchanges: 2 same, 0 differing" in out
    assert "demo-customer" not in out


def test_differences_exit_non_zero_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    john_session(tmp_path / "rec", details_status=503)
    args = ["diff", str(tmp_path / "rec"), "--credentials", credentials(tmp_path)]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "DIFFERS  iservice   GET    /f/webapp-api-custinfo?api=getdetails" in out
    assert "status status: 503 vs 200" in out
    assert "differences by kind: status 1" in out
    assert main([*args, "--allow", "1"]) == 0
    capsys.readouterr()
    assert main([*args, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["differing"] == 1
    assert report["dialects"] == {"iservice": {"exchanges": 2, "same": 1, "differing": 1}}
    assert report["kinds"] == {"status": 1}
    assert report["outcomes"][1]["differences"] == [
        {"kind": "status", "where": "status", "vendor": "503", "crmgate": "200"}
    ]


def test_without_credentials_the_login_is_refused_and_noted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    john_session(tmp_path / "rec")
    assert main(["diff", str(tmp_path / "rec")]) == 1
    assert "(note: no value for the masked password)" in capsys.readouterr().out


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(tmp_path / "none")]) == 2
    assert "no recording folder" in capsys.readouterr().err
    write(tmp_path / "rec", "1.json", exchange(1.0, "GET", "/", "", 200, "", dialect="sap"))
    assert main(["diff", str(tmp_path / "rec")]) == 2
    assert "crmgate has no dialect 'sap'" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "rec"), "--credentials", str(tmp_path / "x")]) == 2
    assert "no credentials file" in capsys.readouterr().err


def test_an_unreachable_gateway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    john_session(tmp_path / "rec")
    assert main(["diff", str(tmp_path / "rec"), "--url", "http://127.0.0.1:9"]) == 2
    assert "crmgate could not be reached" in capsys.readouterr().err


def test_a_gateway_that_refuses_a_sandbox(tmp_path: Path) -> None:
    app = create_app(Config(db=":memory:", admin_token="secret"))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x")
    target = Target(client, "wrong")

    async def open_it() -> None:
        try:
            await target.open("demo")
        finally:
            await target.close()

    with pytest.raises(DiffError, match=r"refused a sandbox \(401\)"):
        asyncio.run(open_it())
