"""Whether any other connection caches reads of an SQLite file, asked by a writer.

A write transaction stamps the data version in the ``control`` table (see ``core.store.cache``)
only for the other connections that cache reads of the same file: they read the stamp to learn
which of their cached models moved. That row is a page of its own in every commit. A store
alone on its file can keep the stamp in memory instead.

Every caching store holds a shared lock on the file ``<database>-caches`` for as long as it is
open: an open-file-description lock (Linux ``F_OFD_*``), which the kernel releases when the
store closes or its process dies, and which tells two stores of one process apart as well as
two processes. A writer asks, under its write lock, whether a lock other than its own is
held (one ``fcntl`` call, no disk access). A store takes its lock under the write lock too, so
a writer's answer holds until its commit: a store that opens later reads what it committed.
Where the kernel has no such locks, every store answers that others may cache (always stamp).
"""

from __future__ import annotations

import fcntl
import os
import struct

#: ``struct flock`` as Linux lays it out: type, whence, start, length, pid (0 for OFD locks).
_FLOCK = "hhqqi"
_GETLK = getattr(fcntl, "F_OFD_GETLK", None)
_SETLK = getattr(fcntl, "F_OFD_SETLK", None)
#: Asks whether a write lock on the first byte could be taken: only another reader prevents it.
_PROBE = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 1, 0)


class Readers:
    """This store's shared lock on ``<database>-caches``, and the question whether another
    store holds one. ``take`` must run under the database's write lock."""

    def __init__(self, path: str) -> None:
        self._path = f"{path}-caches"
        self._fd: int | None = None

    def take(self) -> None:
        """Hold the shared lock from now on (no lock where the kernel has none)."""
        if _SETLK is None or self._fd is not None:
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.fcntl(fd, _SETLK, struct.pack(_FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 1, 0))
        except OSError:
            os.close(fd)
            raise
        self._fd = fd

    def others(self) -> bool:
        """Whether another store may cache reads of this file (True without a lock to ask)."""
        if self._fd is None:
            return True
        answer = fcntl.fcntl(self._fd, _GETLK, _PROBE)
        return struct.unpack_from(_FLOCK, answer)[0] != fcntl.F_UNLCK

    def close(self) -> None:
        """Let go of the lock: writers no longer stamp for this store."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
