"""Names under which secrets travel; logs and journals mask their values."""

SECRET_NAMES = frozenset(
    {
        "password",
        "token",
        "access_token",
        "accesstoken",
        "secretaccesstoken",
        "secret_access_token",
        "refresh_token",
        "bearertoken",
        "sessionid",
        "ss-id",
        "ss-pid",
        "api_key",
        "apikey",
        "pass_code",
    }
)
