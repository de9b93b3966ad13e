"""Core errors: what a use case can refuse, independent of any vendor or transport.

Every dialect turns these into its own envelope in its own ``errors`` module::

    CoreError
     ├── NotFound             the entity does not exist (or is in another company)
     ├── Unauthenticated      no, wrong or expired credentials / session
     ├── Forbidden            authenticated, but the policy refuses the action
     ├── ValidationFailed     bad values; carries one FieldError per failed field
     ├── Conflict             the change clashes with stored state (e.g. a login taken)
     └── LimitExceeded        a request larger than the use case accepts
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    """One failed rule on one field.

    ``field`` is the canonical field path (``first_name``, ``custom_fields[3]``);
    ``code`` is a neutral rule name (``required``, ``format``, ``max_length``,
    ``pattern``, ``choice``, ``unknown``, ``invalid``); ``params`` feeds vendor messages.
    """

    field: str
    code: str
    message: str
    params: dict[str, str] = {}


class CoreError(Exception):
    """Base of every error a core use case raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CoreError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class Unauthenticated(CoreError):
    """``reason`` is ``credentials``, ``missing``, ``expired`` or ``invalid``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Forbidden(CoreError):
    pass


class ValidationFailed(CoreError):
    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message for e in self.errors) or "invalid request")


class Conflict(CoreError):
    pass


class LimitExceeded(CoreError):
    def __init__(self, what: str, limit: int, actual: int) -> None:
        super().__init__(f"{what}: at most {limit} allowed, {actual} given")
        self.what = what
        self.limit = limit
        self.actual = actual
