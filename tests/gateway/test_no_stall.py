"""Generated call sequences against a real server: every call is answered in time.

A helper once saw a schemathesis sequence over ServiceStack's predefined routes
(``/json|xml|jsv/reply/X``, ``/api/X``) and over the admin API leave one POST unanswered, after
which every call on that server timed out. These sequences run over a socket (one keep-alive
session, a real event loop, the SQLite file) with a per-request timeout, valid and invalid
inputs mixed, so a request that is never answered, or one that leaves the server stuck for the
next, fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.transport.asgi import ASGI_TRANSPORT
from schemathesis.transport.requests import REQUESTS_TRANSPORT
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from tests.helpers import Server

#: Seconds one call may take; the slowest honest answer here takes a fraction of that.
TIMEOUT = 10
PREDEFINED = r"^/(pf|bokamera)/((json|xml|jsv)/reply|api)/[A-Za-z]+$"
ADMIN = r"^/__admin/(reset|fixtures|requests|faults|sandboxes)"


@pytest.fixture
def jsv_bodies() -> Iterator[None]:
    """Generated JSV bodies go out as their JSON text: ServiceStack's JSV reader takes that
    shape, and a body it cannot read must still be answered (with a 400)."""

    @schemathesis.serializer("application/jsv", "text/jsv")
    def as_json(ctx: Any, value: Any) -> bytes:
        return json.dumps(value, default=str).encode()

    yield
    for transport in (ASGI_TRANSPORT, REQUESTS_TRANSPORT, WSGI_TRANSPORT):
        transport.unregister_serializer("application/jsv", "text/jsv")


@pytest.mark.slow
@pytest.mark.usefixtures("jsv_bodies")
@pytest.mark.parametrize("path_regex", [PREDEFINED, ADMIN], ids=["predefined", "admin"])
def test_every_call_of_a_generated_sequence_is_answered(server: Server, path_regex: str) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/__admin/openapi.json")
    operations = schema.include(path_regex=path_regex)
    cases = st.one_of(
        operations.as_strategy(GenerationMode.POSITIVE),
        operations.as_strategy(GenerationMode.NEGATIVE),
    )
    session = requests.Session()

    @given(st.lists(cases, min_size=2, max_size=8))
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: a stuck server would answer no smaller case
        suppress_health_check=list(HealthCheck),
    )
    def sequence(calls: list[schemathesis.Case]) -> None:
        for case in calls:
            response = case.call(session=session, timeout=TIMEOUT)
            assert response.status_code < 500, case.as_curl_command()
        health = session.get(f"{server.base_url}/__admin/health", timeout=TIMEOUT)
        assert health.status_code == 200

    sequence()
    assert server.proc is not None
    assert server.proc.poll() is None
