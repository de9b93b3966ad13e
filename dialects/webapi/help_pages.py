"""The Help Page package's pages, rendered from the DTO declarations.

Samples are made the way the package's ObjectGenerator makes them: each simple member of an
object takes the next index (strings ``sample string N``, integers ``N``, booleans true, enums
their first member, Guids and dates one sample value each), collections hold two items, and
the sample object is then written by the JSON and XML codecs and indented.
"""

from __future__ import annotations

import html
import json
from typing import Any
from uuid import UUID
from xml.dom import minidom

import msgspec
from msgspec import inspect as mi
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dialects.formats.dotnet import NetDateTime
from dialects.webapi.dto import CusSocialAccountDto
from dialects.webapi.negotiation import CODECS

METHOD, ROUTE = "POST", "api/v1/customers/me/socialCredentials"
API_ID = f"{METHOD}-{ROUTE.replace('/', '-')}"
CONTROLLER = "SocialCredentials"
SAMPLE_GUID = UUID("4f9e02de-cbbc-41ad-ad3f-16c6cb968ef4")
SAMPLE_DATE = NetDateTime.parse("2026-02-04T03:11:32.7341981+00:00")
#: The Help Page's names of member types (ModelDescriptionGenerator.DefaultTypeDocumentation).
TYPE_NAMES = {
    "str": "string",
    "int": "integer",
    "bool": "boolean",
    "uuid": "globally unique identifier",
    "datetime": "date",
    "float": "decimal number",
}
REQUEST_FORMATS = (
    ("application/json, text/json", "json"),
    ("application/xml, text/xml", "xml"),
    ("application/x-www-form-urlencoded", None),
)
RESPONSE_FORMATS = "application/json, text/json, application/xml, text/xml"
NO_SAMPLE = "Sample not available."


def sample(cls: type[msgspec.Struct]) -> Any:
    """An instance of ``cls`` filled like ObjectGenerator fills one."""
    values: dict[str, Any] = {}
    index = 0
    for field in mi.type_info(cls).fields:  # type: ignore[union-attr]
        t = _required(field.type)
        if isinstance(t, mi.ListType):
            item = t.item_type
            assert isinstance(item, mi.StructType)
            values[field.name] = [sample(item.cls), sample(item.cls)]
            continue
        index += 1
        values[field.name] = _simple(t, index)
    return cls(**values)


def _required(t: mi.Type) -> mi.Type:
    if isinstance(t, mi.UnionType):
        return next(u for u in t.types if not isinstance(u, mi.NoneType))
    return t


def _simple(t: mi.Type, index: int) -> Any:
    if isinstance(t, mi.StrType):
        return f"sample string {index}"
    if isinstance(t, mi.BoolType):
        return True
    if isinstance(t, mi.IntType):
        return index
    if isinstance(t, mi.UUIDType):
        return SAMPLE_GUID
    if isinstance(t, mi.EnumType):
        return next(iter(t.cls))
    return SAMPLE_DATE


def _type_name(t: mi.Type) -> str:
    t = _required(t)
    if isinstance(t, mi.ListType):
        return f"Collection of {_type_name(t.item_type)}"
    if isinstance(t, mi.EnumType | mi.StructType):
        return t.cls.__name__
    if isinstance(t, mi.CustomType) and t.cls is NetDateTime:
        return TYPE_NAMES["datetime"]
    kinds = {mi.StrType: "str", mi.IntType: "int", mi.BoolType: "bool", mi.UUIDType: "uuid"}
    return TYPE_NAMES[kinds[type(t)]]


def indented(fmt: str, body: bytes) -> str:
    """The sample as the Help Page shows it: indented by two spaces."""
    if fmt == "json":
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    root = minidom.parseString(body).documentElement
    return root.toprettyxml(indent="  ").strip()


def _page(title: str, content: str) -> HTMLResponse:
    return HTMLResponse(
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '    <meta charset="utf-8" />\n'
        f"    <title>{html.escape(title)}</title>\n</head>\n<body>\n"
        '<div id="body" class="help-page">\n'
        f"{content}\n</div>\n</body>\n</html>\n"
    )


def _link(request: Request, path: str) -> str:
    return html.escape(request.scope.get("root_path", "") + path)


def index(request: Request) -> HTMLResponse:
    """/Help: the APIs grouped by controller."""
    href = _link(request, f"/Help/Api/{API_ID}")
    return _page(
        "ASP.NET Web API Help Page",
        '<section class="featured"><div class="content-wrapper">'
        '<hgroup class="title"><h1>ASP.NET Web API Help Page</h1></hgroup></div></section>\n'
        '<section class="content-wrapper main-content clear-fix">\n'
        f'<h2 id="{CONTROLLER}">{CONTROLLER}</h2>\n'
        '<table class="help-page-table">\n'
        "<thead><tr><th>API</th><th>Description</th></tr></thead>\n<tbody>\n"
        f'<tr><td class="api-name"><a href="{href}">{METHOD} {ROUTE}</a></td>'
        '<td class="api-documentation"><p>No documentation available.</p></td></tr>\n'
        "</tbody>\n</table>\n</section>",
    )


def _parameters(cls: type[msgspec.Struct]) -> str:
    rows = "".join(
        f'<tr><td class="parameter-name">{f.name}</td><td class="parameter-documentation">'
        f'</td><td class="parameter-type">{html.escape(_type_name(f.type))}</td>'
        '<td class="parameter-annotations"><p>None.</p></td></tr>\n'
        for f in mi.type_info(cls).fields  # type: ignore[union-attr]
    )
    return (
        '<table class="help-page-table">\n<thead><tr><th>Name</th><th>Description</th>'
        f"<th>Type</th><th>Additional information</th></tr></thead>\n<tbody>\n{rows}"
        "</tbody>\n</table>"
    )


def _samples() -> str:
    parts = []
    dto = sample(CusSocialAccountDto)
    for media_types, fmt in REQUEST_FORMATS:
        text = NO_SAMPLE if fmt is None else indented(fmt, CODECS[fmt].encode(dto))
        parts.append(
            f'<h4 class="sample-header">{media_types}</h4>\n<div class="sample-content">'
            f'<span><b>Sample:</b></span><pre class="wrapped">{html.escape(text)}</pre></div>'
        )
    return "\n".join(parts)


def api(request: Request) -> HTMLResponse:
    """/Help/Api/POST-api-v1-customers-me-socialCredentials."""
    name = CusSocialAccountDto.__name__
    return _page(
        f"{METHOD} {ROUTE}",
        f"<h1>{METHOD} {ROUTE}</h1>\n<div>\n<h2>Request Information</h2>\n"
        "<h3>URI Parameters</h3>\n<p>None.</p>\n"
        f"<h3>Body Parameters</h3>\n<p>{name}</p>\n{_parameters(CusSocialAccountDto)}\n"
        f"<h3>Request Formats</h3>\n{_samples()}\n"
        "<h2>Response Information</h2>\n<h3>Resource Description</h3>\n"
        "<p>IHttpActionResult</p>\n<p>None.</p>\n"
        f'<h3>Response Formats</h3>\n<h4 class="sample-header">{RESPONSE_FORMATS}</h4>\n'
        f'<div class="sample-content"><span><b>Sample:</b></span>'
        f'<pre class="wrapped">{NO_SAMPLE}</pre></div>\n</div>',
    )
