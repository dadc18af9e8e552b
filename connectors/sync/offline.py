"""Downloading a folder's whole messages for offline reading and full-text search (``SyncEngine.prefetch_bodies``).

Measured against ``mbsync`` + ``notmuch new`` on the same folder (``bench/bodies_bench.py``), the time went, in
order: finding each message's text with the email package's ``policy.default`` (now ``compat32``, see
``connectors/store/bodytext.py``), six SQLite statements per message (now a few per batch:
``MailStore.store_bodies``), zlib at level 6 (now 1), and waiting: the socket idle while a batch was parsed and
stored, the parsing idle while the next batch came. So two threads share the work here:

* the caller's thread, which owns the store, parses, compresses and writes one batch per transaction;
* a reader thread, which sends the next ``UID FETCH (BODY.PEEK[])``, reads its answer and compresses each
  message meanwhile (the TLS read and zlib release the GIL, as SQLite does, and the server works on the other
  core).

Memory stays bounded whatever the folder: a batch holds at most ``BATCH_BYTES`` of messages (by their
RFC822.SIZE; a larger message is a batch of its own) and at most one batch waits between the two threads. Each
batch is one transaction, so a kill -9 loses at most the batch being written and the next run goes on from the
store (only messages without a whole cached body are fetched).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence

from ..messaging.imap import IMAPConnector
from ..store import CompressedBody, MailStore, compress_body

__all__ = ["BATCH_BYTES", "BATCH_MESSAGES", "batches", "download_bodies"]

BATCH_BYTES = 8 << 20
BATCH_MESSAGES = 500

FetchBatch = Callable[[list[int]], dict[int, CompressedBody]]


class _Stop(Exception):
    """The caller stopped taking batches (it raised, or was cancelled): the reader thread ends."""


def batches(sizes: Sequence[tuple[int, int]], most: int = BATCH_MESSAGES,
            most_bytes: int = BATCH_BYTES) -> Iterator[list[int]]:
    """UIDs of ``(uid, size)`` in order, cut into batches of at most ``most`` messages and ``most_bytes`` bytes
    (a message larger than ``most_bytes`` alone)."""
    batch: list[int] = []
    total = 0
    for uid, size in sizes:
        if batch and (len(batch) >= most or total + size > most_bytes):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += max(size, 0)
    if batch:
        yield batch


def _fetch_whole(imap: IMAPConnector) -> FetchBatch:
    def fetch(uids: list[int]) -> dict[int, CompressedBody]:
        answer = imap.fetch(uids, ["BODY.PEEK[]"])
        return {uid: compress_body(bytes(data[b"BODY[]"] or b"")) for uid, data in answer.items() if b"BODY[]" in data}
    return fetch


def download_bodies(store: MailStore, imap: IMAPConnector, folder: str, uids: Sequence[int] | None = None, *,
                    most: int = BATCH_MESSAGES, most_bytes: int = BATCH_BYTES,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] = lambda: False) -> int:
    """Fetch and cache the whole messages of ``folder`` (the selected mailbox of ``imap``) that are not cached yet,
    newest first — all of them, or those of ``uids``. Returns how many were asked for. ``cancelled`` is asked
    between batches; when it says so, what is stored stays and ``download_bodies`` returns early (the caller
    raises its own cancellation)."""
    missing = store.missing_bodies(folder)
    if uids is not None:
        chosen = set(uids)
        missing = [(uid, size) for uid, size in missing if uid in chosen]
    work = list(batches(missing, most, most_bytes))
    total = sum(len(batch) for batch in work)
    done = 0
    for uids_done in _pipelined(work, _fetch_whole(imap), store, folder, cancelled):
        done += uids_done
        if progress is not None:
            progress(done, total)
    return total


def _pipelined(work: list[list[int]], fetch: FetchBatch, store: MailStore, folder: str,
               cancelled: Callable[[], bool]) -> Iterator[int]:
    """Store each batch as the reader thread delivers it; yields how many messages each batch held."""
    if not work:
        return
    handoff: queue.Queue[tuple[list[int], dict[int, CompressedBody]] | BaseException | None] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: tuple[list[int], dict[int, CompressedBody]] | BaseException | None) -> None:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stop

    def read() -> None:
        try:
            for batch in work:
                if stop.is_set() or cancelled():
                    break
                hand((batch, fetch(batch)))
            hand(None)
        except _Stop:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the storing thread, which raises it
            try:
                hand(exc)
            except _Stop:
                pass

    reader = threading.Thread(target=read, name=f"bodies {folder}", daemon=True)
    reader.start()
    try:
        while True:
            item = handoff.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            batch, bodies = item
            store.store_bodies(folder, [(uid, bodies[uid]) for uid in batch if uid in bodies])
            yield len(batch)
            if cancelled():
                return
    finally:
        stop.set()
        # The reader owns the connection until it ends: at most the batch it is reading.
        reader.join()
