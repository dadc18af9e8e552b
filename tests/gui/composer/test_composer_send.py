"""Sending from the composer through the Outbox, the real SMTP server and Dovecot, read back over IMAP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtGui import QTextCursor

from tests.conftest import ALICE, BOB, CAROL
from tests.gui.composer.conftest import ALICE_NAME, fetch_all


def _parts(message: Any) -> dict[str, Any]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_send_round_trip_rich_text_utf8_and_attachment(tmp_path: Path, account_store: Any, make_postbox: Any,
                                                       dovecot: Any, qtbot: Any) -> None:
    payload = bytes(range(256)) * 300 + "fin ✓".encode()
    attachment = tmp_path / "Überweisung März ✓.bin"
    attachment.write_bytes(payload)
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=["Bob Dupré <bob@example.test>"], subject="Réunion à 10 h — ça te va ?")
    composer.header.show_field("cc", True)
    composer.header.cc_field.setText(f"Carol Ñandú <{CAROL}>")
    editor = composer.editor
    cursor = editor.text_edit.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.insertHtml("Bonjour <b>Bob</b>, voici <i>le fichier</i>.")
    cursor.insertBlock()
    editor.text_edit.setTextCursor(cursor)
    editor.toggle_bullets()
    editor.text_edit.insertPlainText("point un")
    with qtbot.waitSignal(composer.attachmentsRead, timeout=10_000):
        composer.add_files([str(attachment)])

    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000) as sent:
        assert composer.send()
        # Built and written to the Outbox off the GUI thread; the composer closes once the Outbox holds it.
        assert not composer.send_action.isEnabled()
        qtbot.waitUntil(lambda: postbox.composers() == [], timeout=15_000)
    message_id = sent.args[1]

    (received,) = fetch_all(dovecot, BOB)
    assert received["Message-ID"] == message_id
    assert str(received["Subject"]) == "Réunion à 10 h — ça te va ?"
    assert received["From"].addresses[0].display_name == ALICE_NAME
    assert received["To"].addresses[0].display_name == "Bob Dupré"
    assert received["Cc"].addresses[0].display_name == "Carol Ñandú"
    parts = _parts(received)
    text = parts["text/plain"].get_content().replace("\r\n", "\n")
    assert "<b>Bob</b>" in parts["text/html"].get_content() and "<li>point un</li>" in parts["text/html"].get_content()
    assert text == "Bonjour Bob, voici le fichier.\n- point un\n\n-- \nAlice, from the test\n"
    files = [p for p in received.walk() if p.get_filename()]
    assert [p.get_filename() for p in files] == ["Überweisung März ✓.bin"]
    assert hashlib.sha256(files[0].get_content()).hexdigest() == hashlib.sha256(payload).hexdigest()

    assert [m["Message-ID"] for m in fetch_all(dovecot, CAROL)] == [message_id]
    assert [m["Message-ID"] for m in fetch_all(dovecot, ALICE, "Sent")] == [message_id]
    qtbot.waitUntil(lambda: postbox.outbox.entries() == [] and postbox.drafts.drafts() == [])


def test_plain_text_only_has_no_html_part(account_store: Any, make_postbox: Any, dovecot: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB], subject="Plain")
    composer.plain_action.setChecked(True)
    composer.editor.text_edit.setPlainText("Just text, *no* markup.\n")
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert composer.send()
    (received,) = fetch_all(dovecot, BOB)
    assert received.get_content_type() == "text/plain"
    assert received.get_content().startswith("Just text, *no* markup.")


def test_bcc_recipients_get_it_without_a_trace(account_store: Any, make_postbox: Any, dovecot: Any,
                                               qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB], subject="Secret copy")
    composer.header.show_field("bcc", True)
    composer.header.bcc_field.setText(CAROL)
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert composer.send()
    (to_carol,) = fetch_all(dovecot, CAROL)
    assert to_carol["Bcc"] is None and CAROL not in str(fetch_all(dovecot, BOB)[0])


def test_invalid_or_missing_recipients_keep_the_composer_open(account_store: Any, make_postbox: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(subject="Nobody")
    assert composer.send() is False and "at least one recipient" in composer.notice.text()
    composer.header.to_field.setText("bob@example.test, not an address")
    assert composer.send() is False
    assert "not an e-mail address: not an address" in composer.notice.text()
    assert composer.header.to_field.property("invalid") is True
    assert composer.isVisible() and postbox.outbox.entries() == []


def test_the_identity_chosen_signs_and_sends(account_store: Any, make_postbox: Any, dovecot: Any,
                                             qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB], subject="From the alias")
    assert "Alice, from the test" in composer.editor.text_edit.toPlainText()
    composer.header.sender_box.setCurrentIndex(1)  # the alias has no signature
    assert "Alice, from the test" not in composer.editor.text_edit.toPlainText()
    composer.header.sender_box.setCurrentIndex(0)
    assert composer.editor.text_edit.toPlainText().count("Alice, from the test") == 1
    composer.header.sender_box.setCurrentIndex(1)
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert composer.send()
    (received,) = fetch_all(dovecot, BOB)
    assert received["From"].addresses[0].addr_spec == "alice.alias@example.test"


def test_forgotten_attachment_and_empty_subject_are_asked(account_store: Any, make_postbox: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer(to=[BOB])
    questions: list[str] = []
    composer.ask = lambda title, question: questions.append(title) or False
    composer.editor.text_edit.setPlainText("See the attached file.")
    assert composer.send() is False
    composer.header.subject_field.setText("Report")
    assert composer.send() is False
    assert questions == ["No subject", "Forgotten attachment?"]
    assert postbox.outbox.entries() == []
