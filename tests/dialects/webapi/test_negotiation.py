"""Web API 2's DefaultContentNegotiator, as the dialect applies it (pure function)."""

from __future__ import annotations

import pytest

from dialects.webapi.negotiation import select_formatter


@pytest.mark.parametrize(
    ("accept", "content_type", "chosen"),
    [
        (None, None, ("json", "application/json")),
        (None, "application/xml", ("xml", "application/xml")),
        (None, "text/xml; charset=utf-8", ("xml", "text/xml")),
        ("*/*", "application/xml", ("json", "application/json")),
        ("application/xml, application/json", None, ("json", "application/json")),
        ("application/json;q=0.5, application/xml", None, ("xml", "application/xml")),
        ("text/xml", None, ("xml", "text/xml")),
        ("text/*", None, ("json", "text/json")),
        ("*/*;q=0.5, application/xml;q=0.4", None, ("json", "application/json")),
        ("*/*;q=0.3, application/xml;q=0.4", None, ("xml", "application/xml")),
        ("application/xml;q=0", "application/xml", ("xml", "application/xml")),
        ("application/json;q=0, application/xml;q=0", None, ("json", "application/json")),
        ("text/html", "application/xml", ("xml", "application/xml")),
        ("image/png", None, ("json", "application/json")),
    ],
)
def test_the_default_content_negotiator(
    accept: str | None, content_type: str | None, chosen: tuple[str, str]
) -> None:
    """aspnet/AspNetWebStack, src/System.Net.Http.Formatting/Formatting/
    DefaultContentNegotiator.cs: ``ComputeFormatterMatches`` tries, per writing formatter (JSON
    then XML), ``MatchAcceptHeader`` (Accept sorted by q, the formatter's first supported
    media type within it; q=0 never matches), else ``MatchRequestMediaType``, else
    ``MatchType``; ``SelectResponseMediaTypeFormatter`` prefers an Accept match (literal,
    then ``type/*``, then ``*/*``, ``UpdateBestMatch`` replacing only on a strictly higher
    quality, so the first formatter wins ties), then the request media type, then the first
    formatter that can write the type (JSON): never a 406 (``ShouldMatchOnType``)."""
    assert select_formatter(accept, content_type) == chosen
