"""Which codec reads a request body and which answers it, as Web API 2's formatters decide
(aspnet/AspNetWebStack, src/System.Net.Http.Formatting/Formatting/DefaultContentNegotiator.cs)."""

from __future__ import annotations

from typing import Any, TypeVar
from xml.etree import ElementTree

import msgspec
from starlette.requests import Request

from dialects.base import Problem
from dialects.formats import form
from dialects.formats.codec import Codec
from dialects.formats.content_type import UnsupportedMediaType, request_format
from dialects.formats.datacontract import INSTANCE, DataContractXml, parse
from dialects.formats.json import WebApiJson

T = TypeVar("T")

CODECS: dict[str, Codec] = {"json": WebApiJson(), "xml": DataContractXml()}
#: Formats a body may come in (the default formatters: JSON, XML, form-urlencoded).
READABLE = ("json", "xml", "form")


#: The writing formatters in Web API's default order, with their SupportedMediaTypes.
FORMATTERS = (("json", ("application/json", "text/json")), ("xml", ("application/xml", "text/xml")))
#: MediaTypeFormatterMatchRanking, in the order SelectResponseMediaTypeFormatter prefers them.
_LITERAL, _SUBTYPE, _ALL = "literal", "subtype", "all"


def response_type(request: Request) -> tuple[str, str]:
    """(Content-Type with charset, format name) of the answer to ``request``."""
    fmt, media_type = select_formatter(
        request.headers.get("accept"), request.headers.get("content-type")
    )
    return f"{media_type}; charset=utf-8", fmt


def _accept_items(header: str | None) -> list[tuple[str, float]]:
    """(media type, quality) of each Accept item, best quality first (a stable sort)."""
    items = []
    for raw in (header or "").split(","):
        media, *params = (part.strip() for part in raw.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        items.append((media.lower(), quality))
    return sorted(items, key=lambda item: -item[1])


def _range(supported: str, accepted: str) -> str | None:
    """MediaTypeHeaderValue.IsSubsetOf: how ``supported`` falls within ``accepted``."""
    if accepted == "*/*":
        return _ALL
    family, _, sub = accepted.partition("/")
    if sub == "*":
        return _SUBTYPE if supported.startswith(family + "/") else None
    return _LITERAL if supported == accepted else None


def select_formatter(accept: str | None, content_type: str | None) -> tuple[str, str]:
    """(format, media type) as DefaultContentNegotiator picks them (no media type mappings).

    Per formatter, in order: its first supported media type within the best-quality Accept
    item (``MatchAcceptHeader``), else the request's Content-Type (``MatchRequestMediaType``),
    else it can write the type (``MatchType``). Then: the best Accept match - literal, then
    ``type/*``, then ``*/*``, each replaced only by a strictly higher quality, the first
    formatter winning ties - else the first request media type match, else JSON. No 406.
    """
    items = _accept_items(accept)
    request_type = (content_type or "").split(";", 1)[0].strip().lower()
    best: dict[str, tuple[float, str, str]] = {}
    on_request: tuple[str, str] | None = None
    for fmt, supported in FORMATTERS:
        match = next(
            (
                (quality, ranking, media)
                for accepted, quality in items
                if quality > 0
                for media in supported
                if (ranking := _range(media, accepted)) is not None
            ),
            None,
        )
        if match is not None:
            quality, ranking, media = match
            if ranking not in best or quality > best[ranking][0]:
                best[ranking] = (quality, fmt, media)
        elif on_request is None and request_type in supported:
            on_request = (fmt, request_type)
    chosen: tuple[float, str, str] | None = None
    for ranking in (_LITERAL, _SUBTYPE, _ALL):
        if ranking in best and (chosen is None or best[ranking][0] > chosen[0]):
            chosen = best[ranking]
    if chosen is not None:
        return chosen[1], chosen[2]
    return on_request or ("json", "application/json")


def read_body(body: bytes, content_type: str | None, type_: type[T]) -> T:
    """Decode ``body`` with the formatter its Content-Type names (a 415 Problem when none does;
    a body sent without a Content-Type is application/octet-stream, as .NET reads it)."""
    try:
        fmt = request_format(content_type or "application/octet-stream", READABLE)
    except UnsupportedMediaType as exc:
        # SRResources UnsupportedMediaType / UnsupportedMediaTypeNoContentType
        # (FormatterParameterBinding.ReadContentAsync).
        message = (
            f"The request entity's media type '{exc.media_type}' is not supported "
            "for this resource."
        )
        if content_type is None:
            message = (
                "The request contains an entity body but no Content-Type header. The inferred "
                f"media type '{exc.media_type}' is not supported for this resource."
            )
        raise Problem(415, message) from exc
    if fmt == "form":
        return form.decode(body, type_)
    return CODECS[fmt].decode(body, type_)


def write(request: Request, obj: msgspec.Struct) -> tuple[bytes, str]:
    """``obj`` encoded as the request negotiates: (body, Content-Type)."""
    media_type, fmt = response_type(request)
    return CODECS[fmt].encode(obj), media_type


def write_list(
    request: Request, items: list[T], item_type: type[msgspec.Struct]
) -> tuple[bytes, str]:
    """A List<T> as the request negotiates: a JSON array or DataContract's ``ArrayOfT``."""
    media_type, fmt = response_type(request)
    if fmt == "json":
        return CODECS[fmt].encode(items), media_type
    return _array_of(items, item_type), media_type


def _array_of(items: list[Any], item_type: type[msgspec.Struct]) -> bytes:
    """``ArrayOfT`` with the items inside, built from the codec's own item documents (the
    DataContract codec writes single objects only)."""
    namespace = getattr(item_type, "xml_namespace", "")
    ElementTree.register_namespace("i", INSTANCE)
    root = ElementTree.Element(f"{{{namespace}}}ArrayOf{item_type.__name__}")
    root.extend(parse(CODECS["xml"].encode(item)) for item in items)
    return ElementTree.tostring(root, default_namespace=namespace)
