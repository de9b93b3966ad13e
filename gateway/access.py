"""The opt-in access log (``--access-log``): one line per dialect request, logger
``crmgate.access``. It never shows bodies, headers or secret query parameters; the journal is
the record, so it is off by default."""

from __future__ import annotations

import logging
import re

from starlette.types import Scope

from dialects.context import RequestContext
from gateway.masking import mask_query

access_log = logging.getLogger("crmgate.access")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with its control characters percent-encoded (the C1 ones as their code): the
    path is decoded (``%0A`` is a line feed), and a request must never forge a log line."""
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", text)


def log_access(context: RequestContext, scope: Scope, status: int, duration: float) -> None:
    """The line of one answered request (when the logger is on at INFO)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    query = mask_query(scope.get("query_string", b""))
    access_log.info(
        "%s %s %s%s %d %.1fms id=%s",
        context.dialect,
        scope["method"],
        printable(scope["path"]),
        f"?{query}" if query else "",
        status,
        duration * 1000,
        context.request_id,
    )
