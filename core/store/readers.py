"""Whether any other connection caches reads of an SQLite file, and whether one can have
committed since this store last looked.

A write transaction stamps the data version in the ``control`` table (see ``core.store.cache``)
only for the other connections that cache reads of the same file: they read the stamp to learn
which of their cached models moved. That row is a page of its own in every commit. A store
alone on its file can keep the stamp in memory instead, and need not ask the database whether
anyone else committed (``PRAGMA data_version``, a read transaction of its own) when a request
starts.

Every caching store holds a shared lock on the file ``<database>-caches`` for as long as it is
open: an open-file-description lock (Linux ``F_OFD_*``), which the kernel releases when the
store closes or its process dies, and which tells two stores of one process apart as well as
two processes. A store takes its lock, then counts itself in the file's first eight bytes (the
generation), both under the database's write lock and before it commits anything. So a store
that found itself alone (no other lock) at generation ``g`` is still alone, and nobody else has
committed, while the generation reads ``g``: one read of shared memory, no system call. A store
that opens later reads what a lone writer committed. Where the kernel has no such locks, every
store answers that others may cache (it stamps and asks, as a PostgreSQL store does).
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct

#: ``struct flock`` as Linux lays it out: type, whence, start, length, pid (0 for OFD locks).
_FLOCK = "hhqqi"
_GETLK = getattr(fcntl, "F_OFD_GETLK", None)
_SETLK = getattr(fcntl, "F_OFD_SETLK", None)
#: Asks whether a write lock on the first byte could be taken: only another reader prevents it.
_PROBE = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 1, 0)
#: The generation: how many stores have opened the file, little-endian.
_GENERATION = struct.Struct("<Q")


class Readers:
    """This store's shared lock on ``<database>-caches`` and its view of the generation.
    ``take`` must run under the database's write lock."""

    def __init__(self, path: str) -> None:
        self._path = f"{path}-caches"
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        #: The generation at which this store last found itself alone (None: not alone).
        self._alone_at: int | None = None

    def take(self) -> None:
        """Hold the shared lock from now on and count this store in the generation (no lock
        where the kernel has none)."""
        if _SETLK is None or self._fd is not None:
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.fcntl(fd, _SETLK, struct.pack(_FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 1, 0))
            if os.fstat(fd).st_size < _GENERATION.size:
                os.ftruncate(fd, _GENERATION.size)
            shared = mmap.mmap(fd, _GENERATION.size)
        except OSError:
            os.close(fd)
            raise
        _GENERATION.pack_into(shared, 0, _GENERATION.unpack_from(shared)[0] + 1)
        self._fd, self._map = fd, shared

    def others(self) -> bool:
        """Whether another store may cache reads of this file (True without a lock to ask).
        Under the write lock nobody can open meanwhile: a generation at which this store was
        alone answers without a system call."""
        if self._map is None or self._fd is None:
            return True
        if _GENERATION.unpack_from(self._map)[0] == self._alone_at:
            return False
        answer = fcntl.fcntl(self._fd, _GETLK, _PROBE)
        return struct.unpack_from(_FLOCK, answer)[0] != fcntl.F_UNLCK

    def quiet(self) -> bool:
        """Whether no other store can have committed since the last call: True while the
        generation is the one at which a call found this store alone. Otherwise False (the
        caller asks the database), after noting whether the store is alone now: the stores
        gone since committed before they let go of their locks, so what the caller asks next
        sees their commits, and the next call may answer True."""
        if self._map is None:
            return False
        generation = _GENERATION.unpack_from(self._map)[0]
        if generation == self._alone_at:
            return True
        self._alone_at = None
        if not self.others():
            self._alone_at = generation
        return False

    def close(self) -> None:
        """Let go of the lock: writers no longer stamp for this store."""
        if self._map is not None:
            self._map.close()
            self._map = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
