"""The dashboard at ``/__admin/``: one static page (HTML, CSS, JavaScript shipped in the package)
that reads and drives the admin API from the browser.

The page's files hold no data: everything it shows comes from admin calls its script makes,
with ``Authorization: Bearer <token>`` when the gateway has a token. A browser cannot put that
header on a navigation, so with a token configured the files themselves are served to anyone
(the data still needs the token); without one they follow the admin API's loopback rule. The
headers confine the page: its own script only (no inline code, nothing from elsewhere), no
framing, no referrer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, get_route_path
from starlette.types import Scope

_STATIC = files(__package__) / "static"

#: Route path (under ``/__admin``) -> (file, media type).
FILES: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/dashboard.css": ("dashboard.css", "text/css; charset=utf-8"),
    "/dashboard.js": ("dashboard.js", "text/javascript; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def is_page_file(scope: Scope) -> bool:
    """Whether this request is a GET of one of the page's own files."""
    return scope["method"] in ("GET", "HEAD") and get_route_path(scope) in FILES


def routes() -> list[Route]:
    """One route per file, each read from the package once."""

    def serve(content: bytes, media_type: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return Response(content, media_type=media_type, headers=HEADERS)

        return endpoint

    return [
        Route(path, serve((_STATIC / name).read_bytes(), media_type), methods=["GET"])
        for path, (name, media_type) in FILES.items()
    ]
