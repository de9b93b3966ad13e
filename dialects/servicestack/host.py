"""A generic ServiceStack host: one instance per site (PF, BokaMera), each a gateway dialect.

What it routes, in ServiceStack's order: the metadata pages and ``/types/{lang}``; the user
routes the operations declare (``[Route]``); the predefined routes ``/{format}/reply/{Dto}``
and ``/api/{Dto}``, with ``[]`` after the name for an auto-batched call. A route matches
path *and* verb (``RestPath.IsMatch``): anything else is a 404, never a 405.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from core.errors import CoreError, Unauthenticated
from dialects.base import Answering, Endpoint, Problem, core_of, no_endpoint, read_body
from dialects.context import headers_of, reusable
from dialects.formats.errors import DecodeError
from dialects.servicestack import (
    auth,
    codecs,
    errors,
    negotiation,
    pages,
    replies,
    typegen,
    typeinfo,
)
from dialects.servicestack.bind import bind_predefined, bound
from dialects.servicestack.operations import Call, HostSettings, Operation
from dialects.servicestack.routing import CatchAll, Decided, Dispatches, UserRoutes
from dialects.servicestack.session_services import SESSION_SERVICES

_BODY_VERBS = ("POST", "PUT", "PATCH", "DELETE")
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
    _user_routes: UserRoutes = field(init=False)
    _predefined: dict[str, Endpoint] = field(init=False)
    _catch_all: CatchAll = field(init=False)
    _negotiated: codecs.Decisions = field(init=False, default_factory=codecs.Decisions)
    _dispatched: Dispatches = field(init=False, default_factory=Dispatches)
    #: ``formats`` remembering what they encoded of a shared answer (``shared_answers``).
    encoded_once: codecs.EncodedOnce = field(init=False)
    _plugins: tuple[HostSettings | None, negotiation.Plugins] = field(
        init=False, default=(None, negotiation.NONE)
    )
    #: How its JSON writes a DateTime (for the OpenAPI description): WCF's ``/Date(ms)/``.
    json_dates: str = "wcf"

    def __post_init__(self) -> None:
        self.settings = HostSettings.from_env(self.name, os.environ)
        self.operations = [*SESSION_SERVICES, *self.operations]
        self.by_name = {s.name.lower(): s for s in self.operations}
        loaded = [f for f in codecs.PLUGIN_FORMATS if self._loaded(f)]
        media = tuple(
            media for fmt, media in codecs.CONTENT_TYPES.items() if fmt not in codecs.PLUGIN_FORMATS
        ) + tuple(codecs.CONTENT_TYPES[f] for f in loaded)
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
            for fmt in (*codecs.FORMATS, *codecs.PLUGIN_FORMATS, None)
        ]
        listed = [e for e in predefined if e.path.split("/")[1] not in codecs.PLUGIN_FORMATS]
        listed += [e for e in predefined if e.path.split("/")[1] in loaded]
        self.endpoints = (*pages.endpoints(typegen.GENERATORS), *user, *listed)
        self._user_routes = UserRoutes([(e, self._operation(e)) for e in user])
        # Every format's routes are dispatched; one whose plugin is not loaded is a 404.
        self._predefined = {e.path.lower(): e for e in predefined}
        self._catch_all = CatchAll(self.name, self.endpoint, self._endpoint)
        self.encoded_once = codecs.EncodedOnce(self.formats.codecs)

    @property
    def plugins(self) -> negotiation.Plugins:
        """The format plugins this host loaded (its settings)."""
        settings = self.settings
        if self._plugins[0] is not settings:
            plugins = negotiation.Plugins(html=settings.html_format, csv=settings.csv_format)
            self._plugins = (settings, plugins)
        return self._plugins[1]

    def _loaded(self, fmt: str) -> bool:
        return getattr(self.plugins, fmt)

    # -- the Dialect protocol ---------------------------------------------------------

    def routes(self) -> Sequence[BaseRoute]:
        return [self._catch_all.route]

    def asgi(self) -> ASGIApp:
        """The site's requests straight to its endpoint (``routing.CatchAll``)."""
        return self._catch_all

    @property
    def answer(self) -> Answering:
        """What answers a request, for the gateway to send (``routing.CatchAll.answer``)."""
        return self._catch_all.answer

    def error_response(self, exc: Exception, request: Request) -> Response:
        """The error as the operation's response DTO (when the request reached one) in the
        format the request negotiated."""
        fmt = request.scope.get(FORMAT_KEY) or codecs.negotiate(request, request.url.path)[0]
        if isinstance(exc, CoreError | DecodeError | Problem):
            answer = errors.render(
                exc,
                self.formats,
                fmt,
                request.scope.get(RESPONSE_TYPE_KEY),
                page=replies.page(self, request),
                csv_loaded=self.settings.csv_format,
            )
            callback = codecs.jsonp_callback(request)
            return codecs.jsonp(answer, callback, error=True) if callback else answer
        raise TypeError(f"not an error ServiceStack renders: {exc!r}")

    def describe(self) -> Sequence[Endpoint]:
        return self.endpoints

    # -- dispatch -----------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        """The Starlette endpoint of the catch-all route (``routes``)."""
        return await self._endpoint(request, "/" + request.path_params["path"])

    async def _endpoint(self, request: Request, raw: str) -> Response:
        """Run the operation that answers the request (``_decide``, remembered per request
        shape: ``routing.Dispatches``). A request of a known shape binds its path and query
        as that shape did before (``_bind``)."""
        scope = request.scope
        method = scope["method"]
        headers = headers_of(scope)
        content_type = headers.get(b"content-type")
        query = scope.get("query_string", b"")
        shape = (method, raw, query, headers.get(b"accept"), content_type)
        decided = self._dispatched.get(shape, self.settings)
        if decided is None:
            found = self._decide(request, raw, shape[3], content_type)
            if isinstance(found, Response):
                return found
            decided = found
            self._dispatched.put(shape, decided)
        operation, fmt = decided.operation, decided.fmt
        scope[FORMAT_KEY] = fmt
        scope[RESPONSE_TYPE_KEY] = operation.response
        scope[replies.OPERATION_KEY] = operation.name
        auth.check_api_key(self.api_key_env, headers)
        core = core_of(request)
        body = await read_body(request.receive) if method in _BODY_VERBS else b""
        call = Call(core=core, request=request, site=self.name, settings=self.settings)
        if operation.authenticate:
            self._authenticate(call)
        if decided.batch:
            if method != "POST":
                raise Problem(405, "Auto-batched requests are POSTed.", {"Allow": "POST"})
            if fmt.startswith("xml"):
                raise Problem(406, "Auto-batched responses are written in JSON or JSV.")
            dtos = self._read(body, decided.body_format, content_type, operation, many=True)
            return replies.batch(self, call, operation, dtos, fmt)
        has_body = bool(body.strip())
        decoded = (
            self._read(body, decided.body_format, content_type, operation) if has_body else None
        )
        dto = self._bind(request, shape, decided, decoded)
        scope[replies.REQUEST_DTO_KEY] = dto
        result = operation.handler(call, dto)
        answer = replies.success(self, request, result, fmt, operation)
        for hook in call.hooks:
            hook(answer)
        # Not on a site with API keys: those are read afresh on every call.
        if operation.reusable and method == "GET" and not (call.hooks or self.api_key_env):
            reusable(scope, call.until)
        return answer

    def _decide(
        self, request: Request, raw: str, accept: bytes | None, content_type: bytes | None
    ) -> Decided | Response:
        """What answers the request (a metadata page is answered at once), in ServiceStack's
        order: pages, user routes, predefined routes; none is the dialect's 404."""
        camel = self.settings.use_camel_case
        plugins = self.plugins
        fmt, path = self._negotiated.negotiate(request, raw, camel, plugins, accept, content_type)
        request.scope[FORMAT_KEY] = fmt
        page = pages.page(self, request, path)
        if page is not None:
            return page
        operation, variables = self._user_routes.find(request.method, path)
        if operation is not None:
            body_format = self._body_format(content_type, None)
            return Decided(operation, fmt, variables, None, False, body_format)
        key = "/" + path.strip("/").lower()
        batch = key.endswith("[]")
        found = self._predefined.get(key.removesuffix("[]"))
        fixed = found.path.split("/")[1] if found is not None else ""
        if found is not None and (fixed not in codecs.PLUGIN_FORMATS or self._loaded(fixed)):
            # /api/{Dto} is a JSON handler unless an extension names another format.
            handler_format = fixed if fixed in (*codecs.FORMATS, *codecs.PLUGIN_FORMATS) else None
            handler_format = handler_format or negotiation.strip_suffix(raw, plugins)[1]
            handler_format = handler_format or codecs.DEFAULT
            # JsvReplyHandler's own content type is text/jsv (MimeTypes.JsvText).
            own = negotiation.TEXT_JSV if fixed == "jsv" else handler_format
            chosen = negotiation.predefined_format(raw, codecs.query_of(request), own, plugins)
            fmt = codecs.with_case(request, chosen, camel)
            body_format = self._body_format(content_type, handler_format)
            return Decided(
                self._operation(found), fmt, variables, handler_format, batch, body_format
            )
        if fmt == "csv" and not plugins.csv:
            # No route: crmgate's 404 envelope, in JSON when CSV cannot be written.
            request.scope[FORMAT_KEY] = codecs.DEFAULT
        # A verb the route does not declare matches no route either (RestPath.IsMatch).
        message = f"Handler for Request not found: {request.method} {raw}"
        raise no_endpoint(request.scope, 404, message)

    def _body_format(self, content_type: bytes | None, handler_format: str | None) -> str | None:
        """The format a body is read in: by its Content-Type, or on a predefined route the
        route's own format unless it is a form; None: no deserializer reads it."""
        media = None if content_type is None else content_type.decode("latin-1")
        found = negotiation.body_format(media, self.plugins)
        return handler_format if handler_format is not None and found != "form" else found

    def _operation(self, endpoint: Endpoint) -> Operation:
        assert endpoint.request is not None
        return self.by_name[endpoint.request.__name__.lower()]

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

    def _bind(self, request: Request, shape: Hashable, decided: Decided, decoded: Any) -> Any:
        """The request DTO (``bind``): what the path and query bind is kept per ``shape``
        (``Dispatches.keep``), except on a predefined route with a body, where the query only
        fills what the body left at its default."""
        model, parse = decided.operation.request, codecs.parse_query_value
        if decided.handler_format is not None and decoded is not None:
            return bind_predefined(model, decoded, self._query(request), parse)
        kept = self._dispatched.bound(shape)
        if kept is None:
            path = decided.variables if decided.handler_format is None else {}
            given, values = bound(model, self._query(request), path, parse)
            self._dispatched.keep(shape, given, values)
        elif decoded is None:
            return kept[0].__copy__()
        else:
            given, values = kept
        if decoded is None:
            return given
        return msgspec.structs.replace(decoded, **values) if values else decoded

    @staticmethod
    def _query(request: Request) -> dict[str, str]:
        return dict(codecs.query_of(request)) if request.scope.get("query_string") else {}

    def _read(
        self,
        body: bytes,
        body_format: str | None,
        content_type: bytes | None,
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
            media = None if content_type is None else content_type.decode("latin-1")
            message = (
                f"Could not deserialize '{media}' request using "
                f"{typeinfo.clr_name(operation.request)}'\nError: {exc}"
            )
            raise DecodeError(message, path=exc.path, position=exc.position) from exc
