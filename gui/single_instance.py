"""One Facteur per profile: the first process owns it; later launches hand their arguments over and exit.

Two Facteurs on one profile would run two sync engines, two IDLE connections and two send workers on the same
stores. So the owner holds an exclusive lock on ``facteur-<profile>.lock`` in the user's private runtime folder
for its whole life, and listens on a local socket beside it. A later launch (a ``mailto:`` link, an ``.eml`` file
opened from the file manager) finds the lock taken, connects, sends its arguments (paths made absolute) and waits
for the owner's "ok"; the owner opens the composer or the message and comes to the front. A crash leaves the
socket file behind but never the lock (the operating system drops it with the process): the next owner removes
the stale socket before listening.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import platformdirs
from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from connectors.outbox.owners import try_lock

from .accounts import APP_NAME, config_dir

log = logging.getLogger(__name__)

MAX_MESSAGE = 1 << 20  # arguments are a few paths and a mailto: URL; anything bigger is not from Facteur
FORWARD_TIMEOUT_S = 10.0  # the owner may still be starting (the window is built before it listens)


def profile_key() -> str:
    """What names this profile: its config and data folders (tests and a person's second profile differ)."""
    data = platformdirs.user_data_dir(APP_NAME, APP_NAME)
    text = f"{os.path.realpath(config_dir())}\0{os.path.realpath(data)}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def runtime_dir() -> Path:
    """The user's private runtime folder (``$XDG_RUNTIME_DIR``), else a 0700 folder of ours in the cache folder.

    Only a folder owned by this user and closed to others is used: the socket there accepts arguments.
    """
    candidates = []
    if os.environ.get("XDG_RUNTIME_DIR"):
        candidates.append(Path(os.environ["XDG_RUNTIME_DIR"]))
    candidates.append(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "run")
    candidates.append(Path(tempfile.gettempdir()) / f"facteur-{_user_id()}")
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if _private(folder):
                return folder
        except OSError:
            continue
    raise RuntimeError("No private folder for Facteur's instance socket")


def _user_id() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()


def _private(folder: Path) -> bool:
    info = folder.stat()
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def absolute_arguments(arguments: Sequence[str], cwd: Path | None = None) -> list[str]:
    """The arguments as the owner must see them: file paths made absolute (its working folder differs)."""
    base = cwd or Path.cwd()
    result = []
    for argument in arguments:
        if argument.startswith("-") or argument.lower().startswith("mailto:") or "://" in argument:
            result.append(argument)
        else:
            result.append(str((base / Path(argument).expanduser()).absolute()))
    return result


class InstanceGuard(QObject):
    """``acquire()`` first: True makes this process the owner, which then ``listen()``s once its window exists;
    False means another Facteur owns the profile, and ``forward()`` hands it the arguments."""

    argumentsReceived = Signal(list)  # list[str]: another launch's arguments (paths absolute), on the GUI thread

    def __init__(self, folder: Path | None = None, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder or runtime_dir()
        name = f"facteur-{key or profile_key()}"
        self.lock_path = self.folder / f"{name}.lock"
        self.socket_path = self.folder / f"{name}.sock"
        self._lock: IO[bytes] | None = None
        self._server: QLocalServer | None = None
        self._pending: dict[QLocalSocket, bytearray] = {}

    @property
    def owner(self) -> bool:
        return self._lock is not None

    def acquire(self) -> bool:
        if self._lock is None:
            self._lock = try_lock(self.lock_path)
        return self._lock is not None

    # -- the owner ---------------------------------------------------------------------------------------------

    def listen(self) -> bool:
        """Accept other launches' arguments (needs the QApplication). Removes a socket a crash left behind."""
        if not self.owner:
            raise RuntimeError("Only the process that owns the profile listens")
        QLocalServer.removeServer(str(self.socket_path))
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._accept)
        if not server.listen(str(self.socket_path)):
            log.warning("Other Facteur launches cannot reach this one: %s", server.errorString())
            return False
        self._server = server
        return True

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            self._pending[connection] = bytearray()
            connection.readyRead.connect(lambda connection=connection: self._read(connection))
            connection.disconnected.connect(lambda connection=connection: self._drop(connection))

    def _read(self, connection: QLocalSocket) -> None:
        buffer = self._pending.get(connection)
        if buffer is None:
            return
        buffer.extend(bytes(connection.readAll().data()))
        if len(buffer) > MAX_MESSAGE:
            connection.abort()
            return
        if b"\n" not in buffer:
            return
        line = bytes(buffer.split(b"\n", 1)[0])
        try:
            message = json.loads(line.decode("utf-8"))
            arguments = [str(item) for item in message["arguments"]]
        except (ValueError, KeyError, TypeError):
            log.warning("Ignored a malformed message on the instance socket")
            connection.abort()
            return
        connection.write(b"ok\n")
        connection.flush()
        connection.disconnectFromServer()
        self.argumentsReceived.emit(arguments)

    def _drop(self, connection: QLocalSocket) -> None:
        self._pending.pop(connection, None)
        connection.deleteLater()

    def close(self) -> None:
        """Stop listening and let go of the profile (at quit; the lock would go with the process anyway)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()

    # -- a later launch ----------------------------------------------------------------------------------------

    def forward(self, arguments: Sequence[str], timeout_s: float = FORWARD_TIMEOUT_S) -> bool:
        """Hand ``arguments`` to the owner and wait for its "ok"; False if it could not be reached in time."""
        payload = json.dumps({"arguments": list(arguments)}).encode("utf-8") + b"\n"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            socket = QLocalSocket()
            socket.connectToServer(str(self.socket_path))
            if socket.waitForConnected(_ms_left(deadline)):
                socket.write(payload)
                socket.waitForBytesWritten(_ms_left(deadline))
                reply = bytearray()
                while b"\n" not in reply and socket.waitForReadyRead(_ms_left(deadline)):
                    reply.extend(bytes(socket.readAll().data()))
                socket.abort()
                if reply.startswith(b"ok\n"):
                    return True
                return False
            # The owner is still building its window, or it has just quit: look again shortly.
            if not self.acquire():
                time.sleep(0.05)
                continue
            return False  # the owner went away meanwhile: this process is now the owner
        return False


def _ms_left(deadline: float) -> int:
    return max(1, int((deadline - time.monotonic()) * 1000))
