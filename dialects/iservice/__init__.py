"""iService (One-to-One Service.com) form API: login sessions and contact details (seed 003)."""

from dialects.base import EndpointDialect
from dialects.iservice import errors, routes

dialect = EndpointDialect(
    name="iservice",
    prefix="/iservice",
    endpoints=routes.ENDPOINTS,
    errors=errors.error_response,
    router=routes.routes,
)
