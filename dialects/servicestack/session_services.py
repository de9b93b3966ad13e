"""The AuthFeature services every site has: ``Authenticate`` on ``/auth`` and
``/auth/{provider}`` (credentials sign-in, the current session, ``logout``) and
``AuthenticateLogout`` on ``/auth/logout``.
"""

from __future__ import annotations

from core.errors import NotFound, Unauthenticated
from dialects.servicestack import auth
from dialects.servicestack.dto import Authenticate, AuthenticateLogout, AuthenticateResponse
from dialects.servicestack.operations import Call, Operation, Route

NOT_AUTHENTICATED = "Not Authenticated"


def authenticate(call: Call, dto: Authenticate) -> AuthenticateResponse:
    """Sign in with credentials, sign out (provider ``logout``), or describe the session."""
    provider = (dto.provider or "").lower()
    if provider == "logout":
        return logout(call, AuthenticateLogout())
    if provider == "credentials" or (not provider and dto.UserName):
        response, ids = auth.sign_in(call.core, call.site, dto, call.request)
        call.hooks.append(lambda r: auth.set_cookies(call.request, r, ids))
        if call.settings.use_token_cookie:
            return auth.to_token_cookie(call, response, ids.active)
        return response
    if provider:
        raise NotFound("auth provider", provider)
    principal = auth.authenticate(call.core, call.site, call.request)
    if principal is None:
        raise Unauthenticated("missing", NOT_AUTHENTICATED)
    return auth.authenticate_response(
        call.core, call.site, principal, auth.current_session(call.request)
    )


def logout(call: Call, dto: AuthenticateLogout) -> AuthenticateResponse:
    """End the session and expire its cookies."""
    call.hooks.append(lambda r: auth.sign_out(call.core, call.site, call.request, r))
    return AuthenticateResponse()


SESSION_SERVICES = [
    Operation(
        request=AuthenticateLogout,
        response=AuthenticateResponse,
        handler=logout,
        summary="Sign Out",
        routes=(Route("/auth/logout", ("GET", "POST")),),
        authenticate=False,
    ),
    Operation(
        request=Authenticate,
        response=AuthenticateResponse,
        handler=authenticate,
        summary="Sign In",
        routes=(Route("/auth"), Route("/auth/{provider}")),
        authenticate=False,
        descriptions={"provider": "AuthProvider, e.g. credentials"},
    ),
]
