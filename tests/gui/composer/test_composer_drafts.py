"""Drafts: saved locally every few seconds, one copy in the server's Drafts folder, recovered after a kill."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path
from typing import Any

from connectors.messaging.compose import Attachment
from connectors.outbox import DraftStore
from gui.composer.draft_writer import store_attachments
from tests.conftest import ALICE, BOB
from tests.gui.composer.conftest import fetch_all


def test_autosave_keeps_the_draft_locally(tmp_path: Path, account_store: Any, make_postbox: Any,
                                          qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer()
    composer.header.subject_field.setText("Autosaved")
    composer.editor.text_edit.setPlainText("first words")
    with qtbot.waitSignal(composer.draftSaved, timeout=5_000):
        pass
    draft = postbox.drafts.get(composer.draft_id)
    assert draft is not None and draft.subject == "Autosaved" and "first words" in draft.text


def test_server_drafts_folder_keeps_one_copy(account_store: Any, make_postbox: Any, dovecot: Any,
                                             qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB], subject="Version 1")
    composer.header.show_field("bcc", True)
    composer.header.bcc_field.setText("carol@example.test")
    with qtbot.waitSignal(postbox.worker.draftSaved, timeout=10_000):
        composer.save_now()
    composer.header.subject_field.setText("Version 2")
    with qtbot.waitSignal(postbox.worker.draftSaved, timeout=10_000):
        composer.save_now()
    drafts = fetch_all(dovecot, ALICE, "Drafts")
    assert [str(m["Subject"]) for m in drafts] == ["Version 2"]
    assert str(drafts[0]["Bcc"]) == "carol@example.test"
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert composer.send()
    qtbot.waitUntil(lambda: fetch_all(dovecot, ALICE, "Drafts") == [], timeout=5_000)


def test_closing_with_save_keeps_and_discard_removes(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    kept = postbox.open_composer(subject="Keep me")
    kept.editor.text_edit.setPlainText("later")
    with qtbot.waitSignal(kept.closed, timeout=5_000):
        kept.keep_as_draft_and_close()  # closes once the draft is on disk
    assert [d.subject for d in postbox.local_drafts()] == ["Keep me"]
    assert postbox.drafts.orphans() == []
    reopened = postbox.open_draft(kept.draft_id)
    assert reopened.editor.text_edit.toPlainText().startswith("later")
    reopened.discard()
    qtbot.waitUntil(lambda: postbox.drafts.drafts() == [], timeout=5_000)


def test_draft_recovered_after_the_app_is_killed_mid_edit(tmp_path: Path, account_store: Any,
                                                          make_postbox: Any) -> None:
    attachment = tmp_path / "photo ünïcode.jpg"
    attachment.write_bytes(b"\xff\xd8" + os.urandom(5000))
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        from connectors.outbox import DraftStore, Outbox
        from connectors.messaging.compose import Attachment
        from gui.accounts import AccountStore
        from gui.composer import Postbox
        from gui.composer.postbox import ComposeSettings
        app = QApplication([])
        local = {str(tmp_path / "Local Folders")!r}
        postbox = Postbox(AccountStore(Path({str(account_store.path)!r})), outbox=Outbox(local + "/outbox.sqlite3"),
                          drafts=DraftStore(local + "/drafts.sqlite3"),
                          settings=ComposeSettings(autosave_seconds=0.1, server_draft_seconds=3600))
        composer = postbox.open_composer(to=["bob@example.test"], subject="Do not lose me")
        composer.editor.text_edit.setPlainText("Half a sentence that must survive")
        # In the list at once (add_files reads in the pool, and a save could start before the file is in).
        composer.attachment_list.add([Attachment({attachment.name!r}, Path({str(attachment)!r}).read_bytes(),
                                                 "image/jpeg")])
        composer.draftSaved.connect(lambda _id: (print("autosaved", flush=True)))
        app.exec()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[3])
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "autosaved"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    postbox = make_postbox(account_store)
    (recovered,) = postbox.recover_drafts(ask=False)
    assert recovered.header.subject_field.text() == "Do not lose me"
    assert recovered.header.to_field.addresses() == [BOB]
    assert recovered.editor.text_edit.toPlainText().startswith("Half a sentence that must survive")
    (restored,) = recovered.attachment_list.attachments()
    assert restored.filename == "photo ünïcode.jpg" and restored.data == attachment.read_bytes()
    assert postbox.recover_drafts(ask=False) == [], "offered once"


def test_a_new_attachment_never_inherits_a_removed_ones_bytes(account_store: Any, make_postbox: Any,
                                                               qtbot: Any) -> None:
    """CPython reuses an object's address (its id()) once it is freed: the draft must not key bytes by id() alone."""
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(subject="Two files, one after the other")
    composer.attachment_list.add([Attachment("old.txt", b"the removed file", "text/plain")])
    with qtbot.waitSignal(composer.draftSaved, timeout=5_000):
        composer.autosave()  # the old file's bytes go to the drafts store
    old = weakref.ref(composer.attachment_list.attachments()[0])
    freed = id(old())
    composer.attachment_list.remove_rows([0])
    with qtbot.waitSignal(composer.draftSaved, timeout=5_000):
        composer.autosave()
    # The writer and the runner let go of it (the runner one event-loop turn after the write ended).
    qtbot.waitUntil(lambda: gc.collect() >= 0 and old() is None, timeout=5_000)

    # Allocate attachments (kept alive, so each takes a new address) until one lands where the old one was. CPython
    # usually hands the freed block out again, but another thread may take it first: the collision itself is
    # checked without luck in test_stored_bytes_are_never_those_of_an_attachment_that_had_the_same_id.
    made = []
    for _ in range(100_000):
        made.append(Attachment("new.txt", b"the file the person attached", "text/plain"))
        if id(made[-1]) == freed:
            break
    composer.attachment_list.add([made[-1]])
    with qtbot.waitSignal(composer.closed, timeout=5_000):
        composer.keep_as_draft_and_close()

    (item,) = postbox.drafts.get(composer.draft_id).attachments
    assert (item.name, postbox.drafts.blob(item.sha256)) == ("new.txt", b"the file the person attached")
    (restored,) = postbox.open_draft(composer.draft_id).attachment_list.attachments()
    assert restored.data == b"the file the person attached"


def test_stored_bytes_are_never_those_of_an_attachment_that_had_the_same_id(tmp_path: Path) -> None:
    """What the writer knows is keyed by id(): a new attachment given a freed one's id gets its own bytes stored."""
    drafts = DraftStore(tmp_path / "drafts.sqlite3")
    try:
        removed = Attachment("old.txt", b"the removed file", "text/plain")
        new = Attachment("new.txt", b"the file the person attached", "text/plain")
        stale_digest = drafts.put_blob(removed.data)
        known = {id(new): (removed, stale_digest)}  # as if `new` now lived where `removed` was
        (item,), now = store_attachments(drafts, [new], known)
        assert (item.name, drafts.blob(item.sha256)) == ("new.txt", b"the file the person attached")
        assert now == {id(new): (new, item.sha256)}
        # The same object saved again is not stored again: its entry is reused.
        (again,), _ = store_attachments(drafts, [new], now)
        assert again.sha256 == item.sha256
    finally:
        drafts.close()
