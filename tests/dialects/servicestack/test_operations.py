"""``[Route]`` declarations: how a path fits a route (RestPath: literals without regard to
case, one segment per variable, never an empty one)."""

from __future__ import annotations

import pytest

from dialects.servicestack.operations import ALL_VERBS, Route

LINKS = Route("/api/contacts/{ContactId}/links")


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/api/contacts/7/links", {"ContactId": "7"}),
        ("api/contacts/7/links/", {"ContactId": "7"}),
        ("/API/Contacts/x.y/LINKS", {"ContactId": "x.y"}),
        ("/api/contacts//links", None),
        ("/api/contacts/7", None),
        ("/api/contacts/7/links/more", None),
        ("/api/contact/7/links", None),
    ],
)
def test_a_path_fits_a_route_segment_by_segment(path: str, found: dict[str, str] | None) -> None:
    assert LINKS.match(path) == found
    assert LINKS.match_segments(path.strip("/").split("/")) == found


def test_a_route_knows_its_variables_and_verbs() -> None:
    route = Route("/customers/{Id}/{Part}", ("PUT",))
    assert route.variables == ["Id", "Part"]
    assert route.allowed == ("PUT",)
    assert LINKS.allowed == ALL_VERBS
    assert route.segments == ((None, "customers"), ("Id", None), ("Part", None))
