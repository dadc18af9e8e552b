"""The Outbox seen from the app: server away, app restarted, server back → delivered exactly once; undo; refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.accounts import AccountStore
from gui.secrets import delete_secrets, store_secret
from tests.conftest import ALICE, BOB, USERS
from tests.gui.composer.conftest import fetch_all, make_account, send_queued
from tests.servers.smtp import SMTPServer


def test_server_down_restart_server_back_delivers_once(tmp_path: Path, ca: Any, dovecot: Any, accounts: Any,
                                                       make_postbox: Any, qtbot: Any) -> None:
    private = SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket)  # created, not started: unreachable
    store = AccountStore(tmp_path / "accounts.json")
    account = make_account(dovecot, private.port, ca)
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    try:
        postbox = make_postbox(store)
        composer = postbox.open_composer(to=[BOB], subject="Through the storm")
        with qtbot.waitSignal(postbox.worker.retrying, timeout=15_000) as retrying:
            assert composer.send()
        entry_id, error, _next = retrying.args
        assert "127.0.0.1" in error
        (entry,) = postbox.outbox.entries()
        assert entry.state == "queued" and entry.last_error == error

        # The app quits (and every object with it), the server comes back, the app starts again.
        from tests.gui.composer.conftest import close_postbox

        close_postbox(postbox, postbox.outbox, postbox.drafts)
        private.start()
        again = make_postbox(store)
        with qtbot.waitSignal(again.worker.sent, timeout=15_000) as sent:
            again.worker.retry_now()
        assert sent.args[0] == entry_id
        qtbot.waitUntil(lambda: again.outbox.entries() == [])
        again.worker.retry_now()
        with qtbot.waitSignal(again.worker.passFinished, timeout=5_000):
            again.worker.request_wake()
        assert len(private.received) == 1, "delivered exactly once"
        assert [str(m["Subject"]) for m in fetch_all(dovecot, BOB)] == ["Through the storm"]
        assert [str(m["Subject"]) for m in fetch_all(dovecot, ALICE, "Sent")] == ["Through the storm"]
        assert again.drafts.drafts() == [], "the draft of a sent message is gone"
    finally:
        private.stop()
        delete_secrets(account.id)


def test_bad_recipient_comes_back_with_the_servers_words(account_store: Any, make_postbox: Any, smtp_server: Any,
                                                         qtbot: Any) -> None:
    smtp_server.reject_recipients["nobody@example.test"] = (550, "5.1.1 <nobody@example.test>: Recipient unknown")
    try:
        postbox = make_postbox(account_store)
        composer = postbox.open_composer(to=["nobody@example.test"], subject="Lost")
        composer.editor.text_edit.setPlainText("Hello?")
        with qtbot.waitSignal(postbox.worker.failed, timeout=15_000) as failed:
            assert composer.send()
    finally:
        smtp_server.reject_recipients.clear()
    entry_id, error = failed.args
    assert "550" in error and "Recipient unknown" in error
    assert postbox.outbox.get(entry_id).state == "failed"
    fixed = postbox.edit_entry(entry_id)
    assert fixed is not None and "Recipient unknown" in fixed.notice.text()
    assert fixed.header.to_field.addresses() == ["nobody@example.test"]
    assert fixed.editor.text_edit.toPlainText().startswith("Hello?")
    assert postbox.outbox.entries() == [], "taken out of the Outbox to be fixed"


def test_undo_send_brings_the_message_back_unsent(tmp_path: Path, account_store: Any, make_postbox: Any,
                                                  smtp_server: Any, qtbot: Any) -> None:
    attachment = tmp_path / "plan.txt"
    attachment.write_text("the plan")
    postbox = make_postbox(account_store, undo_seconds=30)
    before = len(smtp_server.received)
    composer = postbox.open_composer(to=[BOB], subject="Oops", attachments=[attachment])
    composer.editor.text_edit.setPlainText("Not yet!")
    send_queued(composer, qtbot)
    (entry,) = postbox.outbox.entries()
    assert entry.state == "scheduled"
    back = postbox.undo(entry.id)
    assert back is not None
    assert back.header.subject_field.text() == "Oops"
    assert [a.data for a in back.attachment_list.attachments()] == [b"the plan"]
    assert postbox.outbox.entries() == []
    with qtbot.waitSignal(postbox.worker.passFinished, timeout=5_000):
        postbox.worker.request_wake()
    assert len(smtp_server.received) == before


def test_send_now_skips_the_undo_delay(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store, undo_seconds=30)
    composer = postbox.open_composer(to=[BOB], subject="Now")
    send_queued(composer, qtbot)
    (entry,) = postbox.outbox.entries()
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        postbox.worker.send_now(entry.id)
    assert postbox.undo(entry.id) is None, "too late to undo"
