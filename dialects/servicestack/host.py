"""A generic ServiceStack host: one instance per site (PF, BokaMera), each a gateway dialect.

What it routes, in ServiceStack's order: the metadata pages and ``/types/{lang}``; the user
routes the operations declare (``[Route]``); the predefined routes ``/{format}/reply/{Dto}``
and ``/api/{Dto}``, with ``[]`` after the name for an auto-batched call. A route matches
path *and* verb (``RestPath.IsMatch``): anything else is a 404, never a 405.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping, Sequence
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
from dialects.formats.jsv import Jsv
from dialects.servicestack import auth, codecs, errors, negotiation, pages, typegen, typeinfo
from dialects.servicestack.bind import bind_predefined, bound
from dialects.servicestack.operations import Call, HostSettings, Operation
from dialects.servicestack.routing import CatchAll, Decided, Dispatches, UserRoutes
from dialects.servicestack.session_services import SESSION_SERVICES

_BODY_VERBS = ("POST", "PUT", "PATCH", "DELETE")
#: Header ServiceStack sets on an auto-batched answer: how many requests completed.
AUTO_BATCH_COMPLETED = "X-AutoBatch-Completed"
FORMAT_KEY = "crmgate.servicestack.format"
RESPONSE_TYPE_KEY = "crmgate.servicestack.response_type"
OPERATION_KEY = "crmgate.servicestack.operation"
REQUEST_DTO_KEY = "crmgate.servicestack.request_dto"


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
    _encoded_once: codecs.EncodedOnce = field(init=False)
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
        self._encoded_once = codecs.EncodedOnce(self.formats.codecs)

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
                page=self._page(request),
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
        scope = request.scope
        headers = headers_of(scope)
        accept, content_type = headers.get(b"accept"), headers.get(b"content-type")
        shape = (request.method, raw, scope.get("query_string", b""), accept, content_type)
        decided = self._dispatched.get(shape, self.settings)
        if decided is None:
            found = self._decide(request, raw, accept, content_type)
            if isinstance(found, Response):
                return found
            decided = found
            self._dispatched.put(shape, decided)
        operation = decided.operation
        scope[FORMAT_KEY] = decided.fmt
        scope[RESPONSE_TYPE_KEY] = operation.response
        scope[OPERATION_KEY] = operation.name
        return await self._serve(request, shape, *decided)

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
            return Decided(operation, fmt, variables, None, False)
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
            return Decided(self._operation(found), fmt, variables, handler_format, batch)
        if fmt == "csv" and not plugins.csv:
            # No route: crmgate's 404 envelope, in JSON when CSV cannot be written.
            request.scope[FORMAT_KEY] = codecs.DEFAULT
        # A verb the route does not declare matches no route either (RestPath.IsMatch).
        message = f"Handler for Request not found: {request.method} {raw}"
        raise no_endpoint(request.scope, 404, message)

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

    async def _serve(
        self,
        request: Request,
        shape: Hashable,
        operation: Operation,
        fmt: str,
        variables: dict[str, str],
        handler_format: str | None,
        batch: bool,
    ) -> Response:
        """Run ``operation``; ``handler_format`` is the predefined route's own format (None on a
        user route). A request without a body gets the DTO its ``shape`` bound before."""
        auth.check_api_key(self.api_key_env, request)
        core = core_of(request)
        body = await read_body(request.receive) if request.method in _BODY_VERBS else b""
        raw_type = headers_of(request.scope).get(b"content-type")
        content_type = None if raw_type is None else raw_type.decode("latin-1")
        call = Call(core=core, request=request, site=self.name, settings=self.settings)
        if operation.authenticate:
            self._authenticate(call)
        has_body = bool(body.strip())
        body_format = None
        if batch or has_body:
            body_format = negotiation.body_format(content_type, self.plugins)
            if handler_format is not None and body_format != "form":
                body_format = handler_format
        if batch:
            if request.method != "POST":
                raise Problem(405, "Auto-batched requests are POSTed.", {"Allow": "POST"})
            if fmt.startswith("xml"):
                raise Problem(406, "Auto-batched responses are written in JSON or JSV.")
            dtos = self._read(body, body_format, content_type, operation, many=True)
            return self._batch(call, operation, dtos, fmt)
        decoded = self._read(body, body_format, content_type, operation) if has_body else None
        dto = self._bind(request, shape, operation, decoded, variables, handler_format)
        request.scope[REQUEST_DTO_KEY] = dto
        result = operation.handler(call, dto)
        answer = self._answer(request, result, fmt, operation)
        for hook in call.hooks:
            hook(answer)
        # Not on a site with API keys: those are read afresh on every call.
        if operation.reusable and request.method == "GET" and not (call.hooks or self.api_key_env):
            reusable(request.scope, call.until)
        return answer

    def _bind(
        self,
        request: Request,
        shape: Hashable,
        operation: Operation,
        decoded: Any,
        variables: dict[str, str],
        handler_format: str | None,
    ) -> Any:
        """The request DTO (``bind``): what the path and query bind is kept per ``shape``
        (``Dispatches.keep``), except on a predefined route with a body, where the query only
        fills what the body left at its default."""
        parse = codecs.parse_query_value
        if handler_format is not None and decoded is not None:
            return bind_predefined(operation.request, decoded, self._query(request), parse)
        kept = self._dispatched.bound(shape)
        if kept is None:
            path = variables if handler_format is None else {}
            given, values = bound(operation.request, self._query(request), path, parse)
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

    def _debug(self, result: Any, headers: Mapping[str, str]) -> Response:
        """A JSV answer with ``?debug=``: laid out by JsvFormatter, sent as ``text/plain``
        (``ServiceStackHandlerBase.HandleResponseNext`` -> ``WriteDebugResponse``)."""
        jsv = self.formats.codecs["jsv"]
        assert isinstance(jsv, Jsv)
        return Response(
            jsv.encode_pretty(result), headers={**headers, "content-type": "text/plain"}
        )

    def _page(self, request: Request) -> codecs.Page:
        """What an HTML answer shows of the request (HtmlFormat: ``req.OperationName``,
        ``req.Dto``)."""
        name = request.scope.get(OPERATION_KEY) or "ErrorResponse"
        return codecs.Page(
            request,
            name,
            request.scope.get(REQUEST_DTO_KEY),
            codecs.with_case(request, "json", self.settings.use_camel_case),
        )

    def _answer(
        self,
        request: Request,
        result: Any,
        fmt: str,
        operation: Operation,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """A successful answer; CSV ones carry ``Content-Disposition: attachment`` named
        after the operation (CsvFormat's global response filter)."""
        headers = dict(headers or {})
        if fmt == "csv" and self.settings.csv_format:
            headers = {
                **headers,
                "Content-Disposition": f'attachment;filename="{operation.name}.csv"',
            }
        if (
            fmt.startswith("jsv")
            and request.query_params.get("debug")
            and not isinstance(result, list)
        ):
            return self._debug(result, headers)
        page = self._page(request) if fmt == "html" else None
        answer = codecs.response(
            self._encoded_once if operation.shared_answers else self.formats,
            result,
            fmt,
            headers=headers,
            page=page,
            csv_loaded=self.settings.csv_format,
        )
        callback = codecs.jsonp_callback(request)
        return codecs.jsonp(answer, callback, error=False) if callback else answer

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
                answer = errors.render(
                    exc,
                    self.formats,
                    fmt,
                    operation.response,
                    meta,
                    page=self._page(call.request),
                    csv_loaded=self.settings.csv_format,
                )
                answer.headers[AUTO_BATCH_COMPLETED] = str(i)
                callback = codecs.jsonp_callback(call.request)
                return codecs.jsonp(answer, callback, error=True) if callback else answer
        headers = {AUTO_BATCH_COMPLETED: str(len(results))}
        return self._answer(call.request, results, fmt, operation, headers)
