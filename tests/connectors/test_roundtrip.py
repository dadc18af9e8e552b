"""Send with SMTPConnector through a real SMTP server, read the same message back with IMAPConnector from Dovecot."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from connectors import create_connector
from tests.conftest import ALICE, BOB, CAROL, USERS
from tests.servers.smtp import SMTPServer


def _inbox_of(user: str, imap_config: dict[str, Any]) -> list[dict[str, Any]]:
    imap = create_connector("imap", {**imap_config, "username": user, "password": USERS[user]})
    with imap.connection():
        return imap.receive_messages(limit=10)


def test_send_and_read_back(smtp_config: dict[str, Any], imap_config: dict[str, Any], smtp_server: SMTPServer,
                            tmp_path: Path) -> None:
    pdf = tmp_path / "Compte-rendu réunion.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 400)
    picture = tmp_path / "photo.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00\xff" * 5000)
    smtp = create_connector("smtp", {**smtp_config, "sender_name": "Alice Éloïse"})
    before = len(smtp_server.received)
    with smtp.connection():
        message_id = smtp.send_email(
            subject="Réunion d'été ☀ — ordre du jour",
            recipients=["Bob Dupont <bob@example.test>"],
            body="Bonjour Bob,\nvoici l'ordre du jour.\n",
            html_body="<h1>Ordre du jour</h1><p>Bonjour <b>Bob</b></p>",
            attachments=[str(pdf), str(picture)],
            cc=[CAROL],
            reply_to="replies@example.test",
        )
    smtp_server.wait_for(before + 1)
    assert smtp_server.received[-1].rcpt_tos == [BOB, CAROL]

    messages = _inbox_of(BOB, imap_config)
    assert len(messages) == 1
    msg = messages[0]
    assert msg["message_id"] == message_id
    assert msg["subject"] == "Réunion d'été ☀ — ordre du jour"
    assert msg["from"] == f"Alice Éloïse <{ALICE}>"
    assert "bob@example.test" in msg["to"] and CAROL in msg["cc"]
    assert msg["reply_to"] == "replies@example.test"
    assert msg["body"] == "Bonjour Bob,\nvoici l'ordre du jour.\n"
    assert "<b>Bob</b>" in msg["html_body"]
    assert msg["has_attachments"] and msg["unread"]
    assert msg["size"] > 100_000

    imap = create_connector("imap", {**imap_config, "username": BOB, "password": USERS[BOB]})
    with imap.connection():
        attachments = imap.get_attachments(msg["id"])
    by_name = {a["filename"]: a for a in attachments}
    assert set(by_name) == {"Compte-rendu réunion.pdf", "photo.jpg"}
    assert by_name["Compte-rendu réunion.pdf"]["content_type"] == "application/pdf"
    assert by_name["photo.jpg"]["content_type"] == "image/jpeg"
    for path in (pdf, picture):
        data = by_name[path.name]["data"]
        assert hashlib.sha256(data).hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
        assert by_name[path.name]["size"] == path.stat().st_size

    assert len(_inbox_of(CAROL, imap_config)) == 1


def test_bcc_is_delivered_but_not_shown(smtp_config: dict[str, Any], imap_config: dict[str, Any]) -> None:
    smtp = create_connector("smtp", smtp_config)
    smtp.send_email(subject="Secret copy", recipients=[BOB], body="x", bcc=[CAROL])  # connects by itself
    assert not smtp.is_connected()
    carol_copy = _inbox_of(CAROL, imap_config)[0]
    assert carol_copy["subject"] == "Secret copy"
    assert CAROL not in carol_copy["to"] + carol_copy["cc"]
    assert CAROL not in _inbox_of(BOB, imap_config)[0]["cc"]


def test_implicit_tls_smtp_and_copy_to_sent(ca: Any, dovecot: Any, imap_config: dict[str, Any]) -> None:
    with SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket, mode="ssl") as server:
        smtp = create_connector("smtp", {
            "host": "127.0.0.1", "port": server.port, "username": ALICE, "password": USERS[ALICE], "use_ssl": True,
            "ca_file": str(ca.cert_path),
        })
        imap = create_connector("imap", imap_config)
        with smtp.connection(), imap.connection():
            smtp.send_email(subject="Over SMTPS", recipients=[BOB], body="implicit TLS", save_copy_to=imap)
            assert imap.select_mailbox("Sent") == 1
            sent = imap.receive_messages(mailbox="Sent")[0]
    assert sent["subject"] == "Over SMTPS"
    assert "\\Seen" in sent["flags"]
    assert _inbox_of(BOB, imap_config)[0]["body"].strip() == "implicit TLS"


def test_refused_recipient_is_a_message_error(smtp_config: dict[str, Any], smtp_server: SMTPServer) -> None:
    from connectors.exceptions import MessageError

    smtp_server.reject_recipients["nobody@example.test"] = (550, "5.1.1 No such user here")
    try:
        smtp = create_connector("smtp", smtp_config)
        try:
            smtp.send_email(subject="x", recipients=["nobody@example.test"], body="x")
        except MessageError as exc:
            assert "nobody@example.test" in str(exc) and "No such user" in str(exc)
            assert exc.smtp_code == 550 and not exc.temporary
        else:
            raise AssertionError("a refused recipient must raise MessageError")
    finally:
        smtp_server.reject_recipients.clear()


def test_non_ascii_password_works_for_smtp_and_imap(smtp_config: dict[str, Any], imap_config: dict[str, Any],
                                                    smtp_server: SMTPServer) -> None:
    assert not USERS[CAROL].isascii()
    smtp = create_connector("smtp", {**smtp_config, "username": CAROL, "password": USERS[CAROL]})
    before = len(smtp_server.received)
    smtp.send_email(subject="From Carol", recipients=[ALICE], body="UTF-8 credentials")
    smtp_server.wait_for(before + 1)
    assert smtp_server.received[-1].auth_user == CAROL
    assert _inbox_of(ALICE, imap_config)[0]["subject"] == "From Carol"


def test_partly_refused_recipients_raise_partial_delivery(smtp_config: dict[str, Any], imap_config: dict[str, Any],
                                                          smtp_server: SMTPServer) -> None:
    from connectors.exceptions import PartialDeliveryError

    smtp_server.reject_recipients["ghost@example.test"] = (550, "5.1.1 Unknown user")
    try:
        smtp = create_connector("smtp", smtp_config)
        msg, envelope = smtp.build_email("Partly", [BOB, "ghost@example.test"], "x")
        raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
        try:
            smtp.send_raw(raw, ALICE, envelope)
        except PartialDeliveryError as exc:
            assert list(exc.refused) == ["ghost@example.test"] and exc.refused["ghost@example.test"][0] == 550
        else:
            raise AssertionError("a partly refused message must say so")
    finally:
        smtp_server.reject_recipients.clear()
    received = _inbox_of(BOB, imap_config)[0]
    assert received["subject"] == "Partly"


def test_forwarded_message_travels_as_message_rfc822(smtp_config: dict[str, Any]) -> None:
    smtp = create_connector("smtp", smtp_config)
    original = b"From: x@example.test\r\nSubject: Original\r\n\r\nThe original text\r\n"
    msg, _ = smtp.build_email("Fwd: Original", [BOB], "See below", attachments=[
        {"filename": "Original.eml", "data": original, "content_type": "message/rfc822"}])
    part = next(msg.iter_attachments())
    assert part.get_content_type() == "message/rfc822"
    assert part["Content-Transfer-Encoding"] in (None, "7bit", "8bit")  # RFC 2046: never base64
    assert part.get_content()["Subject"] == "Original"
