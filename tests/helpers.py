"""What tests share: the demo data and its well-known ids and passwords, a fake clock.

Fixtures live in the conftest files; everything else a test module needs from elsewhere in the
suite is imported from here (never from a conftest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.services.fixtures import read_fixtures
from gateway.fixtures import named_set

DEMO = read_fixtures(named_set("demo"))

JOHN_ID = "11078e67-adf5-4306-a903-481ed7aa8c0e"
JANE_ID = "6a3c2f4e-8d1b-4c7a-9e25-3f0b1d2c4a57"
WALTER_ID = "c0ffee00-5a1c-4e0b-9d4e-7a1d2b3c4d5e"
OLGA_ID = "0a7e1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b"

PASSWORDS = {
    "admin@demo.local": "demo-admin",
    "agent@demo.local": "demo-agent",
    "customer11@1to1service.com": "demo-customer",
    "jane@demo.local": "demo-jane",
    "admin@other.local": "other-admin",
}


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
