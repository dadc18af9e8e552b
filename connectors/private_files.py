"""The person's mail on disk is theirs alone: Facteur's folders are 0700 and its files 0600.

Files are created private (never briefly readable by others, whatever the umask): SQLite databases are created
empty as 0600 before SQLite opens them, and SQLite gives their ``-wal``, ``-shm`` and ``-journal`` the database's
own mode. :func:`tighten_tree` makes what an older version left (0644 in 0755 folders) private at start-up.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "private_dir", "private_file", "private_sqlite", "tighten_tree", "write_private"]

DIR_MODE = 0o700
FILE_MODE = 0o600
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """``path`` as a folder, created 0700 with each missing folder above it. A folder that already exists is left
    as it is: it may be the caller's own (the application tightens its folders with :func:`tighten_tree`)."""
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode passes through the umask
    return path


def private_file(path: Path) -> Path:
    """``path`` as a 0600 file: created empty if missing (in new 0700 folders), tightened if not."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    finally:
        os.close(descriptor)
    return path


def private_sqlite(path: Path) -> Path:
    """Prepare a SQLite database path: the file 0600 before SQLite opens it (its journals follow its mode), and
    journals an older version left tightened too."""
    private_file(path)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, FILE_MODE)
    return path


def write_private(path: Path, data: bytes | str) -> Path:
    """Replace ``path`` atomically with ``data`` in a 0600 file (text is written as UTF-8)."""
    private_dir(path.parent)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mkstemp files are 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def tighten_tree(root: Path) -> None:
    """Take group and others' rights off ``root`` and everything under it (links are not followed)."""
    if root.is_symlink() or not root.is_dir():
        return
    os.chmod(root, DIR_MODE)
    for folder, subfolders, files in os.walk(root):
        for name in [*subfolders, *files]:
            path = os.path.join(folder, name)
            try:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    continue
                wanted = DIR_MODE if stat.S_ISDIR(mode) else stat.S_IMODE(mode) & 0o700
                if stat.S_IMODE(mode) != wanted:
                    os.chmod(path, wanted)
            except FileNotFoundError:
                continue  # removed meanwhile (a lock, a temporary file)
