"""One writer thread, reader threads with their own connections: readers go on while the writer commits.

How long a reader waits during a big commit is measured by bench/timings (a wall-clock limit here would fail on
a loaded machine).
"""

from __future__ import annotations

import threading

from sample_mail import make_summary, realistic_summaries

from connectors.store import MailStore, StoreError


def test_a_reader_thread_keeps_reading_while_the_writer_commits_a_big_batch(store: MailStore) -> None:
    batch = list(realistic_summaries(30_000, seed=5))
    store.add_messages("INBOX", batch[:1000])
    write_started = threading.Event()
    write_done = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            write_started.set()
            store.add_messages("INBOX", batch[1000:])
        except BaseException as error:
            errors.append(error)
        finally:
            write_done.set()

    writer = threading.Thread(target=write)
    counts: list[int] = []
    with store.open_reader() as reader:
        writer.start()
        write_started.wait()
        while not write_done.is_set():
            counts.append(reader.count("INBOX"))
            window = reader.summaries("INBOX", limit=50)
            assert len(window) == 50
        writer.join()
        assert reader.count("INBOX") == 30_000
    assert errors == []
    assert set(counts) <= {1000, 30_000}  # readers see whole commits only
    assert counts.count(1000) >= 1  # the reader really ran during the write


def test_a_store_created_in_one_thread_can_be_written_from_another(store: MailStore) -> None:
    errors: list[BaseException] = []

    def write() -> None:
        try:
            store.update_folder_state("INBOX", uidnext=10)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == []
    assert store.folder("INBOX").uidnext == 10  # type: ignore[union-attr]


def test_a_reader_belongs_to_the_thread_that_opened_it(store: MailStore) -> None:
    reader = store.open_reader()
    outcome: list[BaseException] = []

    def use() -> None:
        try:
            reader.count("INBOX")
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    reader.close()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreError)


def test_each_thread_opens_its_own_reader(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 201)])
    results: list[int] = []
    lock = threading.Lock()

    def read() -> None:
        with store.open_reader() as reader:
            for _ in range(20):
                value = len(reader.summaries("INBOX", limit=500))
                with lock:
                    results.append(value)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 80


def test_snapshot_pins_the_state_at_its_start(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1)])
    with store.open_reader() as reader:
        with reader.snapshot():
            store.add_messages("INBOX", [make_summary(2)])
            assert reader.count("INBOX") == 1
            assert reader.uids("INBOX") == [1]
        assert reader.count("INBOX") == 2
