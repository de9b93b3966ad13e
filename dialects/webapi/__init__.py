"""ASP.NET Web API 2 with the OWIN OAuth bearer server and the Help Page package (seed 000)."""

from __future__ import annotations

from dialects.base import ModuleDialect, Operation
from dialects.webapi import errors, routes
from dialects.webapi.dto import CusSocialAccountDto, TokenRequest, TokenResponse

MEDIA_TYPES = ("application/json", "text/json", "application/xml", "text/xml")


def operations() -> list[Operation]:
    """The token endpoint, the social credentials resource and its help pages."""
    social = routes.SOCIAL_PATH
    return [
        Operation(
            method="POST",
            path=routes.TOKEN_PATH,
            summary="OAuth 2 password grant: a bearer token for 14 days.",
            request=TokenRequest,
            response=TokenResponse,
            media_types=("application/x-www-form-urlencoded",),
        ),
        Operation(
            method="POST",
            path=social,
            summary="Save one of the caller's social accounts.",
            request=CusSocialAccountDto,
            response=CusSocialAccountDto,
            media_types=(*MEDIA_TYPES, "application/x-www-form-urlencoded"),
        ),
        Operation(
            method="GET",
            path=social,
            summary="The caller's social accounts.",
            response=CusSocialAccountDto,
            media_types=MEDIA_TYPES,
        ),
        Operation(method="GET", path="/Help", summary="Help Page: the API list."),
        Operation(
            method="GET",
            path=f"/Help/Api/{routes.help_pages.API_ID}",
            summary="Help Page of the social credentials POST.",
        ),
    ]


dialect = ModuleDialect(
    name="webapi",
    prefix="/webapi",
    routes=routes.routes,
    errors=errors.error_response,
    operations=operations,
)
