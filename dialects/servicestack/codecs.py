"""The formats a ServiceStack site speaks, taken from ``dialects.formats``: which codec reads a
body, which one answers, and the answer itself. No grammar here, only the choice.

A format key is ``json``, ``xml``, ``jsv``, ``csv`` or ``html``; ``json:cc`` is JSON with
camelCase names, what a request gets with ``?jsconfig=TextCase:CamelCase`` (or ``tc:cc``,
``EmitCamelCaseNames``) [ServiceStack.Text JsConfig.CreateScope; HostConfig.AllowJsConfig].
HTML is the snapshot page (``snapshot.py``) around the JSON answer.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dialects.base import Problem
from dialects.formats import csv, form, json, jsv, schema, ssjson
from dialects.formats.codec import Codec
from dialects.formats.datacontract import DataContractXml
from dialects.formats.errors import DecodeError
from dialects.servicestack import negotiation, snapshot
from dialects.servicestack.dto import SERVICESTACK_TYPES

#: Formats a site answers in, and the Content-Type of each answer: ContentTypes'
#: ``ContentTypeFormats``, with ``; charset=utf-8`` on JSON only
#: (``HostConfig.AppendUtf8CharsetOnContentTypes``); ``jsv:text`` is JSV answered as
#: ``text/jsv`` (see negotiation.TEXT_JSV).
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "application/xml",
    "jsv": "application/jsv",
    negotiation.TEXT_JSV: "text/jsv",
    "csv": csv.MEDIA_TYPE,
    "html": snapshot.MEDIA_TYPE,
}
_RAW_TYPES = {fmt: media.encode("latin-1") for fmt, media in CONTENT_TYPES.items()}
FORMATS = ("json", "xml", "jsv")
#: Predefined routes of the format plugins: ``/csv/reply/X``, ``/html/reply/X``.
PLUGIN_FORMATS = ("csv", "html")
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
        if not isinstance(obj, list) or fmt == "csv":
            return codec.encode(obj)
        return b"[" + b",".join(codec.encode(item) for item in obj) + b"]"

    def decode(self, buf: bytes, fmt: str, type_: type) -> Any:
        """The body, read in format ``fmt`` (``json``, ``xml``, ``jsv``, ``csv`` or
        ``form``), as ``type_``; an HTML body is not read (HtmlFormat has no deserializer)."""
        if fmt == "form":
            return form.decode(buf, type_)
        if fmt == "html":
            return None
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


@dataclasses.dataclass(frozen=True)
class EncodedOnce(Formats):
    """``Formats`` that encode each answer object once per format, for as long as it lives.

    For an operation whose handler hands out the very same answer object while the answer
    holds, and never changes one (``Operation.shared_answers``): its bytes in a format are
    then a function of that object alone. They are remembered under its identity and forgotten
    when it dies (``weakref.finalize``), before another object can take its id. An object that
    cannot be weakly referred to (a batch's list) is encoded every time.
    """

    #: ``id(obj)`` -> its bytes by format key, while ``obj`` lives.
    _bodies: dict[int, dict[str, bytes]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    def encode(self, obj: Any, fmt: str) -> bytes:
        bodies = self._bodies
        key = id(obj)
        known = bodies.get(key)
        if known is None:
            try:
                weakref.finalize(obj, bodies.pop, key, None)
            except TypeError:
                return super().encode(obj, fmt)
            known = bodies[key] = {}
        body = known.get(fmt)
        if body is None:
            body = known[fmt] = super().encode(obj, fmt)
        return body


def data_contract(cls: type) -> bool:
    """Whether a DTO carries ``[DataContract]`` (ServiceStack.Text ``IsDto``): ServiceStack's
    own DTOs do (``[DataContract(Namespace = "http://schemas.servicestack.net/types")]``);
    the sites' DTOs are POCOs (their XML namespace is the CLR default one)."""
    return getattr(cls, "xml_namespace", None) == SERVICESTACK_TYPES


def formats_for(guid_format: str, omit_defaults: tuple[str, ...] = ()) -> Formats:
    return Formats(
        {
            "json": json.ServiceStackJson(guid_format, omit_defaults),
            "json" + CAMEL: json.ServiceStackJson(guid_format, omit_defaults, ssjson.camel),
            "xml": DataContractXml(),
            "jsv": jsv.Jsv(guid_format, omit_defaults),
            "csv": csv.Csv(guid_format, data_contract),
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


def negotiate(
    request: Request,
    path: str,
    camel: bool = False,
    plugins: negotiation.Plugins = negotiation.NONE,
) -> tuple[str, str]:
    """The answer's format key on a user route, and the path without its format suffix."""
    fmt, stripped = negotiation.user_route_format(
        path,
        query_of(request),
        request.headers.get("accept"),
        request.headers.get("content-type"),
        plugins,
    )
    return with_case(request, fmt, camel), stripped


class Decisions:
    """``negotiate``'s answers, remembered by what decides them: the format a path suffix
    or a short first path segment names, the query string, ``Accept``, ``Content-Type``, the
    host's case and plugins. Most requests of a client ask alike; bounded in count."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._known: dict[tuple[object, ...], str] = {}
        self._plugins: negotiation.Plugins | None = None

    def negotiate(
        self,
        request: Request,
        path: str,
        camel: bool,
        plugins: negotiation.Plugins,
        accept: bytes | None,
        content_type: bytes | None,
    ) -> tuple[str, str]:
        """``negotiate(request, path, camel, plugins)``; ``accept`` and ``content_type`` are
        the request's first such headers."""
        head, dot, ext = path.rpartition(".")
        suffix = plugins.name(ext) if dot else None
        segment = None
        if suffix is None and len(path) >= 3:
            first = (path[1:] if path.startswith("/") else path).partition("/")[0]
            segment = plugins.name(first.lower()) if len(first) <= 4 else None
        if plugins is not self._plugins:  # the host's settings changed: decide afresh
            self._known.clear()
            self._plugins = plugins
        key = (suffix, segment, request.scope.get("query_string", b""), accept, content_type, camel)
        fmt = self._known.get(key)
        if fmt is None:
            fmt = negotiate(request, path, camel, plugins)[0]
            if len(self._known) >= self.size:
                self._known.clear()
            self._known[key] = fmt
        return fmt, head if suffix else path


def content_type(fmt: str) -> str:
    """The Content-Type of an answer in format key ``fmt``."""
    return CONTENT_TYPES.get(fmt) or CONTENT_TYPES[fmt.split(":")[0]]


@dataclasses.dataclass(frozen=True)
class Page:
    """What an HTML snapshot shows besides the answer: the operation and its request."""

    request: Request
    request_name: str
    request_dto: Any = None
    json_format: str = "json"
    now: datetime | None = None


def response(
    formats: Formats,
    body: Any,
    fmt: str,
    *,
    status: int = 200,
    headers: Mapping[str, str] = {},
    page: Page | None = None,
    csv_loaded: bool = True,
) -> Response:
    """ServiceStack's exact Content-Type (Starlette would add a charset to ``text/jsv``).

    CSV without CsvFormat (``csv_loaded`` false) is what ServiceStack does when no
    serializer is registered for the answer's content type: ``ContentTypes.
    SerializeUnknownContentType`` throws ``NotSupportedException``, answered as a 500 with
    an empty body (HttpResponseExtensionsInternal ``HandleResponseWriteException``)."""
    if fmt == "csv" and not csv_loaded:
        return Response(b"", status_code=500, headers={"content-type": csv.MEDIA_TYPE})
    content = _snapshot(formats, body, page) if fmt == "html" else formats.encode(body, fmt)
    if headers:
        return Answer(content, status, {"content-type": content_type(fmt), **headers})
    return Answer(content, status, None, _RAW_TYPES.get(fmt) or content_type(fmt).encode())


class Answer(Response):
    """A Starlette ``Response`` whose headers are given in full (Content-Type among them): the
    raw header list is built directly, in ``Response.init_headers``' order (the given ones,
    then ``Content-Length``)."""

    def __init__(
        self,
        body: bytes,
        status: int,
        headers: Mapping[str, str] | None,
        raw_type: bytes = b"",
    ) -> None:
        """``headers`` (with Content-Type), or else only ``raw_type`` as Content-Type."""
        self.status_code = status
        self.background = None
        self.body = body
        if headers is None:
            raw = [(b"content-type", raw_type)]
        else:
            raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        if not (status < 200 or status in (204, 304)) and (
            headers is None or b"content-length" not in dict(raw)
        ):
            raw.append((b"content-length", str(len(body)).encode()))
        self.raw_headers = raw


def _snapshot(formats: Formats, body: Any, page: Page | None) -> bytes:
    json_format = page.json_format if page else "json"
    request_json = None
    if page is not None and page.request_dto is not None:
        request_json = formats.encode(page.request_dto, json_format).decode()
    name = page.request_name if page else type(body).__name__
    url = str(page.request.url) if page else ""
    base = str(page.request.base_url) if page else "/"
    return snapshot.page(
        request_name=name,
        dto_json=formats.encode(body, json_format).decode(),
        request_json=request_json,
        url=url,
        base_url=base,
        now=(page.now if page else None) or datetime.now(UTC),
    )


_NOT_VAR = re.compile(r"[^A-Za-z0-9._]")
#: HostConfig.JsonpContentType.
JAVASCRIPT = "text/javascript"


def jsonp_callback(request: Request) -> str | None:
    """``?callback=`` made a safe name (``GetJsonpCallback``: ServiceStack.Text
    ``SafeVarRef`` turns anything but letters, digits, ``.`` and ``_`` into ``_``)."""
    callback = query_of(request).get("callback")
    return _NOT_VAR.sub("_", callback) if callback else None


def jsonp(answer: Response, callback: str, *, error: bool) -> Response:
    """A JSONP answer: ``callback(`` body ``)``. A JSON answer becomes ``text/javascript``
    (HttpResponseExtensionsInternal ``WriteToResponse``); an error is sent with status 200
    as ``text/javascript`` whatever its format (``WriteErrorToResponse``)."""
    body = callback.encode() + b"(" + bytes(answer.body) + b")"
    if error or "json" in answer.headers.get("content-type", ""):
        answer.headers["content-type"] = JAVASCRIPT
    if error:
        answer.status_code = 200
    answer.body = body
    answer.headers["content-length"] = str(len(body))
    return answer
