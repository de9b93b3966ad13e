from __future__ import annotations

import pytest

from dialects.formats.negotiation import (
    Negotiated,
    NotAcceptable,
    UnsupportedMediaType,
    media_type_of,
    request_format,
    response_format,
)

SS = ("json", "xml", "jsv", "csv")


def pick(**kwargs: object) -> Negotiated:
    kwargs.setdefault("path", "/api/contacts/1/links")
    kwargs.setdefault("supported", SS)
    kwargs.setdefault("default", "json")
    return response_format(**kwargs)  # type: ignore[arg-type]


def test_query_format_wins_over_everything() -> None:
    got = pick(query_format="XML", path="/x.jsv", accept="text/jsv")
    assert got == Negotiated("xml", "application/xml", "/x")


def test_unsupported_query_format_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable):
        pick(query_format="yaml")


def test_path_suffix_then_accept() -> None:
    assert pick(path="/customers/1.jsv", accept="application/xml") == Negotiated(
        "jsv", "text/jsv", "/customers/1"
    )
    assert pick(path="/customers/1.jsv", suffixes=False).path == "/customers/1.jsv"
    assert pick(path="/v1.2/customers").format == "json"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/xml", ("xml", "application/xml")),
        ("text/xml; charset=utf-8", ("xml", "text/xml")),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ("xml", "application/xml"),
        ),
        ("application/json;q=0.5, text/jsv", ("jsv", "text/jsv")),
        ("text/jsv;q=0.5, application/json;q=0.5", ("jsv", "text/jsv")),
        ("*/*", ("json", "application/json")),
        ("text/*", ("json", "text/json")),
        ("application/*", ("json", "application/json")),
        ("image/*, text/plain", ("json", "application/json")),
        ("application/json;q=0, application/xml;q=bad, text/jsv;level=1", ("jsv", "text/jsv")),
        (" , application/xml", ("xml", "application/xml")),
    ],
)
def test_accept_with_q_values_and_wildcards(accept: str, expected: tuple[str, str]) -> None:
    got = pick(accept=accept)
    assert (got.format, got.media_type) == expected


def test_unmatched_accept_falls_back_to_content_type_then_default() -> None:
    assert pick(accept="text/plain", content_type="application/xml").format == "xml"
    assert pick(accept="text/plain", content_type="text/plain").format == "json"
    assert pick(content_type="application/x-www-form-urlencoded").format == "json"
    with pytest.raises(NotAcceptable):
        pick(accept="text/plain", strict_accept=True)


def test_type_wildcard_prefers_the_default_then_the_supported_order() -> None:
    assert pick(accept="text/*", default="xml").format == "xml"
    assert pick(accept="text/*", supported=("xml", "jsv"), default="xml").media_type == "text/xml"
    got = response_format(
        path="/", supported=("xml", "jsv"), default="xml", accept="text/jsv, text/*"
    )
    assert got.format == "jsv"


def test_webapi_style_without_query_or_suffix() -> None:
    got = response_format(
        path="/api/v1/customers/me/socialCredentials.xml",
        supported=("json", "xml"),
        default="json",
        accept="text/xml",
        suffixes=False,
    )
    assert got == Negotiated("xml", "text/xml", "/api/v1/customers/me/socialCredentials.xml")


def test_default_must_be_supported() -> None:
    with pytest.raises(ValueError, match="default"):
        response_format(path="/", supported=("xml",), default="json")


def test_request_format_from_content_type() -> None:
    assert request_format("application/json; charset=utf-8", SS) == "json"
    assert request_format("Text/JSV", SS) == "jsv"
    assert request_format("application/x-www-form-urlencoded", ("json", "form")) == "form"
    with pytest.raises(UnsupportedMediaType) as err:
        request_format("text/plain", SS)
    assert err.value.media_type == "text/plain"
    with pytest.raises(UnsupportedMediaType, match="none"):
        request_format(None, SS)
    assert media_type_of(None) == ""
