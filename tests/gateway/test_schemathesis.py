"""Schemathesis against a live ``crmgate serve``, every check (``--checks all``), signed in to
each dialect the way its clients are (issue 17): no 5xx, and every answer conforms to the
OpenAPI document the gateway serves. Every operation runs: each dialect's (ServiceStack's
predefined routes ``/json|xml|jsv/reply/X`` and ``/api/X`` included) and the admin API's, with
schema-valid and schema-violating data alike (CLI ``--mode all``).

Two settings are the vendors', not the document's:

- a request the schema allows may still be refused with 400 by the vendor's own rules
  (FluentValidation's NotEmpty on a ServiceStack Id, an unknown fixture table, OAuth's
  invalid_grant), so 400 counts as an accepted answer to schema-valid data;
- ``negative_data_rejection`` (a schema-violating request must get a 4xx) is off: the vendors
  take what OpenAPI cannot call valid - ServiceStack and the admin API ignore query
  parameters they do not know and read an empty one as unset, CRM.COM answers a body it
  cannot read with 200 and its error envelope (which the document describes) - and
  OpenAPI has no way to say "unknown query parameters are ignored". What such a request gets
  is still checked: no 5xx, and an answer the document describes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from tests.helpers import PASSWORDS, Server

pytestmark = pytest.mark.slow

ADMIN_TOKEN = "schemathesis-admin"
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {"enabled": False},
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
            },
        }
    }
)
USER = "admin@demo.local"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    """A server per dialect: the admin run leaves fault rules and sandboxes behind."""
    server = Server(tmp_path / "s.db", admin_token=ADMIN_TOKEN)
    server.start()
    yield server.base_url
    server.stop()


def _iservice(base: str) -> dict[str, str]:
    credentials = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
    response = httpx.post(f"{base}/iservice/f/webapp-api-login?api=login", json=credentials)
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in response.cookies.items())}


def _webapi(base: str) -> dict[str, str]:
    form = {"grant_type": "password", "username": USER, "password": PASSWORDS[USER]}
    token = httpx.post(f"{base}/webapi/Token", data=form).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _servicestack(site: str) -> Callable[[str], dict[str, str]]:
    def sign_in(base: str) -> dict[str, str]:
        body = {"UserName": USER, "Password": PASSWORDS[USER]}
        token = httpx.post(f"{base}/{site}/auth/credentials", json=body).json()["BearerToken"]
        return {"Authorization": f"Bearer {token}"}

    return sign_in


def _admin(base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _crmcom(base: str) -> dict[str, str]:
    """CRM.COM takes its token in the body or the query: it is put into each case."""
    body = {"username": USER, "password": PASSWORDS[USER], "organisation": "DEMO"}
    token = httpx.post(f"{base}/crmcom/authentication/token", json=body).json()["data"]["token"]
    return {"X-Crmcom-Token": token}


#: tag -> how its client signs in (headers each call carries)
LOGINS: dict[str, Callable[[str], dict[str, str]]] = {
    "iservice": _iservice,
    "crmcom": _crmcom,
    "webapi": _webapi,
    "pf": _servicestack("pf"),
    "bokamera": _servicestack("bokamera"),
    "admin": _admin,
}
#: Sessions a generated call can end (iService's ``api=logout``): signed in again before each
#: call, so the calls after a sign-out still reach the signed-in code.
PER_CALL = {"iservice"}


def _with_crmcom_token(case: schemathesis.Case, token: str) -> None:
    if isinstance(case.query, dict) and "token" in case.query:
        case.query["token"] = token
    if isinstance(case.body, dict) and "token" in case.body:
        case.body["token"] = token


@pytest.mark.parametrize("tag", sorted(LOGINS))
def test_every_operation_passes_every_check(live: str, tag: str) -> None:
    headers = LOGINS[tag](live)
    crmcom_token = headers.pop("X-Crmcom-Token", None)
    schema = schemathesis.openapi.from_url(
        f"{live}/__admin/openapi.json", config=CONFIG, headers=_admin(live)
    ).include(tag=tag)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=20,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        def check(case: schemathesis.Case) -> None:
            if crmcom_token:
                _with_crmcom_token(case, crmcom_token)
            signed_in = LOGINS[tag](live) if tag in PER_CALL else headers
            case.call_and_validate(headers=signed_in)

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
