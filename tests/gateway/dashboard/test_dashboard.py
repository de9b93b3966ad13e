"""The dashboard's files and the admin calls it makes (without a browser: see test_browser)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gateway.dashboard import FILES, HEADERS

AUTH = {"Authorization": "Bearer test-admin-token"}
ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "gateway" / "dashboard" / "static"
CUSTINFO = "/iservice/f/webapp-api-custinfo?api=getdetails&contactID=467"


def test_the_page_and_its_files_are_served_with_headers_that_confine_them(
    client: TestClient,
) -> None:
    page = client.get("/__admin/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for name, value in HEADERS.items():
        assert page.headers[name] == value
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for path, (_, media_type) in FILES.items():
        served = client.get(f"/__admin{path}")
        assert (served.status_code, served.headers["content-type"]) == (200, media_type)
    assert client.get("/__admin", follow_redirects=False).headers["location"].endswith("/__admin/")


def test_the_page_refers_only_to_its_own_files() -> None:
    html = (STATIC / "index.html").read_text()
    assert set(re.findall(r'(?:src|href)="([^"]+)"', html)) == {
        "dashboard.css",
        "dashboard.js",
        "favicon.svg",
    }
    assert "<script>" not in html  # the CSP allows no inline code
    assert "style=" not in html


def test_nothing_is_fetched_from_elsewhere() -> None:
    """No CDN, no web font: the page works offline (the CSP would block it anyway)."""
    for name in ("index.html", "dashboard.css", "dashboard.js"):
        text = (STATIC / name).read_text()
        assert "http" not in text
        assert not re.search(r"[\"'(`]//", text)  # no protocol-relative address either
    assert "url(" not in (STATIC / "dashboard.css").read_text()


def test_the_readme_shows_the_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "http://127.0.0.1:8080/__admin/" in readme
    assert "(docs/dashboard.png)" in readme
    assert (ROOT / "docs" / "dashboard.png").read_bytes().startswith(b"\x89PNG\r\n")


def test_the_script_never_turns_data_into_markup() -> None:
    """Every value reaches the page through el()/textContent; none of these ever appears."""
    script = (STATIC / "dashboard.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_with_a_token_the_files_are_public_and_every_call_needs_the_token(
    client: TestClient,
) -> None:
    assert client.get("/__admin/").status_code == 200
    assert client.get("/__admin/requests").status_code == 401
    assert client.get("/__admin/requests/1").status_code == 401
    assert client.post("/__admin/").status_code == 401  # only a GET of a file is public
    assert client.get("/__admin/nowhere").status_code == 401


def test_one_exchange_with_its_bodies_laid_out(client: TestClient) -> None:
    client.post(
        "/iservice/f/webapp-api-login?api=login",
        json={"emailAddress": "jane@demo.local", "password": "demo-jane"},
    )
    newest = client.get("/__admin/requests", params={"limit": 1}, headers=AUTH).json()
    entry_id = newest["requests"][0]["id"]
    shown = client.get(f"/__admin/requests/{entry_id}", headers=AUTH)
    assert shown.status_code == 200
    exchange = shown.json()
    assert exchange["entry"] == newest["requests"][0]
    assert exchange["request"] == {
        "format": "json",
        "text": '{\n  "emailAddress": "jane@demo.local",\n  "password": "***"\n}',
        "pretty": True,
        "cut": False,
    }
    assert exchange["response"]["format"] == "json"
    for missing in (entry_id + 1, 0, 2**63, 10**30):
        gone = client.get(f"/__admin/requests/{missing}", headers=AUTH)
        assert (gone.status_code, gone.json()) == (404, {"error": "no such request in the journal"})


def test_the_journal_filters_by_sandbox_and_answers_only_what_is_newer(client: TestClient) -> None:
    box = client.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    client.get(CUSTINFO)
    client.get(CUSTINFO, headers={"X-Crmgate-Sandbox": box})
    client.get(CUSTINFO)

    def ids(**filters: str | int) -> list[int]:
        found = client.get("/__admin/requests", params=filters, headers=AUTH).json()
        return [r["id"] for r in found["requests"]]

    first, in_box, last = sorted(ids())
    assert ids(sandbox=box) == [in_box]
    assert ids(sandbox="other") == []
    assert ids(after=first) == [last, in_box]
    assert ids(after=last) == []
    assert ids(after=first, sandbox=box, method="get") == [in_box]
    assert client.get("/__admin/requests?after=x", headers=AUTH).status_code == 400


def test_the_openapi_document_lists_the_page_and_the_exchange(client: TestClient) -> None:
    paths = client.get("/__admin/openapi.json", headers=AUTH).json()["paths"]
    assert "get" in paths["/__admin/"]
    assert paths["/__admin/requests/{entry_id}"]["get"]["parameters"][0]["name"] == "entry_id"


@pytest.mark.slow
def test_the_built_wheel_carries_the_page(tmp_path: Path) -> None:
    """Built from a copy of the project, so the checkout gets no build/ or egg-info."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("core", "dialects", "gateway"):
        shutil.copytree(
            ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "--no-index", "-q", "-w", str(tmp_path), str(source)], check=True)
    (wheel,) = tmp_path.glob("crmgate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"gateway/dashboard/static/{name}" for name, _ in FILES.values()} <= names
