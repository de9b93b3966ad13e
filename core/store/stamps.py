"""Version stamps: a value no process sharing a store has written before.

A random prefix drawn once per process (again in a forked child, which would otherwise
repeat its parent's sequence) and a counter: unique like a fresh random token per commit,
without asking the operating system for random bytes on every write.
"""

from __future__ import annotations

import itertools
import os
import secrets

_prefix = ""
_counter = itertools.count()


def _reseed() -> None:
    global _prefix, _counter
    _prefix = secrets.token_hex(8)
    _counter = itertools.count(1)


def new_stamp() -> str:
    """A stamp unlike any other: this process's prefix and the next number."""
    return f"{_prefix}{next(_counter):x}"


_reseed()
os.register_at_fork(after_in_child=_reseed)
