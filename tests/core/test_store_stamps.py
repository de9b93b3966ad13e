"""Version stamps (``core.store.stamps``): never one twice, in this process or a forked one."""

from __future__ import annotations

import os

from core.store.stamps import new_stamp


def test_stamps_do_not_repeat() -> None:
    stamps = [new_stamp() for _ in range(10_000)]
    assert len(set(stamps)) == len(stamps)


def test_a_forked_child_stamps_apart_from_its_parent() -> None:
    """Without a fresh prefix the child would continue the parent's numbers: the parent's next
    stamp and the child's would be equal, and a cache would miss the other's write."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next stamp, to the parent
        os.write(write, new_stamp().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    parent = new_stamp()
    assert child
    assert child != parent
    assert child[:16] != parent[:16]
