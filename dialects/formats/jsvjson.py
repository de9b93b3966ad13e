"""JSV re-spelt as JSON with a fixed series of C-level byte replacements, for msgspec's parser.

Walking JSV a character at a time in Python costs ten times what msgspec's JSON parser does
for the same tree, so :func:`tree` rewrites the JSV TypeSerializer writes (no white space
next to a delimiter, quoted strings only where a token starts) as JSON text: every unquoted
token becomes a JSON string, an empty one ``null``. Quoted strings are cut out first and put
back as JSON strings, colons inside time-of-day values are shielded so that the only colons
left separate a member name from its value. Anything else — laid-out JSV, quotes or brackets
inside tokens, control characters, unbalanced or too deep nesting — is spotted before or
makes the result invalid JSON, and :func:`tree` answers None so that the full reader in
:mod:`dialects.formats.jsv` decides (and words the error). The tree, when there is one,
equals the full reader's (tests/dialects/formats/test_jsvjson.py compares the two).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from dialects.formats.schema import MAX_DEPTH

_PLACEHOLDER = b"\x01"
_TIME_COLON = b"\x02"
#: A colon between the two-digit fields of a time (``T08:00:00``, ``+01:00``).
_TIME = re.compile(rb":(?<=[T :+\-\[,]\d\d:)(?=\d\d)")


def _table(classes: dict[bytes, bytes], default: bytes) -> bytes:
    table = bytearray(default * 256)
    for chars, cls in classes.items():
        for byte in chars:
            table[byte] = cls[0]
    return bytes(table)


_DELIMITERS = b"{}[],:" + _PLACEHOLDER
#: ``s`` white space (or a non-ASCII byte, which may belong to a Unicode space), ``d`` a
#: delimiter: ``sd`` or ``ds`` may be white space the full reader would strip.
_SPACING = _table(
    {b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f" + bytes(range(0x80, 0x100)): b"s"} | {_DELIMITERS: b"d"},
    b"a",
)
#: ``x`` an opening bracket or a cut-out quoted string, ``b`` a comma or colon: ``ax`` is one
#: that does not start a token (the full reader takes it as part of a plain string).
_STARTS = _table({b"{[" + _PLACEHOLDER: b"x", b",:": b"b"}, b"a")
#: ``y`` a closing bracket or a quoted string, ``b`` a comma or colon: ``ya`` is one that
#: does not end a token.
_ENDS = _table({b"}]" + _PLACEHOLDER: b"y", b",:": b"b"}, b"a")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")
_ONE_BRACKET = bytes.maketrans(b"[]", b"{}")
_WS = re.compile(r"\s(?=[{}\[\],:\x01])|(?<=[{}\[\],:\x01])\s")

#: (old, new) in order: every delimiter gets the quotes of the tokens beside it, brackets
#: then shed the quotes no token needs, and empty tokens become null (``[]`` and ``{}``
#: stay empty).
_STEPS = (
    (b",", b'","'),
    (b":", b'":"'),
    (b"{", b'{"'),
    (b"[", b'["'),
    (b"}", b'"}'),
    (b"]", b'"]'),
    (b'"{', b"{"),
    (b'"[', b"["),
    (b'}"', b"}"),
    (b']"', b"]"),
    (b'""', b"null"),
    (b"[null]", b"[]"),
    (b"{null}", b"{}"),
)


def tree(buf: bytes) -> Any:
    """The tree the full reader would build from ``buf``, or None when it must decide."""
    if buf[:1] not in (b"{", b"[") or _PLACEHOLDER in buf or _TIME_COLON in buf:
        return None
    cut = _cut_quoted(buf)
    if cut is None:
        return None
    text, quoted = cut
    spacing = text.translate(_SPACING)
    if (b"sd" in spacing or b"ds" in spacing) and _loose(text):
        return None
    if b"ax" in text.translate(_STARTS) or b"ya" in text.translate(_ENDS):
        return None
    if text.count(b"{") + text.count(b"[") > MAX_DEPTH and not _shallow(text):
        return None
    if b"\\" in text:
        text = text.replace(b"\\", b"\\\\")
    text = _TIME.sub(_TIME_COLON, text)
    for old, new in _STEPS:
        text = text.replace(old, new)
    text = text.replace(_TIME_COLON, b":")
    if quoted:
        parts = text.split(_PLACEHOLDER)
        joined: list[bytes] = [b""] * (2 * len(parts) - 1)
        joined[0::2] = parts
        joined[1::2] = quoted
        text = b"".join(joined)
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None


def _cut_quoted(buf: bytes) -> tuple[bytes, list[bytes]] | None:
    """``buf`` with every quoted string replaced by the placeholder, and those strings' JSON
    bodies; None for an unterminated one."""
    pieces = buf.split(b'"')
    if len(pieces) % 2 == 0:
        return None
    outside = pieces[0::2]
    inside = pieces[1::2]
    if b"" in outside[1:-1]:
        return _cut_escaped(pieces)
    body = _PLACEHOLDER.join(inside)
    if b"\\" in body:
        inside = body.replace(b"\\", b"\\\\").split(_PLACEHOLDER)
    return _PLACEHOLDER.join(outside), inside


def _cut_escaped(pieces: list[bytes]) -> tuple[bytes, list[bytes]]:
    """:func:`_cut_quoted` when some quoted string holds a doubled quote (an empty piece
    between two quoted parts); an odd number of pieces always ends outside a string."""
    outside = [pieces[0]]
    inside: list[bytes] = []
    i, end = 1, len(pieces)
    while i < end:
        parts = [pieces[i]]
        i += 1
        while i + 1 < end and not pieces[i]:
            parts.append(pieces[i + 1])
            i += 2
        inside.append(b'\\"'.join(part.replace(b"\\", b"\\\\") for part in parts))
        outside.append(pieces[i])
        i += 1
    return _PLACEHOLDER.join(outside), inside


def _loose(text: bytes) -> bool:
    """Whether white space really touches a delimiter (the byte classes only say maybe)."""
    try:
        return _WS.search(text.decode()) is not None
    except UnicodeDecodeError:
        return True


def _shallow(text: bytes) -> bool:
    """Whether the brackets nest at most MAX_DEPTH deep (and balance)."""
    brackets = text.translate(_ONE_BRACKET, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace(b"{}", b"")
    return not brackets
