"""Replaying a recording against crmgate: every exchange in the order it was recorded, in a
fresh sandbox, logged in as the recording was; each answer compared with the vendor's."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

import httpx
import msgspec

from gateway.diff.compare import compare
from gateway.diff.logins import Credentials, SecretBook
from gateway.diff.model import Answer, DiffError, Outcome, answer
from gateway.sandboxes import HEADER
from gateway.upstream import HOP_BY_HOP, Exchange

#: Headers httpx adds on its own; a replay sends them only when the recording did.
_CLIENT_DEFAULTS = ("accept", "accept-encoding", "user-agent", "connection")
_SKIPPED = frozenset(h.decode() for h in HOP_BY_HOP) | {HEADER.lower()}


def load(folder: Path) -> list[tuple[Path, Exchange]]:
    """Every recorded exchange under ``folder/<dialect>/``, in the order it was recorded."""
    if not folder.is_dir():
        raise DiffError(f"no recording folder {folder}")
    found = []
    for file in sorted(folder.glob("*/*.json")):
        try:
            found.append((file, msgspec.json.decode(file.read_bytes(), type=Exchange)))
        except msgspec.DecodeError as exc:
            raise DiffError(f"{file} is not a recorded exchange: {exc}") from exc
    found.sort(key=lambda item: (item[1].recorded_at, item[1].dialect, item[0].name))
    return found


def decoded(vendor: Answer) -> Answer:
    """The answer with its body decoded when the vendor compressed it (a proxy passes
    compressed bytes through; crmgate's answers are read decoded)."""
    encoding = (vendor.first("content-encoding") or "").strip().lower()
    if encoding not in ("gzip", "deflate"):
        return vendor
    try:
        body = zlib.decompress(vendor.body, 47 if encoding == "gzip" else zlib.MAX_WBITS)
    except zlib.error:
        return vendor
    return Answer(vendor.status, vendor.headers, body)


def vendor_answer(exchange: Exchange) -> Answer:
    return decoded(answer(exchange.status, exchange.response_headers, exchange.body_bytes()))


class Target:
    """Where replayed requests go: a client on crmgate (in process or at a URL) and a
    sandbox of the chosen fixtures, made on entry and deleted on exit."""

    def __init__(self, client: httpx.AsyncClient, admin_token: str | None = None) -> None:
        self.client = client
        self.admin = {"authorization": f"Bearer {admin_token}"} if admin_token else {}
        self.sandbox: str | None = None

    async def open(self, fixtures: str | None) -> None:
        wanted = {"fixtures": fixtures} if fixtures else {}
        try:
            made = await self.client.post("/__admin/sandboxes", json=wanted, headers=self.admin)
        except httpx.HTTPError as exc:
            raise DiffError(f"crmgate could not be reached: {exc}") from exc
        if made.status_code != 201:
            raise DiffError(f"crmgate refused a sandbox ({made.status_code}): {made.text}")
        self.sandbox = made.json()["id"]

    async def close(self) -> None:
        if self.sandbox is not None:
            await self.client.delete(f"/__admin/sandboxes/{self.sandbox}", headers=self.admin)
        await self.client.aclose()

    async def send(self, exchange: Exchange, book: SecretBook, prefix: str) -> Answer:
        context = exchange.query + exchange.request_body
        query = book.query(exchange.query, context)
        headers = book.headers(
            {k: v for k, v in exchange.request_headers.items() if k not in _SKIPPED}, context
        )
        if self.sandbox is not None:
            headers[HEADER] = self.sandbox
        url = prefix + exchange.path + (f"?{query}" if query else "")
        body = book.body(exchange.request_body, context).encode()
        request = self.client.build_request(exchange.method, url, headers=headers, content=body)
        for name in _CLIENT_DEFAULTS:
            if name not in exchange.request_headers:
                request.headers.pop(name, None)
        response = await self.client.send(request)
        return answer(response.status_code, response.headers.raw, response.content)


async def replay(
    recorded: Iterable[tuple[Path, Exchange]],
    target: Target,
    credentials: Credentials,
    prefixes: dict[str, str],
) -> list[Outcome]:
    """Each exchange replayed and compared; logins of one dialect carry over to its later
    requests as they did when recorded."""
    books: dict[str, SecretBook] = {}
    outcomes = []
    for file, exchange in recorded:
        if exchange.dialect not in prefixes:
            raise DiffError(f"{file}: crmgate has no dialect {exchange.dialect!r}")
        book = books.setdefault(exchange.dialect, SecretBook(credentials))
        book.notes = []
        own = await target.send(exchange, book, prefixes[exchange.dialect])
        vendor = vendor_answer(exchange)
        book.learn(vendor, own)
        outcomes.append(
            Outcome(
                dialect=exchange.dialect,
                method=exchange.method,
                path=exchange.path,
                query=exchange.query,
                vendor_status=exchange.status,
                crmgate_status=own.status,
                differences=compare(vendor, own),
                notes=list(dict.fromkeys(book.notes)),
                source=file.name,
            )
        )
    return outcomes
