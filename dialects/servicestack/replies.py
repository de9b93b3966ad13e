"""A ServiceStack site's successful answers: the result in the negotiated format, as CSV with
its attachment name, as the JSV debug page (``?debug=``) or wrapped in JSONP
(``?callback=``); the HTML page's view of the request; an auto-batched call run in turn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from core.errors import CoreError
from dialects.base import Problem
from dialects.formats.errors import DecodeError
from dialects.formats.jsv import Jsv
from dialects.servicestack import codecs, errors
from dialects.servicestack.operations import Call, Operation

if TYPE_CHECKING:
    from dialects.servicestack.host import Site

#: Header ServiceStack sets on an auto-batched answer: how many requests completed.
AUTO_BATCH_COMPLETED = "X-AutoBatch-Completed"
OPERATION_KEY = "crmgate.servicestack.operation"
REQUEST_DTO_KEY = "crmgate.servicestack.request_dto"

_NO_HEADERS: Mapping[str, str] = {}


def success(
    site: Site,
    request: Request,
    result: Any,
    fmt: str,
    operation: Operation,
    headers: Mapping[str, str] = _NO_HEADERS,
) -> Response:
    """A successful answer; CSV ones carry ``Content-Disposition: attachment`` named
    after the operation (CsvFormat's global response filter). Only a query string can ask
    for the debug page or JSONP."""
    settings = site.settings
    if fmt == "csv" and settings.csv_format:
        headers = {
            **headers,
            "Content-Disposition": f'attachment;filename="{operation.name}.csv"',
        }
    query = request.scope.get("query_string")
    if (
        query
        and fmt.startswith("jsv")
        and request.query_params.get("debug")
        and not isinstance(result, list)
    ):
        return _debug(site, result, headers)
    answer = codecs.response(
        site.encoded_once if operation.shared_answers else site.formats,
        result,
        fmt,
        headers=headers,
        page=page(site, request) if fmt == "html" else None,
        csv_loaded=settings.csv_format,
    )
    callback = codecs.jsonp_callback(request) if query else None
    return codecs.jsonp(answer, callback, error=False) if callback else answer


def _debug(site: Site, result: Any, headers: Mapping[str, str]) -> Response:
    """A JSV answer with ``?debug=``: laid out by JsvFormatter, sent as ``text/plain``
    (``ServiceStackHandlerBase.HandleResponseNext`` -> ``WriteDebugResponse``)."""
    jsv = site.formats.codecs["jsv"]
    assert isinstance(jsv, Jsv)
    return Response(jsv.encode_pretty(result), headers={**headers, "content-type": "text/plain"})


def page(site: Site, request: Request) -> codecs.Page:
    """What an HTML answer shows of the request (HtmlFormat: ``req.OperationName``,
    ``req.Dto``)."""
    name = request.scope.get(OPERATION_KEY) or "ErrorResponse"
    return codecs.Page(
        request,
        name,
        request.scope.get(REQUEST_DTO_KEY),
        codecs.with_case(request, "json", site.settings.use_camel_case),
    )


def batch(site: Site, call: Call, operation: Operation, dtos: list[Any], fmt: str) -> Response:
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
                site.formats,
                fmt,
                operation.response,
                meta,
                page=page(site, call.request),
                csv_loaded=site.settings.csv_format,
            )
            answer.headers[AUTO_BATCH_COMPLETED] = str(i)
            callback = codecs.jsonp_callback(call.request)
            return codecs.jsonp(answer, callback, error=True) if callback else answer
    headers = {AUTO_BATCH_COMPLETED: str(len(results))}
    return success(site, call.request, results, fmt, operation, headers)
