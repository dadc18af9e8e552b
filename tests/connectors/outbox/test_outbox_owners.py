"""Two processes on one Outbox: start-up recovery never touches what a living process is sending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from connectors.outbox import Outbox

ROOT = Path(__file__).resolve().parents[3]


def _queue(outbox: Outbox, subject: str) -> str:
    return outbox.enqueue(account_id="acct", raw=b"Subject: " + subject.encode() + b"\r\n\r\nbody\r\n",
                          message_id=f"<{subject}@example.test>", sender="alice@example.test",
                          recipients=["bob@example.test"], subject=subject).id


def _sender_process(path: Path, entry_id: str) -> subprocess.Popen[str]:
    """Another process that claims ``entry_id`` (as the send worker does before DATA) and then stays busy."""
    script = textwrap.dedent(f"""
        import sys
        from connectors.outbox import Outbox
        outbox = Outbox({str(path)!r})
        assert outbox.claim({entry_id!r}) is not None
        print("sending", flush=True)
        sys.stdin.read()  # mid-transaction until the test ends it
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    assert child.stdout is not None and child.stdout.readline().strip() == "sending"
    return child


def test_a_second_process_leaves_the_first_ones_sends_alone_until_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "Local Folders" / "outbox.sqlite3"
    with Outbox(path) as setup:
        entry_id = _queue(setup, "in-flight")
        waiting_id = _queue(setup, "waiting")
    child = _sender_process(path, entry_id)
    try:
        second = Outbox(path)
        try:
            assert second.recover_interrupted() == []
            assert second.get(entry_id).state == "sending", "the first process is still sending it"
            assert second.claim(entry_id) is None
            assert second.get(waiting_id).state == "queued"

            os.kill(child.pid, signal.SIGKILL)  # the first process dies mid-send
            child.wait(10)
            assert second.recover_interrupted() == [entry_id]
            assert second.get(entry_id).state == "unconfirmed", "it may have gone: Sent is checked first"
        finally:
            second.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_clean_close_hands_interrupted_sends_to_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    first = Outbox(path)
    entry_id = _queue(first, "cut")
    assert first.claim(entry_id) is not None
    first.close()  # quit while the transaction was cut: the entry stays "sending" under a token nobody holds
    assert not any((path.parent / "outbox-locks").iterdir())
    with Outbox(path) as again:
        assert again.recover_interrupted() == [entry_id]


def test_an_outbox_file_from_before_owners_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "outbox.sqlite3"
    with Outbox(path) as first:
        entry_id = _queue(first, "old")
        first.claim(entry_id)
    with sqlite3.connect(path) as conn:  # the file as the previous version wrote it
        conn.execute("ALTER TABLE outbox DROP COLUMN owner")
    with Outbox(path) as again:
        assert again.recover_interrupted() == [entry_id]
        assert again.get(entry_id).state == "unconfirmed"
