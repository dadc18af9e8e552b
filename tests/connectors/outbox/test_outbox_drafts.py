"""The local drafts store: round trip, attachment bytes kept once, and drafts left by a dead process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from connectors.outbox import Draft, DraftAttachment, DraftStore


def test_a_draft_comes_back_exactly(tmp_path: Path) -> None:
    with DraftStore(tmp_path / "drafts.sqlite3") as store:
        digest = store.put_blob("é".encode() * 1000)
        draft = Draft(account_id="a1", sender="Alice <alice@example.test>", to="Bob <bob@", subject="Ça va ?",
                      html="<p>Salut</p>", text="Salut", references=("<r1@x>", "<r2@x>"),
                      answered={"folder": "INBOX", "message_id": "<r2@x>"},
                      attachments=(DraftAttachment("résumé.pdf", "application/pdf", digest, 2000),))
        saved = store.save(draft)
        again = store.get(draft.id)
        assert again == saved and again.to == "Bob <bob@", "half-typed addresses are kept as typed"
        assert store.blob(digest) == "é".encode() * 1000
        assert store.orphans() == [], "our own drafts are not orphans"


def test_saving_needs_the_attachment_bytes_first(tmp_path: Path) -> None:
    with DraftStore(tmp_path / "drafts.sqlite3") as store, pytest.raises(ValueError, match="a.bin"):
        store.save(Draft(attachments=(DraftAttachment("a.bin", "application/octet-stream", "0" * 64, 1),)))


def test_deleting_a_draft_frees_bytes_no_other_draft_uses(tmp_path: Path) -> None:
    with DraftStore(tmp_path / "drafts.sqlite3") as store:
        shared, own = store.put_blob(b"shared"), store.put_blob(b"own")
        first = store.save(Draft(attachments=(DraftAttachment("s", "x/y", shared, 6), DraftAttachment("o", "x/y",
                                                                                                     own, 3))))
        store.save(Draft(attachments=(DraftAttachment("s", "x/y", shared, 6),)))
        store.delete(first.id)
        assert store.blob(shared) == b"shared" and store.blob(own) is None


def test_closed_store_releases_its_drafts_for_recovery(tmp_path: Path) -> None:
    path = tmp_path / "drafts.sqlite3"
    first = DraftStore(path)
    editing = first.save(Draft(subject="being written"))
    kept = first.save(Draft(subject="saved on purpose"), state="saved")
    second = DraftStore(path)
    assert second.orphans() == [], "a live process still owns its drafts"
    first.close()
    assert [d.id for d in second.orphans()] == [editing.id]
    assert second.adopt(editing.id).subject == "being written"
    assert second.orphans() == []
    assert [d.id for d in second.drafts(state="saved")] == [kept.id]
    second.close()


def test_a_killed_process_leaves_its_draft_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "drafts.sqlite3"
    script = textwrap.dedent(f"""
        import sys, time
        from connectors.outbox import Draft, DraftStore
        store = DraftStore({str(path)!r})
        store.save(Draft(id="d1", subject="unsent words"))
        print("saved", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[3])
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "saved"
        with DraftStore(path) as store:
            assert store.orphans() == [], "the writer is alive"
            os.kill(child.pid, signal.SIGKILL)
            child.wait(10)
            assert [d.subject for d in store.orphans()] == ["unsent words"]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_big_attachment_bytes_are_stored_whole_once(tmp_path: Path) -> None:
    import os

    data = os.urandom(2 * 1024 * 1024 + 5)  # written a megabyte at a time
    with DraftStore(tmp_path / "drafts.sqlite3") as store:
        digest = store.put_blob(data)
        assert store.put_blob(data) == digest and store.has_blob(digest)
        assert store.blob(digest) == data
        assert store._conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1  # noqa: SLF001
