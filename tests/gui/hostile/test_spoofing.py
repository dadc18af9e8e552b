"""What the reader and the message list show is what is true: checked by the widgets' own text."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from PySide6.QtCore import Qt

from connectors.messaging.mime import (
    SENDER_INVALID,
    SENDER_LINE_BREAK,
    SENDER_MISMATCH,
    SENDER_NOT_ONE,
    parse_message,
)
from connectors.store import MessageSummary
from gui.models.message_columns import Column, cell_data
from gui.views.reader import ReaderView, displayed, remote_allowed_for
from tests.gui.hostile.vectors import TRUSTED, encoded_word, html_message


def shown(qtbot: Any, raw: bytes) -> ReaderView:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 500)
    reader.show()
    reader.show_message(displayed(("", "", 0), parse_message(raw)))
    return reader


def test_right_to_left_override_in_a_name_is_shown_not_obeyed(qtbot: Any) -> None:
    reader = shown(qtbot, html_message("<p>x</p>", sender=f"{encoded_word('moc.lapyap@ecivres' + chr(0x202E))} "
                                                          "<attacker@evil.test>"))
    sender = reader.headers.text_of("from")
    assert "\u202e" not in sender and "[U+202E]" in sender and "<attacker@evil.test>" in sender


def test_right_to_left_override_in_a_subject_is_shown_not_obeyed(qtbot: Any) -> None:
    reader = shown(qtbot, html_message("<p>x</p>", subject=encoded_word("Invoice \u202egpj.exe")))
    assert reader.headers.subject.text() == "Invoice [U+202E]gpj.exe"


def test_control_characters_become_visible_escapes(qtbot: Any) -> None:
    reader = shown(qtbot, html_message("<p>x</p>", subject=encoded_word("Hello\x00World\x07\x1b[31m"),
                                       sender=f"{encoded_word('Ali' + chr(0x200B) + 'ce')} <alice@friend.test>"))
    assert reader.headers.subject.text() == "Hello[U+0000]World[U+0007][U+001B][31m"
    assert reader.headers.text_of("from") == "Ali[U+200B]ce <alice@friend.test>"


def test_a_name_that_is_another_address_is_flagged(qtbot: Any) -> None:
    reader = shown(qtbot, html_message("<p>x</p>", sender='"service@paypal.com" <attacker@evil.test>'))
    assert reader.headers.text_of("from") == "service@paypal.com <attacker@evil.test>"
    assert reader.warning.isVisible() and "attacker@evil.test" in reader.warning.text()


def test_invisible_padding_cannot_push_the_address_out_of_view(qtbot: Any) -> None:
    padding = chr(0x3164) * 300 + chr(0x2800) * 200
    reader = shown(qtbot, html_message("<p>x</p>", sender=f"{encoded_word('PayPal' + padding)} <attacker@evil.test>"))
    sender = reader.headers.text_of("from")
    assert sender.startswith("PayPal[U+3164]") and sender.endswith("… <attacker@evil.test>") and len(sender) < 90
    label = reader.headers.findChild(type(reader.headers.subject), "fromLabel")
    assert label is not None and label.isVisible()
    assert label.heightForWidth(label.width()) < 4 * label.fontMetrics().height()  # a line or two, not a wall


@pytest.mark.parametrize(("sender", "extra", "problem"), [
    (f"{encoded_word('Bank' + chr(13) + chr(10) + TRUSTED)} <attacker@evil.test>", "", None),
    (f"attacker@evil.test, {TRUSTED}", "", (SENDER_NOT_ONE,)),
    (TRUSTED, "From: attacker@evil.test\r\n", (SENDER_NOT_ONE,)),
    (TRUSTED, "Sender: attacker@evil.test\r\n", (SENDER_MISMATCH,)),
    (f"{encoded_word('Bank' + chr(10))} <{TRUSTED}>", "", (SENDER_LINE_BREAK, SENDER_INVALID)),
    (f"{encoded_word('Bank' + chr(7))} <{TRUSTED}>", "", (SENDER_LINE_BREAK, SENDER_INVALID)),
])
def test_consent_is_never_given_to_a_disguised_sender(qtbot: Any, sender: str, extra: str,
                                                      problem: tuple[str, ...] | None) -> None:
    parsed = parse_message(html_message("<img src='http://x.evil.test/a.png'>", sender=sender, extra_headers=extra))
    if problem is not None:
        assert parsed.sender_problem in problem
    message = displayed(("", "", 0), parsed)
    assert not remote_allowed_for(message, lambda address: address.lower() == TRUSTED)
    reader = shown(qtbot, html_message("<img src='http://x.evil.test/a.png'>", sender=sender, extra_headers=extra))
    assert reader.warning.isVisible()
    assert reader.remote_bar.isVisible() and not reader.remote_bar.always.isVisible()


def test_the_real_sender_keeps_its_consent(qtbot: Any) -> None:
    message = displayed(("", "", 0), parse_message(html_message("<p>x</p>", sender=f"Bank <{TRUSTED}>")))
    assert remote_allowed_for(message, lambda address: address.lower() == TRUSTED)
    assert not remote_allowed_for(message, lambda address: False)


def test_deep_nesting_keeps_the_headers_and_shows_the_parts(qtbot: Any) -> None:
    depth = 1000
    raw = ["From: Alice <alice@friend.test>\r\nTo: b@example.test\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n"]
    raw += [f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)]
    raw.append("Content-Type: text/plain\r\n\r\nHello from the bottom\r\n")
    raw.append(f"--b{depth - 1}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
               f"filename=report.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(b'%PDF').decode()}"
               "\r\n")
    raw += [f"--b{i}--\r\n" for i in reversed(range(depth))]
    reader = shown(qtbot, "".join(raw).encode())
    assert reader.headers.subject.text() == "Deep"
    assert reader.headers.text_of("from") == "Alice <alice@friend.test>"
    assert "Hello from the bottom" in reader.plain.toPlainText()
    assert [a.filename for a in reader.message.attachments] == ["report.pdf"]
    assert reader.warning.isVisible() and "nested" in reader.warning.text()


def summary(**fields: Any) -> MessageSummary:
    return MessageSummary(uid=1, size=10, **fields)


def test_the_message_list_shows_the_truth_too() -> None:
    row = summary(subject="Invoice \u202egpj.exe", from_name="service@paypal.com", from_addr="attacker@evil.test")
    display = Qt.ItemDataRole.DisplayRole
    assert cell_data(row, Column.SUBJECT, display, recipients=False, icons=None) == "Invoice [U+202E]gpj.exe"
    assert cell_data(row, Column.SENDER, display, recipients=False, icons=None) == (
        "service@paypal.com <attacker@evil.test>")
    row = summary(subject="a\x00b", from_name="Ali\u202ece", from_addr="alice@friend.test")
    assert cell_data(row, Column.SUBJECT, display, recipients=False, icons=None) == "a[U+0000]b"
    assert "[U+202E]" in cell_data(row, Column.SENDER, display, recipients=False, icons=None)
