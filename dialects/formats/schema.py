"""What a DTO declares, read once per Struct class and shared by every codec.

Codecs are compiled from these plans (one encoder/decoder per class, cached), so the per-call
work is a walk over the value, not over ``msgspec.inspect`` results. Decoders that build a
tree of builtins (JSV, form, the case-insensitive JSON readers) finish with
:func:`convert`: member names matched case-insensitively as .NET binders do, enum names
turned into members, then one ``msgspec.convert`` into the DTO.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import msgspec
from msgspec import inspect as mi

from dialects.formats.dotnet import NetDateTime, NetEnum
from dialects.formats.errors import DecodeError

T = TypeVar("T")

#: Deepest nesting any decoder accepts; deeper input is refused, never recursed into.
MAX_DEPTH = 64

_SCALARS: dict[type, str] = {
    mi.StrType: "str",
    mi.IntType: "int",
    mi.FloatType: "float",
    mi.BoolType: "bool",
    mi.UUIDType: "uuid",
}


@dataclass(eq=False, slots=True)
class Node:
    """One member type: ``kind`` is str, int, float, bool, uuid, datetime, enum, struct,
    list or dict (string keys); ``item`` is the list item or dict value type."""

    kind: str
    nullable: bool = False
    enum: type[NetEnum] | None = None
    struct: StructPlan | None = None
    item: Node | None = None


@dataclass(eq=False, slots=True)
class FieldPlan:
    name: str
    wire: str
    node: Node
    #: How many Struct classes up the hierarchy declared it (0 = the root-most base).
    level: int
    #: The data contract namespace of the class that declared it (``xml_namespace`` as that
    #: class sees it): DataContractSerializer writes an inherited member in its base
    #: contract's namespace.
    namespace: str | None = None


@dataclass(eq=False, slots=True)
class StructPlan:
    cls: type[msgspec.Struct]
    #: Data contract name: the ``xml_name`` ClassVar, else the class name.
    name: str
    #: Data contract namespace URI: the ``xml_namespace`` ClassVar, else None.
    namespace: str | None
    #: ``[DataMember(Order=n)]`` of some members: the ``xml_order`` ClassVar (name -> n).
    order: dict[str, int] = field(default_factory=dict)
    fields: list[FieldPlan] = field(default_factory=list)
    #: lower-cased member name or wire name -> wire name, for case-insensitive binding.
    by_lower: dict[str, str] = field(default_factory=dict)
    wire_names: frozenset[str] = frozenset()


_plans: dict[type, StructPlan] = {}


def plan(cls: type[msgspec.Struct]) -> StructPlan:
    """The cached plan of a Struct class (TypeError for member types no codec supports)."""
    found = _plans.get(cls)
    if found is not None:
        return found
    info = mi.type_info(cls)
    if not isinstance(info, mi.StructType):
        raise TypeError(f"{cls!r} is not a msgspec.Struct")
    result = StructPlan(
        cls,
        getattr(cls, "xml_name", cls.__name__),
        getattr(cls, "xml_namespace", None),
        dict(getattr(cls, "xml_order", {})),
    )
    _plans[cls] = result
    levels = _levels(cls)
    for f in info.fields:
        level, owner = levels[f.name]
        declared = getattr(owner, "xml_namespace", None)
        result.fields.append(FieldPlan(f.name, f.encode_name, _node(f.type), level, declared))
        result.by_lower[f.name.lower()] = f.encode_name
        result.by_lower[f.encode_name.lower()] = f.encode_name
    result.wire_names = frozenset(f.wire for f in result.fields)
    return result


def _levels(cls: type[msgspec.Struct]) -> dict[str, tuple[int, type]]:
    """Each member's (depth in the hierarchy, the class that first declared it)."""
    bases = [c for c in reversed(cls.__mro__) if isinstance(c, type(msgspec.Struct))][1:]
    levels: dict[str, tuple[int, type]] = {}
    for level, base in enumerate(bases):
        for name in base.__struct_fields__:
            levels.setdefault(name, (level, base))
    return levels


def _node(t: mi.Type) -> Node:
    if isinstance(t, mi.UnionType):
        others = [u for u in t.types if not isinstance(u, mi.NoneType)]
        if any(isinstance(u, mi.StrType) for u in others) and all(
            type(u) in _SCALARS for u in others
        ):
            # ``int | str``: text on the wire holds any of them; msgspec picks the member type
            node = Node("str")
            node.nullable = len(others) < len(t.types)
            return node
        if len(others) != 1:
            raise TypeError(f"unsupported union {t!r}: only Optional[X] has a .NET form")
        inner = _node(others[0])
        inner.nullable = True
        return inner
    kind = _SCALARS.get(type(t))
    if kind is not None:
        return Node(kind)
    if isinstance(t, mi.CustomType) and t.cls is NetDateTime:
        return Node("datetime")
    if isinstance(t, mi.EnumType) and issubclass(t.cls, NetEnum):
        return Node("enum", enum=t.cls)
    if isinstance(t, mi.StructType):
        return Node("struct", struct=plan(t.cls))
    if isinstance(t, mi.ListType):
        return Node("list", item=_node(t.item_type))
    if isinstance(t, mi.DictType) and isinstance(t.key_type, mi.StrType):
        return Node("dict", item=_node(t.value_type))
    raise TypeError(f"unsupported member type {t!r}")


def dec_hook(type_: type, obj: Any) -> Any:
    """msgspec hook for the .NET types msgspec does not know (NetDateTime)."""
    if type_ is NetDateTime and isinstance(obj, str):
        return NetDateTime.parse(obj.strip())
    # msgspec reports a TypeError as a ValidationError at the member's path: a bad value
    # (``lastSyncDate: 0``) is the vendor's 400, never a crash
    raise TypeError(f"Expected a date, got `{type(obj).__name__}`")


_PATH = re.compile(r"at `\$\.?(.*)`$")


def validation_error(exc: msgspec.ValidationError) -> DecodeError:
    """A DecodeError naming the field msgspec complained about (``CustomFields[0].Id``)."""
    match = _PATH.search(str(exc))
    return DecodeError(str(exc), path=match.group(1) if match else None)


def convert(tree: Any, type_: type[T], *, strict: bool = False) -> T:
    """Bind a tree of builtins to ``type_`` (a Struct or a list of them) the .NET way:
    member names case-insensitive, enums by name or number; else raise DecodeError."""
    normalize = _type_normalizer(type_)
    if normalize is not None:
        tree = normalize(tree, 0)
    return convert_normalized(tree, type_, strict=strict)


def convert_normalized(tree: Any, type_: type[T], *, strict: bool = False) -> T:
    """:func:`convert` of a tree whose member names are the wire names already and whose
    enums are members already (what a schema-driven reader builds)."""
    try:
        return msgspec.convert(tree, type_, strict=strict, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        raise validation_error(exc) from exc


Normalizer = Callable[[Any, int], Any]
_normalizers: dict[StructPlan, Normalizer] = {}
_type_normalizers: dict[Any, Normalizer | None] = {}


def _type_normalizer(type_: Any) -> Normalizer | None:
    if type_ not in _type_normalizers:
        _type_normalizers[type_] = _node_normalizer(node_of(type_))
    return _type_normalizers[type_]


def node_of(type_: Any) -> Node:
    """The plan node of any supported type (a Struct, ``list[Dto]``, a scalar...)."""
    if isinstance(type_, type) and issubclass(type_, msgspec.Struct):
        return Node("struct", struct=plan(type_))
    return _node(mi.type_info(type_))


def _normalizer_for(info: StructPlan) -> Normalizer:
    found = _normalizers.get(info)
    if found is None:
        found = _normalizers[info] = _struct_normalizer(info)
    return found


def _struct_normalizer(info: StructPlan) -> Normalizer:
    #: Only members that hold structs or enums ever change, so only they are visited.
    nested: dict[str, Callable[[], Normalizer | None]] = {
        f.wire: _lazy(f.node) for f in info.fields if _holds_structs_or_enums(f.node)
    }
    by_lower, wire_names = info.by_lower, info.wire_names

    def normalize(value: Any, depth: int) -> Any:
        if not isinstance(value, dict):
            return value
        if depth > MAX_DEPTH:
            raise DecodeError(f"nested deeper than {MAX_DEPTH} levels")
        out = value
        if not value.keys() <= wire_names:
            out = {by_lower[k.lower()]: v for k, v in value.items() if k.lower() in by_lower}
        present = nested.keys() & out.keys()
        if present:
            out = dict(out) if out is value else out
            for key in present:
                item = out[key]
                child = nested[key]()
                if item is not None and child is not None:
                    out[key] = child(item, depth + 1)
        return out

    return normalize


def _holds_structs_or_enums(node: Node) -> bool:
    if node.kind in ("struct", "enum"):
        return True
    return node.item is not None and _holds_structs_or_enums(node.item)


def _lazy(node: Node) -> Callable[[], Normalizer | None]:
    """Resolve a member's normalizer on first use (plans of recursive DTOs refer to
    themselves, so they cannot all be built up front)."""
    cache: list[Normalizer | None] = []

    def get() -> Normalizer | None:
        if not cache:
            cache.append(_node_normalizer(node))
        return cache[0]

    return get


def _node_normalizer(node: Node) -> Normalizer | None:
    if node.kind == "struct":
        assert node.struct is not None
        return _normalizer_for(node.struct)
    if node.kind == "enum":
        assert node.enum is not None
        enum = node.enum

        def to_member(value: Any, depth: int) -> Any:
            if isinstance(value, str):
                try:
                    return enum.from_wire(value)
                except ValueError:
                    return value
            return value

        return to_member
    if node.kind in ("list", "dict"):
        assert node.item is not None
        inner = _node_normalizer(node.item)
        if inner is None:
            return None
        if node.kind == "list":

            def each(value: Any, depth: int) -> Any:
                if not isinstance(value, list):
                    return value
                return [v if v is None else inner(v, depth + 1) for v in value]

            return each

        def values(value: Any, depth: int) -> Any:
            if not isinstance(value, dict):
                return value
            return {k: v if v is None else inner(v, depth + 1) for k, v in value.items()}

        return values
    return None


_exact: dict[Any, Any] = {}
_BUILDING = object()


def exact_type(type_: Any) -> Any:
    """A Struct class that mirrors the Struct class ``type_`` member for member (wire names,
    defaults, nested Structs mirrored too) but refuses any other member name, or None (not
    a Struct, or a recursive one). JSON whose member names all match exactly decodes
    straight into it; anything else needs the case-insensitive binding of :func:`convert`."""
    found = _exact.get(type_, _BUILDING)
    if found is _BUILDING:
        if type_ in _exact:  # being built: a Struct that refers to itself
            return None
        found = _exact[type_] = _build_exact(type_)
    return found


def _build_exact(cls: Any) -> Any:
    if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
        return None
    _exact[cls] = _BUILDING  # until built (see exact_type)
    info = mi.type_info(cls)
    hints = get_type_hints(cls, include_extras=True)
    fields: list[tuple[Any, ...]] = []
    for f in info.fields:
        hint = _exact_hint(hints[f.name])
        if hint is None:
            return None
        if f.default_factory is not msgspec.NODEFAULT:
            fields.append((f.name, hint, msgspec.field(default_factory=f.default_factory)))
        elif f.default is not msgspec.NODEFAULT:
            fields.append((f.name, hint, f.default))
        else:
            fields.append((f.name, hint))
    return msgspec.defstruct(
        cls.__name__,
        fields,
        kw_only=True,
        forbid_unknown_fields=True,
        rename={f.name: f.encode_name for f in info.fields},
    )


def _exact_hint(hint: Any) -> Any:
    """``hint`` with every Struct class in it replaced by its exact mirror (None: none)."""
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return exact_type(hint)
    args = get_args(hint)
    if not args:
        return hint
    inner = [_exact_hint(a) for a in args]
    if any(i is None for i in inner):
        return None
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        return Union[tuple(inner)]  # noqa: UP007 - built from a list
    return origin[tuple(inner)] if len(inner) > 1 else origin[inner[0]]
