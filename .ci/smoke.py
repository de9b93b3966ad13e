"""Smoke-test an installed crmgate from a folder outside the checkout.

Run by the throwaway venv's Python with the working directory somewhere else:
``crmgate reset`` and ``crmgate serve`` on the shipped demo set, health, a sandbox and a reset
loaded by name, and one login per dialect, then the server is stopped.
Usage: python smoke.py PATH/TO/crmgate
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

JOHN = "customer11@1to1service.com"
ADMIN = "admin@demo.local"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen[bytes]) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            return httpx.get(f"{base}/__admin/health").raise_for_status().json()
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"crmgate serve did not come up (exit {proc.poll()})")


def check(what: str, ok: bool) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        raise SystemExit(f"smoke test failed: {what}")


def logins(http: httpx.Client) -> None:
    iservice = http.post(
        "/iservice/f/webapp-api-login?api=login",
        json={"emailAddress": JOHN, "password": "demo-customer"},
    )
    check("iService login", iservice.json()["errors"] == [] and "sessionID" in iservice.cookies)
    crmcom = http.post(
        "/crmcom/authentication/token",
        json={"username": ADMIN, "password": "demo-admin", "organisation": "DEMO"},
    )
    check("CRM.COM token", len(crmcom.json()["data"]["token"]) == 32)
    token = http.post(
        "/webapi/Token",
        data={"grant_type": "password", "username": JOHN, "password": "demo-customer"},
    )
    check("Web API /Token", token.json()["token_type"] == "bearer")
    for host, user, password in (
        ("pfapi.pstpf.com.au", JOHN, "demo-customer"),
        ("testapi.bokamera.se", ADMIN, "demo-admin"),
    ):
        auth = http.post(
            "/auth/credentials",
            json={"UserName": user, "Password": password},
            headers={"Host": host},
        )
        check(f"ServiceStack login at {host}", auth.json()["BearerToken"].count(".") == 2)


def main(crmgate: str) -> int:
    db = Path("smoke.db")
    reset = subprocess.run([crmgate, "reset", "--db", str(db), "--fixtures", "demo"], check=False)
    check("crmgate reset --fixtures demo", reset.returncode == 0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [crmgate, "serve", "--port", str(port), "--db", str(db), "--admin-token", ""]
    proc = subprocess.Popen(serve)
    try:
        health = wait_healthy(base, proc)
        check("health", health["status"] == "ok" and health["fixtures"] == "demo")
        with httpx.Client(base_url=base, timeout=30) as http:
            logins(http)
            box = http.post("/__admin/sandboxes", json={"fixtures": "demo"})
            check("sandbox with the demo set", box.status_code == 201 and box.json()["rows"] > 0)
            again = http.post("/__admin/reset?fixtures=demo")
            check("reset?fixtures=demo", again.json()["fixtures"] == "demo")
            page = http.get("/__admin/")
            check("dashboard page", page.status_code == 200 and "<html" in page.text.lower())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    check("serve stopped", proc.returncode is not None)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
