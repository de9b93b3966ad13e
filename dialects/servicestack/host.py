"""A generic ServiceStack host: one instance per site (PF, BokaMera), each a gateway dialect.

What it routes, in ServiceStack's order: the metadata pages and ``/types/{lang}``; the user
routes the services declare (``[Route]``); the predefined routes ``/{format}/reply/{Dto}``
and ``/api/{Dto}``, with ``[]`` after the name for an auto-batched call. A path that matches
a route but not its verbs is a 405 with ``Allow``; a path nothing matches, a 404.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.routing import Route as StarletteRoute

from core.errors import CoreError, Unauthenticated
from dialects.base import Endpoint, Problem, core_of
from dialects.formats.errors import DecodeError
from dialects.servicestack import auth, codecs, errors, pages, typegen
from dialects.servicestack.bind import bind
from dialects.servicestack.service import ALL_VERBS, Call, Route, Service
from dialects.servicestack.session_services import SESSION_SERVICES

_BODY_VERBS = ("POST", "PUT", "PATCH", "DELETE")
#: Header ServiceStack sets on an auto-batched answer: how many requests completed.
AUTO_BATCH_COMPLETED = "X-AutoBatch-Completed"
FORMAT_KEY = "crmgate.servicestack.format"
RESPONSE_TYPE_KEY = "crmgate.servicestack.response_type"


@dataclass
class Site:
    """A ServiceStack host serving ``services``; satisfies the gateway's Dialect protocol.

    Its endpoints are generated from the services: the pages, each ``[Route]`` of each
    service (user routes) and each service's predefined routes; the dispatch tables are
    built from those declarations. ``api_key_env`` names an environment variable that, when
    set, lists (comma separated) the ``x-api-key`` values the site requires on every call.
    """

    name: str
    prefix: str
    hosts: tuple[str, ...]
    title: str
    services: list[Service]
    formats: codecs.Formats
    api_key_env: str | None = None
    by_name: dict[str, Service] = field(init=False)
    endpoints: tuple[Endpoint, ...] = field(init=False)
    _user_routes: list[tuple[Route, Endpoint]] = field(init=False)
    _predefined: dict[str, Endpoint] = field(init=False)

    def __post_init__(self) -> None:
        self.services = [*SESSION_SERVICES, *self.services]
        self.by_name = {s.name.lower(): s for s in self.services}
        media = tuple(codecs.CONTENT_TYPES.values())
        user = [
            Endpoint(
                path=route.path,
                methods=route.allowed,
                handler=s.handler,
                summary=s.summary,
                request=s.request,
                response=s.response,
                media_types=media,
            )
            for s in self.services
            for route in s.routes
        ]
        predefined = [
            Endpoint(
                path=f"/{fmt}/reply/{s.name}" if fmt else f"/api/{s.name}",
                methods=("POST",),
                any_method=True,
                handler=s.handler,
                summary=s.summary,
                request=s.request,
                response=s.response,
                media_types=(codecs.CONTENT_TYPES[fmt],) if fmt else media,
            )
            for s in self.services
            for fmt in (*codecs.FORMATS, None)
        ]
        self.endpoints = (*pages.endpoints(typegen.GENERATORS), *user, *predefined)
        self._user_routes = [(Route(e.path, e.methods), e) for e in user]
        self._predefined = {e.path.lower(): e for e in predefined}

    # -- the Dialect protocol ---------------------------------------------------------

    def routes(self) -> Sequence[BaseRoute]:
        verbs = [*ALL_VERBS, "HEAD", "OPTIONS"]
        return [StarletteRoute("/{path:path}", self.endpoint, methods=verbs, name=self.name)]

    def error_response(self, exc: Exception, request: Request) -> Response:
        """The error as the operation's response DTO (when the request reached one) in the
        format the request negotiated."""
        fmt = request.scope.get(FORMAT_KEY) or codecs.negotiate(request, request.url.path)[0]
        if isinstance(exc, CoreError | DecodeError | Problem):
            return errors.render(exc, self.formats, fmt, request.scope.get(RESPONSE_TYPE_KEY))
        raise TypeError(f"not an error ServiceStack renders: {exc!r}")

    def describe(self) -> Sequence[Endpoint]:
        return self.endpoints

    # -- dispatch -----------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        raw = "/" + request.path_params["path"]
        fmt, path = codecs.negotiate(request, raw)
        request.scope[FORMAT_KEY] = fmt
        page = pages.page(self, request, path)
        if page is not None:
            return page
        service, variables, allowed = self._user_route(request.method, path)
        batch = False
        if service is None and not allowed:
            key = "/" + path.strip("/").lower()
            batch = key.endswith("[]")
            found = self._predefined.get(key.removesuffix("[]"))
            if found is not None:
                service = self._service(found)
                fixed = found.path.split("/")[1]
                fmt = codecs.negotiate(request, raw, fixed if fixed in codecs.FORMATS else None)[0]
                request.scope[FORMAT_KEY] = fmt
        if service is None:
            if allowed:
                verbs = ", ".join(allowed)
                raise Problem(405, f"Method {request.method} is not allowed.", {"Allow": verbs})
            raise Problem(404, f"Handler for Request not found: {request.method} {raw}")
        request.scope[RESPONSE_TYPE_KEY] = service.response
        return await self._serve(request, service, variables, fmt, batch)

    def _service(self, endpoint: Endpoint) -> Service:
        assert endpoint.request is not None
        return self.by_name[endpoint.request.__name__.lower()]

    def _user_route(
        self, method: str, path: str
    ) -> tuple[Service | None, dict[str, str], tuple[str, ...]]:
        """The service whose route fits, its path variables, and the verbs a path-only match
        would allow (for 405)."""
        allowed: list[str] = []
        for route, endpoint in self._user_routes:
            found = route.match(path)
            if found is None:
                continue
            if endpoint.allows(method) or (method == "HEAD" and "GET" in endpoint.methods):
                return self._service(endpoint), found, ()
            allowed += [v for v in endpoint.methods if v not in allowed]
        return None, {}, tuple(allowed)

    def _check_api_key(self, request: Request) -> None:
        configured = os.environ.get(self.api_key_env or "", "")
        keys = {k.strip() for k in configured.split(",") if k.strip()}
        if keys and request.headers.get("x-api-key", "") not in keys:
            raise Problem(401, "The API key is missing or not valid.")

    async def _serve(
        self, request: Request, service: Service, variables: dict[str, str], fmt: str, batch: bool
    ) -> Response:
        self._check_api_key(request)
        core = core_of(request)
        body = await request.body() if request.method in _BODY_VERBS else b""
        content_type = request.headers.get("content-type")
        call = Call(core=core, request=request, site=self.name)
        if service.authenticate:
            call.principal = auth.authenticate(core, self.name, request)
            if call.principal is None:
                raise Unauthenticated("missing", errors.NOT_AUTHENTICATED)
        if batch:
            if request.method != "POST":
                raise Problem(405, "Auto-batched requests are POSTed.", {"Allow": "POST"})
            if fmt.startswith("xml"):
                raise Problem(406, "Auto-batched responses are written in JSON or JSV.")
            dtos = self.formats.decode_list(body, content_type, service.request)
            return self._batch(call, service, dtos, fmt)
        decoded = self.formats.decode(body, content_type, service.request) if body.strip() else None
        query = dict(request.query_params)
        dto = bind(service.request, decoded, query, variables, codecs.parse_query_value)
        result = service.handler(call, dto)
        answer = codecs.response(self.formats, result, fmt)
        for hook in call.hooks:
            hook(answer)
        return answer

    def _batch(self, call: Call, service: Service, dtos: list[Any], fmt: str) -> Response:
        """Run each request in turn (each in its own transaction); stop at the first error."""
        results = []
        for i, dto in enumerate(dtos):
            try:
                results.append(service.handler(call, dto))
            except (CoreError, DecodeError, Problem) as exc:
                answer = errors.render(exc, self.formats, fmt, service.response)
                answer.headers[AUTO_BATCH_COMPLETED] = str(i)
                return answer
        return codecs.response(
            self.formats, results, fmt, headers={AUTO_BATCH_COMPLETED: str(len(results))}
        )
