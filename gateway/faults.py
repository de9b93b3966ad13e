"""Fault rules: make matching dialect requests slow, fail, drop or come back malformed.

A rule matches on dialect, method and a path glob (the path as the vendor sees it, without
the gateway's prefix); it fires ``times`` times (forever when unset) with ``probability``.
"""

from __future__ import annotations

import random
from fnmatch import fnmatchcase
from typing import Literal

import msgspec

from gateway.state import StateStore

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


_KEY = "gateway.fault_rules"
_RULES = msgspec.json.Decoder(list[FaultRule])


#: Not a state version: the copy of the rules has never been read.
_NEVER = object()


class Faults:
    """Fault rules kept in the gateway's state store, so every worker process sees the same
    rules and a ``times`` counter moves once across all of them.

    Each process keeps a copy of the rules, read again only when the store's state version
    moved (learned by the request's ``sync``, or by a change made here): a request pays
    nothing while no rule is set. A matching rule costs a write transaction (its counter).
    """

    def __init__(self, state: StateStore) -> None:
        self.state = state
        self._copy: list[FaultRule] = []
        self._copied: object = _NEVER

    def _load(self) -> list[FaultRule]:
        raw = self.state.get_control(_KEY)
        return _RULES.decode(raw) if raw else []

    def _save(self, rules: list[FaultRule]) -> None:
        self.state.set_control(_KEY, msgspec.json.encode(rules).decode())

    def active(self) -> list[FaultRule]:
        """The rules as of the state version this process last learned."""
        version = self.state.state_version
        if version != self._copied:
            self._copy = self._load()
            self._copied = version
        return self._copy

    def add(self, rule: FaultRule) -> FaultRule:
        with self.state.write():
            rule.id = self.state.next_value(_KEY)
            rule.fired = 0
            self._save([*self._load(), rule])
        return rule

    def list(self) -> list[FaultRule]:
        return self._load()

    def remove(self, rule_id: int) -> bool:
        with self.state.write():
            rules = self._load()
            kept = [r for r in rules if r.id != rule_id]
            self._save(kept)
        return len(kept) < len(rules)

    def clear(self) -> None:
        with self.state.write():
            self._save([])

    def pick(self, dialect: str, method: str, path: str) -> FaultRule | None:
        """The first matching rule that fires now (its counter moves; spent rules go)."""
        for rule in self.active():
            if not rule.matches(dialect, method, path):
                continue
            if rule.probability < 1 and random.random() >= rule.probability:
                continue
            fired = self._fire(rule.id)
            if fired is not None:
                return fired
        return None

    def _fire(self, rule_id: int) -> FaultRule | None:
        """Count one firing; None when another process spent the rule meanwhile."""
        with self.state.write():
            rules = self._load()
            rule = next((r for r in rules if r.id == rule_id), None)
            if rule is None:
                return None
            rule.fired += 1
            if rule.times is not None and rule.fired >= rule.times:
                rules.remove(rule)
            self._save(rules)
        return rule
