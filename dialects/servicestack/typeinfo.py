"""What the metadata pages and ``/types`` sources need to know about DTO members: .NET type
names, the DTOs an operation depends on (in declaration order), and placeholder instances for
the sample requests ("String", 0, false, Guid.Empty, DateTime.MinValue, one list item).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from dialects.formats import schema
from dialects.formats.dotnet import DATETIME_MIN
from dialects.servicestack.dto import SERVICESTACK_TYPES

DATACONTRACT_PREFIX = "http://schemas.datacontract.org/2004/07/"

#: .NET names of scalar kinds (and whether the .NET type is a value type, which gets ``?``).
NET_NAMES = {
    "str": ("string", False),
    "int": ("int", True),
    "float": ("double", True),
    "bool": ("bool", True),
    "uuid": ("Guid", True),
    "datetime": ("DateTime", True),
}


def clr_namespace(cls: type) -> str:
    """The C# namespace of a DTO, from its data contract namespace."""
    return (schema.plan(cls).namespace or "").removeprefix(DATACONTRACT_PREFIX)


def clr_name(cls: type) -> str:
    """A DTO's full C# type name (``Type.ToString()``); ServiceStack's own DTOs (XML namespace
    ``http://schemas.servicestack.net/types``) live in ``ServiceStack``."""
    namespace = clr_namespace(cls)
    if "://" in namespace:
        namespace = "ServiceStack"
    return f"{namespace}.{cls.__name__}" if namespace else cls.__name__


def spell(
    node: schema.Node,
    scalar: Callable[[schema.Node], str],
    list_of: Callable[[str], str],
    dict_of: Callable[[str], str],
) -> str:
    """A member type in one language's words: a DTO by its class name, a list or a string-keyed
    map by ``list_of``/``dict_of`` around its item's spelling, anything else by ``scalar``."""
    if node.kind == "struct":
        assert node.struct is not None
        return node.struct.cls.__name__
    if node.kind in ("list", "dict"):
        assert node.item is not None
        item = spell(node.item, scalar, list_of, dict_of)
        return list_of(item) if node.kind == "list" else dict_of(item)
    return scalar(node)


def net_type(node: schema.Node) -> str:
    """The C# spelling of a member type: ``Guid?``, ``List<UserRoleModel>``, ``string``."""
    return spell(node, _net_scalar, lambda t: f"List<{t}>", lambda t: f"Dictionary<string, {t}>")


def _net_scalar(node: schema.Node) -> str:
    if node.kind == "enum":
        assert node.enum is not None
        return node.enum.__name__
    name, value_type = NET_NAMES[node.kind]
    return f"{name}?" if value_type and node.nullable else name


def reference_name(cls: type) -> str:
    """The C# name of a DTO (``QueryResponse<CustomerQueryResponse>`` for a generic one)."""
    return getattr(cls, "reference_name", cls.__name__)


def fields(cls: type) -> list[schema.FieldPlan]:
    return schema.plan(cls).fields


def is_own(cls: type) -> bool:
    """A site's own DTO (ServiceStack's built-in types come with every client library)."""
    return schema.plan(cls).namespace != SERVICESTACK_TYPES


def dependencies(*roots: type) -> list[type]:
    """Every DTO reachable from ``roots``, each after the DTOs it uses."""
    seen: dict[type, None] = {}

    def visit(cls: type) -> None:
        if cls in seen:
            return
        seen[cls] = None  # guards against cycles; re-inserted below in dependency order
        for f in fields(cls):
            for used in _structs(f.node):
                visit(used)
        del seen[cls]
        seen[cls] = None

    for root in roots:
        visit(root)
    return list(seen)


def _structs(node: schema.Node) -> Iterator[type]:
    if node.kind == "struct" and node.struct is not None:
        yield node.struct.cls
    elif node.item is not None:
        yield from _structs(node.item)


def placeholder(cls: type) -> Any:
    """A sample instance, filled the way ServiceStack's metadata pages fill theirs."""
    values = {f.name: _sample(f.node) for f in fields(cls)}
    return cls(**values)


def _sample(node: schema.Node) -> Any:
    if node.kind == "struct":
        assert node.struct is not None
        return placeholder(node.struct.cls)
    if node.kind == "list":
        assert node.item is not None
        return [_sample(node.item)]
    if node.kind == "dict":
        assert node.item is not None
        return {"String": _sample(node.item)}
    if node.kind == "enum":
        assert node.enum is not None
        return next(iter(node.enum))
    return {
        "str": "String",
        "int": 0,
        "float": 0.0,
        "bool": False,
        "uuid": uuid.UUID(int=0),
        "datetime": DATETIME_MIN,
    }[node.kind]
