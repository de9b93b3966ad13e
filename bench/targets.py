"""What ``make bench`` loads, per dialect: each function logs in and returns its endpoints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import msgspec

from bench.crmcom import body as crmcom_body
from bench.load import Target
from bench.servicestack import JOHN, JSON_UPDATE, JSV_UPDATE, SEED_002, WALTER

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


def _servicestack_cookie(base: str, site: str) -> tuple[tuple[str, str], ...]:
    body = {"UserName": "admin@demo.local", "Password": "demo-admin"}
    signed_in = httpx.post(f"{base}/{site}/auth/credentials", json=body)
    cookies = "; ".join(f"{k}={v}" for k, v in signed_in.cookies.items())
    return (("Cookie", cookies),)


def pf(base: str) -> list[Target]:
    cookie = _servicestack_cookie(base, "pf")
    links = f"{base}/pf/api/contacts/{JOHN}/links"
    xml = (("Content-Type", "application/xml"), ("Accept", "application/xml"))
    return [
        Target("PF GET links JSON", links, headers=cookie),
        Target("PF GET links XML", links, headers=(*cookie, ("Accept", "application/xml"))),
        Target("PF links XML (seed 002 POST)", links, "POST", SEED_002, (*cookie, *xml)),
    ]


def bokamera(base: str) -> list[Target]:
    cookie = _servicestack_cookie(base, "bokamera")
    put = f"{base}/bokamera/customers/{WALTER}"
    json_type = (("Content-Type", "application/json"),)
    jsv = (("Content-Type", "text/jsv"), ("Accept", "text/jsv"))
    return [
        Target("BokaMera PUT JSON (commit)", put, "PUT", JSON_UPDATE, (*cookie, *json_type)),
        Target("BokaMera PUT JSV (commit)", put, "PUT", JSV_UPDATE, (*cookie, *jsv)),
    ]


def webapi(base: str) -> list[Target]:
    form = {
        "grant_type": "password",
        "username": "customer11@1to1service.com",
        "password": "demo-customer",
    }
    token = httpx.post(f"{base}/webapi/Token", data=form).json()["access_token"]
    headers = (("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"))
    return [
        Target(
            "Web API POST socialCredentials (seed 000)",
            f"{base}/webapi/api/v1/customers/me/socialCredentials",
            "POST",
            (ROOT / "fixtures/golden/000/cus-social-account.json").read_bytes(),
            headers,
        )
    ]


#: dialect name -> its bench targets; a dialect adds one line here.
TARGETS: dict[str, Callable[[str], list[Target]]] = {
    "servicestack.pf": pf,
    "servicestack.bokamera": bokamera,
    "iservice": iservice,
    "webapi": webapi,
    "crmcom": crmcom,
}
