"""AuthFeature: credentials, session cookies, JWT bearer tokens, logout, API keys."""

from __future__ import annotations

import re
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from core.services import Core
from dialects.base import Problem
from dialects.servicestack import auth
from tests.helpers import JOHN_ID, PASSWORDS, FakeClock, sign_in

LINKS = f"/pf/api/contacts/{JOHN_ID}/links"


def test_credentials_sign_in_answers_authenticate_response_and_cookies(
    client: TestClient,
) -> None:
    body = sign_in(client, "pf", "customer11@1to1service.com")
    assert list(body) == [
        "UserId",
        "SessionId",
        "UserName",
        "DisplayName",
        "BearerToken",
        "Roles",
        "AuthProvider",
    ]
    assert body["UserName"] == "customer11@1to1service.com"
    assert body["DisplayName"] == "John Deer"
    assert body["Roles"] == ["Customer"]
    assert client.cookies["ss-id"] == body["SessionId"]
    assert client.cookies["ss-opt"] == "temp"
    assert client.cookies["ss-pid"] != body["SessionId"]
    claims = jwt.decode(body["BearerToken"], options={"verify_signature": False})
    assert claims["sub"] == body["UserId"]
    assert claims["aud"] == "pf"
    assert claims["iss"] == "ssjwt"
    assert client.get(LINKS).status_code == 200


def test_session_ids_are_shaped_like_servicestacks(client: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/SessionExtensions.cs
    ``CreateRandomSessionId``: ``Convert.ToBase64String`` of 15 secure random bytes, drawn
    again while it holds ``+`` or ``/`` (``Base64StringContainsUrlUnfriendlyChars``): 20
    characters of ``[A-Za-z0-9]``, no padding."""
    ids = {sign_in(client, "pf", "jane@demo.local")["SessionId"] for _ in range(5)}
    assert len(ids) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9]{20}", i) for i in ids)


def test_remember_me_sets_the_permanent_session(client: TestClient) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/SessionExtensions.cs
    ``GenerateNewSessionCookiesAsync`` issues a new ``ss-id`` and a new ``ss-pid``, two
    ``CreateRandomSessionId`` values; ``RememberMe`` sets ``ss-opt`` to ``perm``
    (``Auth/AuthenticateService.cs`` ``AuthenticateAsync`` -> ``AddSessionOptions``), and
    ``GetSessionId`` then keys the session by ``ss-pid`` alone."""
    body = {"UserName": "agent@demo.local", "Password": "demo-agent", "RememberMe": True}
    response = client.post("/pf/auth", json=body)
    assert response.status_code == 200
    assert client.cookies["ss-opt"] == "perm"
    assert client.cookies["ss-pid"] == response.json()["SessionId"]
    assert re.fullmatch(r"[A-Za-z0-9]{20}", client.cookies["ss-id"])
    assert client.cookies["ss-id"] != client.cookies["ss-pid"]
    temporary = client.cookies["ss-id"]
    del client.cookies["ss-id"]
    assert client.get(LINKS).status_code == 200
    client.cookies.clear()
    assert client.get(LINKS, headers={"Cookie": f"ss-id={temporary}"}).status_code == 401


def test_only_the_id_ss_opt_names_keys_the_session(client: TestClient) -> None:
    """SessionExtensions.cs ``GetSessionId``: ``IsPermanentSession`` (``ss-opt`` holds
    ``perm``) picks ``ss-pid``, else ``ss-id``; ``GetSessionParam`` reads an ``X-ss-id`` /
    ``X-ss-pid`` / ``X-ss-opt`` header before the cookie. Without ``RememberMe`` a sign-in
    keeps the ``ss-opt`` the request brought (``AddSessionOptions`` is only called when
    ``RememberMe`` has a value)."""
    session = sign_in(client, "pf", "jane@demo.local")["SessionId"]
    permanent = client.cookies["ss-pid"]
    client.cookies.clear()
    assert client.get(LINKS, headers={"X-ss-id": session}).status_code != 401
    assert client.get(LINKS, headers={"X-ss-pid": permanent}).status_code == 401
    both = {"X-ss-id": session, "X-ss-pid": permanent, "X-ss-opt": "perm"}
    assert client.get(LINKS, headers=both).status_code == 401
    body = {"UserName": "jane@demo.local", "Password": PASSWORDS["jane@demo.local"]}
    response = client.post("/pf/auth/credentials", json=body, headers={"X-ss-opt": "perm"})
    assert client.cookies["ss-opt"] == "perm"
    assert client.cookies["ss-pid"] == response.json()["SessionId"]


@pytest.mark.parametrize(
    ("user", "password"),
    [("customer11@1to1service.com", "wrong"), ("nobody@demo.local", "x"), ("", "")],
)
def test_bad_credentials_are_401_invalid_username_or_password(
    client: TestClient, user: str, password: str
) -> None:
    response = client.post("/pf/auth/credentials", json={"UserName": user, "Password": password})
    assert response.status_code == 401
    assert response.json() == {
        "ResponseStatus": {
            "ErrorCode": "Unauthorized",
            "Message": "Invalid Username or Password",
            "Errors": [],
        }
    }


def test_get_auth_describes_the_session_or_is_401(client: TestClient) -> None:
    anonymous = client.get("/pf/auth")
    assert anonymous.status_code == 401
    assert anonymous.json()["ResponseStatus"]["Message"] == "Not Authenticated"
    session = sign_in(client, "pf", "jane@demo.local")["SessionId"]
    current = client.get("/pf/auth").json()
    assert (current["UserName"], current["SessionId"]) == ("jane@demo.local", session)


def test_unknown_provider_is_404(client: TestClient) -> None:
    response = client.post("/pf/auth/facebook", json={})
    assert response.status_code == 404
    assert response.json()["ResponseStatus"]["ErrorCode"] == "NotFound"


@pytest.mark.parametrize("path", ["/pf/auth/logout", "/pf/auth?provider=logout"])
def test_logout_ends_the_session(client: TestClient, path: str) -> None:
    sign_in(client, "pf", "customer11@1to1service.com")
    session = client.cookies["ss-id"]
    response = client.post(path)
    assert response.status_code == 200
    assert response.json() == {}
    assert "ss-id" not in client.cookies
    client.cookies["ss-id"] = session
    assert client.get(LINKS).status_code == 401


def test_bearer_token_is_accepted_without_cookies(client: TestClient) -> None:
    token = sign_in(client, "pf", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    assert client.get(LINKS).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(LINKS, headers=headers).status_code == 200


def test_a_reset_ends_bearer_tokens_the_process_already_verified(client: TestClient) -> None:
    """Issue 17: a reset rotates the signing secret; a token verified (and remembered by the
    token cache) before it is refused after it, and a new sign-in is served."""
    token = sign_in(client, "pf", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(LINKS, headers=headers).status_code == 200
    admin = {"Authorization": "Bearer test-admin-token"}
    assert client.post("/__admin/reset", headers=admin).status_code == 200
    assert client.get(LINKS, headers=headers).status_code == 401
    fresh = sign_in(client, "pf", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    assert client.get(LINKS, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_bearer_token_of_another_site_or_forged_or_expired_is_401(
    client: TestClient, clock: FakeClock
) -> None:
    token = sign_in(client, "bokamera", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    forged = jwt.encode(
        {"sub": "x", "aud": "pf", "iss": "ssjwt", "exp": 9e9},
        "a-guessed-secret-of-thirty-two-bytes!",
    )
    for bad in (token, forged, "not-a-jwt"):
        response = client.get(LINKS, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad
    pf_token = sign_in(client, "pf", "customer11@1to1service.com")["BearerToken"]
    client.cookies.clear()
    clock.advance(days=15)
    response = client.get(LINKS, headers={"Authorization": f"Bearer {pf_token}"})
    assert response.status_code == 401


def test_jwt_secret_from_the_environment(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "CRMGATE_SERVICESTACK_JWT_SECRET", "a-configured-secret-at-least-32-bytes-long"
    )
    token = sign_in(client, "pf", "agent@demo.local")["BearerToken"]
    claims = jwt.decode(
        token, "a-configured-secret-at-least-32-bytes-long", algorithms=["HS256"], audience="pf"
    )
    assert claims["roles"] == ["Employee"]


def test_bokamera_api_key_is_required_when_configured(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "bokamera", "admin@demo.local")
    monkeypatch.setenv("CRMGATE_BOKAMERA_API_KEYS", "key-1, key-2")
    refused = client.get("/bokamera/customers")
    assert refused.status_code == 401
    assert refused.json()["ResponseStatus"]["ErrorCode"] == "Unauthorized"
    ok = client.get("/bokamera/customers", headers={"x-api-key": "key-2"})
    assert ok.status_code == 200
    assert client.get("/bokamera/metadata").status_code == 200


@pytest.mark.parametrize("expires", ["9999999999", None, True, [1]])
def test_a_bearer_token_whose_exp_is_no_number_is_401(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, expires: object
) -> None:
    """A signed token with ``"exp": "..."`` is a bad token, not a crash (issue 17)."""
    secret = "a-configured-secret-at-least-32-bytes-long"
    monkeypatch.setenv("CRMGATE_SERVICESTACK_JWT_SECRET", secret)
    token = sign_in(client, "pf", "agent@demo.local")["BearerToken"]
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience="pf")
    client.cookies.clear()
    forged = jwt.encode({**claims, "exp": expires}, secret, headers={"kid": "pf"})
    response = client.get(LINKS, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_two_sites_in_one_cookie_jar_keep_their_own_sessions(client: TestClient) -> None:
    """Under a prefix the session cookies are scoped to it (issue 17: PF and BokaMera both set
    ``ss-id`` with ``Path=/`` and the second sign-in replaced the first)."""
    body = {"UserName": "customer11@1to1service.com", "Password": "demo-customer"}
    pf = client.post("/pf/auth/credentials", json=body)
    bm = client.post("/bokamera/auth/credentials", json={**body, "RememberMe": True})
    for response, prefix in ((pf, "/pf"), (bm, "/bokamera")):
        cookies = response.headers.get_list("set-cookie")
        assert cookies
        assert all(f"Path={prefix};" in c or c.endswith(f"Path={prefix}") for c in cookies)
    assert client.get(LINKS).status_code == 200  # PF's session survived BokaMera's sign-in
    assert client.get("/bokamera/auth").status_code == 200
    logout = client.post("/bokamera/auth/logout")
    assert all("Path=/bokamera" in c for c in logout.headers.get_list("set-cookie"))
    assert client.get(LINKS).status_code == 200


def test_at_the_host_root_cookies_keep_path_slash(client: TestClient) -> None:
    body = {"UserName": "customer11@1to1service.com", "Password": "demo-customer"}
    response = client.post("/auth/credentials", json=body, headers={"Host": "pfapi.pstpf.com.au"})
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    assert cookies
    assert all("Path=/;" in c or c.endswith("Path=/") for c in cookies)


@pytest.mark.parametrize(
    ("user", "roles"),
    [
        (
            "admin@demo.local",
            ["bookingsupplier-administrator-write", "bookingsupplier-administrator-read"],
        ),
        (
            "agent@demo.local",
            ["bookingsupplier-administrator-write", "bookingsupplier-administrator-read"],
        ),
        ("customer11@1to1service.com", []),
    ],
)
def test_bokamera_role_names(client: TestClient, user: str, roles: list[str]) -> None:
    """BokaMera's own role names, as its metadata pages state what a company administrator's
    operation requires ("Requires any of the roles: bookingsupplier-administrator-write,
    superadmin" on api.bokamera.se/xml/metadata?op=GDPRCustomerQuery; ``...-read`` on
    testapi.bokamera.se/xml/metadata?op=CreateCustomer), in ``AuthenticateResponse.Roles``
    (ServiceStack/ServiceStack, ServiceStack/src/ServiceStack.Client/AuthDtos.cs) and the
    JWT's ``roles`` claim; a plain customer has none."""
    body = sign_in(client, "bokamera", user)
    assert body["Roles"] == roles
    claims = jwt.decode(body["BearerToken"], options={"verify_signature": False})
    assert claims["roles"] == roles


@pytest.mark.parametrize(("remember", "lives"), [(False, 14), (True, 28)])
def test_session_lifetimes(
    client: TestClient, clock: FakeClock, remember: bool, lives: int
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/ServiceStackHost.Runtime.cs
    ``GetDefaultSessionExpiry``: a session is cached for ``SessionFeature.DefaultSessionExpiry``
    (two weeks) from sign-in, a permanent one for ``DefaultPermanentSessionExpiry`` (four
    weeks); using it does not extend it."""
    body = {"UserName": "agent@demo.local", "Password": "demo-agent", "RememberMe": remember}
    assert client.post("/pf/auth", json=body).status_code == 200
    clock.advance(days=lives - 1)
    assert client.get("/pf/auth").status_code == 200
    clock.advance(days=1, seconds=1)
    assert client.get("/pf/auth").status_code == 401


def test_a_credential_is_checked_once_until_sessions_or_users_change(
    client: TestClient, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same credential headers are looked up once (core's ``VerifiedTokens``); a write of
    sessions or users (another sign-in) makes the next request look again."""
    sign_in(client, "pf", "customer11@1to1service.com")
    looked_up: list[str | None] = []
    real = core.sessions.resolve_until

    def counting(token: str | None, kind: str) -> Any:
        looked_up.append(token)
        return real(token, kind)

    monkeypatch.setattr(core.sessions, "resolve_until", counting)
    assert client.get(LINKS).status_code == 200
    assert client.get(LINKS).status_code == 200
    assert len(looked_up) == 1
    other = TestClient(client.app)
    sign_in(other, "pf", "agent@demo.local")
    assert client.get(LINKS).status_code == 200
    assert len(looked_up) == 2


def test_api_keys_are_read_on_every_call_and_matched_as_the_header_carries_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The variable is read afresh each call; a key is compared with the header's Latin-1
    bytes, and one no header can carry still makes the site require a key."""
    name = "CRMGATE_TEST_API_KEYS"
    monkeypatch.delenv(name, raising=False)
    auth.check_api_key(name, {})
    monkeypatch.setenv(name, " ")
    auth.check_api_key(name, {})
    monkeypatch.setenv(name, "caf\u00e9, k\u20ac")
    auth.check_api_key(name, {b"x-api-key": "caf\u00e9".encode("latin-1")})
    for given in ({}, {b"x-api-key": "k\u20ac".encode()}, {b"x-api-key": b"k?"}):
        with pytest.raises(Problem) as refused:
            auth.check_api_key(name, given)
        assert refused.value.status == 401
    monkeypatch.setenv(name, "other")
    with pytest.raises(Problem):
        auth.check_api_key(name, {b"x-api-key": "caf\u00e9".encode("latin-1")})
