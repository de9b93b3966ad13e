"""The flush handshake of a shared journal, through the state store's signals.

The counter ``FLUSH_ASKED`` counts the admin reads that asked for a flush, and each serving
process keeps ``FLUSH_DONE`` + its name: the last count it answered. A process answers a count
once it has written every capture it took after it read that count. A reader raises the counter
and waits until every other process has answered; one that has not within the reader's patience
is taken for gone (killed without leaving) and struck off. If it was only slow, it finds itself
struck off at its next look and joins again under a new name (so that nothing it wrote under
the old one is mistaken for what it writes under the new).
"""

from __future__ import annotations

import os
import threading

from gateway.state import StateStore

#: The signals of the flush handshake begin so.
FLUSH = "journal.flush."
#: The signal an admin read raises to ask every process of a shared journal for a flush.
FLUSH_ASKED = FLUSH + "asked"
#: A process's answer: its signal is this + its name, the last count of ``FLUSH_ASKED`` done.
FLUSH_DONE = FLUSH + "done/"


class Handshake:
    """One process's side of the handshake. Every call uses the state store under ``lock``
    (shared with the journal's other uses of the store's log connection), on a worker thread."""

    def __init__(self, state: StateStore, lock: threading.RLock) -> None:
        self.state = state
        self._lock = lock
        #: The count of ``FLUSH_ASKED`` this process answered last; None: not among those
        #: a read waits for (not joined yet, struck off, or left).
        self.answered: int | None = None
        self._rename()

    def _rename(self) -> None:
        #: This process's name: its answer's signal, and its staging log's.
        self.name = os.urandom(8).hex()
        self.done_key = FLUSH_DONE + self.name

    def join(self, idle: bool) -> int:
        """Enter the processes a read waits for; the count asked now, answered at once when
        ``idle`` (nothing captured yet), else left for the next look to answer."""
        with self._lock:
            now = int(self.state.signals(FLUSH_ASKED).get(FLUSH_ASKED, 0))
            self.answer(now if idle else now - 1)
            return now

    def look(self) -> int | None:
        """The count asked now when this process has yet to answer it (None: nothing to do).
        A process struck off meanwhile joins again, under a new name."""
        with self._lock:
            found = self.state.signals(FLUSH)
            if self.answered is not None and self.done_key not in found:
                self._rename()
                self.answered = None
            asked = int(found.get(FLUSH_ASKED, 0))
            if self.answered is not None and asked <= self.answered:
                return None
            return asked

    def answer(self, asked: int) -> None:
        with self._lock:
            if asked != self.answered:
                self.state.signal_set(self.done_key, str(asked))
                self.answered = asked

    def ask(self) -> int:
        """Ask every process for a flush: the count to wait for."""
        with self._lock:
            return self.state.signal_next(FLUSH_ASKED)

    def late(self, asked: int) -> list[str]:
        """The answer signals of the other processes that have not answered ``asked`` yet."""
        with self._lock:
            done = self.state.signals(FLUSH_DONE)
        return [k for k, v in done.items() if k != self.done_key and int(v) < asked]

    def strike_off(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self.state.signal_set(key, None)

    def leave(self) -> None:
        """Reads no longer wait for this process."""
        with self._lock:
            if self.answered is not None:
                self.state.signal_set(self.done_key, None)
                self.answered = None
