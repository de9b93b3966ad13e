"""CRM.COM Web API (R10-R15): token authentication and social media customer events (seed 001)."""

from dialects.base import ModuleDialect
from dialects.crmcom import errors, routes

dialect = ModuleDialect(
    name="crmcom",
    prefix="/crmcom",
    routes=routes.routes,
    errors=errors.error_response,
    operations=routes.operations,
)
