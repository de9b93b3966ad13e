"""Logging in as the recording did: passwords from the credentials file, tokens and cookies
from crmgate's answers; in shadow mode the vendor's secrets swapped for crmgate's."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.diff.logins import (
    Credentials,
    CredentialsError,
    SecretBook,
    read_credentials,
    secret_members,
)
from gateway.diff.model import answer
from tests.helpers import JOHN

CREDENTIALS = Credentials(passwords={JOHN: "demo-customer"}, secrets={"X-Api-Key": "key-1"})
JSON = [("content-type", "application/json")]


def test_credentials_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials.toml"
    path.write_text(f'[passwords]\n"{JOHN}" = "demo-customer"\n[secrets]\nx-api-key = "k"\n')
    assert read_credentials(str(path)) == Credentials({JOHN: "demo-customer"}, {"x-api-key": "k"})
    assert read_credentials(None) == Credentials()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[passwords", "credentials file"),
        ("[users]\na = 1\n", "credentials file"),
        ("[passwords]\na = 1\n", "credentials file"),
    ],
)
def test_bad_credentials_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(CredentialsError, match=message):
        read_credentials(str(path))
    with pytest.raises(CredentialsError, match="no credentials file"):
        read_credentials(str(tmp_path / "missing.toml"))


def test_secret_members_of_json_and_xml() -> None:
    assert secret_members({"data": {"token": "t", "n": 1}, "x": [{"sessionID": "s"}]}) == {
        "$.data.token": ("token", "t"),
        "$.x[0].sessionID": ("sessionID", "s"),
    }


def test_xml_answers_teach_tokens_too() -> None:
    book = SecretBook(Credentials())
    xml = [("content-type", "application/xml")]
    vendor = answer(200, xml, b"<R><BearerToken>***</BearerToken><Name>a</Name></R>")
    book.learn(vendor, answer(200, xml, b"<R><BearerToken>jwt-1</BearerToken><Name>b</Name></R>"))
    assert book.tokens == {"bearertoken": "jwt-1"}
    assert book.body("<R><BearerToken>***</BearerToken></R>", "") == (
        "<R><BearerToken>jwt-1</BearerToken></R>"
    )


def test_passwords_go_to_the_user_a_login_names() -> None:
    book = SecretBook(CREDENTIALS)
    body = f'{{"emailAddress":"{JOHN}","password":"***"}}'
    assert book.body(body, body) == f'{{"emailAddress":"{JOHN}","password":"demo-customer"}}'
    form = "grant_type=password&username=customer11%401to1service.com&password=***"
    assert book.body(form, form).endswith("&password=demo-customer")
    xml = f"<Auth><UserName>{JOHN}</UserName><Password>***</Password></Auth>"
    assert "<Password>demo-customer</Password>" in book.body(xml, xml)
    jsv = f"{{UserName:{JOHN},Password:***}}"
    assert book.body(jsv, jsv) == f"{{UserName:{JOHN},Password:demo-customer}}"
    assert book.notes == []


def test_an_unknown_user_leaves_the_mask_and_says_so() -> None:
    book = SecretBook(CREDENTIALS)
    body = '{"emailAddress":"nobody@x","password":"***"}'
    assert book.body(body, body) == body
    assert book.notes == ["no value for the masked password"]


def test_tokens_from_crmgates_answers_fill_later_requests() -> None:
    book = SecretBook(CREDENTIALS)
    vendor = answer(200, JSON, b'{"data":{"token":"***"}}')
    book.learn(vendor, answer(200, JSON, b'{"data":{"token":"abc123"}}'))
    assert book.body('{"token":"***","x":1}', "") == '{"token":"abc123","x":1}'
    assert book.query("token=%2A%2A%2A&a=1", "") == "token=abc123&a=1"
    assert book.query("a=1", "") == "a=1"
    assert book.headers({"authorization": "Bearer ***", "accept": "*/*"}, "") == {
        "authorization": "Bearer abc123",
        "accept": "*/*",
    }
    assert book.headers({"x-api-key": "***"}, "") == {"x-api-key": "key-1"}
    # only a bearer-like name takes the latest token; others need their own
    assert book.body('{"refresh_token":"***"}', "") == '{"refresh_token":"***"}'
    assert book.notes == ["no value for the masked refresh_token"]


def test_the_latest_bearer_token_wins() -> None:
    book = SecretBook(Credentials())
    book.learn(answer(200, JSON, b"{}"), answer(200, JSON, b'{"access_token":"one"}'))
    book.learn(answer(200, JSON, b"{}"), answer(200, JSON, b'{"BearerToken":"two"}'))
    assert book.headers({"authorization": "***"}, "") == {"authorization": "Bearer two"}
    assert book.body('{"AccessToken":"***"}', "") == '{"AccessToken":"one"}'


def test_no_token_yet() -> None:
    book = SecretBook(Credentials())
    assert book.headers({"authorization": "Bearer ***"}, "") == {"authorization": "Bearer ***"}
    assert book.notes == ["no token for the masked Authorization header"]


def test_basic_authorization_from_the_credentials_file() -> None:
    book = SecretBook(Credentials(secrets={"authorization": "Basic a2V5Og=="}))
    assert book.headers({"authorization": "Basic ***"}, "") == {"authorization": "Basic a2V5Og=="}


def test_cookies_crmgate_set_go_where_the_recording_sent_cookies() -> None:
    book = SecretBook(Credentials())
    own = answer(
        200,
        [("set-cookie", "ss-id=A; Path=/"), ("set-cookie", "ss-pid=B"), ("set-cookie", "x=1")],
        b"",
    )
    book.learn(answer(200, [], b""), own)
    assert book.headers({"cookie": "ss-id=***; ss-pid=***"}, "") == {"cookie": "ss-id=A; ss-pid=B"}
    assert book.headers({"cookie": "***"}, "") == {"cookie": "ss-id=A; ss-pid=B; x=1"}
    book.learn(answer(200, [], b""), answer(200, [("set-cookie", "ss-id=; Max-Age=0")], b""))
    assert book.headers({"cookie": "ss-id=***"}, "") == {}


def test_shadow_mode_swaps_the_vendors_secrets_for_crmgates() -> None:
    book = SecretBook(Credentials())
    vendor = answer(
        200, [*JSON, ("set-cookie", "sessionID=vendor-session-1")], b'{"sessionID":"vendor-sid-22"}'
    )
    own = answer(
        200, [*JSON, ("set-cookie", "sessionID=own-session-1")], b'{"sessionID":"own-sid"}'
    )
    book.learn(vendor, own)
    assert book.headers({"cookie": "sessionID=vendor-session-1"}, "") == {
        "cookie": "sessionID=own-session-1"
    }
    assert book.query("sid=vendor-sid-22", "") == "sid=own-sid"
    assert book.body('{"s":"vendor-sid-22"}', "") == '{"s":"own-sid"}'
    short = SecretBook(Credentials())
    short.learn(answer(200, JSON, b'{"token":"abc"}'), answer(200, JSON, b'{"token":"defghijkl"}'))
    assert short.swaps == {}


def test_answers_without_a_tree_teach_only_cookies() -> None:
    book = SecretBook(Credentials())
    book.learn(
        answer(200, [("content-type", "text/html")], b"<p>"),
        answer(200, [("content-type", "application/json")], b"{"),
    )
    assert book.tokens == {}
