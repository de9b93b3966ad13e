"""ServiceStack.Text's JsonSerializer, written by msgspec.

A DTO is copied (``msgspec.convert``, in C) into a *wire* Struct built once per DTO class:
the same members in the same order under their JSON names, where a nullable member defaults
to None and everything else is required, so ``omit_defaults`` leaves out exactly what
ServiceStack leaves out - a null - and still writes ``0`` and ``false``. A Guid or
DateTime member of a kind the host omits at its .NET default (``omit_default``) keeps that
default, which msgspec compares by identity: the wire Struct's ``__post_init__`` swaps an
equal value for the default object itself. Guids are written by the encoder
(``uuid_format``), dates as ``"\\/Date(ms)\\/"`` by the encode hook.

A DTO class may say its instances are shared (the ``shared_instances`` ClassVar: one instance
is handed to many answers and never changed once made, like a definition listed in every
answer about a customer of its company): a member holding one (or a list of them) is left out
of the copy, and the instance's own bytes, written once and kept with it, are put in its place
(``msgspec.Raw``; the encoder writes what a member holds, it does not check its type).

Members whose JSON spelling msgspec does not share (enums by name, .NET doubles) make a
class unsupported here: :meth:`WireTypes.of` answers None and the caller uses the compiled
writer of :mod:`dialects.formats.sstext`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from dialects.formats.dotnet import DATETIME_MIN, NetDateTime
from dialects.formats.schema import Node, StructPlan, plan
from dialects.formats.sstext import IS_DEFAULT

_DEFAULTS: dict[str, object] = {"uuid": uuid.UUID(int=0), "datetime": DATETIME_MIN}
_SCALARS: dict[str, Any] = {"str": str, "int": int, "bool": bool, "uuid": uuid.UUID}
_PENDING = object()


def camel(name: str) -> str:
    """ServiceStack's ``ToCamelCase``: only the first letter is lowered."""
    return name[:1].lower() + name[1:]


def _wcf_raw(value: NetDateTime) -> msgspec.Raw:
    """``"\\/Date(ms)\\/"`` formatted straight into bytes (the zone is ASCII)."""
    ms, zone = value.wcf_parts()
    if not zone:
        return msgspec.Raw(b'"\\/Date(%d)\\/"' % ms)
    return msgspec.Raw(b'"\\/Date(%d%s)\\/"' % (ms, zone.encode()))


def _wcf(obj: Any) -> msgspec.Raw:
    if type(obj) is NetDateTime:
        return obj.formatted(_wcf_raw)
    raise TypeError(f"cannot write {type(obj)!r} as ServiceStack JSON")


def _canonical(defaults: list[tuple[str, str]]) -> Callable[[Any], None]:
    """A ``__post_init__`` that swaps each member equal to its default for the default object
    itself: straight-line code, a member at a time (struct member names are identifiers)."""
    names: dict[str, object] = {}
    lines = ["def __post_init__(self):"]
    for i, (name, kind) in enumerate(defaults):
        names[f"d{i}"] = _DEFAULTS[kind]
        lines += [
            f"    v = self.{name}",
            f"    if v is not d{i} and {IS_DEFAULT[kind]}:",
            f"        self.{name} = d{i}",
        ]
    exec("\n".join(lines), names)
    return names["__post_init__"]  # type: ignore[return-value]


class WireTypes:
    """The wire Struct of each DTO class for one host's JSON settings."""

    def __init__(
        self,
        guid_format: str = "N",
        omit_default: frozenset[str] = frozenset(),
        name: Callable[[str], str] = str,
    ) -> None:
        self._omit = omit_default
        self._name = name
        self._types: dict[StructPlan, Any] = {}
        self._writers: dict[type, Callable[[Any], bytes] | None] = {}
        self._kept = Kept(self._write_shared)
        self.encoder = msgspec.json.Encoder(
            enc_hook=_wcf, uuid_format="hex" if guid_format == "N" else "canonical"
        )

    def writer(self, cls: type[msgspec.Struct]) -> Callable[[Any], bytes] | None:
        """What writes an instance of ``cls``, or None when a member needs the compiled
        writer."""
        found = self._writers.get(cls)
        if found is None:
            found = self._writers[cls] = self._writer(cls)
        return found

    def _writer(self, cls: type[msgspec.Struct]) -> Callable[[Any], bytes] | None:
        wire = self.of(cls)
        if wire is None:
            return None
        encode, convert, replace = self.encoder.encode, msgspec.convert, msgspec.structs.replace
        shared = _shared_members(plan(cls))
        if not shared:
            return lambda obj: encode(convert(obj, wire, from_attributes=True))
        kept = self._kept
        blank = dict.fromkeys((name for name, _ in shared), None)

        def write(obj: Any) -> bytes:
            out = convert(replace(obj, **blank), wire, from_attributes=True)
            for name, many in shared:
                value = getattr(obj, name)
                if value is not None:
                    setattr(out, name, kept.many(value) if many else kept(value))
            return encode(out)

        return write

    def of(self, cls: type[msgspec.Struct]) -> type[msgspec.Struct] | None:
        """The wire Struct of ``cls``, or None when a member needs the compiled writer."""
        found = self._struct(plan(cls))
        return None if found is _PENDING else found

    def _write_shared(self, obj: Any) -> bytes:
        write = self.writer(type(obj))
        assert write is not None  # the class of a member of a class that has a wire Struct
        return write(obj)

    def _struct(self, info: StructPlan) -> Any:
        found = self._types.get(info)
        if found is not None:
            return found
        self._types[info] = _PENDING
        fields: list[tuple[Any, ...]] = []
        defaults: list[tuple[str, str]] = []
        for f in info.fields:
            annotation = self._annotation(f.node)
            if annotation is None:
                return None
            if f.node.nullable:
                fields.append((f.name, annotation | None, None))
            elif f.node.kind in self._omit:
                defaults.append((f.name, f.node.kind))
                fields.append((f.name, annotation, _DEFAULTS[f.node.kind]))
            else:
                fields.append((f.name, annotation))
        wire = msgspec.defstruct(
            info.cls.__name__,
            fields,
            kw_only=True,
            omit_defaults=True,
            rename={f.name: self._name(f.wire) for f in info.fields},
            namespace={"__post_init__": _canonical(defaults)} if defaults else None,
        )
        self._types[info] = wire
        return wire

    def _annotation(self, node: Node) -> Any:
        kind = node.kind
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "datetime":
            return NetDateTime
        if kind == "struct":
            assert node.struct is not None
            found = self._struct(node.struct)
            return None if found is None or found is _PENDING else found
        if kind in ("list", "dict"):
            assert node.item is not None
            item = self._annotation(node.item)
            if item is None:
                return None
            item = item | None if node.item.nullable else item
            return list[item] if kind == "list" else dict[str, item]
        return None


def _shared_members(info: StructPlan) -> tuple[tuple[str, bool], ...]:
    """The nullable members of a class that hold a shared DTO or a list of them (never None),
    each with whether it is a list."""
    found = []
    for f in info.fields:
        node, many = f.node, f.node.kind == "list"
        held = node.item if many else node
        if (
            node.nullable
            and held is not None
            and held.kind == "struct"
            and not held.nullable
            and held.struct is not None
            and getattr(held.struct.cls, "shared_instances", False)
        ):
            found.append((f.name, many))
    return tuple(found)


class Kept:
    """The bytes of shared DTO instances, written once each: kept by identity together with
    the instance itself (so its id cannot be taken by another object while kept), bounded in
    count."""

    def __init__(self, write: Callable[[Any], bytes], size: int = 1024) -> None:
        self.size = size
        self._write = write
        self._known: dict[int, tuple[Any, msgspec.Raw]] = {}

    def __call__(self, obj: Any) -> msgspec.Raw:
        known = self._known.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        if len(self._known) >= self.size:
            self._known.clear()
        made = msgspec.Raw(self._write(obj))
        self._known[id(obj)] = (obj, made)
        return made

    def many(self, objs: list[Any]) -> list[msgspec.Raw]:
        """The bytes of each (those kept looked up in place)."""
        known, out = self._known, []
        for obj in objs:
            found = known.get(id(obj))
            out.append(found[1] if found is not None and found[0] is obj else self(obj))
        return out
