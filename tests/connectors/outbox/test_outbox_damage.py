"""A damaged Outbox or drafts file (truncated, garbage, another layout, read-only, locked) is found at open, kept
aside (never deleted), replaced by a fresh file, and what it held is salvaged: entries come back to be checked by
the person (never sent by themselves), message bytes without an entry are kept as .eml files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from connectors.outbox import (
    Draft,
    DraftAttachment,
    DraftStore,
    LocalFileUnusableError,
    Outbox,
    OutboxEntry,
    open_drafts,
    open_outbox,
)
from connectors.outbox.salvage import RECOVERED, RECOVERED_INTERRUPTED
from tests.conftest import ALICE, BOB, make_message
from tests.connectors.outbox.fake_clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
PAGE = 4096


def _fill(path: Path, clock: FakeClock, count: int = 24) -> dict[str, OutboxEntry]:
    """An Outbox with entries in every state, each message ~12 kB (several pages), closed (WAL folded in)."""
    entries: dict[str, OutboxEntry] = {}
    with Outbox(path, clock=clock) as outbox:
        for number in range(count):
            raw = make_message(f"Outgoing {number}", to=BOB, body=f"{number} " * 3000)
            entry = outbox.enqueue(account_id=ALICE, raw=raw, message_id=f"<out-{number}@example.test>",
                                   sender=ALICE, recipients=[BOB, f"bcc{number}@example.test"],
                                   subject=f"Outgoing {number}", delay=3600 if number % 4 == 1 else 0)
            if number % 4 == 2:
                outbox.claim(entry.id)  # the app died while this one was being sent
            elif number % 4 == 3:
                outbox.claim(entry.id)
                outbox.mark_sent(entry.id)  # sent; its copy to Sent still to be filed
            entries[entry.id] = outbox.get(entry.id)  # type: ignore[assignment]
    return entries


def _check_recovered(outbox: Outbox, originals: dict[str, OutboxEntry]) -> list[OutboxEntry]:
    """Every entry that came back is one of the originals, whole, and none will be sent without the person."""
    back = outbox.entries()
    for entry in back:
        original = originals[entry.id]
        assert (entry.raw, entry.recipients, entry.sender, entry.subject, entry.message_id) == (
            original.raw, original.recipients, original.sender, original.subject, original.message_id)
        if original.state == "sent":
            assert (entry.state, entry.copy_state) == ("sent", "pending")
        elif original.state == "sending":
            assert (entry.state, entry.error_kind, entry.last_error) == ("failed", "interrupted",
                                                                          RECOVERED_INTERRUPTED)
        else:
            assert (entry.state, entry.last_error) == ("failed", RECOVERED)
    assert outbox.due(now=outbox.clock() + 10**9) == [], "nothing salvaged is sent by itself"
    assert outbox.unconfirmed() == []
    return back


def _usable(outbox: Outbox) -> None:
    entry = outbox.enqueue(account_id=ALICE, raw=make_message("After"), message_id="<after@x>", sender=ALICE,
                           recipients=[BOB])
    assert outbox.get(entry.id) is not None


def test_garbage_is_kept_aside_and_a_fresh_outbox_opens(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    path.write_bytes(b"\x00\xffnot SQLite at all\n" * 1000)
    with pytest.raises(LocalFileUnusableError):
        Outbox(path)
    opened = open_outbox(path, clock=clock)
    salvaged = opened.salvaged
    assert salvaged is not None and salvaged.recovered == 0 and salvaged.incomplete
    assert salvaged.moved_aside.read_bytes() == b"\x00\xffnot SQLite at all\n" * 1000, "kept as it was"
    assert salvaged.moved_aside.parent == tmp_path and salvaged.moved_aside.name.startswith("outbox.sqlite3.damaged-")
    _usable(opened.outbox)
    opened.outbox.close()
    again = open_outbox(path, clock=clock)
    assert again.salvaged is None, "the fresh file is sound"
    again.outbox.close()


def test_a_truncated_outbox_gives_back_what_it_still_holds(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    originals = _fill(path, clock)
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2 // PAGE * PAGE)
    opened = open_outbox(path, clock=clock)
    salvaged = opened.salvaged
    assert salvaged is not None and "malformed" in salvaged.reason
    back = _check_recovered(opened.outbox, originals)
    assert salvaged.recovered == len(back) and salvaged.incomplete
    # SQLite will not open a file shorter than its header says: the salvage reads a copy that says the truth.
    assert 0 < len(back) + len(salvaged.saved_files) < len(originals)
    for file in salvaged.saved_files:  # bytes whose entry was lost are kept whole, as files
        assert file.read_bytes() in {e.raw for e in originals.values()}
        assert file.stat().st_mode & 0o777 == 0o600
    _usable(opened.outbox)
    opened.outbox.close()


def test_overwritten_pages_lose_only_what_was_on_them(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    originals = _fill(path, clock)
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as file:
        file.seek(pages // 2 * PAGE)
        file.write(b"\xa5" * PAGE * 2)
    opened = open_outbox(path, clock=clock)
    assert opened.salvaged is not None
    back = _check_recovered(opened.outbox, originals)
    assert len(back) + len(opened.salvaged.saved_files) >= len(originals) // 2
    opened.outbox.close()


def test_another_layout_is_kept_aside_and_its_messages_come_back(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    raws = [make_message(f"Old layout {n}", to=f"{BOB}, carol@example.test") for n in range(3)]
    with sqlite3.connect(path) as conn:  # an older or foreign file: an outbox table, but not this one
        conn.execute("CREATE TABLE outbox (id TEXT PRIMARY KEY, account_id TEXT, raw BLOB, state TEXT)")
        conn.executemany("INSERT INTO outbox VALUES (?, ?, ?, 'queued')",
                         [(f"old{n}", ALICE, raw) for n, raw in enumerate(raws)])
        conn.execute("INSERT INTO outbox VALUES ('nobody', NULL, ?, 'queued')", (make_message("No account"),))
    opened = open_outbox(path, clock=clock)
    salvaged = opened.salvaged
    assert salvaged is not None and "layout" in salvaged.reason
    back = opened.outbox.entries()
    assert sorted(e.subject for e in back) == ["Old layout 0", "Old layout 1", "Old layout 2"]
    assert {e.recipients for e in back} == {(BOB, "carol@example.test")}, "the envelope from the headers"
    assert all(e.state == "failed" and e.last_error == RECOVERED for e in back)
    (kept_file,) = salvaged.saved_files  # no account to send it from: kept as a file
    assert kept_file.read_bytes() == make_message("No account")
    opened.outbox.close()


def test_another_programs_database_is_not_written_into(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.test')")
    opened = open_outbox(path, clock=clock)
    assert opened.salvaged is not None and "moz_places" in opened.salvaged.reason
    with sqlite3.connect(opened.salvaged.moved_aside) as conn:
        assert [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == [
            "moz_places"], "left as it was"
    opened.outbox.close()


def test_a_locked_outbox_is_read_through_the_lock(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "outbox.sqlite3"
    originals = _fill(path, clock, count=8)
    holder = sqlite3.connect(path, isolation_level=None)
    try:  # another program holds the file for itself
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE outbox SET subject = subject")
        opened = open_outbox(path, clock=clock, busy_timeout=0.2)
        assert opened.salvaged is not None and "locked" in opened.salvaged.reason
        back = _check_recovered(opened.outbox, originals)
        assert len(back) == len(originals), "every message read through the lock"
        _usable(opened.outbox)
        opened.outbox.close()
    finally:
        holder.close()


def test_a_read_only_outbox_is_copied_into_a_fresh_one(tmp_path: Path, clock: FakeClock) -> None:
    """The file is not ours to write (left by a Facteur run as root, say): it is kept and its messages come back.
    As root, the check runs as nobody, since root may write any file."""
    # As root the folder must be one nobody can reach: pytest's own folders are private.
    base = Path(tempfile.mkdtemp(prefix="facteur-readonly-")) if os.geteuid() == 0 else tmp_path
    folder = base / "Local Folders"
    folder.mkdir()
    path = folder / "outbox.sqlite3"
    originals = _fill(path, clock, count=8)
    os.chmod(path, 0o444)
    script = textwrap.dedent(f"""
        import json, os
        from connectors.outbox import open_outbox  # imported first: nobody may not read this Python's files
        if os.geteuid() == 0:
            os.setgid(65534)
            os.setuid(65534)
        opened = open_outbox({str(path)!r})
        salvaged = opened.salvaged
        print(json.dumps({{"reason": salvaged.reason, "aside": str(salvaged.moved_aside),
                          "ids": sorted(e.id for e in opened.outbox.entries()),
                          "due": len(opened.outbox.due(now=10**12))}}))
    """)
    if os.geteuid() == 0:  # the folder is nobody's; only the database file is not
        os.chmod(base, 0o755)
        for item in [folder, *folder.rglob("*")]:
            if item != path:
                os.chown(item, 65534, 65534)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60, check=False)
    finally:
        if base != tmp_path:
            shutil.rmtree(base)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "outbox.sqlite3" in report["reason"]
    assert report["ids"] == sorted(originals) and report["due"] == 0
    assert Path(report["aside"]).name.startswith("outbox.sqlite3.damaged-"), "the old file is kept"


def test_a_damaged_drafts_file_gives_its_drafts_back_as_saved_drafts(tmp_path: Path) -> None:
    path = tmp_path / "drafts.sqlite3"
    with DraftStore(path) as drafts:
        digest = drafts.put_blob(b"attached bytes")
        drafts.save(Draft(id="d1", account_id=ALICE, subject="Being written", text="words",
                          attachments=(DraftAttachment("a.txt", "text/plain", digest, 14),)))
        drafts.save(Draft(id="d2", account_id=ALICE, subject="Kept"), state="saved")
    with sqlite3.connect(path) as conn:  # an unknown table makes it a file Facteur must not write into
        conn.execute("CREATE TABLE intruder (x)")
    opened = open_drafts(path)
    assert opened.salvaged is not None and opened.salvaged.recovered == 2
    drafts = opened.drafts
    assert sorted(d.subject for d in drafts.drafts(state="saved")) == ["Being written", "Kept"]
    (attachment,) = drafts.get("d1").attachments  # type: ignore[union-attr]
    assert drafts.blob(attachment.sha256) == b"attached bytes"
    drafts.close()
