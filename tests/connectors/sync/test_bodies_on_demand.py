"""Opening a message downloads its text, not its attachments (issue 13.2), against the real Dovecot; the bytes the
server sent are counted in a loopback proxy."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

import pytest

from connectors.messaging.mime import parse_message
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import ALICE
from tests.connectors.sync.connections import connector_to as _connector
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

BOX = "Bodies"
ATTACHMENT_BYTES = 20 * 1024 * 1024
TEXT = "The figures are attached. Ça va ?"


def big_message(subject: str, attachment: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Bob <bob@example.test>", ALICE, subject
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@example.test>"
    msg["Date"] = "Tue, 24 Nov 2026 10:00:00 +0000"
    msg.set_content(TEXT)
    msg.add_alternative(f"<p>{TEXT}</p><img src='cid:logo@example.test'>", subtype="html")
    msg.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image", "png", cid="<logo@example.test>")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="figures.bin")
    msg.add_attachment("name,total\nalice,3\n", subtype="csv", filename="small.csv")
    return msg.as_bytes(policy=SMTP)


def text_message(subject: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Bob <bob@example.test>", ALICE, subject
    msg["Date"] = "Tue, 24 Nov 2026 11:00:00 +0000"
    msg.set_content("Nothing attached here.")
    return msg.as_bytes(policy=SMTP)




@pytest.fixture(scope="module")
def attachment() -> bytes:
    return os.urandom(ATTACHMENT_BYTES)


def test_opening_fetches_no_attachment_bytes_and_saving_fetches_them(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], attachment: bytes) -> None:
    dovecot.seed(ALICE, BOX, [big_message("Quarterly figures", attachment), text_message("Just text")])
    with FaultyProxy(dovecot.imaps_port) as proxy:
        engine = SyncEngine(store, _connector(imap_config, proxy.port))
        try:
            engine.sync_folder(BOX)
            big_uid, text_uid = store.uids(BOX)
            before = proxy.server_bytes

            # Asked beside a cache read (the window's opener): the same download, not cached by this call.
            fetched = engine.fetch_unless_cached(BOX, big_uid)
            assert fetched is not None and not fetched.complete and not store.has_readable_body(BOX, big_uid)
            before = proxy.server_bytes

            readable = engine.fetch_for_reading(BOX, big_uid)
            opened = proxy.server_bytes - before
            # Headers, the structure and the text parts: a few kilobytes, none of the 27 MB of base64.
            assert opened < 64 * 1024, opened
            assert not readable.complete and readable.has_attachments
            parsed = parse_message(readable.raw, partial=True)
            assert parsed.subject == "Quarterly figures" and TEXT in parsed.body
            assert parsed.html_body is not None and TEXT in parsed.html_body
            by_name = {a.filename: a for a in parsed.attachments}
            figures = by_name["figures.bin"]
            assert not figures.downloaded and figures.data == b""
            assert ATTACHMENT_BYTES <= figures.size < ATTACHMENT_BYTES * 1.05  # from BODYSTRUCTURE, decoded
            assert not by_name["small.csv"].downloaded
            logo = [a for a in parsed.attachments if a.content_id == "logo@example.test"]
            assert logo and logo[0].downloaded and logo[0].data.startswith(b"\x89PNG")  # small inline image: shown
            # The paperclip comes from BODYSTRUCTURE. The text parts are cached, marked incomplete: they are not
            # "the message" (body(), has_body() and the offline download still want the whole), but the message
            # opens again without the server and its words are found by a search.
            summary = store.summary(BOX, big_uid)
            assert summary is not None and summary.has_attachments
            assert store.body(BOX, big_uid) is None and not store.has_body(BOX, big_uid)
            assert store.readable_body(BOX, big_uid) == (readable.raw, False)
            assert [m.uid for m in store.search("figures attached", folder=BOX)] == [big_uid]
            before = proxy.server_bytes
            reopened = engine.fetch_for_reading(BOX, big_uid)
            assert proxy.server_bytes == before  # from the cache
            assert reopened == readable
            assert readable == fetched
            assert store.has_readable_body(BOX, big_uid)
            assert engine.fetch_unless_cached(BOX, big_uid) is None and proxy.server_bytes == before

            # Saving the attachment downloads the message, once, and caches it whole.
            before = proxy.server_bytes
            raw = engine.fetch_body(BOX, big_uid)
            assert proxy.server_bytes - before > ATTACHMENT_BYTES
            saved = {a.filename: a for a in parse_message(raw).attachments}["figures.bin"]
            assert saved.downloaded and saved.data == attachment
            assert store.body(BOX, big_uid) == raw and store.readable_body(BOX, big_uid) == (raw, True)
            # Text parts fetched later (another window's opening) never replace the whole message.
            store.store_body(BOX, big_uid, readable.raw, complete=False)
            assert store.body(BOX, big_uid) == raw
            assert [m.uid for m in store.search("figures attached", folder=BOX)] == [big_uid]
            before = proxy.server_bytes
            again = engine.fetch_for_reading(BOX, big_uid)
            assert again.complete and again.raw == raw and proxy.server_bytes == before  # from the cache

            # A message with nothing to leave out comes whole, byte for byte, and is cached.
            plain = engine.fetch_for_reading(BOX, text_uid)
            assert plain.complete and not plain.has_attachments
            assert store.body(BOX, text_uid) == plain.raw
            assert b"Nothing attached here." in plain.raw
            summary = store.summary(BOX, text_uid)
            assert summary is not None and not summary.has_attachments
        finally:
            engine.close()


def test_a_sender_cannot_fake_an_omitted_part() -> None:
    """The marker header means something only in a message Facteur assembled (``partial=True``)."""
    msg = EmailMessage()
    msg["Subject"] = "Tricky"
    msg.set_content("Hello")
    msg.add_attachment(b"real bytes", maintype="application", subtype="octet-stream", filename="a.bin")
    msg.get_payload()[1]["X-Facteur-Omitted-Size"] = "123"
    [attachment] = parse_message(msg.as_bytes()).attachments
    assert attachment.downloaded and attachment.data == b"real bytes" and attachment.size == 10
