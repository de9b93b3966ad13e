"""CRM.COM Web API (R10-R15): token authentication and social media customer events (seed 001)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialects.base import Operation
from dialects.crmcom import errors, routes


class CrmComDialect:
    name = "crmcom"
    prefix = "/crmcom"
    hosts: tuple[str, ...] = ()

    def routes(self) -> Sequence[BaseRoute]:
        return routes.routes()

    def error_response(self, exc: Exception, request: Request) -> Response:
        return errors.error_response(exc, request)

    def describe(self) -> Sequence[Operation]:
        return routes.operations()


dialect = CrmComDialect()
