"""Binding the path variables and query string of a request to its DTO (``bind``)."""

from __future__ import annotations

import uuid

import msgspec

from dialects.servicestack.bind import bind, bound
from dialects.servicestack.codecs import parse_query_value

ID = uuid.UUID(int=7)


class Item(msgspec.Struct):
    Id: uuid.UUID | None = None
    Name: str | None = None
    Count: int = 0
    Tags: list[str] | None = None


def test_bound_names_the_members_the_path_and_query_set_query_last() -> None:
    """ServiceStack/ServiceStack, ServiceStack/src/ServiceStack/Host/RestPath.cs
    ``CreateRequest``: path variables, then the query string, names matched without case."""
    given, values = bound(
        Item, {"name": "query", "tags": "[a,b]"}, {"ID": str(ID), "Name": "path"}, parse_query_value
    )
    assert given == Item(Id=ID, Name="query", Tags=["a", "b"])
    assert values == {"Id": ID, "Name": "query", "Tags": ["a", "b"]}


def test_bind_sets_only_those_members_over_the_body() -> None:
    body = Item(Name="body", Count=3)
    assert bind(Item, body, {}, {"Id": str(ID)}, parse_query_value) == Item(ID, "body", 3)
    assert bind(Item, None, {"count": "2"}, {}, parse_query_value) == Item(Count=2)
