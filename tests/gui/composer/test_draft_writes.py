"""Drafts and Send off the GUI thread (issue 13.4): saves of one draft land in order (an older one never overwrites
a newer one), "saved" is said only once on disk, a write dropped before it ran is never lost, quitting writes
everything asked, Send closes the composer only once the Outbox holds the message, and server drafts are built in
the send worker on one kept connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from connectors.outbox import DraftStore
from gui.composer import Postbox
from gui.workers.runner import runner
from gui.workers.send_worker import AccountLink, keyring_connectors
from tests.conftest import ALICE, BOB
from tests.gui.composer.conftest import composer_settings, fetch_all


@contextmanager
def drafts_store_held(drafts: DraftStore) -> Iterator[threading.Event]:
    """Keep every write to the drafts store waiting (another thread holds its lock) until the event is set or the
    block ends."""
    release = threading.Event()
    held = threading.Event()

    def hold() -> None:
        with drafts._lock:  # noqa: SLF001 - the store's own lock, to hold its writers back
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold, name="holds-the-drafts-store")
    holder.start()
    held.wait(10)
    try:
        yield release
    finally:
        release.set()
        holder.join(10)


def test_saves_of_one_draft_land_in_order_and_only_the_newest_waiting_one(account_store: Any, make_postbox: Any,
                                                                         qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(subject="v1")
    composer._autosave.stop()  # noqa: SLF001 - only the saves this test asks for
    on_disk_when_said: list[tuple[str, str]] = []

    def said(draft_id: str) -> None:
        stored = postbox.drafts.get(draft_id)
        on_disk_when_said.append((composer.header.subject_field.text(), stored.subject if stored else ""))

    composer.draftSaved.connect(said)
    composer.editor.text_edit.setPlainText("words")
    with drafts_store_held(postbox.drafts):
        assert composer.autosave()
        qtbot.wait(50)  # v1 runs (blocked on the store's lock)
        for subject in ("v2", "v3", "v4"):
            composer.header.subject_field.setText(subject)
            assert composer.autosave()
        qtbot.wait(50)
        assert on_disk_when_said == [], "nothing is said while nothing is on disk"
    qtbot.waitUntil(lambda: not composer.writer.busy(), timeout=10_000)
    stored = postbox.drafts.get(composer.draft_id)
    assert stored is not None and stored.subject == "v4"
    # v1 ran first; v2 and v3 waited and were replaced by v4; each "saved" came once that version was on disk.
    assert [disk for _shown, disk in on_disk_when_said] == ["v1", "v4"]


def test_a_write_dropped_before_it_ran_is_written_later(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(subject="Dropped")
    composer._autosave.stop()  # noqa: SLF001
    composer.editor.text_edit.setPlainText("first")
    assert composer.autosave()
    running = composer.writer._running  # noqa: SLF001 - the write just asked, not started yet
    assert running is not None
    runner().cancel(running[0])  # as the runner does when it stops
    qtbot.wait(50)
    assert postbox.drafts.get(composer.draft_id) is None and composer.writer.busy()
    composer.editor.text_edit.setPlainText("second")
    with qtbot.waitSignal(composer.draftSaved, timeout=5_000):
        assert composer.autosave()
    qtbot.waitUntil(lambda: not composer.writer.busy(), timeout=5_000)
    stored = postbox.drafts.get(composer.draft_id)
    assert stored is not None and stored.text.startswith("second")


def test_quitting_writes_what_is_running_and_what_waits(tmp_path: Any, account_store: Any, make_postbox: Any,
                                                        qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(subject="Quit mid-save")
    composer._autosave.stop()  # noqa: SLF001
    draft_id = composer.draft_id
    composer.editor.text_edit.setPlainText("running")
    with drafts_store_held(postbox.drafts) as release:
        assert composer.autosave()
        qtbot.wait(50)  # running, blocked on the store's lock
        composer.editor.text_edit.setPlainText("the last words")
        threading.Timer(0.2, release.set).start()
        postbox.request_stop()  # flushes: waits for the running write, writes the rest in place
        stored = postbox.drafts.get(draft_id)
    assert stored is not None and stored.text.startswith("the last words") and stored.subject == "Quit mid-save"
    assert postbox.drafts.state(draft_id) == "editing"  # offered back at the next start


def test_send_closes_the_composer_once_the_outbox_holds_the_message(account_store: Any, make_postbox: Any,
                                                                    qtbot: Any) -> None:
    postbox = make_postbox(account_store, undo_seconds=30)
    composer = postbox.open_composer(to=[BOB], subject="Durable first")
    composer.editor.text_edit.setPlainText("Then closed")
    in_outbox_at_close: list[list[str]] = []
    composer.closed.connect(lambda: in_outbox_at_close.append([e.subject for e in postbox.outbox.entries()]))
    with drafts_store_held(postbox.drafts):
        assert composer.send()
        qtbot.wait(100)
        # Blocked before the draft is written: still open (disabled), nothing in the Outbox, the draft not queued.
        assert postbox.composers() == [composer] and not composer.send_action.isEnabled()
        assert postbox.outbox.entries() == []
        assert composer.send() is False, "sent once"
    with qtbot.waitSignal(composer.closed, timeout=15_000):
        pass
    assert in_outbox_at_close == [["Durable first"]]
    assert postbox.drafts.state(composer.draft_id) == "queued"


def test_a_message_that_cannot_be_built_gives_the_composer_back(account_store: Any, make_postbox: Any,
                                                                 qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB], subject="Bad header")
    composer._draft = type(composer._draft)(id=composer.draft_id, in_reply_to="<a@b>\r\nBcc: evil@example.test")  # noqa: SLF001
    assert composer.send()
    qtbot.waitUntil(lambda: composer.send_action.isEnabled(), timeout=10_000)
    assert postbox.composers() == [composer] and postbox.outbox.entries() == []
    assert composer.notice.isVisible() and composer.notice.text()


def test_server_drafts_are_saved_on_one_kept_connection_and_only_when_changed(
        tmp_path: Any, account_store: Any, dovecot: Any, qtbot: Any) -> None:
    from connectors.outbox import Outbox

    made: list[AccountLink] = []
    make = keyring_connectors(account_store)

    def counting(account_id: str) -> AccountLink | None:
        link = make(account_id)
        if link is not None:
            made.append(link)
        return link

    local = tmp_path / "Local Folders"
    postbox = Postbox(account_store, outbox=Outbox(local / "outbox.sqlite3"),
                      drafts=DraftStore(local / "drafts.sqlite3"), settings=composer_settings(), connectors=counting,
                      store_path=lambda account: tmp_path / "stores" / account.id / "store.sqlite3")
    postbox.start()
    try:
        composer = postbox.open_composer(to=[BOB], subject="Not saved yet")
        saved: list[str] = []
        postbox.worker.draftSaved.connect(saved.append)
        for version in (1, 2, 3):
            composer.header.subject_field.setText(f"Version {version}")
            with qtbot.waitSignal(postbox.worker.draftSaved, timeout=10_000):
                composer.save_to_server()
        composer.save_to_server()  # unchanged since: nothing is built or sent
        with qtbot.waitSignal(postbox.worker.passFinished, timeout=5_000):
            postbox.worker.request_wake()  # anything queued before has run
        assert len(saved) == 3
        assert [str(m["Subject"]) for m in fetch_all(dovecot, ALICE, "Drafts")] == ["Version 3"]
        assert len(made) == 1, "one login for every save"
        composer._stop()  # noqa: SLF001
        composer.close()
    finally:
        postbox.shutdown()
        postbox.outbox.close()
        postbox.drafts.close()
