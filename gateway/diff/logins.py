"""Logging in as the recording did: recordings hold secrets masked (``***``), so a replay
takes passwords from a credentials file the user edits, and tokens, session ids and cookies
from crmgate's own answers to the replayed logins.

The credentials file is TOML::

    # the password of each login name the recording logs in with
    [passwords]
    "customer11@1to1service.com" = "demo-customer"

    # any other masked secret, by its member or header name (an API key, say)
    [secrets]
    "x-api-key" = "my-key"

In shadow mode requests carry the vendor's real tokens: each one crmgate's answer pairs with
one of its own (same member, same cookie) is swapped for crmgate's.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import msgspec

from gateway.diff.bodies import Unreadable, grammar, parse
from gateway.diff.model import Answer, DiffError
from gateway.diff.wire import deletes, parse_set_cookie
from gateway.diff.xmltree import split_tag
from gateway.secrets import MASK, is_secret

#: Secret names that hold a password (folded: lower case, no ``-`` or ``_``).
PASSWORDS = frozenset({"password", "newpassword", "passcode"})
#: Names of the tokens an ``Authorization`` header or a ``token`` member carries.
TOKENS = ("bearertoken", "accesstoken", "token", "secretaccesstoken")
#: Vendor values shorter than this are not swapped (they could occur by chance).
MIN_SWAP = 8

_SLOT = re.compile(
    r'"(?P<json>[\w.-]+)"\s*:\s*"\*\*\*(?=")'
    r"|<(?P<xml>(?:[\w.-]+:)?[\w.-]+)(?:\s[^>]*)?>\*\*\*(?=</)"
    r'|(?:^|(?<=[&{,\s]))"?(?P<key>[\w.%+-]+)"?\s*(?P<sep>[=:])\s*\*\*\*'
)


class CredentialsError(DiffError):
    pass


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    passwords: dict[str, str] = {}
    secrets: dict[str, str] = {}


def read_credentials(path: str | None) -> Credentials:
    if path is None:
        return Credentials()
    try:
        raw = tomllib.loads(Path(path).read_text())
        return msgspec.convert(raw, Credentials)
    except FileNotFoundError as exc:
        raise CredentialsError(f"no credentials file {path}") from exc
    except (tomllib.TOMLDecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"credentials file {path}: {exc}") from exc


def fold(name: str) -> str:
    return re.sub(r"[-_]", "", name.split(":")[-1]).lower()


def secret_members(tree: Any, where: str = "$") -> dict[str, tuple[str, str]]:
    """``path -> (name, value)`` of every secret-named scalar member of a tree."""
    found: dict[str, tuple[str, str]] = {}
    if isinstance(tree, Element):
        for child in tree.iter():
            local = split_tag(child.tag)[1]
            if not len(child) and is_secret(local) and (child.text or "").strip():
                found[f"{where}/{local}/{len(found)}"] = (local, child.text.strip())
    elif isinstance(tree, dict):
        for name, value in tree.items():
            if isinstance(value, str | int) and is_secret(name) and value != "":
                found[f"{where}.{name}"] = (name, str(value))
            else:
                found |= secret_members(value, f"{where}.{name}")
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            found |= secret_members(item, f"{where}[{index}]")
    return found


def _tree(answer: Answer) -> Any:
    kind = grammar(answer)
    if kind not in ("json", "xml", "jsv"):
        return None
    try:
        return parse(kind, answer.body)
    except Unreadable:
        return None


class SecretBook:
    """What one dialect's logins have handed out so far, to fill the next requests with."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        #: crmgate's latest value of each secret member name (folded), latest last.
        self.tokens: dict[str, str] = {}
        #: the vendor's value -> crmgate's (shadow mode: requests carry real vendor secrets)
        self.swaps: dict[str, str] = {}
        #: crmgate's cookies, by name
        self.cookies: dict[str, str] = {}
        self.notes: list[str] = []

    def learn(self, vendor: Answer, own: Answer) -> None:
        theirs = secret_members(_tree(vendor))
        for where, (name, value) in secret_members(_tree(own)).items():
            self.tokens.pop(fold(name), None)
            self.tokens[fold(name)] = value
            self._pair(theirs.get(where, ("", ""))[1], value)
        vendor_cookies = {n: v for n, v, _ in map(parse_set_cookie, vendor.all("set-cookie"))}
        for value in own.all("set-cookie"):
            name, cookie, attributes = parse_set_cookie(value)
            if deletes(attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = cookie
                self._pair(vendor_cookies.get(name, ""), cookie)

    def _pair(self, vendor_value: str, own_value: str) -> None:
        if len(vendor_value) >= MIN_SWAP and vendor_value != MASK and vendor_value != own_value:
            self.swaps[vendor_value] = own_value

    def swap(self, text: str) -> str:
        for theirs, ours in self.swaps.items():
            text = text.replace(theirs, ours)
        return text

    def value(self, name: str, context: str) -> str | None:
        """crmgate's value for a masked secret named ``name``; ``context`` (the request's
        query and body) names the user whose password a login sends."""
        folded = fold(name)
        if folded in PASSWORDS:
            lowered = context.lower()
            for user, password in self.credentials.passwords.items():
                spelled = {user.lower(), quote(user).lower(), quote_plus(user).lower()}
                if any(s in lowered for s in spelled):
                    return password
        elif folded in self.tokens:
            return self.tokens[folded]
        elif folded in TOKENS and (token := self.token()):
            return token
        for secret, value in self.credentials.secrets.items():
            if fold(secret) == folded:
                return value
        return None

    def token(self) -> str | None:
        """The latest bearer-like token crmgate handed out."""
        return next((v for k, v in reversed(self.tokens.items()) if k in TOKENS), None)

    def _fill(self, name: str, context: str) -> str:
        value = self.value(name, context)
        if value is None:
            self.notes.append(f"no value for the masked {name}")
            return MASK
        return value

    def headers(self, headers: dict[str, str], context: str) -> dict[str, str]:
        filled = {}
        for name, value in headers.items():
            if name == "cookie" and MASK in value:
                if cookies := self._cookies(value):
                    filled[name] = cookies
            elif name in ("authorization", "proxy-authorization") and value.endswith(MASK):
                filled[name] = self._authorization(value, context)
            elif value == MASK and is_secret(name):
                filled[name] = self._fill(name, context)
            else:
                filled[name] = self.swap(value)
        return filled

    def _cookies(self, masked: str) -> str:
        """crmgate's cookies of the names the recorded request sent (all of them when the
        recording kept no names)."""
        names = [part.partition("=")[0].strip() for part in masked.split(";")]
        if masked.strip() == MASK:
            names = list(self.cookies)
        return "; ".join(f"{n}={self.cookies[n]}" for n in names if n in self.cookies)

    def _authorization(self, value: str, context: str) -> str:
        scheme = value[: -len(MASK)].strip()
        explicit = self.value("authorization", context) if scheme.lower() != "bearer" else None
        if explicit is not None:
            return explicit
        token = self.token()
        if token is None:
            self.notes.append("no token for the masked Authorization header")
            return value
        return f"{scheme or 'Bearer'} {token}"

    def query(self, query: str, context: str) -> str:
        if MASK not in query and "%2A%2A%2A" not in query:
            return self.swap(query)
        pairs = parse_qsl(query, keep_blank_values=True)
        return urlencode([(k, self._fill(k, context) if v == MASK else v) for k, v in pairs])

    def body(self, body: str, context: str) -> str:
        if MASK not in body:
            return self.swap(body)

        def fill(match: re.Match[str]) -> str:
            head = match.group(0)[: -len(MASK)]
            if match.group("json"):
                return head + json.dumps(self._fill(match.group("json"), context))[1:-1]
            if match.group("xml"):
                return head + escape(self._fill(match.group("xml"), context))
            value = self._fill(match.group("key"), context)
            if match.group("sep") == "=":
                return head + quote_plus(value)
            return head + (f'"{value}"' if re.search(r'[,}\]"\s]', value) else value)

        return _SLOT.sub(fill, body)
