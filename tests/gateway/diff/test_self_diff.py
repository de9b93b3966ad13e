"""The issue's acceptance test, on real processes: crmgate recorded as its own "vendor" (a
second ``crmgate serve`` as the upstream of every dialect) across every README example
diffs with zero differences; a 503 fault rule on the upstream shows as exactly the exchanges
it hit; shadow mode journals the same zero differences."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from gateway.registry import load_dialects
from tests.helpers import CRMGATE, ROOT, Server

pytestmark = pytest.mark.slow

README = ROOT / "README.md"


def readme_examples(port: int, scratch: Path) -> str:
    """Every curl example of the README's Quick start, aimed at ``port`` (run in a scratch
    folder: they need nothing of the checkout)."""
    section = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "curl" in b]
    script = "set -e\n" + "\n".join(blocks)
    return script.replace("8080", str(port)).replace("/tmp/", f"{scratch}/")


def readme_credentials() -> str:
    section = README.read_text().split("## Comparing crmgate with your vendor", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def upstream_args(vendor: Server) -> list[str]:
    args = []
    for dialect in load_dialects():
        args += ["--upstream", f"{dialect.name}={vendor.base_url}{dialect.prefix}"]
    return args


def run_examples(gateway: Server, scratch: Path) -> None:
    scratch.mkdir(exist_ok=True)
    script = readme_examples(gateway.port, scratch)
    result = subprocess.run(
        ["bash", "-c", script], cwd=scratch, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def diff(recordings: Path, credentials: Path, *extra: str) -> tuple[int, dict]:
    result = subprocess.run(
        [
            str(CRMGATE),
            "diff",
            str(recordings),
            "--credentials",
            str(credentials),
            "--json",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def vendor(server: Server) -> Server:
    """crmgate standing in as the vendor: a real ``crmgate serve`` process."""
    return server


@pytest.fixture
def credentials(tmp_path: Path) -> Path:
    path = tmp_path / "credentials.toml"
    path.write_text(readme_credentials())
    return path


def record(vendor: Server, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    gateway = Server(tmp_path / f"{name}.db", "--record", str(folder), *upstream_args(vendor))
    gateway.start()
    try:
        run_examples(gateway, tmp_path / f"{name}-scratch")
    finally:
        gateway.stop()
    return folder


def test_crmgate_recorded_as_its_own_vendor_diffs_clean(
    vendor: Server, tmp_path: Path, credentials: Path
) -> None:
    recordings = record(vendor, tmp_path, "recordings")
    files = sorted(recordings.glob("*/*.json"))
    assert len(files) == 12
    assert "demo-customer" not in "".join(f.read_text() for f in files)
    status, report = diff(recordings, credentials)
    assert report["differing"] == 0, [o for o in report["outcomes"] if o["differences"]]
    assert (status, report["exchanges"], report["same"]) == (0, 12, 12)
    assert set(report["dialects"]) == {d.name for d in load_dialects()}
    assert all(o["notes"] == [] for o in report["outcomes"])
    # the same recording against a running gateway (the "vendor" itself, in a sandbox)
    status, remote = diff(recordings, credentials, "--url", vendor.base_url)
    assert (status, remote["differing"], remote["exchanges"]) == (0, 0, 12)
    assert httpx.get(f"{vendor.base_url}/__admin/sandboxes").json() == []


def test_a_503_on_the_upstream_is_exactly_the_exchanges_it_hit(
    vendor: Server, tmp_path: Path, credentials: Path
) -> None:
    faults = [
        {
            "action": "status",
            "status": 503,
            "dialect": "iservice",
            "method": "GET",
            "path": "/f/webapp-api-custinfo",
        },
        {"action": "status", "status": 503, "dialect": "pf", "path": "/api/contacts/*/links"},
    ]
    for rule in faults:
        assert httpx.post(f"{vendor.base_url}/__admin/faults", json=rule).status_code == 201
    recordings = record(vendor, tmp_path, "faulty")
    status, report = diff(recordings, credentials)
    differing = [o for o in report["outcomes"] if o["differences"]]
    assert status == 1
    assert [(o["dialect"], o["method"], o["path"]) for o in differing] == [
        ("iservice", "GET", "/f/webapp-api-custinfo"),
        ("pf", "POST", "/api/contacts/11078e67-adf5-4306-a903-481ed7aa8c0e/links"),
    ]
    for outcome in differing:
        assert (outcome["vendor_status"], outcome["crmgate_status"]) == (503, 200)
        assert {"kind": "status", "where": "status", "vendor": "503", "crmgate": "200"} in (
            outcome["differences"]
        )
    assert report["differing"] == 2
    assert diff(recordings, credentials, "--allow", "2")[0] == 0


def test_shadow_mode_journals_zero_differences(vendor: Server, tmp_path: Path) -> None:
    gateway = Server(tmp_path / "shadow.db", "--shadow", *upstream_args(vendor))
    gateway.start()
    try:
        run_examples(gateway, tmp_path / "scratch")
        deadline = time.monotonic() + 60
        journal = httpx.get(f"{gateway.base_url}/__admin/diff").json()
        while (journal["exchanges"] < 12 or journal["pending"]) and time.monotonic() < deadline:
            time.sleep(0.2)
            journal = httpx.get(f"{gateway.base_url}/__admin/diff").json()
    finally:
        gateway.stop()
    assert journal["differing"] == 0, [o for o in journal["outcomes"] if o["differences"]]
    assert (journal["exchanges"], journal["dropped"], journal["failed"]) == (12, 0, 0)
