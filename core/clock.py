"""Time as core sees it: injectable, always timezone-aware UTC."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]

#: The current time in UTC: ``datetime.now`` bound to UTC, called without a Python frame of
#: its own (a write reads the clock once or twice per request).
utcnow: Clock = functools.partial(datetime.now, UTC)
