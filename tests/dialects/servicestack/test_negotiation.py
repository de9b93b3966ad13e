"""ServiceStack's choice of formats, as its handlers make it (pure functions)."""

from __future__ import annotations

import pytest

from dialects.servicestack.negotiation import (
    Plugins,
    accept_format,
    body_format,
    predefined_format,
    query_format,
    strip_suffix,
    user_route_format,
)

BOTH = Plugins(html=True, csv=True)


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        (None, None, "json"),
        (None, "application/xml", "json"),
        ("application/xml, application/json", None, "json"),
        ("application/xml;q=1, application/json;q=0.1", None, "json"),
        ("application/xml, application/json", "application/xml", "xml"),
        ("application/jsv", None, "jsv"),
        ("application/xml", "text/jsv", "xml"),
        ("*/*", "application/xml", "xml"),
        ("*/*", "text/jsv", "jsv:text"),
        ("*/*", "application/x-www-form-urlencoded", "json"),
        ("*/*", None, "json"),
        ("text/jsv", None, "jsv:text"),
        ("text/html", None, "json"),
        ("text/csv", "application/xml", "json"),
    ],
)
def test_accept_follows_the_preferred_content_types_not_q_values(
    accept: str | None, content_type: str | None, fmt: str
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/HttpRequestExtensions.cs
    ``GetResponseContentType``: every Accept item is matched (``StartsWith``, no q-values)
    against ``HostConfig.PreferredContentTypes`` (JSON, XML, JSV once JSON is the default:
    ``ServiceStackHost.RunAfterPluginsLoaded``); a match that equals the request's
    Content-Type wins, else the first match in *preference* order; ``*/*`` answers the
    request's Content-Type (not a form's), else the default (JSON). No Accept at all is the
    default too, whatever the body. ``text/jsv`` in Accept answers ``text/jsv`` because seed
    004 shows it (ServiceStack's own table has no ``text/jsv``)."""
    assert accept_format(accept, content_type) == fmt


@pytest.mark.parametrize(
    ("path", "query", "fmt"),
    [
        ("/json/reply/X", {}, "json"),
        ("/jsv/reply/X", {}, "jsv"),
        ("/xml", {}, "xml"),
        ("/customers/1", {}, None),
        ("/api/X", {}, None),
        ("/json/reply/X", {"format": "xml"}, "xml"),
        ("/json/reply/X", {"format": "XML.foo"}, "xml"),
        ("/json/reply/X", {"format": "csv"}, "csv"),
        ("/json/reply/X", {"format": "html"}, None),
        ("/json/reply/X", {"format": ""}, None),
        ("/csv/reply/X", {}, "csv"),
        ("/xml/reply/X", {"callback": "cb"}, "json"),
        ("/js", {}, None),
    ],
)
def test_query_string_content_type(path: str, query: dict[str, str], fmt: str | None) -> None:
    """HttpRequestExtensions.cs ``GetQueryStringContentType``: ``?callback=`` is JSON; a
    ``?format=`` (its part before a dot) names the format, and an unknown one names nothing
    (the path is not looked at then); without ``?format=`` a first path segment of three or
    four letters may name it. ``csv`` is named even without CsvFormat (the fallback switch
    of ``Host/ContentTypes.cs`` ``GetFormatContentType``), ``html`` only with HtmlFormat."""
    assert query_format(query, path) == fmt


def test_a_suffix_wins_over_the_query_on_user_routes() -> None:
    """Host/RestHandler.cs: ``GetRestPath`` keeps the suffix's content type in
    ``ResponseContentType`` and ``ProcessRequestAsync`` sets it over the request's."""
    assert user_route_format("/c/1.xml", {"format": "json"}, "application/jsv", None) == (
        "xml",
        "/c/1",
    )
    assert user_route_format("/c/1", {"format": "jsv"}, "application/xml", None) == ("jsv", "/c/1")
    assert user_route_format("/c/1.csv", {}, None, None) == ("csv", "/c/1")
    assert user_route_format("/c/1.html", {}, None, None) == ("json", "/c/1.html")


def test_predefined_routes_answer_the_query_or_their_own_format() -> None:
    """Host/Handlers/GenericHandler.cs ``ProcessRequestAsync``."""
    assert predefined_format("/xml/reply/X", {"format": "json"}, "xml") == "json"
    assert predefined_format("/api/X", {}, "json") == "json"
    assert predefined_format("/api/X", {"format": "jsv"}, "json") == "jsv"


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("application/json; charset=utf-8", "json"),
        ("text/json", "json"),
        ("text/xml", "xml"),
        ("application/jsv", "jsv"),
        ("text/jsv", "jsv"),
        ("application/x-www-form-urlencoded", "form"),
        ("text/csv", None),
        (None, None),
    ],
)
def test_body_formats_and_their_aliases(content_type: str | None, fmt: str | None) -> None:
    """ServiceStack.Client/ContentFormat.cs ``ContentTypeAliases`` (``text/json``,
    ``text/xml``, ``text/jsv``); anything without a deserializer is not read."""
    assert body_format(content_type) == fmt


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/c/1.xml", ("/c/1", "xml")),
        ("/c/1.XML", ("/c/1.XML", None)),
        ("/c/1.Json", ("/c/1.Json", None)),
        ("/c/1.yaml", ("/c/1.yaml", None)),
        ("/c/1.", ("/c/1.", None)),
    ],
)
def test_a_suffix_names_a_format_case_sensitively(
    path: str, expected: tuple[str, str | None]
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/RestHandler.cs
    ``GetSanitizedPathInfo`` passes the extension as written to ``ContentTypes.
    GetFormatContentType`` (a plain ``Dictionary`` and a ``switch``: case-sensitive), unlike
    ``?format=``, which ``GetQueryStringContentType`` lower-cases first."""
    assert strip_suffix(path) == expected
    assert query_format({"format": "XML"}, "/c/1") == "xml"


@pytest.mark.parametrize(
    ("plugins", "accept", "content_type", "fmt"),
    [
        (BOTH, None, None, "html"),
        (BOTH, "*/*", None, "html"),
        (BOTH, "*/*", "application/x-www-form-urlencoded", "html"),
        (BOTH, "*/*", "application/xml", "xml"),
        (BOTH, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None, "html"),
        (BOTH, "application/json, text/html", None, "html"),
        (BOTH, "text/csv", None, "csv"),
        (BOTH, "text/csv, application/xml", None, "xml"),
        (BOTH, "text/csv, */*", None, "html"),
        (Plugins(csv=True), "text/csv", None, "csv"),
        (Plugins(csv=True), "text/csv, */*", None, "json"),
        (Plugins(csv=True), "text/html", None, "json"),
        (Plugins(), "text/csv", None, "json"),
    ],
)
def test_accept_with_the_format_plugins(
    plugins: Plugins, accept: str | None, content_type: str | None, fmt: str
) -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Formats/HtmlFormat.cs
    ``Register`` makes HTML the default content type, which ``ServiceStackHost.
    RunAfterPluginsLoaded`` moves to the front of ``PreferredContentTypes``; CSV is no
    preferred type, so ``HttpRequestExtensions.GetResponseContentType`` answers ``text/csv``
    only after the preferred types and ``*/*`` had no say (its loop over
    ``ContentTypeFormats.Values``), and only when CsvFormat registered it."""
    assert accept_format(accept, content_type, plugins) == fmt


def test_plugin_formats_by_name() -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/ContentTypes.cs
    ``GetFormatContentType``; ``Register`` adds ``html`` and ``csv`` to
    ``ContentTypeFormats``; a ``text/csv`` body is read once CsvFormat registered
    ``CsvSerializer.DeserializeFromStream`` for it."""
    assert user_route_format("/c/1.html", {}, None, None, BOTH) == ("html", "/c/1")
    assert user_route_format("/c/1", {"format": "html"}, None, None, BOTH) == ("html", "/c/1")
    assert predefined_format("/html/reply/X", {}, "html", BOTH) == "html"
    assert predefined_format("/csv/reply/X", {"format": "json"}, "csv", BOTH) == "json"
    assert body_format("text/csv; charset=utf-8", BOTH) == "csv"
    assert body_format("text/html", BOTH) is None
