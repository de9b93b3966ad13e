"""ASP.NET Web API 2 with the OWIN OAuth bearer server and the Help Page package (seed 000)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from dialects.base import Operation
from dialects.webapi import errors, routes
from dialects.webapi.dto import CusSocialAccountDto, TokenRequest, TokenResponse

MEDIA_TYPES = ("application/json", "text/json", "application/xml", "text/xml")


class WebApiDialect:
    name = "webapi"
    prefix = "/webapi"
    hosts: tuple[str, ...] = ()

    def routes(self) -> Sequence[BaseRoute]:
        return routes.routes()

    def error_response(self, exc: Exception, request: Request) -> Response:
        return errors.error_response(exc, request)

    def describe(self) -> Sequence[Operation]:
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


dialect = WebApiDialect()
