"""Request binding as ServiceStack does it, each member matched by name without regard to case.

A user route (``Host/RestHandler.cs`` ``CreateRequestAsync`` -> ``Host/RestPath.cs``
``CreateRequest``): the body first, then the path variables, then the query string ("path
variables < query string < form data": later ones win). A predefined route
(``Host/Handlers/GenericHandler.cs`` ``CreateRequestAsync``): the body, then a non-empty query
value only for a member the body left at its default, and only on a verb with a body; without
a body, the query string alone.

``dialects.formats.schema`` binds the strings of the query and the path to the DTO the .NET
way (numbers, booleans, Guids, dates; JSV for lists and nested DTOs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

import msgspec

from dialects.formats import schema

T = TypeVar("T")


def _query_value(node: schema.Node, raw: str, parse: Callable[[str], Any]) -> Any:
    if node.kind in ("list", "dict", "struct"):
        return parse(raw)
    if raw == "" and node.kind != "str":
        return None
    return raw


def bound(
    model: type[T],
    query: Mapping[str, str],
    path: Mapping[str, str],
    parse: Callable[[str], Any],
) -> tuple[T, dict[str, Any]]:
    """The DTO the path variables and then the query string bind on their own, and the
    members they set (what :func:`bind` sets over a body).

    ``parse`` reads a query value meant for a list or a nested DTO (JSV in the query string).
    """
    by_lower, nodes = _members(model)
    tree: dict[str, Any] = {}
    for source in (path, query):
        for key, raw in source.items():
            wire = by_lower.get(key.lower())
            if wire is not None:
                tree[wire] = _query_value(nodes[wire], raw, parse)
    given = schema.convert(tree, model)
    return given, {name: getattr(given, name) for name in tree}


def bind(
    model: type[T],
    body: T | None,
    query: Mapping[str, str],
    path: Mapping[str, str],
    parse: Callable[[str], Any],
) -> T:
    """The request DTO of a user route: the decoded body (if any) with path variables and then
    the query string set over it (:func:`bound`)."""
    given, values = bound(model, query, path, parse)
    return given if body is None else msgspec.structs.replace(body, **values)


@cache
def _members(model: type) -> tuple[dict[str, str], dict[str, schema.Node]]:
    """A DTO's wire names by lower-cased name, and the plan node of each wire name."""
    info = schema.plan(model)  # type: ignore[arg-type]
    return info.by_lower, {f.wire: f.node for f in info.fields}


def bind_predefined(
    model: type[T], body: T | None, query: Mapping[str, str], parse: Callable[[str], Any]
) -> T:
    """The request DTO of a predefined route: query values fill only what the body left at
    its default (every member, when there is no body)."""
    if body is None:
        return bind(model, None, query, {}, parse)
    info = schema.plan(model)  # type: ignore[arg-type]
    names = {f.wire: f.name for f in info.fields}
    defaults = {f.name: _default(f) for f in msgspec.structs.fields(model)}  # type: ignore[arg-type]
    unset = {}
    for key, raw in query.items():
        wire = info.by_lower.get(key.lower())
        if wire is not None and raw and getattr(body, names[wire]) == defaults[names[wire]]:
            unset[key] = raw
    return bind(model, body, unset, {}, parse)


def _default(field: msgspec.structs.FieldInfo) -> Any:
    if field.default_factory is not msgspec.NODEFAULT:
        return field.default_factory()
    return None if field.default is msgspec.NODEFAULT else field.default
