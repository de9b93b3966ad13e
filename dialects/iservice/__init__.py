"""iService (One-to-One Service.com) form API: login sessions and contact details (seed 003)."""

from dialects.base import ModuleDialect
from dialects.iservice import errors, routes

dialect = ModuleDialect(
    name="iservice",
    prefix="/iservice",
    routes=routes.routes,
    errors=errors.error_response,
    operations=routes.operations,
)
