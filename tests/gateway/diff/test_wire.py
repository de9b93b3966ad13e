"""Rules on the answer's head, one test each."""

from __future__ import annotations

from gateway.diff import wire
from gateway.diff.model import Answer, Difference, answer


def with_headers(*headers: tuple[str, str], status: int = 200) -> Answer:
    return answer(status, list(headers), b"")


def test_status() -> None:
    assert wire.status(with_headers(), with_headers()) == []
    assert wire.status(with_headers(status=503), with_headers()) == [
        Difference("status", "status", "503", "200")
    ]


def test_content_type_compares_media_type_and_charset_not_spelling() -> None:
    json_utf8 = with_headers(("Content-Type", "application/json; charset=utf-8"))
    spelled = with_headers(("content-type", 'Application/JSON;charset="UTF-8"'))
    assert wire.content_type(json_utf8, spelled) == []
    assert wire.content_type(json_utf8, with_headers(("content-type", "application/xml"))) == [
        Difference("content-type", "media type", "application/json", "application/xml"),
        Difference("content-type", "charset", "utf-8", "-"),
    ]
    assert wire.content_type(with_headers(), with_headers()) == []


def test_www_authenticate_compares_schemes_and_parameter_names() -> None:
    bearer = with_headers(("WWW-Authenticate", 'Bearer realm="a", error="invalid_token"'))
    other_realm = with_headers(("www-authenticate", 'Bearer error="x", realm="b"'))
    assert wire.www_authenticate(bearer, other_realm) == []
    basic = with_headers(("www-authenticate", "Basic"))
    assert wire.www_authenticate(bearer, basic) == [
        Difference("header", "WWW-Authenticate", "bearer (error, realm)", "basic")
    ]
    assert wire.www_authenticate(basic, with_headers())[0].crmgate == "absent"


def test_allow_compares_the_set_of_methods() -> None:
    a = with_headers(("Allow", "GET, POST"))
    assert wire.allow(a, with_headers(("allow", "post,get"))) == []
    assert wire.allow(a, with_headers(("allow", "GET"))) == [
        Difference("header", "Allow", "GET, POST", "GET")
    ]


def test_location_is_absent_relative_or_absolute_whatever_it_names() -> None:
    relative = with_headers(("Location", "/api/contacts/1"))
    assert wire.location(relative, with_headers(("location", "/api/contacts/2"))) == []
    assert wire.location(relative, with_headers(("location", "http://h/api/contacts/1"))) == [
        Difference("header", "Location", "relative", "absolute URL")
    ]
    assert wire.location(with_headers(), relative)[0].vendor == "absent"


def test_cookies_by_name_and_attributes_never_by_value_or_expiry() -> None:
    vendor = with_headers(
        ("Set-Cookie", "ss-id=abc; HttpOnly; Path=/; SameSite=Lax"),
        ("Set-Cookie", "ss-opt=temp; Max-Age=600; Path=/"),
    )
    same = with_headers(
        ("set-cookie", "ss-id=xyz; path=/; samesite=lax; httponly"),
        ("set-cookie", "ss-opt=perm; max-age=999; path=/"),
    )
    assert wire.cookies(vendor, same) == []
    other = with_headers(
        ("set-cookie", "ss-id=xyz; Path=/pf; SameSite=Lax"),
        ("set-cookie", "ss-opt=; Max-Age=0; Path=/"),
        ("set-cookie", "extra=1"),
    )
    assert wire.cookies(vendor, other) == [
        Difference("cookie", "extra", "absent", "sets"),
        Difference(
            "cookie",
            "ss-id",
            "httponly; path=/; samesite=lax; sets",
            "path=/pf; samesite=lax; sets",
        ),
        Difference("cookie", "ss-opt", "max-age; path=/; sets", "max-age; path=/; deletes"),
    ]


def test_deletes() -> None:
    assert wire.deletes({"max-age": "0"})
    assert wire.deletes({"max-age": "-1"})
    assert not wire.deletes({"max-age": "60"})
    assert wire.deletes({"expires": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert not wire.deletes({"expires": "Thu, 01 Jan 2099 00:00:00 GMT"})
    assert not wire.deletes({"expires": "whenever"})
    assert not wire.deletes({})


def test_parse_set_cookie() -> None:
    assert wire.parse_set_cookie('a="b c"; Secure; Path=/x') == (
        "a",
        "b c",
        {"secure": "", "path": "/x"},
    )


def test_answer_reads_byte_headers_in_lower_case() -> None:
    a = answer(200, [(b"X-A", b"1"), (b"x-a", b"2")], b"")
    assert a.all("x-a") == ["1", "2"]
    assert a.first("x-b") is None
