"""What the comparison works on (two answers) and what it finds (differences)."""

from __future__ import annotations

import msgspec


class DiffError(Exception):
    """What stops a comparison (no recording, no credentials file, crmgate unreachable);
    the CLI prints it on one line."""


class Answer(msgspec.Struct, frozen=True):
    """One HTTP answer: status, headers (names in lower case, in order) and body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]

    def first(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


def answer(status: int, headers: object, body: bytes) -> Answer:
    """An Answer from header pairs of bytes or text, in any case."""
    pairs = []
    for name, value in headers:  # type: ignore[attr-defined]
        if isinstance(name, bytes):
            name, value = name.decode("latin-1"), value.decode("latin-1")
        pairs.append((name.lower(), value))
    return Answer(status, tuple(pairs), body)


class Difference(msgspec.Struct, frozen=True):
    """``kind`` groups the totals (status, content-type, header, cookie, body, keys, order,
    kind, format, xml, envelope); ``where`` says where, ``vendor`` and ``crmgate`` what each
    side has. None of them ever holds a value that is data."""

    kind: str
    where: str
    vendor: str
    crmgate: str

    def describe(self) -> str:
        return f"{self.kind} {self.where}: {self.vendor} vs {self.crmgate}"


class Outcome(msgspec.Struct, kw_only=True):
    """One exchange compared: what was asked, each side's status, and what differs."""

    dialect: str
    method: str
    path: str
    query: str
    vendor_status: int
    crmgate_status: int
    differences: list[Difference]
    #: what the replay could not do as recorded (a masked secret it had no value for)
    notes: list[str] = []
    #: the recording's file, or the time a shadowed request was answered
    source: str = ""

    @property
    def same(self) -> bool:
        return not self.differences
