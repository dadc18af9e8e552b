"""Reply, reply all and forward: recipients, subjects, thread headers, quotes — sent for real and read back."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.messaging.mime import parse_message
from gui.composer.mailto import parse_mailto
from gui.composer.replies import base_subject, reply_recipients, thread_headers
from tests.conftest import ALICE, BOB, CAROL
from tests.gui.composer.conftest import ALICE_ALIAS, fetch_all

ORIGINAL = (
    "From: Bob Dupré <bob@example.test>\r\n"
    f"To: Alice <{ALICE}>, Dan <dan@example.test>\r\n"
    f"Cc: {CAROL}, Alias <{ALICE_ALIAS}>\r\n"
    "Subject: Re: RE: Fwd: Le budget\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <parent@example.test>\r\n"
    "In-Reply-To: <root@example.test>\r\n"
    "References: <root@example.test>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Voici les chiffres.\r\n> ancienne citation\r\n"
).encode()


@pytest.mark.parametrize(("subject", "base"), [
    ("Re: Re: Hello", "Hello"), ("RE: Fwd: FW: Hello", "Hello"), ("AW: Re[2]: Hallo", "Hallo"),
    ("Réponse", "Réponse"), ("Fwd:", ""), ("Re : Salut", "Salut"), ("Regarding Re: x", "Regarding Re: x"),
])
def test_prefixes_never_stack(subject: str, base: str) -> None:
    assert base_subject(subject) == base


def test_reply_recipients_table() -> None:
    message = parse_message(ORIGINAL)
    own = {ALICE, ALICE_ALIAS}
    assert reply_recipients(message, own, reply_all=False) == (["Bob Dupré <bob@example.test>"], [])
    assert reply_recipients(message, own, reply_all=True) == (
        ["Bob Dupré <bob@example.test>", "Dan <dan@example.test>"], [CAROL])
    with_reply_to = parse_message(ORIGINAL.replace(b"Subject:", b"Reply-To: list@example.test\r\nSubject:"))
    assert reply_recipients(with_reply_to, own, reply_all=False) == (["list@example.test"], [])
    mine = parse_message(f"From: {ALICE}\r\nTo: {BOB}\r\nCc: {CAROL}\r\nSubject: x\r\n\r\nhi\r\n".encode())
    assert reply_recipients(mine, own, reply_all=True) == ([BOB], [CAROL])


def test_thread_headers_extend_the_references() -> None:
    assert thread_headers(parse_message(ORIGINAL)) == ("<parent@example.test>",
                                                       ["<root@example.test>", "<parent@example.test>"])


def test_reply_and_reply_all_land_in_the_thread(account_store: Any, make_postbox: Any, dovecot: Any,
                                                qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    account = account_store.accounts[0]
    reply = postbox.reply(account, ORIGINAL, "INBOX", 7, reply_all=False)
    assert reply.header.to_field.addresses() == ["Bob Dupré <bob@example.test>"]
    assert reply.header.subject_field.text() == "Re: Le budget"
    text = reply.editor.text_edit.toPlainText()
    assert "Bob Dupré wrote:" in text and "Voici les chiffres." in text
    assert text.index("Alice, from the test") < text.index("Voici les chiffres."), "signature above the quote"
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert reply.send()
    (received,) = fetch_all(dovecot, BOB)
    assert received["In-Reply-To"] == "<parent@example.test>"
    assert received["References"] == "<root@example.test> <parent@example.test>"
    assert str(received["Subject"]) == "Re: Le budget"
    plain = next(p for p in received.walk() if p.get_content_type() == "text/plain").get_content()
    assert "> Voici les chiffres.\r\n>> ancienne citation" in plain
    html = next(p for p in received.walk() if p.get_content_type() == "text/html").get_content()
    assert '<blockquote type="cite"' in html

    # Dan has no mailbox on the test server: this time the message went to Alice and Carol only.
    deliverable = ORIGINAL.replace(b", Dan <dan@example.test>", b"")
    everyone = postbox.reply(account, deliverable, "INBOX", 7, reply_all=True)
    assert everyone.header.sender.identity.address == ALICE, "the identity the message was sent to"
    assert everyone.header.to_field.addresses() == ["Bob Dupré <bob@example.test>"]
    assert everyone.header.cc_field.addresses() == [CAROL]
    assert everyone.header.cc_field.isVisible()
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert everyone.send()
    (to_carol,) = fetch_all(dovecot, CAROL)
    assert to_carol["In-Reply-To"] == "<parent@example.test>"
    assert ALICE not in str(to_carol["To"]) + str(to_carol["Cc"])


def test_reply_goes_out_from_the_alias_it_was_sent_to(account_store: Any, make_postbox: Any) -> None:
    postbox = make_postbox(account_store)
    to_alias = ORIGINAL.replace(f"To: Alice <{ALICE}>, ".encode(), b"To: ")
    reply = postbox.reply(account_store.accounts[0], to_alias, "INBOX", 7, reply_all=False)
    assert reply.header.sender.identity.address == ALICE_ALIAS


def test_forward_as_attachment_and_inline(account_store: Any, make_postbox: Any, dovecot: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    account = account_store.accounts[0]
    original = ORIGINAL.replace(b"Content-Type: text/plain; charset=utf-8\r\n\r\nVoici",
                                b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
                                b"\r\nVoici") + b"--b\r\nContent-Type: application/pdf\r\n" \
        b"Content-Disposition: attachment; filename=chiffres.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" \
        b"JVBERi0xLjQ=\r\n--b--\r\n"
    attached = postbox.forward(account, original, as_attachment=True)
    assert attached.header.subject_field.text() == "Fwd: Le budget"
    attached.header.to_field.setText(BOB)
    with qtbot.waitSignal(postbox.worker.sent, timeout=15_000):
        assert attached.send()
    (received,) = fetch_all(dovecot, BOB)
    (part,) = [p for p in received.walk() if p.get_content_type() == "message/rfc822"]
    inner = part.get_content()
    assert inner["Message-ID"] == "<parent@example.test>" and part.get_filename() == "Le budget.eml"
    assert received["In-Reply-To"] is None

    inline = postbox.forward(account, original, as_attachment=False)
    text = inline.editor.text_edit.toPlainText()
    assert "Forwarded Message" in text and "Voici les chiffres." in text and "From: Bob Dupré" in text
    assert [a.filename for a in inline.attachment_list.attachments()] == ["chiffres.pdf"]


def test_mailto_prefills_the_composer(account_store: Any, make_postbox: Any) -> None:
    url = ("mailto:bob@example.test,dan@example.test?cc=carol@example.test&subject=Caf%C3%A9%20%26%20croissants"
           "&body=Line%201%0D%0ALine%202&from=evil@example.test&attach=/etc/passwd")
    seed = parse_mailto(url)
    assert (seed.to, seed.cc, seed.subject, seed.body_text) == (
        ["bob@example.test", "dan@example.test"], [CAROL], "Café & croissants", "Line 1\nLine 2")
    composer = make_postbox(account_store).open_mailto(url)
    assert composer.header.to_field.addresses() == ["bob@example.test", "dan@example.test"]
    assert composer.header.cc_field.addresses() == [CAROL]
    assert composer.header.subject_field.text() == "Café & croissants"
    assert composer.editor.text_edit.toPlainText() == "Line 1\nLine 2\n\n-- \nAlice, from the test"
    assert composer.attachment_list.attachments() == []
    with pytest.raises(ValueError):
        parse_mailto("https://example.test")


@pytest.mark.parametrize("html", [True, False])
def test_a_reply_below_the_quote_is_written_between_it_and_the_signature(account_store: Any, make_postbox: Any,
                                                                        qtbot: Any, html: bool) -> None:
    """The Preferences' "Start replies: below the quoted message", in both formats."""
    postbox = make_postbox(account_store, reply_below=True, html_by_default=html)
    account = account_store.accounts[0]
    reply = postbox.reply(account, ORIGINAL, "INBOX", 7, reply_all=False)
    qtbot.waitExposed(reply)
    reply.activateWindow()
    qtbot.waitUntil(lambda: reply.editor.text_edit.hasFocus(), timeout=5000)
    qtbot.keyClicks(reply.editor.text_edit, "Merci Bob")
    text = reply.editor.text()
    assert text.index("Voici les chiffres.") < text.index("Merci Bob") < text.index("Alice, from the test")
    reply._stop()  # noqa: SLF001 - closed without the save question
    reply.close()


def test_new_messages_go_out_from_the_default_sender(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    """The Preferences' "Send new messages from"; a reply keeps the identity the message was sent to."""
    account = account_store.accounts[0]
    postbox = make_postbox(account_store, default_account=account.id, default_identity=ALICE_ALIAS)
    composer = postbox.open_composer()
    assert composer.header.sender.identity.address == ALICE_ALIAS
    reply = postbox.reply(account, ORIGINAL.replace(f"Cc: {CAROL}, Alias <{ALICE_ALIAS}>\r\n".encode(), b""),
                          "INBOX", 7, reply_all=False)
    assert reply.header.sender.identity.address == ALICE
    for window in (composer, reply):
        window._stop()  # noqa: SLF001 - closed without the save question
        window.close()
