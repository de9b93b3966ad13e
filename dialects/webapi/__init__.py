"""ASP.NET Web API 2 with the OWIN OAuth bearer server and the Help Page package (seed 000)."""

from __future__ import annotations

from dialects.base import EndpointDialect
from dialects.webapi import errors, routes

dialect = EndpointDialect(
    name="webapi",
    prefix="/webapi",
    endpoints=routes.ENDPOINTS,
    errors=errors.error_response,
    router=routes.routes,
)
