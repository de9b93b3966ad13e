"""Request binding as ServiceStack does it: the body first, then the query string, then the
path variables (later ones win), each member matched by name without regard to case.

``dialects.formats.schema`` binds the strings of the query and the path to the DTO the .NET
way (numbers, booleans, Guids, dates; JSV for lists and nested DTOs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def bind(
    model: type[T],
    body: T | None,
    query: Mapping[str, str],
    path: Mapping[str, str],
    parse: Callable[[str], Any],
) -> T:
    """The request DTO: the decoded body (if any) with query string and path variables set
    over it.

    ``parse`` reads a query value meant for a list or a nested DTO (JSV in the query string).
    """
    info = schema.plan(model)  # type: ignore[arg-type]
    nodes = {f.wire: f.node for f in info.fields}
    tree: dict[str, Any] = {}
    for source in (query, path):
        for key, raw in source.items():
            wire = info.by_lower.get(key.lower())
            if wire is not None:
                tree[wire] = _query_value(nodes[wire], raw, parse)
    given = schema.convert(tree, model)
    if body is None:
        return given
    return msgspec.structs.replace(body, **{name: getattr(given, name) for name in tree})
