"""ReaderPool: store readers lent to background threads and kept open between uses, closed with the session."""

from __future__ import annotations

import threading
import zlib
from pathlib import Path

import pytest
from sample_mail import make_summary

from connectors.store import MailStore, ReaderPool, StoreError


def test_a_reader_is_reused_across_threads_and_sees_new_writes(store: MailStore) -> None:
    pool = ReaderPool(store.path)
    store.add_messages("INBOX", [make_summary(1, subject="first")])
    seen: list[tuple[int, list[int]]] = []

    def read() -> None:
        with pool.reader() as reader:
            seen.append((id(reader), reader.uids("INBOX")))

    for _ in range(3):
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        store.add_messages("INBOX", [make_summary(len(seen) + 1)])
    assert [uids for _reader, uids in seen] == [[1], [1, 2], [1, 2, 3]]
    assert len({reader for reader, _uids in seen}) == 1 and pool.opened == 1
    pool.close()
    assert pool.open_readers() == 0


def test_readers_lent_at_once_are_opened_and_only_keep_stay_open(store: MailStore) -> None:
    pool = ReaderPool(store.path, keep=1)
    with pool.reader() as first, pool.reader() as second:
        assert first is not second and pool.open_readers() == 2
    assert pool.opened == 2 and pool.open_readers() == 1
    pool.close()


def test_closing_closes_idle_readers_now_and_lent_ones_on_return(store: MailStore) -> None:
    pool = ReaderPool(store.path, keep=3)
    with pool.reader(), pool.reader(), pool.reader():
        pass
    lent_back = threading.Event()
    borrowed = threading.Event()

    def borrow() -> None:
        with pool.reader() as reader:
            borrowed.set()
            lent_back.wait(10)
            assert reader.uids("INBOX") == []  # still usable until it is returned

    with pool.reader():
        thread = threading.Thread(target=borrow)
        thread.start()
        assert borrowed.wait(10)
        assert pool.open_readers() == 3
        pool.close()
        assert pool.closed and pool.open_readers() == 2  # the idle one is closed; the two lent still work
    lent_back.set()
    thread.join()
    assert pool.open_readers() == 0
    with pytest.raises(StoreError), pool.reader():
        pass


def test_a_missing_store_raises_a_store_error_and_lends_nothing(tmp_path: Path) -> None:
    pool = ReaderPool(tmp_path / "nowhere.sqlite3")
    with pytest.raises(StoreError), pool.reader():
        pass
    assert pool.open_readers() == 0 and pool.opened == 0


def test_a_body_is_read_compressed_as_kept_for_a_parsing_process(store: MailStore) -> None:
    """``compressed_readable_body``: the bytes ``readable_body`` decompresses, and the same flag, from a writer or
    a reader, inside a snapshot too; None when nothing is cached."""
    whole = b"Subject: whole\r\n\r\n" + bytes(range(256)) * 4096
    parts = b"Subject: text parts\r\n\r\nOnly the words.\r\n"
    store.add_messages("INBOX", [make_summary(1), make_summary(2), make_summary(3)])
    store.store_body("INBOX", 1, whole)
    store.store_body("INBOX", 2, parts, complete=False)
    pool = ReaderPool(store.path)
    with pool.reader() as reader:
        for source in (store, reader):
            for uid, raw, complete in ((1, whole, True), (2, parts, False)):
                compressed, flag = source.compressed_readable_body("INBOX", uid)
                assert (zlib.decompress(compressed), flag) == (raw, complete) == source.readable_body("INBOX", uid)
            assert source.compressed_readable_body("INBOX", 3) is None
        with reader.snapshot():
            assert reader.compressed_readable_body("INBOX", 1) is not None
    pool.close()
