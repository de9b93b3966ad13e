"""The pytest plugin as a user gets it: a separate pytest run (pytester) that loads it from the
installed ``pytest11`` entry point, alone and under pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.testing import Server

pytestmark = pytest.mark.slow

#: The five lines a user writes (.ci/run runs the same module against the built wheel): log
#: in, write in its own sandbox, count the request, see a fault that fires in this sandbox only
#: (a rule that leaked would fail the other tests).
FIVE_LINES = (Path(__file__).resolve().parents[2] / ".ci" / "plugin_check.py").read_text()


def test_five_lines_pass_in_parallel_with_a_server_per_worker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_five_lines=FIVE_LINES)
    result = pytester.runpytest_subprocess("-n", "4", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_workers_share_a_running_crmgate_through_crmgate_url(
    pytester: pytest.Pytester, crmgate_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One server for every worker: the sandboxes alone keep the tests apart."""
    monkeypatch.setenv("CRMGATE_URL", crmgate_server.base_url)
    monkeypatch.setenv("CRMGATE_ADMIN_TOKEN", crmgate_server.admin_token or "")
    pytester.makepyfile(test_five_lines=FIVE_LINES)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)
    assert crmgate_server.admin("GET", "/faults").json() == []  # removed with their sandboxes


def test_a_session_that_asks_for_no_crmgate_fixture_starts_nothing(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_plain():
            assert "gateway.testing" not in sys.modules
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_sandbox_data_comes_from_the_crmgate_fixtures_fixture(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def crmgate_fixtures():
            return "none"
        """
    )
    pytester.makepyfile(
        test_empty="""
        def test_empty(crmgate):
            login = {"emailAddress": "customer11@1to1service.com", "password": "demo-customer"}
            answer = crmgate.post("/iservice/f/webapp-api-login?api=login", json=login).json()
            assert answer["errors"]
            assert crmgate.reset("demo")["fixtures"] == "demo"
            again = crmgate.post("/iservice/f/webapp-api-login?api=login", json=login).json()
            assert again["errors"] == []
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
