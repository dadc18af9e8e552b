"""A message's whole bytes for Reply, Forward and a reader window: the cached copy read and decompressed in the
runner's pool (a 25 MB message takes a while), else downloaded by the account's worker."""

from __future__ import annotations

from collections.abc import Callable

from connectors.store import StoreError

from .account_session import AccountSession
from .operation import Operation
from .runner import runner


def with_whole_message(session: AccountSession, folder: str, uid: int, then: Callable[[bytes], object],
                       failed: Callable[[BaseException], object]) -> Operation:
    """Call ``then(raw)`` on the GUI thread with the whole message, or ``failed(exc)`` if it cannot be had;
    returns the cache read's operation (cancel it to give up before the download)."""
    readers = session.readers

    def cached(_op: Operation) -> bytes | None:
        try:
            with readers.reader() as reader:
                return reader.body(folder, uid)
        except StoreError:
            return None  # the worker reads the store again, and downloads

    def arrived(raw: bytes | None) -> None:
        if raw is not None:
            then(raw)
            return
        fetch = session.fetch_body(folder, uid)
        fetch.finished.connect(then)
        fetch.failed.connect(failed)

    read = Operation(cached, name="read cached message")
    read.finished.connect(arrived)
    read.failed.connect(failed)
    return runner().submit(read)
