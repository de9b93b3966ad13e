"""What ``make bench`` loads, per dialect: each function logs in and returns its endpoints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import msgspec

from bench.crmcom import body as crmcom_body
from bench.load import Target

ROOT = Path(__file__).resolve().parent.parent


def iservice(base: str) -> list[Target]:
    forms = f"{base}/iservice/f"
    login = httpx.post(
        f"{forms}/webapp-api-login?api=login",
        json={"emailAddress": "customer11@1to1service.com", "password": "demo-customer"},
    )
    cookie = (("Cookie", f"sessionID={login.cookies['sessionID']}"),)
    return [
        Target("iService loggedin (no session)", f"{forms}/webapp-api-login?api=loggedin"),
        Target(
            "iService getdetails 466",
            f"{forms}/webapp-api-custinfo?api=getdetails&contactID=466",
            headers=cookie,
        ),
        Target(
            "iService setdetails (seed 003, commit)",
            f"{forms}/webapp-api-custinfo?api=setdetails",
            method="POST",
            body=(ROOT / "fixtures/golden/003/setdetails-request.json").read_bytes(),
            headers=(*cookie, ("Content-Type", "application/json")),
        ),
    ]


def crmcom(base: str) -> list[Target]:
    credentials = {"username": "admin@demo.local", "password": "demo-admin", "organisation": "DEMO"}
    token = httpx.post(f"{base}/crmcom/authentication/token", json=credentials).json()
    url = f"{base}/crmcom/customer_events/bulk/social_media/create"
    json_type = (("Content-Type", "application/json"),)
    return [
        Target(
            f"CRM.COM bulk of {n} events (commit)",
            url,
            method="POST",
            body=msgspec.json.encode(crmcom_body(token["data"]["token"], n)),
            headers=json_type,
        )
        for n in (100, 1000)
    ]


#: dialect name -> its bench targets; a dialect adds one line here.
TARGETS: dict[str, Callable[[str], list[Target]]] = {"iservice": iservice, "crmcom": crmcom}
