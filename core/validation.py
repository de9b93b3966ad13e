"""Field rules shared by use cases; each failure becomes one FieldError."""

from __future__ import annotations

import re

from core.errors import FieldError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 1000


def check_email(field: str, value: str | None) -> FieldError | None:
    if value is None or EMAIL.match(value):
        return None
    return FieldError(field, "format", f"'{value}' is not a valid e-mail address", {"value": value})


def check_length(field: str, value: str | None, limit: int | None) -> FieldError | None:
    limit = limit or MAX_TEXT
    if value is None or len(value) <= limit:
        return None
    return FieldError(
        field,
        "max_length",
        f"'{field}' must be {limit} characters or fewer; {len(value)} given",
        {"max_length": str(limit), "length": str(len(value))},
    )


def check_required(field: str, value: str | None) -> FieldError | None:
    if value:
        return None
    return FieldError(field, "required", f"'{field}' must not be empty")
