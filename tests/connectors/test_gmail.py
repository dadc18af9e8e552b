"""Gmail connectors against a loopback emulation of Gmail's IMAP (nothing reaches Google).

What is emulated — the [Gmail]/... folder layout with special-use attributes, X-GM-EXT-1, X-GM-RAW search,
X-GM-LABELS, X-GM-THRID and X-GM-MSGID, XOAUTH2 — follows Google's published IMAP extension and XOAUTH2 docs;
see tests/servers/gmail_imap.py for the exact subset. Sending uses the loopback aiosmtpd server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging.imap import GmailIMAPConnector
from tests.conftest import ALICE, BOB, make_message

GMAIL_USER = "someone@gmail.com"
APP_PASSWORD = "abcd efgh ijkl mnop"  # Google's app passwords have this shape
CLIENT_ID = "facteur-gmail-test.apps.googleusercontent.com"
CLIENT_SECRET = "gmail-test-secret"

WITH_PDF = (
    b"From: boss@example.test\r\nTo: someone@gmail.com\r\nSubject: Contract to sign\r\n"
    b"Message-ID: <contract@example.test>\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSign it\r\n'
    b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="contract.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b--\r\n"
)


@pytest.fixture
def gmail(ca: Any, google_oauth: Any) -> Iterator[Any]:
    from tests.servers.gmail_imap import FakeGmailIMAP

    server = FakeGmailIMAP(ca, passwords={GMAIL_USER: APP_PASSWORD}, token_owner=google_oauth.token_owner)
    server.start()
    server.add_message(GMAIL_USER, make_message("Hello", to=GMAIL_USER), labels=("\\Inbox",))
    server.add_message(GMAIL_USER, WITH_PDF, labels=("\\Inbox", "\\Important", "Work"), thread_id=4242)
    server.add_message(GMAIL_USER, make_message("Starred one", to=GMAIL_USER), labels=("\\Inbox",),
                       flags=("\\Flagged",))
    server.add_message(GMAIL_USER, make_message("Re: Contract to sign", to=GMAIL_USER,
                                                extra_headers="In-Reply-To: <contract@example.test>\r\n"),
                       labels=("\\Inbox", "Work"), thread_id=4242)
    yield server
    server.stop()


@pytest.fixture
def gmail_config(gmail: Any, ca: Any) -> dict[str, Any]:
    # Configuration pour Gmail IMAP (the guide's), plus the emulator's address and CA.
    return {"username": GMAIL_USER, "password": APP_PASSWORD,
            "host": "127.0.0.1", "port": gmail.port, "ca_file": str(ca.cert_path)}


def test_presets() -> None:
    imap = create_connector("gmail_imap", {"username": GMAIL_USER, "password": APP_PASSWORD})
    smtp = create_connector("gmail", {"username": GMAIL_USER, "password": APP_PASSWORD})
    assert (imap.config.host, imap.config.port, imap.config.use_ssl) == ("imap.gmail.com", 993, True)
    assert (smtp.config.host, smtp.config.port, smtp.config.use_tls) == ("smtp.gmail.com", 587, True)
    assert isinstance(imap, GmailIMAPConnector)


def test_connecteur_gmail_imap_guide_example(gmail_config: dict[str, Any],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = gmail_config

    # Créer une instance du connecteur Gmail IMAP
    gmail_imap = create_connector("gmail_imap", config)

    with gmail_imap.connection():
        # Lister tous les labels Gmail (spécifique à Gmail)
        labels = gmail_imap.get_all_labels()
        print(f"Labels disponibles: {labels}")

        # Récupérer les emails d'un label spécifique
        messages = gmail_imap.receive_messages(
            mailbox="[Gmail]/Starred",  # Label Gmail
            limit=5
        )

        # Rechercher des emails avec la syntaxe Gmail
        important_msgs = gmail_imap.search_messages(
            criteria=["X-GM-RAW", "is:important has:attachment"],
            limit=3
        )

    assert {"INBOX", "[Gmail]/All Mail", "[Gmail]/Sent Mail", "[Gmail]/Starred", "[Gmail]/Trash", "Work"} <= set(labels)
    assert "[Gmail]" not in labels  # \Noselect
    assert [m["subject"] for m in messages] == ["Starred one"]
    assert [m["subject"] for m in important_msgs] == ["Contract to sign"]
    assert "Labels disponibles" in capsys.readouterr().out


def test_messages_carry_labels_and_thread_ids(gmail_config: dict[str, Any]) -> None:
    gmail_imap = create_connector("gmail_imap", gmail_config)
    with gmail_imap.connection():
        inbox = {m["subject"]: m for m in gmail_imap.receive_messages(mailbox="INBOX")}
    contract, reply = inbox["Contract to sign"], inbox["Re: Contract to sign"]
    assert {"\\Important", "Work"} <= set(contract["labels"])
    assert contract["thread_id"] == reply["thread_id"] == "4242"
    assert contract["gmail_message_id"] != reply["gmail_message_id"]
    assert inbox["Hello"]["thread_id"] != "4242"


def test_labels_trash_and_non_ascii(gmail_config: dict[str, Any], gmail: Any) -> None:
    gmail_imap = create_connector("gmail_imap", gmail_config)
    with gmail_imap.connection():
        gmail_imap.create_mailbox("Équipe/Réunions")
        hello = next(m for m in gmail_imap.receive_messages(mailbox="INBOX") if m["subject"] == "Hello")
        gmail_imap.add_labels([hello["id"]], ["Équipe/Réunions"])
        assert [m["subject"] for m in gmail_imap.receive_messages(mailbox="Équipe/Réunions")] == ["Hello"]
        assert "Équipe/Réunions" in gmail_imap.get_all_labels()
        gmail_imap.delete_messages([hello["id"]], mailbox="INBOX")  # to [Gmail]/Trash
        assert [m["subject"] for m in gmail_imap.receive_messages(mailbox="[Gmail]/Trash")] == ["Hello"]
        assert "Hello" not in [m["subject"] for m in gmail_imap.receive_messages(mailbox="INBOX")]


def test_gmail_oauth_imap_and_no_copy_to_sent(gmail: Any, ca: Any, google_oauth: Any, smtp_server: Any,
                                              accounts: dict[str, str]) -> None:
    from connectors.messaging.smtp import GmailConnector

    google_oauth.register_client(CLIENT_ID, CLIENT_SECRET)
    _access, refresh = google_oauth.issue_tokens(GMAIL_USER, CLIENT_ID)
    gmail_imap = GmailIMAPConnector.create_with_oauth(
        email=GMAIL_USER, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=refresh,
        host="127.0.0.1", port=gmail.port, ca_file=str(ca.cert_path), oauth={"token_uri": google_oauth.token_uri},
    )
    # Gmail's SMTP is stood in for by the loopback server, authenticating alice with her password.
    gmail_smtp = GmailConnector({"username": ALICE, "password": "Alice's s3cret pass!", "host": "127.0.0.1",
                                 "port": smtp_server.port, "ca_file": str(ca.cert_path)})
    with gmail_imap.connection(), gmail_smtp.connection():
        sent_before = len(gmail_imap.receive_messages(mailbox="[Gmail]/Sent Mail", limit=None))
        gmail_smtp.send_email(subject="No double copy", recipients=[BOB], body="x", save_copy_to=gmail_imap)
        assert len(gmail_imap.receive_messages(mailbox="[Gmail]/Sent Mail", limit=None)) == sent_before
    assert not any(c.upper().startswith("APPEND") for c in gmail.commands)
