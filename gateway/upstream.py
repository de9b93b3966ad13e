"""Upstream mode: forward a dialect to the real vendor, record the exchanges, replay them.

Recordings are fixture files (one JSON document per exchange) with secrets masked; replay
serves them back byte for byte, matching method, path, query and (masked) request body.
"""

from __future__ import annotations

import base64
import itertools
import re
import time
from pathlib import Path
from typing import Any, Protocol

import httpx
import msgspec
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from dialects.base import Problem
from gateway.masking import mask_header, mask_query, mask_text

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"transfer-encoding",
        b"te",
        b"trailer",
        b"upgrade",
        b"host",
        b"content-length",
    }
)
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class Exchange(msgspec.Struct, kw_only=True):
    dialect: str
    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: list[tuple[str, str]]
    response_body: str
    #: ``utf-8`` (masked text) or ``base64`` (bytes that are not text, kept as they were)
    response_encoding: str = "utf-8"
    #: Unix time of the answer: ``crmgate diff`` replays every dialect's exchanges in order.
    recorded_at: float = 0.0

    def key(self) -> tuple[str, str, str, str]:
        return (self.method, self.path, self.query, self.request_body)

    def body_bytes(self) -> bytes:
        if self.response_encoding == "base64":
            return base64.b64decode(self.response_body)
        return self.response_body.encode()


def _relative_path(scope: Scope) -> str:
    return scope["path"][len(scope.get("root_path", "")) :] or "/"


def _text(body: bytes) -> tuple[str, str]:
    try:
        return mask_text(body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), "base64"


def _request_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers by name (repeated ones joined, as HTTP allows), secrets masked."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw:
        name = raw_name.decode("latin-1").lower()
        value = mask_header(name, raw_value.decode("latin-1"))
        joiner = "; " if name == "cookie" else ", "
        headers[name] = f"{headers[name]}{joiner}{value}" if name in headers else value
    return headers


class Recorder:
    def __init__(self, folder: Path, dialect: str) -> None:
        self.folder = folder / dialect
        self.dialect = dialect
        self.folder.mkdir(parents=True, exist_ok=True)
        self._seq = itertools.count(len(list(self.folder.glob("*.json"))) + 1)

    def save(self, scope: Scope, request_body: bytes, status: int, headers, body: bytes) -> Path:
        text, encoding = _text(body)
        exchange = Exchange(
            dialect=self.dialect,
            method=scope["method"],
            path=_relative_path(scope),
            query=mask_query(scope.get("query_string", b"")),
            request_headers=_request_headers(scope["headers"]),
            request_body=mask_text(request_body.decode("utf-8", errors="replace")),
            status=status,
            response_headers=[
                (
                    k.decode("latin-1").lower(),
                    mask_header(k.decode("latin-1").lower(), v.decode("latin-1")),
                )
                for k, v in headers
            ],
            response_body=text,
            response_encoding=encoding,
            recorded_at=time.time(),
        )
        slug = re.sub(r"[^A-Za-z0-9]+", "-", exchange.path).strip("-")[:60] or "root"
        path = self.folder / f"{next(self._seq):06d}-{exchange.method}-{slug}.json"
        path.write_bytes(msgspec.json.format(msgspec.json.encode(exchange)))
        return path


class Observer(Protocol):
    """Told of each exchange once its answer is sent (a Recorder, shadow mode)."""

    def save(
        self, scope: Scope, request_body: bytes, status: int, headers: Any, body: bytes
    ) -> object: ...


class UpstreamProxy:
    """Forwards requests to ``base_url`` with httpx, streaming the answer back."""

    def __init__(self, base_url: str, *observers: Observer | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.observers = [o for o in observers if o is not None]
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await Request(scope, receive).body()
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.base_url + _relative_path(scope) + (f"?{query}" if query else "")
        headers = [(k, v) for k, v in scope["headers"] if k not in HOP_BY_HOP]
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT)
        request = self._client.build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise Problem(504, "The upstream service did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise Problem(502, "The upstream service could not be reached.") from exc
        kept = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
        received = bytearray()
        try:
            await send(
                {"type": "http.response.start", "status": response.status_code, "headers": kept}
            )
            async for chunk in response.aiter_raw():
                if self.observers:
                    received.extend(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()
        for observer in self.observers:
            observer.save(scope, body, response.status_code, kept, bytes(received))


class Replayer:
    """Serves a dialect's recorded exchanges; repeated requests cycle through their answers."""

    def __init__(self, folder: Path, dialect: str) -> None:
        self.dialect = dialect
        self._answers: dict[tuple[str, str, str, str], itertools.cycle[Exchange]] = {}
        recorded: dict[tuple[str, str, str, str], list[Exchange]] = {}
        for file in sorted((folder / dialect).glob("*.json")):
            exchange = msgspec.json.decode(file.read_bytes(), type=Exchange)
            recorded.setdefault(exchange.key(), []).append(exchange)
        self._answers = {k: itertools.cycle(v) for k, v in recorded.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await Request(scope, receive).body()
        key = (
            scope["method"],
            _relative_path(scope),
            mask_query(scope.get("query_string", b"")),
            mask_text(body.decode("utf-8", errors="replace")),
        )
        answers = self._answers.get(key)
        if answers is None:
            raise Problem(404, f"No recorded exchange for {key[0]} {key[1]}.")
        exchange = next(answers)
        payload = exchange.body_bytes()
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in exchange.response_headers]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": exchange.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload, "more_body": False})
