"""A site's dispatch tables: user routes found by path and verb (RestPath.IsMatch), and the
decisions remembered per request shape."""

from __future__ import annotations

import uuid

import msgspec

from dialects.base import Endpoint
from dialects.servicestack.operations import HostSettings, Operation
from dialects.servicestack.routing import Decided, Dispatches, UserRoutes


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


def test_decisions_hold_for_the_settings_they_were_made_under_and_stay_bounded() -> None:
    decisions = Dispatches(size=2)
    settings = HostSettings()
    decided = Decided(FIRST, "json", {"Id": "7"}, None, False)
    assert decisions.get(("GET", "/items/7"), settings) is None
    decisions.put(("GET", "/items/7"), decided)
    assert decisions.get(("GET", "/items/7"), settings) is decided
    assert decisions.get(("GET", "/items/7"), HostSettings(use_camel_case=True)) is None
    assert decisions.get(("GET", "/items/7"), settings) is None  # decided afresh from then on
    for n in range(3):
        decisions.put(("GET", f"/items/{n}"), decided)
    assert len(decisions._known) <= 2


class Flat(msgspec.Struct):
    Id: uuid.UUID | None = None
    Name: str | None = None


class Nested(msgspec.Struct):
    Ids: list[int] = msgspec.field(default_factory=list)


def test_what_a_shape_binds_is_kept_when_nothing_in_it_can_change() -> None:
    """The DTO and the members a shape's path and query bind are kept; a DTO holding a list
    (which a handler could change in place) is bound afresh every time; other settings forget
    them all."""
    decisions = Dispatches()
    settings = HostSettings()
    decisions.get(("GET", "/flat"), settings)
    flat = Flat(uuid.uuid4(), "x")
    decisions.keep(("GET", "/flat"), flat, {"Id": flat.Id})
    assert decisions.bound(("GET", "/flat")) == (flat, {"Id": flat.Id})
    decisions.keep(("GET", "/nested"), Nested([1]), {})
    assert decisions.bound(("GET", "/nested")) is None
    decisions.get(("GET", "/flat"), HostSettings(html_format=True))
    assert decisions.bound(("GET", "/flat")) is None


def test_what_shapes_bind_stays_bounded_in_count() -> None:
    decisions = Dispatches(size=2)
    decisions.get(("GET", "/0"), HostSettings())
    for n in range(3):
        decisions.keep(("GET", f"/{n}"), Flat(), {})
    assert len(decisions._bound) <= 2
