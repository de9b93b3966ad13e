"""CRM.COM Web API (R10-R15): token authentication and social media customer events (seed 001)."""

from dialects.base import EndpointDialect
from dialects.crmcom import errors, routes

dialect = EndpointDialect(
    name="crmcom",
    prefix="/crmcom",
    endpoints=routes.ENDPOINTS,
    errors=errors.error_response,
    router=routes.routes,
)
