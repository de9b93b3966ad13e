"""Which codec reads a request body and which answers it, as Web API 2's formatters decide."""

from __future__ import annotations

from typing import Any, TypeVar
from xml.etree import ElementTree

import msgspec
from starlette.requests import Request

from dialects.base import Problem
from dialects.formats import form
from dialects.formats.codec import Codec
from dialects.formats.datacontract import INSTANCE, DataContractXml, parse
from dialects.formats.json import WebApiJson
from dialects.formats.negotiation import UnsupportedMediaType, request_format, response_format

T = TypeVar("T")

CODECS: dict[str, Codec] = {"json": WebApiJson(), "xml": DataContractXml()}
#: Formats a body may come in (the default formatters: JSON, XML, form-urlencoded).
READABLE = ("json", "xml", "form")
#: Formats an answer may go out in; JSON is the first formatter, so the fallback.
WRITABLE = ("json", "xml")


def response_type(request: Request) -> tuple[str, str]:
    """(Content-Type with charset, format name) of the answer to ``request``."""
    chosen = response_format(
        path=request.url.path,
        supported=WRITABLE,
        default="json",
        accept=request.headers.get("accept"),
        content_type=request.headers.get("content-type"),
        suffixes=False,
    )
    return f"{chosen.media_type}; charset=utf-8", chosen.format


def read_body(body: bytes, content_type: str | None, type_: type[T]) -> T:
    """Decode ``body`` with the formatter its Content-Type names (a 415 Problem when none does;
    a body sent without a Content-Type is application/octet-stream, as .NET reads it)."""
    try:
        fmt = request_format(content_type or "application/octet-stream", READABLE)
    except UnsupportedMediaType as exc:
        message = (
            f"The request entity's media type '{exc.media_type}' is not supported "
            "for this resource."
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
