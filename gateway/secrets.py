"""What counts as a secret on the wire; logs, the journal and recordings mask these values."""

from __future__ import annotations

import re

#: Secret member / parameter / header names, lower case with ``-`` and ``_`` removed.
SECRET_NAMES = frozenset(
    {
        "password",
        "newpassword",
        "passcode",
        "token",
        "accesstoken",
        "secretaccesstoken",
        "refreshtoken",
        "bearertoken",
        "sessionid",
        "ssid",
        "sspid",
        "apikey",
        "xapikey",
        "clientsecret",
        "authorization",
        "proxyauthorization",
        "cookie",
        "setcookie",
    }
)

#: Every secret name contains one of these: text without any of them names no secret, and
#: checking nine substrings costs half of checking every name.
SECRET_ANCHORS = (
    "pass",
    "token",
    "session",
    "ssid",
    "sspid",
    "apikey",
    "secret",
    "authorization",
    "cookie",
)

MASK = "***"

_FOLD = re.compile(r"[-_]")


def is_secret(name: str) -> bool:
    """``access_token``, ``AccessToken`` and ``access-token`` are one name."""
    return _FOLD.sub("", name.split(":")[-1]).lower() in SECRET_NAMES
