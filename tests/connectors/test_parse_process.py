"""Parsing in child processes: the same answers as parsing in place, and a hostile message (slow, deep, a child
that dies) costs that message a clear error, never the app, and never the next message."""

from __future__ import annotations

import os
import pickle
import threading
import zlib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from connectors.messaging.mime import parse_message
from connectors.messaging.parse_process import MessageParser, ParseFailed, ParseResult, _load_answer
from connectors.messaging.reading import reading_view
from connectors.store.bodytext import body_text


def _until(condition: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """Wait for ``condition`` (checked every 5 ms), at most ``timeout_s``."""
    waiting = threading.Event()
    for _ in range(int(timeout_s / 0.005)):
        if condition():
            return True
        waiting.wait(0.005)
    return condition()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def parser() -> Iterator[MessageParser]:
    parsing = MessageParser(processes=2)
    yield parsing
    pids = parsing.pids
    parsing.close()
    assert all(_gone(pid) for pid in pids)


def _rich_message() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Zoé <zoe@example.test>", "bob@example.test", "Café et plans"
    msg["Date"] = "Tue, 24 Nov 2026 10:00:00 +0100"
    msg.set_content("Les plans du phare, en pièce jointe.")
    msg.add_alternative('<p>Les <b>plans</b> du phare <img src="cid:logo@x"></p>', subtype="html")
    msg.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\n" + bytes(200), "image", "png", cid="<logo@x>")
    msg.add_attachment(os.urandom(50_000), maintype="application", subtype="octet-stream", filename="../plans.bin")
    return msg.as_bytes(policy=SMTP)


def _many_parts(count: int) -> bytes:
    """A message the email package takes seconds to parse (20,000 parts: about 2 s in place)."""
    parts = b"".join(b"--x\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % n for n in range(count))
    return (b'From: a@example.test\r\nSubject: many\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; '
            b'boundary="x"\r\n\r\n' + parts + b"--x--\r\n")


def _nested(depth: int) -> bytes:
    head = b"From: a@example.test\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    opening = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
                       for n in range(depth))
    closing = b"".join(b"--b%d--\r\n" % n for n in reversed(range(depth)))
    return head + opening + b"Content-Type: text/plain\r\n\r\nat the bottom\r\n" + closing


PLAIN = b"From: a@example.test\r\nSubject: plain\r\n\r\nJust words about lighthouses.\r\n"


@pytest.mark.parametrize("raw", [PLAIN, _rich_message(), _nested(60), b"\x00\xff not even a header\r\n", b""])
@pytest.mark.parametrize("partial", [False, True])
def test_the_answers_are_those_of_parsing_in_place(parser: MessageParser, raw: bytes, partial: bool) -> None:
    result = parser.parse(raw, partial=partial, with_text=True)
    assert result.message == parse_message(raw, partial=partial)
    assert result.text == body_text(raw)
    assert parser.parse(raw, partial=partial).text is None


def test_attachment_names_stay_sanitised_and_inline_images_arrive(parser: MessageParser) -> None:
    message = parser.parse(_rich_message()).message
    names = {part.filename for part in message.attachments}
    assert "plans.bin" in names and not any("/" in name or ".." in name for name in names)
    assert any(part.content_id and part.data.startswith(b"\x89PNG") for part in message.attachments)
    assert message.html_body is not None and "cid:logo@x" in message.html_body
    assert message.datetime is not None and message.datetime.utcoffset() is not None


def _with_attachments(*sizes: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "zoe@example.test", "bob@example.test", "Files"
    msg.set_content("See the files.")
    msg.add_alternative('<p>See <img src="http://tracker.evil.test/p.gif"> the files.<script>x()</script></p>'
                        '<img src="cid:logo@x">', subtype="html")
    msg.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\n" + bytes(300_000), "image", "png", cid="<logo@x>")
    for n, size in enumerate(sizes):
        msg.add_attachment(os.urandom(size), maintype="application", subtype="octet-stream", filename=f"f{n}.bin")
    return msg.as_bytes(policy=SMTP)


@pytest.mark.parametrize("compressed", [False, True])
def test_a_message_for_reading_comes_sanitised_without_its_texts_or_large_attachments(
        parser: MessageParser, compressed: bool) -> None:
    raw = _with_attachments(600_000, 300_000, 700_000)
    sent = zlib.compress(raw, 1) if compressed else raw
    result = parser.parse(sent, compressed=compressed, for_reading=True, with_text=True)
    whole = parse_message(raw)
    assert result.text == body_text(raw)
    reading = result.reading
    assert reading is not None
    expected = reading_view(whole)
    assert (reading.html, reading.remote_html, reading.remote_count, reading.plain_html) == (
        expected.html, expected.remote_html, expected.remote_count, expected.plain_html)
    assert reading.html is not None and "<script" not in reading.html and "evil.test" not in reading.html
    assert reading.remote_count == 1 and "data:image/png;base64," in reading.html  # the inline image, in place
    # The texts it was made from stay in the child; the headers come.
    assert result.message.body == "" and result.message.html_body is None
    assert result.message.subject == "Files" and result.message.sender == "zoe@example.test"
    # Listed: the three files, not the inline image; their bytes up to 1 MiB in all, in order.
    assert [part.filename for part in reading.attachments] == ["f0.bin", "f1.bin", "f2.bin"]
    first, second, third = reading.attachments
    originals = [part for part in whole.attachments if part.filename.startswith("f")]
    assert first.downloaded and first.data == originals[0].data
    assert second.downloaded and second.data == originals[1].data
    assert not third.downloaded and third.data == b"" and third.size == 700_000
    assert result.message.attachments == reading.attachments


def test_a_message_for_reading_brings_every_byte_when_asked(parser: MessageParser) -> None:
    raw = _with_attachments(3_000_000, 10)  # a 3 MB answer crosses the pipe several times over
    reading = parser.parse(zlib.compress(raw), compressed=True, for_reading=True, kept_bytes=None).reading
    whole = parse_message(raw)
    assert reading is not None
    assert [(part.filename, part.data) for part in reading.attachments] == [
        (part.filename, part.data) for part in whole.attachments if part.filename.startswith("f")]
    assert all(part.downloaded for part in reading.attachments)
    assert parser.parse(PLAIN, for_reading=True).reading.plain_html is not None  # the child goes on


def test_a_plain_message_for_reading_comes_as_escaped_html(parser: MessageParser) -> None:
    raw = (b"From: a@example.test\r\nSubject: plain\r\n\r\n<b>not bold</b> see https://example.test/x\r\n"
           b"> quoted\r\n")
    reading = parser.parse(raw, for_reading=True).reading
    assert reading is not None and reading.html is None
    assert reading.plain_html == reading_view(parse_message(raw)).plain_html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in reading.plain_html and 'href="https://example.test/x"' in reading.plain_html


def test_a_message_slower_than_the_limit_fails_alone(parser: MessageParser) -> None:
    assert parser.parse(PLAIN).message.subject == "plain"  # a child running
    [first] = parser.pids
    with pytest.raises(ParseFailed, match="longer than"):
        parser.parse(_many_parts(20_000), timeout_s=0.2)
    assert _gone(first) and parser.pids == []  # killed, not left parsing
    assert parser.parse(PLAIN).message.body.strip() == "Just words about lighthouses."


def test_deep_nesting_is_read_or_refused_and_the_next_message_opens(parser: MessageParser) -> None:
    try:
        message = parser.parse(_nested(3000)).message
    except ParseFailed:
        pass
    else:
        assert message.too_deep and "at the bottom" in message.body
    assert parser.parse(PLAIN).message.subject == "plain"


def _parse_slowly_in_a_thread(parser: MessageParser) -> tuple[threading.Thread, list[BaseException]]:
    """A message that takes a child about 2 s to parse, parsed in a thread: (the thread, the ParseFailed it got)."""
    outcome: list[BaseException] = []

    def parse_slow() -> None:
        try:
            parser.parse(_many_parts(20_000))
        except ParseFailed as exc:
            outcome.append(exc)

    thread = threading.Thread(target=parse_slow)
    thread.start()
    return thread, outcome


def test_a_child_that_dies_while_parsing_fails_that_message_only(parser: MessageParser) -> None:
    thread, outcome = _parse_slowly_in_a_thread(parser)
    assert _until(lambda: len(parser.busy_pids) == 1)  # a new child has the slow message (2 s of parsing)
    [child] = parser.busy_pids
    os.kill(child, 9)  # as a crash would end it
    thread.join(60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and "stopped" in str(outcome[0])
    assert parser.parse(PLAIN).message.subject == "plain" and child not in parser.pids


def test_a_child_that_died_while_idle_is_replaced_unnoticed(parser: MessageParser) -> None:
    parser.parse(PLAIN)
    [child] = parser.pids
    os.kill(child, 9)
    assert parser.parse(PLAIN).message.subject == "plain"
    assert child not in parser.pids


def test_parses_at_once_share_at_most_the_allowed_children(parser: MessageParser) -> None:
    messages = [PLAIN, _rich_message(), _nested(40), PLAIN, _rich_message(), PLAIN]
    results: dict[int, str] = {}

    def parse(n: int) -> None:
        results[n] = parser.parse(messages[n]).message.subject

    threads = [threading.Thread(target=parse, args=(n,)) for n in range(len(messages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {n: parse_message(raw).subject for n, raw in enumerate(messages)}
    assert 1 <= len(parser.pids) <= 2


def test_close_ends_every_child_and_a_later_parse_starts_another(parser: MessageParser) -> None:
    parser.parse(PLAIN)
    pids = parser.pids
    parser.close()
    assert parser.pids == [] and all(_gone(pid) for pid in pids)
    assert parser.parse(PLAIN).message.subject == "plain"


def test_an_answer_naming_anything_but_a_parse_result_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError):
        _load_answer(pickle.dumps(("ok", os.system)))
    with pytest.raises(ParseFailed):
        _load_answer(pickle.dumps(("done", 1)))
    with pytest.raises(ParseFailed, match="RecursionError"):
        _load_answer(pickle.dumps(("error", "RecursionError")))
    with pytest.raises(ParseFailed, match="malformed"):  # only a ForReading where one is expected
        _load_answer(pickle.dumps(("ok", ParseResult(parse_message(PLAIN), None, parse_message(PLAIN)))))  # type: ignore[arg-type]


def test_start_readies_a_child_ahead_of_the_first_message(parser: MessageParser) -> None:
    assert not parser.ready
    parser.start()
    assert _until(lambda: parser.ready)
    [child] = parser.pids
    parser.start()  # one waiting already: no other is started
    assert parser.parse(PLAIN).message.subject == "plain" and parser.pids == [child]


def test_close_during_a_parse_fails_it_without_starting_another_child(parser: MessageParser) -> None:
    parser.parse(PLAIN)  # the slow parse below reuses this child: a reused child's death is otherwise retried
    thread, outcome = _parse_slowly_in_a_thread(parser)
    assert _until(lambda: len(parser.busy_pids) == 1)
    [child] = parser.busy_pids
    parser.close()
    thread.join(60)
    assert not thread.is_alive() and len(outcome) == 1
    assert parser.pids == [] and _gone(child)
