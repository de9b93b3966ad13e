"""A site's dispatch tables: user routes found by path and verb (RestPath.IsMatch)."""

from __future__ import annotations

from dialects.base import Endpoint
from dialects.servicestack.operations import Operation
from dialects.servicestack.routing import UserRoutes


class Ping:
    pass


def operation(name: str) -> Operation:
    return Operation(request=type(name, (), {}), response=Ping, handler=print, summary=name)


FIRST, SECOND, PUT = operation("First"), operation("Second"), operation("Put")


def endpoint(path: str, *methods: str) -> Endpoint:
    return Endpoint(path=path, methods=methods, handler=print)


ROUTES = UserRoutes(
    [
        (endpoint("/items/{Id}", "GET"), FIRST),
        (endpoint("/items/{Name}", "GET", "POST"), SECOND),
        (endpoint("/items/{Id}/parts", "PUT"), PUT),
    ]
)


def test_the_first_declared_route_that_fits_path_and_verb_answers() -> None:
    assert ROUTES.find("GET", "/items/7") == (FIRST, {"Id": "7"})
    assert ROUTES.find("POST", "/items/7") == (SECOND, {"Name": "7"})
    assert ROUTES.find("PUT", "/ITEMS/7/Parts/") == (PUT, {"Id": "7"})


def test_head_follows_get_and_other_verbs_or_lengths_find_nothing() -> None:
    assert ROUTES.find("HEAD", "/items/7") == (FIRST, {"Id": "7"})
    assert ROUTES.find("HEAD", "/items/7/parts") == (None, {})
    assert ROUTES.find("DELETE", "/items/7") == (None, {})
    assert ROUTES.find("GET", "/items") == (None, {})
    assert ROUTES.find("GET", "/items/7/parts/x") == (None, {})
