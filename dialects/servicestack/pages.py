"""The pages a ServiceStack host serves about itself: ``/metadata`` (the operation list),
``/{format}/metadata?op=Dto`` (one operation: routes, DTO tables and sample HTTP messages,
as seeds 002 and 004 show them) and ``/types/{python,typescript,csharp}``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from dialects.base import Endpoint, Problem
from dialects.formats import schema
from dialects.servicestack import typegen, typeinfo
from dialects.servicestack.operations import Operation

if TYPE_CHECKING:
    from dialects.servicestack.host import Site

_OP_PAGE = re.compile(r"/(json|xml|jsv)/metadata", re.I)
_TYPES = re.compile(r"/types/([a-z]+)", re.I)
_SAMPLE_MEDIA = {"json": "application/json", "xml": "application/xml", "jsv": "text/jsv"}
#: The answer's Content-Type the metadata pages show (seed 004: ``text/jsv``).
_SAMPLE_RESPONSE_MEDIA = {**_SAMPLE_MEDIA, "json": "application/json; charset=utf-8"}
_OVERRIDE = {
    "json": "To override the Content-type in your clients, use the HTTP Accept Header, "
    "append the .json suffix or ?format=json",
    "xml": "To override the Content-type in your clients, use the HTTP Accept Header, "
    "append the .xml suffix or ?format=xml",
    "jsv": "To override the Content-type in your clients, use the HTTP Accept Header, "
    "append the .jsv suffix or ?format=jsv",
}


def endpoints(languages: Iterable[str]) -> list[Endpoint]:
    """The pages, declared: each is served by :func:`page`, whatever the verb (ServiceStack's
    metadata handlers do not look at it), and answers HTML or source text."""
    html_page = ("text/html",)
    return [
        Endpoint(
            path="/metadata",
            methods=("GET",),
            any_method=True,
            handler=page,
            summary="The metadata page: every operation",
            media_types=html_page,
        ),
        *(
            Endpoint(
                path=f"/{fmt}/metadata",
                methods=("GET",),
                any_method=True,
                handler=page,
                summary=f"One operation's page (?op=Name) with {fmt.upper()} samples",
                media_types=html_page,
            )
            for fmt in _SAMPLE_MEDIA
        ),
        *(
            Endpoint(
                path=f"/types/{language}",
                methods=("GET",),
                any_method=True,
                handler=page,
                summary=f"The DTOs as {language} source (Add ServiceStack Reference)",
                media_types=("text/plain",),
            )
            for language in languages
        ),
    ]


def page(site: Site, request: Request, path: str) -> Response | None:
    """The page at ``path``, or None when ``path`` is not one of these pages."""
    if path.rstrip("/").lower() in ("", "/metadata"):
        return HTMLResponse(index(site))
    if match := _OP_PAGE.fullmatch(path):
        fmt = match.group(1).lower()
        name = request.query_params.get("op", "")
        operation = site.by_name.get(name.lower())
        if operation is None:
            return HTMLResponse(index(site))
        return HTMLResponse(operation_page(site, operation, fmt, request))
    if match := _TYPES.fullmatch(path):
        generator = typegen.GENERATORS.get(match.group(1).lower())
        if generator is None:
            raise Problem(404, f"No types for language '{match.group(1)}'")
        base = str(request.base_url).rstrip("/")
        return PlainTextResponse(generator(site.operations, base))
    return None


def _html(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!doctype html>",
            f"<html><head><title>{html.escape(title)}</title></head><body>",
            *body,
            "</body></html>",
        ]
    )


def index(site: Site) -> str:
    rows = []
    for s in site.operations:
        links = " ".join(
            f'<a href="{fmt}/metadata?op={s.name}">{fmt.upper()}</a>' for fmt in _SAMPLE_MEDIA
        )
        rows.append(f"<tr><td>{s.name}</td><td>{links}</td><td>{html.escape(s.summary)}</td></tr>")
    return _html(
        f"{site.title} metadata",
        [
            f"<h1>{html.escape(site.title)}</h1>",
            "<p>The following operations are supported.</p>",
            "<table><tr><th>Operation</th><th>Formats</th><th>Summary</th></tr>",
            *rows,
            "</table>",
        ],
    )


def _parameter(operation: Operation, member: str, is_request: bool) -> str:
    if not is_request:
        return "form"
    if any(member in r.variables for r in operation.routes):
        return "path"
    verbs = {v for r in operation.routes for v in r.allowed}
    return "query" if verbs <= {"GET", "DELETE"} else "body"


def _table(operation: Operation, cls: type, is_request: bool) -> list[str]:
    rows = [
        "<table>",
        "<tr><th>Name</th><th>Parameter</th><th>Data Type</th><th>Required</th>"
        "<th>Description</th></tr>",
    ]
    for f in typeinfo.fields(cls):
        required = "Yes" if is_request and _is_path(operation, f) else "No"
        rows.append(
            f"<tr><td>{f.name}</td><td>{_parameter(operation, f.name, is_request)}</td>"
            f"<td>{html.escape(typeinfo.net_type(f.node))}</td><td>{required}</td>"
            f"<td>{html.escape(operation.descriptions.get(f.name, ''))}</td></tr>"
        )
    rows.append("</table>")
    return rows


def _is_path(operation: Operation, f: schema.FieldPlan) -> bool:
    return not f.node.nullable and any(f.name in r.variables for r in operation.routes)


def sample(site: Site, cls: type, fmt: str) -> str:
    """A placeholder instance of ``cls`` laid out as the metadata pages show it."""
    body = site.formats.encode(typeinfo.placeholder(cls), fmt).decode()
    if fmt == "xml":
        return body.replace("><", ">\n<")
    if fmt == "jsv":
        codec = site.formats.codecs["jsv"]
        return codec.encode_pretty(typeinfo.placeholder(cls)).decode()  # type: ignore[union-attr]
    return body


def operation_page(site: Site, operation: Operation, fmt: str, request: Request) -> str:
    """One operation's page: routes, DTO tables, sample request and response."""
    route = operation.routes[0] if operation.routes else None
    verb = (route.allowed[0] if route and route.verbs else "POST") if route else "POST"
    path = route.path if route else f"/{fmt}/reply/{operation.name}"
    host = site.hosts[0] if site.hosts else request.url.hostname
    media = _SAMPLE_MEDIA[fmt]
    routes = [
        f"<tr><td>{', '.join(r.verbs) if r.verbs else 'All Verbs'}</td>"
        f"<td>{html.escape(r.path)}</td></tr>"
        for r in operation.routes
    ]
    nested = [
        t
        for t in typeinfo.dependencies(operation.request, operation.response)
        if t not in (operation.request, operation.response)
    ]
    tables = _table(operation, operation.request, True) + _table(
        operation, operation.response, False
    )
    for t in nested:
        tables += [f"<h3>{t.__name__}</h3>", *_table(operation, t, False)]
    request_sample = "\n".join(
        [
            f"{verb} {path} HTTP/1.1",
            f"Host: {host}",
            f"Accept: {media}",
            f"Content-Type: {media}",
            "Content-Length: length",
            "",
            sample(site, operation.request, fmt),
        ]
    )
    response_sample = "\n".join(
        [
            "HTTP/1.1 200 OK",
            f"Content-Type: {_SAMPLE_RESPONSE_MEDIA[fmt]}",
            "Content-Length: length",
            "",
            sample(site, operation.response, fmt),
        ]
    )
    return _html(
        f"{operation.name} {site.title}",
        [
            f"<h1>{operation.name}</h1>",
            f"<p>{html.escape(operation.summary)}</p>",
            f"<p>{html.escape(operation.notes)}</p>",
            "<table>",
            *routes,
            "</table>",
            *tables,
            f"<p>{_OVERRIDE[fmt]}</p>",
            "<p>The following are sample HTTP requests and responses. The placeholders shown "
            "need to be replaced with actual values.</p>",
            f"<pre>{html.escape(request_sample)}</pre>",
            f"<pre>{html.escape(response_sample)}</pre>",
        ],
    )
