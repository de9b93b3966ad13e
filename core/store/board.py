"""The commit board: how a PostgreSQL-backed process learns that nobody committed without a
round trip per request.

Processes serving one database and schema from one host share a small memory-mapped file, the
board (in ``/dev/shm``, else the temporary directory; its name is a hash of the machine's boot id
and the database's identity as the server reports it - system identifier, database, schema - so
neither the DSN's spelling nor its password shows). Every crmgate writer adds one to the board's
counter after its COMMIT succeeded and before its answer goes out. A request then compares the
counter with the value it read before its last version read (``ReadCache.sync``): unchanged,
the cache is current and no query is sent; changed, the versions are read as before.

The board only sees writers on its own host. Each store therefore registers the board it uses on
its writing connection, as two session-level shared advisory locks naming the board's random
token (made when the file was made: containers on one kernel with separate ``/dev/shm`` hold
different tokens, so count as different hosts); a store without a board registers a token of
its own. A store serves from the board alone only while its last check that every registered
token is its own is younger than the lease ``LEASE_SECONDS`` (P): the check rides on a version
read, at most once per P (ahead of time, so a busy process never waits for it). A store that
(re)connected holds the answer of its first writes until 2P after it registered.

Guarantee (read-your-writes across processes and hosts): a write answered before a request
arrives at a process is seen by that request. A writer on the same board moved the counter
before answering. A writer on another board either committed before the reader's last check
(whose version read shows it), or was registered when that check ran (so the reader does not
trust its board), or registered after the check was sent and answered at least 2P later, when
the reader's lease of P from that moment had run out. Timing assumption: the hosts' monotonic
clocks run at the same rate to within a factor of two over P. Writers that are not crmgate are
not seen (nor were they before the board), nor is a crmgate older than the board (the board
must then be off everywhere); a connection pooler that does not keep sessions
(transaction pooling) loses the registration and must not be used with a board.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import secrets
import stat
import struct
import tempfile
import time
import zlib
from pathlib import Path

#: The lease P (seconds); every process of one database must use the same value.
LEASE_SECONDS = 0.2
#: The file's layout: magic, the board's token, the commit counter.
_MAGIC = b"crmgate-board-1\n"
_TOKEN = struct.Struct("<Q")
_COUNTER = struct.Struct("<Q")
_SIZE = len(_MAGIC) + _TOKEN.size + _COUNTER.size
_AT = len(_MAGIC) + _TOKEN.size
#: Tokens are 62 bits: two halves of 31, each an advisory lock key (an oid without sign).
_HALF = 0x7FFFFFFF


def runtime_dir() -> Path:
    """Where boards live: shared memory when the host has it, else the temporary directory."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return Path(tempfile.gettempdir())


def board_name(identity: str) -> str:
    """The board's file name for a database's ``identity`` (see above): a hash only."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    digest = hashlib.sha256(f"{boot}\0{identity}".encode()).hexdigest()
    return f"crmgate-board-{digest[:32]}"


class Board:
    """An open board: its token and its counter."""

    def __init__(self, fd: int, path: Path) -> None:
        self.path = path
        self._fd = fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            head = os.pread(fd, _SIZE, 0)
            if len(head) < _SIZE or not head.startswith(_MAGIC):
                token = secrets.randbits(62)
                os.ftruncate(fd, _SIZE)
                os.pwrite(fd, _MAGIC + _TOKEN.pack(token) + _COUNTER.pack(0), 0)
            else:
                token = _TOKEN.unpack_from(head, len(_MAGIC))[0]
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        self.token = token
        self._map = mmap.mmap(fd, _SIZE)

    def value(self) -> int:
        """The commit counter (a torn read only looks like a change)."""
        return _COUNTER.unpack_from(self._map, _AT)[0]

    def bump(self) -> int:
        """Count a commit; the counter as it was just before."""
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            before = _COUNTER.unpack_from(self._map, _AT)[0]
            _COUNTER.pack_into(self._map, _AT, before + 1)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        return before

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


def open_board(identity: str, directory: Path | None = None) -> Board | None:
    """The board of the database ``identity`` in ``directory`` (default ``runtime_dir()``),
    made if missing; None when it cannot be made or is not this user's own file (a board
    anyone else may write could hide commits)."""
    path = (directory or runtime_dir()) / board_name(identity)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            os.close(fd)
            return None
        return Board(fd, path)
    except (OSError, ValueError):
        os.close(fd)
        return None


class Commits:
    """What one store knows of others' commits: its board (or none), its registration, its
    lease. ``round`` and ``confirmed`` frame each version read; ``committed`` follows each
    COMMIT of a write."""

    def __init__(self, board: Board | None, schema: str) -> None:
        self.board = board
        self.lease = LEASE_SECONDS
        token = board.token if board is not None else secrets.randbits(62)
        hi, lo = (token >> 31) & _HALF, token & _HALF
        first, second = _namespace(schema, "hi"), _namespace(schema, "lo")
        self.register_sql = (
            f"SELECT pg_advisory_lock_shared({first}, {hi}), "
            f"pg_advisory_lock_shared({second}, {lo})"
        )
        #: How many registrations name another token (a row of the version read's answer).
        self.check_sql = (
            "SELECT '', count(*)::text FROM pg_locks WHERE locktype = 'advisory' "
            "AND objsubid = 2 AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) "
            f"AND ((classid = {first}::oid AND objid <> {hi}::oid) "
            f"OR (classid = {second}::oid AND objid <> {lo}::oid))"
        )
        #: The counter as read before the last version read that the cache now reflects.
        self._confirmed: int | None = None
        #: Until when the board alone may answer (monotonic seconds).
        self._until = 0.0
        #: When the next check of the registrations is due (half a lease after the last one
        #: was sent: one that got lost only delays the next).
        self._due = 0.0
        #: When the writing connection last registered.
        self._registered = -float("inf")

    def current(self) -> bool:
        """Whether the cache is current without asking the database: the board has not moved
        since the last version read, under a valid lease."""
        board = self.board
        return (
            board is not None
            and time.monotonic() < self._until
            and board.value() == self._confirmed
        )

    def renew_soon(self) -> bool:
        """The lease is half gone: check now, ahead of time."""
        return time.monotonic() >= self._due

    def round(self) -> tuple[int | None, float, bool]:
        """A version read is about to be sent: the counter before it, the time, and whether it
        checks the registrations too."""
        now = time.monotonic()
        check = self.board is not None and now >= self._due
        if check:
            self._due = now + self.lease / 2
        return (self.board.value() if self.board is not None else None), now, check

    def confirmed(self, mark: int | None, sent: float, foreign: int | None) -> None:
        """The version read framed by ``round`` was learned; ``foreign``: how many
        registrations named another token (None: not checked)."""
        self._confirmed = mark
        if foreign is not None:
            self._until = sent + self.lease if foreign == 0 else 0.0

    def forget(self) -> None:
        """The cache is unsure: the board alone answers nothing until the next version read."""
        self._confirmed = None

    def registered(self) -> None:
        self._registered = time.monotonic()

    def committed(self) -> None:
        """A write committed: hold its answer until 2P after registering, then count it."""
        wait = self._registered + 2 * self.lease - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        board = self.board
        if board is None:
            return
        before = board.bump()
        if before == self._confirmed:  # nobody else counted since: this commit is known here
            self._confirmed = before + 1

    def close(self, discard: bool = False) -> None:
        """Let the board go; ``discard``: and remove its file (the schema was dropped)."""
        board, self.board = self.board, None
        if board is None:
            return
        if discard:
            board.path.unlink(missing_ok=True)
        board.close()


def _namespace(schema: str, part: str) -> int:
    """An advisory lock class for ``schema``'s registrations (a clash only costs a fallback)."""
    return zlib.crc32(f"crmgate board {part} {schema}".encode()) & _HALF
