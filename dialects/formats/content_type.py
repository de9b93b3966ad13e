"""Which format a request body is in, from its Content-Type (plain strings).

Which format *answers* is each vendor's own rule and lives with its dialect
(``dialects.webapi.negotiation``: DefaultContentNegotiator; ``dialects.servicestack.negotiation``:
RestHandler / GenericHandler). Dialects turn :class:`UnsupportedMediaType` into their 415.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Format name -> the media types that select it (the first is its canonical type).
MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    "json": ("application/json", "text/json"),
    "xml": ("application/xml", "text/xml"),
    "jsv": ("application/jsv", "text/jsv"),
    "csv": ("text/csv",),
    "form": ("application/x-www-form-urlencoded",),
}
_FORMAT_OF = {media: name for name, types in MEDIA_TYPES.items() for media in types}


class NegotiationError(ValueError):
    """Base of the outcomes a dialect answers with its own error envelope."""


class UnsupportedMediaType(NegotiationError):
    """The request body's Content-Type has no decoder here: 415."""

    def __init__(self, media_type: str) -> None:
        super().__init__(f"The request entity's media type '{media_type}' is not supported")
        self.media_type = media_type


def media_type_of(header: str | None) -> str:
    """The bare, lower-cased media type of a Content-Type or Accept item."""
    return (header or "").split(";", 1)[0].strip().lower()


def request_format(content_type: str | None, supported: Iterable[str]) -> str:
    """The decoder for a request body, from its Content-Type."""
    media = media_type_of(content_type)
    name = _FORMAT_OF.get(media)
    if name is None or name not in supported:
        raise UnsupportedMediaType(media or "(none)")
    return name
