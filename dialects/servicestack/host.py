"""A generic ServiceStack host: one instance per site (PF, BokaMera), each a gateway dialect.

What it routes, in ServiceStack's order: the metadata pages and ``/types/{lang}``; the user
routes the operations declare (``[Route]``); the predefined routes ``/{format}/reply/{Dto}``
and ``/api/{Dto}``, with ``[]`` after the name for an auto-batched call. A route matches
path *and* verb (``RestPath.IsMatch``): anything else is a 404, never a 405.
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
from dialects.base import Endpoint, Problem, core_of, no_endpoint
from dialects.context import reusable
from dialects.formats.errors import DecodeError
from dialects.servicestack import auth, codecs, errors, negotiation, pages, typegen, typeinfo
from dialects.servicestack.bind import bind, bind_predefined
from dialects.servicestack.operations import ALL_VERBS, Call, HostSettings, Operation, Route
from dialects.servicestack.session_services import SESSION_SERVICES

_BODY_VERBS = ("POST", "PUT", "PATCH", "DELETE")
#: Header ServiceStack sets on an auto-batched answer: how many requests completed.
AUTO_BATCH_COMPLETED = "X-AutoBatch-Completed"
FORMAT_KEY = "crmgate.servicestack.format"
RESPONSE_TYPE_KEY = "crmgate.servicestack.response_type"


@dataclass
class Site:
    """A ServiceStack host serving ``operations``; satisfies the gateway's Dialect protocol.

    Its endpoints are generated from the operations: the pages, each ``[Route]`` of each
    operation (user routes) and each operation's predefined routes; the dispatch tables are
    built from those declarations. ``api_key_env`` names an environment variable that, when
    set, lists (comma separated) the ``x-api-key`` values the site requires on every call.
    """

    name: str
    prefix: str
    hosts: tuple[str, ...]
    title: str
    operations: list[Operation]
    formats: codecs.Formats
    api_key_env: str | None = None
    settings: HostSettings = field(init=False)
    by_name: dict[str, Operation] = field(init=False)
    endpoints: tuple[Endpoint, ...] = field(init=False)
    _user_routes: list[tuple[Route, Endpoint]] = field(init=False)
    _predefined: dict[str, Endpoint] = field(init=False)
    #: How its JSON writes a DateTime (for the OpenAPI description): WCF's ``/Date(ms)/``.
    json_dates: str = "wcf"

    def __post_init__(self) -> None:
        self.settings = HostSettings.from_env(self.name, os.environ)
        self.operations = [*SESSION_SERVICES, *self.operations]
        self.by_name = {s.name.lower(): s for s in self.operations}
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
            for s in self.operations
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
            for s in self.operations
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
        camel = self.settings.use_camel_case
        fmt, path = codecs.negotiate(request, raw, camel)
        request.scope[FORMAT_KEY] = fmt
        page = pages.page(self, request, path)
        if page is not None:
            return page
        operation, variables = self._user_route(request.method, path)
        handler_format: str | None = None
        batch = False
        if operation is None:
            key = "/" + path.strip("/").lower()
            batch = key.endswith("[]")
            found = self._predefined.get(key.removesuffix("[]"))
            if found is not None:
                operation = self._operation(found)
                fixed = found.path.split("/")[1]
                # /api/{Dto} is a JSON handler unless an extension names another format.
                handler_format = fixed if fixed in codecs.FORMATS else None
                handler_format = handler_format or negotiation.strip_suffix(raw)[1]
                handler_format = handler_format or codecs.DEFAULT
                query = codecs.query_of(request)
                chosen = negotiation.predefined_format(raw, query, handler_format)
                fmt = codecs.with_case(request, chosen, camel)
                request.scope[FORMAT_KEY] = fmt
        if operation is None:
            # A verb the route does not declare matches no route either (RestPath.IsMatch).
            message = f"Handler for Request not found: {request.method} {raw}"
            raise no_endpoint(request.scope, 404, message)
        request.scope[RESPONSE_TYPE_KEY] = operation.response
        return await self._serve(request, operation, variables, fmt, handler_format, batch)

    def _operation(self, endpoint: Endpoint) -> Operation:
        assert endpoint.request is not None
        return self.by_name[endpoint.request.__name__.lower()]

    def _user_route(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        """The operation whose route fits path *and* verb, and its path variables."""
        for route, endpoint in self._user_routes:
            if endpoint.allows(method) or (method == "HEAD" and "GET" in endpoint.methods):
                found = route.match(path)
                if found is not None:
                    return self._operation(endpoint), found
        return None, {}

    def _authenticate(self, call: Call) -> None:
        """``[Authenticate]``: the caller, else a 401 with the credentials provider's
        challenge (AuthenticateAttribute -> AuthProvider.OnFailedAuthentication)."""
        try:
            found = auth.credential(call.core, self.name, call.request)
        except Unauthenticated:
            found = None
        if found is None:
            raise Problem(401, errors.NOT_AUTHENTICATED, errors.AUTH_CHALLENGE)
        call.principal, call.until = found

    def _check_api_key(self, request: Request) -> None:
        if not self.api_key_env:
            return
        configured = os.environ.get(self.api_key_env, "")
        keys = {k.strip() for k in configured.split(",") if k.strip()}
        if keys and request.headers.get("x-api-key", "") not in keys:
            raise Problem(401, "The API key is missing or not valid.")

    async def _serve(
        self,
        request: Request,
        operation: Operation,
        variables: dict[str, str],
        fmt: str,
        handler_format: str | None,
        batch: bool,
    ) -> Response:
        """Run ``operation``; ``handler_format`` is the predefined route's own format (None on a
        user route)."""
        self._check_api_key(request)
        core = core_of(request)
        body = await request.body() if request.method in _BODY_VERBS else b""
        content_type = request.headers.get("content-type")
        call = Call(core=core, request=request, site=self.name, settings=self.settings)
        if operation.authenticate:
            self._authenticate(call)
        body_format = negotiation.body_format(content_type)
        if handler_format is not None and body_format != "form":
            body_format = handler_format
        if batch:
            if request.method != "POST":
                raise Problem(405, "Auto-batched requests are POSTed.", {"Allow": "POST"})
            if fmt.startswith("xml"):
                raise Problem(406, "Auto-batched responses are written in JSON or JSV.")
            dtos = self._read(body, body_format, content_type, operation, many=True)
            return self._batch(call, operation, dtos, fmt)
        decoded = self._read(body, body_format, content_type, operation) if body.strip() else None
        query = dict(codecs.query_of(request))
        if handler_format is None:
            dto = bind(operation.request, decoded, query, variables, codecs.parse_query_value)
        else:
            dto = bind_predefined(operation.request, decoded, query, codecs.parse_query_value)
        result = operation.handler(call, dto)
        answer = codecs.response(self.formats, result, fmt)
        for hook in call.hooks:
            hook(answer)
        # Not on a site with API keys: those are read afresh on every call.
        if operation.reusable and request.method == "GET" and not (call.hooks or self.api_key_env):
            reusable(request.scope, call.until)
        return answer

    def _read(
        self,
        body: bytes,
        body_format: str | None,
        content_type: str | None,
        operation: Operation,
        many: bool = False,
    ) -> Any:
        """The body as the request DTO (a list of them when ``many``); None when no
        deserializer reads its Content-Type. A body that does not read is ServiceStack's
        SerializationException text [ServiceStackHandlerBase.CreateContentTypeRequestAsync]."""
        if body_format is None:
            return [] if many else None
        try:
            if many:
                return self.formats.decode_list(body, body_format, operation.request)
            return self.formats.decode(body, body_format, operation.request)
        except DecodeError as exc:
            message = (
                f"Could not deserialize '{content_type}' request using "
                f"{typeinfo.clr_name(operation.request)}'\nError: {exc}"
            )
            raise DecodeError(message, path=exc.path, position=exc.position) from exc

    def _batch(self, call: Call, operation: Operation, dtos: list[Any], fmt: str) -> Response:
        """Run each request in turn (each in its own transaction); stop at the first error,
        whose ResponseStatus.Meta names its index [Host/ServiceController.cs sets
        ``Keywords.AutoBatchIndex``; Host/ServiceRunner.cs ``AfterEachRequest`` copies it]."""
        results = []
        for i, dto in enumerate(dtos):
            try:
                results.append(operation.handler(call, dto))
            except (CoreError, DecodeError, Problem) as exc:
                meta = {"AutoBatchIndex": str(i)}
                answer = errors.render(exc, self.formats, fmt, operation.response, meta)
                answer.headers[AUTO_BATCH_COMPLETED] = str(i)
                return answer
        return codecs.response(
            self.formats, results, fmt, headers={AUTO_BATCH_COMPLETED: str(len(results))}
        )
