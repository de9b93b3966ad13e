"""WireMock (npm package ``wiremock``, run with Java 17) serving the same bytes as static stubs.

The peer a user would otherwise pick: for each crmgate endpoint we record crmgate's own answer
and stub it in WireMock, so both serve identical bytes and only the server differs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.load import Target

VERSION = "3.13.2"
TOOLS = Path(__file__).resolve().parent / ".tools"


def jar() -> Path | None:
    """The standalone jar from the npm package, installed under bench/.tools on first use."""
    if shutil.which("java") is None or shutil.which("npm") is None:
        return None
    found = list(TOOLS.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not found:
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                f"wiremock@{VERSION}",
            ],
            check=True,
            capture_output=True,
        )
        found = list(TOOLS.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return found[0] if found else None


def stub(target: Target, answer: httpx.Response) -> dict:
    parts = urlsplit(target.url)
    request: dict = {"method": target.method, "urlPath": parts.path}
    if parts.query:
        request["queryParameters"] = {
            k: {"equalTo": v} for k, _, v in (p.partition("=") for p in parts.query.split("&"))
        }
    accept = dict(target.headers).get("Accept")
    if accept:
        request["headers"] = {"Accept": {"equalTo": accept}}
    headers = {"Content-Type": answer.headers.get("content-type", "application/octet-stream")}
    return {
        "request": request,
        "response": {"status": answer.status_code, "body": answer.text, "headers": headers},
    }


@contextmanager
def serving(stubs: list[dict], root: Path, port: int) -> Iterator[str]:
    (root / "mappings").mkdir(parents=True)
    for i, mapping in enumerate(stubs):
        (root / "mappings" / f"{i}.json").write_text(json.dumps(mapping))
    found = jar()
    if found is None:
        raise FileNotFoundError("java or npm missing: no WireMock")
    proc = subprocess.Popen(
        [
            "java",
            "-jar",
            str(found),
            "--port",
            str(port),
            "--root-dir",
            str(root),
            "--disable-banner",
            "--no-request-journal",
            "--async-response-enabled",
            "true",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/__admin/mappings")
                break
            except httpx.TransportError:
                subprocess.run(["sleep", "0.1"], check=True)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
