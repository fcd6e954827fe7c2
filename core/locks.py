"""Advisory file locks between processes on one machine (the retrain, the scheduler, the
experiment worker). The operating system drops a lock when its process ends, however it ends,
so a lock file also tells whether the process that took it is still alive."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def try_lock(path: Path) -> int | None:
    """Take the exclusive lock on `path` (made if missing) without waiting: its file
    descriptor, held until `unlock` or the process ends; None if another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextmanager
def exclusive(path: Path) -> Iterator[bool]:
    """The lock on `path` for this block, without waiting; yields whether we got it."""
    fd = try_lock(path)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            unlock(fd)


def is_held(path: Path) -> bool:
    """Does another process hold the lock on `path` right now?"""
    with exclusive(path) as got:
        return not got
