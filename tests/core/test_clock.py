"""Core's clock answers aware UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import utcnow


def test_utcnow_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = utcnow()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC) + timedelta(seconds=1)
