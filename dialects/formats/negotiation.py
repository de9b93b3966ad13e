"""Content negotiation over plain strings: which format answers, which format the body is.

Order (ServiceStack's, WIRE.md): ``?format=``, then a ``.json``/``.xml``/``.jsv`` suffix on
the path, then ``Accept`` (q-values, ``type/*`` and ``*/*`` wildcards), then the request's own
Content-Type, then the dialect's default. Web API passes no query format and no suffix and
gets Accept, Content-Type, default. Dialects turn :class:`NotAcceptable` into their 406 and
:class:`UnsupportedMediaType` into their 415 envelope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Format name -> the media types that select it (the first is its canonical type).
MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    "json": ("application/json", "text/json"),
    "xml": ("application/xml", "text/xml"),
    "jsv": ("text/jsv",),
    "csv": ("text/csv",),
    "form": ("application/x-www-form-urlencoded",),
}
_FORMAT_OF = {media: name for name, types in MEDIA_TYPES.items() for media in types}


class NegotiationError(ValueError):
    """Base of the two outcomes a dialect answers with its own error envelope."""


class NotAcceptable(NegotiationError):
    """No supported format satisfies ``?format=`` or (when strict) ``Accept``: 406."""


class UnsupportedMediaType(NegotiationError):
    """The request body's Content-Type has no decoder here: 415."""

    def __init__(self, media_type: str) -> None:
        super().__init__(f"The request entity's media type '{media_type}' is not supported")
        self.media_type = media_type


@dataclass(frozen=True, slots=True)
class Negotiated:
    """The chosen response ``format``, the ``media_type`` to answer with (the one the
    client named, if it named a concrete one) and the ``path`` without a format suffix."""

    format: str
    media_type: str
    path: str


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


def _accept(header: str) -> list[tuple[float, int, str]]:
    """Accept items as (q, -position, media type), best first."""
    items = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((q, -position, media.lower()))
    return sorted(items, reverse=True)


def _from_accept(header: str, supported: tuple[str, ...], default: str) -> tuple[str, str] | None:
    for _, _, media in _accept(header):
        if media == "*/*":
            return default, MEDIA_TYPES[default][0]
        if media.endswith("/*"):
            family = media[:-1]
            for name in (default, *supported):
                match = next((m for m in MEDIA_TYPES[name] if m.startswith(family)), None)
                if match:
                    return name, match
            continue
        name = _FORMAT_OF.get(media)
        if name in supported:
            return name, media
    return None


def response_format(
    *,
    path: str,
    supported: Iterable[str],
    default: str,
    query_format: str | None = None,
    accept: str | None = None,
    content_type: str | None = None,
    suffixes: bool = True,
    strict_accept: bool = False,
) -> Negotiated:
    """Pick the response format. An Accept header naming nothing supported falls back to the
    request's Content-Type and the default (what ServiceStack and Web API do) unless
    ``strict_accept``, which answers :class:`NotAcceptable` instead."""
    formats = tuple(supported)
    if default not in formats:
        raise ValueError(f"default format {default!r} is not among {formats}")
    if query_format:
        name = query_format.strip().lower()
        if name not in formats:
            raise NotAcceptable(f"format '{query_format}' is not supported")
        return Negotiated(name, MEDIA_TYPES[name][0], _strip_suffix(path, formats)[0])
    if suffixes:
        stripped, name = _strip_suffix(path, formats)
        if name:
            return Negotiated(name, MEDIA_TYPES[name][0], stripped)
    if accept and accept.strip():
        found = _from_accept(accept, formats, default)
        if found:
            return Negotiated(found[0], found[1], path)
        if strict_accept:
            raise NotAcceptable(f"none of '{accept}' is supported")
    name = _FORMAT_OF.get(media_type_of(content_type))
    if name in formats and name != "form":
        return Negotiated(name, MEDIA_TYPES[name][0], path)
    return Negotiated(default, MEDIA_TYPES[default][0], path)


def _strip_suffix(path: str, formats: tuple[str, ...]) -> tuple[str, str | None]:
    head, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext.lower() in formats and ext.lower() != "form":
        return head, ext.lower()
    return path, None
