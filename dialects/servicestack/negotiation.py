"""Which format a ServiceStack host reads a body in and answers in, as its handlers decide.

Sources (github.com/ServiceStack/ServiceStack, ``ServiceStack/src/ServiceStack``):

- user routes (``Host/RestHandler.cs``): a ``.json``/``.xml``/``.jsv`` path suffix
  (``GetSanitizedPathInfo``) wins; then ``HttpRequestExtensions.GetResponseContentType``:
  ``?callback=`` (JSON) or ``?format=`` (``GetQueryStringContentType``; without ``?format=``
  a first path segment of at most four letters naming a format), then ``Accept`` matched
  against ``HostConfig.PreferredContentTypes`` in *their* order (no q-values; one that equals
  the request's Content-Type first), then ``*/*`` answers the request's Content-Type, else the
  default content type (JSON: ``ServiceStackHost.RunAfterPluginsLoaded``; HtmlFormat is not
  emulated);
- predefined routes (``Host/Handlers/GenericHandler.cs`` ``ProcessRequestAsync``):
  ``GetQueryStringContentType() ?? HandlerContentType``; Accept is not read;
- a body is read by the request's Content-Type on a user route (``ServiceStackHandlerBase.
  CreateContentTypeRequestAsync``: no deserializer for it, no body - never a 415), by the
  handler's own format on a predefined route (``GenericHandler.CreateRequestAsync``);
  form bodies are read as forms on both.

Content types come from ``Host/ContentTypes.cs`` (``ContentTypeFormats``: ``jsv`` is
``application/jsv``) and ``ServiceStack.Client/ContentFormat.cs`` (``ContentTypeAliases``:
``text/json``, ``text/xml``, ``text/jsv`` read as their ``application/`` twins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dialects.formats.content_type import media_type_of

#: ContentTypes.ContentTypeFormats: format name -> format key (names are case-sensitive:
#: a plain Dictionary; ``?format=`` and a path segment are lower-cased first). ``csv``
#: names CSV even without CsvFormat (``GetFormatContentType``'s fallback switch).
FORMAT_NAMES = {"json": "json", "xml": "xml", "jsv": "jsv", "csv": "csv"}
#: Format key of a request body's media type (ContentFormat.NormalizeContentType aliases).
BODY_FORMATS = {
    "application/json": "json",
    "text/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/jsv": "jsv",
    "text/jsv": "jsv",
    "application/x-www-form-urlencoded": "form",
}
#: HostConfig.PreferredContentTypes after start-up, JSON (the default) first; HtmlFormat
#: puts HTML first (it is the default content type then).
PREFERRED = (("application/json", "json"), ("application/xml", "xml"), ("application/jsv", "jsv"))
PREFERRED_HTML = (("text/html", "html"), *PREFERRED)
#: The format key that answers ``text/jsv`` (seed 004 shows ``Accept: text/jsv`` answered
#: with ``Content-Type: text/jsv``).
TEXT_JSV = "jsv:text"
DEFAULT = "json"


@dataclass(frozen=True)
class Plugins:
    """The format plugins a host loaded: ``HtmlFormat`` (``html``), ``CsvFormat`` (``csv``)."""

    html: bool = False
    csv: bool = False

    @property
    def default(self) -> str:
        """``HostConfig.DefaultContentType``: HTML once HtmlFormat registered, else JSON."""
        return "html" if self.html else DEFAULT

    def name(self, name: str) -> str | None:
        """``ContentTypes.GetFormatContentType``: the format key a name stands for."""
        if name == "html":
            return "html" if self.html else None
        return FORMAT_NAMES.get(name)


NONE = Plugins()


def body_format(content_type: str | None, plugins: Plugins = NONE) -> str | None:
    """The format a user route reads a body in; None when no deserializer is registered for
    the Content-Type (the body is then not read)."""
    media = media_type_of(content_type)
    if media == "text/csv" and plugins.csv:
        return "csv"
    return BODY_FORMATS.get(media)


def strip_suffix(path: str, plugins: Plugins = NONE) -> tuple[str, str | None]:
    """(path without its format extension, the extension's format key) - RestHandler's
    ``GetSanitizedPathInfo`` (the text after the last dot, when it names a format)."""
    head, dot, ext = path.rpartition(".")
    fmt = plugins.name(ext) if dot else None
    return (head, fmt) if fmt else (path, None)


def query_format(query: Mapping[str, str], path: str, plugins: Plugins = NONE) -> str | None:
    """``GetQueryStringContentType``: ``?callback=``, ``?format=`` (before any dot), else the
    first path segment when it has at most four letters; None when nothing names a format."""
    if query.get("callback"):
        return DEFAULT
    named = query.get("format")
    if named is not None:
        return plugins.name(named.partition(".")[0].lower())
    segment = (path[1:] if path.startswith("/") else path).partition("/")[0]
    if len(path) < 3 or len(segment) > 4:
        return None
    return plugins.name(segment.lower())


def accept_format(accept: str | None, content_type: str | None, plugins: Plugins = NONE) -> str:
    """``GetResponseContentType`` after the query: Accept against the preferred content types,
    then ``*/*`` (the request's own format), then a registered custom format (CSV), then
    the default."""
    items = [media_type_of(item) for item in (accept or "").split(",")]
    request_type = media_type_of(content_type)
    if request_type in BODY_FORMATS and BODY_FORMATS[request_type] == "form":
        request_type = ""
    preferred = PREFERRED_HTML if plugins.html else PREFERRED
    matched: set[str] = set()
    for item in items:
        for media, fmt in preferred:
            if fmt not in matched and item.startswith(media):
                matched.add(fmt)
                if media == request_type:
                    return fmt
    for _, fmt in preferred:
        if fmt in matched:
            return fmt
    if "*/*" in items:
        found = body_format(request_type, plugins) if request_type else None
        if found:
            return TEXT_JSV if request_type == "text/jsv" else found
        return plugins.default
    if plugins.csv and any(item.startswith("text/csv") for item in items):
        return "csv"
    if "text/jsv" in items:
        return TEXT_JSV
    return plugins.default


def user_route_format(
    path: str,
    query: Mapping[str, str],
    accept: str | None,
    content_type: str | None,
    plugins: Plugins = NONE,
) -> tuple[str, str]:
    """(format key, path without its suffix) of a user route's answer."""
    stripped, suffix = strip_suffix(path, plugins)
    if suffix:
        return suffix, stripped
    fmt = query_format(query, path, plugins) or accept_format(accept, content_type, plugins)
    return fmt, path


def predefined_format(
    path: str, query: Mapping[str, str], handler_format: str, plugins: Plugins = NONE
) -> str:
    """The answer of a predefined route: ``GetQueryStringContentType() ??
    HandlerContentType``. Without ``?format=`` the path's first segment names the format
    (``/jsv/reply/`` answers ``application/jsv``); a ``?format=`` that names nothing hides
    the path, so the handler's own content type answers (``text/jsv`` for ``/jsv/reply/``)."""
    return query_format(query, path, plugins) or handler_format
