"""Host settings that change a ServiceStack site's wire: both values of each."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dialects.servicestack.operations import HostSettings
from dialects.servicestack.pf import dialect as pf
from tests.helpers import JOHN_ID, sign_in

LINKS = f"/pf/api/contacts/{JOHN_ID}/links"


def test_defaults_and_the_environment_override() -> None:
    """Both sites default to PascalCase JSON and a BearerToken in the body (see
    docs/wire/servicestack.md for why); ``CRMGATE_{SITE}_CAMEL_CASE`` and
    ``CRMGATE_{SITE}_TOKEN_COOKIE`` switch them per site."""
    assert HostSettings.from_env("pf", {}) == HostSettings(False, False)
    env = {"CRMGATE_PF_CAMEL_CASE": "true", "CRMGATE_PF_TOKEN_COOKIE": "1"}
    assert HostSettings.from_env("pf", env) == HostSettings(True, True)
    assert HostSettings.from_env("bokamera", env) == HostSettings(False, False)
    assert HostSettings.from_env("pf", {"CRMGATE_PF_CAMEL_CASE": "no"}).use_camel_case is False


@pytest.mark.parametrize(("camel", "first"), [(False, "Roles"), (True, "roles")])
def test_use_camel_case(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, camel: bool, first: str
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/HostConfig.cs: ``UseCamelCase``
    (true in the .NET Core defaults, false otherwise) makes every JSON answer camelCase;
    XML keeps the contract names."""
    monkeypatch.setattr(pf, "settings", HostSettings(use_camel_case=camel))
    sign_in(client, "pf", "customer11@1to1service.com")
    assert next(iter(client.get(LINKS).json())) == first
    assert b"<Roles>" in client.get(LINKS, headers={"Accept": "application/xml"}).content


@pytest.mark.parametrize("use_cookie", [False, True])
def test_use_token_cookie(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, use_cookie: bool
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Auth/JwtAuthProviderReader.cs
    ``AuthenticateResponseDecorator`` / ``ToTokenCookiesHttpResult``: with ``UseTokenCookie``
    the JWT is moved from ``BearerToken`` into an HttpOnly ``ss-tok`` cookie
    (``Keywords.TokenCookie``) and the server session is removed; the cookie then
    authenticates (``GetJwtToken`` reads it when there is no bearer header)."""
    monkeypatch.setattr(pf, "settings", HostSettings(use_token_cookie=use_cookie))
    body = sign_in(client, "pf", "customer11@1to1service.com")
    assert ("BearerToken" in body) is not use_cookie
    assert ("ss-tok" in client.cookies) is use_cookie
    assert client.get(LINKS).status_code == 200
    if use_cookie:
        del client.cookies["ss-tok"]
        assert client.get(LINKS).status_code == 401  # the session itself was removed
