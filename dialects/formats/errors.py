"""The one error every decoder raises on input it cannot read."""

from __future__ import annotations


class DecodeError(ValueError):
    """Unreadable or mistyped input; ``path`` names the field, ``position`` the byte offset."""

    def __init__(self, message: str, *, path: str | None = None, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.position = position
