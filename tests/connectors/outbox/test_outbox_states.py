"""The Outbox's state machine on its own: durable, compare-and-set, backoff, undo and recovery."""

from __future__ import annotations

from pathlib import Path

from connectors.outbox import Outbox, RetryPolicy
from tests.connectors.outbox.fake_clock import FakeClock


def _queue(outbox: Outbox, delay: float = 0.0, subject: str = "Hi") -> str:
    return outbox.enqueue(account_id="acct", raw=b"Subject: " + subject.encode() + b"\r\n\r\nbody\r\n",
                          message_id="<m1@example.test>", sender="alice@example.test",
                          recipients=["bob@example.test"], subject=subject, delay=delay,
                          compose_state={"subject": subject}).id


def test_scheduled_entry_waits_out_the_undo_delay(outbox: Outbox, clock: FakeClock) -> None:
    entry_id = _queue(outbox, delay=5)
    assert outbox.get(entry_id).state == "scheduled"
    assert outbox.due() == []
    assert outbox.next_wakeup() == clock.now + 5
    clock.advance(5)
    assert [e.id for e in outbox.due()] == [entry_id]


def test_undo_takes_back_only_what_is_not_being_sent(outbox: Outbox) -> None:
    first = _queue(outbox, delay=5)
    taken = outbox.take_back(first)
    assert taken is not None and taken.compose_state == {"subject": "Hi"}
    assert outbox.get(first) is None

    second = _queue(outbox)
    assert outbox.claim(second) is not None
    assert outbox.take_back(second) is None, "a message in the SMTP transaction cannot be undone"
    assert outbox.claim(second) is None, "and cannot be claimed twice"


def test_claim_is_refused_before_the_delay(outbox: Outbox, clock: FakeClock) -> None:
    entry_id = _queue(outbox, delay=5)
    assert outbox.claim(entry_id) is None
    assert outbox.send_now(entry_id)
    claimed = outbox.claim(entry_id)
    assert claimed is not None and claimed.state == "sending" and claimed.attempts == 1


def test_temporary_failures_back_off_exponentially_up_to_a_ceiling(outbox: Outbox, clock: FakeClock) -> None:
    entry_id = _queue(outbox)
    delays = []
    for _ in range(5):
        clock.advance(1000)
        assert outbox.claim(entry_id) is not None
        delays.append(outbox.mark_retry(entry_id, "451 try later") - clock.now)
    assert delays == [10, 20, 40, 60, 60]
    entry = outbox.get(entry_id)
    assert entry.state == "queued" and entry.last_error == "451 try later" and entry.error_kind == "temporary"


def test_a_failure_before_the_claim_counts_as_an_attempt(outbox: Outbox, clock: FakeClock) -> None:
    entry_id = _queue(outbox)
    assert outbox.mark_retry(entry_id, "Connection refused") == clock.now + 10
    assert outbox.get(entry_id).attempts == 1
    assert outbox.due() == []


def test_sent_is_final(outbox: Outbox) -> None:
    entry_id = _queue(outbox)
    outbox.claim(entry_id)
    outbox.mark_sent(entry_id)
    assert outbox.get(entry_id).state == "sent"
    outbox.mark_retry(entry_id, "late error")
    outbox.mark_failed(entry_id, "late error")
    assert outbox.get(entry_id).state == "sent", "nothing turns a sent message back into one to send"
    assert outbox.take_back(entry_id) is None
    assert outbox.send_now(entry_id) is False
    outbox.mark_copied(entry_id)
    assert outbox.get(entry_id) is None


def test_failed_entries_wait_for_the_person(outbox: Outbox, clock: FakeClock) -> None:
    entry_id = _queue(outbox)
    outbox.claim(entry_id)
    outbox.mark_failed(entry_id, "550 5.1.1 no such user")
    clock.advance(10_000)
    assert outbox.due() == [] and outbox.next_wakeup() is None
    assert outbox.get(entry_id).last_error == "550 5.1.1 no such user"
    assert outbox.send_now(entry_id)
    assert outbox.get(entry_id).state == "queued"


def test_everything_survives_a_restart_and_interrupted_sends_are_flagged(outbox_path: Path,
                                                                         clock: FakeClock) -> None:
    first = Outbox(outbox_path, clock=clock)
    waiting = _queue(first, subject="waiting")
    interrupted = _queue(first, subject="interrupted")
    first.claim(interrupted)
    first.close()  # the process "dies" with one message mid-transaction

    again = Outbox(outbox_path, clock=clock, retry=RetryPolicy(first=1))
    try:
        assert again.recover_interrupted() == [interrupted]
        assert again.get(interrupted).state == "unconfirmed"
        assert again.claim(interrupted) is None, "an interrupted message is never simply sent again"
        assert again.get(waiting).state == "queued"
        assert again.get(waiting).raw.startswith(b"Subject: waiting")
    finally:
        again.close()


def test_listeners_hear_every_change(outbox: Outbox) -> None:
    heard: list[tuple[str, str | None]] = []
    outbox.subscribe(lambda entry_id, state: heard.append((entry_id, state)))
    entry_id = _queue(outbox)
    outbox.claim(entry_id)
    outbox.mark_sent(entry_id)
    outbox.mark_copied(entry_id)
    assert heard == [(entry_id, "queued"), (entry_id, "sending"), (entry_id, "sent"), (entry_id, None)]


def test_a_big_message_is_kept_whole_and_lists_never_read_it_nor_wait_for_a_write(outbox: Outbox) -> None:
    import os
    import threading

    raw = b"Subject: Big\r\n\r\n" + os.urandom(3 * 1024 * 1024 + 17)  # written a megabyte at a time
    entry = outbox.enqueue(account_id="acct", raw=raw, message_id="<big@example.test>", sender="a@example.test",
                           recipients=["b@example.test"], subject="Big")
    assert entry.raw == raw and outbox.get(entry.id).raw == raw
    assert [(e.subject, e.raw) for e in outbox.entries(with_raw=False)] == [("Big", b"")]
    # A writer in the middle of a transaction (another thread holds the Outbox): lists still answer at once.
    held, release = threading.Event(), threading.Event()

    def write_slowly() -> None:
        with outbox._transaction():  # noqa: SLF001
            held.set()
            release.wait(10)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    try:
        assert held.wait(10)
        assert [e.id for e in outbox.entries(with_raw=False)] == [entry.id]
    finally:
        release.set()
        writer.join(10)


def test_one_accounts_entries_can_be_left_out_and_brought_forward_alone(outbox: Outbox, clock: FakeClock) -> None:
    """What an app needs to let one account's messages wait (its keyring is locked) while the others go on."""
    waiting = outbox.enqueue(account_id="locked", raw=b"Subject: a\r\n\r\nx\r\n", message_id="<a@example.test>",
                             sender="alice@example.test", recipients=["bob@example.test"], subject="a").id
    other = outbox.enqueue(account_id="open", raw=b"Subject: b\r\n\r\nx\r\n", message_id="<b@example.test>",
                           sender="carol@example.test", recipients=["bob@example.test"], subject="b").id
    first = outbox.mark_retry(waiting, "keyring locked")
    second = outbox.mark_retry(other, "server away")
    assert first == second == clock.now + outbox.retry.delay(1)
    assert outbox.next_wakeup(excluding=["locked"]) == second
    assert outbox.next_wakeup(excluding=["locked", "open"]) is None
    assert outbox.retry_all_now(["locked"]) == [waiting]
    assert [e.id for e in outbox.due()] == [waiting], "the other account keeps its backoff"


def test_the_head_of_a_big_entry_is_read_without_its_body(outbox: Outbox) -> None:
    """Who a queued message goes to is read from its first bytes (its header block), not from all 25 MB of it."""
    from connectors.messaging.mime import header_block

    head = b"From: a@example.test\r\nTo: Bob <bob@example.test>\r\nSubject: Big\r\n\r\n"
    entry_id = outbox.enqueue(account_id="acct", raw=head + b"x" * 3_000_000, message_id="<big@example.test>",
                              sender="a@example.test", recipients=["bob@example.test"], subject="Big").id
    account, start = outbox.head(entry_id, size=4096) or ("", b"")
    assert account == "acct" and start == (head + b"x" * 3_000_000)[:4096]
    assert header_block(start) == head[:-4]
    assert outbox.head("no such entry") is None
    assert (outbox.head(entry_id, size=10**8) or ("", b""))[1] == head + b"x" * 3_000_000  # shorter than asked
    # A file from before the bytes had a table of their own keeps them in the entry's row: read from there.
    with outbox._lock:  # noqa: SLF001 - making an older file's layout
        outbox._conn.execute("UPDATE outbox SET raw = (SELECT raw FROM outbox_raw WHERE id = ?) WHERE id = ?",  # noqa: SLF001
                             (entry_id, entry_id))
        outbox._conn.execute("DELETE FROM outbox_raw WHERE id = ?", (entry_id,))  # noqa: SLF001
    assert outbox.head(entry_id, size=4096) == ("acct", (head + b"x" * 3_000_000)[:4096])
    assert header_block(b"A: 1\nB: 2\n\nbody\r\n\r\nmore") == b"A: 1\nB: 2"  # bare line feeds too
    assert header_block(b"A: 1\r\n") == b"A: 1\r\n"  # no body at all
