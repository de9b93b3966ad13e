"""The formats a ServiceStack site speaks, taken from ``dialects.formats``: which codec reads a
body, which one answers, and the answer itself. No grammar here, only the choice.

A format key is ``json``, ``xml`` or ``jsv``; ``json:cc`` is JSON with camelCase names, what
a request gets with ``?jsconfig=TextCase:CamelCase`` (or ``tc:cc``, ``EmitCamelCaseNames``)
[ServiceStack.Text JsConfig.CreateScope; HostConfig.AllowJsConfig].
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dialects.base import Problem
from dialects.formats import form, json, jsv, schema, ssjson
from dialects.formats.codec import Codec
from dialects.formats.datacontract import DataContractXml
from dialects.formats.errors import DecodeError
from dialects.servicestack import negotiation

#: Formats a site answers in, and the Content-Type of each answer: ContentTypes'
#: ``ContentTypeFormats``, with ``; charset=utf-8`` on JSON only
#: (``HostConfig.AppendUtf8CharsetOnContentTypes``); ``jsv:text`` is JSV answered as
#: ``text/jsv`` (see negotiation.TEXT_JSV).
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "application/xml",
    "jsv": "application/jsv",
    negotiation.TEXT_JSV: "text/jsv",
}
FORMATS = ("json", "xml", "jsv")
DEFAULT = "json"
CAMEL = ":cc"

_PARSERS: dict[str, Callable[[bytes], Any]] = {"json": json.parse, "jsv": jsv.parse}
_CAMEL_ON = {("tc", "cc"), ("tc", "camelcase"), ("textcase", "cc"), ("textcase", "camelcase")}

_NO_QUERY: Mapping[str, str] = MappingProxyType({})


@dataclasses.dataclass(frozen=True)
class Formats:
    """One codec per format key, configured the way one ServiceStack host is (Guid format,
    omitted defaults)."""

    codecs: Mapping[str, Codec]

    def encode(self, obj: Any, fmt: str) -> bytes:
        """``obj``, or a list of DTOs (an auto-batched answer: JSON and JSV only)."""
        codec = self.codecs.get(fmt) or self.codecs[fmt.split(":")[0]]
        if not isinstance(obj, list):
            return codec.encode(obj)
        return b"[" + b",".join(codec.encode(item) for item in obj) + b"]"

    def decode(self, buf: bytes, fmt: str, type_: type) -> Any:
        """The body, read in format ``fmt`` (``json``, ``xml``, ``jsv`` or ``form``), as
        ``type_``."""
        if fmt == "form":
            return form.decode(buf, type_)
        return self.codecs[fmt].decode(buf, type_)

    def decode_list(self, buf: bytes, fmt: str, type_: type) -> list[Any]:
        """An auto-batched body: a JSON or JSV list of ``type_``."""
        parser = _PARSERS.get(fmt)
        if parser is None:
            raise Problem(415, "Auto-batched requests are sent in JSON or JSV.")
        tree = parser(buf)
        if not isinstance(tree, list):
            raise DecodeError(f"an auto-batched request is a list of {type_.__name__}")
        return [schema.convert(item, type_) for item in tree]


def formats_for(guid_format: str, omit_defaults: tuple[str, ...] = ()) -> Formats:
    return Formats(
        {
            "json": json.ServiceStackJson(guid_format, omit_defaults),
            "json" + CAMEL: json.ServiceStackJson(guid_format, omit_defaults, ssjson.camel),
            "xml": DataContractXml(),
            "jsv": jsv.Jsv(guid_format, omit_defaults),
        }
    )


def parse_query_value(raw: str) -> Any:
    """A list or nested DTO given in a query string is written in JSV."""
    return jsv.parse(raw.encode())


def query_of(request: Request) -> Mapping[str, str]:
    """The request's query parameters; an empty query string is not parsed (most calls have
    none, and each format and bind step asks)."""
    return request.query_params if request.scope.get("query_string") else _NO_QUERY


def _camel(request: Request) -> bool:
    for item in query_of(request).get("jsconfig", "").split(","):
        key, _, value = item.strip().lower().partition(":")
        if (key, value) in _CAMEL_ON or (
            key in ("eccn", "emitcamelcasenames") and value not in ("false", "0")
        ):
            return True
    return False


def with_case(request: Request, fmt: str, camel: bool = False) -> str:
    """``fmt``, as ``json:cc`` when the host writes camelCase (``camel``) or the request asks
    for it."""
    return fmt + CAMEL if fmt == "json" and (camel or _camel(request)) else fmt


def negotiate(request: Request, path: str, camel: bool = False) -> tuple[str, str]:
    """The answer's format key on a user route, and the path without its format suffix."""
    fmt, stripped = negotiation.user_route_format(
        path,
        query_of(request),
        request.headers.get("accept"),
        request.headers.get("content-type"),
    )
    return with_case(request, fmt, camel), stripped


def content_type(fmt: str) -> str:
    """The Content-Type of an answer in format key ``fmt``."""
    return CONTENT_TYPES.get(fmt) or CONTENT_TYPES[fmt.split(":")[0]]


def response(
    formats: Formats, body: Any, fmt: str, *, status: int = 200, headers: Mapping[str, str] = {}
) -> Response:
    """ServiceStack's exact Content-Type (Starlette would add a charset to ``text/jsv``)."""
    return Response(
        formats.encode(body, fmt),
        status_code=status,
        headers={"content-type": content_type(fmt), **headers},
    )
