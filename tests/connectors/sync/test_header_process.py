"""A header sync's rows made by a child process (``connectors.sync.header_process``) are the rows the engine's own
thread makes, from the same bytes, whatever comes: the reader is compared with ``read_fetch_answer`` +
``row_from_fetch`` on FETCH answers of generated and odd mail (the corpus of ``test_header_rows``), cut into chunks
of every size, with other untagged responses, a UID answered twice, the tagged completion quoted inside a literal,
refusals, IMAPClient's parse errors, overlong lines and a link cut anywhere; a child that dies mid-answer makes that
FETCH fail like a broken link and is not used again. Then whole first syncs through the real Dovecot: the store
ends as the in-process sync leaves it, also when the link breaks during FETCH answers, and no child outlives a sync.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.messaging.fetch_stream import read_fetch_answer
from connectors.store import MailStore
from connectors.sync import SyncEngine
from connectors.sync import engine as engine_module
from connectors.sync.header_process import MADE, HeaderRowsProcess
from connectors.sync.summaries import row_from_fetch
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to
from tests.connectors.sync.test_header_rows import KEY, corpus
from tests.connectors.test_fetch_stream import TAG, _Offline
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

FOLDER_ID = 7


@pytest.fixture(scope="module")
def process() -> Iterator[HeaderRowsProcess]:
    rows = HeaderRowsProcess(timeout_s=30)
    rows.start()
    try:
        assert rows.ready(30)
        yield rows
    finally:
        rows.close()


def _atom_list(values: Any) -> bytes:
    words = []
    for value in values:
        word = value if isinstance(value, bytes) else value.encode()
        words.append(word if word and b" " not in word else b'"' + word + b'"')
    return b"(" + b" ".join(words) + b")"


def _response(seq: int, uid: int, data: dict[bytes, Any]) -> bytes:
    """One FETCH response carrying ``data`` as a server would write it (the header section as a literal)."""
    items = [b"UID %d" % uid, b"FLAGS " + _atom_list(data[b"FLAGS"])]
    if data.get(b"RFC822.SIZE") is not None:
        items.append(b"RFC822.SIZE %d" % data[b"RFC822.SIZE"])
    internal = data.get(b"INTERNALDATE")
    if isinstance(internal, dt.datetime):
        items.append(b'INTERNALDATE "' + internal.strftime("%d-%b-%Y %H:%M:%S +0000").encode() + b'"')
    for name in (b"X-GM-THRID", b"X-GM-MSGID"):
        if name in data:
            items.append(name + b" %d" % data[name])
    if b"X-GM-LABELS" in data:
        items.append(b"X-GM-LABELS " + _atom_list(data[b"X-GM-LABELS"]))
    section = next(key for key in data if key.startswith(b"BODY["))
    literal = section + b" {%d}\r\n" % len(data[section]) + data[section]
    items.insert(uid % 3, literal)  # first, second or third: the fast parser's usual shape, and others
    return b"* %d FETCH (" % seq + b" ".join(items) + b")\r\n"


def _answer(responses: list[bytes], completion: bytes = TAG + b" OK Fetch completed.\r\n") -> bytes:
    return b"".join(responses) + completion


def _corpus_responses() -> list[bytes]:
    return [_response(seq, uid, data) for seq, (uid, data) in enumerate(corpus(), 1)]


def _outcome(read: Callable[..., Any], answers: list[bytes], buffer_size: int) -> tuple[Any, ...]:
    """What reading ``answers`` (one FETCH command each, as one ``IMAPConnector.fetch``) gives: per answer the
    completion or the error, then the rows of everything received, in order, and what is left unread."""
    into: dict[int, dict[bytes, Any]] = {}
    results: list[Any] = []
    imap = None
    for index, answer in enumerate(answers):
        imap = _Offline(answer, buffer_size)
        try:
            typ, data, parse_error = read(imap, TAG, into, True, index == 0)
        except imaplib.IMAP4.error as exc:
            results.append((type(exc).__name__, str(exc)))
            break
        results.append((typ, data, type(parse_error).__name__, str(parse_error), imap.file.read(),
                        sorted((k, [bytes(v) if isinstance(v, bytes) else v for v in vs])
                               for k, vs in imap.untagged_responses.items())))
    rows = [(uid, data.get(b"SEQ"), data[MADE] if MADE in data else row_from_fetch(FOLDER_ID, uid, data))
            for uid, data in into.items()]
    return results, rows


def _in_process(imap: Any, tag: bytes, into: Any, normalise_times: bool, first: bool) -> Any:
    return read_fetch_answer(imap, tag, into, normalise_times)


def _compare(process: HeaderRowsProcess, answers: list[bytes], buffer_sizes: tuple[int, ...] = (8192,)) -> Any:
    expected = _outcome(_in_process, answers, 8192)
    for size in buffer_sizes:
        reader = process.reader(FOLDER_ID)
        assert reader is not None
        assert _outcome(reader, answers, size) == expected, f"buffer of {size} bytes"
    return expected


def test_rows_of_generated_and_odd_mail_equal_the_rows_made_in_process(process: HeaderRowsProcess) -> None:
    responses = _corpus_responses()
    results, rows = _compare(process, [_answer(responses)], (8192, 61, 5))
    assert results[0][0] == "OK" and len(rows) == len(corpus())
    # Each odd message alone too: one that IMAPClient refuses must not hide the others' rows.
    for response in responses[-40:]:
        _compare(process, [_answer([response]) + b"* 9 EXISTS\r\n"])


def test_untagged_responses_a_uid_twice_and_the_tag_inside_a_literal(process: HeaderRowsProcess) -> None:
    uid, data = corpus()[3]
    trap = b"Subject: the next line quotes the completion\r\n\r\n" + TAG + b" OK Fetch completed.\r\n"
    quoting = {**data, KEY: trap}
    responses = [
        b"* 40 EXISTS\r\n",
        _response(1, uid, data),
        b"* OK [ALERT] maintenance tonight\r\n",
        _response(2, uid + 1000, quoting),
        b"* 1 FETCH (UID %d FLAGS (\\Seen \\Flagged))\r\n" % uid,  # the same UID again: merged, its row made anew
        b"* 3 RECENT\r\n",
    ]
    results, rows = _compare(process, [_answer(responses) + b"* 41 EXISTS\r\n"], (8192, 7, 1))
    assert [row[0] for row in rows] == [uid, uid + 1000]
    assert rows[0][2] == row_from_fetch(FOLDER_ID, uid, {**data, b"FLAGS": (b"\\Seen", b"\\Flagged")})
    assert results[0][4] == b"* 41 EXISTS\r\n"  # nothing past the completion was read
    assert ("EXISTS", [b"40"]) in results[0][5] and ("OK", [b"[ALERT] maintenance tonight"]) in results[0][5]


def test_the_commands_of_one_fetch_merge_as_in_process(process: HeaderRowsProcess) -> None:
    (uid1, data1), (uid2, data2) = corpus()[10], corpus()[11]
    first = _answer([_response(1, uid1, data1), _response(2, uid2, data2)])
    second = _answer([b"* 2 FETCH (UID %d FLAGS (\\Answered))\r\n" % uid2, _response(3, uid2 + 5, data1)])
    results, rows = _compare(process, [first, second])
    assert [row[0] for row in rows] == [uid1, uid2, uid2 + 5] and rows[1][2][0][9] == row_from_fetch(
        FOLDER_ID, uid2, data2)[0][9]


def test_refusals_parse_errors_long_lines_and_bye(process: HeaderRowsProcess, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    uid, data = corpus()[0]
    good = _response(1, uid, data)
    assert _compare(process, [_answer([good], TAG + b" NO [SERVERBUG] sorry\r\n")])[0][0][0] == "NO"
    assert _compare(process, [_answer([good], TAG + b" BAD what\r\n")])[0][0][0] == "BAD"
    parsed = _compare(process, [_answer([good, b"* 2 FETCH (UID 9 FLAGS (\\Seen) BODYSTRUCTURE (\"x\"\r\n"])])
    assert parsed[0][0][2] != "NoneType"  # IMAPClient's error, for the caller to raise after the completion
    assert _compare(process, [_answer([good, b"* BYE going away\r\n"])])[0][0][0] == "abort"
    assert _compare(process, [_answer([good, b"garbage\r\n"])])[0][0][0] == "abort"
    monkeypatch.setattr(imaplib, "_MAXLINE", 2000)
    long_line = b"* 2 FETCH (UID 9 FLAGS (" + b"\\Seen " * 1000 + b"))\r\n"
    assert _compare(process, [_answer([good, long_line])])[0][0] == ("error", "got more than 2000 bytes")
    assert _compare(process, [_answer([good])])[0][0][0] == "OK"  # the child goes on after those


def test_a_link_cut_anywhere_keeps_the_answers_received_whole(process: HeaderRowsProcess) -> None:
    answer = _answer(_corpus_responses()[:60])
    for cut in (0, 1, 100, 1000, 5000, len(answer) // 2, len(answer) - 3):
        results, rows = _compare(process, [answer[:cut]], (8192, 300))
        assert results == [("abort", "socket error: EOF")]
        assert (cut < 1000 or rows) and (cut < len(answer) - 30 or len(rows) == 60)


def test_a_child_that_dies_fails_the_fetch_like_a_broken_link_and_is_not_used_again() -> None:
    rows = HeaderRowsProcess(timeout_s=30)
    rows.start()
    try:
        assert rows.ready(30)
        reader = rows.reader(FOLDER_ID)
        assert reader is not None and rows.pid is not None
        os.kill(rows.pid, 9)
        imap = _Offline(_answer(_corpus_responses()[:50]))
        with pytest.raises(imaplib.IMAP4.abort, match="process making header rows"):
            reader(imap, TAG, {}, True, True)
        assert rows.reader(FOLDER_ID) is None and rows.pid is None
        rows.start()  # given up for good: the rows are made in the sync's thread
        assert rows.pid is None
    finally:
        rows.close()


# -- whole syncs through the real Dovecot ------------------------------------------------------------------------

BOX = "Child"
COUNT = 1300


def _messages(count: int) -> list[bytes]:
    return [make_message(f"{'Re: ' if i % 3 else ''}Topic {i // 3}", sender=f"person{i % 7}@example.test",
                         body=f"Body {i}",
                         date=f"Tue, 24 Nov 2026 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000"
                         if i % 50 else None)  # some undated: their INTERNALDATE is fetched afterwards
            for i in range(count)]


def _dump(store: MailStore) -> tuple[Any, ...]:
    conn: sqlite3.Connection = store._conn  # noqa: SLF001 - the rows themselves are what is compared
    folder = store.folder(BOX)
    assert folder is not None
    return (
        conn.execute("SELECT * FROM messages ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM threads ORDER BY folder_id, thread_key").fetchall(),
        (folder.total, folder.unread, folder.uidnext, folder.uidvalidity),
        [s.uid for s in store.search("topic", limit=2000)],
    )


def _sync(path: Path, connect: Callable[[], Any], in_child: bool, monkeypatch: pytest.MonkeyPatch,
          used: list[int]) -> tuple[Any, ...]:
    """A first sync of BOX into a fresh store; ``used`` gets the child's pid for each answer it read."""
    original_start, original_read = HeaderRowsProcess.start, HeaderRowsProcess._read_answer  # noqa: SLF001
    started: list[HeaderRowsProcess] = []

    def start(self: HeaderRowsProcess) -> None:
        original_start(self)
        started.append(self)
        assert self.ready(30)  # every batch through the child (a sync would not wait: it makes rows meanwhile)

    def read_answer(self: HeaderRowsProcess, *args: Any) -> Any:
        used.append(self.pid or 0)
        return original_read(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(engine_module, "CHILD_OVER", 0)
        patch.setattr(HeaderRowsProcess, "start", start)
        patch.setattr(HeaderRowsProcess, "_read_answer", read_answer)
        with MailStore(path) as store:
            engine = SyncEngine(store, connect, header_batch=200, rows_in_child=in_child)
            try:
                engine.sync_folder_list()
                assert engine.sync_folder(BOX).added == COUNT
            finally:
                engine.close()
            assert all(rows.pid is None for rows in started)  # ended with the sync
            return _dump(store)


def test_a_first_sync_with_the_child_stores_what_one_without_it_stores(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.seed(ALICE, BOX, _messages(COUNT))
    used: list[int] = []
    plain = _sync(tmp_path / "plain.sqlite3", connector_to(imap_config), False, monkeypatch, used)
    assert used == []
    with_child = _sync(tmp_path / "child.sqlite3", connector_to(imap_config), True, monkeypatch, used)
    assert len(used) >= (COUNT - 500) // 200  # the batches after the newest 500 (which never wait for it)
    for pid in set(used):  # no child left behind
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert with_child == plain


def test_a_link_cut_during_the_childs_answers_keeps_what_came_and_completes(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.seed(ALICE, BOX, _messages(COUNT))
    used: list[int] = []
    plain = _sync(tmp_path / "plain.sqlite3", connector_to(imap_config), False, monkeypatch, used)
    with FaultyProxy(dovecot.imaps_port) as proxy:
        proxy.cut_after_bytes = 150_000  # a few batches' answers on each connection
        with_child = _sync(tmp_path / "child.sqlite3", connector_to(imap_config, proxy.port), True, monkeypatch,
                           used)
        assert proxy.connections > 2
    assert used
    assert with_child == plain


def test_the_engine_makes_rows_in_a_child_by_default_only_with_cpus_to_spare(
        store: MailStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def never() -> Any:
        raise AssertionError("no connection needed")

    for cpus, expected in ((1, False), (2, False), (engine_module.CHILD_CPUS, True), (16, True)):
        monkeypatch.setattr(engine_module, "_usable_cpus", lambda cpus=cpus: cpus)
        assert SyncEngine(store, never)._rows_in_child is expected  # noqa: SLF001
        assert SyncEngine(store, never, rows_in_child=not expected)._rows_in_child is not expected  # noqa: SLF001
