"""iService (One-to-One Service.com) form API: login sessions and contact details (seed 003)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialects.base import Operation
from dialects.iservice import errors, routes


class IServiceDialect:
    name = "iservice"
    prefix = "/iservice"
    hosts: tuple[str, ...] = ()

    def routes(self) -> Sequence[BaseRoute]:
        return routes.routes()

    def error_response(self, exc: Exception, request: Request) -> Response:
        return errors.error_response(exc, request)

    def describe(self) -> Sequence[Operation]:
        return [
            Operation(
                method=method,
                path=f"/f/{form}?api={api}",
                summary=(handler.__doc__ or api).strip(),
                request=routes.REQUESTS.get(api) if method == "POST" else None,
                response=routes.RESPONSES[api],
            )
            for form, apis in routes.FORMS.items()
            for api, (handler, methods) in apis.items()
            for method in methods
        ]


dialect = IServiceDialect()
