"""Fault rules: make matching dialect requests slow, fail, drop or come back malformed.

A rule matches on dialect, method and a path glob (the path as the vendor sees it, without
the gateway's prefix); it fires ``times`` times (forever when unset) with ``probability``.
"""

from __future__ import annotations

import itertools
import random
from fnmatch import fnmatchcase
from typing import Literal

import msgspec

Action = Literal["latency", "status", "drop", "malformed"]


class FaultRule(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    action: Action
    dialect: str | None = None
    method: str | None = None
    path: str = "*"
    #: latency: fixed milliseconds, or ``[low, high]`` for a uniform range.
    latency_ms: float | tuple[float, float] = 0
    #: status: the HTTP status to answer, in the dialect's own error envelope.
    status: int = 503
    message: str = "The service is unavailable."
    times: int | None = None
    probability: float = 1.0
    id: int = 0
    fired: int = 0

    def validate(self) -> list[str]:
        problems = []
        if not 0 <= self.probability <= 1:
            problems.append("probability must be between 0 and 1")
        if self.times is not None and self.times < 1:
            problems.append("times must be at least 1")
        if self.action == "status" and not 400 <= self.status <= 599:
            problems.append("status must be an HTTP error status (400-599)")
        low, high = (
            self.latency_ms if isinstance(self.latency_ms, tuple) else (self.latency_ms,) * 2
        )
        if not 0 <= low <= high <= 60_000:
            problems.append("latency_ms must be 0..60000 (and low <= high)")
        return problems

    def matches(self, dialect: str, method: str, path: str) -> bool:
        return (
            (self.dialect is None or self.dialect == dialect)
            and (self.method is None or self.method.upper() == method)
            and fnmatchcase(path, self.path)
        )

    def delay_seconds(self) -> float:
        if isinstance(self.latency_ms, tuple):
            return random.uniform(*self.latency_ms) / 1000
        return self.latency_ms / 1000


class Faults:
    def __init__(self) -> None:
        self._rules: dict[int, FaultRule] = {}
        self._ids = itertools.count(1)

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = next(self._ids)
        rule.fired = 0
        self._rules[rule.id] = rule
        return rule

    def list(self) -> list[FaultRule]:
        return list(self._rules.values())

    def remove(self, rule_id: int) -> bool:
        return self._rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        self._rules.clear()

    def pick(self, dialect: str, method: str, path: str) -> FaultRule | None:
        """The first matching rule that fires now (its counter moves; spent rules go)."""
        if not self._rules:
            return None
        for rule in list(self._rules.values()):
            if not rule.matches(dialect, method, path):
                continue
            if rule.probability < 1 and random.random() >= rule.probability:
                continue
            rule.fired += 1
            if rule.times is not None and rule.fired >= rule.times:
                self._rules.pop(rule.id, None)
            return rule
        return None
