"""Which Facteur processes are alive, told by file locks the operating system drops when a process ends.

Each process holds an exclusive lock on ``<directory>/<token>.lock`` (a random token of its own) as long as it
runs; however it ends — quit, crash, SIGKILL, power cut — the lock goes with it. A row of Local Folders marked
with a token whose lock can be taken was therefore left by a process that is gone, and only such rows may be
recovered: a second process must never "recover" what the first is still doing.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import IO

from ..private_files import FILE_MODE, private_dir


class OwnerLocks:
    """This process's token, held locked in ``directory``, and a way to ask whether another token's holder lives."""

    def __init__(self, directory: Path) -> None:
        self.directory = private_dir(directory)
        self.token = uuid.uuid4().hex
        handle = try_lock(self._path(self.token))
        if handle is None:
            raise RuntimeError(f"Could not lock {self._path(self.token)}")
        self._handle: IO[bytes] | None = handle

    def _path(self, token: str) -> Path:
        return self.directory / f"{token}.lock"

    def is_alive(self, token: str) -> bool:
        """Whether the process that holds ``token`` is still running (never true for an empty token)."""
        if not token:
            return False
        if token == self.token:
            return self._handle is not None
        path = self._path(token)
        if not path.exists():
            return False
        probe = try_lock(path)
        if probe is None:
            return True
        probe.close()
        path.unlink(missing_ok=True)
        return False

    def release(self) -> None:
        """Let go of this process's token (closing the store); idempotent."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()
            self._path(self.token).unlink(missing_ok=True)


def try_lock(path: Path) -> IO[bytes] | None:
    """An exclusive, non-blocking lock on ``path``, held as long as the returned file stays open; None if another
    process (or another open file of this one) holds it."""
    # The open file *is* the lock; like every Facteur file it is the person's alone.
    handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE), "a+b")
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    os.set_inheritable(handle.fileno(), False)
    return handle
